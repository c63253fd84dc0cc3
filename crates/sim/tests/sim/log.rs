//! The log broker: partitions by key, groups with their own offsets, commit
//! policies under crashes, replay and retention. (In test builds the engine
//! also checks, after every event, that a partition has at most one owner
//! per group generation and that tokens are conserved.)

use std::collections::BTreeMap;

use msgsim_sim::*;
use proptest::prelude::*;

use super::support::{accounted_for, events_of, run};

/// A producer → a topic of `partitions` → one group of `members`.
fn log_scenario(messages: u32, partitions: u32, members: u32) -> Scenario {
    Scenario::from_json(&format!(
        r#"{{
            "producers": [{{"name": "orders", "to": "events", "messages": {messages}, "keys": 12,
                            "arrival": {{"kind": "poisson", "rate_per_s": 400}}}}],
            "topics": [{{"name": "events", "partitions": {partitions}}}],
            "consumers": [{{"name": "billing", "from": "events", "count": {members},
                            "processing": {{"kind": "exponential", "mean_ms": 1}}}}]
        }}"#
    ))
    .unwrap()
}

fn group<'a>(r: &'a Report, name: &str) -> &'a GroupFigures {
    r.groups.iter().find(|g| g.name == name).unwrap()
}

#[test]
fn a_key_always_lands_in_one_partition_and_keeps_its_order() {
    let s = log_scenario(2_000, 4, 3);
    let sim = run(&s, 3);
    let r = sim.report();
    accounted_for(&sim, &r).unwrap();
    assert_eq!(r.verdict, Verdict::Correct, "{r:?}");
    assert_eq!((r.counts.appended, r.counts.ordering_violations), (2_000, 0));
    let mut partition_of: BTreeMap<u32, u16> = BTreeMap::new();
    for e in events_of(&sim, EventKind::Append) {
        assert_eq!(*partition_of.entry(e.key).or_insert(e.delivery), e.delivery, "key {} moved", e.key);
        assert_eq!(u32::from(e.delivery), log::partitioner::by_key(e.key, 4));
    }
    assert!(partition_of.values().collect::<std::collections::BTreeSet<_>>().len() > 1);
}

#[test]
fn every_group_reads_every_record_and_extra_members_sit_idle() {
    let mut s = log_scenario(600, 3, 4);
    let mut audit = s.consumers[0].clone();
    audit.name = "audit".into();
    audit.count = 1;
    s.consumers.push(audit);
    let sim = run(&s, 5);
    let r = sim.report();
    accounted_for(&sim, &r).unwrap();
    assert_eq!(r.verdict, Verdict::Correct);
    for g in ["billing", "audit"] {
        assert_eq!((group(&r, g).effects, group(&r, g).never_applied), (600, 0), "{g}");
    }
    // Four members, three partitions: one member never processes anything.
    let busy: std::collections::BTreeSet<NodeId> =
        events_of(&sim, EventKind::ProcessStart).iter().map(|e| e.node).collect();
    let billing = sim.topology().ids_of(NodeKind::Member).filter(|&m| sim.topology().nodes[usize::from(m)].group == 0);
    assert_eq!(billing.filter(|m| !busy.contains(m)).count(), 1);
}

/// Every fetch and every reply between the group and the topic arrives
/// twice, each copy with its own latency: a late copy of an earlier reply
/// must not pass for the answer to the fetch out (a client matches a reply
/// to its request), or the member would process records again.
#[test]
fn a_late_copy_of_a_fetch_reply_is_not_taken_for_the_next_one() {
    let mut s = log_scenario(2_000, 4, 2);
    s.network.links.push(LinkOverride {
        from: "billing".into(),
        to: "events".into(),
        both_ways: true,
        latency: Some(Dist::Exponential { mean_ms: 1.0 }),
        duplicate: Some(1.0),
        ..Default::default()
    });
    let sim = run(&s, 7);
    let r = sim.report();
    accounted_for(&sim, &r).unwrap();
    let stale = events_of(&sim, EventKind::Stale).iter().filter(|e| e.packet == PacketKind::Records).count();
    assert!(stale > 500, "most second copies of replies come too late to be taken: {stale}");
    assert_eq!((r.counts.effects_applied, r.counts.duplicate_effects), (2_000, 0), "{:?}", r.counts);
    assert_eq!(r.verdict, Verdict::Correct);
}

/// Member 0 crashes twice while the group works: two rebalances each time
/// (it leaves, it comes back).
fn with_crashes(mut s: Scenario, commit: CommitPolicy) -> Scenario {
    s.consumers[0].log.commit = commit;
    s.consumers[0].log.max_poll_records = 50;
    s.consumers[0].log.rebalance_ms = 100.0;
    s.consumers[0].crash.schedule = vec![
        ScheduledCrash { instance: Some(0), at_ms: 1_000.0, down_ms: 300.0, every_ms: None },
        ScheduledCrash { instance: Some(0), at_ms: 2_500.0, down_ms: 300.0, every_ms: None },
    ];
    s.producers[0].arrival = Arrival::Poisson { rate_per_s: 800.0 };
    s.consumers[0].processing = Dist::constant(1.0);
    s
}

#[test]
fn committing_after_processing_reprocesses_after_a_crash_and_loses_nothing() {
    let s = with_crashes(log_scenario(3_000, 4, 2), CommitPolicy::AfterProcessing);
    let sim = run(&s, 7);
    let r = sim.report();
    accounted_for(&sim, &r).unwrap();
    let g = group(&r, "billing");
    assert_eq!((g.never_applied, g.rebalances), (0, 2), "{g:?}");
    assert!(g.duplicate_effects > 0, "a crash between effect and commit reprocesses: {g:?}");
    assert_eq!(r.verdict, Verdict::Duplicates);
}

/// Committing before processing waits for the commit to be recorded: a
/// crash then skips what was committed but not processed, and nothing is
/// ever processed twice (a batch whose commit a rebalance refuses is given up).
#[test]
fn committing_before_processing_skips_after_a_crash_and_never_reprocesses() {
    let s = with_crashes(log_scenario(3_000, 4, 2), CommitPolicy::BeforeProcessing);
    let sim = run(&s, 7);
    let r = sim.report();
    accounted_for(&sim, &r).unwrap();
    let g = group(&r, "billing");
    assert!(g.never_applied > 0, "records committed but not processed are never processed: {g:?}");
    assert_eq!((g.duplicate_effects, g.rebalances), (0, 2), "{g:?}");
    assert_eq!(r.verdict, Verdict::Losses);
}

#[test]
fn an_idempotency_store_makes_commit_after_processing_exactly_once() {
    let mut s = with_crashes(log_scenario(3_000, 4, 2), CommitPolicy::AfterProcessing);
    s.consumers[0].idempotency.enabled = true;
    let r = run(&s, 7).report();
    let g = group(&r, "billing");
    assert!(g.dedup_hits > 0);
    assert_eq!((g.duplicate_effects, g.never_applied, r.verdict), (0, 0, Verdict::Correct), "{g:?}");
}

#[test]
fn auto_commit_reprocesses_what_came_after_its_last_commit() {
    let s = with_crashes(log_scenario(3_000, 4, 2), CommitPolicy::Auto);
    let short = {
        let mut s = s.clone();
        s.consumers[0].log.auto_commit_ms = 50.0;
        run(&s, 7).report()
    };
    let long = run(&s, 7).report(); // the default 5 s: nothing committed before the crashes
    let (a, b) = (group(&short, "billing"), group(&long, "billing"));
    assert_eq!((a.never_applied, b.never_applied), (0, 0));
    assert!(b.duplicate_effects > a.duplicate_effects, "{a:?} {b:?}");
}

#[test]
fn a_group_that_starts_late_replays_the_retained_log() {
    let mut s = log_scenario(1_000, 3, 2);
    let mut late = s.consumers[0].clone();
    late.name = "search".into();
    late.log.start_ms = 10_000.0; // after the producer is done
    s.consumers.push(late.clone());
    let r = run(&s, 2).report();
    assert_eq!((group(&r, "search").effects, group(&r, "search").skipped), (1_000, 0));
    assert!(group(&r, "search").latency.p50 > 5_000.0, "it read history");

    // Retention shorter than the delay: what is gone is skipped, and
    // counts as never applied in that group only.
    s.topics[0].retention_ms = Some(1_000.0);
    let r = run(&s, 2).report();
    let g = group(&r, "search");
    assert!(g.skipped > 900 && g.skipped == g.never_applied, "{g:?}");
    assert_eq!(group(&r, "billing").never_applied, 0);
    assert_eq!(r.counts.skipped, g.skipped);

    // Starting at the latest offset: only what comes after.
    s.topics[0].retention_ms = None;
    s.consumers[1].log.offset_reset = OffsetResetKind::Latest;
    let r = run(&s, 2).report();
    assert_eq!((group(&r, "search").skipped, group(&r, "search").effects), (1_000, 0));
}

#[test]
fn the_same_seed_gives_the_same_trace() {
    let s = with_crashes(log_scenario(1_500, 5, 3), CommitPolicy::Auto);
    let (a, b) = (run(&s, 11), run(&s, 11));
    assert_eq!(a.trace(), b.trace());
    assert_ne!(a.trace(), run(&s, 12).trace());
}

#[test]
fn bad_log_settings_are_named_with_their_paths() {
    let text = r#"{
        "producers": [{"name": "p", "to": "events", "send": {"mode": "sync"}}],
        "topics": [{"name": "events", "partitions": 0, "retention_ms": -1}],
        "consumers": [{"name": "c", "from": "nope", "log": {"max_poll_records": 0}},
                      {"name": "d", "from": "events", "log": {"max_poll_records": 0, "fetch_wait_ms": 0}}]
    }"#;
    let problems = Scenario::from_json(text).unwrap_err();
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "producers[0].send.mode",
            "topics[0].partitions",
            "topics[0].retention_ms",
            "consumers[0].from",
            "consumers[1].log.max_poll_records",
            "consumers[1].log.fetch_wait_ms"
        ]
    );
    assert!(problems[3].message.contains("no queue or topic is named \"nope\""), "{}", problems[3]);
    let unknown = r#"{"topics": [{}], "consumers": [{"from": "log", "log": {"commit": "sometimes"}}]}"#;
    let e = Scenario::from_json(unknown).unwrap_err();
    assert_eq!(e[0].path, "consumers[0].log");
    assert!(e[0].message.contains("after_processing"), "{}", e[0]);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Random log scenarios — lossy, duplicating links, crashes, retention,
    /// batching producers, brokers with costs —
    /// run without breaking an invariant, and account for every record; with
    /// commits after processing and a producer that never gives up, nothing
    /// is lost; committing before processing over links that never
    /// duplicate, from a producer that never retries, nothing is applied twice.
    #[test]
    fn random_log_scenarios_keep_their_promises(
        partitions in 1u32..6,
        members in 1u32..5,
        policy in 0usize..3,
        loss in 0.0f64..0.2,
        crash in 0.0f64..0.01,
        retention in proptest::option::of(200.0f64..2_000.0),
        linger in proptest::option::of(0.5f64..20.0),
        cost in proptest::option::of(0.01f64..0.5),
        seed in 0u64..1_000,
    ) {
        let commit = CommitPolicy::NAMED[policy].0;
        let mut s = log_scenario(300, partitions, members);
        s.network.default.loss = loss;
        s.network.default.duplicate = if commit == CommitPolicy::BeforeProcessing { 0.0 } else { 0.05 };
        s.consumers[0].log.commit = commit;
        s.consumers[0].log.rebalance_ms = 50.0;
        s.consumers[0].log.auto_commit_ms = 100.0;
        // Small batches: with a crash every few hundred records a group
        // still gets through (a crash in most batches would reprocess them
        // for ever, as a real group would).
        s.consumers[0].log.max_poll_records = 10;
        s.consumers[0].crash.probability = crash;
        s.consumers[0].crash.restart_ms = 100.0;
        s.topics[0].retention_ms = retention;
        // Batches, and brokers whose service takes time.
        s.producers[0].linger_ms = linger.unwrap_or(0.0);
        s.costs.log = ServiceCost { request_ms: cost.unwrap_or(0.0), record_ms: cost.unwrap_or(0.0) / 10.0 };
        if commit == CommitPolicy::AfterProcessing {
            s.producers[0].send = SendSpec { mode: SendMode::Confirm, max_attempts: 100, ..SendSpec::default() };
        }
        let sim = run(&s, seed);
        let r = sim.report();
        prop_assert_eq!(r.stopped, Some(StopReason::Finished));
        prop_assert!(accounted_for(&sim, &r).is_ok(), "{:?}", accounted_for(&sim, &r));
        let g = group(&r, "billing");
        if commit == CommitPolicy::AfterProcessing && retention.is_none() {
            prop_assert_eq!(g.never_applied, 0, "{:?}", g);
        }
        if commit == CommitPolicy::BeforeProcessing {
            prop_assert_eq!(g.duplicate_effects, 0, "{:?}", g);
        }
    }
}

/// The figures docs/scenarios.md states for its example.
#[test]
fn the_documented_example_shows_what_the_docs_say() {
    let text = include_str!("../../../../docs/examples/log-groups.json");
    let r = run(&Scenario::from_json(text).unwrap(), 1).report();
    let (billing, search) = (group(&r, "billing"), group(&r, "search"));
    assert_eq!((billing.rebalances, billing.duplicate_effects, billing.never_applied), (2, 2, 0));
    assert_eq!((search.effects, search.duplicate_effects, search.skipped), (3_000, 0, 0));
    assert_eq!(r.verdict, Verdict::Duplicates);
}

/// Lag: a group that commits as it goes ends at zero; one that starts late
/// lags by what was appended before it came; the figures are a fold of the
/// trace (the page's rebuilt metrics agree with the engine's).
#[test]
fn lag_is_what_was_appended_and_not_committed() {
    let text = include_str!("../../../../docs/examples/log-groups.json");
    let sim = run(&Scenario::from_json(text).unwrap(), 1);
    let r = sim.report();
    let (billing, search) = (group(&r, "billing").lag.clone().unwrap(), group(&r, "search").lag.clone().unwrap());
    assert_eq!((billing.end, search.end), (0, 0));
    let before_search: u64 = events_of(&sim, EventKind::Append).iter().filter(|e| e.time < 3_000_000).count() as u64;
    assert!(search.max >= before_search && before_search > 2_000, "{search:?} {before_search}");
    assert!(search.mean > billing.mean);
    assert_eq!(billing.partitions.len(), 4);
    for p in &billing.partitions {
        assert!(p.mean <= p.max as f64 && p.max <= billing.max);
    }
    assert!(billing.partitions.iter().map(|p| p.max).sum::<u64>() >= billing.max);
    let mut fold = sim.fresh_metrics();
    for e in sim.trace() {
        fold.apply(e);
    }
    assert_eq!(&fold, sim.metrics());
    assert!(group(&r, "billing").lag.is_some() && r.groups.iter().all(|g| g.lag.is_some()));
    // A queue's group has no lag figures.
    assert!(run(&super::support::single_hop(10), 1).report().groups[0].lag.is_none());
    // The charts' lines, a group each: they add up to the total, and the
    // late group's line stands above the other's before it starts (3 s).
    let mut timeline = Timeline::new(sim.fresh_metrics());
    timeline.extend(sim.trace());
    let samples = timeline.samples();
    assert!(samples.iter().all(|x| x.lag_by_group.iter().sum::<u64>() == x.lag));
    let at = |ms: u64| samples.iter().rfind(|x| x.time <= ms * 1_000).unwrap();
    let (b, s) = (at(2_900).lag_by_group[0], at(2_900).lag_by_group[1]);
    assert!(s > 2_000 && s > 10 * b.max(1), "billing {b}, search {s}");
    assert_eq!(at(2_900).lag_by_group[2..], [0, 0]);
}

/// The partitions' state for the views, folded from the trace: the ends
/// add up to what was appended and lag is end minus committed; each
/// partition is read by one member of its group and a group's members share
/// the partitions out; a rebalance clears the readers until they fetch again.
#[test]
fn the_partitions_fold_shows_ends_readers_and_rebalances() {
    let s = with_crashes(log_scenario(3_000, 4, 3), CommitPolicy::AfterProcessing);
    let sim = run(&s, 2);
    let m = sim.metrics();
    let p = &m.partitions;
    assert_eq!(p.topics.len(), 1);
    assert_eq!(p.topics[0].ends.iter().sum::<u64>(), m.counts.appended);
    let committed = m.lag.committed_of(0).unwrap();
    let (total, levels) = m.lag.of_group(0).unwrap();
    for (i, end) in p.topics[0].ends.iter().enumerate() {
        assert_eq!(end - committed[i], levels[i].now, "partition {i}");
    }
    assert_eq!(total.now, m.lag.total());
    let g = &p.groups[0];
    assert!(g.readers.iter().all(|&r| sim.topology().nodes[usize::from(r)].kind == NodeKind::Member));
    let distinct: std::collections::BTreeSet<_> = g.readers.iter().collect();
    assert_eq!(distinct.len(), 3, "4 partitions over 3 members: {:?}", g.readers);
    // Just after the first rebalance, nobody reads until the pause ends.
    let trace = sim.trace();
    let at = trace.iter().position(|e| e.kind == EventKind::Rebalance).unwrap();
    let mut fold = sim.fresh_metrics();
    trace[..=at].iter().for_each(|e| fold.apply(e));
    let g = &fold.partitions.groups[0];
    assert!(g.readers.iter().all(|&r| r == NO_NODE) && g.paused_until == trace[at].end);
    // A failover names the new leader, from when it leads.
    let sim = run(&replicated(ProducerAcks::All, 2, 1, 0), 4);
    let t = &sim.metrics().partitions.topics[0];
    let f = events_of(&sim, EventKind::Failover)[0];
    assert_eq!((t.leaders[0], t.leaders[1], t.leading_from[0]), (f.attempt, 1, f.end));
    assert_eq!((f.delivery, t.down), (0, 0), "broker 0 led partition 0; it is back at the end");
    // With acks=1 the leader runs ahead of its follower: the high watermark
    // trails the log end, never passes it, and the failover cuts the log
    // back to what the new leader holds (the next append continues there).
    let sim = run(&replicated(ProducerAcks::Leader, 2, 1, 0), 4);
    let mut fold = sim.fresh_metrics();
    let (mut behind, mut cut) = (0, None);
    for e in sim.trace() {
        let before = fold.partitions.topics[0].ends[0];
        fold.apply(e);
        let t = &fold.partitions.topics[0];
        for p in 0..3 {
            assert!(t.high_watermarks[p] <= t.ends[p], "{p}: {t:?}");
            behind += u64::from(t.high_watermarks[p] < t.ends[p]);
        }
        match e.kind {
            EventKind::Failover => cut = Some((before, u64::from(e.key))),
            EventKind::Append if e.delivery == 0 && cut.is_some_and(|(_, at)| at != u64::MAX) => {
                let (was, at) = cut.unwrap();
                assert!(at < was, "acknowledged records were cut: {at} < {was}");
                assert_eq!(u64::from(e.tx), at, "appends continue at the cut");
                cut = Some((0, u64::MAX));
            }
            _ => {}
        }
    }
    assert!(behind > 100 && cut == Some((0, u64::MAX)), "{behind} {cut:?}");
    let t = &fold.partitions.topics[0];
    assert_eq!((t.replicas, t.brokers, t.in_sync[0]), (2, 3, 0b11), "both copies in sync at the end");
    // What the failover cut is not lag: the group read everything left.
    let lag = group(&sim.report(), "billing").lag.clone().unwrap();
    assert_eq!((lag.end, fold.lag.total()), (0, 0), "{lag:?}");
}

/// A topic of 3 partitions on 3 brokers, each partition copied to `rf`;
/// broker `crash` goes down at 1 s for 2 s, while orders keep coming.
fn replicated(acks: ProducerAcks, rf: u32, min_insync: u32, crash: u32) -> Scenario {
    let mut s = log_scenario(3_000, 3, 3);
    s.topics[0].brokers = 3;
    s.topics[0].replication_factor = rf;
    s.topics[0].min_insync_replicas = min_insync;
    s.topics[0].replication_ms = 20.0;
    s.topics[0].failover_ms = 100.0;
    s.producers[0].acks = acks;
    s.producers[0].send = SendSpec { mode: SendMode::Confirm, max_attempts: 100, ..SendSpec::default() };
    s.producers[0].arrival = Arrival::Poisson { rate_per_s: 1_000.0 };
    s.crashes = vec![NodeCrash {
        node: "events".into(),
        instance: Some(crash),
        at_ms: 1_000.0,
        down_ms: 2_000.0,
        every_ms: None,
    }];
    s
}

#[test]
fn acks_leader_loses_acknowledged_records_in_a_failover_and_acks_all_does_not() {
    let r = run(&replicated(ProducerAcks::Leader, 2, 1, 0), 4).report();
    assert!(r.counts.acknowledged_lost > 0, "acked by the leader, not yet copied: {:?}", r.counts);
    assert_eq!(r.counts.failovers, 1, "broker 0 led partition 0");
    assert!(r.never_applied > 0 && r.never_applied >= r.counts.acknowledged_lost);
    let r = run(&replicated(ProducerAcks::All, 2, 1, 0), 4).report();
    assert_eq!((r.counts.acknowledged_lost, r.never_applied, r.counts.failovers), (0, 0, 1), "{:?}", r.counts);
}

#[test]
fn acks_all_refuses_appends_with_too_few_in_sync_copies() {
    // Replication factor 2, two in sync needed: while partition 0's follower
    // (broker 1) is down, its appends are refused and retried.
    let r = run(&replicated(ProducerAcks::All, 2, 2, 1), 4).report();
    assert!(r.counts.rejected > 0, "{:?}", r.counts);
    assert_eq!((r.counts.acknowledged_lost, r.never_applied), (0, 0));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// With acks=all and a replication factor of 2 or 3, any one broker's
    /// crash at any moment loses nothing acknowledged, and (commits after
    /// processing, a producer that never gives up) nothing at all.
    #[test]
    fn acks_all_survives_any_one_broker_crash(
        rf in 2u32..=3, crash in 0u32..3, at in 0.0f64..4_000.0, down in 1.0f64..3_000.0, seed in 0u64..1_000,
    ) {
        let mut s = replicated(ProducerAcks::All, rf, 1, crash);
        s.crashes[0].at_ms = at;
        s.crashes[0].down_ms = down;
        let sim = run(&s, seed);
        let r = sim.report();
        prop_assert!(accounted_for(&sim, &r).is_ok());
        prop_assert_eq!(r.stopped, Some(StopReason::Finished));
        prop_assert_eq!((r.counts.acknowledged_lost, r.never_applied), (0, 0));
    }
}

#[test]
fn a_replication_factor_above_the_brokers_and_min_in_sync_above_it_are_named() {
    let text = r#"{
        "producers": [{"to": "events", "acks": "all"}],
        "topics": [{"name": "events", "brokers": 2, "replication_factor": 3, "min_insync_replicas": 3}],
        "consumers": [{"from": "events"}],
        "crashes": [{"node": "events", "instance": 2, "at_ms": 1, "down_ms": 1}]
    }"#;
    let problems = Scenario::from_json(text).unwrap_err();
    let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "topics[0].replication_factor: must be between 1 and 2, got 3",
            "topics[0].min_insync_replicas: must be between 1 and 2, got 3",
            "crashes[0].instance: the group has 2 instance(s), numbered from 0; got 2"
        ]
    );
    let e = Scenario::from_json(
        r#"{"producers": [{"to": "t", "acks": "some"}], "topics": [{"name": "t"}], "consumers": [{"from": "t"}]}"#,
    )
    .unwrap_err();
    assert!(e[0].message.contains("`leader` or `all`"), "{}", e[0]);
}

/// Retries after lost confirms store a record twice, and the group applies
/// it twice; an idempotent producer's retries are dropped by the topic.
#[test]
fn an_idempotent_producer_stores_each_record_once() {
    let mut s = log_scenario(2_000, 3, 2);
    s.producers[0].send =
        SendSpec { mode: SendMode::Confirm, max_attempts: 100, timeout_ms: 50.0, ..SendSpec::default() };
    s.network.links =
        vec![LinkOverride { from: "events".into(), to: "orders".into(), loss: Some(0.2), ..Default::default() }];
    let plain = run(&s, 3).report();
    assert!(plain.counts.appended > 2_000 && plain.counts.duplicate_effects > 0, "{:?}", plain.counts);
    assert_eq!(plain.counts.deduplicated, 0);
    s.producers[0].idempotent = true;
    let sim = run(&s, 3);
    let r = sim.report();
    accounted_for(&sim, &r).unwrap();
    assert_eq!(
        (r.counts.appended, r.counts.duplicate_effects, r.verdict),
        (2_000, 0, Verdict::Correct),
        "{:?}",
        r.counts
    );
    assert!(r.counts.deduplicated > 0);
    assert_eq!(r.counts.retries, r.counts.deduplicated, "every retry was of a stored record");
}
