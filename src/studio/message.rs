//! One message's life, for the detail card: every attempt, copy and hop, and
//! its outcome as the engine's ledger recorded it.

use msgsim_sim::{Cause, MsgId, MsgStatus, Simulation, TraceEvent};

/// How a message ended, from the ledger of a completed run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Where it stands at the end.
    pub status: MsgStatus,
    /// Times its effect was applied.
    pub effects: u32,
    /// Why its last copy was destroyed, if one was.
    pub last_loss: Option<Cause>,
}

/// The life of a message.
#[derive(Clone, Debug, PartialEq)]
pub struct Life {
    /// The message.
    pub msg: MsgId,
    /// Its business key.
    pub key: u32,
    /// Trace indices of its events in the recorded run, ascending.
    pub events: Vec<u32>,
    /// How it ended, once the run is complete.
    pub outcome: Option<Outcome>,
}

impl Life {
    /// How many of its events have happened after the first `cursor` trace events.
    pub fn shown(&self, cursor: usize) -> usize {
        self.events.partition_point(|&i| (i as usize) < cursor)
    }
}

/// The life of `msg` in `trace`; the outcome if `complete`.
pub fn life(sim: &Simulation, trace: &[TraceEvent], msg: MsgId, complete: bool) -> Option<Life> {
    let record = sim.ledger().records().get(msg as usize)?;
    let events = trace.iter().enumerate().filter(|(_, e)| e.msg == msg).map(|(i, _)| i as u32).collect();
    Some(Life {
        msg,
        key: record.key(),
        events,
        outcome: complete.then(|| Outcome {
            status: record.status(),
            effects: record.effects,
            last_loss: record.last_loss(),
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::preset_run;
    use msgsim_sim::EventKind;

    #[test]
    fn a_life_holds_every_event_of_its_message() {
        let sim = preset_run("acks-and-retries", None);
        let trace = sim.trace();
        // A message that was duplicated: its life shows both effects.
        let dup = trace.iter().find(|e| e.kind == EventKind::Effect && e.cause == Cause::Duplicate).unwrap().msg;
        let l = life(&sim, trace, dup, true).unwrap();
        assert!(l.events.iter().all(|&i| trace[i as usize].msg == dup));
        let effects = l.events.iter().filter(|&&i| trace[i as usize].kind == EventKind::Effect).count();
        assert!(effects >= 2, "a duplicated message took effect more than once");
        assert_eq!(l.outcome.unwrap().effects as usize, effects, "the card agrees with the ledger");
        assert_eq!(l.outcome.unwrap().status, MsgStatus::Done);
        assert_eq!(l.shown(0), 0);
        assert_eq!(l.shown(trace.len()), l.events.len());
        assert!(life(&sim, trace, 1_000_000, true).is_none());
    }
}
