//! Sagas: an orchestrator runs each order's steps over the network and
//! compensates the steps done when one fails. Every saga ends all done or
//! all compensated, never half, whatever the links and crashes do. (Every
//! event runs the conservation check and the saga checker in test builds.)

use msgsim_sim::*;
use proptest::prelude::*;

use crate::support::{checked, events_of};

pub(crate) fn step(service: &str, ms: f64, fail: f64, compensation: bool) -> SagaStep {
    SagaStep { service: service.into(), processing: Dist::constant(ms), fail_probability: fail, compensation }
}

/// Orders → `orders-q` (manual acks) → `order-service`, which runs the saga
/// payment → inventory → shipping with the given failure probabilities.
pub(crate) fn checkout(messages: u32, payment_fails: f64, inventory_fails: f64) -> Scenario {
    Scenario {
        producers: vec![ProducerSpec {
            name: "orders".into(),
            to: "orders-q".into(),
            messages,
            keys: 10,
            send: SendSpec { mode: SendMode::Confirm, timeout_ms: 50.0, max_attempts: 100, ..Default::default() },
            ..Default::default()
        }],
        queues: vec![QueueSpec {
            name: "orders-q".into(),
            ack: AckMode::Manual,
            ack_timeout_ms: Some(5_000.0),
            ..Default::default()
        }],
        consumers: vec![ConsumerSpec {
            name: "order-service".into(),
            from: "orders-q".into(),
            concurrency: 4,
            processing: Dist::constant(1.0),
            idempotency: Idempotency { enabled: true, ..Default::default() },
            saga: Some(SagaSpec {
                steps: vec![
                    step("payment", 2.0, payment_fails, true),
                    step("inventory", 2.0, inventory_fails, true),
                    step("shipping", 3.0, 0.0, false),
                ],
                timeout_ms: 30.0,
                max_attempts: 3,
                ..Default::default()
            }),
            ..Default::default()
        }],
        ..Default::default()
    }
}

/// The property tests' faults (sagas and two-phase commit alike).
pub(crate) struct Faults {
    /// Link loss and duplication, and latency uniform from 1 ms to `slow`.
    pub loss: f64,
    pub duplicate: f64,
    pub slow: f64,
    /// The orchestrator's wait and tries.
    pub timeout: f64,
    pub attempts: u32,
    /// Each of two orchestrators crashes with this probability per message
    /// (after the effect, or in the middle of the saga).
    pub crash: f64,
    pub mid_transaction: bool,
    /// A step's service (by index) down for this long, again and again.
    pub service_down: Option<(usize, f64)>,
}

impl Faults {
    pub(crate) fn apply(&self, s: &mut Scenario) {
        let (loss, duplicate) = (self.loss, self.duplicate);
        s.network.default = LinkSpec {
            latency: Dist::Uniform { min_ms: 1.0, max_ms: self.slow },
            loss,
            duplicate,
            ..Default::default()
        };
        s.queues[0].ack_timeout_ms = Some(400.0);
        s.consumers[0].count = 2;
        let point = if self.mid_transaction { CrashPoint::MidTransaction } else { CrashPoint::AfterEffect };
        s.consumers[0].crash = CrashSpec { probability: self.crash, point, restart_ms: 50.0, ..Default::default() };
        let saga = s.consumers[0].saga.as_mut().unwrap();
        saga.timeout_ms = self.timeout;
        saga.max_attempts = self.attempts;
        if let Some((step, down_ms)) = self.service_down {
            let node = saga.steps[step].service.clone();
            s.crashes = vec![NodeCrash { node, instance: None, at_ms: 50.0, down_ms, every_ms: Some(200.0) }];
        }
    }
}

pub(crate) fn sagas(r: &Report) -> &SagaFigures {
    r.sagas.as_ref().expect("a saga scenario reports its sagas")
}

#[test]
fn on_a_perfect_network_every_saga_completes_one_step_after_another() {
    let (sim, r) = checked(&checkout(100, 0.0, 0.0), 1);
    let s = sagas(&r);
    assert_eq!((s.started, s.completed, s.compensated, s.open, s.half_done), (100, 100, 0, 0, 0));
    assert_eq!((r.counts.sagas_completed, r.counts.compensations, r.counts.step_failures), (100, 0, 0));
    assert_eq!(r.verdict, Verdict::Correct);
    // 1 ms links: from the payment (at the first step's end) to the
    // shipment (at the last's): 2 ms there and back, 2 ms inventory,
    // 2 ms there and back, 3 ms shipping.
    assert_eq!((s.inconsistency_window.p50, s.inconsistency_window.max), (9.0, 9.0), "{s:?}");
    assert_eq!(events_of(&sim, EventKind::SagaStep).len(), 300, "three steps, each done once");
}

#[test]
fn a_declined_payment_changes_nothing_and_a_failed_reservation_refunds_the_payment() {
    // Every payment declined: nothing to compensate.
    let (_, r) = checked(&checkout(50, 1.0, 0.0), 1);
    let s = sagas(&r);
    assert_eq!((s.completed, s.compensated, r.counts.step_failures, r.counts.compensations), (0, 50, 50, 0));
    assert_eq!(s.inconsistency_window.max, 0.0, "no service changed anything");
    assert_eq!(r.verdict, Verdict::Correct, "each order reached its final state (cancelled) once");
    // Every reservation fails: each payment is refunded.
    let (sim, r) = checked(&checkout(50, 0.0, 1.0), 1);
    assert_eq!((sagas(&r).compensated, r.counts.step_failures, r.counts.compensations), (50, 50, 50));
    let undone = events_of(&sim, EventKind::SagaUndo);
    assert!(undone.iter().all(|e| e.delivery == 0 && e.cause == Cause::First), "payment (step 0) undone");
    // From the payment to the refund: 1 ms back, 1 ms to the inventory,
    // 2 ms failing there, 1 ms back, 1 ms to the payment, 2 ms refunding.
    assert_eq!(sagas(&r).inconsistency_window.max, 8.0);
}

#[test]
fn compensations_run_last_step_first() {
    let mut s = checkout(300, 0.0, 0.0);
    let saga = s.consumers[0].saga.as_mut().unwrap();
    saga.steps.insert(2, step("loyalty", 1.0, 0.0, true));
    saga.steps[3].fail_probability = 0.0;
    saga.steps[2].fail_probability = 0.5; // loyalty points fail half the time
    let (sim, r) = checked(&s, 3);
    assert!(r.counts.compensations >= 200, "{:?}", r.counts);
    // Per order: the compensations' steps in the order they ran.
    let mut by_order: std::collections::BTreeMap<MsgId, Vec<u16>> = Default::default();
    for e in events_of(&sim, EventKind::SagaUndo).iter().filter(|e| e.cause == Cause::First) {
        by_order.entry(e.msg).or_default().push(e.delivery);
    }
    assert!(by_order.values().all(|steps| steps == &[1, 0]), "inventory, then payment");
}

#[test]
fn a_compensation_that_overtakes_its_step_leaves_a_tombstone_and_the_step_is_refused() {
    // Links take 1 to 60 ms, the orchestrator waits 5 ms and tries once: it
    // compensates steps whose request is still on its way.
    let mut s = checkout(400, 0.0, 0.0);
    s.network.default.latency = Dist::Uniform { min_ms: 1.0, max_ms: 60.0 };
    let saga = s.consumers[0].saga.as_mut().unwrap();
    saga.timeout_ms = 5.0;
    saga.max_attempts = 1;
    let (sim, r) = checked(&s, 1);
    let tombstones = events_of(&sim, EventKind::SagaUndo).iter().filter(|e| e.cause == Cause::Cancelled).count();
    let refused = events_of(&sim, EventKind::SagaStep).iter().filter(|e| e.cause == Cause::Cancelled).count();
    assert!(tombstones > 10 && refused > 10, "{tombstones} tombstones, {refused} steps refused");
    let f = sagas(&r);
    assert_eq!((f.open, f.half_done), (0, 0));
    assert!(f.compensated > 100, "{f:?}");
}

#[test]
fn without_tombstones_a_step_that_comes_after_its_compensation_leaves_the_saga_half_done() {
    // The same impatient orchestrator over slow links, services without
    // tombstones: a compensation that overtakes its step finds nothing to
    // undo, and the step happens when it comes, after the saga ended.
    let mut s = checkout(400, 0.0, 0.0);
    s.network.default.latency = Dist::Uniform { min_ms: 1.0, max_ms: 60.0 };
    let saga = s.consumers[0].saga.as_mut().unwrap();
    saga.timeout_ms = 5.0;
    saga.max_attempts = 1;
    saga.tombstones = false;
    let (sim, r) = checked(&s, 1);
    let f = sagas(&r);
    assert!(f.half_done > 10, "{f:?}");
    assert_eq!(f.open, 0);
    assert!(events_of(&sim, EventKind::SagaUndo).iter().all(|e| e.cause != Cause::Cancelled), "no tombstone");
    // Each order still reaches its final state once: the messages' verdict
    // cannot see what the services' records show.
    assert_eq!(r.verdict, Verdict::Correct);
    // With tombstones, the same run ends none half done.
    s.consumers[0].saga.as_mut().unwrap().tombstones = true;
    assert_eq!(sagas(&checked(&s, 1).1).half_done, 0);
}

#[test]
fn an_orchestrator_crash_mid_saga_resumes_where_the_log_stood_on_redelivery() {
    let mut s = checkout(500, 0.1, 0.05);
    s.network.default.loss = 0.05;
    s.queues[0].ack_timeout_ms = Some(300.0);
    s.consumers[0].count = 2;
    s.consumers[0].crash = CrashSpec { probability: 0.05, restart_ms: 100.0, ..Default::default() };
    s.crashes = vec![NodeCrash {
        node: "order-service".into(),
        instance: Some(0),
        at_ms: 500.0,
        down_ms: 200.0,
        every_ms: Some(1_000.0),
    }];
    let (sim, r) = checked(&s, 2);
    let f = sagas(&r);
    assert!(r.counts.crashes > 10, "{:?}", r.counts);
    assert_eq!((f.started, f.open, f.half_done), (500, 0, 0), "{f:?}");
    assert_eq!(f.completed + f.compensated, 500);
    // Each step happens at most once per order, however often it is asked.
    let mut done = std::collections::BTreeSet::new();
    for e in events_of(&sim, EventKind::SagaStep).iter().filter(|e| e.cause == Cause::First) {
        assert!(done.insert((e.msg, e.delivery)), "step {} of order {} done twice", e.delivery, e.msg);
    }
    assert!(events_of(&sim, EventKind::SagaStep).iter().any(|e| e.cause == Cause::Duplicate), "repeats answered");
    assert_eq!((r.never_applied, r.counts.duplicate_effects), (0, 0), "the store: each order's final state once");
}

#[test]
fn a_step_service_that_crashes_loses_its_work_not_its_records() {
    // Payment crashes again and again; its database (the records) survives.
    let mut s = checkout(500, 0.1, 0.05);
    s.crashes =
        vec![NodeCrash { node: "payment".into(), instance: None, at_ms: 200.0, down_ms: 60.0, every_ms: Some(400.0) }];
    let (sim, r) = checked(&s, 4);
    let f = sagas(&r);
    assert!(r.counts.crashes > 5, "{:?}", r.counts);
    let lost = events_of(&sim, EventKind::Discard).iter().filter(|e| e.cause == Cause::Crash).count();
    let dropped = events_of(&sim, EventKind::Discard).iter().filter(|e| e.cause == Cause::NodeDown).count();
    assert!(lost + dropped > 10, "{lost} requests lost in a crash, {dropped} reached it down");
    assert_eq!((f.started, f.open, f.half_done), (500, 0, 0), "{f:?}");
    assert_eq!((r.never_applied, r.counts.duplicate_effects), (0, 0));
    // Asked again after its restart, it answers from its records: nothing done twice.
    let mut done = std::collections::BTreeSet::new();
    for e in events_of(&sim, EventKind::SagaStep).iter().filter(|e| e.cause == Cause::First) {
        assert!(done.insert((e.msg, e.delivery)), "step {} of order {} done twice", e.delivery, e.msg);
    }
}

#[test]
fn bad_sagas_are_named_with_their_paths() {
    let problems = |s: &Scenario| -> Vec<(String, ProblemKind)> {
        s.validate().err().unwrap_or_default().into_iter().map(|p| (p.path, p.kind)).collect()
    };
    let mut s = checkout(10, 0.1, 0.1);
    let saga = s.consumers[0].saga.as_mut().unwrap();
    saga.steps[0].compensation = false;
    saga.steps[2].fail_probability = 0.2;
    saga.steps[1].service = "orders-q".into();
    saga.max_attempts = 0;
    let p = problems(&s);
    assert!(p.contains(&("consumers[0].saga.steps[0].fail_probability".into(), ProblemKind::StepCannotFail)), "{p:?}");
    assert!(p.contains(&("consumers[0].saga.steps[2].fail_probability".into(), ProblemKind::StepCannotFail)));
    assert!(
        p.contains(&("consumers[0].saga.steps[1].service".into(), ProblemKind::NameTaken { name: "orders-q".into() }))
    );
    assert!(p.iter().any(|(path, _)| path == "consumers[0].saga.max_attempts"));
    // A step that cannot be undone before one that can fail.
    let mut s = checkout(10, 0.0, 0.1);
    s.consumers[0].saga.as_mut().unwrap().steps[0].compensation = false;
    assert_eq!(
        problems(&s),
        [(
            "consumers[0].saga.steps[0].compensation".into(),
            ProblemKind::NeedsCompensation { later: "inventory".into() }
        )]
    );
    // No steps.
    let mut s = checkout(10, 0.0, 0.0);
    s.consumers[0].saga.as_mut().unwrap().steps.clear();
    assert_eq!(problems(&s), [("consumers[0].saga.steps".into(), ProblemKind::NeedsOne)]);
    // Nothing is lost by a failed validation: the scenario is as it was.
    assert!(Simulation::new(&s, 1).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Random failures, timeouts, loss, duplication, orchestrator crashes
    /// and a step's service crashing again and again: no saga ever ends
    /// half done, every saga ends, and every order reaches its final state
    /// exactly once.
    #[test]
    fn no_saga_ever_ends_half_done(
        seed in 0u64..1_000,
        payment in 0.0f64..0.5,
        inventory in 0.0f64..0.5,
        loss in 0.0f64..0.15,
        duplicate in 0.0f64..0.1,
        slow in 1.0f64..40.0,
        timeout in 2.0f64..40.0,
        attempts in 1u32..4,
        crash in 0.0f64..0.1,
        mid_transaction in any::<bool>(),
        service_down in prop::option::of((0usize..3, 1.0f64..80.0)),
    ) {
        let mut s = checkout(120, payment, inventory);
        Faults { loss, duplicate, slow, timeout, attempts, crash, mid_transaction, service_down }.apply(&mut s);
        let (_, r) = checked(&s, seed);
        let f = sagas(&r);
        prop_assert_eq!((f.open, f.half_done), (0, 0), "{:?}", f);
        prop_assert_eq!(f.started, 120);
        prop_assert_eq!(f.completed + f.compensated, 120);
        prop_assert_eq!((r.never_applied, r.counts.duplicate_effects), (0, 0));
    }
}
