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

use msgsim_sim::Scenario;

use super::form::{MAX_WORKERS, SweepField, SweepForm};
use super::job::{Job, JobState};
use crate::i18n::Lang;
use crate::render::palette::{Palette, Theme};

/// The most engine events a sweep runs without asking first (about ten
/// seconds on a two-core laptop).
pub const EVENT_BUDGET: u64 = 200_000_000;

/// What the user did in the sweep panel (or a worker reported).
#[derive(Clone, Debug, PartialEq)]
pub enum SweepEvent {
    /// A form field was typed in.
    Set(SweepField, String),
    /// Linear or logarithmic steps.
    SetLog(bool),
    /// Show the panel with this form (JSON, as a lesson or a share link
    /// carries it) and start it; a form that cannot be read is said so.
    Open(String),
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

    /// Works out the theory of a sweep started since the last frame (the
    /// chart and the table are drawn again with it).
    pub fn prepare_theory(&mut self) {
        if self.job.as_mut().is_some_and(Job::prepare_theory) {
            self.revision = self.revision.wrapping_add(1);
        }
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
            SweepEvent::Open(text) => {
                let Ok(form) = serde_json::from_str::<SweepForm>(&text) else {
                    self.problems = vec![(None, super::words::w(ctx.lang, super::words::Word::Unreadable).into())];
                    return Vec::new();
                };
                let workers = std::mem::take(&mut self.form.workers);
                self.form = SweepForm { workers, ..form };
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
                self.prepare_theory();
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
        let (sweep, workers) = match self.form.parse(&base, ctx.lang) {
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
            effects.extend(job.take(w, &values));
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
