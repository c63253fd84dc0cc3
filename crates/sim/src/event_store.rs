//! A consumer group as the writer of an event store. Each message is a
//! command for one aggregate (its key); handling it reads the aggregate's
//! stream — its version, the number of events in it — when processing
//! starts, decides, and appends one event when processing ends.
//!
//! Two instances handling commands for the same aggregate at once both read
//! the same version. With **expected versions** (optimistic concurrency) the
//! second append finds the stream moved on: a conflict, and the command is
//! handled again from the new version. **Blind** appends take both, and the
//! second was decided on a state that no longer existed: a lost update.
//!
//! The store is the group's own database, shared by its instances and kept
//! through their crashes (as the idempotency store is).

use crate::scenario::EventStoreKind;

/// What an append found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Append {
    /// The stream was at the version read: the event is appended.
    Appended,
    /// The stream moved on by this many events since the read, and the
    /// append names its expected version: refused.
    Conflict(u32),
    /// The stream moved on by this many events since the read, and the
    /// append is blind: appended anyway, a lost update.
    Lost(u32),
}

/// Each aggregate's version: the events appended to its stream.
#[derive(Clone, Debug)]
pub(crate) struct EventStore {
    expected: bool,
    versions: Vec<u32>,
}

impl EventStore {
    /// The store of a group with `kind` (none for [`EventStoreKind::None`]).
    pub fn new(kind: EventStoreKind) -> Option<Self> {
        (kind != EventStoreKind::None)
            .then(|| EventStore { expected: kind == EventStoreKind::ExpectedVersion, versions: Vec::new() })
    }

    /// Aggregate `key`'s version now.
    pub fn version(&self, key: u32) -> u32 {
        self.versions.get(key as usize).copied().unwrap_or(0)
    }

    /// Appends an event to aggregate `key`'s stream, decided on version `read`.
    pub fn append(&mut self, key: u32, read: u32) -> Append {
        let k = key as usize;
        if self.versions.len() <= k {
            self.versions.resize(k + 1, 0);
        }
        let missed = self.versions[k] - read;
        if missed > 0 && self.expected {
            return Append::Conflict(missed);
        }
        self.versions[k] += 1;
        if missed > 0 { Append::Lost(missed) } else { Append::Appended }
    }

    /// Bytes held.
    pub fn heap_bytes(&self) -> u64 {
        crate::memory::vec_bytes::<u32>(self.versions.capacity())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expected_version_refuses_a_moved_stream() {
        let mut s = EventStore::new(EventStoreKind::ExpectedVersion).unwrap();
        let (a, b) = (s.version(7), s.version(7));
        assert_eq!(s.append(7, a), Append::Appended);
        assert_eq!(s.append(7, b), Append::Conflict(1), "b read version 0, the stream is at 1");
        assert_eq!(s.append(7, s.version(7)), Append::Appended, "read again, appended");
        assert_eq!((s.version(7), s.version(3)), (2, 0));
    }

    #[test]
    fn blind_appends_lose_the_update() {
        let mut s = EventStore::new(EventStoreKind::Blind).unwrap();
        assert_eq!(s.append(1, 0), Append::Appended);
        assert_eq!(s.append(1, 0), Append::Lost(1));
        assert_eq!(s.version(1), 2);
        assert!(EventStore::new(EventStoreKind::None).is_none());
    }
}
