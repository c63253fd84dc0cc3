//! A sweep started from the panel: the runs handed to workers and those
//! back, and theory beside them.

use msgsim_sim::Scenario;
use msgsim_sim::sweep::{self, RunResult, Summary, Sweep};

use super::state::SweepEffect;

/// Points of a theory curve at most, and of all curves together (each point
/// builds and checks a scenario on the main thread: about 0.1 ms).
const CURVE_POINTS: usize = 80;
const ALL_CURVE_POINTS: usize = 240;
/// Points whose theory the table shows (it shows at most 500 rows).
const TABLE_POINTS: u64 = 500;

/// How a sweep stands.
#[derive(Clone, Debug, PartialEq)]
pub enum JobState {
    /// Runs are out with the workers.
    Running,
    /// Every run is in.
    Done,
    /// Stopped by the user; what came in is kept.
    Cancelled,
    /// A worker could not run (the message says why).
    Failed(String),
}

/// A theory curve: one figure of one series, as `(x, y)` points.
#[derive(Clone, Debug, PartialEq)]
pub struct Curve {
    /// Index of the series (0 without series).
    pub series: usize,
    /// Index of the figure.
    pub figure: usize,
    /// The theory's name (`M/M/c`, `pᵏ`).
    pub name: &'static str,
    /// Points.
    pub points: Vec<(f64, f64)>,
}

/// A sweep started from the panel, and what came back.
#[derive(Clone, Debug)]
pub struct Job {
    /// What runs.
    pub sweep: Sweep,
    /// Over which scenario.
    pub base: Scenario,
    /// The runs in (in the order they came).
    pub results: Vec<RunResult>,
    /// Runs in per point.
    pub per_point: Vec<u32>,
    /// How it stands.
    pub state: JobState,
    /// Wall-clock time spent so far, ms.
    pub elapsed_ms: f64,
    /// Theory beside the figures, where a closed form applies.
    pub curves: Vec<Curve>,
    /// Why theory is not drawn, if it is not.
    pub no_theory: Option<String>,
    /// Theory is still to be worked out.
    theory_due: bool,
    /// The x axis is logarithmic.
    pub log: bool,
    /// Theory's value `[point][figure]`, where a closed form applies.
    pub theory: Vec<Vec<Option<f64>>>,
    /// The next run to hand out.
    next: u64,
    /// Runs handed to each worker and not yet back.
    out: Vec<u64>,
    /// Runs per assignment.
    chunk: u64,
}

impl Job {
    /// A job with no theory yet: [`prepare_theory`](Self::prepare_theory)
    /// works it out, a frame later (a curve builds a scenario for each of
    /// its points: too long for the click that starts the sweep).
    pub(super) fn new(sweep: Sweep, base: Scenario, workers: u32, log: bool) -> Job {
        let points = sweep.points() as usize;
        let chunk = (sweep.runs() / (u64::from(workers) * 8)).clamp(1, 64);
        Job {
            per_point: vec![0; points],
            results: Vec::new(),
            state: JobState::Running,
            elapsed_ms: 0.0,
            curves: Vec::new(),
            no_theory: None,
            theory_due: true,
            log,
            theory: Vec::new(),
            next: 0,
            out: vec![0; workers as usize],
            chunk,
            sweep,
            base,
        }
    }

    /// Works out theory's curves and table column, once: whether it did.
    pub(super) fn prepare_theory(&mut self) -> bool {
        if !std::mem::take(&mut self.theory_due) {
            return false;
        }
        let (sweep, base) = (&self.sweep, &self.base);
        let curves = curves(sweep, base, self.log);
        self.no_theory = if curves.is_empty() { sweep.why_no_theory(base) } else { None };
        // The table's theory: only where a curve is drawn (where the
        // scenario meets the closed form's assumptions).
        let drawn = |f: usize| curves.iter().any(|c| c.figure == f);
        if !curves.is_empty() {
            self.theory = (0..sweep.points().min(TABLE_POINTS))
                .map(|j| {
                    let t = sweep.theory(base, j);
                    t.into_iter().enumerate().map(|(f, v)| v.filter(|_| drawn(f))).collect()
                })
                .collect();
        }
        self.curves = curves;
        true
    }

    /// Workers it runs on.
    pub fn workers(&self) -> usize {
        self.out.len()
    }

    /// Takes back from worker `w` a run, `[run, figure values…]` with NaN for
    /// a figure the run does not have; hands the worker more runs when it is
    /// down to its last batch.
    pub(super) fn take(&mut self, w: usize, values: &[f64]) -> Option<SweepEffect> {
        let (&run, figures) = values.split_first()?;
        let run = run as u64;
        if run >= self.sweep.runs() || w >= self.out.len() {
            return None;
        }
        let seeds = u64::from(self.sweep.seeds);
        self.per_point[(run / seeds) as usize] += 1;
        let figures = figures.iter().map(|x| x.is_finite().then_some(*x)).collect();
        let seed = sweep::seed_for(self.base.seed, run / seeds, run % seeds);
        self.results.push(RunResult { run, seed, figures });
        self.out[w] = self.out[w].saturating_sub(1);
        if self.out[w] <= self.chunk { self.assign(w) } else { None }
    }

    /// Runs in.
    pub fn done(&self) -> u64 {
        self.results.len() as u64
    }

    /// Points with every run in.
    pub fn points_done(&self) -> usize {
        self.per_point.iter().filter(|&&n| n == self.sweep.seeds).count()
    }

    /// Wall-clock time left at the pace so far, ms (`None` before any run is in).
    pub fn time_left_ms(&self) -> Option<f64> {
        let done = self.done();
        (done > 0 && self.state == JobState::Running)
            .then(|| self.elapsed_ms / done as f64 * (self.sweep.runs() - done) as f64)
    }

    /// Summaries `[point][figure]` of the runs in so far.
    pub fn summaries(&self) -> Vec<Vec<Summary>> {
        self.sweep.summarise(&self.results)
    }

    /// The summary as CSV, byte for byte what `msgsim sweep --out x.csv` writes.
    pub fn csv(&self) -> String {
        sweep::csv(&self.sweep, &self.base, &self.summaries())
    }

    /// Hands worker `w` its next runs, if any are left: smaller batches as
    /// the sweep nears its end, so the workers finish together.
    pub(super) fn assign(&mut self, w: usize) -> Option<SweepEffect> {
        let total = self.sweep.runs();
        if self.next >= total || self.state != JobState::Running {
            return None;
        }
        let left = (total - self.next) / (self.out.len() as u64 * 4);
        let to = (self.next + left.clamp(1, self.chunk)).min(total);
        let effect = SweepEffect::Assign { worker: w, from: self.next, to };
        self.out[w] += to - self.next;
        self.next = to;
        Some(effect)
    }
}

/// Theory's curves for `sweep` over `base`: every figure with a closed form
/// whose assumptions the scenario meets, for every series.
fn curves(sw: &Sweep, base: &Scenario, log: bool) -> Vec<Curve> {
    let Some(first) = sw.scenario_for(base, 0).ok() else { return Vec::new() };
    let (lo, hi) = sw.vary.values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
    let log = log && lo > 0.0;
    let series: Vec<Option<f64>> = match &sw.series {
        Some(a) => a.values.iter().map(|&x| Some(x)).collect(),
        None => vec![None],
    };
    let drawn: Vec<(usize, &'static str)> = (sw.figures.iter().enumerate())
        .filter_map(|(f, figure)| {
            let applies = matches!(sweep::closed_form(&first, figure), Some(Ok(_)));
            applies.then_some((f, sweep::theory_name(figure)?))
        })
        .collect();
    let per_curve = (ALL_CURVE_POINTS / (drawn.len() * series.len()).max(1)).clamp(12, CURVE_POINTS);
    let mut out = Vec::new();
    for (k, &s) in series.iter().enumerate() {
        // One scenario per x, for every figure drawn.
        let at: Vec<(f64, Vec<Option<f64>>)> = (0..=per_curve)
            .map(|i| {
                let t = i as f64 / per_curve as f64;
                let x = if log { (lo.ln() + t * (hi.ln() - lo.ln())).exp() } else { lo + t * (hi - lo) };
                (x, sw.theory_at(base, s, x))
            })
            .collect();
        for &(f, name) in &drawn {
            let points = at.iter().filter_map(|(x, t)| Some((*x, t[f]?))).collect();
            out.push(Curve { series: k, figure: f, name, points });
        }
    }
    out
}
