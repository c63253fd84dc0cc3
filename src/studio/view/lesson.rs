//! The lesson panel's view: the lesson in the UI language, its setups, what
//! changes between them in the editor's own words, and — once revealed —
//! its answer.

use std::rc::Rc;

use crate::i18n::{Key, Lang, tf};
use crate::lessons::Lesson;
use crate::studio::Studio;

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
        assert_eq!(jitter.change_text, super::super::lesson_changes::computed_changes(jitter));
        let g = change_groups(jitter, Lang::En);
        assert_eq!(g.len(), 2);
        assert_eq!((g[0].rows[0].was.as_str(), g[0].rows[0].now.as_str()), ("fixed", "exponential"), "{g:?}");
    }
}
