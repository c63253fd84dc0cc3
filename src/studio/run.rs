//! One simulation run as the UI sees it: the engine, computed a chunk at a
//! time, and the timeline indexing its trace.

use std::rc::Rc;

use msgsim_sim::{Report, Scenario, Simulation, Time, Timeline, TraceEvent};

use super::moments::MomentIndex;

/// Most trace events the UI records (≈ 150 MB); a longer run still completes
/// and reports, but can only be watched up to here.
pub const TRACE_CAP: usize = 3_000_000;

/// What a run in the page may hold: 1 GiB (WebAssembly memory ends at 4 GiB,
/// and a classroom laptop has other tabs open). The trace, capped, counts.
pub const PAGE_BUDGET: u64 = 1 << 30;

/// Whether `scenario` fits the page's budget; if not, the problem says what
/// it needs.
pub fn fits(scenario: &Scenario) -> Result<(), Vec<msgsim_sim::Problem>> {
    msgsim_sim::memory::check(scenario, TRACE_CAP as u64, PAGE_BUDGET)
}

/// A run being computed or computed.
pub struct Run {
    sim: Simulation,
    timeline: Timeline,
    moments: MomentIndex,
    report: Option<Report>,
    names: Rc<Vec<String>>,
}

impl Run {
    /// A run of a valid scenario with `seed`.
    pub fn new(scenario: &Scenario, seed: u64) -> Result<Self, Vec<msgsim_sim::Problem>> {
        let sim = Simulation::new(scenario, seed)?.limit_trace(TRACE_CAP).with_memory_budget(scenario, PAGE_BUDGET)?;
        let timeline = Timeline::new(sim.fresh_metrics());
        let names = Rc::new(sim.topology().names());
        Ok(Run { sim, timeline, moments: MomentIndex::default(), report: None, names })
    }

    /// Computes up to `max_events` more engine events; returns whether the run
    /// still has work to do.
    pub fn compute(&mut self, max_events: u64) -> bool {
        if self.report.is_some() {
            return false;
        }
        self.sim.run_events(max_events);
        self.timeline.extend(self.sim.trace());
        self.moments.update(&self.sim.trace()[..self.timeline.len()]);
        if self.sim.stopped().is_some() {
            self.report = Some(self.sim.report());
            false
        } else {
            true
        }
    }

    /// Whether the whole run is computed.
    pub fn is_complete(&self) -> bool {
        self.report.is_some()
    }

    /// The final report, once computed.
    pub fn final_report(&self) -> Option<&Report> {
        self.report.as_ref()
    }

    /// The recorded trace (indexed part).
    pub fn trace(&self) -> &[TraceEvent] {
        &self.sim.trace()[..self.timeline.len()]
    }

    /// The timeline over the trace.
    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    /// Where the moments worth showing are.
    pub fn moments(&self) -> &MomentIndex {
        &self.moments
    }

    /// Node names, indexed by node id (shared, for views and exports).
    pub fn names(&self) -> Rc<Vec<String>> {
        self.names.clone()
    }

    /// The engine.
    pub fn sim(&self) -> &Simulation {
        &self.sim
    }

    /// The latest time that can be shown: the end of the run once complete,
    /// else the time up to which every event is known.
    pub fn horizon(&self) -> Time {
        let last = self.trace().last().map_or(0, |e| e.time);
        match &self.report {
            Some(r) if !self.sim.trace_truncated() => last.max(msgsim_sim::time::ms(r.sim_time_ms)),
            Some(_) => last,
            None => self.sim.now().min(last),
        }
    }

    /// Whether the trace was cut at [`TRACE_CAP`].
    pub fn truncated(&self) -> bool {
        self.sim.trace_truncated()
    }
}
