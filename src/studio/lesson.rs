//! The open lesson and which of its setups is shown.

use super::Cmd;
use super::compare::SideLabel;
use super::load::Load;
use crate::lessons::{self, Lesson};

/// Something the user did in the lesson panel.
#[derive(Clone, Debug, PartialEq)]
pub enum LessonEvent {
    /// Open a lesson (its "before" setup), or go back to the list.
    Open(Option<String>),
    /// Load the open lesson's "before" (`false`) or "after" (`true`) setup.
    Side(bool),
    /// Show the open lesson's before and after side by side.
    Compare,
}

/// The open lesson.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LessonState {
    /// Its id.
    pub open: Option<String>,
    /// Which setup is loaded (`true`: after), if either.
    pub side: Option<bool>,
}

/// The load of one side of `lesson` (at its preset's seed).
fn side_load(lesson: &Lesson, after: bool) -> Option<Load> {
    let setup = lesson.setup(after);
    let scenario = setup.scenario().ok()?;
    Some(Load {
        seed: scenario.seed,
        scenario,
        preset: setup.patch.is_empty().then(|| setup.preset.clone()),
        base: setup.preset.clone(),
        lesson: Some((lesson.id.clone(), after)),
        seek: None,
    })
}

impl LessonState {
    /// Handles one event.
    pub fn update(&mut self, ev: LessonEvent) -> Vec<Cmd> {
        let open = self.open.as_deref().and_then(lessons::get);
        match ev {
            LessonEvent::Open(id) => match id.as_deref().and_then(lessons::get) {
                Some(l) => side_load(l, false).map(|load| vec![Cmd::Load(Box::new(load))]).unwrap_or_default(),
                None => {
                    *self = LessonState::default();
                    Vec::new()
                }
            },
            LessonEvent::Side(after) => {
                open.and_then(|l| side_load(l, after)).map(|load| vec![Cmd::Load(Box::new(load))]).unwrap_or_default()
            }
            LessonEvent::Compare => {
                let Some(l) = open else { return Vec::new() };
                let (Some(after), Ok(before)) = (side_load(l, true), l.before.scenario()) else { return Vec::new() };
                let labels = (SideLabel::Lesson(l.before.label.clone()), SideLabel::Lesson(l.after.label.clone()));
                vec![Cmd::Load(Box::new(after)), Cmd::Compare(Box::new((labels.0, labels.1, before)))]
            }
        }
    }

    /// Follows a load: the lesson it belongs to, if any.
    pub fn follow(&mut self, l: &Load) {
        let (open, side) = l.lesson.clone().unzip();
        *self = LessonState { open, side };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_a_lesson_loads_its_before_side() {
        let mut s = LessonState::default();
        let cmds = s.update(LessonEvent::Open(Some("idempotency".into())));
        let [Cmd::Load(l)] = cmds.as_slice() else { panic!("one load") };
        assert_eq!(l.lesson, Some(("idempotency".to_string(), false)));
        s.follow(l);
        assert_eq!(s.side, Some(false));
        let cmds = s.update(LessonEvent::Compare);
        assert!(matches!(cmds.as_slice(), [Cmd::Load(l), Cmd::Compare(_)] if l.lesson.as_ref().is_some_and(|x| x.1)));
        assert!(s.update(LessonEvent::Open(Some("no-such".into()))).is_empty());
        assert_eq!(s, LessonState::default(), "an unknown id is the list");
    }
}
