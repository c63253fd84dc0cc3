//! Fuzzing on stable Rust: structurally valid but extreme scenarios (the
//! largest lists, the shortest timeouts, the longest latencies, every fault at
//! once, brokers that take a day per request), run to their limits with overflow checks on. Nothing may panic, the
//! books must balance, the event limit holds, and what a run holds stays
//! within its memory budget (past it by at most one vector's growth).
//!
//! `cargo test` runs a short pass (32 cases). For a long hunt:
//!
//! ```sh
//! scripts/fuzz.sh 10     # ten minutes (MSGSIM_FUZZ_SECONDS=600)
//! ```
//!
//! A failure is shrunk by proptest and saved in
//! `tests/proptest-regressions/fuzz.txt`, so every later run replays it
//! first; the cases found so far are also pinned as tests below.

use msgsim_sim::scenario::limits;
use msgsim_sim::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::support::accounted_for;

/// A duration from the edges as well as the middle: 0, 1 µs, a second, a day.
fn edgy_ms() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        Just(limits::MIN_DURATION_MS),
        Just(1.0),
        Just(1_000.0),
        Just(86_400_000.0),
        (limits::MIN_DURATION_MS..50.0f64),
    ]
}

fn positive_ms() -> impl Strategy<Value = f64> {
    prop_oneof![Just(limits::MIN_DURATION_MS), Just(1.0), Just(86_400_000.0), (limits::MIN_DURATION_MS..200.0f64)]
}

fn dist() -> impl Strategy<Value = Dist> {
    prop_oneof![
        edgy_ms().prop_map(|ms| Dist::Constant { ms }),
        (edgy_ms(), edgy_ms()).prop_map(|(a, b)| Dist::Uniform { min_ms: a.min(b), max_ms: a.max(b) }),
        (edgy_ms(), edgy_ms()).prop_map(|(m, s)| Dist::Normal { mean_ms: m, std_ms: s }),
        edgy_ms().prop_map(|m| Dist::Exponential { mean_ms: m }),
        (prop_oneof![Just(0.001), Just(86_400_000.0), 0.001..100.0f64], 0.0..4.0f64)
            .prop_map(|(m, s)| Dist::LogNormal { median_ms: m, sigma: s }),
    ]
}

fn windows(max: usize) -> impl Strategy<Value = Vec<Window>> {
    proptest::collection::vec((edgy_ms(), positive_ms()), 0..max)
        .prop_map(|ws| ws.into_iter().map(|(from_ms, len)| Window { from_ms, to_ms: from_ms + len }).collect())
}

fn link() -> impl Strategy<Value = LinkSpec> {
    (
        dist(),
        prop_oneof![Just(0.0), Just(1.0), 0.0..1.0f64],
        prop_oneof![Just(0.0), Just(1.0), 0.0..1.0f64],
        windows(40),
    )
        .prop_map(|(latency, loss, duplicate, outages)| LinkSpec { latency, loss, duplicate, outages })
}

fn producer() -> impl Strategy<Value = ProducerSpec> {
    (
        1..=16u32,
        prop_oneof![Just(0u32), 1..300u32],
        prop_oneof![
            edgy_ms().prop_map(|interval_ms| Arrival::Fixed { interval_ms }),
            prop_oneof![Just(10_000_000.0), 1.0..1e6f64].prop_map(|rate_per_s| Arrival::Poisson { rate_per_s }),
            (1..10_000u32, positive_ms()).prop_map(|(size, every_ms)| Arrival::Bursts { size, every_ms }),
        ],
        prop_oneof![Just(1u32), Just(limits::MAX_KEYS), 1..100u32],
        prop_oneof![Just(SendMode::FireAndForget), Just(SendMode::Confirm), Just(SendMode::Sync)],
        (positive_ms(), 1..=limits::MAX_ATTEMPTS, edgy_ms(), 1.0..10.0f64, edgy_ms()),
        proptest::option::of(1..5u32),
        prop_oneof![Just(0.0), Just(1.0), 0.0..1.0f64],
    )
        .prop_map(
            |(count, messages, arrival, keys, mode, (timeout_ms, max_attempts, base, mult, cap), in_flight, poison)| {
                ProducerSpec {
                    name: String::new(),
                    count,
                    to: String::new(),
                    messages,
                    start_ms: 0.0,
                    arrival,
                    keys,
                    key_choice: KeyChoice::Random,
                    send: SendSpec {
                        mode,
                        timeout_ms,
                        max_attempts,
                        backoff: Backoff {
                            kind: BackoffKind::ExponentialJitter,
                            base_ms: base,
                            multiplier: mult,
                            max_ms: base.max(cap),
                        },
                    },
                    max_in_flight: in_flight,
                    poison_rate: poison,
                    ..ProducerSpec::default()
                }
            },
        )
}

fn queue() -> impl Strategy<Value = QueueSpec> {
    (
        proptest::option::of(prop_oneof![Just(1u32), 1..50u32]),
        any::<bool>(),
        any::<bool>(),
        prop_oneof![Just(0u32), Just(1u32), Just(limits::MAX_CAPACITY), 1..20u32],
        proptest::option::of(positive_ms()),
        proptest::option::of(prop_oneof![Just(1u32), Just(limits::MAX_ATTEMPTS)]),
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
        1..=16u32,
        prop_oneof![Just(1u32), Just(limits::MAX_CONCURRENCY), 1..8u32],
        dist(),
        prop_oneof![Just(0.0), Just(1.0), 0.0..0.5f64],
        any::<bool>(),
        edgy_ms(),
        proptest::collection::vec((proptest::option::of(0..4u32), edgy_ms(), edgy_ms()), 0..60),
        (any::<bool>(), proptest::option::of(1..5u32), proptest::option::of(positive_ms())),
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
                        .into_iter()
                        .map(|(instance, at_ms, down_ms)| ScheduledCrash {
                            every_ms: None,
                            instance: instance.filter(|&i| i < count),
                            at_ms,
                            down_ms,
                        })
                        .collect(),
                },
                // A bounded store also applies in version order (a projection).
                idempotency: Idempotency { enabled: dedup, capacity: cap, ttl_ms: ttl, versions: cap.is_some() },
                publish: None,
                ..ConsumerSpec::default()
            }
        })
}

/// An extreme but valid scenario: up to 3 queues, many instances, many
/// overrides with many windows, every fault possible at once.
fn extreme() -> impl Strategy<Value = Scenario> {
    (1..4usize)
        .prop_flat_map(|nq| {
            (
                proptest::collection::vec(producer(), 1..4),
                proptest::collection::vec(queue(), nq),
                proptest::collection::vec(consumer(), nq),
                link(),
                proptest::collection::vec((0..8usize, 0..8usize, any::<bool>(), link()), 0..limits::MAX_LINK_OVERRIDES),
                prop_oneof![Just(limits::MAX_RUN_MS), Just(1.0), 1.0..1e6f64],
                graph_parts(),
                proptest::option::of(log_parts()),
                // Brokers' costs (queue and log: per request, per record)
                // and producers' linger, from the edges too.
                proptest::option::of((edgy_ms(), edgy_ms(), edgy_ms(), edgy_ms(), edgy_ms())),
            )
        })
        .prop_map(|(mut producers, mut queues, mut consumers, default, overrides, duration_ms, graph, log, costs)| {
            let nq = queues.len();
            for (i, p) in producers.iter_mut().enumerate() {
                p.name = format!("p{i}");
                p.to = format!("q{}", i % nq);
            }
            for (i, q) in queues.iter_mut().enumerate() {
                q.name = format!("q{i}");
            }
            for (i, c) in consumers.iter_mut().enumerate() {
                c.name = format!("c{i}");
                c.from = format!("q{i}");
            }
            let mut groups: Vec<String> = vec!["*".into()];
            groups.extend(producers.iter().map(|p| p.name.clone()));
            groups.extend(queues.iter().map(|q| q.name.clone()));
            groups.extend(consumers.iter().map(|c| c.name.clone()));
            let links = overrides
                .into_iter()
                .map(|(a, b, both_ways, l)| LinkOverride {
                    from: groups[a % groups.len()].clone(),
                    to: groups[b % groups.len()].clone(),
                    both_ways,
                    latency: Some(l.latency),
                    loss: Some(l.loss),
                    duplicate: Some(l.duplicate),
                    outages: Some(l.outages),
                })
                .collect();
            let mut s = Scenario {
                producers,
                queues,
                consumers,
                network: Network { default, links },
                duration_ms,
                max_events: 20_000,
                ..Default::default()
            };
            add_graph(&mut s, graph);
            if let Some(log) = log {
                add_log(&mut s, log);
            }
            if let Some((queue_request, queue_record, log_request, log_record, linger)) = costs {
                s.costs.queue = ServiceCost { request_ms: queue_request, record_ms: queue_record };
                s.costs.log = ServiceCost { request_ms: log_request, record_ms: log_record };
                for p in &mut s.producers {
                    p.linger_ms = linger;
                }
            }
            // Keep within the node and message limits (they are validated).
            for p in &mut s.producers {
                if p.send.mode == SendMode::Sync && !s.consumers.iter().any(|c| c.from == p.to) {
                    p.send.mode = SendMode::Confirm;
                }
            }
            s
        })
        .prop_filter("within the topology limits", |s| s.validate().is_ok())
}

/// The message graph's parts: an exchange over every queue (fanout, or
/// direct by key class) that producer 0 publishes to; services, each
/// publishing to the next queue (never in a circle) with its own send
/// settings; non-durable queues; outages of any node by name.
type GraphParts = (Option<bool>, Vec<Option<SendSpec>>, Vec<bool>, Vec<(usize, f64, f64, Option<f64>)>);

fn graph_parts() -> impl Strategy<Value = GraphParts> {
    let send = (any::<bool>(), 1..6u32, positive_ms()).prop_map(|(confirm, max_attempts, timeout_ms)| SendSpec {
        mode: if confirm { SendMode::Confirm } else { SendMode::FireAndForget },
        timeout_ms,
        max_attempts,
        ..Default::default()
    });
    (
        proptest::option::of(any::<bool>()),
        proptest::collection::vec(proptest::option::of(send), 3),
        proptest::collection::vec(any::<bool>(), 3),
        proptest::collection::vec((0..16usize, edgy_ms(), edgy_ms(), proptest::option::of(positive_ms())), 0..8),
    )
}

fn add_graph(s: &mut Scenario, (exchange, publish, transient, crashes): GraphParts) {
    let nq = s.queues.len();
    if let Some(direct) = exchange {
        s.exchanges.push(ExchangeSpec {
            name: "x".into(),
            kind: if direct { ExchangeKind::Direct } else { ExchangeKind::Fanout },
            classes: direct.then_some(3),
            bindings: (0..nq)
                .map(|i| Binding { queue: format!("q{i}"), keys: direct.then(|| vec![(i % 3) as u32]) })
                .collect(),
        });
        s.producers[0].to = "x".into();
        if s.producers[0].send.mode == SendMode::Sync {
            s.producers[0].send.mode = SendMode::Confirm;
        }
    }
    for (i, c) in s.consumers.iter_mut().enumerate() {
        if let (Some(send), true) = (publish.get(i).cloned().flatten(), i + 1 < nq) {
            c.publish =
                Some(PublishSpec { to: format!("q{}", i + 1), send, max_in_flight: None, ..PublishSpec::default() });
        }
    }
    for (q, t) in s.queues.iter_mut().zip(transient) {
        q.durable = !t;
    }
    let mut names: Vec<String> = s.producers.iter().map(|p| p.name.clone()).collect();
    names.extend(s.exchanges.iter().map(|x| x.name.clone()));
    names.extend(s.queues.iter().map(|q| q.name.clone()));
    names.extend(s.consumers.iter().map(|c| c.name.clone()));
    s.crashes = crashes
        .into_iter()
        .map(|(n, at_ms, down_ms, every_ms)| NodeCrash {
            node: names[n % names.len()].clone(),
            instance: None,
            at_ms,
            down_ms,
            every_ms,
        })
        .collect();
}

/// A topic at the edges of its limits (partitions, brokers, copies,
/// retention, delays), the groups that read it instead of their queue, and
/// how the producers send to it.
type LogParts = (TopicSpec, Vec<(bool, LogGroupSpec)>, Vec<(Partitioner, ProducerAcks, bool)>, Option<u32>);

fn log_parts() -> impl Strategy<Value = LogParts> {
    let topic = (
        prop_oneof![Just(1u32), Just(limits::MAX_PARTITIONS), 1..16u32],
        proptest::option::of(positive_ms()),
        proptest::option::of(prop_oneof![Just(1u32), 1..50u32]),
        prop_oneof![Just(1u32), Just(limits::MAX_BROKERS), 1..5u32],
        (1..40u32, 1..40u32),
        (positive_ms(), edgy_ms()),
    )
        .prop_map(
            |(partitions, retention_ms, retention_records, brokers, (rf, isr), (replication_ms, failover_ms))| {
                let rf = 1 + rf % brokers;
                TopicSpec {
                    name: "log".into(),
                    partitions,
                    retention_ms,
                    retention_records,
                    brokers,
                    replication_factor: rf,
                    min_insync_replicas: 1 + isr % rf,
                    replication_ms,
                    failover_ms,
                }
            },
        );
    let group = (
        any::<bool>(),
        (0..2usize, 0..3usize, 0..2usize),
        prop_oneof![Just(1u32), Just(limits::MAX_POLL_RECORDS), 1..20u32],
        (positive_ms(), positive_ms(), positive_ms()),
        (edgy_ms(), edgy_ms(), edgy_ms()),
        (proptest::option::of(edgy_ms()), proptest::option::of(1..50u32)),
    )
        .prop_map(
            |(
                reads,
                (a, c, r),
                max_poll_records,
                (auto, fetch_wait, timeout),
                (start, rebalance, session),
                (rebuild_at_ms, snapshot_every),
            )| {
                let spec = LogGroupSpec {
                    assignor: AssignorKind::NAMED[a].0,
                    commit: CommitPolicy::NAMED[c].0,
                    auto_commit_ms: auto,
                    max_poll_records,
                    fetch_wait_ms: fetch_wait,
                    request_timeout_ms: timeout,
                    offset_reset: OffsetResetKind::NAMED[r].0,
                    start_ms: start,
                    rebalance_ms: rebalance,
                    session_timeout_ms: session,
                    rebuild_at_ms,
                    snapshot_every,
                };
                (reads, spec)
            },
        );
    let sender = (0..3usize, any::<bool>(), any::<bool>()).prop_map(|(p, all, idempotent)| {
        (Partitioner::NAMED[p].0, if all { ProducerAcks::All } else { ProducerAcks::Leader }, idempotent)
    });
    (topic, proptest::collection::vec(group, 3), proptest::collection::vec(sender, 3), proptest::option::of(0..40u32))
}

/// Puts the topic in, moves the chosen groups (and every other producer) to
/// it, and crashes one of its brokers if asked.
fn add_log(s: &mut Scenario, (topic, groups, senders, crash): LogParts) {
    let brokers = topic.brokers;
    s.topics.push(topic);
    for (c, (reads, spec)) in s.consumers.iter_mut().zip(groups) {
        if reads {
            c.from = "log".into();
            c.log = spec;
            c.publish = None;
        }
    }
    for (i, (p, (partitioner, acks, idempotent))) in s.producers.iter_mut().zip(senders).enumerate() {
        if i % 2 == 1 && p.send.mode != SendMode::Sync {
            p.to = "log".into();
        }
        (p.partitioner, p.acks, p.idempotent) = (partitioner, acks, idempotent);
    }
    if let Some(b) = crash {
        s.crashes.push(NodeCrash {
            node: "log".into(),
            instance: Some(b % brokers),
            at_ms: 1.0,
            down_ms: 50.0,
            every_ms: None,
        });
    }
}

/// What a fuzzed run must satisfy.
fn check(s: &Scenario, seed: u64) -> Result<(), TestCaseError> {
    let budget = 64 << 20;
    let sim = Simulation::new(s, seed).map_err(|e| TestCaseError::fail(format!("refused: {e:?}")))?;
    let Ok(mut sim) = sim.without_trace().with_memory_budget(s, budget) else {
        return Ok(()); // refused up front with an estimate: also a correct answer
    };
    let r = sim.run();
    prop_assert!(r.events <= s.max_events);
    prop_assert!(r.stopped.is_some());
    prop_assert_eq!(accounted_for(&sim, &r), Ok(()));
    prop_assert_eq!(sim.check_projections(), Ok(()));
    prop_assert!(sim.memory_bytes() <= 2 * budget + (1 << 20), "{} bytes held", sim.memory_bytes());
    prop_assert!(r.latency.max <= r.sim_time_ms + 1e-9, "max latency {} in a {} ms run", r.latency.max, r.sim_time_ms);
    Ok(())
}

/// Cases per pass: 32 in `cargo test`, or as many as fit in
/// `MSGSIM_FUZZ_SECONDS`. (On a thread with a large stack: the nested
/// strategies are deep in an unoptimised build.)
#[test]
fn extreme_scenarios_never_panic_and_stay_bounded() {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(hunt)
        .expect("a fuzzing thread")
        .join()
        .unwrap_or_else(|e| std::panic::resume_unwind(e));
}

fn hunt() {
    let seconds: u64 = std::env::var("MSGSIM_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(0);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    let mut passes = 0u32;
    loop {
        let config = Config {
            cases: if seconds == 0 { 32 } else { 256 },
            failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::WithSource(
                "proptest-regressions",
            ))),
            source_file: Some(file!()),
            ..Config::default()
        };
        let mut runner =
            if passes == 0 { TestRunner::new(config) } else { TestRunner::new_with_rng(config, fresh_rng(passes)) };
        runner.run(&(extreme(), any::<u64>()), |(s, seed)| check(&s, seed)).unwrap_or_else(|e| panic!("{e}"));
        passes += 1;
        if std::time::Instant::now() >= deadline {
            break;
        }
    }
}

/// A different random stream for each extra pass of a long hunt.
fn fresh_rng(pass: u32) -> proptest::test_runner::TestRng {
    let mut seed = [0u8; 32];
    seed[..4].copy_from_slice(&pass.to_le_bytes());
    seed[4..12].copy_from_slice(&(std::process::id() as u64).to_le_bytes());
    proptest::test_runner::TestRng::from_seed(proptest::test_runner::RngAlgorithm::ChaCha, &seed)
}
