//! What a link does to one packet: decided in one small pure function.

use crate::dist::Draw;
use crate::rng::SimRng;
use crate::time::Time;
use crate::topology::Link;
use crate::trace::Cause;

/// What becomes of one copy of a packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// It arrives at this time.
    Arrives(Time),
    /// It vanishes at this time (half-way along, so the loss is visible), for this reason.
    Lost(Time, Cause),
}

impl Fate {
    /// When the copy arrives or vanishes.
    pub fn time(self) -> Time {
        match self {
            Fate::Arrives(t) | Fate::Lost(t, _) => t,
        }
    }
}

fn one_copy(link: &Link, now: Time, rng: &mut SimRng) -> Fate {
    // A latency so long it would pass the end of time arrives "never": the
    // time saturates, beyond any run's horizon.
    let latency = link.latency.draw(rng);
    if link.is_down(now) {
        Fate::Lost(now.saturating_add(latency / 2), Cause::Outage)
    } else if rng.chance(link.loss) {
        Fate::Lost(now.saturating_add(latency / 2), Cause::Loss)
    } else {
        Fate::Arrives(now.saturating_add(latency))
    }
}

/// The fate of a packet sent at `now`, and of the extra copy the link made, if
/// it made one. Each copy draws its own latency (so copies can overtake each
/// other and later packets) and can be lost on its own.
pub fn transmit(link: &Link, now: Time, rng: &mut SimRng) -> (Fate, Option<Fate>) {
    let first = one_copy(link, now, rng);
    let copy = (!link.is_down(now) && rng.chance(link.duplicate)).then(|| one_copy(link, now, rng));
    (first, copy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::Dist;
    use crate::scenario::Window;
    use crate::topology::Outages;

    fn link(loss: f64, duplicate: f64) -> Link {
        let outages = Outages::new(&[Window { from_ms: 10.0, to_ms: 20.0 }]);
        Link { latency: Dist::constant(2.0), loss, duplicate, outages }
    }

    #[test]
    fn outage_drops_everything_half_way() {
        let mut rng = SimRng::new(1);
        let (f, c) = transmit(&link(0.0, 1.0), 15_000, &mut rng);
        assert_eq!(f, Fate::Lost(16_000, Cause::Outage));
        assert_eq!(c, None);
    }

    #[test]
    fn loss_and_duplication_rates() {
        let mut rng = SimRng::new(2);
        let l = link(0.1, 0.2);
        let n = 100_000;
        let (mut lost, mut dup) = (0, 0);
        for _ in 0..n {
            let (f, c) = transmit(&l, 0, &mut rng);
            lost += matches!(f, Fate::Lost(..)) as u32;
            dup += c.is_some() as u32;
        }
        assert!((f64::from(lost) / n as f64 - 0.1).abs() < 0.005);
        assert!((f64::from(dup) / n as f64 - 0.2).abs() < 0.005);
    }
}
