//! Duration distributions for link latency and processing time.

use serde::Serialize;

use crate::rng::SimRng;
use crate::scenario::ProblemKind;
use crate::time::{self, Time};

/// A probability distribution of durations, in milliseconds.
///
/// Written in JSON with a `kind` tag, e.g. `{"kind": "exponential", "mean_ms": 5}`.
/// Every sample is rounded to the nearest microsecond and is never negative.
/// (Deserialization lives in `scenario/tagged.rs`, for precise error paths.)
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Dist {
    /// Always the same duration.
    Constant {
        /// The duration.
        ms: f64,
    },
    /// Uniform between `min_ms` and `max_ms`.
    Uniform {
        /// Lower bound.
        min_ms: f64,
        /// Upper bound (≥ `min_ms`).
        max_ms: f64,
    },
    /// Normal with the given mean and standard deviation, truncated at 0
    /// (negative draws are redrawn).
    Normal {
        /// Mean before truncation (≥ 0).
        mean_ms: f64,
        /// Standard deviation.
        std_ms: f64,
    },
    /// Exponential with the given mean (memoryless: the M in M/M/1).
    Exponential {
        /// Mean.
        mean_ms: f64,
    },
    /// Log-normal: `median_ms · e^(sigma·Z)` with Z standard normal. A long right
    /// tail, like real network and service latencies.
    LogNormal {
        /// Median.
        median_ms: f64,
        /// Shape: the standard deviation of the underlying normal.
        sigma: f64,
    },
}

impl Default for Dist {
    fn default() -> Self {
        Dist::Constant { ms: 0.0 }
    }
}

impl Dist {
    /// A constant duration.
    pub const fn constant(ms: f64) -> Self {
        Dist::Constant { ms }
    }

    /// Draws one duration.
    pub fn sample(&self, rng: &mut SimRng) -> Time {
        time::ms(self.sample_ms(rng))
    }

    fn sample_ms(&self, rng: &mut SimRng) -> f64 {
        match *self {
            Dist::Constant { ms } => ms,
            Dist::Uniform { min_ms, max_ms } => min_ms + (max_ms - min_ms) * rng.unit(),
            Dist::Normal { mean_ms, std_ms } => {
                // With mean ≥ 0 (validated) each draw is kept with probability ≥ ½;
                // the bound only guards against a pathological scenario.
                for _ in 0..64 {
                    let x = mean_ms + std_ms * rng.standard_normal();
                    if x >= 0.0 {
                        return x;
                    }
                }
                0.0
            }
            Dist::Exponential { mean_ms } => rng.exponential(mean_ms),
            Dist::LogNormal { median_ms, sigma } => median_ms * libm::exp(sigma * rng.standard_normal()),
        }
    }

    /// The mean in milliseconds (for the truncated normal, of the untruncated one).
    pub fn mean_ms(&self) -> f64 {
        match *self {
            Dist::Constant { ms } => ms,
            Dist::Uniform { min_ms, max_ms } => (min_ms + max_ms) / 2.0,
            Dist::Normal { mean_ms, .. } => mean_ms,
            Dist::Exponential { mean_ms } => mean_ms,
            Dist::LogNormal { median_ms, sigma } => median_ms * libm::exp(sigma * sigma / 2.0),
        }
    }

    /// Whether two draws can differ (so a link with this latency can reorder).
    pub fn varies(&self) -> bool {
        match *self {
            Dist::Constant { .. } => false,
            Dist::Uniform { min_ms, max_ms } => max_ms > min_ms,
            Dist::Normal { std_ms, .. } => std_ms > 0.0,
            Dist::Exponential { mean_ms } => mean_ms > 0.0,
            Dist::LogNormal { median_ms, sigma } => median_ms > 0.0 && sigma > 0.0,
        }
    }

    /// Problems with the parameters, as `(field, problem)` pairs.
    pub fn problems(&self) -> Vec<(&'static str, ProblemKind)> {
        let mut out = Vec::new();
        let mut check = |field: &'static str, v: f64| {
            if !v.is_finite() || v < 0.0 {
                out.push((field, ProblemKind::Duration { positive: false, got: v }));
            } else if v > MAX_DURATION_MS {
                out.push((field, ProblemKind::TooLong { max_ms: MAX_DURATION_MS, got: v }));
            }
        };
        match *self {
            Dist::Constant { ms } => check("ms", ms),
            Dist::Uniform { min_ms, max_ms } => {
                check("min_ms", min_ms);
                check("max_ms", max_ms);
                if max_ms < min_ms {
                    out.push((
                        "max_ms",
                        ProblemKind::AtLeastField { other: "min_ms".into(), bound: min_ms, got: max_ms },
                    ));
                }
            }
            Dist::Normal { mean_ms, std_ms } => {
                check("mean_ms", mean_ms);
                check("std_ms", std_ms);
            }
            Dist::Exponential { mean_ms } => check("mean_ms", mean_ms),
            Dist::LogNormal { median_ms, sigma } => {
                check("median_ms", median_ms);
                if !sigma.is_finite() || !(0.0..=4.0).contains(&sigma) {
                    out.push(("sigma", ProblemKind::Between { lo: 0.0, hi: 4.0, got: sigma }));
                }
            }
        }
        out
    }
}

/// The largest duration parameter a scenario may use (one day), so that no
/// sample can overflow simulated time.
pub const MAX_DURATION_MS: f64 = 86_400_000.0;

#[cfg(test)]
mod tests {
    use super::*;

    fn mean_of(d: &Dist, n: usize) -> f64 {
        let mut rng = SimRng::new(11);
        (0..n).map(|_| time::to_ms(d.sample(&mut rng))).sum::<f64>() / n as f64
    }

    #[test]
    fn sample_means_match_parameters() {
        let n = 100_000;
        for d in [
            Dist::Constant { ms: 3.0 },
            Dist::Uniform { min_ms: 2.0, max_ms: 6.0 },
            Dist::Exponential { mean_ms: 5.0 },
            Dist::Normal { mean_ms: 10.0, std_ms: 1.0 },
            Dist::LogNormal { median_ms: 4.0, sigma: 0.5 },
        ] {
            let m = mean_of(&d, n);
            assert!((m - d.mean_ms()).abs() / d.mean_ms() < 0.02, "{d:?}: {m}");
        }
    }

    #[test]
    fn truncated_normal_is_never_negative() {
        let d = Dist::Normal { mean_ms: 0.0, std_ms: 5.0 };
        let mut rng = SimRng::new(2);
        let xs: Vec<Time> = (0..10_000).map(|_| d.sample(&mut rng)).collect();
        // Half-normal mean = σ·√(2/π) ≈ 3.99 ms.
        let m = xs.iter().map(|&x| time::to_ms(x)).sum::<f64>() / xs.len() as f64;
        assert!((m - 3.99).abs() < 0.15, "{m}");
    }

    #[test]
    fn problems_name_the_field() {
        let p = Dist::Uniform { min_ms: 5.0, max_ms: 1.0 }.problems();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].0, "max_ms");
        assert!(matches!(Dist::Exponential { mean_ms: f64::NAN }.problems()[0].1, ProblemKind::Duration { .. }));
        assert!(Dist::constant(1.0).problems().is_empty());
    }
}
