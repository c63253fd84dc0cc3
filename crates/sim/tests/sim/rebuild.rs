//! Rebuilding a projection by replaying its topic, from zero or from its
//! snapshots: what it applies again is a replay, never a duplicate; what
//! the retention removed is gone from the rebuilt state; and whatever the
//! faults, the state ends as the fold of the records the group committed.
//! (`checked` runs the projection checker on every run.)

use msgsim_sim::*;
use proptest::prelude::*;

use crate::support::{checked, events_of};

fn preset() -> Scenario {
    presets::get("projection-rebuild").unwrap().scenario.clone()
}

/// Records appended before `ms`.
fn appended_before(sim: &Simulation, ms: f64) -> usize {
    events_of(sim, EventKind::Append).iter().filter(|e| e.time < time::ms(ms)).count()
}

#[test]
fn a_rebuild_from_zero_replays_what_is_left_and_loses_what_retention_removed() {
    let (sim, r) = checked(&preset(), 1);
    assert_eq!(r.verdict, Verdict::Correct, "replays are not duplicates");
    assert_eq!((r.counts.duplicate_effects, r.counts.effects_applied), (0, 2_000));
    assert!(r.counts.replayed > 500 && r.counts.replay_gone > 200, "{:?}", r.counts);
    // Every record read before the rebuild was replayed or is gone.
    let rebuilds = events_of(&sim, EventKind::Rebuild);
    assert_eq!(rebuilds.len(), 3, "one per partition");
    assert!(rebuilds.iter().all(|e| e.tx == 0), "from the start");
    let before = appended_before(&sim, 8_000.0) as u64;
    assert!(r.counts.replayed + r.counts.replay_gone <= before);
    assert!(r.counts.replayed + r.counts.replay_gone + 20 >= before, "{before} appended before the rebuild");
    // Retention keeps 6 s: what was appended before 2 s is gone, and more
    // goes while the rebuild pauses and replays (the replay races the
    // retention, half a second behind).
    let gone = r.counts.replay_gone;
    let (at_once, by_then) = (appended_before(&sim, 2_000.0) as u64, appended_before(&sim, 3_000.0) as u64);
    assert!(at_once < gone && gone < by_then, "{gone} gone: {at_once} appended before 2 s, {by_then} before 3 s");
    let skips = events_of(&sim, EventKind::Skip);
    assert!(skips.iter().all(|e| e.cause == Cause::Rebuilt), "what the replay missed, as it missed it");
    assert_eq!(r.counts.skipped, 0);
    let took = r.rebuild_ms.expect("a rebuild reports its time");
    assert!(took > 500.0, "the rebalance's pause and the replay: {took} ms");
    // The rebuild sets the lag back: the group has it all to read again —
    // all that is still kept (the lag is the log end less the first record
    // it can read, not less records long gone).
    let lag = r.groups[0].lag.as_ref().expect("a group on a topic has a lag");
    assert!(lag.max > 1_000 && lag.max + at_once < before + 200, "{lag:?}: {before} appended, {at_once} gone at once");
}

#[test]
fn a_rebuild_from_snapshots_replays_only_what_came_after_them_and_loses_nothing() {
    let mut s = preset();
    s.consumers[0].log.snapshot_every = Some(100);
    let (sim, r) = checked(&s, 1);
    let (_, zero) = checked(&preset(), 1);
    assert_eq!(r.verdict, Verdict::Correct);
    assert_eq!(r.counts.replay_gone, 0, "the snapshots hold what the retention removed");
    assert!(r.counts.replayed * 4 < zero.counts.replayed, "{} against {}", r.counts.replayed, zero.counts.replayed);
    assert!(r.rebuild_ms.unwrap() < zero.rebuild_ms.unwrap());
    assert!(r.counts.snapshots >= 15, "{:?}", r.counts);
    // Each partition's rebuild starts at its latest snapshot (a multiple of
    // 100 records into it, counted from the start).
    for e in events_of(&sim, EventKind::Rebuild) {
        let snapshots: Vec<u32> = events_of(&sim, EventKind::Snapshot)
            .iter()
            .filter(|s| s.delivery == e.delivery && s.time <= e.time)
            .map(|s| s.tx)
            .collect();
        assert_eq!(Some(&e.tx), snapshots.iter().max(), "partition {}", e.delivery);
    }
}

#[test]
fn a_replay_is_no_duplicate_but_a_true_duplicate_still_is() {
    // No idempotency, a member crashing after its effect and before its
    // commit: the records it processes again are duplicates; the rebuild's
    // replays are not.
    let mut s = preset();
    s.consumers[0].idempotency.enabled = false;
    s.consumers[0].crash = CrashSpec { probability: 0.01, restart_ms: 300.0, ..Default::default() };
    let (sim, r) = checked(&s, 3);
    assert!(r.counts.duplicate_effects > 0 && r.counts.replayed > 0, "{:?}", r.counts);
    let replays = events_of(&sim, EventKind::Replay);
    assert!(replays.iter().all(|e| e.time >= time::ms(8_000.0)), "replays only after the rebuild");
    // Without the rebuild, the same duplicates and no replay.
    s.consumers[0].log.rebuild_at_ms = None;
    let (_, plain) = checked(&s, 3);
    assert_eq!(plain.counts.replayed, 0);
    assert!(plain.rebuild_ms.is_none());
}

#[test]
fn bad_rebuilds_are_named_with_their_paths() {
    let mut s = preset();
    s.consumers[0].idempotency.versions = true;
    s.consumers[0].log.snapshot_every = Some(0);
    s.consumers[0].log.rebuild_at_ms = Some(-1.0);
    let problems: Vec<String> = s.validate().unwrap_err().into_iter().map(|p| p.path).collect();
    assert!(problems.contains(&"consumers[0].log.snapshot_every".to_string()), "{problems:?}");
    assert_eq!(problems.iter().filter(|p| *p == "consumers[0].log.rebuild_at_ms").count(), 2, "{problems:?}");
    assert!(Simulation::new(&s, 1).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Random crashes, loss, retention, commit policies, rebuild times and
    /// snapshot intervals: the projection always converges to the fold of
    /// what its group committed (the checker), a replay never counts as a
    /// duplicate, and what is replayed or gone never exceeds what was read.
    #[test]
    fn a_rebuilt_projection_always_converges(
        seed in 0u64..1_000,
        rebuild_at in 0.0f64..12_000.0,
        snapshot_every in prop::option::of(1u32..300),
        retention in prop::option::of(500.0f64..8_000.0),
        crash in 0.0f64..0.02,
        loss in 0.0f64..0.1,
        auto_commit in any::<bool>(),
        idempotent in any::<bool>(),
    ) {
        let mut s = preset();
        s.producers[0].messages = 600;
        s.topics[0].retention_ms = retention;
        s.network.default.loss = loss;
        let g = &mut s.consumers[0];
        g.log.rebuild_at_ms = Some(rebuild_at);
        g.log.snapshot_every = snapshot_every;
        g.log.commit = if auto_commit { CommitPolicy::Auto } else { CommitPolicy::AfterProcessing };
        g.log.auto_commit_ms = 200.0;
        g.idempotency.enabled = idempotent;
        g.crash = CrashSpec { probability: crash, restart_ms: 200.0, ..Default::default() };
        let (sim, r) = checked(&s, seed);
        prop_assert!(r.counts.replayed + r.counts.replay_gone <= r.counts.appended);
        let replays = events_of(&sim, EventKind::Replay);
        prop_assert!(replays.iter().all(|e| e.time >= time::ms(rebuild_at)));
        if idempotent && crash == 0.0 {
            prop_assert_eq!(r.counts.duplicate_effects, 0);
        }
    }
}
