//! Timeouts of one fixed duration, kept in the order they were set.
//!
//! A producer's confirm timeouts (and a queue's ack timeouts) all last the
//! same time, so their deadlines come in order: a FIFO holds them, and a single
//! engine event — the wake-up — is armed for the earliest deadline that still
//! matters. Most timeouts are answered before they expire; they are dropped
//! when the wake-up comes, without ever occupying the scheduler. Timeouts
//! still fire at exactly their deadlines.

use std::collections::VecDeque;

use crate::time::Time;

/// Pending deadlines and whether a wake-up is armed.
#[derive(Clone, Debug)]
pub(crate) struct Timers<T> {
    queue: VecDeque<(Time, T)>,
    armed: bool,
    waking: bool,
}

impl<T> Default for Timers<T> {
    fn default() -> Self {
        Timers { queue: VecDeque::new(), armed: false, waking: false }
    }
}

impl<T: Copy> Timers<T> {
    /// Adds a deadline (never earlier than the last one added). Returns the
    /// time at which the caller must schedule a wake-up, if one is needed.
    pub fn add(&mut self, at: Time, item: T) -> Option<Time> {
        debug_assert!(self.queue.back().is_none_or(|b| b.0 <= at), "deadlines out of order");
        self.queue.push_back((at, item));
        if self.armed || self.waking {
            return None;
        }
        self.armed = true;
        Some(at)
    }

    /// The wake-up arrived: takes the first item due at `now`, if any. Call
    /// until `None`, then [`rearm`](Self::rearm).
    pub fn next_due(&mut self, now: Time) -> Option<T> {
        self.armed = false;
        self.waking = true;
        match self.queue.front() {
            Some(&(at, item)) if at <= now => {
                self.queue.pop_front();
                Some(item)
            }
            _ => None,
        }
    }

    /// After a wake-up: drops the leading items that no longer matter (`live`
    /// is false) and returns the time of the next wake-up to schedule.
    pub fn rearm(&mut self, mut live: impl FnMut(&T) -> bool) -> Option<Time> {
        self.waking = false;
        while let Some((_, item)) = self.queue.front() {
            if live(item) {
                break;
            }
            self.queue.pop_front();
        }
        let next = self.queue.front().map(|&(at, _)| at);
        self.armed = next.is_some();
        next
    }

    /// Forgets every deadline (their owner crashed). A wake-up already
    /// armed still comes, finds nothing due and rearms for what is added since.
    pub fn clear(&mut self) {
        self.queue.clear();
    }

    /// Bytes held by the deadlines.
    pub fn heap_bytes(&self) -> u64 {
        crate::memory::vec_bytes::<(Time, T)>(self.queue.capacity())
    }

    /// Deadlines held (live or not).
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.queue.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_wake_up_at_a_time_and_stale_items_are_dropped() {
        let mut t: Timers<u32> = Timers::default();
        assert_eq!(t.add(10, 1), Some(10), "the first deadline arms a wake-up");
        assert_eq!(t.add(11, 2), None);
        assert_eq!(t.add(15, 3), None);
        // Wake-up at 10: item 1 is due; then 2 is stale, 3 is live.
        assert_eq!(t.next_due(10), Some(1));
        assert_eq!(t.next_due(10), None);
        assert_eq!(t.add(20, 4), None, "no second wake-up while one is being handled");
        assert_eq!(t.rearm(|&i| i != 2), Some(15));
        assert_eq!(t.len(), 2);
        assert_eq!(t.next_due(15), Some(3));
        assert_eq!(t.next_due(15), None);
        assert_eq!(t.rearm(|_| false), None, "everything left is stale");
        assert_eq!(t.add(30, 5), Some(30), "empty and unarmed: arm again");
    }
}
