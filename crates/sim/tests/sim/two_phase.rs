//! Two-phase commit over the saga's services: every participant prepares
//! (locking the order's key) and votes, then all commit or all abort. Never
//! half; a prepared participant holds its lock until the decision reaches
//! it, and other transactions on that key are refused meanwhile. (Every
//! event runs the conservation check and the transaction checker in test
//! builds.)

use msgsim_sim::*;
use proptest::prelude::*;

use crate::saga::{Faults, checkout, sagas};
use crate::support::{checked, events_of};

/// The checkout saga's scenario, coordinated by two-phase commit instead.
fn two_phase(messages: u32, payment_fails: f64, inventory_fails: f64) -> Scenario {
    let mut s = checkout(messages, payment_fails, inventory_fails);
    s.consumers[0].saga.as_mut().unwrap().protocol = Protocol::TwoPhaseCommit;
    s
}

/// The first order-service instance down at `at_ms` for `down_ms` (again
/// after `every_ms` on average, if given).
fn first_coordinator_down(at_ms: f64, down_ms: f64, every_ms: Option<f64>) -> NodeCrash {
    NodeCrash { node: "order-service".into(), instance: Some(0), at_ms, down_ms, every_ms }
}

fn locks_held(r: &Report) -> LatencyStats {
    sagas(r).locks_held.expect("two-phase commit reports its locks")
}

#[test]
fn on_a_perfect_network_every_transaction_commits_after_one_round_of_votes() {
    let mut s = two_phase(100, 0.0, 0.0);
    s.producers[0].keys = 100; // no two orders share a key
    let (sim, r) = checked(&s, 1);
    let f = sagas(&r);
    assert_eq!((f.started, f.completed, f.compensated, f.open, f.half_done, f.in_doubt), (100, 100, 0, 0, 0, 0));
    assert_eq!((r.counts.tx_committed, r.counts.tx_aborted, r.counts.lock_conflicts), (100, 0, 0));
    assert_eq!((r.counts.sagas_completed, r.counts.sagas_compensated), (0, 0), "no saga ran");
    assert_eq!(r.verdict, Verdict::Correct);
    // 1 ms links: the prepares go out at once; payment and inventory vote
    // after 2 ms, shipping after 3; the commit goes out when the last vote
    // is in (5 ms after the prepares) and each participant commits after
    // its own processing time: every lock is held 5 ms, and the services
    // disagree only for the 1 ms between the fastest commit and the slowest.
    let held = locks_held(&r);
    assert_eq!((held.p50, held.max), (5.0, 5.0), "{held:?}");
    assert_eq!(f.inconsistency_window.max, 1.0, "{f:?}");
    let prepares = events_of(&sim, EventKind::TxPrepare);
    assert_eq!(prepares.len(), 300, "three participants, each prepared once");
    assert!(prepares.iter().all(|e| e.cause == Cause::First && e.packet == PacketKind::Prepare));
    assert_eq!(events_of(&sim, EventKind::TxDecide).len(), 300);
    assert!(events_of(&sim, EventKind::SagaStep).is_empty(), "no saga step ran");
}

#[test]
fn one_vote_to_abort_aborts_the_whole_transaction_and_frees_every_lock() {
    let (sim, r) = checked(&two_phase(50, 1.0, 0.0), 1);
    let f = sagas(&r);
    assert_eq!((f.completed, f.compensated, f.in_doubt), (0, 50, 0), "{f:?}");
    assert_eq!((r.counts.tx_committed, r.counts.tx_aborted), (0, 50));
    assert_eq!(f.inconsistency_window.max, 0.0, "nothing ever took effect at a participant");
    assert_eq!(r.verdict, Verdict::Correct, "each order reached its final state (cancelled) once");
    let aborted = events_of(&sim, EventKind::TxDecide);
    assert!(aborted.iter().all(|e| e.packet == PacketKind::Abort), "only aborts were decided");
    assert!(events_of(&sim, EventKind::TxPrepare).iter().any(|e| e.cause == Cause::Failed));
}

#[test]
fn a_prepared_key_refuses_other_transactions_until_the_decision() {
    // One key, four transactions at a time: each prepare finds the key
    // locked by another prepared transaction, or takes the lock.
    let mut s = two_phase(200, 0.0, 0.0);
    s.producers[0].keys = 1;
    s.producers[0].arrival = Arrival::Poisson { rate_per_s: 400.0 };
    let (sim, r) = checked(&s, 3);
    let f = sagas(&r);
    assert!(r.counts.lock_conflicts > 20, "{:?}", r.counts);
    assert!(r.counts.tx_aborted > 20 && r.counts.tx_committed > 20, "{:?}", r.counts);
    assert_eq!((f.open, f.half_done, f.in_doubt), (0, 0, 0), "{f:?}");
    let refused = events_of(&sim, EventKind::TxPrepare).iter().filter(|e| e.cause == Cause::Locked).count();
    assert_eq!(refused as u64, r.counts.lock_conflicts);
    // The same orders as a saga: nothing is locked, nothing refused.
    let (_, saga) = checked(&checkout(200, 0.0, 0.0), 3);
    assert_eq!((saga.counts.lock_conflicts, sagas(&saga).completed), (0, 200));
}

#[test]
fn a_coordinator_crash_between_the_phases_blocks_its_participants_until_the_order_is_redelivered() {
    // One coordinator; it crashes at 1 s for 2 s. The transactions it had
    // prepared hold their locks all that time; its restart takes the
    // orders back: with no decision logged they abort (presumed abort),
    // with one logged it is sent again.
    let mut s = two_phase(300, 0.0, 0.0);
    s.producers[0].keys = 300;
    s.network.default.latency = Dist::Uniform { min_ms: 1.0, max_ms: 20.0 };
    s.crashes = vec![first_coordinator_down(1_000.0, 2_000.0, None)];
    let (sim, r) = checked(&s, 5);
    let f = sagas(&r);
    assert_eq!((f.started, f.open, f.half_done, f.in_doubt), (300, 0, 0, 0), "{f:?}");
    assert_eq!(f.completed + f.compensated, 300);
    assert!(f.compensated > 0, "a transaction the crash cut before its decision aborted: {f:?}");
    let held = locks_held(&r);
    assert!(held.max >= 2_000.0, "a participant waited out the coordinator's outage: {held:?}");
    assert!(held.p50 < 60.0, "the others held their locks for a round trip: {held:?}");
    assert_eq!((r.never_applied, r.counts.duplicate_effects), (0, 0), "the store: each order's final state once");
    // Each participant prepared each transaction once, and decided it once.
    let mut seen = std::collections::BTreeSet::new();
    for e in events_of(&sim, EventKind::TxDecide).iter().filter(|e| e.cause == Cause::First) {
        assert!(seen.insert((e.msg, e.delivery)), "participant {} decided order {} twice", e.delivery, e.msg);
    }
}

#[test]
fn the_same_crash_leaves_a_saga_s_services_free() {
    let mut s = checkout(300, 0.0, 0.0);
    s.producers[0].keys = 300;
    s.crashes = vec![first_coordinator_down(1_000.0, 2_000.0, None)];
    let (_, r) = checked(&s, 5);
    let f = sagas(&r);
    assert_eq!((f.completed, f.open, f.half_done), (300, 0, 0), "{f:?}");
    assert_eq!((f.locks_held, f.in_doubt), (None, 0), "a saga locks nothing");
}

#[test]
fn a_participant_that_cannot_be_compensated_is_fine_in_two_phase_commit() {
    let mut s = two_phase(10, 0.0, 0.0);
    let steps = &mut s.consumers[0].saga.as_mut().unwrap().steps;
    steps[0].compensation = false;
    steps[0].fail_probability = 0.3;
    assert_eq!(s.validate(), Ok(()), "nothing is undone in two-phase commit: a vote comes first");
    assert!(Simulation::new(&s, 1).is_ok());
}

#[test]
fn a_coordinator_that_crashes_with_its_decision_unsent_blocks_every_participant_until_it_is_back() {
    // Crash point mid_transaction: with every vote in and the decision in its
    // log, the coordinator crashes (2% of decisions) for 500 ms.
    let mut s = two_phase(600, 0.05, 0.05);
    s.producers[0].keys = 20;
    s.producers[0].arrival = Arrival::Poisson { rate_per_s: 200.0 };
    s.consumers[0].count = 2;
    s.consumers[0].concurrency = 16;
    s.consumers[0].crash =
        CrashSpec { probability: 0.02, point: CrashPoint::MidTransaction, restart_ms: 500.0, ..Default::default() };
    let (_, r) = checked(&s, 11);
    let f = sagas(&r);
    assert!(r.counts.crashes >= 5, "{:?}", r.counts);
    assert_eq!((f.started, f.open, f.half_done, f.in_doubt), (600, 0, 0, 0), "{f:?}");
    assert!(locks_held(&r).max >= 500.0, "{:?}", locks_held(&r));
    assert!(r.counts.lock_conflicts > 10, "{:?}", r.counts);
    assert_eq!((r.never_applied, r.counts.duplicate_effects), (0, 0));
    // The same orders and crashes with a saga: its services lock nothing;
    // the other coordinator resumes a saga from the shared log at once.
    let mut saga = s.clone();
    saga.consumers[0].saga.as_mut().unwrap().protocol = Protocol::Saga;
    let (_, r) = checked(&saga, 11);
    assert!(r.counts.crashes >= 5, "{:?}", r.counts);
    assert_eq!((sagas(&r).open, sagas(&r).half_done, r.counts.lock_conflicts), (0, 0, 0));
}

#[test]
fn the_crash_mid_transaction_needs_a_saga() {
    let mut s = two_phase(10, 0.0, 0.0);
    s.consumers[0].saga = None;
    s.consumers[0].crash.point = CrashPoint::MidTransaction;
    let problems: Vec<_> = s.validate().unwrap_err().into_iter().map(|p| (p.path, p.kind)).collect();
    assert_eq!(problems, [("consumers[0].crash.point".to_string(), ProblemKind::MidTransactionNeedsSaga)]);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Random votes, few keys, timeouts, loss, duplication, coordinator
    /// crashes and a participant crashing again and again: no transaction
    /// ever ends half committed, every one ends, no lock outlives its
    /// transaction, and every order reaches its final state exactly once.
    #[test]
    fn no_transaction_ever_ends_half_committed(
        seed in 0u64..1_000,
        payment in 0.0f64..0.5,
        inventory in 0.0f64..0.5,
        keys in 1u32..20,
        loss in 0.0f64..0.15,
        duplicate in 0.0f64..0.1,
        slow in 1.0f64..40.0,
        timeout in 2.0f64..40.0,
        attempts in 1u32..4,
        crash in 0.0f64..0.1,
        mid_transaction in any::<bool>(),
        service_down in prop::option::of((0usize..3, 1.0f64..80.0)),
    ) {
        let mut s = two_phase(120, payment, inventory);
        s.producers[0].keys = keys;
        Faults { loss, duplicate, slow, timeout, attempts, crash, mid_transaction, service_down }.apply(&mut s);
        let (_, r) = checked(&s, seed);
        let f = sagas(&r);
        prop_assert_eq!((f.open, f.half_done, f.in_doubt), (0, 0, 0), "{:?}", f);
        prop_assert_eq!(f.started, 120);
        prop_assert_eq!(f.completed + f.compensated, 120);
        prop_assert_eq!(r.counts.tx_committed + r.counts.tx_aborted, 120);
        prop_assert_eq!((r.never_applied, r.counts.duplicate_effects), (0, 0));
    }
}

#[test]
fn only_the_coordinator_that_began_a_transaction_can_finish_it() {
    // Two coordinators; the first is down for 300 ms of every second. The
    // orders it held go back to the queue and the second takes them, but
    // the transactions are in the first one's log: the second holds each
    // order until the first is back. Meanwhile their keys stay locked, and
    // the second's own transactions on those keys are refused.
    let mut s = two_phase(600, 0.0, 0.0);
    s.producers[0].keys = 10;
    s.producers[0].arrival = Arrival::Poisson { rate_per_s: 300.0 };
    s.consumers[0].count = 2;
    s.consumers[0].concurrency = 16; // room beside the orders it holds
    s.crashes = vec![first_coordinator_down(300.0, 300.0, Some(1_000.0))];
    let (_, r) = checked(&s, 7);
    let f = sagas(&r);
    assert_eq!((f.started, f.open, f.half_done, f.in_doubt), (600, 0, 0, 0), "{f:?}");
    assert!(locks_held(&r).max >= 300.0, "{:?}", locks_held(&r));
    assert!(r.counts.lock_conflicts > 10, "the locked keys refused the other coordinator's orders: {:?}", r.counts);
    assert_eq!((r.never_applied, r.counts.duplicate_effects), (0, 0));
}
