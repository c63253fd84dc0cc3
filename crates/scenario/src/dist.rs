//! Duration distributions for link latency and processing time.

use serde::Serialize;

use crate::scenario::ProblemKind;

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

    /// Problems with the parameters, as `(field, problem)` pairs.
    pub fn problems(&self) -> Vec<(&'static str, ProblemKind)> {
        let mut out = Vec::new();
        let mut check = |field: &'static str, v: f64| {
            if !v.is_finite() || v < 0.0 {
                out.push((field, ProblemKind::Duration { positive: false, got: v }));
            } else if v > 0.0 && v < crate::scenario::limits::MIN_DURATION_MS {
                out.push((field, ProblemKind::BelowResolution { positive: false, got: v }));
            } else if v > MAX_PARAMETER_MS {
                out.push((field, ProblemKind::TooLong { max_ms: MAX_PARAMETER_MS, got: v }));
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

/// The largest value any duration *parameter* may take (a latency's mean, a
/// timeout, a backoff cap): one day, so that no single sample can overflow
/// simulated time. The length of a whole run has its own, larger limit
/// ([`limits::MAX_RUN_MS`](crate::scenario::limits::MAX_RUN_MS)).
pub const MAX_PARAMETER_MS: f64 = 86_400_000.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_name_the_field() {
        let p = Dist::Uniform { min_ms: 5.0, max_ms: 1.0 }.problems();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].0, "max_ms");
        assert!(matches!(Dist::Exponential { mean_ms: f64::NAN }.problems()[0].1, ProblemKind::Duration { .. }));
        assert!(Dist::constant(1.0).problems().is_empty());
    }
}
