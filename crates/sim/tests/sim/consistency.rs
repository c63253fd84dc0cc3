//! A service's two writes — its own change and the event about it — and what
//! a crash between them does: commit first loses the event, publish first
//! leaves a phantom, a transactional outbox loses nothing. (Every event runs
//! the conservation check in test builds.)

use msgsim_sim::*;
use proptest::prelude::*;

use crate::support::{checked, events_of, run};

fn confirm() -> SendSpec {
    SendSpec { mode: SendMode::Confirm, timeout_ms: 50.0, max_attempts: 8, ..Default::default() }
}

/// Orders → `orders-q` → the order service (it commits each order and
/// publishes "order placed" to `shipping-q`, crashing between its writes
/// with probability `crash`) → shipping.
fn order_service(messages: u32, write: WriteOrder, crash: f64, idempotent: bool) -> Scenario {
    let manual = |name: &str| QueueSpec {
        name: name.into(),
        ack: AckMode::Manual,
        ack_timeout_ms: Some(200.0),
        ..Default::default()
    };
    Scenario {
        producers: vec![ProducerSpec {
            name: "orders".into(),
            to: "orders-q".into(),
            messages,
            keys: 20,
            send: confirm(),
            ..Default::default()
        }],
        queues: vec![manual("orders-q"), manual("shipping-q")],
        consumers: vec![
            ConsumerSpec {
                name: "order-service".into(),
                from: "orders-q".into(),
                crash: CrashSpec {
                    probability: crash,
                    point: CrashPoint::BetweenWrites,
                    restart_ms: 50.0,
                    ..Default::default()
                },
                idempotency: Idempotency { enabled: idempotent, ..Default::default() },
                publish: Some(PublishSpec { to: "shipping-q".into(), send: confirm(), write, ..Default::default() }),
                ..Default::default()
            },
            ConsumerSpec {
                name: "shipping".into(),
                from: "shipping-q".into(),
                idempotency: Idempotency { enabled: true, ..Default::default() },
                ..Default::default()
            },
        ],
        ..Default::default()
    }
}

#[test]
fn commit_first_with_an_idempotency_store_loses_the_events_a_crash_cuts_off() {
    let (sim, r) = checked(&order_service(2_000, WriteOrder::CommitFirst, 0.02, true), 1);
    let lost = events_of(&sim, EventKind::EventLost);
    assert!(lost.len() > 10, "{} crashes between the writes", lost.len());
    // The redelivered order hits the store: nobody ever publishes its event.
    assert_eq!(r.counts.events_lost, lost.len() as u64);
    assert_eq!(r.never_applied, r.counts.events_lost, "each lost event is an order shipping never hears of");
    assert_eq!(r.groups[0].never_applied, 0, "every order committed");
    assert_eq!(r.groups[1].never_applied, r.counts.events_lost, "shipping never heard of them");
    assert_eq!(r.verdict, Verdict::Losses);
    assert!(events_of(&sim, EventKind::Produce).iter().all(|e| e.cause != Cause::Recovered));
}

#[test]
fn commit_first_without_a_store_publishes_a_lost_event_again_on_redelivery() {
    let (sim, r) = checked(&order_service(2_000, WriteOrder::CommitFirst, 0.02, false), 1);
    let lost = events_of(&sim, EventKind::EventLost).len() as u64;
    let recovered = events_of(&sim, EventKind::Produce).iter().filter(|e| e.cause == Cause::Recovered).count() as u64;
    assert!(lost > 10);
    // The order is applied twice (a duplicate), and its event goes out then.
    assert_eq!((recovered, r.counts.events_lost), (lost, 0));
    assert_eq!(r.never_applied, 0, "{r:?}");
    assert!(r.groups[0].duplicate_effects >= lost);
}

#[test]
fn publish_first_leaves_phantom_events_until_the_redelivery_commits() {
    let (sim, r) = checked(&order_service(2_000, WriteOrder::PublishFirst, 0.02, true), 1);
    let phantoms = events_of(&sim, EventKind::Phantom);
    assert!(phantoms.len() > 10, "{} crashes between the writes", phantoms.len());
    // Every order commits in the end (the store forgot what never committed) …
    assert_eq!((r.groups[0].never_applied, r.groups[0].dedup_hits), (0, 0), "{r:?}");
    assert_eq!((r.counts.phantom_events, r.counts.events_lost, r.never_applied), (0, 0, 0));
    // … but shipping heard of some orders before they existed.
    let trace = sim.trace();
    let committed_at = |msg: u32| {
        trace.iter().find(|e| e.kind == EventKind::Effect && e.msg == msg && e.cause != Cause::Duplicate).unwrap().time
    };
    let shipped_early = phantoms
        .iter()
        .filter(|p| {
            let child = trace.iter().find(|e| e.kind == EventKind::Produce && e.tx == p.msg + 1).unwrap().msg;
            trace.iter().any(|e| e.kind == EventKind::Effect && e.msg == child && e.time < committed_at(p.msg))
        })
        .count();
    assert!(shipped_early > 0, "no order shipped before it committed");
    // The event goes out again with the commit, as a new message: shipping's
    // store (by message id) cannot tell, and ships twice.
    assert!(r.groups[1].duplicate_effects > 0);
    assert_eq!(r.verdict, Verdict::Duplicates);
}

#[test]
fn a_phantom_counts_until_its_change_commits() {
    let s = order_service(2_000, WriteOrder::PublishFirst, 0.02, true);
    let mut sim = Simulation::new(&s, 1).unwrap();
    let mut most = 0;
    while sim.run_events(50) > 0 {
        most = most.max(sim.report().counts.phantom_events);
    }
    assert!(most > 0, "a phantom is visible while its order is redelivered");
    assert_eq!(sim.report().counts.phantom_events, 0);
}

#[test]
fn an_outbox_loses_no_event_through_crashes_between_and_after_the_writes() {
    let mut s = order_service(2_000, WriteOrder::Outbox, 0.02, true);
    s.consumers[0].crash.schedule =
        vec![ScheduledCrash { instance: None, at_ms: 300.0, down_ms: 200.0, every_ms: Some(400.0) }];
    let (sim, r) = checked(&s, 1);
    assert!(r.counts.crashes > 20, "{} crashes", r.counts.crashes);
    assert!(events_of(&sim, EventKind::EventLost).is_empty() && events_of(&sim, EventKind::Phantom).is_empty());
    assert_eq!((r.never_applied, r.counts.events_lost), (0, 0), "{r:?}");
    assert_eq!(r.verdict, Verdict::Correct, "shipping's store absorbs the relay's repeats");
}

#[test]
fn the_relay_publishes_on_its_beat() {
    let mut s = order_service(50, WriteOrder::Outbox, 0.0, true);
    s.consumers[0].publish.as_mut().unwrap().relay_poll_ms = 250.0;
    let sim = run(&s, 1);
    let trace = sim.trace();
    let publisher = |e: &&TraceEvent| e.kind == EventKind::Send && e.packet == PacketKind::Publish && e.attempt == 1;
    let relay: Vec<_> =
        trace.iter().filter(publisher).filter(|e| sim.topology().nodes[usize::from(e.node)].name != "orders").collect();
    assert_eq!(relay.len(), 50);
    assert!(relay.iter().all(|e| e.time % 250_000 == 0), "every row leaves on a poll");
}

#[test]
fn the_dual_write_crash_point_needs_a_service_that_publishes() {
    let mut s = order_service(10, WriteOrder::CommitFirst, 0.1, false);
    s.consumers[1].crash.point = CrashPoint::BetweenWrites;
    s.consumers[0].publish.as_mut().unwrap().relay_poll_ms = 0.0;
    let problems = Simulation::new(&s, 1).err().expect("invalid");
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["consumers[0].publish.relay_poll_ms", "consumers[1].crash.point"], "{problems:?}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Whatever the crashes and the network do, an outbox never loses an
    /// event whose change committed.
    #[test]
    fn an_outbox_never_loses_a_committed_event(
        seed in 0u64..1_000,
        crash in 0.0f64..0.2,
        loss in 0.0f64..0.2,
        duplicate in 0.0f64..0.1,
        poll in 1.0f64..300.0,
        idempotent: bool,
    ) {
        let mut s = order_service(200, WriteOrder::Outbox, crash, idempotent);
        s.network.default.loss = loss;
        s.network.default.duplicate = duplicate;
        s.consumers[0].publish.as_mut().unwrap().relay_poll_ms = poll;
        s.consumers[0].publish.as_mut().unwrap().send.max_attempts = 3;
        // Every order reaches the service (on a 20% lossy link eight tries
        // are not always enough): the property is about what happens after.
        s.producers[0].send.max_attempts = 100;
        let (_, r) = checked(&s, seed);
        prop_assert_eq!(r.counts.events_lost, 0);
        prop_assert_eq!(r.never_applied, 0, "{:?}", r);
    }
}

/// The same order service as a group of members reading a topic: a member
/// crash between the writes loses the event too (the group reads the record
/// again, and the store skips it), and the outbox keeps it.
#[test]
fn members_of_a_group_on_a_topic_write_twice_too() {
    let on_topic = |write| {
        let mut s = order_service(1_000, write, 0.02, true);
        s.queues.remove(0);
        s.topics = vec![TopicSpec { name: "orders-q".into(), partitions: 4, ..Default::default() }];
        s.consumers[0].count = 2;
        s
    };
    let (_, dual) = checked(&on_topic(WriteOrder::CommitFirst), 2);
    assert!(dual.counts.events_lost > 5, "{dual:?}");
    assert_eq!(dual.groups[1].never_applied, dual.counts.events_lost);
    let (_, outbox) = checked(&on_topic(WriteOrder::Outbox), 2);
    assert!(outbox.counts.crashes > 5);
    assert_eq!((outbox.counts.events_lost, outbox.never_applied), (0, 0), "{outbox:?}");
}

fn projection(versions: bool) -> Scenario {
    let mut s = presets::get("versions").unwrap().scenario.clone();
    s.consumers[0].idempotency.versions = versions;
    s
}

#[test]
fn versions_put_reordered_and_repeated_events_right() {
    let (_, before) = checked(&projection(false), 1);
    assert!(before.counts.ordering_violations > 20 && before.counts.duplicate_effects > 20, "{before:?}");
    let (sim, after) = checked(&projection(true), 1);
    assert_eq!((after.counts.ordering_violations, after.counts.duplicate_effects), (0, 0));
    assert_eq!(after.verdict, Verdict::Correct);
    // Every repeat skipped, every early event held and released in order.
    assert_eq!(after.counts.dedup_hits, before.counts.duplicate_effects);
    let held = events_of(&sim, EventKind::Held);
    assert_eq!(held.len() as u64, after.counts.held);
    let released = sim.trace().iter().filter(|e| e.kind == EventKind::Effect && e.peer == e.node).count();
    assert_eq!(released, held.len(), "each held event takes effect when its gap fills");
    assert!(held.iter().all(|h| h.tx >= 1), "a held event says how many versions it waits for");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Whatever the network, competing consumers and crashes do, a group
    /// applying in version order never applies a key's events out of order
    /// or twice.
    #[test]
    fn a_versioned_projection_is_never_out_of_order_nor_doubled(
        seed in 0u64..1_000,
        loss in 0.0f64..0.3,
        duplicate in 0.0f64..0.2,
        instances in 1u32..4,
        crash in 0.0f64..0.1,
        manual: bool,
    ) {
        let mut s = projection(true);
        s.producers[0].messages = 200;
        s.network.default.loss = loss;
        s.network.default.duplicate = duplicate;
        s.consumers[0].count = instances;
        s.consumers[0].crash.probability = crash;
        s.consumers[0].crash.restart_ms = 20.0;
        if manual {
            s.queues[0].ack = AckMode::Manual;
            s.queues[0].ack_timeout_ms = Some(100.0);
        }
        let (_, r) = checked(&s, seed);
        prop_assert_eq!(r.counts.ordering_violations, 0);
        prop_assert_eq!(r.counts.duplicate_effects, 0, "{:?}", r);
    }
}
