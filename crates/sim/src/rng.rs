//! The one random number generator of a run.
//!
//! A run owns exactly one [`SimRng`], created from the seed and passed by
//! `&mut` to whatever draws from it, so the sequence of draws is a pure
//! function of the scenario and the seed. Xoshiro256++ is specified bit for bit,
//! and every transcendental function goes through `libm` (the same code in
//! native and wasm builds), so a seed gives the same run everywhere.
//!
//! ## Why the samplers are written here, not taken from `rand_distr`
//!
//! `rand_distr`'s floating-point distributions are not promised to be
//! portable: the rand project allows value-breaking changes to them in minor
//! releases (its book, "Reproducibility"), and they call `f64::ln`/`exp`,
//! which are the platform's maths library and may round differently
//! natively and in WebAssembly. A trace must not change when a dependency is
//! bumped or the page is opened instead of the CLI, so the few samplers the
//! engine needs (uniform, exponential by ziggurat, normal, log-normal) are
//! here, over `libm`, and pinned by the golden trace hashes.

use std::sync::OnceLock;

use rand::{Rng, RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// Ziggurat tables for the standard exponential (Marsaglia & Tsang, 2000):
/// 256 layers of equal area `V`; the base layer ends at `R` and carries the tail.
struct Ziggurat {
    /// Layer widths, decreasing; `x[256] = 0`.
    x: [f64; 257],
    /// `exp(-x[i])`.
    f: [f64; 257],
}

const ZIG_R: f64 = 7.697_117_470_131_05;
const ZIG_V: f64 = 0.003_949_659_822_581_572;

fn ziggurat() -> &'static Ziggurat {
    static TABLES: OnceLock<Ziggurat> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut x = [0.0; 257];
        x[0] = ZIG_V * libm::exp(ZIG_R);
        x[1] = ZIG_R;
        for i in 1..256 {
            x[i + 1] = -libm::log(ZIG_V / x[i] + libm::exp(-x[i]));
        }
        x[256] = 0.0;
        let mut f = [0.0; 257];
        for i in 0..257 {
            f[i] = libm::exp(-x[i]);
        }
        Ziggurat { x, f }
    })
}

/// The seeded generator of one simulation run.
#[derive(Clone)]
pub struct SimRng(Xoshiro256PlusPlus, &'static Ziggurat);

impl std::fmt::Debug for SimRng {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("SimRng").field(&self.0).finish()
    }
}

impl SimRng {
    /// A generator for `seed`. Equal seeds give equal sequences on every platform.
    pub fn new(seed: u64) -> Self {
        SimRng(Xoshiro256PlusPlus::seed_from_u64(seed), ziggurat())
    }

    /// A uniform draw from `[0, 1)` with 53 random bits.
    pub fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// `true` with probability `p` (never for `p <= 0`, always for `p >= 1`,
    /// and in those two cases no draw is consumed).
    pub fn chance(&mut self, p: f64) -> bool {
        if p <= 0.0 {
            false
        } else if p >= 1.0 {
            true
        } else {
            self.unit() < p
        }
    }

    /// A uniform integer in `0..n` (`n > 0`). Always draws 32 bits wide, so the
    /// result does not depend on the platform's pointer width.
    pub fn below(&mut self, n: u32) -> u32 {
        debug_assert!(n > 0);
        self.0.random_range(0..n)
    }

    /// An exponential draw with the given mean (ziggurat method: almost
    /// always one 64-bit draw, a table look-up and a comparison).
    pub fn exponential(&mut self, mean: f64) -> f64 {
        mean * self.standard_exponential()
    }

    fn standard_exponential(&mut self) -> f64 {
        // The fast path; the rare rest (about 1.5% of draws) is a separate call.
        let (i, x) = self.ziggurat_point();
        if x < self.1.x[i + 1] { x } else { self.exponential_slow(i, x) }
    }

    /// One 64-bit draw as a ziggurat layer `i` and a point `x` across it.
    fn ziggurat_point(&mut self) -> (usize, f64) {
        let bits = self.0.next_u64();
        let i = (bits & 0xff) as usize;
        let u = (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
        (i, u * self.1.x[i])
    }

    /// The ziggurat's wedge and tail cases, for the draw that fell in layer `i` at `x`.
    #[inline(never)]
    fn exponential_slow(&mut self, mut i: usize, mut x: f64) -> f64 {
        let z = self.1;
        loop {
            if i == 0 {
                // The tail beyond R is R plus another exponential.
                return ZIG_R - libm::log(1.0 - self.unit());
            }
            if z.f[i + 1] + (z.f[i] - z.f[i + 1]) * self.unit() < libm::exp(-x) {
                return x;
            }
            (i, x) = self.ziggurat_point();
            if x < z.x[i + 1] {
                return x;
            }
        }
    }

    /// A standard normal draw (Marsaglia's polar method: a point drawn
    /// uniformly in the unit disc, then one square root and one logarithm; no
    /// trigonometry, so no large sine/cosine code in the download).
    pub fn standard_normal(&mut self) -> f64 {
        loop {
            let u = 2.0 * self.unit() - 1.0;
            let v = 2.0 * self.unit() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                return u * libm::sqrt(-2.0 * libm::log(s) / s);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_other_seed_differs() {
        let a: Vec<u64> = {
            let mut r = SimRng::new(7);
            (0..8).map(|_| r.0.next_u64()).collect()
        };
        let b: Vec<u64> = {
            let mut r = SimRng::new(7);
            (0..8).map(|_| r.0.next_u64()).collect()
        };
        let c: Vec<u64> = {
            let mut r = SimRng::new(8);
            (0..8).map(|_| r.0.next_u64()).collect()
        };
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn chance_edges_consume_nothing() {
        let mut r = SimRng::new(1);
        let mut s = SimRng::new(1);
        assert!(!r.chance(0.0));
        assert!(r.chance(1.0));
        assert_eq!(r.unit(), s.unit());
    }

    #[test]
    fn exponential_and_normal_moments() {
        let mut r = SimRng::new(3);
        let n = 200_000;
        let mean = (0..n).map(|_| r.exponential(2.0)).sum::<f64>() / n as f64;
        assert!((mean - 2.0).abs() < 0.03, "{mean}");
        let xs: Vec<f64> = (0..n).map(|_| r.standard_normal()).collect();
        let m = xs.iter().sum::<f64>() / n as f64;
        let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n as f64;
        assert!(m.abs() < 0.01, "{m}");
        assert!((v - 1.0).abs() < 0.02, "{v}");
    }

    #[test]
    fn exponential_tail_and_variance() {
        let mut r = SimRng::new(5);
        let n = 400_000;
        let xs: Vec<f64> = (0..n).map(|_| r.exponential(1.0)).collect();
        let m = xs.iter().sum::<f64>() / n as f64;
        let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n as f64;
        assert!((m - 1.0).abs() < 0.01, "{m}");
        assert!((v - 1.0).abs() < 0.02, "{v}");
        // P(X > t) = e^-t, including far in the tail (past the ziggurat's R).
        for t in [0.5, 1.0, 3.0, 8.0] {
            let p = xs.iter().filter(|&&x| x > t).count() as f64 / n as f64;
            let want = libm::exp(-t);
            let sd = (want * (1.0 - want) / n as f64).sqrt();
            assert!((p - want).abs() < 5.0 * sd + 1e-6, "P(X > {t}) = {p}, want {want}");
        }
        assert!(xs.iter().all(|&x| x >= 0.0 && x.is_finite()));
    }

    #[test]
    fn below_stays_in_range() {
        let mut r = SimRng::new(9);
        let mut seen = [false; 5];
        for _ in 0..1000 {
            seen[r.below(5) as usize] = true;
        }
        assert!(seen.iter().all(|s| *s));
    }
}
