//! `msgsim bench`: engine speed on a scenario (by default the standard
//! benchmark, `bench/standard.json`), tracing off.

use std::time::Instant;

use msgsim_sim::{Report, Scenario, Simulation};
use serde::Serialize;

/// The standard benchmark scenario (docs/performance.md).
pub const STANDARD: &str = include_str!("../../../bench/standard.json");

/// What one benchmark measured.
#[derive(Serialize)]
pub struct BenchResult {
    /// Scenario name.
    pub scenario: String,
    /// Messages produced.
    pub messages: u64,
    /// Engine events executed.
    pub events: u64,
    /// Best wall time of the runs, seconds.
    pub seconds: f64,
    /// Wall time of the first run, seconds: it also pays for the operating
    /// system handing the process fresh memory, which later runs reuse.
    pub first_seconds: f64,
    /// Engine events per second (best run).
    pub events_per_second: f64,
    /// Messages per second (best run).
    pub messages_per_second: f64,
    /// Most events pending at once.
    pub max_pending_events: usize,
    /// Scheduler bytes per pending event.
    pub bytes_per_pending_event: usize,
    /// Peak resident memory of the process, bytes (Linux; 0 elsewhere).
    pub peak_rss_bytes: u64,
    /// The report of the last run.
    pub report: Report,
}

/// Peak resident set size from `/proc/self/status` (`VmHWM`).
fn peak_rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<u64>().ok()))
        .map_or(0, |kb| kb * 1024)
}

/// Runs `scenario` at `seed` `repeat` times and keeps the best time.
pub fn bench(scenario: &Scenario, seed: u64, repeat: u32) -> Result<BenchResult, Vec<msgsim_sim::Problem>> {
    let runs = repeat.max(1);
    let mut best = f64::INFINITY;
    let mut first = None;
    let mut last = None;
    for run in 1..=runs {
        // Only the figures outlive a run: two runs' per-message memory is
        // never held at once, and the allocator can hand the next run the
        // memory of the last.
        let mut sim = Simulation::new(scenario, seed)?.without_trace();
        let start = Instant::now();
        sim.run_to_end();
        let secs = start.elapsed().as_secs_f64();
        best = best.min(secs);
        first.get_or_insert(secs);
        if run == runs {
            last = Some((sim.report(), sim.max_pending_events()));
        }
    }
    let (report, max_pending_events) = last.expect("at least one run");
    Ok(BenchResult {
        scenario: scenario.name.clone(),
        messages: report.counts.produced,
        events: report.events,
        seconds: best,
        first_seconds: first.unwrap_or(best),
        events_per_second: report.events as f64 / best,
        messages_per_second: report.counts.produced as f64 / best,
        max_pending_events,
        bytes_per_pending_event: Simulation::bytes_per_pending_event(),
        peak_rss_bytes: peak_rss(),
        report,
    })
}
