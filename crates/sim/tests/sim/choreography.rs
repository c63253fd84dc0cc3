//! Choreographed sagas: no orchestrator; each service passes the saga on to
//! the next, compensations pass back, and every event is sent until it is
//! acknowledged. Never half done, never given up on: a service that is down
//! holds its sagas until it is back. (Every event runs the conservation
//! check and the saga checker in test builds.)

use msgsim_sim::*;
use proptest::prelude::*;

use crate::saga::{Faults, checkout, sagas};
use crate::support::{checked, events_of};

/// The checkout saga's scenario, choreographed instead.
fn choreographed(messages: u32, payment_fails: f64, inventory_fails: f64) -> Scenario {
    let mut s = checkout(messages, payment_fails, inventory_fails);
    s.consumers[0].saga.as_mut().unwrap().protocol = Protocol::Choreography;
    s
}

fn node(sim: &Simulation, name: &str) -> NodeId {
    sim.topology().names().iter().position(|n| n == name).expect("a node of that name") as NodeId
}

#[test]
fn on_a_perfect_network_each_service_passes_the_saga_to_the_next() {
    let (sim, r) = checked(&choreographed(100, 0.0, 0.0), 1);
    let f = sagas(&r);
    assert_eq!((f.started, f.completed, f.compensated, f.open, f.half_done), (100, 100, 0, 0, 0));
    assert_eq!(r.verdict, Verdict::Correct);
    // 1 ms links: payment done at 1 + 2 ms; 1 ms on to the inventory, 2 ms
    // there, 1 ms on to shipping, 3 ms there: 7 ms from the first change
    // to the last, where the orchestrator's round trips take 9.
    assert_eq!((f.inconsistency_window.p50, f.inconsistency_window.max), (7.0, 7.0), "{f:?}");
    let steps = events_of(&sim, EventKind::SagaStep);
    assert_eq!(steps.len(), 300, "three steps, each done once");
    // Who asked each step: the group the first, each service the next.
    let services: Vec<NodeId> = ["payment", "inventory"].iter().map(|n| node(&sim, n)).collect();
    assert!(steps.iter().filter(|e| e.delivery == 1).all(|e| e.peer == services[0]));
    assert!(steps.iter().filter(|e| e.delivery == 2).all(|e| e.peer == services[1]));
    // Four events per saga (three requests and the outcome), each
    // acknowledged: eight packets, where the orchestrator sends six.
    assert_eq!(f.messages, 800, "{f:?}");
    assert_eq!(sagas(&checked(&checkout(100, 0.0, 0.0), 1).1).messages, 600);
}

#[test]
fn a_failed_reservation_sends_the_compensation_back_to_the_payment_and_on_to_the_group() {
    let (sim, r) = checked(&choreographed(50, 0.0, 1.0), 1);
    let f = sagas(&r);
    assert_eq!((f.completed, f.compensated, f.half_done), (0, 50, 0), "{f:?}");
    assert_eq!((r.counts.step_failures, r.counts.compensations), (50, 50));
    let undone = events_of(&sim, EventKind::SagaUndo);
    let inventory = node(&sim, "inventory");
    assert!(undone.iter().all(|e| e.delivery == 0 && e.cause == Cause::First && e.peer == inventory));
    // From the payment (at 3 ms) to its refund: 1 ms on, 2 ms failing, 1 ms
    // back, 2 ms refunding (the orchestrator's detour through itself: 8).
    assert_eq!(f.inconsistency_window.max, 6.0);
    // Every payment declined: the payment service tells the group at once.
    let f = sagas(&checked(&choreographed(50, 1.0, 0.0), 1).1).clone();
    assert_eq!((f.compensated, f.inconsistency_window.max), (50, 0.0));
}

#[test]
fn a_service_that_is_down_holds_its_sagas_until_it_is_back_instead_of_compensating_them() {
    // The inventory is down from 20 ms to 620 ms. The orchestrator gives up
    // on it after three tries and compensates; the choreography waits.
    let down = |mut s: Scenario| {
        s.crashes =
            vec![NodeCrash { node: "inventory".into(), instance: None, at_ms: 20.0, down_ms: 600.0, every_ms: None }];
        s.consumers[0].concurrency = 16;
        s
    };
    let (_, orchestrated) = checked(&down(checkout(200, 0.0, 0.0)), 1);
    let (sim, r) = checked(&down(choreographed(200, 0.0, 0.0)), 1);
    let (o, f) = (sagas(&orchestrated), sagas(&r));
    assert!(o.compensated > 0, "the orchestrator gave up on the sagas in flight: {o:?}");
    assert_eq!((f.completed, f.compensated, f.open, f.half_done), (200, 0, 0, 0), "{f:?}");
    // The payment kept each request for the inventory and sent it again
    // when the inventory was back.
    let payment = node(&sim, "payment");
    let retries = events_of(&sim, EventKind::Timeout).iter().filter(|e| e.node == payment).count();
    assert!(retries > 20, "{retries} retries from the payment");
    assert!(f.inconsistency_window.max > 500.0, "sagas open for the outage: {f:?}");
}

#[test]
fn every_event_is_sent_until_acknowledged_so_none_is_lost_on_a_lossy_network() {
    let mut s = choreographed(300, 0.2, 0.2);
    s.network.default.loss = 0.2;
    s.network.default.duplicate = 0.1;
    let (sim, r) = checked(&s, 5);
    let f = sagas(&r);
    assert_eq!((f.started, f.open, f.half_done), (300, 0, 0), "{f:?}");
    assert_eq!(f.completed + f.compensated, 300);
    assert!(f.compensated > 50 && f.completed > 100, "{f:?}");
    // Each step and each compensation happens at most once per order.
    let mut done = std::collections::BTreeSet::new();
    for e in [EventKind::SagaStep, EventKind::SagaUndo].into_iter().flat_map(|k| events_of(&sim, k)) {
        if e.cause == Cause::First {
            assert!(
                done.insert((e.kind == EventKind::SagaUndo, e.msg, e.delivery)),
                "{:?} of step {} for {} twice",
                e.kind,
                e.delivery,
                e.msg
            );
        }
    }
    assert!(events_of(&sim, EventKind::SagaStep).iter().any(|e| e.cause == Cause::Duplicate), "repeats answered");
    assert_eq!((r.never_applied, r.counts.duplicate_effects), (0, 0));
}

#[test]
fn the_same_run_gives_the_same_trace() {
    let mut s = choreographed(200, 0.2, 0.1);
    Faults {
        loss: 0.1,
        duplicate: 0.05,
        slow: 20.0,
        timeout: 10.0,
        attempts: 2,
        crash: 0.05,
        mid_transaction: false,
        service_down: Some((1, 40.0)),
    }
    .apply(&mut s);
    let a = checked(&s, 9).0;
    let b = checked(&s, 9).0;
    assert_eq!(a.trace(), b.trace());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Random failures, loss, duplication, slow links, crashes of the
    /// group's instances and of a step's service again and again: no
    /// choreographed saga ends half done, every one ends, and every order
    /// reaches its final state exactly once.
    #[test]
    fn no_choreographed_saga_ever_ends_half_done(
        seed in 0u64..1_000,
        payment in 0.0f64..0.5,
        inventory in 0.0f64..0.5,
        loss in 0.0f64..0.15,
        duplicate in 0.0f64..0.1,
        slow in 1.0f64..40.0,
        timeout in 2.0f64..40.0,
        crash in 0.0f64..0.1,
        service_down in prop::option::of((0usize..3, 1.0f64..80.0)),
    ) {
        let mut s = choreographed(120, payment, inventory);
        Faults { loss, duplicate, slow, timeout, attempts: 1, crash, mid_transaction: false, service_down }.apply(&mut s);
        let (_, r) = checked(&s, seed);
        let f = sagas(&r);
        prop_assert_eq!((f.open, f.half_done), (0, 0), "{:?}", f);
        prop_assert_eq!(f.started, 120);
        prop_assert_eq!(f.completed + f.compensated, 120);
        prop_assert_eq!((r.never_applied, r.counts.duplicate_effects), (0, 0));
    }
}
