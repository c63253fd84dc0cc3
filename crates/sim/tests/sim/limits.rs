//! Extreme but valid scenarios: bounded in memory, no overflow (these tests
//! run with overflow checks on), and every limit says what it is.

use msgsim_sim::*;

use crate::support::single_hop;

#[test]
fn a_latency_past_the_end_of_time_never_arrives_and_never_wraps() {
    // A log-normal latency with a median of a day and σ = 4: some samples are
    // longer than any run (and than u64 microseconds). They must neither wrap
    // around to the past nor report absurd latencies.
    let mut s = single_hop(2_000);
    s.duration_ms = 1.0e9;
    s.network.default.latency = Dist::LogNormal { median_ms: 86_400_000.0, sigma: 4.0 };
    s.queues[0].ack_timeout_ms = None;
    let mut sim = Simulation::new(&s, 3).unwrap().without_trace();
    let r = sim.run();
    assert!(r.latency.max <= r.sim_time_ms, "max latency {} ms in a {} ms run", r.latency.max, r.sim_time_ms);
    assert!(r.sim_time_ms <= s.duration_ms);
}

#[test]
fn null_max_deliveries_means_never() {
    // A message that fails forever is redelivered, not dead-lettered, however
    // many times (the delivery count saturates instead of wrapping).
    let mut s = single_hop(1);
    s.producers[0].poison_rate = 1.0;
    s.consumers[0].processing = Dist::constant(0.001);
    s.queues[0].max_deliveries = None;
    s.max_events = 600_000;
    let r = Simulation::new(&s, 1).unwrap().without_trace().run();
    assert_eq!(r.counts.dead_lettered, 0);
    assert!(r.counts.redeliveries > 70_000, "{}", r.counts.redeliveries);
    assert_eq!(r.stopped, Some(StopReason::EventLimit));
}

#[test]
fn redeliveries_after_ack_timeouts_stay_within_the_prefetch_window() {
    // Slow processing, a 1 µs ack timeout, prefetch 1: the queue redelivers
    // every microsecond. The consumer keeps at most its window; the rest is
    // refused (and redelivered again later), so memory does not grow.
    let mut s = single_hop(50);
    s.queues[0].prefetch = 1;
    s.queues[0].ack_timeout_ms = Some(0.001);
    s.consumers[0].processing = Dist::constant(1_000.0);
    s.max_events = 2_000_000;
    let mut sim = Simulation::new(&s, 1).unwrap().without_trace();
    let r = sim.run();
    assert!(r.stopped.is_some());
    assert!(sim.memory_bytes() < 16 << 20, "{} bytes", sim.memory_bytes());
    assert_eq!(sim.check_conservation(), Ok(()));
}

#[test]
fn a_run_that_outgrows_its_budget_stops_and_reports() {
    // Unlimited prefetch and a 1 ms ack timeout with 1 s processing: every
    // millisecond the queue redelivers everything again, and the consumer's
    // buffer has no window to keep it in. The budget stops the run.
    let mut s = single_hop(2_000);
    s.producers[0].arrival = Arrival::Bursts { size: 2_000, every_ms: 1.0 };
    s.queues[0].prefetch = 0;
    s.queues[0].ack_timeout_ms = Some(1.0);
    s.consumers[0].processing = Dist::constant(86_000_000.0);
    s.max_events = 400_000_000;
    let budget = 8 << 20;
    let mut sim = Simulation::new(&s, 1).unwrap().without_trace().with_memory_budget(&s, budget).unwrap();
    let r = sim.run();
    assert_eq!(r.stopped, Some(StopReason::MemoryLimit));
    assert_eq!(r.verdict, Verdict::Incomplete);
    // Past the budget by at most the last growth of one vector (a doubling).
    let held = sim.memory_bytes();
    assert!(held > budget && held <= 2 * budget + (1 << 20), "{held} bytes");
}

/// Few events, many pending: a 1 µs ack timeout against a 1 s link makes
/// each timer event redeliver every delivery due at once, so the packets
/// pile up on the link while the event count stays far below the periodic
/// check. The pending events' growth triggers the look at memory instead.
#[test]
fn a_few_events_that_schedule_millions_still_stop_at_the_budget() {
    let mut s = single_hop(200);
    s.producers[0].arrival = Arrival::Bursts { size: 200, every_ms: 1.0 };
    s.network.default.latency = Dist::constant(1_000.0);
    s.queues[0].prefetch = 0;
    s.queues[0].ack_timeout_ms = Some(0.001);
    s.max_events = 20_000;
    let budget = 8 << 20;
    let mut sim = Simulation::new(&s, 1).unwrap().without_trace().with_memory_budget(&s, budget).unwrap();
    let r = sim.run();
    assert!(r.events < memory::CHECK_EVERY, "{} events", r.events);
    assert_eq!(r.stopped, Some(StopReason::MemoryLimit));
    let held = sim.memory_bytes();
    assert!(held > budget && held <= 2 * budget + (1 << 20), "{held} bytes");
}

#[test]
fn a_scenario_too_big_for_its_budget_is_refused_with_an_estimate() {
    let s = single_hop(1_000_000);
    let sim = Simulation::new(&s, 1).unwrap();
    let e = sim.with_memory_budget(&s, 16 << 20).err().expect("refused");
    assert!(matches!(e[0].kind, ProblemKind::OverMemoryBudget { needs_mb, budget_mb: 16 } if needs_mb >= 45));
    assert!(e[0].message.contains("MB"), "{}", e[0].message);
}

#[test]
fn a_long_crash_schedule_is_expanded_one_entry_at_a_time() {
    let mut s = single_hop(10);
    s.consumers[0].count = 64;
    s.consumers[0].crash.schedule = (0..1_000)
        .map(|i| ScheduledCrash { instance: None, at_ms: 5.0 * f64::from(i), down_ms: 1.0, every_ms: None })
        .collect();
    let mut sim = Simulation::new(&s, 1).unwrap().without_trace();
    let r = sim.run();
    assert_eq!(r.counts.crashes, 64 * 1_000, "every planned crash of every instance");
    assert!(sim.max_pending_events() < 1_000, "{} pending at most", sim.max_pending_events());
}

#[test]
fn many_outage_windows_cost_a_search_not_a_scan() {
    // 10 overrides of 1,000 windows each on every link: indexed once each.
    let windows: Vec<Window> =
        (0..1_000).map(|i| Window { from_ms: f64::from(i) * 10.0, to_ms: f64::from(i) * 10.0 + 5.0 }).collect();
    let mut s = single_hop(1_000);
    s.network.default.latency = Dist::constant(1.0);
    s.producers[0].arrival = Arrival::Fixed { interval_ms: 7.0 };
    for _ in 0..10 {
        s.network.links.push(LinkOverride {
            from: "*".into(),
            to: "*".into(),
            outages: Some(windows.clone()),
            ..Default::default()
        });
    }
    let r = Simulation::new(&s, 1).unwrap().without_trace().run();
    // Half of every 10 ms is down: about half the sends are lost.
    let lost = r.counts.lost_in_transit as f64 / r.counts.sent as f64;
    assert!((0.3..0.7).contains(&lost), "{lost}");
}
