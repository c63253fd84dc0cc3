//! A message graph: exchanges that fan out, services that consume and
//! publish, brokers and producers that crash — and a checker that counts
//! per subscription. (Every event runs the conservation check in test builds.)

use msgsim_sim::*;

use crate::support::run;

fn queue(name: &str) -> QueueSpec {
    QueueSpec { name: name.into(), ..Default::default() }
}

fn service(name: &str, from: &str) -> ConsumerSpec {
    ConsumerSpec { name: name.into(), from: from.into(), ..Default::default() }
}

fn publishing(name: &str, from: &str, to: &str, send: SendSpec) -> ConsumerSpec {
    ConsumerSpec {
        publish: Some(PublishSpec { to: to.into(), send, max_in_flight: None, ..PublishSpec::default() }),
        ..service(name, from)
    }
}

fn confirm() -> SendSpec {
    SendSpec { mode: SendMode::Confirm, timeout_ms: 50.0, max_attempts: 8, ..Default::default() }
}

/// One "order created" event fanned out to three services.
fn fan_out(messages: u32) -> Scenario {
    Scenario {
        producers: vec![ProducerSpec {
            name: "orders".into(),
            to: "order-events".into(),
            messages,
            keys: 10,
            send: confirm(),
            ..Default::default()
        }],
        exchanges: vec![ExchangeSpec {
            name: "order-events".into(),
            bindings: ["inventory-q", "billing-q", "email-q"]
                .iter()
                .map(|q| Binding { queue: (*q).into(), keys: None })
                .collect(),
            ..Default::default()
        }],
        queues: vec![queue("inventory-q"), queue("billing-q"), queue("email-q")],
        consumers: vec![
            service("inventory", "inventory-q"),
            service("billing", "billing-q"),
            service("email", "email-q"),
        ],
        ..Default::default()
    }
}

#[test]
fn a_fanned_out_message_takes_effect_once_in_each_group_and_that_is_correct() {
    let sim = run(&fan_out(100), 1);
    let r = sim.report();
    assert_eq!(r.verdict, Verdict::Correct, "{r:?}");
    assert_eq!((r.counts.produced, r.counts.expected, r.counts.effects_applied), (100, 300, 300));
    assert_eq!((r.counts.duplicate_effects, r.never_applied), (0, 0), "three groups once each is no duplicate");
    assert_eq!(r.groups.len(), 3);
    for g in &r.groups {
        assert_eq!((g.effects, g.duplicate_effects, g.never_applied), (100, 0, 0), "{}", g.name);
        assert!(g.latency.p50 > 0.0 && g.utilization > 0.0);
    }
    assert_eq!(r.status.done, 100);
}

#[test]
fn a_slow_subscriber_does_not_slow_the_others() {
    let mut s = fan_out(200);
    s.producers[0].arrival = Arrival::Fixed { interval_ms: 10.0 };
    s.consumers[2].processing = Dist::constant(40.0); // e-mail: four times slower than orders arrive
    let r = run(&s, 3).report();
    let p99 = |name: &str| r.groups.iter().find(|g| g.name == name).unwrap().latency.p99;
    assert!(p99("email") > 20.0 * p99("inventory"), "email {} vs inventory {}", p99("email"), p99("inventory"));
    assert!(p99("inventory") < 20.0 && p99("billing") < 20.0, "{:?}", r.groups);
    assert_eq!(r.verdict, Verdict::Correct);
}

#[test]
fn direct_exchanges_route_by_key_class_and_unroutable_messages_are_losses() {
    let mut s = fan_out(40);
    let x = &mut s.exchanges[0];
    x.kind = ExchangeKind::Direct;
    x.classes = Some(4);
    x.bindings = vec![
        Binding { queue: "inventory-q".into(), keys: None },
        Binding { queue: "billing-q".into(), keys: Some(vec![0, 1]) },
        Binding { queue: "email-q".into(), keys: Some(vec![1]) },
    ];
    let r = run(&s, 1).report();
    // Keys 0..9 round robin: classes 0,1,2,3,0,1,2,3,0,1 → billing 6 of 10, email 3 of 10.
    let effects = |name: &str| r.groups.iter().find(|g| g.name == name).unwrap().effects;
    assert_eq!((effects("inventory"), effects("billing"), effects("email")), (40, 24, 12));
    assert_eq!(r.verdict, Verdict::Correct);
    // A binding nobody matches: class 2 and 3 messages go nowhere.
    s.exchanges[0].bindings.remove(0);
    let r = run(&s, 1).report();
    assert_eq!(r.unroutable, 16);
    assert_eq!(r.never_applied, 16, "an unroutable message never takes effect");
    assert_eq!(r.verdict, Verdict::Losses);
}

/// A pipeline of five services: each publishes a message of its own for
/// every effect it applies.
fn pipeline(hops: usize, send: SendSpec) -> Scenario {
    let q = |i: usize| format!("q{i}");
    let mut consumers: Vec<ConsumerSpec> =
        (0..hops - 1).map(|i| publishing(&format!("s{i}"), &q(i), &q(i + 1), send.clone())).collect();
    consumers.push(service(&format!("s{}", hops - 1), &q(hops - 1)));
    Scenario {
        producers: vec![ProducerSpec {
            name: "p".into(),
            to: q(0),
            messages: 100,
            keys: 5,
            send,
            ..Default::default()
        }],
        queues: (0..hops).map(|i| queue(&q(i))).collect(),
        consumers,
        ..Default::default()
    }
}

#[test]
fn a_five_hop_pipeline_applies_everything_once_and_reports_its_whole_chain() {
    let sim = run(&pipeline(5, confirm()), 1);
    let r = sim.report();
    assert_eq!(r.verdict, Verdict::Correct, "{r:?}");
    assert_eq!((r.counts.produced, r.counts.derived, r.counts.expected), (100, 400, 500));
    assert!(r.groups.iter().all(|g| g.effects == 100));
    // The whole chain takes about five hops; each hop about one.
    assert!(r.end_to_end_latency.p50 >= 4.0 * r.latency.p50, "{:?} vs {:?}", r.end_to_end_latency, r.latency);
    assert_eq!(sim.latencies().len(), 500, "a sample per hop");
    // Every derived message names its parent, back to a producer's message.
    let derived = sim.trace().iter().filter(|e| e.kind == EventKind::Produce && e.tx != 0).count();
    assert_eq!(derived, 400);
    let last = sim.trace().iter().rfind(|e| e.kind == EventKind::Produce).unwrap().msg;
    assert_eq!(sim.ledger().root(last), sim.ledger().root(sim.ledger().parent(last).unwrap()));
}

#[test]
fn duplicates_multiply_along_a_chain_without_idempotency_and_stop_with_it() {
    let mut s = pipeline(4, confirm());
    s.network.links.push(LinkOverride { from: "*".into(), to: "*".into(), loss: Some(0.05), ..Default::default() });
    let r = run(&s, 7).report();
    let dups: Vec<u64> = r.groups.iter().map(|g| g.duplicate_effects).collect();
    // Each hop's duplicates include the echoes of the hops before it: a
    // message published for a duplicate effect is itself a duplicate.
    assert!(dups.windows(2).all(|w| w[1] >= w[0]) && dups[3] > dups[0], "later hops see more: {dups:?}");
    // The business expects one effect per order per hop, echoes or not.
    assert_eq!(r.counts.expected, 4 * r.counts.produced);
    assert!(r.counts.derived > 3 * r.counts.produced, "the echoes were published");
    assert_eq!(r.counts.effects_applied - r.counts.duplicate_effects + r.never_applied, r.counts.expected);
    for c in &mut s.consumers {
        c.idempotency.enabled = true;
    }
    let r = run(&s, 7).report();
    assert_eq!(r.counts.duplicate_effects, 0, "{:?}", r.groups);
    assert_eq!(r.verdict, Verdict::Correct);
}

#[test]
fn a_diamond_joins_two_paths() {
    let mut s = fan_out(50);
    s.exchanges[0].bindings.truncate(2);
    s.queues[2].name = "join-q".into();
    s.consumers = vec![
        publishing("inventory", "inventory-q", "join-q", confirm()),
        publishing("billing", "billing-q", "join-q", confirm()),
        service("shipping", "join-q"),
    ];
    let r = run(&s, 2).report();
    assert_eq!(r.verdict, Verdict::Correct, "{r:?}");
    let shipping = r.groups.iter().find(|g| g.name == "shipping").unwrap();
    assert_eq!(shipping.effects, 100, "one message from each path");
    assert_eq!(r.counts.derived, 100);
}

#[test]
fn a_broker_crash_loses_a_transient_queue_and_a_durable_one_redelivers() {
    let mut s = pipeline(1, confirm());
    s.producers[0].messages = 200;
    s.producers[0].arrival = Arrival::Fixed { interval_ms: 2.0 };
    s.consumers[0].processing = Dist::constant(4.0); // a backlog builds up in the queue
    s.crashes.push(NodeCrash { node: "q0".into(), instance: None, at_ms: 200.0, down_ms: 100.0, every_ms: None });
    s.queues[0].durable = true;
    let durable = run(&s, 1).report();
    s.queues[0].durable = false;
    let transient = run(&s, 1).report();
    assert_eq!(durable.counts.crashes, 1);
    assert_eq!(durable.never_applied, 0, "a durable queue keeps what it held: {durable:?}");
    assert!(durable.counts.duplicate_effects > 0, "what was unacknowledged is delivered again");
    assert!(transient.never_applied > 20, "a transient queue loses its backlog: {}", transient.never_applied);
    assert_eq!(transient.verdict, Verdict::DuplicatesAndLosses.min_losses(transient.counts.duplicate_effects));
}

/// Verdict helpers for the test above.
trait MinLosses {
    fn min_losses(self, dups: u64) -> Verdict;
}

impl MinLosses for Verdict {
    fn min_losses(self, dups: u64) -> Verdict {
        if dups > 0 { Verdict::DuplicatesAndLosses } else { Verdict::Losses }
    }
}

#[test]
fn a_producer_that_crashes_makes_nothing_while_down_and_loses_what_it_held() {
    let mut s = pipeline(1, SendSpec { max_attempts: 1, ..confirm() });
    s.network.default.latency = Dist::constant(5.0); // confirms take 10 ms: a backlog builds
    s.producers[0].arrival = Arrival::Fixed { interval_ms: 1.0 };
    s.producers[0].max_in_flight = Some(2);
    s.consumers[0].processing = Dist::constant(3.0);
    s.crashes.push(NodeCrash { node: "p".into(), instance: None, at_ms: 30.0, down_ms: 20.0, every_ms: None });
    let sim = run(&s, 1);
    let r = sim.report();
    assert!(r.counts.produced < 100, "arrivals while down make nothing: {}", r.counts.produced);
    assert!(r.status.lost > 0, "its backlog was lost: {:?}", r.status);
    assert!(sim.trace().iter().any(|e| e.kind == EventKind::Restart && e.node == 0));
}

#[test]
fn an_exchange_that_crashes_refuses_publishes_and_producers_retry() {
    let mut s = fan_out(100);
    s.producers[0].arrival = Arrival::Fixed { interval_ms: 2.0 };
    s.crashes.push(NodeCrash {
        node: "order-events".into(),
        instance: None,
        at_ms: 50.0,
        down_ms: 40.0,
        every_ms: None,
    });
    let r = run(&s, 1).report();
    assert!(r.counts.retries > 10, "{}", r.counts.retries);
    assert_eq!(r.never_applied, 0, "retries get everything through once it is back");
}

/// Random failures of a broker: with `every_ms`, a crash series whose gaps
/// are exponential with that mean (drawn from the run's seed), about one
/// crash per 20 ms down + 100 ms up for as long as there is work; the run
/// stays consistent, ends when the work does, repeats itself for a seed, and
/// with a durable queue and idempotent services the outcome is correct.
#[test]
fn a_broker_that_fails_at_random_stays_accounted_for_and_deterministic() {
    let mut s = fan_out(1_000);
    s.producers[0].arrival = Arrival::Fixed { interval_ms: 2.0 };
    s.producers[0].send.max_attempts = 100;
    for c in &mut s.consumers {
        c.idempotency.enabled = true;
    }
    s.crashes.push(NodeCrash {
        node: "billing-q".into(),
        instance: None,
        at_ms: 50.0,
        down_ms: 20.0,
        every_ms: Some(100.0),
    });
    let mut sim = run(&s, 3);
    let r = sim.report();
    // One crash per 120 ms cycle on average, from 50 ms until the work is done.
    let expected = (r.sim_time_ms - 50.0) / 120.0;
    let got = r.counts.crashes as f64;
    assert!((got - expected).abs() <= 4.0 * expected.sqrt() + 2.0, "{got} crashes in {} ms", r.sim_time_ms);
    assert_eq!(sim.check_conservation(), Ok(()));
    assert_eq!(r.verdict, Verdict::Correct, "{:?}", r.groups);
    assert_eq!(r, run(&s, 3).report(), "the same seed, the same failures");
    assert_ne!(r.counts.crashes, run(&s, 4).report().counts.crashes, "another seed, other failures");
    // The other queues never went down.
    let down: Vec<_> = sim.trace().iter().filter(|e| e.kind == EventKind::Crash).map(|e| e.node).collect();
    let billing = sim.topology().nodes.iter().position(|n| n.name == "billing-q").unwrap() as NodeId;
    assert!(down.iter().all(|&n| n == billing));
    sim.run();
}
