//! Drawing durations from a scenario's distributions.
//!
//! [`Dist`] itself (what a scenario says) lives in `msgsim-scenario`; the
//! engine adds the one thing it does with one: draw a sample, from the run's
//! single RNG, rounded to whole microseconds.

use crate::rng::SimRng;
use crate::time::{self, Time};

pub use msgsim_scenario::dist::{Dist, MAX_PARAMETER_MS};

/// Draws durations from a [`Dist`].
pub trait Draw {
    /// Draws one duration (never negative, rounded to the nearest µs).
    fn draw(&self, rng: &mut SimRng) -> Time;
}

impl Draw for Dist {
    fn draw(&self, rng: &mut SimRng) -> Time {
        time::ms(sample_ms(self, rng))
    }
}

fn sample_ms(dist: &Dist, rng: &mut SimRng) -> f64 {
    match *dist {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn mean_of(d: &Dist, n: usize) -> f64 {
        let mut rng = SimRng::new(11);
        (0..n).map(|_| time::to_ms(d.draw(&mut rng))).sum::<f64>() / n as f64
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
        let xs: Vec<Time> = (0..10_000).map(|_| d.draw(&mut rng)).collect();
        // Half-normal mean = σ·√(2/π) ≈ 3.99 ms.
        let m = xs.iter().map(|&x| time::to_ms(x)).sum::<f64>() / xs.len() as f64;
        assert!((m - 3.99).abs() < 0.15, "{m}");
    }
}
