//! A consumer group's idempotency store: the message ids already processed.

use std::collections::VecDeque;

use crate::scenario::{EventStoreKind, Idempotency};
use crate::time::{self, Time};
use crate::trace::MsgId;

/// Processed message ids, optionally bounded by count or age.
#[derive(Clone, Debug, Default)]
pub(crate) struct DedupStore {
    /// Applying in version order (a projection): the versions applied and
    /// the events held for theirs.
    pub versions: Option<crate::versions::Versions>,
    /// Writing an event store: each aggregate's version.
    pub events: Option<crate::event_store::EventStore>,
    /// A projection of a topic that can be rebuilt (or snapshots).
    pub projection: Option<Box<crate::projection::Projection>>,
    enabled: bool,
    capacity: Option<usize>,
    ttl: Option<Time>,
    /// Bitset over message ids.
    present: Vec<u64>,
    /// Insertion order, for eviction (only when bounded).
    order: VecDeque<(Time, MsgId)>,
    len: usize,
}

impl DedupStore {
    pub fn new(spec: &Idempotency, events: EventStoreKind) -> Self {
        DedupStore {
            versions: spec.versions.then(crate::versions::Versions::default),
            events: crate::event_store::EventStore::new(events),
            enabled: spec.enabled,
            capacity: spec.capacity.map(|c| c as usize),
            ttl: spec.ttl_ms.map(time::ms),
            ..DedupStore::default()
        }
    }

    /// Bytes held: the bitset and the eviction order.
    pub fn heap_bytes(&self) -> u64 {
        crate::memory::vec_bytes::<u64>(self.present.capacity())
            + crate::memory::vec_bytes::<(Time, MsgId)>(self.order.capacity())
            + self.events.as_ref().map_or(0, crate::event_store::EventStore::heap_bytes)
            + self.projection.as_ref().map_or(0, |p| p.heap_bytes())
    }

    fn bounded(&self) -> bool {
        self.capacity.is_some() || self.ttl.is_some()
    }

    fn bit(msg: MsgId) -> (usize, u64) {
        ((msg / 64) as usize, 1 << (msg % 64))
    }

    fn contains_raw(&self, msg: MsgId) -> bool {
        let (w, b) = Self::bit(msg);
        self.present.get(w).is_some_and(|x| x & b != 0)
    }

    fn set(&mut self, msg: MsgId, on: bool) {
        let (w, b) = Self::bit(msg);
        if self.present.len() <= w {
            self.present.resize(w + 1, 0);
        }
        if on {
            self.present[w] |= b;
        } else {
            self.present[w] &= !b;
        }
    }

    /// If the store is on: whether `msg` was already processed (a dedup hit);
    /// if not, remembers it. Always `false` when the store is off.
    #[inline]
    pub fn check_and_remember(&mut self, msg: MsgId, now: Time) -> bool {
        if !self.enabled {
            return false;
        }
        if self.bounded() {
            return self.check_and_remember_bounded(msg, now);
        }
        // Unbounded: a set of message ids, inlined into the event loop.
        if self.contains_raw(msg) {
            return true;
        }
        self.set(msg, true);
        self.len += 1;
        false
    }

    /// Forgets `msg`, just remembered by
    /// [`check_and_remember`](Self::check_and_remember): the transaction
    /// that would have written it did not commit (a crash came first). A
    /// message a full store evicted to make room for it stays forgotten.
    #[cold]
    pub fn forget(&mut self, msg: MsgId) {
        if !self.enabled || !self.contains_raw(msg) {
            return;
        }
        self.set(msg, false);
        self.len -= 1;
        if self.order.back().is_some_and(|&(_, m)| m == msg) {
            self.order.pop_back();
        }
    }

    /// [`check_and_remember`](Self::check_and_remember) for a store that
    /// forgets (by age or capacity), out of line.
    #[inline(never)]
    fn check_and_remember_bounded(&mut self, msg: MsgId, now: Time) -> bool {
        if let Some(ttl) = self.ttl {
            while let Some(&(at, old)) = self.order.front() {
                if at.saturating_add(ttl) > now {
                    break;
                }
                self.order.pop_front();
                self.set(old, false);
                self.len -= 1;
            }
        }
        if self.contains_raw(msg) {
            return true;
        }
        self.set(msg, true);
        self.len += 1;
        if self.bounded() {
            self.order.push_back((now, msg));
            if let Some(cap) = self.capacity
                && self.len > cap
                && let Some((_, old)) = self.order.pop_front()
            {
                self.set(old, false);
                self.len -= 1;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_never_hits() {
        let mut s = DedupStore::new(&Idempotency::default(), EventStoreKind::None);
        assert!(!s.check_and_remember(1, 0));
        assert!(!s.check_and_remember(1, 0));
    }

    #[test]
    fn unbounded_remembers_forever() {
        let mut s = DedupStore::new(&Idempotency { enabled: true, ..Default::default() }, EventStoreKind::None);
        assert!(!s.check_and_remember(200, 0));
        assert!(s.check_and_remember(200, u64::MAX / 2));
    }

    #[test]
    fn capacity_forgets_oldest() {
        let mut s = DedupStore::new(
            &Idempotency { enabled: true, capacity: Some(2), ttl_ms: None, versions: false },
            EventStoreKind::None,
        );
        assert!(!s.check_and_remember(1, 0));
        assert!(!s.check_and_remember(2, 0));
        assert!(!s.check_and_remember(3, 0)); // evicts 1
        assert!(s.check_and_remember(3, 0));
        assert!(!s.check_and_remember(1, 0)); // forgotten: a duplicate slips through
    }

    #[test]
    fn ttl_forgets_old_keys() {
        let mut s = DedupStore::new(
            &Idempotency { enabled: true, capacity: None, ttl_ms: Some(10.0), versions: false },
            EventStoreKind::None,
        );
        assert!(!s.check_and_remember(1, 0));
        assert!(s.check_and_remember(1, 9_999));
        assert!(!s.check_and_remember(1, 10_000));
    }
}
