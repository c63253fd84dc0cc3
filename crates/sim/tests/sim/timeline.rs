//! The timeline reconstructs any moment exactly as a fold from the start would.

use msgsim_sim::timeline::{CHECKPOINT_EVERY, MAX_SAMPLES};
use msgsim_sim::*;

use crate::support::run;

fn big_run() -> Simulation {
    let mut s = presets::get("crash-before-ack").unwrap().scenario.clone();
    s.producers[0].messages = 3_000; // ≈ 40k events: about ten checkpoints
    s.network.default.duplicate = 0.05;
    run(&s, 3)
}

fn brute_open(trace: &[TraceEvent], position: usize) -> Vec<u32> {
    let mut open: Vec<u32> = Vec::new();
    for (i, e) in trace[..position].iter().enumerate() {
        match e.kind {
            EventKind::Send | EventKind::Duplicate => open.push(i as u32),
            EventKind::Arrive | EventKind::Lost => open.retain(|&j| trace[j as usize].tx != e.tx),
            _ => {}
        }
    }
    open
}

#[test]
fn any_position_equals_a_fold_from_the_start() {
    let sim = big_run();
    let trace = sim.trace();
    assert!(trace.len() > 4 * CHECKPOINT_EVERY);
    let mut tl = Timeline::new(sim.fresh_metrics());
    tl.extend(trace);
    let mut rng = SimRng::new(1);
    let mut positions: Vec<usize> = (0..40).map(|_| rng.below(trace.len() as u32 + 1) as usize).collect();
    positions.extend([0, 1, CHECKPOINT_EVERY - 1, CHECKPOINT_EVERY, CHECKPOINT_EVERY + 1, trace.len()]);
    for p in positions {
        let mut fold = sim.fresh_metrics();
        trace[..p].iter().for_each(|e| fold.apply(e));
        assert_eq!(tl.metrics_at(trace, p), fold, "metrics at {p}");
        let mut got = tl.open_at(trace, p);
        got.sort_unstable();
        assert_eq!(got, brute_open(trace, p), "open at {p}");
    }
    assert_eq!(tl.head(), sim.metrics());
}

#[test]
fn incremental_indexing_equals_one_shot() {
    let sim = big_run();
    let trace = sim.trace();
    let mut whole = Timeline::new(sim.fresh_metrics());
    whole.extend(trace);
    let mut parts = Timeline::new(sim.fresh_metrics());
    let mut end = 0;
    while end < trace.len() {
        end = (end + 777).min(trace.len());
        parts.extend(&trace[..end]);
    }
    assert_eq!(parts.len(), whole.len());
    assert_eq!(parts.samples(), whole.samples());
    for p in [100, 5_000, 20_000, trace.len()] {
        assert_eq!(parts.metrics_at(trace, p), whole.metrics_at(trace, p));
    }
}

#[test]
fn positions_sends_and_samples() {
    let sim = big_run();
    let trace = sim.trace();
    let mut tl = Timeline::new(sim.fresh_metrics());
    tl.extend(trace);
    let t = trace[trace.len() / 2].time;
    let p = tl.position_at(trace, t);
    assert!(trace[..p].iter().all(|e| e.time <= t) && trace[p..].iter().all(|e| e.time > t));
    for (i, e) in trace.iter().enumerate().filter(|(_, e)| e.kind == EventKind::Send).take(100) {
        assert_eq!(tl.send_of(e.tx), Some(i));
    }
    let samples = tl.samples();
    assert!(samples.len() <= MAX_SAMPLES && samples.len() > MAX_SAMPLES / 4);
    assert!(samples.windows(2).all(|w| w[0].time < w[1].time));
    let last = samples.last().unwrap();
    assert_eq!(last.delivered, sim.report().counts.delivered);
    assert_eq!(last.duplicate_effects, sim.report().counts.duplicate_effects);
}

#[test]
fn queries_past_the_end_clamp_instead_of_panicking() {
    let sim = big_run();
    let trace = sim.trace();
    let mut tl = Timeline::new(sim.fresh_metrics());
    tl.extend(trace);
    let short = &trace[..100];
    assert_eq!(tl.position_at(short, Time::MAX), 100);
    assert_eq!(tl.metrics_at(short, 10_000), tl.metrics_at(trace, 100));
    assert_eq!(tl.open_at(short, 10_000).len(), tl.open_at(trace, 100).len());
    assert_eq!(tl.metrics_at(trace, usize::MAX), *tl.head());
}

#[test]
fn retry_windows_count_every_retry_reaching_a_broker_and_peak_as_the_report_says() {
    for preset in ["retry-storm", "backoff-with-jitter", "acks-and-retries"] {
        let s = presets::get(preset).unwrap().scenario.clone();
        let sim = run(&s, s.seed);
        let mut tl = Timeline::new(sim.fresh_metrics());
        tl.extend(sim.trace());
        let w = tl.retry_windows();
        let arrivals = sim.trace().iter().filter(|e| e.is_retry_arrival()).count();
        assert!(arrivals > 0, "{preset} retries");
        assert_eq!(w.iter().map(|x| x.1 as usize).sum::<usize>(), arrivals, "{preset}");
        assert!(w.windows(2).all(|p| p[0].0 < p[1].0), "{preset}: one entry per window, in order");
        assert_eq!(w.iter().map(|x| u64::from(x.1)).max(), Some(sim.report().retry_peak_10ms), "{preset}");
    }
}

/// `waiting` follows what producers and consumers hold: a consumer never
/// holds more than its prefetch window (waiting plus busy), bursts do wait in
/// its buffer, a producer's window holds back its backlog, and a run that
/// settles ends with nothing waiting.
#[test]
fn waiting_counts_consumer_buffers_and_producer_backlogs() {
    for (preset, waits_at) in [
        ("async-queue", NodeKind::Consumer),
        ("backpressure", NodeKind::Producer),
        ("crash-before-ack", NodeKind::Consumer),
    ] {
        let s = presets::get(preset).unwrap().scenario.clone();
        let sim = run(&s, s.seed);
        let topo = sim.topology();
        let mut m = sim.fresh_metrics();
        let mut most = 0;
        for e in sim.trace() {
            m.apply(e);
            for (i, n) in topo.nodes.iter().enumerate() {
                if n.kind == NodeKind::Consumer {
                    let q = &s.queues[topo.nodes[usize::from(n.queue)].group];
                    if q.ack == AckMode::Manual && q.prefetch > 0 {
                        assert!(
                            m.waiting[i] + m.busy[i] <= q.prefetch,
                            "{preset}: node {i} holds more than its window"
                        );
                    }
                }
                if n.kind == waits_at {
                    most = most.max(m.waiting[i]);
                }
            }
        }
        assert!(most > 1, "{preset}: something waits at a {waits_at:?}");
        if sim.report().status.unsettled() == 0 {
            assert!(m.waiting.iter().all(|&w| w == 0), "{preset}: {:?}", m.waiting);
        }
    }
}
