//! The future event list: events ordered by time, then by insertion, so
//! events scheduled for the same instant run first-in first-out.
//!
//! The heap holds only a 16-byte key per event — time in the high 64 bits,
//! then the insertion sequence, then the slot of the event in a slab — so one
//! `u128` comparison orders (time, sequence) and sifting moves little memory.
//! The event itself is written to the slab once and read once. (Measured and
//! rejected: a radix heap, which these monotone keys would allow, a 4-ary
//! heap, and a hand-written heap whose pop leaves the root for the next push
//! to replace — 1% faster, not worth the code; with the few hundred events
//! typically pending, the standard binary heap of 16-byte keys stays in cache.)

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::time::Time;

/// Bits of the low word that hold the slab slot.
const SLOT_BITS: u32 = 28;
const SLOT_MASK: u64 = (1 << SLOT_BITS) - 1;
/// Most events pending at once (2^28: far beyond what memory allows anyway).
pub const MAX_PENDING: usize = 1 << SLOT_BITS;

/// Pending events, earliest first; ties in scheduling order.
#[derive(Clone)]
pub struct Scheduler<E> {
    heap: BinaryHeap<Reverse<u128>>,
    slots: Vec<E>,
    free: Vec<u32>,
    seq: u64,
}

impl<E> Default for Scheduler<E> {
    fn default() -> Self {
        Scheduler { heap: BinaryHeap::new(), slots: Vec::new(), free: Vec::new(), seq: 0 }
    }
}

impl<E: Copy> Scheduler<E> {
    /// Schedules `event` at `time`.
    pub fn push(&mut self, time: Time, event: E) {
        let slot = match self.free.pop() {
            Some(s) => {
                self.slots[s as usize] = event;
                u64::from(s)
            }
            None => {
                self.slots.push(event);
                (self.slots.len() - 1) as u64
            }
        };
        debug_assert!(slot <= SLOT_MASK, "more than {MAX_PENDING} pending events");
        // 36 bits of sequence: 6.8·10^10 schedulings, beyond the event limit.
        let low = (self.seq << SLOT_BITS) | (slot & SLOT_MASK);
        self.seq += 1;
        self.heap.push(Reverse((u128::from(time) << 64) | u128::from(low)));
    }

    /// Removes and returns the earliest event.
    pub fn pop(&mut self) -> Option<(Time, E)> {
        let Reverse(key) = self.heap.pop()?;
        let slot = (key as u64 & SLOT_MASK) as u32;
        self.free.push(slot);
        Some(((key >> 64) as Time, self.slots[slot as usize]))
    }

    /// Time of the earliest event.
    pub fn peek_time(&self) -> Option<Time> {
        self.heap.peek().map(|Reverse(key)| (key >> 64) as Time)
    }

    /// Time of the earliest event (same as [`peek_time`](Self::peek_time)).
    pub fn min_time(&self) -> Option<Time> {
        self.peek_time()
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Bytes of storage per pending event: its heap key and its slab slot.
    pub const fn entry_size() -> usize {
        std::mem::size_of::<u128>() + std::mem::size_of::<E>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn earliest_first_then_fifo() {
        let mut s = Scheduler::default();
        s.push(5, 'a');
        s.push(1, 'b');
        s.push(5, 'c');
        s.push(1, 'd');
        s.push(3, 'e');
        assert_eq!(s.min_time(), Some(1));
        let order: Vec<char> = std::iter::from_fn(|| s.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, ['b', 'd', 'e', 'a', 'c']);
        assert_eq!(s.peek_time(), None);
    }

    #[test]
    fn huge_times_keep_their_order() {
        let mut s = Scheduler::default();
        s.push(u64::MAX, 1);
        s.push(u64::MAX - 1, 2);
        s.push(0, 3);
        assert_eq!(s.pop(), Some((0, 3)));
        assert_eq!(s.pop(), Some((u64::MAX - 1, 2)));
        assert_eq!(s.pop(), Some((u64::MAX, 1)));
    }

    proptest! {
        /// Against a reference (a sorted list): the same order, every time, for
        /// any interleaving of pushes (never before the last time taken) and pops.
        #[test]
        fn matches_a_sorted_reference(ops in proptest::collection::vec((0u8..3, 0u64..50), 1..400)) {
            let mut s = Scheduler::default();
            let mut reference: Vec<(u64, u32)> = Vec::new();
            let mut now = 0u64;
            let mut id = 0u32;
            for (op, dt) in ops {
                if op < 2 {
                    s.push(now + dt, id);
                    reference.push((now + dt, id));
                    id += 1;
                } else {
                    if op == 2 && dt % 2 == 0 {
                        prop_assert_eq!(s.peek_time(), reference.iter().map(|r| r.0).min());
                    }
                    reference.sort_by_key(|&(t, i)| (t, i));
                    let want = (!reference.is_empty()).then(|| reference.remove(0));
                    let got = s.pop();
                    prop_assert_eq!(got, want);
                    if let Some((t, _)) = got {
                        now = t;
                    }
                }
                prop_assert_eq!(s.len(), reference.len());
                prop_assert_eq!(s.min_time(), reference.iter().map(|r| r.0).min());
            }
        }
    }
}
