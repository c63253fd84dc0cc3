//! What the panel shows: its view model, built from the state and the page.

use msgsim_sim::{Scenario, theory};

use super::form::{SweepField, SweepForm};
use super::job::JobState;
use super::state::{Context, EVENT_BUDGET, SweepState};

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

/// What the pickers offer for a scenario: its numeric fields (to vary) and
/// its report's numeric figures (to plot). Worked out once per scenario.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pickers {
    /// Numeric fields of the scenario.
    pub fields: Vec<String>,
    /// Numeric figures of a report of it.
    pub figures: Vec<String>,
}

impl Pickers {
    /// The pickers for `scenario`.
    pub fn of(scenario: &Scenario) -> Pickers {
        let mut fields = Vec::new();
        numeric_paths(&scenario.to_value(), "", &mut fields);
        fields.retain(|f| f != "seed");
        let mut figures = Vec::new();
        if let Ok(sim) = msgsim_sim::Simulation::new(scenario, scenario.seed) {
            numeric_paths(&serde_json::to_value(sim.report()).unwrap_or_default(), "", &mut figures);
            figures.retain(|f| !f.contains('[') && f != "seed");
        }
        Pickers { fields, figures }
    }
}

/// A number for the table: up to 4 significant digits past the point.
fn cell(x: f64) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    super::chart::short(x)
}

impl SweepState {
    /// The panel's view, with the pickers of the context's scenario.
    pub fn view(&self, ctx: &Context, pickers: &Pickers) -> SweepView {
        use super::words::{Word, w, wf};
        let lang = ctx.lang;
        let st = self;
        let scenario = &ctx.scenario;
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
                JobState::Done if j.workers() == 1 => wf(lang, Word::DoneOne, &[&total, &secs(j.elapsed_ms)]),
                JobState::Done => wf(lang, Word::Done, &[&total, &secs(j.elapsed_ms), &j.workers()]),
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
            fields: pickers.fields.clone(),
            figures: pickers.figures.clone(),
        }
    }
}
