//! The outcome: the verdict and the counters, and the comparison of two runs.

use std::rc::Rc;

use msgsim_sim::{Counts, Report, Verdict};

use crate::i18n::{Key, Lang, t, tf};
use crate::studio::Studio;

/// One counter: its label, its value at the moment shown, and whether it
/// counts something that went wrong (then it is marked when non-zero).
#[derive(Clone, Debug, PartialEq)]
pub struct CounterRow {
    /// What it counts.
    pub label: Key,
    /// Its value, formatted.
    pub value: String,
    /// The DOM test id (`c-lost`, …).
    pub id: &'static str,
    /// Non-zero and bad news.
    pub bad: bool,
}

/// What the outcome panel shows.
#[derive(Clone, Debug, PartialEq)]
pub struct CountersView {
    /// Counters at the moment shown.
    pub counts: Counts,
    /// The counters this scenario can move, in order (a counter that cannot
    /// change here — dedup hits with no idempotency store — is left out, so
    /// the panel stays short on a projector).
    pub rows: Vec<CounterRow>,
    /// The whole run's report, once computed (and not hidden).
    pub report: Option<Rc<Report>>,
    /// The outcome is hidden until the run ends (a lesson: predict first).
    pub hidden: bool,
    /// Which side of a comparison this is, if comparing.
    pub side: Option<String>,
    /// One plain sentence saying why the verdict is what it is.
    pub sentence: String,
    /// The topology picture in words, at the moment shown (the canvas's text
    /// alternative).
    pub summary: String,
    /// Per subscriber group, when there are several (a graph).
    pub groups: Vec<GroupRow>,
    /// UI language.
    pub lang: Lang,
}

/// One subscriber group's figures in the outcome, formatted.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupRow {
    /// "inventory (inventory-queue)".
    pub name: String,
    /// Effects applied.
    pub effects: String,
    /// Duplicate effects (bad news when non-zero).
    pub duplicates: String,
    /// Expected effects that never happened (bad news when non-zero).
    pub never: String,
    /// Latency p50 / p99, ms.
    pub latency: String,
    /// Utilisation, %.
    pub busy: String,
    /// Something went wrong in this group.
    pub bad: bool,
}

/// The rows of the per-group table: only for several groups.
pub fn group_rows(r: &Report) -> Vec<GroupRow> {
    if r.groups.len() < 2 {
        return Vec::new();
    }
    r.groups
        .iter()
        .map(|g| GroupRow {
            name: format!("{} ({})", g.name, g.queue),
            effects: g.effects.to_string(),
            duplicates: g.duplicate_effects.to_string(),
            never: g.never_applied.to_string(),
            latency: format!("{} / {}", g.latency.p50, g.latency.p99),
            busy: format!("{:.0}%", g.utilization * 100.0),
            bad: g.duplicate_effects > 0 || g.never_applied > 0,
        })
        .collect()
}

/// What the comparison panel shows (compare mode).
#[derive(Clone, Debug, PartialEq)]
pub struct CompareView {
    /// The reference side's name ("before").
    pub before: String,
    /// The main side's name ("after").
    pub after: String,
    /// The reference run's verdict, once computed and not hidden: `(class, text)`.
    pub before_verdict: Option<(&'static str, &'static str)>,
    /// The main run's verdict, likewise.
    pub after_verdict: Option<(&'static str, &'static str)>,
    /// The outcome is hidden until the run ends (a lesson: predict first).
    pub hidden: bool,
    /// UI language.
    pub lang: Lang,
}

/// The translated name of a verdict.
pub fn verdict_text(lang: Lang, v: Verdict) -> &'static str {
    t(
        lang,
        match v {
            Verdict::Correct => Key::VerdictCorrect,
            Verdict::Duplicates => Key::VerdictDuplicates,
            Verdict::Losses => Key::VerdictLosses,
            Verdict::DuplicatesAndLosses => Key::VerdictBoth,
            Verdict::Incomplete => Key::VerdictIncomplete,
            Verdict::NoMessages => Key::VerdictNoMessages,
        },
    )
}

/// One plain sentence saying why the verdict is what it is.
pub fn verdict_sentence(lang: Lang, r: &Report) -> String {
    let lost_parts = || {
        let mut parts = Vec::new();
        let lost = r.status.lost;
        if lost > 0 {
            parts.push(tf(lang, Key::PartLost, &[&lost]));
        }
        if r.status.dead_lettered > 0 {
            parts.push(tf(lang, Key::PartDeadLettered, &[&r.status.dead_lettered]));
        }
        if r.status.rejected > 0 {
            parts.push(tf(lang, Key::PartRejected, &[&r.status.rejected]));
        }
        let stuck = r.status.unsettled();
        if stuck > 0 {
            parts.push(tf(lang, Key::PartStuck, &[&stuck]));
        }
        if r.counts.events_lost > 0 {
            parts.push(tf(lang, Key::PartEventsLost, &[&r.counts.events_lost]));
        }
        if r.counts.phantom_events > 0 {
            parts.push(tf(lang, Key::PartPhantoms, &[&r.counts.phantom_events]));
        }
        parts.join(", ")
    };
    // Expected effects: one per message in a plain pipeline, one per
    // (message, subscribing group) in a graph.
    let expected = r.counts.expected;
    let graph = r.groups.len() > 1 || r.counts.derived > 0;
    let groups = r.groups.len();
    let sentence = match r.verdict {
        Verdict::Correct if graph => tf(lang, Key::SentenceCorrectGroups, &[&expected, &groups]),
        Verdict::Correct => tf(lang, Key::SentenceCorrect, &[&expected]),
        Verdict::Duplicates => tf(lang, Key::SentenceDuplicates, &[&r.counts.duplicate_effects, &expected]),
        Verdict::Losses => tf(lang, Key::SentenceLosses, &[&r.never_applied, &expected, &lost_parts()]),
        Verdict::DuplicatesAndLosses => {
            tf(lang, Key::SentenceBoth, &[&r.counts.duplicate_effects, &r.never_applied, &expected, &lost_parts()])
        }
        Verdict::Incomplete => tf(lang, Key::SentenceIncomplete, &[&r.status.unsettled(), &r.sim_time_ms]),
        Verdict::NoMessages => return t(lang, Key::SentenceNoMessages).to_string(),
    };
    let mut out = sentence;
    if graph && r.verdict != Verdict::Correct {
        out = format!("{out} {}", tf(lang, Key::SentenceGroups, &[&expected, &groups]));
    }
    if r.counts.derived > 0 {
        out = format!("{out} {}", tf(lang, Key::SentenceDerived, &[&r.counts.derived]));
    }
    out
}

/// The counters `s` can move, with their values in `m`.
pub fn counter_rows(s: &msgsim_sim::Scenario, m: &msgsim_sim::Metrics) -> Vec<CounterRow> {
    use msgsim_sim::{AckMode, SendMode};
    let c = &m.counts;
    let links = std::iter::once(s.network.default.duplicate).chain(s.network.links.iter().filter_map(|l| l.duplicate));
    let retries = s.producers.iter().any(|p| p.send.mode != SendMode::FireAndForget);
    let copies = links.into_iter().any(|d| d > 0.0);
    let redeliveries = s.queues.iter().any(|q| q.ack == AckMode::Manual);
    let dedup = s.consumers.iter().any(|c| c.idempotency.enabled);
    let versions = s.consumers.iter().any(|c| c.idempotency.versions);
    let event_store = s.consumers.iter().any(|c| c.event_store != msgsim_sim::EventStoreKind::None);
    let projection = s.consumers.iter().any(|c| c.log.rebuild_at_ms.is_some() || c.log.snapshot_every.is_some());
    let dead = s.queues.iter().any(|q| q.max_deliveries.is_some());
    let rejected = s.queues.iter().any(|q| q.capacity.is_some());
    let crashes = s.consumers.iter().any(|c| c.crash.probability > 0.0 || !c.crash.schedule.is_empty());
    // A service that writes its change and an event, and may crash between.
    let dual_writes = s.consumers.iter().any(|c| {
        c.publish.as_ref().is_some_and(|p| {
            p.write != msgsim_sim::WriteOrder::CommitFirst || c.crash.point == msgsim_sim::CrashPoint::BetweenWrites
        })
    });
    let sagas = s.coordinates_by(msgsim_sim::Protocol::Saga) || s.coordinates_by(msgsim_sim::Protocol::Choreography);
    let two_phase = s.coordinates_by(msgsim_sim::Protocol::TwoPhaseCommit);
    let row = |label, value: String, id, bad| CounterRow { label, value, id, bad };
    let n = |x: u64| x.to_string();
    let mut rows = vec![
        row(Key::Produced, format!("{} / {}", c.produced, s.total_messages()), "c-produced", false),
        row(Key::Sent, n(c.sent), "c-sent", false),
    ];
    if retries {
        rows.push(row(Key::Retries, n(c.retries), "c-retries", false));
    }
    rows.push(row(Key::LostInTransit, n(c.lost_in_transit), "c-lost", c.lost_in_transit > 0));
    if copies {
        rows.push(row(Key::DuplicatedInTransit, n(c.duplicated_in_transit), "c-duplicated", false));
    }
    rows.push(row(Key::Delivered, n(c.delivered), "c-delivered", false));
    if redeliveries {
        rows.push(row(Key::Redeliveries, n(c.redeliveries), "c-redeliveries", false));
    }
    if crashes {
        rows.push(row(Key::Crashes, n(c.crashes), "c-crashes", c.crashes > 0));
    }
    if dedup || versions {
        rows.push(row(Key::DedupHits, n(c.dedup_hits), "c-dedup", false));
    }
    if versions {
        rows.push(row(Key::HeldForVersion, n(c.held), "c-held", false));
    }
    rows.push(row(Key::EffectsApplied, n(c.effects_applied), "c-effects", false));
    rows.push(row(Key::DuplicateEffects, n(c.duplicate_effects), "c-duplicate-effects", c.duplicate_effects > 0));
    rows.push(row(Key::NotYetApplied, n(c.expected.saturating_sub(c.unique_effects)), "c-not-applied", false));
    if dual_writes {
        rows.push(row(Key::EventsLost, n(c.events_lost), "c-events-lost", c.events_lost > 0));
        rows.push(row(Key::PhantomEvents, n(c.phantom_events), "c-phantoms", c.phantom_events > 0));
    }
    if sagas {
        rows.push(row(Key::SagasCompleted, n(c.sagas_completed), "c-sagas-completed", false));
        rows.push(row(Key::SagasCompensated, n(c.sagas_compensated), "c-sagas-compensated", false));
        rows.push(row(Key::StepFailures, n(c.step_failures), "c-step-failures", false));
        rows.push(row(Key::Compensations, n(c.compensations), "c-compensations", false));
    }
    if two_phase {
        rows.push(row(Key::TxCommittedCount, n(c.tx_committed), "c-tx-committed", false));
        rows.push(row(Key::TxAbortedCount, n(c.tx_aborted), "c-tx-aborted", false));
        rows.push(row(Key::LockConflicts, n(c.lock_conflicts), "c-lock-conflicts", c.lock_conflicts > 0));
    }
    if event_store {
        rows.push(row(Key::VersionConflicts, n(c.version_conflicts), "c-version-conflicts", false));
        rows.push(row(Key::LostUpdates, n(c.lost_updates), "c-lost-updates", c.lost_updates > 0));
    }
    if projection {
        rows.push(row(Key::Replayed, n(c.replayed), "c-replayed", false));
        rows.push(row(Key::ReplayGone, n(c.replay_gone), "c-replay-gone", c.replay_gone > 0));
        rows.push(row(Key::Snapshots, n(c.snapshots), "c-snapshots", false));
    }
    if dead {
        rows.push(row(Key::DeadLettered, n(c.dead_lettered), "c-dead", c.dead_lettered > 0));
    }
    if rejected {
        rows.push(row(Key::Rejected, n(c.rejected), "c-rejected", c.rejected > 0));
    }
    rows.push(row(Key::OrderingViolations, n(c.ordering_violations), "c-ordering", c.ordering_violations > 0));
    rows.push(row(Key::InFlightNow, n(m.messages_in_flight), "c-in-flight", false));
    rows.push(row(Key::QueuedNow, n(m.total_depth), "c-queued", false));
    rows.push(row(Key::UtilisationSoFar, format!("{:.0}%", m.utilization() * 100.0), "c-utilisation", false));
    rows
}

impl Studio {
    /// The outcome panel's view.
    pub fn counters_view(&self) -> CountersView {
        let run = &self.session.run;
        let lang = self.present.lang;
        let m = run.timeline().metrics_at(run.trace(), self.playback.clock.cursor);
        let hidden = self.outcome_hidden();
        let report = run.final_report().filter(|_| !hidden).cloned().map(Rc::new);
        let sentence = match &report {
            Some(r) => verdict_sentence(lang, r),
            None if hidden => t(lang, Key::HiddenUntilEnd).to_string(),
            None => t(lang, Key::Computing).to_string(),
        };
        let rows = counter_rows(&self.session.scenario, &m);
        let down = m.up.iter().filter(|up| !**up).count();
        let now = msgsim_sim::time::to_ms(self.playback.clock.time);
        let summary = tf(
            lang,
            Key::TopologySummary,
            &[&now, &m.messages_in_flight, &m.total_depth, &m.total_busy, &m.slots, &down],
        );
        CountersView {
            groups: report.as_deref().map(group_rows).unwrap_or_default(),
            summary,
            counts: m.counts,
            rows,
            report,
            hidden,
            side: self.session.reference.as_ref().map(|r| r.main_label.text(lang)),
            sentence,
            lang,
        }
    }

    /// The comparison's view, in compare mode.
    pub fn compare_view(&self) -> Option<CompareView> {
        let r = self.session.reference.as_ref()?;
        let lang = self.present.lang;
        let hidden = self.outcome_hidden();
        let (a, b) = (r.run.final_report(), self.session.run.final_report());
        let verdict =
            |r: Option<&Report>| r.filter(|_| !hidden).map(|r| (r.verdict.name(), verdict_text(lang, r.verdict)));
        Some(CompareView {
            before: r.label.text(lang),
            after: r.main_label.text(lang),
            before_verdict: verdict(a),
            after_verdict: verdict(b),
            hidden,
            lang,
        })
    }
}
