//! The lesson panel's view: the lesson in the UI language, its setups, what
//! changes between them in the editor's own words, and — once revealed —
//! its answer.

use std::rc::Rc;

#[cfg(test)]
use serde_json::Value;

#[cfg(test)]
use crate::i18n::t;
use crate::i18n::{Key, Lang, tf};
use crate::lessons::Lesson;
use crate::studio::Studio;
#[cfg(test)]
use crate::studio::draft::{Draft, format_number};
#[cfg(test)]
use crate::studio::fields::{Field, FieldKind, Label, Section};
#[cfg(test)]
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

/// What changes between each pair of neighbouring setups of `lesson`, as
/// its file says (the tests write it there from the editor's forms).
fn change_groups(lesson: &Lesson, lang: Lang) -> Vec<ChangeGroup> {
    (0..lesson.setups.len().saturating_sub(1))
        .map(|i| ChangeGroup {
            from: lesson.setups[i].label.get(lang).to_string(),
            to: lesson.setups[i + 1].label.get(lang).to_string(),
            rows: lesson
                .change_text
                .get(i)
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .map(|c| ChangeRow {
                    what: c.what.get(lang).to_string(),
                    was: c.was.get(lang).to_string(),
                    now: c.now.get(lang).to_string(),
                })
                .collect(),
        })
        .collect()
}

/// What changes between each pair of neighbouring setups of `lesson`, in
/// the editor's words in both languages: what its file must say.
#[cfg(test)]
pub fn computed_changes(lesson: &Lesson) -> Vec<Vec<crate::lessons::ChangeText>> {
    use crate::lessons::{ChangeText, Text};
    (0..lesson.setups.len().saturating_sub(1))
        .map(|i| {
            let after = lesson.setups[i + 1].scenario().ok();
            let forms = after.map(|s| sections(&Draft::new(s))).unwrap_or_default();
            lesson
                .changes(i)
                .iter()
                .map(|(path, was, now)| {
                    let [en, zh] = [Lang::En, Lang::Zh].map(|l| describe(&forms, l, path, was, now));
                    ChangeText {
                        what: Text { en: en.what, zh: zh.what },
                        was: Text { en: en.was, zh: zh.was },
                        now: Text { en: en.now, zh: zh.now },
                    }
                })
                .collect()
        })
        .collect()
}

/// A changed setting in the editor's words (its JSON path if no form shows it).
#[cfg(test)]
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
#[cfg(test)]
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
#[cfg(test)]
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
#[cfg(test)]
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

#[cfg(test)]
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
        assert_eq!(jitter.change_text, computed_changes(jitter));
        let g = change_groups(jitter, Lang::En);
        assert_eq!(g.len(), 2);
        assert_eq!((g[0].rows[0].was.as_str(), g[0].rows[0].now.as_str()), ("fixed", "exponential"), "{g:?}");
    }
}

/// Each lesson file carries what changes between its setups in the
/// editor's words (the page shows it without the editor's forms); this
/// checks it, and `UPDATE_LESSONS=1` writes it.
#[cfg(test)]
#[test]
fn lesson_files_carry_their_changes_in_the_editors_words() {
    let update = std::env::var_os("UPDATE_LESSONS").is_some();
    let mut stale = Vec::new();
    for (file, text) in crate::lessons::SOURCES {
        let id = serde_json::from_str::<Value>(text).unwrap()["id"].as_str().unwrap().to_string();
        let lesson = crate::lessons::get(&id).unwrap();
        let want = computed_changes(lesson);
        if lesson.change_text == want {
            continue;
        }
        stale.push(*file);
        if update {
            let path = format!("{}/src/lessons/data/{file}", env!("CARGO_MANIFEST_DIR"));
            let current = std::fs::read_to_string(&path).unwrap();
            // The changes are the file's last entry: cut them, append anew.
            let body = match current.find(",\n  \"changes\":") {
                Some(at) => current[..at].to_string(),
                None => current.trim_end().strip_suffix('}').unwrap().trim_end().to_string(),
            };
            let value = serde_json::to_string_pretty(&want).unwrap().replace('\n', "\n  ");
            std::fs::write(&path, format!("{body},\n  \"changes\": {value}\n}}\n")).unwrap();
        }
    }
    assert!(update || stale.is_empty(), "stale changes in {stale:?}: run with UPDATE_LESSONS=1");
}
