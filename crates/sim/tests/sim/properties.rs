//! Properties over random valid scenarios (proptest). Conservation is checked
//! after every event inside the engine in test builds; these add the
//! end-of-run invariants and the exactly-once guarantees.

use msgsim_sim::*;
use proptest::prelude::*;

use crate::support::accounted_for;

/// A duration in ms from `range`, snapped to 0 below the engine's 1 µs
/// resolution (validation refuses a non-zero duration shorter than that).
fn ms(range: std::ops::Range<f64>) -> impl Strategy<Value = f64> {
    range.prop_map(|x| if x < scenario::limits::MIN_DURATION_MS { 0.0 } else { x })
}

fn dist() -> impl Strategy<Value = Dist> {
    prop_oneof![
        ms(0.0..20.0).prop_map(|ms| Dist::Constant { ms }),
        (ms(0.0..10.0), ms(0.0..20.0)).prop_map(|(a, w)| Dist::Uniform { min_ms: a, max_ms: a + w }),
        (ms(0.0..20.0), ms(0.0..10.0)).prop_map(|(m, s)| Dist::Normal { mean_ms: m, std_ms: s }),
        ms(0.0..20.0).prop_map(|m| Dist::Exponential { mean_ms: m }),
        (0.1..10.0f64, 0.0..1.5f64).prop_map(|(m, s)| Dist::LogNormal { median_ms: m, sigma: s }),
    ]
}

fn arrival() -> impl Strategy<Value = Arrival> {
    prop_oneof![
        ms(0.0..20.0).prop_map(|interval_ms| Arrival::Fixed { interval_ms }),
        (10.0..2_000.0f64).prop_map(|rate_per_s| Arrival::Poisson { rate_per_s }),
        (1..8u32, 1.0..50.0f64).prop_map(|(size, every_ms)| Arrival::Bursts { size, every_ms }),
    ]
}

fn backoff() -> impl Strategy<Value = Backoff> {
    (
        prop_oneof![Just(BackoffKind::Fixed), Just(BackoffKind::Exponential), Just(BackoffKind::ExponentialJitter)],
        ms(0.0..30.0),
        1.0..3.0f64,
    )
        .prop_map(|(kind, base_ms, multiplier)| Backoff { kind, base_ms, multiplier, max_ms: base_ms * 8.0 })
}

fn send() -> impl Strategy<Value = SendSpec> {
    (
        prop_oneof![Just(SendMode::FireAndForget), Just(SendMode::Confirm), Just(SendMode::Sync)],
        1.0..100.0f64,
        1..6u32,
        backoff(),
    )
        .prop_map(|(mode, timeout_ms, max_attempts, backoff)| SendSpec { mode, timeout_ms, max_attempts, backoff })
}

fn link() -> impl Strategy<Value = LinkSpec> {
    (dist(), 0.0..0.3f64, 0.0..0.3f64, proptest::option::of((ms(0.0..200.0), 1.0..100.0f64))).prop_map(
        |(latency, loss, duplicate, outage)| LinkSpec {
            latency,
            loss,
            duplicate,
            outages: outage.map(|(from, len)| Window { from_ms: from, to_ms: from + len }).into_iter().collect(),
        },
    )
}

fn producer(queues: usize) -> impl Strategy<Value = ProducerSpec> {
    (
        1..3u32,
        0..queues,
        0..40u32,
        arrival(),
        1..5u32,
        any::<bool>(),
        send(),
        proptest::option::of(1..6u32),
        prop_oneof![Just(0.0), Just(0.1)],
    )
        .prop_map(|(count, q, messages, arrival, keys, random_keys, send, max_in_flight, poison_rate)| {
            ProducerSpec {
                name: String::new(),
                count,
                to: format!("q{q}"),
                messages,
                start_ms: 0.0,
                arrival,
                keys,
                key_choice: if random_keys { KeyChoice::Random } else { KeyChoice::RoundRobin },
                send,
                max_in_flight,
                poison_rate,
                ..ProducerSpec::default()
            }
        })
}

fn queue() -> impl Strategy<Value = QueueSpec> {
    (
        proptest::option::of(1..20u32),
        any::<bool>(),
        any::<bool>(),
        0..5u32,
        proptest::option::of(5.0..300.0f64),
        proptest::option::of(1..5u32),
    )
        .prop_map(|(capacity, drop_oldest, auto, prefetch, ack_timeout_ms, max_deliveries)| QueueSpec {
            name: String::new(),
            capacity,
            overflow: if drop_oldest { Overflow::DropOldest } else { Overflow::Reject },
            ack: if auto { AckMode::Auto } else { AckMode::Manual },
            prefetch,
            ack_timeout_ms,
            max_deliveries,
            durable: true,
        })
}

fn consumer() -> impl Strategy<Value = ConsumerSpec> {
    (
        1..4u32,
        1..4u32,
        dist(),
        prop_oneof![Just(0.0), 0.0..0.2f64],
        any::<bool>(),
        ms(0.0..50.0),
        proptest::option::of((ms(0.0..200.0), ms(0.0..100.0))),
        (any::<bool>(), proptest::option::of(1..10u32), proptest::option::of(1.0..100.0f64)),
    )
        .prop_map(|(count, concurrency, processing, p, before, restart_ms, planned, (dedup, cap, ttl))| {
            ConsumerSpec {
                name: String::new(),
                count,
                from: String::new(),
                concurrency,
                processing,
                crash: CrashSpec {
                    probability: p,
                    point: if before { CrashPoint::BeforeEffect } else { CrashPoint::AfterEffect },
                    restart_ms,
                    schedule: planned
                        .map(|(at_ms, down_ms)| ScheduledCrash { instance: None, at_ms, down_ms, every_ms: None })
                        .into_iter()
                        .collect(),
                },
                idempotency: Idempotency { enabled: dedup, capacity: cap, ttl_ms: ttl, versions: false },
                publish: None,
                ..ConsumerSpec::default()
            }
        })
}

/// A random valid scenario: 1–2 queues, each read by one consumer group.
fn scenario() -> impl Strategy<Value = Scenario> {
    (1..3usize)
        .prop_flat_map(|nq| {
            (
                proptest::collection::vec(producer(nq), 1..3),
                proptest::collection::vec(queue(), nq),
                proptest::collection::vec(consumer(), nq),
                link(),
                proptest::option::of(link()),
            )
        })
        .prop_map(|(mut producers, mut queues, mut consumers, default, ack_link)| {
            for (i, p) in producers.iter_mut().enumerate() {
                p.name = format!("p{i}");
            }
            for (i, q) in queues.iter_mut().enumerate() {
                q.name = format!("q{i}");
            }
            let nq = queues.len();
            for (i, c) in consumers.iter_mut().enumerate() {
                c.name = format!("c{i}");
                c.from = format!("q{}", i % nq);
            }
            let links = ack_link
                .map(|l| LinkOverride {
                    from: "*".into(),
                    to: "q0".into(),
                    latency: Some(l.latency),
                    loss: Some(l.loss),
                    duplicate: Some(l.duplicate),
                    ..Default::default()
                })
                .into_iter()
                .collect();
            Scenario {
                producers,
                queues,
                consumers,
                network: Network { default, links },
                duration_ms: 60_000.0,
                max_events: 200_000,
                ..Default::default()
            }
        })
}

/// A random valid message graph: the scenario above, with an exchange
/// (fanout or direct) bound to some of its queues and read by some
/// producers, services that publish to later queues (never back: no loops),
/// and crashes of a queue's broker, the exchange or a producer.
fn graph() -> impl Strategy<Value = Scenario> {
    (
        scenario(),
        any::<bool>(),
        proptest::option::of(3..6u32),
        proptest::collection::vec(any::<bool>(), 4),
        proptest::collection::vec(proptest::option::of((any::<bool>(), send())), 4),
        proptest::option::of((0..3usize, ms(0.0..300.0), ms(0.0..200.0), any::<bool>())),
    )
        .prop_map(|(mut s, direct, classes, bound, publish, crash)| {
            // More queues than the base generator makes, to have somewhere to publish to.
            for extra in s.queues.len()..3 {
                s.queues.push(QueueSpec { name: format!("q{extra}"), ..QueueSpec::default() });
                s.consumers.push(ConsumerSpec {
                    name: format!("c{extra}"),
                    from: format!("q{extra}"),
                    ..ConsumerSpec::default()
                });
            }
            let nq = s.queues.len();
            let mut bindings: Vec<Binding> = (0..nq)
                .filter(|&q| bound[q])
                .map(|q| Binding { queue: format!("q{q}"), keys: (direct && q % 2 == 1).then(|| vec![0, 2]) })
                .collect();
            if bindings.is_empty() {
                bindings.push(Binding { queue: "q0".into(), keys: None });
            }
            s.exchanges.push(ExchangeSpec {
                name: "x".into(),
                kind: if direct { ExchangeKind::Direct } else { ExchangeKind::Fanout },
                classes: if direct { classes } else { None },
                bindings,
            });
            for (i, p) in s.producers.iter_mut().enumerate() {
                if i % 2 == 0 && p.send.mode != SendMode::Sync {
                    p.to = "x".into();
                }
            }
            // Group i may publish to a queue after its own: no loops.
            for (i, c) in s.consumers.iter_mut().enumerate() {
                let from: usize = c.from[1..].parse().unwrap_or(0);
                if let Some(Some((to_last, send))) = publish.get(i).cloned()
                    && from + 1 < nq
                {
                    let send = SendSpec {
                        mode: if send.mode == SendMode::Sync { SendMode::Confirm } else { send.mode },
                        ..send
                    };
                    let to = if to_last { nq - 1 } else { from + 1 };
                    c.publish =
                        Some(PublishSpec { to: format!("q{to}"), send, max_in_flight: None, ..PublishSpec::default() });
                }
            }
            if let Some((which, at_ms, down_ms, durable)) = crash {
                let node = match which {
                    0 => "q0".to_string(),
                    1 => "x".to_string(),
                    _ => "p0".to_string(),
                };
                s.queues[0].durable = durable;
                s.crashes.push(NodeCrash { node, instance: None, at_ms, down_ms, every_ms: None });
            }
            s
        })
}

/// A scenario without faults: no loss, duplication, outage, crash, poison or
/// capacity limit, and no ack timeout; producers confirm and retry.
fn fault_free(mut s: Scenario) -> Scenario {
    s.network.default.loss = 0.0;
    s.network.default.duplicate = 0.0;
    s.network.default.outages.clear();
    s.network.links.clear();
    for p in &mut s.producers {
        p.poison_rate = 0.0;
        if p.send.mode == SendMode::FireAndForget {
            p.send.mode = SendMode::Confirm;
        }
        p.send.max_attempts = p.send.max_attempts.max(2);
    }
    for q in &mut s.queues {
        q.capacity = None;
        q.ack_timeout_ms = None;
    }
    for c in &mut s.consumers {
        c.crash = CrashSpec::default();
        if let Some(p) = &mut c.publish {
            p.send.mode = SendMode::Confirm;
            p.send.max_attempts = p.send.max_attempts.max(2);
        }
    }
    s.crashes.clear();
    // Every message must have somewhere to go.
    for x in &mut s.exchanges {
        x.kind = ExchangeKind::Fanout;
        x.classes = None;
        for b in &mut x.bindings {
            b.keys = None;
        }
    }
    s
}

/// `s` with an unbounded idempotency store in every consumer group.
fn idempotent(mut s: Scenario) -> Scenario {
    for c in &mut s.consumers {
        c.idempotency = Idempotency { enabled: true, capacity: None, ttl_ms: None, versions: false };
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn every_message_is_accounted_for(s in scenario(), seed in any::<u64>()) {
        prop_assert_eq!(s.validate(), Ok(()));
        let mut sim = Simulation::new(&s, seed).unwrap();
        let r = sim.run();
        prop_assert_eq!(accounted_for(&sim, &r), Ok(()));
        prop_assert_eq!((r.counts.derived, r.counts.expected), (0, r.counts.produced), "one queue per message");
        prop_assert_eq!(r.counts.produced, s.total_messages().min(r.counts.produced));
        if r.stopped == Some(StopReason::Finished) {
            prop_assert_eq!(r.counts.produced, s.total_messages());
            // With nothing left to happen, nothing can be on a link, in a
            // consumer's hands or pending at a producer; a queue may still hold
            // a delivery whose ack will never come (no ack timeout).
            prop_assert_eq!((r.status.in_flight, r.status.processing, r.status.at_producer), (0, 0, 0));
            prop_assert!(r.verdict != Verdict::Incomplete);
        }
    }

    #[test]
    fn idempotency_on_means_no_duplicate_effect(s in scenario(), seed in any::<u64>()) {
        let r = Simulation::new(&idempotent(s), seed).unwrap().run();
        prop_assert_eq!(r.counts.duplicate_effects, 0);
    }

    #[test]
    fn without_faults_and_with_retries_nothing_is_left_unapplied(s in scenario(), seed in any::<u64>()) {
        let s = fault_free(s);
        let r = Simulation::new(&s, seed).unwrap().run();
        prop_assert_eq!(r.stopped, Some(StopReason::Finished));
        prop_assert_eq!(r.never_applied, 0);
        prop_assert_eq!(r.counts.lost_in_transit, 0);
    }

    #[test]
    fn runs_are_deterministic(s in scenario(), seed in any::<u64>()) {
        let a = Simulation::new(&s, seed).unwrap();
        let mut b = a.clone();
        let mut a = a;
        a.run();
        b.run();
        prop_assert_eq!(trace_hash(a.trace()), trace_hash(b.trace()));
        prop_assert_eq!(a.report(), b.report());
    }

    #[test]
    fn json_round_trip_keeps_the_scenario(s in scenario()) {
        round_trips(&s)?;
    }

    #[test]
    fn arbitrary_json_never_panics(text in ".{0,200}") {
        let _ = Scenario::from_json(&text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// In a graph too, every message (derived ones included) is somewhere,
    /// and every (message, queue) pair it should reach is applied, doubled
    /// or never applied — nothing else.
    #[test]
    fn in_a_graph_every_message_and_pair_is_accounted_for(s in graph(), seed in any::<u64>()) {
        prop_assert_eq!(s.validate(), Ok(()));
        let mut sim = Simulation::new(&s, seed).unwrap();
        let r = sim.run();
        prop_assert_eq!(accounted_for(&sim, &r), Ok(()));
        let by_group: u64 = r.groups.iter().map(|g| g.effects).sum();
        prop_assert_eq!(by_group, r.counts.effects_applied);
        let never: u64 = r.groups.iter().map(|g| g.never_applied).sum::<u64>() + r.unroutable;
        prop_assert_eq!(never, r.never_applied);
    }

    #[test]
    fn in_a_graph_idempotency_means_no_duplicate_effect(s in graph(), seed in any::<u64>()) {
        let r = Simulation::new(&idempotent(s), seed).unwrap().run();
        prop_assert_eq!(r.counts.duplicate_effects, 0);
    }

    #[test]
    fn in_a_graph_without_faults_everything_arrives_everywhere(s in graph(), seed in any::<u64>()) {
        let s = fault_free(s);
        let r = Simulation::new(&s, seed).unwrap().run();
        prop_assert_eq!(r.stopped, Some(StopReason::Finished));
        prop_assert_eq!(r.never_applied, 0, "{:?}", r.groups);
    }

    #[test]
    fn graphs_are_deterministic_and_round_trip(s in graph(), seed in any::<u64>()) {
        let a = Simulation::new(&s, seed).unwrap();
        let mut b = a.clone();
        let mut a = a;
        a.run();
        b.run();
        prop_assert_eq!(trace_hash(a.trace()), trace_hash(b.trace()));
        round_trips(&s)?;
    }
}

/// `s` written as JSON reads back as exactly `s` — or, if one of its numbers
/// would not come back bit for bit (more than 15 significant digits: the
/// generators draw any float), it is refused naming just those numbers, and
/// with every number cut to 15 significant digits it then comes back exactly.
fn round_trips(s: &Scenario) -> Result<(), TestCaseError> {
    match Scenario::from_json(&s.to_json()) {
        Ok(back) => prop_assert_eq!(&back, s),
        Err(problems) => {
            let inexact = |p: &Problem| matches!(p.kind, ProblemKind::InexactNumber { .. });
            prop_assert!(problems.iter().all(inexact), "{:?}", problems);
            let mut doc = s.to_value();
            to_15_digits(&mut doc);
            let short = Scenario::from_json(&doc.to_string()).unwrap();
            prop_assert_eq!(Scenario::from_json(&short.to_json()).unwrap(), short);
        }
    }
    Ok(())
}

/// Every non-integer number in `v` written with 15 significant digits.
fn to_15_digits(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Number(n) if n.is_f64() => {
            let x: f64 = format!("{:.14e}", n.as_f64().unwrap()).parse().unwrap();
            *v = serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number);
        }
        Value::Array(items) => items.iter_mut().for_each(to_15_digits),
        Value::Object(fields) => fields.values_mut().for_each(to_15_digits),
        _ => {}
    }
}
