//! The selected message and its life (every attempt, copy and hop).

use msgsim_sim::MsgId;

use super::message::{self, Life};
use super::run::Run;

/// The message the views follow, if any.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selection {
    /// The selected message.
    pub msg: Option<MsgId>,
    /// Its life in the run shown (rebuilt when the run changes or completes).
    pub life: Option<Life>,
}

impl Selection {
    /// Selects `msg` (or nothing) in `run`.
    pub fn select(&mut self, msg: Option<MsgId>, run: &Run) {
        self.msg = msg;
        self.refresh(run);
    }

    /// Rebuilds the life of the selected message from `run` (after a rerun,
    /// or once the run is complete and its outcome known).
    pub fn refresh(&mut self, run: &Run) {
        self.life = self.msg.and_then(|m| message::life(run.sim(), run.trace(), m, run.is_complete()));
    }

    /// Forgets the selection (another scenario is shown).
    pub fn clear(&mut self) {
        *self = Selection::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use msgsim_sim::presets;

    #[test]
    fn a_selection_follows_its_run() {
        let mut run = Run::new(&presets::get("acks-and-retries").unwrap().scenario.clone(), 1).unwrap();
        run.compute(200);
        assert!(!run.is_complete());
        let mut s = Selection::default();
        s.select(Some(3), &run);
        assert!(s.life.as_ref().is_some_and(|l| l.outcome.is_none()), "no outcome before the run is complete");
        while run.compute(50_000) {}
        s.refresh(&run);
        assert!(s.life.as_ref().is_some_and(|l| l.outcome.is_some()));
        s.select(Some(u32::MAX - 1), &run);
        assert!(s.life.is_none(), "no such message");
        s.clear();
        assert_eq!(s, Selection::default());
    }
}
