//! Sweeps: report figures against one setting, over many seeds.
//!
//! A sweep varies one numeric field of a scenario over a range (linear or
//! logarithmic steps), optionally with a second field whose values make
//! separate series, and runs every point with several seeds. Run `i` is
//! replicate `i % seeds` of point `i / seeds`; point `j` is value
//! `j % values` of series `j / values`. Its seed is derived from the
//! scenario's seed, `j` and the replicate only ([`seed_for`]), so a sweep's
//! results are the same however its runs are spread over threads, workers or
//! machines (a shard runs every `n`-th run).
//!
//! Swept values are rounded to 12 significant digits (written `0.05`, not
//! `0.05000000000000001`), so every point is a scenario that is kept exactly
//! (see the scenario's numbers rule); a field that holds a whole number is
//! swept in whole numbers.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::report::Report;
use crate::simulation::Simulation;
use crate::theory::{self, NotMmc};
use msgsim_scenario::{Scenario, path};

/// One swept field and its values, in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Axis {
    /// The field's JSON path (`network.default.loss`).
    pub path: String,
    /// Its values.
    pub values: Vec<f64>,
}

/// What a sweep runs and which figures it keeps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sweep {
    /// The field on the x axis.
    pub vary: Axis,
    /// The field whose values make separate series, if any.
    pub series: Option<Axis>,
    /// Runs (seeds) per point.
    pub seeds: u32,
    /// Report fields kept from each run (`never_applied`, `latency.p99`).
    pub figures: Vec<String>,
}

/// The most runs one sweep may have.
pub const MAX_RUNS: u64 = 1_000_000;
/// The most values an axis may have.
pub const MAX_STEPS: u32 = 10_000;

/// `steps` values from `from` to `to`, evenly spaced (or, with `log`,
/// evenly spaced in logarithm), rounded to 12 significant digits.
pub fn range(from: f64, to: f64, steps: u32, log: bool) -> Result<Vec<f64>, String> {
    if !(from.is_finite() && to.is_finite()) {
        return Err(format!("the range must be finite numbers, got {from}:{to}"));
    }
    if steps == 0 || steps > MAX_STEPS {
        return Err(format!("steps must be from 1 to {MAX_STEPS}, got {steps}"));
    }
    if log && !(from > 0.0 && to > 0.0) {
        return Err(format!("a logarithmic range needs FROM and TO above 0, got {from}:{to}"));
    }
    let at = |k: u32| {
        let f = if steps == 1 { 0.0 } else { f64::from(k) / f64::from(steps - 1) };
        if log { libm::exp(libm::log(from) + f * (libm::log(to) - libm::log(from))) } else { from + f * (to - from) }
    };
    Ok((0..steps).map(|k| round_12(at(k))).collect())
}

/// `x` to 12 significant digits (read back by the JSON parser, which reads
/// such a decimal exactly on every platform).
fn round_12(x: f64) -> f64 {
    if x == 0.0 {
        return 0.0;
    }
    serde_json::from_str(&format!("{x:.11e}")).unwrap_or(x)
}

/// The seed of replicate `replicate` of point `point` of a sweep over a
/// scenario whose seed is `base` (a SplitMix64 mix: stable, documented).
pub fn seed_for(base: u64, point: u64, replicate: u64) -> u64 {
    fn mix(mut z: u64) -> u64 {
        z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    mix(mix(mix(base) ^ point) ^ replicate)
}

/// What one run gave: each figure (`NaN` where the report has none, e.g. a
/// percentile of no samples).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    /// The run's index.
    pub run: u64,
    /// Its seed.
    pub seed: u64,
    /// The figures, in the sweep's order (`null` in JSON for none).
    pub figures: Vec<Option<f64>>,
}

/// A point's figure over its runs: mean and the half-width of its 95%
/// confidence interval (Student's t; 0 for a single run).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    /// Runs that gave the figure.
    pub n: u32,
    /// Their mean.
    pub mean: f64,
    /// Half the width of the 95% confidence interval of the mean.
    pub half_width: f64,
}

/// Mean and 95% confidence half-width of `values` (those that are numbers).
pub fn summarise(values: impl IntoIterator<Item = f64>) -> Summary {
    let xs: Vec<f64> = values.into_iter().filter(|x| x.is_finite()).collect();
    let n = xs.len();
    if n == 0 {
        return Summary { n: 0, mean: f64::NAN, half_width: f64::NAN };
    }
    let mean = xs.iter().sum::<f64>() / n as f64;
    let half_width = if n < 2 {
        0.0
    } else {
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64;
        t95(n - 1) * (var / n as f64).sqrt()
    };
    Summary { n: n as u32, mean, half_width }
}

/// The two-sided 95% quantile of Student's t with `df` degrees of freedom.
fn t95(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];
    // Past 30: 1.96 + 2.4 / df is within 0.002 of the exact quantile.
    TABLE.get(df.wrapping_sub(1)).copied().unwrap_or(1.96 + 2.4 / df as f64)
}

impl Sweep {
    /// Points in all (values × series).
    pub fn points(&self) -> u64 {
        self.vary.values.len() as u64 * self.series.as_ref().map_or(1, |s| s.values.len() as u64)
    }

    /// Runs in all.
    pub fn runs(&self) -> u64 {
        self.points() * u64::from(self.seeds)
    }

    /// Point `j`: `(its series' value, its value)`.
    pub fn point(&self, j: u64) -> (Option<f64>, f64) {
        let n = self.vary.values.len() as u64;
        let series = self.series.as_ref().map(|s| s.values[(j / n) as usize]);
        (series, self.vary.values[(j % n) as usize])
    }

    /// The scenario of point `j`: `base` with its fields set.
    pub fn scenario_for(&self, base: &Scenario, j: u64) -> Result<Scenario, String> {
        let (series, value) = self.point(j);
        self.scenario_at(base, series, value)
    }

    /// `base` with the series field at `series` and the x field at `x` (a
    /// point of the sweep, or a value between them).
    fn scenario_at(&self, base: &Scenario, series: Option<f64>, x: f64) -> Result<Scenario, String> {
        let settings: Vec<(&str, f64)> = (self.series.iter().zip(series).map(|(a, s)| (a.path.as_str(), s)))
            .chain([(self.vary.path.as_str(), x)])
            .collect();
        // The scenario as JSON once (a theory curve builds a scenario for
        // each of its points): read for each field's kind, then patched.
        let doc = base.to_value();
        let mut patch = path::Patch::new();
        for &(p, x) in &settings {
            let slot = path::get(&doc, p).ok_or_else(|| format!("{p}: no such field"))?;
            patch.insert(p.to_string(), number_like(slot, x));
        }
        path::apply_to_value(doc, &patch).map_err(|e| {
            let at = settings.iter().map(|(p, x)| format!("{p} = {x}")).collect::<Vec<_>>().join(", ");
            format!("at {at}: {e}")
        })
    }

    /// Checks the sweep against `base` before anything runs: each axis is a
    /// numeric field, every point is a valid scenario, every figure is a
    /// number in the report, and the sweep is not too large. Every problem
    /// is listed.
    pub fn check(&self, base: &Scenario) -> Result<(), Vec<String>> {
        self.check_points(base, &mut (0..self.points()))
    }

    /// [`check`](Self::check), building only the corner points (each axis at
    /// its first and last value) instead of every point: what a page can
    /// afford on its main thread. A field's bounds are an interval, so the
    /// ends of a range are what break them; a point in between that still
    /// fails (a rule across fields) fails when it runs.
    pub fn check_corners(&self, base: &Scenario) -> Result<(), Vec<String>> {
        let (n, s) = (self.vary.values.len() as u64, self.series.as_ref().map_or(1, |a| a.values.len() as u64));
        let mut corners: Vec<u64> = Vec::new();
        for series in [0, s.saturating_sub(1)] {
            for value in [0, n.saturating_sub(1)] {
                let j = series * n + value;
                if j < self.points() && !corners.contains(&j) {
                    corners.push(j);
                }
            }
        }
        self.check_points(base, &mut corners.into_iter())
    }

    fn check_points(&self, base: &Scenario, points: &mut dyn Iterator<Item = u64>) -> Result<(), Vec<String>> {
        let mut problems = Vec::new();
        let doc = base.to_value();
        for axis in std::iter::once(&self.vary).chain(&self.series) {
            match path::get(&doc, &axis.path) {
                Some(Value::Number(_)) => {}
                Some(other) => problems.push(format!("{}: not a numeric field (it is {})", axis.path, kind_of(other))),
                None => problems.push(format!("{}: no such field in the scenario", axis.path)),
            }
            if axis.values.is_empty() {
                problems.push(format!("{}: no values", axis.path));
            }
        }
        if self.seeds == 0 {
            problems.push("seeds: must be at least 1".into());
        }
        if self.figures.is_empty() {
            problems.push("figures: name at least one report field".into());
        }
        if self.runs() > MAX_RUNS {
            problems.push(format!("{} runs in all: at most {MAX_RUNS}", self.runs()));
        }
        // A report has the same fields whatever the point.
        if let Ok(sim) = Simulation::new(base, base.seed) {
            let report = serde_json::to_value(sim.report()).unwrap_or_default();
            for f in &self.figures {
                match path::get(&report, f) {
                    Some(Value::Number(_) | Value::Null) => {}
                    Some(other) => problems.push(format!("figure {f}: not a number (it is {})", kind_of(other))),
                    None => problems.push(format!("figure {f}: no such field in the report")),
                }
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        for j in points {
            if let Err(e) = self.scenario_for(base, j) {
                problems.push(e);
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }

    /// Runs run `i` over `base` (checked with [`check`](Self::check) first).
    pub fn run(&self, base: &Scenario, i: u64) -> Result<RunResult, String> {
        let (j, replicate) = (i / u64::from(self.seeds), i % u64::from(self.seeds));
        let scenario = self.scenario_for(base, j)?;
        let seed = seed_for(base.seed, j, replicate);
        let mut sim = Simulation::new(&scenario, seed)
            .map_err(|p| p.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))?
            .without_trace();
        let report: Report = sim.run();
        let report = serde_json::to_value(report).unwrap_or_default();
        let figures = self.figures.iter().map(|f| path::get(&report, f).and_then(Value::as_f64)).collect();
        Ok(RunResult { run: i, seed, figures })
    }

    /// Summaries by point and figure (`[point][figure]`) of `results`, which
    /// hold each run at most once.
    pub fn summarise(&self, results: &[RunResult]) -> Vec<Vec<Summary>> {
        // Each run into its point's bucket, in one pass.
        let mut by_point: Vec<Vec<&RunResult>> = vec![Vec::new(); self.points() as usize];
        for r in results {
            if let Some(bucket) = by_point.get_mut((r.run / u64::from(self.seeds.max(1))) as usize) {
                bucket.push(r);
            }
        }
        let figure = |r: &RunResult, f: usize| r.figures.get(f).copied().flatten().unwrap_or(f64::NAN);
        by_point
            .iter()
            .map(|runs| (0..self.figures.len()).map(|f| summarise(runs.iter().map(|r| figure(r, f)))).collect())
            .collect()
    }

    /// What theory says each figure is at point `j`, where a closed form
    /// applies ([`closed_form`]); `None` for a figure where none does.
    pub fn theory(&self, base: &Scenario, j: u64) -> Vec<Option<f64>> {
        let (series, value) = self.point(j);
        self.theory_at(base, series, value)
    }

    /// [`theory`](Self::theory) where the series field is `series` and the x
    /// field `x`, also between the points (for drawing curves). The scenario
    /// is built once for all the figures.
    pub fn theory_at(&self, base: &Scenario, series: Option<f64>, x: f64) -> Vec<Option<f64>> {
        let s = self.scenario_at(base, series, x).ok();
        let value = |f: &String| closed_form(s.as_ref()?, f)?.ok().flatten();
        self.figures.iter().map(value).collect()
    }

    /// Why no theory is drawn for a figure, if it is not: the assumption the
    /// swept scenario breaks (at its first point), or that no figure has a
    /// closed form.
    pub fn why_no_theory(&self, base: &Scenario) -> Option<String> {
        let first = self.scenario_for(base, 0).ok()?;
        for f in &self.figures {
            match closed_form(&first, f) {
                Some(Ok(_)) => return None,
                Some(Err((name, why))) => return Some(format!("{name} theory of {f} needs {}", why.english())),
                None => {}
            }
        }
        Some(format!("a closed form is drawn for {}", THEORY_FIGURES.join(", ")))
    }

    /// A fingerprint of this sweep over `base` (FNV-1a of both as JSON):
    /// shards of different sweeps are not merged.
    pub fn fingerprint(&self, base: &Scenario) -> String {
        let text = format!("{}{}", serde_json::to_string(self).unwrap_or_default(), base.to_json());
        let hash =
            text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
        format!("{hash:016x}")
    }
}

/// The summary as CSV: a header, then one row per point and figure —
/// `series,value,figure,runs,mean,ci95,theory` (the series column empty
/// without series; `ci95` is the half-width of the 95% interval; `theory`
/// empty where no closed form applies). The CLI writes this; any other
/// front end must write the same bytes.
pub fn csv(sweep: &Sweep, base: &Scenario, summaries: &[Vec<Summary>]) -> String {
    let mut out = String::from("series,value,figure,runs,mean,ci95,theory\n");
    for (j, by_figure) in summaries.iter().enumerate() {
        let (series, value) = sweep.point(j as u64);
        let theory = sweep.theory(base, j as u64);
        for (f, (figure, s)) in sweep.figures.iter().zip(by_figure).enumerate() {
            let series = series.map(|x| x.to_string()).unwrap_or_default();
            let theory = theory[f].map(|x| x.to_string()).unwrap_or_default();
            out.push_str(&format!("{series},{value},{figure},{},{},{},{theory}\n", s.n, s.mean, s.half_width));
        }
    }
    out
}

/// The summary as JSON Lines: one object per point and figure, the fields
/// of [`csv`] (`series` and `theory` null where there are none; a missing
/// mean is null).
pub fn json_lines(sweep: &Sweep, base: &Scenario, summaries: &[Vec<Summary>]) -> String {
    let mut out = String::new();
    for (j, by_figure) in summaries.iter().enumerate() {
        let (series, value) = sweep.point(j as u64);
        let theory = sweep.theory(base, j as u64);
        for (f, (figure, s)) in sweep.figures.iter().zip(by_figure).enumerate() {
            let row = serde_json::json!({
                "series": series, "value": value, "figure": figure,
                "runs": s.n, "mean": s.mean, "ci95": s.half_width, "theory": theory[f],
            });
            out.push_str(&row.to_string());
            out.push('\n');
        }
    }
    out
}

/// The figures a closed form exists for, and the theory's name.
pub const THEORY_FIGURES: [&str; 4] =
    ["latency.mean (M/M/c)", "consumer_utilization (M/M/c)", "rejected (M/M/1/K)", "never_applied (pᵏ)"];

/// The name of the closed form for report figure `figure`, if there is one.
pub fn theory_name(figure: &str) -> Option<&'static str> {
    THEORY_FIGURES.iter().find_map(|t| {
        let (f, name) = t.split_once(" (")?;
        (f == figure).then(|| name.trim_end_matches(')'))
    })
}

/// Theory's value of report figure `figure` for scenario `s`: `None` if no
/// closed form gives that figure; else the value (`None` where it has none,
/// an unstable queue's waiting time) or the theory's name and the
/// assumption `s` breaks. M/M/c gives the mean time in system and the
/// utilisation; M/M/1/K the expected number of rejected messages, n·P_K;
/// pᵏ the expected number never applied, n·pᵏ.
pub fn closed_form(s: &Scenario, figure: &str) -> Option<Result<Option<f64>, (&'static str, NotMmc)>> {
    let messages = |s: &Scenario| s.producers.iter().map(|p| f64::from(p.count) * f64::from(p.messages)).sum::<f64>();
    Some(match figure {
        "latency.mean" => theory::mmc_station(s)
            .map(|st| theory::mmc_time_in_system_ms(st.lambda, st.mu, st.servers))
            .map_err(|e| ("M/M/c", e)),
        "consumer_utilization" => theory::mmc_station(s)
            .map(|st| Some((st.lambda / (f64::from(st.servers) * st.mu)).min(1.0)))
            .map_err(|e| ("M/M/c", e)),
        "rejected" => theory::mm1k_station(s)
            .map(|(st, k)| Some(messages(s) * theory::mm1k_blocking(st.lambda / st.mu, k)))
            .map_err(|e| ("M/M/1/K", e)),
        "never_applied" => theory::lossy_publish(s)
            .map(|l| Some(l.messages as f64 * theory::lost_after_attempts(l.p, l.attempts)))
            .map_err(|e| ("pᵏ", e)),
        _ => return None,
    })
}

/// `x` as the field `slot` holds numbers: a whole number if it holds one.
fn number_like(slot: &Value, x: f64) -> Value {
    if slot.is_u64() && x >= 0.0 {
        Value::from(x.round() as u64)
    } else if slot.is_i64() {
        Value::from(x.round() as i64)
    } else {
        serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "empty (null)",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_even_rounded_and_checked() {
        assert_eq!(range(0.0, 0.3, 4, false).unwrap(), vec![0.0, 0.1, 0.2, 0.3]);
        assert_eq!(range(1.0, 1000.0, 4, true).unwrap(), vec![1.0, 10.0, 100.0, 1000.0]);
        assert_eq!(range(5.0, 9.0, 1, false).unwrap(), vec![5.0]);
        assert!(range(0.0, 1.0, 0, false).unwrap_err().contains("steps"));
        assert!(range(0.0, 1.0, 3, true).unwrap_err().contains("above 0"));
        assert!(range(f64::NAN, 1.0, 3, false).is_err());
    }

    #[test]
    fn seeds_depend_on_point_and_replicate_only() {
        assert_eq!(seed_for(1, 2, 3), seed_for(1, 2, 3));
        let all: std::collections::BTreeSet<u64> =
            (0..50).flat_map(|j| (0..50).map(move |r| seed_for(7, j, r))).collect();
        assert_eq!(all.len(), 2500, "no two runs share a seed");
        // Pinned: changing the derivation would change every published sweep.
        assert_eq!(seed_for(0, 0, 0), 0x2382_75bc_38fc_be91);
    }

    /// The 95% interval of a normal sample's mean covers the true mean about
    /// 95% of the time (2,000 samples of 5 and of 40).
    #[test]
    fn confidence_intervals_cover_as_stated() {
        let mut rng = crate::rng::SimRng::new(11);
        for n in [5, 40] {
            let covered = (0..2000)
                .filter(|_| {
                    let s = summarise((0..n).map(|_| 10.0 + 2.0 * rng.standard_normal()));
                    (s.mean - 10.0).abs() <= s.half_width
                })
                .count();
            assert!((1860..=1940).contains(&covered), "n = {n}: {covered} of 2000");
        }
        let one = summarise([3.0]);
        assert_eq!((one.n, one.mean, one.half_width), (1, 3.0, 0.0));
        assert_eq!(summarise([f64::NAN, 1.0, 3.0]).n, 2, "runs without the figure are left out");
    }
}
