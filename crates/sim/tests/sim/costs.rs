//! The brokers' cost model: a broker serves one request at a time, each
//! taking a part per request and a part per record; a producer's batch is
//! one request. Held to queueing theory (M/D/1) and to what batching and
//! fan-out must do to a broker's capacity.

use msgsim_sim::theory::md1_wait_ms;
use msgsim_sim::*;

use super::support::{accounted_for, events_of, run};

/// A Poisson producer at `rate` per second → `to` (a topic `events` of one
/// partition, or a queue `q`), links of a constant 1 ms.
fn poisson_into(to: &str, rate: f64, messages: u32) -> Scenario {
    let queues = if to == "q" { r#"[{"name": "q"}]"# } else { "[]" };
    let topics = if to == "q" { "[]" } else { r#"[{"name": "events", "partitions": 1}]"# };
    Scenario::from_json(&format!(
        r#"{{
            "network": {{"default": {{"latency": {{"kind": "constant", "ms": 1}}}}}},
            "producers": [{{"name": "orders", "to": "{to}", "messages": {messages}, "keys": 4,
                            "arrival": {{"kind": "poisson", "rate_per_s": {rate}}}}}],
            "queues": {queues},
            "topics": {topics},
            "consumers": [{{"name": "billing", "from": "{to}", "processing": {{"kind": "constant", "ms": 0.1}}}}]
        }}"#
    ))
    .unwrap()
}

/// Mean ms from each publish's sending to the broker taking it (the trace's
/// arrival of the first copy at `node`), less the 1 ms link.
fn mean_wait_and_service(sim: &Simulation, node: NodeId) -> f64 {
    let mut sent = std::collections::HashMap::new();
    for e in sim.trace() {
        if e.kind == EventKind::Send && e.packet == PacketKind::Publish {
            sent.entry(e.msg).or_insert(e.time);
        }
    }
    let arrivals: Vec<f64> = events_of(sim, EventKind::Arrive)
        .iter()
        .filter(|e| e.packet == PacketKind::Publish && e.node == node)
        .map(|e| time::to_ms(e.time - sent[&e.msg]) - 1.0)
        .collect();
    arrivals.iter().sum::<f64>() / arrivals.len() as f64
}

/// A log broker serving a Poisson producer's records one by one is an
/// M/D/1 queue: the mean wait is Pollaczek–Khinchine's.
#[test]
fn a_busy_log_broker_is_an_md1_queue() {
    for (rate, service) in [(500.0, 1.0), (800.0, 1.0)] {
        let mut s = poisson_into("events", rate, 60_000);
        s.costs.log.record_ms = service;
        let sim = run(&s, 7);
        let topic = sim.topology().nodes.iter().position(|n| n.kind == NodeKind::Topic).unwrap() as NodeId;
        let measured = mean_wait_and_service(&sim, topic);
        let theory = md1_wait_ms(rate, service).unwrap() + service;
        assert!((measured / theory - 1.0).abs() < 0.06, "ρ = {}: {measured:.3} ms vs {theory:.3} ms", rate / 1000.0);
        let r = sim.report();
        accounted_for(&sim, &r).unwrap();
    }
}

/// The same for a queue broker: a publish costs a request and a record.
#[test]
fn a_busy_queue_broker_is_an_md1_queue() {
    let mut s = poisson_into("q", 600.0, 60_000);
    s.costs.queue.request_ms = 0.6;
    s.costs.queue.record_ms = 0.4;
    // Acks are requests too: with automatic acks there are none, and the
    // broker serves publishes alone.
    s.queues[0].ack = AckMode::Auto;
    let sim = run(&s, 3);
    let queue = sim.topology().nodes.iter().position(|n| n.kind == NodeKind::Queue).unwrap() as NodeId;
    let measured = mean_wait_and_service(&sim, queue);
    let theory = md1_wait_ms(600.0, 1.0).unwrap() + 1.0;
    assert!((measured / theory - 1.0).abs() < 0.06, "{measured:.3} ms vs {theory:.3} ms");
}

/// Records every ms into a broker that needs 4 ms per request: one by one
/// it falls ever further behind; in batches of 10 (one request each) it
/// keeps up, with time to spare for the group's fetches (a request each;
/// its commits are few, automatic).
#[test]
fn batching_shares_the_request_and_lets_a_broker_keep_up() {
    let end_of_appends = |linger: f64| {
        let mut s = poisson_into("events", 1_000.0, 2_000);
        s.producers[0].arrival = Arrival::Fixed { interval_ms: 1.0 };
        s.producers[0].batch_size = 10;
        s.producers[0].linger_ms = linger;
        s.costs.log = ServiceCost { request_ms: 4.0, record_ms: 0.05 };
        s.consumers[0].log.commit = CommitPolicy::Auto;
        let sim = run(&s, 1);
        let r = sim.report();
        accounted_for(&sim, &r).unwrap();
        assert_eq!(r.groups[0].never_applied, 0);
        assert_eq!(r.broker_utilization.len(), 1, "{:?}", r.broker_utilization);
        assert_eq!(r.broker_utilization[0].broker, "events/0");
        let busy = r.broker_utilization[0].utilization;
        // Alone it is busy to the end; batched, 4.5 ms a batch and a 4 ms
        // fetch in every 10 (fewer fetches when they find more).
        assert!(if linger > 0.0 { (0.5..0.9).contains(&busy) } else { busy > 0.95 }, "{busy}");
        let appends = events_of(&sim, EventKind::Append);
        assert_eq!(appends.len(), 2_000);
        time::to_ms(appends.last().unwrap().time)
    };
    // 2,000 requests of 4.05 ms: 8.1 s of work for 2 s of records (and
    // the group's fetches between them).
    let alone = end_of_appends(0.0);
    assert!((8_100.0..8_200.0).contains(&alone), "{alone}");
    // 200 batches of 4.5 ms every 10 ms: done soon after the last record.
    let batched = end_of_appends(50.0);
    assert!(batched < 2_050.0, "{batched}");
}

/// A batch that does not fill goes when its first record has lingered
/// `linger_ms`.
#[test]
fn a_batch_goes_when_its_linger_is_over() {
    let mut s = poisson_into("events", 1_000.0, 3);
    s.producers[0].arrival = Arrival::Fixed { interval_ms: 1.0 };
    s.producers[0].linger_ms = 20.0;
    let sim = run(&s, 1);
    let sends: Vec<f64> = events_of(&sim, EventKind::Send)
        .iter()
        .filter(|e| e.packet == PacketKind::Publish)
        .map(|e| time::to_ms(e.time))
        .collect();
    assert_eq!(sends, [20.0, 20.0, 20.0], "the three records leave together, 20 ms after the first");
}

/// A fan-out exchange puts a copy in each queue: the queue broker does the
/// work of every copy, so two subscribers halve what it can take.
#[test]
fn fan_out_multiplies_a_queue_brokers_work() {
    let busy_until = |queues: usize| {
        let bindings: Vec<String> = (0..queues).map(|i| format!(r#"{{"queue": "q{i}"}}"#)).collect();
        let decl: Vec<String> = (0..queues).map(|i| format!(r#"{{"name": "q{i}", "ack": "auto"}}"#)).collect();
        let groups: Vec<String> = (0..queues)
            .map(|i| format!(r#"{{"name": "g{i}", "from": "q{i}", "processing": {{"kind": "constant", "ms": 0.1}}}}"#))
            .collect();
        let s = Scenario::from_json(&format!(
            r#"{{
                "producers": [{{"name": "orders", "to": "x", "messages": 1000, "arrival": {{"kind": "fixed", "interval_ms": 1}}}}],
                "exchanges": [{{"name": "x", "kind": "fanout", "bindings": [{}]}}],
                "queues": [{}],
                "consumers": [{}],
                "costs": {{"queue": {{"request_ms": 0.3, "record_ms": 0.3}}}}
            }}"#,
            bindings.join(","),
            decl.join(","),
            groups.join(",")
        ))
        .unwrap();
        let sim = run(&s, 1);
        let last = events_of(&sim, EventKind::Arrive).iter().rfind(|e| e.packet == PacketKind::Publish).unwrap().time;
        time::to_ms(last)
    };
    // One queue: 0.6 ms a message, under the 1 ms between them.
    assert!(busy_until(1) < 1_005.0);
    // Three queues: 1.2 ms a message — 1,000 of them take 1.2 s.
    let three = busy_until(3);
    assert!((three - 1_200.0).abs() < 5.0, "{three}");
}

/// Costs are free by default and a run without them is unchanged by the
/// field: the same trace whether `costs` is written as zeros or left out.
#[test]
fn zero_costs_change_nothing() {
    let s = poisson_into("events", 500.0, 500);
    let mut zeros = s.clone();
    zeros.costs.log = ServiceCost { request_ms: 0.0, record_ms: 0.0 };
    assert_eq!(run(&s, 2).trace(), run(&zeros, 2).trace());
    let mut costed = s.clone();
    costed.costs.log.record_ms = 0.5;
    assert_eq!(run(&costed, 2).trace(), run(&costed, 2).trace(), "the same seed, the same trace");
}

#[test]
fn negative_or_endless_costs_are_named_with_their_paths() {
    let mut s = poisson_into("events", 500.0, 10);
    s.costs.queue.request_ms = -1.0;
    s.costs.log.record_ms = f64::INFINITY;
    s.producers[0].linger_ms = -5.0;
    let problems = s.validate().unwrap_err();
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    for path in ["costs.queue.request_ms", "costs.log.record_ms", "producers[0].linger_ms"] {
        assert!(paths.contains(&path), "{path} in {paths:?}");
    }
}

/// The knee lesson's presets: past 2,500 updates a second the queue broker
/// delivers no more (5,000 effects a second for two subscribers) however
/// many are offered, while the log with the same costs keeps up.
#[test]
fn the_queue_presets_knee_is_at_2500_updates_a_second() {
    let preset = |id: &str| presets::all().iter().find(|p| p.id == id).unwrap().scenario.clone();
    let at = |mut s: Scenario, rate: f64| {
        s.producers[0].arrival = Arrival::Poisson { rate_per_s: rate };
        s.producers[0].messages = (rate * 2.0) as u32;
        run(&s, 1).report()
    };
    for rate in [4_000.0, 6_000.0] {
        let r = at(preset("knee-queues"), rate);
        assert!((4_950.0..=5_000.0).contains(&r.throughput), "{rate}/s offered: {}", r.throughput);
        let log = at(preset("knee-log"), rate);
        assert!(log.throughput > 1.9 * rate, "{rate}/s offered: the log took {}", log.throughput);
        assert!(log.latency.p99 < 20.0, "{:?}", log.latency);
    }
}
