//! The lesson panel's view: the lesson in the UI language, its setups, what
//! changes between them in the editor's own words, and — once revealed —
//! its answer.

use std::rc::Rc;

use serde_json::Value;

use crate::i18n::{Key, Lang, t, tf};
use crate::lessons::Lesson;
use crate::studio::Studio;
use crate::studio::draft::{Draft, format_number};
use crate::studio::fields::{Field, FieldKind, Label, Section};
use crate::studio::forms::sections;

/// What the lesson panel shows.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonView {
    /// `(id, title)` of every lesson, for the list.
    pub list: Rc<Vec<(String, String)>>,
    /// The open lesson, if any.
    pub open: Option<LessonDetail>,
    /// A lesson being fetched, or one that could not be: what to tell.
    pub status: Option<String>,
    /// UI language.
    pub lang: Lang,
}

/// An open lesson, in the UI language.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonDetail {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// What it explains.
    pub explain: String,
    /// What to watch.
    pub watch: String,
    /// The question for the class.
    pub question: String,
    /// The answer, once the outcome is shown.
    pub takeaway: Option<String>,
    /// The setups' button labels, in order.
    pub setups: Vec<String>,
    /// Which setup is loaded, if one is.
    pub side: Option<usize>,
    /// What changes from each setup to the next.
    pub changes: Vec<ChangeGroup>,
    /// Which pair of setups is shown side by side (`i`: `i` and `i + 1`).
    pub comparing: Option<usize>,
    /// The outcome is hidden until the run ends (predict first).
    pub hidden: bool,
    /// Lessons hide their outcome until the end (the setting).
    pub predict_first: bool,
    /// The sweep it offers, if any.
    pub sweep: Option<String>,
}

/// What changes from one setup to the next.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangeGroup {
    /// The setup it changes from.
    pub from: String,
    /// The setup it changes to.
    pub to: String,
    /// Every setting that differs.
    pub rows: Vec<ChangeRow>,
}

/// One setting that differs, as the editor labels it.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangeRow {
    /// Where and what: "Producer group checkout · Backoff".
    pub what: String,
    /// Its value before.
    pub was: String,
    /// Its value after.
    pub now: String,
}

impl Studio {
    /// The lesson panel's view.
    pub fn lesson_view(&self) -> LessonView {
        let l = self.present.lang;
        let open = self.lesson.open.as_deref().and_then(crate::lessons::get).map(|lesson| {
            let hidden = self.outcome_hidden();
            LessonDetail {
                id: lesson.id.clone(),
                title: lesson.title.get(l).to_string(),
                explain: lesson.explain.get(l).to_string(),
                watch: lesson.watch.get(l).to_string(),
                question: lesson.question.get(l).to_string(),
                takeaway: (!hidden && self.lesson.side.is_some()).then(|| lesson.takeaway.get(l).to_string()),
                setups: lesson.setups.iter().map(|s| s.label.get(l).to_string()).collect(),
                side: self.lesson.side,
                changes: change_groups(lesson, l),
                comparing: self.lesson.comparing.filter(|_| self.session.reference.is_some()),
                hidden,
                predict_first: self.present.predict_first,
                sweep: lesson.sweep.clone(),
            }
        });
        let list = crate::lessons::titles(l);
        let title = |id: &str| list.iter().find(|(i, _)| i == id).map_or(id.to_string(), |(_, t)| t.clone());
        let fetching = self.waiting_for_lesson();
        let status = match (fetching, &self.lesson.failed) {
            (Some(id), _) => Some(tf(l, Key::LessonFetching, &[&title(id)])),
            (None, Some((id, why))) => Some(tf(l, Key::LessonFetchFailed, &[&title(id), why])),
            (None, None) => None,
        };
        LessonView { list, open, status, lang: l }
    }

    /// Whether the outcome of the whole run is hidden: a lesson is open, the
    /// class is to predict first, and the run has neither played to its end
    /// nor been revealed.
    pub fn outcome_hidden(&self) -> bool {
        self.present.predict_first && self.lesson.open.is_some() && !self.lesson.revealed
    }
}

/// What changes between each pair of neighbouring setups of `lesson`.
fn change_groups(lesson: &Lesson, lang: Lang) -> Vec<ChangeGroup> {
    (0..lesson.setups.len().saturating_sub(1))
        .map(|i| {
            let after = lesson.setups[i + 1].scenario().ok();
            let forms = after.map(|s| sections(&Draft::new(s))).unwrap_or_default();
            ChangeGroup {
                from: lesson.setups[i].label.get(lang).to_string(),
                to: lesson.setups[i + 1].label.get(lang).to_string(),
                rows: lesson.changes(i).iter().map(|(path, was, now)| describe(&forms, lang, path, was, now)).collect(),
            }
        })
        .collect()
}

/// A changed setting in the editor's words (its JSON path if no form shows it).
pub fn describe(forms: &[Section], lang: Lang, path: &str, was: &Value, now: &Value) -> ChangeRow {
    let found = forms.iter().find_map(|s| {
        let rows = s.lists.iter().flat_map(|l| l.rows.iter().flatten());
        s.fields.iter().chain(rows).find(|f| f.path == path).map(|f| (s, f))
    });
    match found {
        Some((s, f)) => ChangeRow {
            what: format!("{} · {}", tf(lang, s.title, &[&s.name]), t(lang, f.label)),
            was: value_text(lang, f, was),
            now: value_text(lang, f, now),
        },
        None => match list_heading(path) {
            // A list that grew or shrank: its items by name.
            Some(heading) => {
                ChangeRow { what: t(lang, heading).to_string(), was: item_names(lang, was), now: item_names(lang, now) }
            }
            None => ChangeRow { what: path.to_string(), was: raw(was), now: raw(now) },
        },
    }
}

/// The editor's heading of a list of groups, nodes or links.
fn list_heading(path: &str) -> Option<Key> {
    Some(match path {
        "producers" => Key::Producers,
        "queues" => Key::Queues,
        "consumers" => Key::Consumers,
        "exchanges" => Key::Exchanges,
        "topics" => Key::Topics,
        "crashes" => Key::NodeOutages,
        "network.links" => Key::SectionNetwork,
        _ => return None,
    })
}

/// The items of a list by name (`name`, a crash's `node`, a link's ends).
fn item_names(lang: Lang, v: &Value) -> String {
    let names: Vec<String> = v
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| match (i.get("name"), i.get("node"), i.get("from"), i.get("to")) {
                    (Some(Value::String(n)), _, _, _) | (_, Some(Value::String(n)), _, _) => n.clone(),
                    (_, _, Some(Value::String(a)), Some(Value::String(b))) => format!("{a} → {b}"),
                    _ => "?".into(),
                })
                .collect()
        })
        .unwrap_or_default();
    if names.is_empty() { t(lang, Key::NotSet).to_string() } else { names.join(", ") }
}

/// A value as the field shows it: a choice's label, a number with its unit.
fn value_text(lang: Lang, f: &Field, v: &Value) -> String {
    match (&f.kind, v) {
        (_, Value::Null) => t(lang, Key::NotSet).to_string(),
        (FieldKind::Choice(options), Value::String(s)) => options
            .iter()
            .find(|c| &c.value == s)
            .map(|c| match &c.label {
                Label::Key(k) => t(lang, *k).to_string(),
                Label::Text(x) => x.clone(),
            })
            .unwrap_or_else(|| s.clone()),
        (FieldKind::Bool, Value::Bool(b)) => t(lang, if *b { Key::On } else { Key::Off }).to_string(),
        (_, Value::Number(n)) => {
            let x = format_number(n.as_f64().unwrap_or_default());
            match f.unit {
                Some(u) => format!("{x} {u}"),
                None => x,
            }
        }
        _ => raw(v),
    }
}

fn raw(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_read_as_the_editor_labels_them_and_only_what_differs() {
        for lang in [Lang::En, Lang::Zh] {
            for lesson in crate::lessons::all() {
                for g in change_groups(lesson, lang) {
                    assert!(!g.rows.is_empty(), "{}", lesson.id);
                    for r in &g.rows {
                        assert!(!r.what.contains('[') && !r.what.contains('_'), "{}: a raw path: {r:?}", lesson.id);
                        assert_ne!(r.was, r.now, "{}", lesson.id);
                        assert!(!r.was.contains('"') && !r.now.contains('"'), "{}: raw JSON: {r:?}", lesson.id);
                    }
                }
            }
        }
        let jitter = crate::lessons::get("backoff-and-jitter").unwrap();
        let g = change_groups(jitter, Lang::En);
        assert_eq!(g.len(), 2);
        assert_eq!((g[0].rows[0].was.as_str(), g[0].rows[0].now.as_str()), ("fixed", "exponential"), "{g:?}");
    }
}
