//! A consumer group as a projection of event streams: it applies each
//! key's events in version order. An event that arrives ahead of a gap (an
//! earlier version reordered behind it, or lost and to be redelivered) is
//! held until the gap fills; a version already applied is skipped — so
//! reordered and duplicated deliveries leave the projection as the fold of
//! its stream.
//!
//! A message's version is its `key_seq`: its place among its stream's
//! messages with the same key (the stream: the producers', or what one
//! service publishes). The held events are part of the group's store: they
//! survive a crash of an instance, as a projection's own table would.

use crate::sorted::SortedMap;

use crate::trace::MsgId;

/// A stream and a key: one aggregate's events.
type Aggregate = (u16, u32);

/// What to do with an event that finished processing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Gate {
    /// It is the next version: apply it (then the held ones it unblocks).
    Apply,
    /// An earlier version is missing: hold it.
    Hold,
    /// This version was applied already (or is held already): skip it.
    Stale,
}

/// An event held for its turn, with what its effect record carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Held {
    pub msg: MsgId,
    pub attempt: u16,
    pub copy: u16,
    pub delivery: u16,
}

/// The next version of each aggregate, and the events held for theirs.
#[derive(Clone, Debug, Default)]
pub(crate) struct Versions {
    next: SortedMap<Aggregate, u32>,
    held: SortedMap<(Aggregate, u32), Held>,
}

impl Versions {
    /// Where version `seq` of `agg` stands.
    pub fn gate(&self, agg: Aggregate, seq: u32) -> Gate {
        let next = self.next.get(&agg).copied().unwrap_or(0);
        if seq < next || self.held.contains_key(&(agg, seq)) {
            Gate::Stale
        } else if seq > next {
            Gate::Hold
        } else {
            Gate::Apply
        }
    }

    /// Version `seq` of `agg` took effect.
    pub fn applied(&mut self, agg: Aggregate, seq: u32) {
        self.next.insert(agg, seq + 1);
    }

    /// Holds version `seq` of `agg` until its turn.
    pub fn hold(&mut self, agg: Aggregate, seq: u32, held: Held) {
        self.held.insert((agg, seq), held);
    }

    /// The held event whose turn it is now, if any (and its version).
    pub fn release(&mut self, agg: Aggregate) -> Option<(u32, Held)> {
        let next = self.next.get(&agg).copied().unwrap_or(0);
        self.held.remove(&(agg, next)).map(|h| (next, h))
    }

    /// How many versions of `agg` are missing before `seq`.
    pub fn missing_before(&self, agg: Aggregate, seq: u32) -> u32 {
        let next = self.next.get(&agg).copied().unwrap_or(0);
        let held = self.held.count_in(&(agg, next), &(agg, seq)) as u32;
        seq - next - held
    }

    /// Events held now.
    #[cfg(test)]
    pub fn held(&self) -> usize {
        self.held.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gap_holds_what_follows_it_and_a_repeat_is_skipped() {
        let mut v = Versions::default();
        let a = (0, 7);
        let h = |msg| Held { msg, attempt: 1, copy: 0, delivery: 1 };
        assert_eq!(v.gate(a, 1), Gate::Hold, "version 0 has not come");
        v.hold(a, 1, h(11));
        assert_eq!(v.gate(a, 1), Gate::Stale, "a second copy of a held version");
        assert_eq!(v.gate(a, 0), Gate::Apply);
        v.applied(a, 0);
        assert_eq!(v.release(a), Some((1, h(11))));
        v.applied(a, 1);
        assert_eq!((v.release(a), v.held()), (None, 0));
        assert_eq!(v.gate(a, 0), Gate::Stale);
        assert_eq!(v.gate((0, 8), 0), Gate::Apply, "each aggregate has its own versions");
    }
}
