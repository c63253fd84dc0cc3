//! Compare mode: a second run — the reference — on the same seed, shown
//! beside the main one, and the differences between their reports.

use msgsim_sim::{Report, Scenario, Verdict};

use super::Cmd;
use super::presentation::BottomTab;
use super::run::Run;
use super::session::Session;
use crate::i18n::{Key, Lang, t};
use crate::lessons::Text;

/// What a side of the comparison is called.
#[derive(Clone, Debug, PartialEq)]
pub enum SideLabel {
    /// A lesson's label for its setup.
    Lesson(Text),
    /// A fixed label.
    Key(Key),
}

impl SideLabel {
    /// The label in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            SideLabel::Lesson(x) => x.get(lang).to_string(),
            SideLabel::Key(k) => t(lang, *k).to_string(),
        }
    }
}

/// The reference side: the "before" of a comparison.
pub struct Reference {
    /// Its name.
    pub label: SideLabel,
    /// What the main side is called.
    pub main_label: SideLabel,
    /// Its scenario.
    pub scenario: Scenario,
    /// Its run (on the main run's seed).
    pub run: Run,
}

impl Reference {
    /// A reference run of `scenario` at `seed`.
    pub fn new(label: SideLabel, main_label: SideLabel, scenario: Scenario, seed: u64) -> Option<Self> {
        let run = Run::new(&scenario, seed).ok()?;
        Some(Reference { label, main_label, scenario, run })
    }
}

/// Something the user did to compare mode.
#[derive(Clone, Debug, PartialEq)]
pub enum CompareEvent {
    /// Keep the current run as the reference and compare later changes with it.
    Pin,
    /// Leave compare mode.
    Stop,
}

/// Handles one event: compare mode is the session's reference run.
pub fn update(ev: CompareEvent, session: &mut Session) -> Vec<Cmd> {
    match ev {
        CompareEvent::Pin => {
            let label = SideLabel::Key(Key::Pinned);
            let main = SideLabel::Key(Key::Current);
            vec![Cmd::Compare(Box::new((label, main, session.scenario.clone())))]
        }
        CompareEvent::Stop => {
            session.reference = None;
            vec![Cmd::LeaveTab(BottomTab::Compare)]
        }
    }
}

/// Whether a change in a figure is good news.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// No change.
    Same,
    /// Better.
    Better,
    /// Worse.
    Worse,
    /// Changed; neither better nor worse in itself.
    Neutral,
}

/// One row of the comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct CompareRow {
    /// What it measures.
    pub label: Key,
    /// The report field (`verdict`, `duplicate_effects`, …).
    pub field: &'static str,
    /// Before (reference).
    pub before: String,
    /// After (main).
    pub after: String,
    /// How it changed.
    pub change: Change,
}

/// A figure of a report, read from its fields (the page carries no report
/// serializer: this is its only comparison).
type Figure = fn(&Report) -> f64;

/// Rows comparing two reports: which figures (by their name in the report's
/// JSON), how to read each, and whether lower is better.
const FIGURES: &[(Key, &str, Figure, Option<bool>)] = &[
    (Key::Produced, "produced", |r| r.counts.produced as f64, None),
    (Key::Sent, "sent", |r| r.counts.sent as f64, None),
    (Key::Retries, "retries", |r| r.counts.retries as f64, Some(true)),
    (Key::LostInTransit, "lost_in_transit", |r| r.counts.lost_in_transit as f64, Some(true)),
    (Key::DuplicatedInTransit, "duplicated_in_transit", |r| r.counts.duplicated_in_transit as f64, Some(true)),
    (Key::Delivered, "delivered", |r| r.counts.delivered as f64, None),
    (Key::Redeliveries, "redeliveries", |r| r.counts.redeliveries as f64, Some(true)),
    (Key::DedupHits, "dedup_hits", |r| r.counts.dedup_hits as f64, None),
    (Key::EffectsApplied, "effects_applied", |r| r.counts.effects_applied as f64, None),
    (Key::DuplicateEffects, "duplicate_effects", |r| r.counts.duplicate_effects as f64, Some(true)),
    (Key::NeverApplied, "never_applied", |r| r.never_applied as f64, Some(true)),
    (Key::DeadLettered, "dead_lettered", |r| r.counts.dead_lettered as f64, Some(true)),
    (Key::Rejected, "rejected", |r| r.counts.rejected as f64, Some(true)),
    (Key::OrderingViolations, "ordering_violations", |r| r.counts.ordering_violations as f64, Some(true)),
    (Key::EventsLost, "events_lost", |r| r.counts.events_lost as f64, Some(true)),
    (Key::PhantomEvents, "phantom_events", |r| r.counts.phantom_events as f64, Some(true)),
    (Key::SagasCompleted, "sagas_completed", |r| r.counts.sagas_completed as f64, None),
    (Key::SagasCompensated, "sagas_compensated", |r| r.counts.sagas_compensated as f64, None),
    (Key::TxCommittedCount, "tx_committed", |r| r.counts.tx_committed as f64, None),
    (Key::TxAbortedCount, "tx_aborted", |r| r.counts.tx_aborted as f64, None),
    (Key::LockConflicts, "lock_conflicts", |r| r.counts.lock_conflicts as f64, Some(true)),
    (Key::VersionConflicts, "version_conflicts", |r| r.counts.version_conflicts as f64, Some(true)),
    (Key::LostUpdates, "lost_updates", |r| r.counts.lost_updates as f64, Some(true)),
    (Key::Replayed, "replayed", |r| r.counts.replayed as f64, Some(true)),
    (Key::ReplayGone, "replay_gone", |r| r.counts.replay_gone as f64, Some(true)),
    (Key::RebuildMs, "rebuild_ms", |r| r.rebuild_ms.unwrap_or(0.0), Some(true)),
    (
        Key::LocksHeldMax,
        "sagas.locks_held.max",
        |r| r.sagas.as_ref().and_then(|s| s.locks_held).map_or(0.0, |h| h.max),
        Some(true),
    ),
    (
        Key::DisagreeMax,
        "sagas.inconsistency_window.max",
        |r| r.sagas.as_ref().map_or(0.0, |s| s.inconsistency_window.max),
        Some(true),
    ),
    (Key::SagaPackets, "sagas.messages", |r| r.sagas.as_ref().map_or(0.0, |s| s.messages as f64), Some(true)),
    (Key::LatencyP50, "latency.p50", |r| r.latency.p50, Some(true)),
    (Key::LatencyP99, "latency.p99", |r| r.latency.p99, Some(true)),
    (Key::Throughput, "throughput", |r| r.throughput, Some(false)),
    (Key::Utilization, "consumer_utilization", |r| r.consumer_utilization, None),
];

/// Figures shown only where a run has some.
const OPTIONAL: &[&str] = &[
    "events_lost",
    "phantom_events",
    "sagas_completed",
    "sagas_compensated",
    "tx_committed",
    "tx_aborted",
    "lock_conflicts",
    "version_conflicts",
    "lost_updates",
    "sagas.locks_held.max",
    "sagas.inconsistency_window.max",
    "sagas.messages",
    "replayed",
    "replay_gone",
    "rebuild_ms",
];

fn verdict_rank(v: Verdict) -> u8 {
    match v {
        Verdict::Correct => 0,
        Verdict::Duplicates | Verdict::Losses => 1,
        Verdict::DuplicatesAndLosses => 2,
        Verdict::Incomplete | Verdict::NoMessages => 3,
    }
}

/// The comparison of `before` and `after`, in `lang`.
pub fn rows(before: &Report, after: &Report, lang: Lang) -> Vec<CompareRow> {
    let mut out: Vec<CompareRow> = FIGURES
        .iter()
        .map(|&(label, field, figure, lower_better)| {
            let (x, y) = (figure(before), figure(after));
            let change = if x == y {
                Change::Same
            } else {
                match lower_better {
                    Some(true) if y < x => Change::Better,
                    Some(false) if y > x => Change::Better,
                    Some(_) => Change::Worse,
                    None => Change::Neutral,
                }
            };
            CompareRow {
                label,
                field,
                before: super::draft::format_number(x),
                after: super::draft::format_number(y),
                change,
            }
        })
        // A dual write's, a saga's and a two-phase commit's figures only
        // where a run has some.
        .filter(|r| !(OPTIONAL.contains(&r.field) && r.before == "0" && r.after == "0"))
        .collect();
    let (va, vb) = (verdict_rank(before.verdict), verdict_rank(after.verdict));
    out.insert(
        0,
        CompareRow {
            label: Key::Verdict,
            field: "verdict",
            before: super::view::verdict_text(lang, before.verdict).to_string(),
            after: super::view::verdict_text(lang, after.verdict).to_string(),
            change: match vb.cmp(&va) {
                std::cmp::Ordering::Less => Change::Better,
                std::cmp::Ordering::Greater => Change::Worse,
                std::cmp::Ordering::Equal if before.verdict == after.verdict => Change::Same,
                std::cmp::Ordering::Equal => Change::Neutral,
            },
        },
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use msgsim_sim::{Simulation, presets};

    #[test]
    fn idempotency_shows_as_better() {
        let s = presets::get("acks-and-retries").unwrap().scenario.clone();
        let before = Simulation::new(&s, 1).unwrap().run();
        let mut s2 = s.clone();
        s2.consumers[0].idempotency.enabled = true;
        let after = Simulation::new(&s2, 1).unwrap().run();
        let r = rows(&before, &after, Lang::En);
        let dup = r.iter().find(|r| r.label == Key::DuplicateEffects).unwrap();
        assert!(before.counts.duplicate_effects > 0);
        assert_eq!(dup.before, before.counts.duplicate_effects.to_string());
        assert_eq!((dup.after.as_str(), dup.change), ("0", Change::Better));
        assert_eq!(r[0].change, Change::Better, "duplicates → correct");
        let zh = rows(&before, &after, Lang::Zh);
        assert!(!zh[0].before.is_ascii() && !zh[0].after.is_ascii(), "the verdicts are translated: {:?}", zh[0]);
        assert_eq!(r.iter().find(|r| r.label == Key::Produced).unwrap().change, Change::Same);
    }

    /// Every figure compare mode shows is a number in the report.
    #[test]
    fn every_compared_field_is_a_number_in_the_report() {
        for preset in ["reliable-queue", "two-phase-commit"] {
            let s = presets::get(preset).unwrap().scenario.clone();
            let report = serde_json::to_value(Simulation::new(&s, 1).unwrap().run()).unwrap();
            let typed = Simulation::new(&s, 1).unwrap().run();
            for (_, field, figure, _) in FIGURES {
                let v = crate::studio::path::get(&report, field).and_then(serde_json::Value::as_f64);
                // A section a run does not have reads as 0 (and is not shown).
                let v = v.or(OPTIONAL.contains(field).then_some(0.0));
                assert_eq!(v, Some(figure(&typed)), "{preset}: {field} is read from the report's field of that name");
            }
        }
    }

    #[test]
    fn a_saga_against_two_phase_commit_shows_the_locks_and_hides_what_neither_has() {
        let tpc = presets::get("two-phase-commit").unwrap().scenario.clone();
        let mut saga = tpc.clone();
        saga.consumers[0].saga.as_mut().unwrap().protocol = msgsim_sim::Protocol::Saga;
        let (before, after) = (Simulation::new(&saga, 1).unwrap().run(), Simulation::new(&tpc, 1).unwrap().run());
        let r = rows(&before, &after, Lang::En);
        let row = |f: &str| r.iter().find(|r| r.field == f).unwrap_or_else(|| panic!("no {f}: {r:?}"));
        assert_eq!((row("lock_conflicts").before.as_str(), row("lock_conflicts").change), ("0", Change::Worse));
        assert_eq!(row("lock_conflicts").after, after.counts.lock_conflicts.to_string());
        assert_eq!(row("sagas_completed").after, "0");
        assert_eq!(row("tx_committed").before, "0");
        assert_eq!(row("sagas.locks_held.max").change, Change::Worse);
        assert!(r.iter().all(|r| r.field != "events_lost"), "no dual write in either run");
    }
}
