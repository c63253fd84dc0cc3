//! The sweep form: what is typed, kept as text (nothing typed is lost to a
//! mistake), and the sweep it describes — or every problem, at its field.

use msgsim_sim::Scenario;
use msgsim_sim::sweep::{self, Sweep};
use serde::{Deserialize, Serialize};

use super::words::{Word, w, wf};
use crate::i18n::Lang;

/// The most workers a sweep may use.
pub const MAX_WORKERS: u32 = 16;
/// The most seeds per point.
pub const MAX_SEEDS: u32 = 1_000;

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
    pub(super) fn text_mut(&mut self, f: SweepField) -> &mut String {
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
    /// The form's own problems are in `lang`; those of the scenario at a
    /// point are the engine's (English), with the field and the value.
    pub fn parse(&self, base: &Scenario, lang: Lang) -> Result<(Sweep, u32), FormProblems> {
        use SweepField as F;
        let mut problems = Vec::new();
        let mut number = |f: F, text: &str| {
            let x = crate::i18n::parse_number(text);
            if x.is_none() {
                problems.push((Some(f), wf(lang, Word::NotANumber, &[&text.trim()])));
            }
            x
        };
        let (from, to) = (number(F::From, &self.from), number(F::To, &self.to));
        let whole = |f: F, text: &str, hi: u32, problems: &mut Vec<_>| match text.trim().parse::<u32>() {
            Ok(n) if (1..=hi).contains(&n) => Some(n),
            _ => {
                problems.push((Some(f), wf(lang, Word::WholeNumber, &[&hi, &text.trim()])));
                None
            }
        };
        let steps = whole(F::Steps, &self.steps, sweep::MAX_STEPS, &mut problems);
        let seeds = whole(F::Seeds, &self.seeds, MAX_SEEDS, &mut problems);
        let workers = whole(F::Workers, &self.workers, MAX_WORKERS, &mut problems);
        if self.vary.trim().is_empty() {
            problems.push((Some(F::Vary), w(lang, Word::ChooseVary).into()));
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
                problems.push((Some(F::SeriesValues), w(lang, Word::SeriesNumbers).into()));
            }
            Some(sweep::Axis { path: self.series.trim().to_string(), values: xs.into_iter().flatten().collect() })
        };
        let figures: Vec<String> = list(&self.figures).map(str::to_string).collect();
        if figures.is_empty() {
            problems.push((Some(F::Figures), w(lang, Word::NameFigure).into()));
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
