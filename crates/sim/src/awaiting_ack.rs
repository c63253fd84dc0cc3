//! A queue's deliveries awaiting their ack, by delivery tag.
//!
//! Tags are handed out in order and mostly acked nearly in order, so the
//! deliveries live in a ring: slot `i` holds tag `first + i`, an acked slot
//! becomes a hole, and holes at the front are dropped. Every operation is
//! O(1) — unless one delivery is never settled (its ack was lost and there is
//! no ack timeout): the front is stuck, and the ring would grow by every later
//! delivery. So when the ring is mostly holes, its oldest live entries move to
//! an ordered map of *stragglers* and the holes behind them are dropped:
//! memory stays proportional to the deliveries really awaiting an ack, and
//! settling a straggler is O(log n) (a sorted vector cost a memmove of every
//! later straggler: with an hour's ack timeout and 1% lost acks, the 5M-message
//! benchmark ran at 4.3 M events/s instead of 12).

use std::collections::{BTreeMap, VecDeque};

/// Deliveries awaiting their ack.
#[derive(Clone, Debug)]
pub(crate) struct AwaitingAck<T> {
    /// Slot `i` is tag `first + i`; `None` once settled.
    ring: VecDeque<Option<T>>,
    first: u32,
    /// Live deliveries older than the ring, by tag (all tags < `first`).
    stragglers: BTreeMap<u32, T>,
    /// Live deliveries in the ring.
    in_ring: usize,
}

impl<T: Copy> AwaitingAck<T> {
    /// Most holes the ring keeps, beyond twice its live entries (32 KB for
    /// the broker's entries; acks that come back within about a thousand
    /// deliveries never make the ring shed).
    const SLACK: usize = 1024;

    /// Empty; the first delivery gets tag `first_tag`.
    pub fn new(first_tag: u32) -> Self {
        AwaitingAck { ring: VecDeque::new(), first: first_tag, stragglers: BTreeMap::new(), in_ring: 0 }
    }

    /// Bytes held: the ring's slots and the stragglers (a B-tree entry counted
    /// at twice its size, for the tree's nodes).
    pub fn heap_bytes(&self) -> u64 {
        crate::memory::vec_bytes::<Option<T>>(self.ring.capacity())
            + 2 * crate::memory::vec_bytes::<(u32, T)>(self.stragglers.len())
    }

    /// Deliveries awaiting their ack.
    pub fn len(&self) -> usize {
        self.in_ring + self.stragglers.len()
    }

    /// Adds a delivery and returns its tag (one more than the last one's).
    /// Tags wrap after 2^32 deliveries, far beyond the event limit.
    pub fn push(&mut self, item: T) -> u32 {
        let tag = self.first.wrapping_add(self.ring.len() as u32);
        self.ring.push_back(Some(item));
        self.in_ring += 1;
        tag
    }

    /// Whether delivery `tag` still awaits its ack.
    pub fn contains(&self, tag: u32) -> bool {
        match self.ring.get(self.index(tag)) {
            Some(slot) => slot.is_some(),
            None => self.stragglers.contains_key(&tag),
        }
    }

    /// Settles delivery `tag`: removes and returns it, if it still awaited its ack.
    #[inline]
    pub fn take(&mut self, tag: u32) -> Option<T> {
        let index = self.index(tag);
        let item = match self.ring.get_mut(index) {
            Some(slot) => {
                let item = slot.take()?;
                self.in_ring -= 1;
                item
            }
            None => self.stragglers.remove(&tag)?,
        };
        while self.ring.front().is_some_and(Option::is_none) {
            self.ring.pop_front();
            self.first = self.first.wrapping_add(1);
        }
        if self.ring.len() > 2 * self.in_ring + Self::SLACK {
            self.shed_front();
        }
        Some(item)
    }

    /// The tags of the live deliveries that satisfy `pick`, oldest first.
    pub fn tags_where(&self, pick: impl Fn(&T) -> bool) -> Vec<u32> {
        let old = self.stragglers.iter().map(|(&tag, &item)| (tag, item));
        let recent = self
            .ring
            .iter()
            .enumerate()
            .filter_map(|(i, slot)| slot.map(|item| (self.first.wrapping_add(i as u32), item)));
        old.chain(recent).filter(|(_, item)| pick(item)).map(|(tag, _)| tag).collect()
    }

    fn index(&self, tag: u32) -> usize {
        tag.wrapping_sub(self.first) as usize
    }

    /// Moves the ring's oldest live entries to the stragglers, dropping the
    /// holes among them, until holes are at most half the ring plus the slack.
    #[cold]
    fn shed_front(&mut self) {
        while self.ring.len() > 2 * self.in_ring + Self::SLACK / 2 {
            let Some(slot) = self.ring.pop_front() else { break };
            if let Some(item) = slot {
                self.stragglers.insert(self.first, item);
                self.in_ring -= 1;
            }
            self.first = self.first.wrapping_add(1);
        }
    }

    /// Slots in the ring, live or not (for tests of the bound).
    #[cfg(test)]
    fn ring_len(&self) -> usize {
        self.ring.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settled_in_order_the_ring_stays_empty() {
        let mut a = AwaitingAck::new(1);
        for i in 0..1_000u32 {
            let tag = a.push(i);
            assert_eq!(tag, i + 1);
            assert_eq!(a.take(tag), Some(i));
            assert_eq!(a.take(tag), None, "settled twice");
        }
        assert_eq!((a.len(), a.ring_len()), (0, 0));
    }

    #[test]
    fn one_delivery_never_settled_does_not_grow_the_ring() {
        let mut a = AwaitingAck::new(1);
        let stuck = a.push(u32::MAX);
        for i in 0..100_000u32 {
            let tag = a.push(i);
            if i % 10 == 0 {
                continue; // a few others stay outstanding for a while
            }
            assert_eq!(a.take(tag), Some(i));
            assert!(
                a.ring_len() <= 2 * a.len() + AwaitingAck::<u32>::SLACK + 1,
                "ring {} for {}",
                a.ring_len(),
                a.len()
            );
        }
        assert_eq!(a.len(), 1 + 10_000);
        assert!(a.contains(stuck));
        // Everything still awaiting its ack is found, oldest first.
        let tags = a.tags_where(|_| true);
        assert_eq!(tags.len(), a.len());
        assert!(tags.windows(2).all(|w| w[0] < w[1]), "oldest first");
        assert_eq!(tags[0], stuck);
        for tag in tags {
            assert!(a.contains(tag));
            assert!(a.take(tag).is_some());
            assert!(!a.contains(tag));
        }
        assert_eq!((a.len(), a.ring_len()), (0, 0));
        assert_eq!(a.take(stuck), None);
    }

    #[test]
    fn unknown_tags_are_not_found() {
        let mut a = AwaitingAck::new(1);
        let t = a.push(7u8);
        assert!(!a.contains(t + 1) && !a.contains(0));
        assert_eq!(a.take(t + 5), None);
        assert_eq!(a.take(t), Some(7));
    }
}
