//! The idempotent producer: each producer numbers its records per partition
//! (0, 1, 2, …), and the partition's leader appends a record only if it is
//! the next number it expects from that producer. A retry of a record it
//! already has is acknowledged again but not appended twice; a record that
//! arrives ahead of a missing one is refused (the producer sends them again
//! in order).

use crate::sorted::SortedMap;

/// What the leader does with a numbered record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sequenced {
    /// The next one: append it.
    Append,
    /// Already appended (a retry): acknowledge, do not append.
    Duplicate,
    /// Ahead of a missing one: refuse.
    OutOfOrder,
}

/// The next sequence number the leader expects, per producer.
#[derive(Clone, Debug, Default)]
pub struct Sequences {
    /// A sorted vector (the engine's map type: no tree map's code in the page).
    next: SortedMap<u32, u64>,
}

impl Sequences {
    /// Record `seq` from producer `producer` arrives.
    pub fn arrive(&mut self, producer: u32, seq: u64) -> Sequenced {
        if !self.next.contains_key(&producer) {
            self.next.insert(producer, 0);
        }
        let Some(next) = self.next.get_mut(&producer) else { return Sequenced::OutOfOrder };
        if seq < *next {
            Sequenced::Duplicate
        } else if seq > *next {
            Sequenced::OutOfOrder
        } else {
            *next += 1;
            Sequenced::Append
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_are_dropped_and_gaps_refused() {
        let mut s = Sequences::default();
        assert_eq!(s.arrive(7, 0), Sequenced::Append);
        assert_eq!(s.arrive(7, 0), Sequenced::Duplicate, "a retry after a lost ack");
        assert_eq!(s.arrive(7, 2), Sequenced::OutOfOrder, "1 is missing");
        assert_eq!(s.arrive(7, 1), Sequenced::Append);
        assert_eq!(s.arrive(7, 2), Sequenced::Append);
        assert_eq!(s.arrive(8, 0), Sequenced::Append, "per producer");
    }

    /// Any mix of retries (each record sent one or more times, a later
    /// record only after an earlier one was appended): each appended once.
    #[test]
    fn each_record_is_appended_exactly_once() {
        let mut rng = crate::rng::SimRng::new(3);
        let mut s = Sequences::default();
        let mut appended = Vec::new();
        let mut next_to_send = 0u64;
        for _ in 0..5_000 {
            // Send the next record, or retry one of the last three.
            let seq = if rng.chance(0.6) { next_to_send } else { next_to_send.saturating_sub(u64::from(rng.below(3))) };
            if s.arrive(1, seq) == Sequenced::Append {
                appended.push(seq);
                next_to_send += 1;
            }
        }
        assert!(appended.iter().enumerate().all(|(i, &q)| q == i as u64), "in order, each once");
    }
}
