//! The sweep panel's state: a form that describes a sweep of the page's
//! scenario, the runs Web Workers hand back, and what its chart and table
//! show.
//!
//! The state decides everything — which runs each worker gets, when the
//! sweep is done, what it costs — and the panel's shell only carries out the
//! [`SweepEffect`]s and hands each finished run back ([`SweepState::ran`]),
//! so all of it is tested natively. Every run's seed
//! comes from its place in the sweep (`msgsim_sim::sweep::seed_for`), so the
//! results do not depend on how many workers there are or which finishes
//! first, and the CSV equals the CLI's for the same sweep.

use msgsim_sim::sweep::{self, RunResult, Summary, Sweep};
use msgsim_sim::{Scenario, theory};
use serde::{Deserialize, Serialize};

use crate::i18n::Lang;
use crate::render::palette::{Palette, Theme};

/// The most engine events a sweep runs without asking first (about ten
/// seconds on a two-core laptop).
pub const EVENT_BUDGET: u64 = 200_000_000;
/// The most workers a sweep may use.
pub const MAX_WORKERS: u32 = 16;
/// The most seeds per point.
pub const MAX_SEEDS: u32 = 1_000;
/// Points of a theory curve at most, and of all curves together (each point
/// builds and checks a scenario on the main thread: about 0.1 ms).
const CURVE_POINTS: usize = 80;
const ALL_CURVE_POINTS: usize = 240;
/// Points whose theory the table shows (it shows at most 500 rows).
const TABLE_POINTS: u64 = 500;

/// A field of the sweep form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SweepField {
    /// The field varied (a JSON path).
    Vary,
    /// Its first value.
    From,
    /// Its last value.
    To,
    /// How many values.
    Steps,
    /// The field whose values make series (optional).
    Series,
    /// The series' values, comma separated.
    SeriesValues,
    /// Runs per point.
    Seeds,
    /// Report figures, comma separated.
    Figures,
    /// Web Workers to spread the runs over.
    Workers,
}

/// What is wrong with a sweep form: each problem at its field (`None`: the
/// sweep as a whole).
pub type FormProblems = Vec<(Option<SweepField>, String)>;

/// The form as typed (kept as text, so nothing typed is lost to a mistake).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SweepForm {
    /// JSON path of the varied field.
    pub vary: String,
    /// First value.
    pub from: String,
    /// Last value.
    pub to: String,
    /// Values.
    pub steps: String,
    /// Steps evenly spaced in logarithm.
    pub log: bool,
    /// JSON path of the series field, or empty.
    pub series: String,
    /// Its values, comma separated.
    pub series_values: String,
    /// Runs per point.
    pub seeds: String,
    /// Figures, comma separated.
    pub figures: String,
    /// Workers.
    #[serde(skip)]
    pub workers: String,
}

impl Default for SweepForm {
    fn default() -> Self {
        SweepForm {
            vary: String::new(),
            from: String::new(),
            to: String::new(),
            steps: "10".into(),
            log: false,
            series: String::new(),
            series_values: String::new(),
            seeds: "5".into(),
            figures: "latency.mean".into(),
            workers: "2".into(),
        }
    }
}

impl SweepForm {
    fn text_mut(&mut self, f: SweepField) -> &mut String {
        match f {
            SweepField::Vary => &mut self.vary,
            SweepField::From => &mut self.from,
            SweepField::To => &mut self.to,
            SweepField::Steps => &mut self.steps,
            SweepField::Series => &mut self.series,
            SweepField::SeriesValues => &mut self.series_values,
            SweepField::Seeds => &mut self.seeds,
            SweepField::Figures => &mut self.figures,
            SweepField::Workers => &mut self.workers,
        }
    }

    /// The sweep this form describes, or every problem, each at its field
    /// (`None` for problems of the sweep as a whole).
    pub fn parse(&self, base: &Scenario) -> Result<(Sweep, u32), FormProblems> {
        use SweepField as F;
        let mut problems = Vec::new();
        let mut number = |f: F, text: &str| {
            let x = crate::i18n::parse_number(text);
            if x.is_none() {
                problems.push((Some(f), format!("“{}” is not a number", text.trim())));
            }
            x
        };
        let (from, to) = (number(F::From, &self.from), number(F::To, &self.to));
        let whole = |f: F, text: &str, hi: u32, problems: &mut Vec<_>| match text.trim().parse::<u32>() {
            Ok(n) if (1..=hi).contains(&n) => Some(n),
            _ => {
                problems.push((Some(f), format!("must be a whole number from 1 to {hi}, got “{}”", text.trim())));
                None
            }
        };
        let steps = whole(F::Steps, &self.steps, sweep::MAX_STEPS, &mut problems);
        let seeds = whole(F::Seeds, &self.seeds, MAX_SEEDS, &mut problems);
        let workers = whole(F::Workers, &self.workers, MAX_WORKERS, &mut problems);
        if self.vary.trim().is_empty() {
            problems.push((Some(F::Vary), "choose the field to vary".into()));
        }
        let mut values = None;
        if let (Some(from), Some(to), Some(steps)) = (from, to, steps) {
            match sweep::range(from, to, steps, self.log) {
                Ok(v) => values = Some(v),
                Err(e) => problems.push((Some(if e.contains("steps") { F::Steps } else { F::From }), e)),
            }
        }
        let series = if self.series.trim().is_empty() {
            None
        } else {
            let xs: Vec<Option<f64>> = list(&self.series_values).map(crate::i18n::parse_number).collect();
            if xs.is_empty() || xs.iter().any(Option::is_none) {
                problems.push((Some(F::SeriesValues), "list the series' values as numbers, e.g. 1, 2, 3".into()));
            }
            Some(sweep::Axis { path: self.series.trim().to_string(), values: xs.into_iter().flatten().collect() })
        };
        let figures: Vec<String> = list(&self.figures).map(str::to_string).collect();
        if figures.is_empty() {
            problems.push((Some(F::Figures), "name at least one report figure".into()));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let vary = sweep::Axis { path: self.vary.trim().to_string(), values: values.unwrap_or_default() };
        let sweep = Sweep { vary, series, seeds: seeds.unwrap_or(1), figures };
        sweep
            .check_corners(base)
            .map_err(|all| all.into_iter().map(|p| (field_of(&sweep, &p), p)).collect::<Vec<_>>())?;
        Ok((sweep, workers.unwrap_or(1)))
    }
}

/// The items of a comma separated list.
fn list(text: &str) -> impl Iterator<Item = &str> {
    text.split([',', '，', ' ']).map(str::trim).filter(|s| !s.is_empty())
}

/// The form field a problem of [`Sweep::check`] is about.
fn field_of(sweep: &Sweep, problem: &str) -> Option<SweepField> {
    // A point's problem ends with the field validation names: `at …: PATH: …`.
    let names = |path: &str| problem.starts_with(path) || problem.contains(&format!(": {path}"));
    if problem.starts_with("figure") {
        Some(SweepField::Figures)
    } else if problem.starts_with("seeds") {
        Some(SweepField::Seeds)
    } else if names(&sweep.vary.path) {
        Some(SweepField::Vary)
    } else if sweep.series.as_ref().is_some_and(|s| names(&s.path)) {
        Some(SweepField::Series)
    } else if problem.starts_with("at ") {
        Some(SweepField::Vary)
    } else {
        None
    }
}

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
    fn new(sweep: Sweep, base: Scenario, workers: u32, log: bool) -> Job {
        let points = sweep.points() as usize;
        let chunk = (sweep.runs() / (u64::from(workers) * 8)).clamp(1, 64);
        let curves = curves(&sweep, &base, log);
        let no_theory = if curves.is_empty() { sweep.why_no_theory(&base) } else { None };
        let theory = (0..sweep.points().min(TABLE_POINTS))
            .map(|j| {
                let drawn = |f: usize| curves.iter().any(|c| c.figure == f);
                (0..sweep.figures.len()).map(|f| drawn(f).then(|| sweep.theory(&base, j, f)).flatten()).collect()
            })
            .collect();
        Job {
            per_point: vec![0; points],
            results: Vec::new(),
            state: JobState::Running,
            elapsed_ms: 0.0,
            curves,
            no_theory,
            log,
            theory,
            next: 0,
            out: vec![0; workers as usize],
            chunk,
            sweep,
            base,
        }
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
    fn assign(&mut self, w: usize) -> Option<SweepEffect> {
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
    for (f, name) in drawn {
        for (k, &s) in series.iter().enumerate() {
            let points = (0..=per_curve)
                .filter_map(|i| {
                    let t = i as f64 / per_curve as f64;
                    let x = if log { (lo.ln() + t * (hi.ln() - lo.ln())).exp() } else { lo + t * (hi - lo) };
                    Some((x, sw.theory_at(base, s, x, f)?))
                })
                .collect();
            out.push(Curve { series: k, figure: f, name, points });
        }
    }
    out
}

/// What the user did in the sweep panel (or a worker reported).
#[derive(Clone, Debug, PartialEq)]
pub enum SweepEvent {
    /// A form field was typed in.
    Set(SweepField, String),
    /// Linear or logarithmic steps.
    SetLog(bool),
    /// Show the panel with this form (a lesson's sweep) and start it.
    Open(Box<SweepForm>),
    /// Start the sweep the form describes (asks first if it is large).
    Start,
    /// Start it although it is over the budget.
    StartAnyway,
    /// Do not start the large sweep.
    KeepForm,
    /// Stop the sweep; the runs in so far stay.
    Cancel,
    /// A worker could not run.
    Failed(String),
    /// Download the table as CSV.
    ExportCsv,
    /// Download the chart as SVG.
    ExportSvg,
    /// Download the chart as PNG.
    ExportPng,
}

/// What the panel's shell must do.
#[derive(Clone, Debug, PartialEq)]
pub enum SweepEffect {
    /// Start `workers` Web Workers (ending any running) on the same engine,
    /// each given the sweep and its scenario as JSON.
    Start {
        /// How many.
        workers: usize,
        /// The sweep (`msgsim_sim::sweep::Sweep` as JSON).
        sweep: String,
        /// The scenario swept.
        scenario: String,
    },
    /// Worker `worker` runs runs `from..to`.
    Assign {
        /// Which worker.
        worker: usize,
        /// First run.
        from: u64,
        /// One past the last run.
        to: u64,
    },
    /// End the workers at once (a cancelled or finished sweep).
    Stop,
    /// Offer a file.
    Download {
        /// File name.
        name: String,
        /// MIME type.
        mime: &'static str,
        /// Its text.
        text: String,
    },
    /// Draw the chart at [`EXPORT_SIZE`] on an off-screen canvas and offer it
    /// as a PNG called this.
    Png(String),
}

/// The size exported charts are drawn at, CSS px.
pub const EXPORT_SIZE: (f64, f64) = (1280.0, 720.0);

/// What the sweep panel knows of the page it is part of.
#[derive(Clone, Debug, PartialEq)]
pub struct Context {
    /// The scenario shown (what a sweep varies).
    pub scenario: Scenario,
    /// Engine events of its run, once complete (for the budget).
    pub events_per_run: Option<u64>,
    /// UI language.
    pub lang: Lang,
    /// Colour theme.
    pub theme: Theme,
    /// Text is drawn this many times larger.
    pub text_scale: f64,
}

/// The sweep panel's state.
#[derive(Clone, Debug)]
pub struct SweepState {
    /// The form as typed.
    pub form: SweepForm,
    /// What is wrong with it (after Start), by field.
    pub problems: Vec<(Option<SweepField>, String)>,
    /// A large sweep waiting for the user's go-ahead: its estimated engine events.
    pub asking: Option<u64>,
    /// The sweep started last.
    pub job: Option<Job>,
    /// Bumped whenever what the panel shows changes.
    pub revision: u64,
    /// The form was typed in or a sweep started (the share link carries it).
    pub used: bool,
}

impl SweepState {
    /// A panel in a browser with `cores` logical cores (the form's workers).
    pub fn new(cores: u32) -> Self {
        let workers = cores.clamp(2, MAX_WORKERS).to_string();
        SweepState {
            form: SweepForm { workers, ..SweepForm::default() },
            problems: Vec::new(),
            asking: None,
            job: None,
            revision: 0,
            used: false,
        }
    }

    /// The form for the share link, once the panel has been used.
    pub fn link(&self) -> Option<String> {
        self.used.then(|| serde_json::to_string(&self.form).unwrap_or_default())
    }

    /// Whether runs are out with the workers.
    pub fn running(&self) -> bool {
        self.job.as_ref().is_some_and(|j| j.state == JobState::Running)
    }

    /// Moves the sweep's clock on (once a frame).
    pub fn tick(&mut self, wall_ms: f64) {
        if let Some(j) = self.job.as_mut().filter(|j| j.state == JobState::Running) {
            j.elapsed_ms += wall_ms;
        }
    }
}

/// Engine events a run of `scenario` takes, roughly: the run shown if it is
/// complete and is this scenario, else ten per message.
fn events_per_run(ctx: &Context, scenario: &Scenario) -> u64 {
    let shown = ctx.events_per_run.filter(|_| ctx.scenario == *scenario);
    shown.unwrap_or_else(|| scenario.producers.iter().map(|p| u64::from(p.count) * u64::from(p.messages) * 10).sum())
}

impl SweepState {
    /// Draws the sweep's chart (empty before a sweep has run).
    pub fn draw(&self, ctx: &Context, p: &mut dyn crate::render::Painter) {
        use super::words::{Word, w};
        let pal = Palette::of(ctx.theme);
        let Some(job) = &self.job else {
            p.clear(pal.background);
            return;
        };
        let lang = ctx.lang;
        let series = match &job.sweep.series {
            Some(a) => {
                let name = a.path.rsplit('.').next().unwrap_or(&a.path);
                a.values.iter().map(|v| format!("{name} = {v}")).collect()
            }
            None => vec![String::new()],
        };
        let complete: Vec<bool> = job.per_point.iter().map(|&n| n == job.sweep.seeds).collect();
        let summaries = job.summaries();
        let scene = super::chart::SweepScene {
            figures: &job.sweep.figures,
            x_label: &job.sweep.vary.path,
            xs: &job.sweep.vary.values,
            series,
            summaries: &summaries,
            complete: &complete,
            curves: &job.curves,
            log: job.log,
            words: (w(lang, Word::Theory), w(lang, Word::NoRuns)),
            text_scale: ctx.text_scale,
            palette: pal,
        };
        super::chart::draw(&scene, p);
    }

    /// Handles an event of the panel.
    pub fn update(&mut self, ev: SweepEvent, ctx: &Context) -> Vec<SweepEffect> {
        self.revision = self.revision.wrapping_add(1);
        match ev {
            SweepEvent::Set(f, text) => {
                *self.form.text_mut(f) = text;
                self.used = true;
            }
            SweepEvent::SetLog(on) => {
                self.form.log = on;
                self.used = true;
            }
            SweepEvent::Start | SweepEvent::StartAnyway => return self.start(ev == SweepEvent::StartAnyway, ctx),
            SweepEvent::KeepForm => self.asking = None,
            SweepEvent::Open(form) => {
                let workers = std::mem::take(&mut self.form.workers);
                self.form = SweepForm { workers, ..*form };
                return self.start(false, ctx);
            }
            SweepEvent::Cancel => {
                if let Some(j) = self.job.as_mut().filter(|j| j.state == JobState::Running) {
                    j.state = JobState::Cancelled;
                    return vec![SweepEffect::Stop];
                }
            }
            SweepEvent::Failed(why) => {
                if let Some(j) = self.job.as_mut().filter(|j| j.state == JobState::Running) {
                    j.state = JobState::Failed(why);
                    return vec![SweepEffect::Stop];
                }
            }
            SweepEvent::ExportCsv | SweepEvent::ExportSvg | SweepEvent::ExportPng => {
                let Some(j) = &self.job else { return Vec::new() };
                let stem = format!("{}-sweep", crate::studio::export::file_stem(&j.base.name, j.base.seed));
                return vec![match ev {
                    SweepEvent::ExportCsv => {
                        SweepEffect::Download { name: format!("{stem}.csv"), mime: "text/csv", text: j.csv() }
                    }
                    SweepEvent::ExportSvg => {
                        let mut p = crate::render::svg::SvgPainter::new(EXPORT_SIZE);
                        self.draw(ctx, &mut p);
                        SweepEffect::Download { name: format!("{stem}.svg"), mime: "image/svg+xml", text: p.finish() }
                    }
                    _ => SweepEffect::Png(format!("{stem}.png")),
                }];
            }
        }
        Vec::new()
    }

    fn start(&mut self, anyway: bool, ctx: &Context) -> Vec<SweepEffect> {
        self.used = true;
        let base = ctx.scenario.clone();
        let mut stop = Vec::new();
        if self.running() {
            stop.push(SweepEffect::Stop);
            if let Some(j) = self.job.as_mut() {
                j.state = JobState::Cancelled;
            }
        }
        let (sweep, workers) = match self.form.parse(&base) {
            Ok(x) => x,
            Err(problems) => {
                self.problems = problems;
                return stop;
            }
        };
        self.problems.clear();
        let first = sweep.scenario_for(&base, 0).unwrap_or_else(|_| base.clone());
        let estimate = sweep.runs().saturating_mul(events_per_run(ctx, &first));
        if estimate > EVENT_BUDGET && !anyway {
            self.asking = Some(estimate);
            return stop;
        }
        self.asking = None;
        let mut effects = vec![SweepEffect::Start {
            workers: workers as usize,
            sweep: serde_json::to_string(&sweep).unwrap_or_default(),
            scenario: base.to_json(),
        }];
        let mut job = Job::new(sweep, base, workers, self.form.log);
        // Two assignments each, so no worker waits for the next frame.
        for _ in 0..2 {
            effects.extend((0..workers as usize).filter_map(|w| job.assign(w)));
        }
        self.job = Some(job);
        stop.extend(effects);
        stop
    }

    /// Runs that workers finished: `(worker, [run, figure values…])` with
    /// NaN for a figure a run does not have. Hands out more runs, and ends
    /// the sweep when every run is in.
    pub fn ran(&mut self, batch: Vec<(usize, Vec<f64>)>) -> Vec<SweepEffect> {
        let Some(job) = self.job.as_mut().filter(|j| j.state == JobState::Running) else { return Vec::new() };
        let mut effects = Vec::new();
        for (w, values) in batch {
            let Some((&run, figures)) = values.split_first() else { continue };
            let run = run as u64;
            if run >= job.sweep.runs() || w >= job.out.len() {
                continue;
            }
            let seeds = u64::from(job.sweep.seeds);
            job.per_point[(run / seeds) as usize] += 1;
            let figures = figures.iter().map(|x| x.is_finite().then_some(*x)).collect();
            let seed = sweep::seed_for(job.base.seed, run / seeds, run % seeds);
            job.results.push(RunResult { run, seed, figures });
            job.out[w] = job.out[w].saturating_sub(1);
            if job.out[w] <= job.chunk {
                effects.extend(job.assign(w));
            }
        }
        if job.done() == job.sweep.runs() {
            job.state = JobState::Done;
            job.results.sort_unstable_by_key(|r| r.run);
            effects.push(SweepEffect::Stop);
        }
        self.revision = self.revision.wrapping_add(1);
        effects
    }
}

/// The assumption `why` in the UI's words.
fn unmet_key(why: theory::NotMmc) -> super::words::Word {
    use super::words::Word as K;
    use theory::NotMmc as N;
    match why {
        N::NotOneStation => K::NotOneStation,
        N::ArrivalsNotPoisson => K::ArrivalsNotPoisson,
        N::ServiceNotExponential => K::ServiceNotExponential,
        N::QueueNotPlain => K::QueueNotPlain,
        N::LinksNotPerfect => K::LinksNotPerfect,
        N::NotFaultFree => K::NotFaultFree,
        N::NotOneServer => K::NotOneServer,
        N::NoCapacity => K::NoCapacity,
        N::LossNotOnPublishLink => K::LossNotOnPublishLink,
    }
}

/// What the sweep panel shows.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepView {
    /// UI language.
    pub lang: crate::i18n::Lang,
    /// The form as typed.
    pub form: SweepForm,
    /// Problems by field (`None`: the sweep as a whole).
    pub problems: Vec<(Option<SweepField>, String)>,
    /// A large sweep asks first: its engine events and the budget, in millions.
    pub asking: Option<(String, String)>,
    /// Runs are out.
    pub running: bool,
    /// Runs in and in all, for the progress bar.
    pub progress: Option<(u64, u64)>,
    /// The status line under it.
    pub status: String,
    /// Each closed form and whether this scenario meets it (else what it needs).
    pub theories: Vec<(&'static str, Option<String>)>,
    /// Why the sweep run draws no theory, if it does not.
    pub no_theory: Option<String>,
    /// The table: series, value, figure, runs, mean, ± 95%, theory.
    pub rows: Vec<[String; 7]>,
    /// Numeric fields of the scenario (for the field pickers).
    pub fields: Vec<String>,
    /// Numeric figures of a report (for the figure picker).
    pub figures: Vec<String>,
}

/// Paths of every number in `v`, depth first.
fn numeric_paths(v: &serde_json::Value, at: &str, out: &mut Vec<String>) {
    use serde_json::Value;
    match v {
        Value::Number(_) => out.push(at.to_string()),
        Value::Object(m) => {
            for (k, x) in m {
                let p = if at.is_empty() { k.clone() } else { format!("{at}.{k}") };
                numeric_paths(x, &p, out);
            }
        }
        Value::Array(xs) => {
            for (i, x) in xs.iter().enumerate() {
                numeric_paths(x, &format!("{at}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// The numeric figures of a report of `scenario` (those a sweep can plot).
pub fn report_figures(scenario: &Scenario) -> Vec<String> {
    let mut figures = Vec::new();
    if let Ok(sim) = msgsim_sim::Simulation::new(scenario, scenario.seed) {
        numeric_paths(&serde_json::to_value(sim.report()).unwrap_or_default(), "", &mut figures);
        figures.retain(|f| !f.contains('[') && f != "seed");
    }
    figures
}

/// A number for the table: up to 4 significant digits past the point.
fn cell(x: f64) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    super::chart::short(x)
}

impl SweepState {
    /// The panel's view; `figures` are the report's figures (for the
    /// picker, see [`report_figures`]).
    pub fn view(&self, ctx: &Context, figures: &[String]) -> SweepView {
        use super::words::{Word, w, wf};
        let lang = ctx.lang;
        let st = self;
        let scenario = &ctx.scenario;
        let mut fields = Vec::new();
        numeric_paths(&scenario.to_value(), "", &mut fields);
        fields.retain(|f| f != "seed");
        let figures = figures.to_vec();
        let theories = vec![
            ("M/M/c", theory::mmc_station(scenario).err()),
            ("M/M/1/K", theory::mm1k_station(scenario).err()),
            ("pᵏ", theory::lossy_publish(scenario).err()),
        ]
        .into_iter()
        .map(|(name, why)| (name, why.map(|why| wf(lang, Word::Needs, &[&w(lang, unmet_key(why))]))))
        .collect();
        let (mut progress, mut status, mut rows, mut no_theory) = (None, String::new(), Vec::new(), None);
        if let Some(j) = &st.job {
            let (done, total) = (j.done(), j.sweep.runs());
            let secs = |ms: f64| format!("{:.1}", ms / 1_000.0);
            status = match &j.state {
                JobState::Running => {
                    progress = Some((done, total));
                    let left =
                        j.time_left_ms().map_or_else(|| "…".into(), |ms| format!("{:.0}", (ms / 1_000.0).ceil()));
                    wf(lang, Word::Progress, &[&j.points_done(), &j.sweep.points(), &done, &total, &left])
                }
                JobState::Done if j.out.len() == 1 => wf(lang, Word::DoneOne, &[&total, &secs(j.elapsed_ms)]),
                JobState::Done => wf(lang, Word::Done, &[&total, &secs(j.elapsed_ms), &j.out.len()]),
                JobState::Cancelled => wf(lang, Word::Cancelled, &[&done, &total]),
                JobState::Failed(why) => wf(lang, Word::Failed, &[why]),
            };
            no_theory = j.no_theory.as_ref().map(|why| wf(lang, Word::NoTheory, &[why]));
            let summaries = j.summaries();
            for (p, by_figure) in summaries.iter().enumerate() {
                if j.per_point[p] == 0 {
                    continue;
                }
                let (series, value) = j.sweep.point(p as u64);
                for (f, s) in by_figure.iter().enumerate() {
                    let theory = j.theory.get(p).and_then(|t| t[f]).map(cell).unwrap_or_default();
                    rows.push([
                        series.map(|x| x.to_string()).unwrap_or_default(),
                        value.to_string(),
                        j.sweep.figures[f].clone(),
                        s.n.to_string(),
                        cell(s.mean),
                        cell(s.half_width),
                        theory,
                    ]);
                }
            }
        }
        let million = |x: u64| format!("{:.0}", x as f64 / 1e6);
        SweepView {
            lang,
            form: st.form.clone(),
            problems: st.problems.clone(),
            asking: st.asking.map(|e| (million(e), million(EVENT_BUDGET))),
            running: st.running(),
            progress,
            status,
            theories,
            no_theory,
            rows,
            fields,
            figures,
        }
    }
}
