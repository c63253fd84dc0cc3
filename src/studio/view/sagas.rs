//! The saga timeline: each saga (one order) a row, each of its steps a
//! cell saying what the step's service did — asked, done, declined, undone,
//! refused; in a two-phase commit prepared (locked) or refused on a locked
//! key — and the saga's outcome, as of the shown moment. Folded from the
//! trace's saga records, so seeking rebuilds it. In the State tab, drawn by
//! the on-demand module.

use msgsim_sim::sorted::SortedMap;
use msgsim_sim::{Cause, EventKind, MsgId, PacketKind, Scenario, TraceEvent};

use crate::i18n::{Key, Lang, tf};

/// Most sagas listed (the newest).
pub const SAGA_ROWS: usize = 40;

/// What a step's service has done for one saga, as far as the trace shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StepMark {
    /// Not asked yet.
    #[default]
    None,
    /// Asked; no answer from the service yet.
    Asked,
    /// Done: the change is in force.
    Done,
    /// Declined (a business failure): nothing changed.
    Failed,
    /// Done, then undone by its compensation.
    Undone,
    /// Its compensation came first: the service refuses the step.
    Refused,
    /// Two-phase commit: prepared, holding the key's lock, waiting for the
    /// decision.
    Prepared,
    /// Two-phase commit: refused, another transaction holds the key's lock.
    Locked,
}

impl StepMark {
    /// The symbol drawn in its cell.
    pub fn symbol(self) -> &'static str {
        match self {
            StepMark::None => "",
            StepMark::Asked => "…",
            StepMark::Done => "✓",
            StepMark::Failed => "✗",
            StepMark::Undone => "↺",
            StepMark::Refused | StepMark::Locked => "⊘",
            StepMark::Prepared => "◐",
        }
    }

    /// Its CSS class (and the data attribute the tests read).
    pub fn name(self) -> &'static str {
        match self {
            StepMark::None => "none",
            StepMark::Asked => "asked",
            StepMark::Done => "done",
            StepMark::Failed => "failed",
            StepMark::Undone => "undone",
            StepMark::Refused => "refused",
            StepMark::Prepared => "prepared",
            StepMark::Locked => "locked",
        }
    }

    /// Its words, for the cell's title.
    pub fn label(self) -> Key {
        match self {
            StepMark::None => Key::StepNotAsked,
            StepMark::Asked => Key::StepAsked,
            StepMark::Done => Key::StepIsDone,
            StepMark::Failed => Key::StepDeclined,
            StepMark::Undone => Key::StepUndone,
            StepMark::Refused => Key::StepRefused,
            StepMark::Prepared => Key::StepPrepared,
            StepMark::Locked => Key::StepLocked,
        }
    }
}

/// How a saga stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SagaOutcome {
    /// Still running.
    Open,
    /// Every step done.
    Completed,
    /// Every step it did undone.
    Compensated,
    /// Two-phase commit: committed at every participant.
    Committed,
    /// Two-phase commit: aborted at every participant.
    Aborted,
}

/// One saga's row.
#[derive(Clone, Debug, PartialEq)]
pub struct SagaRow {
    /// The order (message id).
    pub msg: MsgId,
    /// Its business key.
    pub key: u32,
    /// Per step, in step order.
    pub cells: Vec<StepMark>,
    /// How it stands.
    pub outcome: SagaOutcome,
}

impl SagaRow {
    /// Some steps are in force and some not: its services disagree now.
    pub fn disagrees(&self) -> bool {
        let done = self.cells.iter().filter(|&&c| c == StepMark::Done).count();
        done > 0 && done < self.cells.len()
    }
}

/// The timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct SagaTimeline {
    /// The steps' services, as columns (the first orchestrating group's).
    pub steps: Vec<String>,
    /// The newest sagas first.
    pub rows: Vec<SagaRow>,
    /// Coordinated by two-phase commit (the first orchestrating group).
    pub two_phase: bool,
    /// One line about them all.
    pub summary: String,
}

/// The sagas of `scenario` after `trace` (a run's trace up to the shown
/// moment); `None` without a saga.
#[inline(never)]
pub fn saga_timeline(scenario: &Scenario, trace: &[TraceEvent], lang: Lang) -> Option<SagaTimeline> {
    let saga = scenario.consumers.iter().find_map(|c| c.saga.as_ref())?;
    let width = scenario.consumers.iter().filter_map(|c| c.saga.as_ref()).map(|s| s.steps.len()).max().unwrap_or(0);
    let mut order: Vec<SagaRow> = Vec::new();
    let mut at: SortedMap<MsgId, usize> = SortedMap::default();
    for e in trace {
        let step = usize::from(e.delivery);
        let row = match e.kind {
            EventKind::Send if matches!(e.packet, PacketKind::Step | PacketKind::Prepare) => {
                let i = match at.get(&e.msg) {
                    Some(&i) => i,
                    None => {
                        at.insert(e.msg, order.len());
                        let cells = vec![StepMark::None; width];
                        order.push(SagaRow { msg: e.msg, key: e.key, cells, outcome: SagaOutcome::Open });
                        order.len() - 1
                    }
                };
                if let Some(c) = order[i].cells.get_mut(step).filter(|c| **c == StepMark::None) {
                    *c = StepMark::Asked;
                }
                continue;
            }
            EventKind::SagaStep
            | EventKind::SagaUndo
            | EventKind::SagaEnd
            | EventKind::TxPrepare
            | EventKind::TxDecide => match at.get(&e.msg) {
                Some(&i) => &mut order[i],
                None => continue,
            },
            _ => continue,
        };
        let mark = match (e.kind, e.cause) {
            (EventKind::SagaEnd, cause) => {
                row.outcome = match cause {
                    Cause::Completed => SagaOutcome::Completed,
                    Cause::Committed => SagaOutcome::Committed,
                    Cause::Aborted => SagaOutcome::Aborted,
                    _ => SagaOutcome::Compensated,
                };
                continue;
            }
            (EventKind::SagaStep, Cause::First) => StepMark::Done,
            (EventKind::SagaStep | EventKind::TxPrepare, Cause::Failed) => StepMark::Failed,
            (EventKind::SagaUndo, Cause::First) => StepMark::Undone,
            (EventKind::TxPrepare, Cause::First) => StepMark::Prepared,
            (EventKind::TxPrepare, Cause::Locked) => StepMark::Locked,
            (EventKind::TxDecide, Cause::First) if e.packet == PacketKind::Commit => StepMark::Done,
            (EventKind::TxDecide, Cause::First) => StepMark::Undone,
            (_, Cause::Cancelled) => StepMark::Refused,
            _ => continue, // a repeat: nothing changes
        };
        if let Some(c) = row.cells.get_mut(step) {
            *c = mark;
        }
    }
    let count = |a: SagaOutcome, b: SagaOutcome| order.iter().filter(|r| r.outcome == a || r.outcome == b).count();
    let disagree = order.iter().filter(|r| r.outcome == SagaOutcome::Open && r.disagrees()).count();
    let two_phase = saga.protocol == msgsim_sim::Protocol::TwoPhaseCommit;
    let summary = tf(
        lang,
        if two_phase { Key::TxTimelineSummary } else { Key::SagaTimelineSummary },
        &[
            &order.len(),
            &count(SagaOutcome::Completed, SagaOutcome::Committed),
            &count(SagaOutcome::Compensated, SagaOutcome::Aborted),
            &count(SagaOutcome::Open, SagaOutcome::Open),
            &disagree,
        ],
    );
    Some(SagaTimeline {
        steps: saga.steps.iter().map(|s| s.service.clone()).collect(),
        rows: order.into_iter().rev().take(SAGA_ROWS).collect(),
        two_phase,
        summary,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::preset_run;

    fn run(preset: &str) -> (Scenario, msgsim_sim::Simulation) {
        (msgsim_sim::presets::get(preset).unwrap().scenario.clone(), preset_run(preset, None))
    }

    #[test]
    fn at_the_end_every_saga_is_all_done_or_all_undone_as_the_report_says() {
        let (s, sim) = run("saga");
        let r = sim.report();
        let t = saga_timeline(&s, sim.trace(), Lang::En).unwrap();
        assert_eq!(t.steps, ["payment", "inventory", "shipping"]);
        assert_eq!(t.rows.len(), SAGA_ROWS);
        for row in &t.rows {
            match row.outcome {
                SagaOutcome::Completed => assert!(row.cells.iter().all(|&c| c == StepMark::Done), "{row:?}"),
                SagaOutcome::Compensated => assert!(!row.cells.contains(&StepMark::Done), "{row:?}"),
                other => panic!("{row:?} {other:?} at the end of a saga run"),
            }
        }
        let g = r.sagas.unwrap();
        assert!(
            t.summary.starts_with(&format!(
                "{} sagas begun: {} completed, {} compensated, 0 open",
                300, g.completed, g.compensated
            )),
            "{}",
            t.summary
        );
    }

    #[test]
    fn mid_run_open_sagas_show_the_steps_asked_and_done_so_far() {
        let (s, sim) = run("saga");
        let trace = sim.trace();
        // The moment of the first refund: payment undone, its saga still open.
        let i = trace.iter().position(|e| e.kind == EventKind::SagaUndo && e.cause == Cause::First).unwrap();
        let t = saga_timeline(&s, &trace[..=i], Lang::En).unwrap();
        let row = t.rows.iter().find(|r| r.msg == trace[i].msg).unwrap();
        assert_eq!((row.cells[0], row.cells[1], row.cells[2]), (StepMark::Undone, StepMark::Failed, StepMark::None));
        assert_eq!(row.outcome, SagaOutcome::Open);
        // Just after the first request: the step is asked, nothing else.
        let j = trace.iter().position(|e| e.kind == EventKind::Send && e.packet == PacketKind::Step).unwrap();
        let t = saga_timeline(&s, &trace[..=j], Lang::En).unwrap();
        assert_eq!(t.rows[0].cells, [StepMark::Asked, StepMark::None, StepMark::None]);
        assert!(t.summary.starts_with("1 sagas begun: 0 completed, 0 compensated, 1 open"), "{}", t.summary);
        assert!(saga_timeline(&msgsim_sim::presets::get("outbox").unwrap().scenario, trace, Lang::En).is_none());
    }

    #[test]
    fn a_two_phase_commit_shows_its_locks_while_the_coordinator_is_down() {
        let (s, sim) = run("two-phase-commit");
        let trace = sim.trace();
        // The first prepare refused on a locked key: the row says so.
        let i = trace.iter().position(|e| e.kind == EventKind::TxPrepare && e.cause == Cause::Locked).unwrap();
        let t = saga_timeline(&s, &trace[..=i], Lang::En).unwrap();
        let row = t.rows.iter().find(|r| r.msg == trace[i].msg).unwrap();
        assert_eq!(row.cells[usize::from(trace[i].delivery)], StepMark::Locked);
        // Some other transaction holds the lock: prepared, waiting.
        assert!(t.rows.iter().any(|r| r.msg != row.msg && r.key == row.key && r.cells.contains(&StepMark::Prepared)));
        // At the end: every transaction committed everywhere or nowhere.
        let t = saga_timeline(&s, trace, Lang::En).unwrap();
        for row in &t.rows {
            match row.outcome {
                SagaOutcome::Committed => assert!(row.cells.iter().all(|&c| c == StepMark::Done), "{row:?}"),
                SagaOutcome::Aborted => assert!(!row.cells.contains(&StepMark::Done), "{row:?}"),
                other => panic!("{row:?} {other:?} at the end of a two-phase commit run"),
            }
        }
        let g = sim.report().sagas.unwrap();
        assert!(
            t.summary.starts_with(&format!(
                "500 transactions begun: {} committed, {} aborted, 0 open",
                g.completed, g.compensated
            )),
            "{}",
            t.summary
        );
    }
}
