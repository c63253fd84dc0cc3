//! The open lesson, which of its setups is shown, and whether its outcome
//! has been revealed (lessons ask the class to predict first).

use super::Cmd;
use super::compare::SideLabel;
use super::load::Load;
use crate::lessons::{self, Body, Lesson};

/// Something the user did in the lesson panel.
#[derive(Clone, Debug, PartialEq)]
pub enum LessonEvent {
    /// Open a lesson (its first setup), or go back to the list.
    Open(Option<String>),
    /// Load setup `i` of the open lesson.
    Side(usize),
    /// Show setups `i` and `i + 1` of the open lesson side by side.
    Compare(usize),
    /// Show the outcome before the run has played to its end.
    Reveal,
    /// The body of lesson `0` was fetched (its text), or could not be (why).
    Fetched(String, Result<String, String>),
}

/// The open lesson.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LessonState {
    /// Its id.
    pub open: Option<String>,
    /// Which setup is loaded, if one is.
    pub side: Option<usize>,
    /// Which pair of setups is compared (`i`: setups `i` and `i + 1`).
    pub comparing: Option<usize>,
    /// The outcome of this setup's run is shown (played to the end, or the
    /// teacher pressed Reveal).
    pub revealed: bool,
    /// A lesson that could not be fetched, and why (the one being fetched
    /// is the studio's: an event waits for it).
    pub failed: Option<(String, String)>,
}

/// The load of setup `i` of `lesson` (at its preset's seed, at the lesson's speed).
fn side_load(lesson: &Lesson, i: usize) -> Option<Load> {
    let setup = lesson.setups.get(i)?;
    let scenario = setup.scenario().ok()?;
    Some(Load {
        seed: scenario.seed,
        scenario,
        preset: setup.patch.is_empty().then(|| setup.preset.clone()),
        base: setup.preset.clone(),
        lesson: Some((lesson.id.clone(), i)),
        seek: None,
        speed: Some(lesson.speed),
    })
}

impl LessonState {
    /// Handles one event.
    pub fn update(&mut self, ev: LessonEvent) -> Vec<Cmd> {
        let open = self.open.as_deref().and_then(lessons::get);
        let load = |l: Option<Load>| l.map(|load| vec![Cmd::Load(Box::new(load))]).unwrap_or_default();
        match ev {
            LessonEvent::Open(Some(id)) if matches!(lessons::body(&id), Body::Missing | Body::Failed(_)) => {
                lessons::forget_failure(&id);
                self.failed = None;
                vec![Cmd::FetchLesson(id.clone(), Box::new(LessonEvent::Open(Some(id)).into()))]
            }
            LessonEvent::Open(id) => match id.as_deref().and_then(lessons::get) {
                Some(l) => load(side_load(l, 0)),
                None => {
                    *self = LessonState::default();
                    Vec::new()
                }
            },
            LessonEvent::Side(i) => load(open.and_then(|l| side_load(l, i))),
            LessonEvent::Compare(i) => {
                let Some(l) = open else { return Vec::new() };
                let (Some(main), Some(reference)) = (side_load(l, i + 1), l.setups.get(i)) else { return Vec::new() };
                let Ok(scenario) = reference.scenario() else { return Vec::new() };
                let labels =
                    (SideLabel::Lesson(reference.label.clone()), SideLabel::Lesson(l.setups[i + 1].label.clone()));
                let cmds = vec![Cmd::Load(Box::new(main)), Cmd::Compare(Box::new((labels.0, labels.1, scenario)))];
                self.comparing = Some(i);
                cmds
            }
            LessonEvent::Reveal => {
                self.revealed = true;
                Vec::new()
            }
            // The studio takes these (an event may be waiting for the lesson).
            LessonEvent::Fetched(..) => Vec::new(),
        }
    }

    /// Follows a load: the lesson it belongs to, if any; a new run is not
    /// revealed yet.
    pub fn follow(&mut self, l: &Load) {
        let (open, side) = l.lesson.clone().unzip();
        // A comparison survives only the load it started with.
        let comparing = self.comparing.take().filter(|&i| open == self.open && side == Some(i + 1));
        // A lesson that could not be fetched stays said until one is chosen.
        let failed = self.failed.take();
        *self = LessonState { open, side, comparing, revealed: false, failed };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_a_lesson_loads_its_first_setup_at_the_lesson_speed() {
        let mut s = LessonState::default();
        let cmds = s.update(LessonEvent::Open(Some("idempotency".into())));
        let [Cmd::Load(l)] = cmds.as_slice() else { panic!("one load") };
        assert_eq!(l.lesson, Some(("idempotency".to_string(), 0)));
        assert_eq!(l.speed, Some(lessons::get("idempotency").unwrap().speed));
        s.follow(l);
        assert_eq!((s.side, s.revealed), (Some(0), false));
        s.update(LessonEvent::Reveal);
        assert!(s.revealed);
        let cmds = s.update(LessonEvent::Compare(0));
        let [Cmd::Load(l), Cmd::Compare(_)] = cmds.as_slice() else { panic!("a load and a comparison") };
        assert_eq!(l.lesson.as_ref().map(|x| x.1), Some(1));
        s.follow(l);
        assert_eq!((s.side, s.comparing, s.revealed), (Some(1), Some(0), false), "a new run is hidden again");
        assert!(s.update(LessonEvent::Compare(1)).is_empty(), "a two-setup lesson has one pair");
        assert!(s.update(LessonEvent::Open(Some("no-such".into()))).is_empty());
        assert_eq!(s, LessonState::default(), "an unknown id is the list");
    }

    #[test]
    fn a_three_setup_lesson_compares_each_neighbouring_pair() {
        let mut s = LessonState::default();
        let cmds = s.update(LessonEvent::Open(Some("backoff-and-jitter".into())));
        let [Cmd::Load(l)] = cmds.as_slice() else { panic!("one load") };
        s.follow(l);
        let cmds = s.update(LessonEvent::Compare(1));
        let [Cmd::Load(l), Cmd::Compare(c)] = cmds.as_slice() else { panic!("a load and a comparison") };
        assert_eq!(l.lesson.as_ref().map(|x| x.1), Some(2));
        let lesson = lessons::get("backoff-and-jitter").unwrap();
        assert_eq!(c.0, SideLabel::Lesson(lesson.setups[1].label.clone()));
    }
}
