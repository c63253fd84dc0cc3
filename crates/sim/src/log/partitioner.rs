//! Which partition of a topic a record is appended to.
//!
//! - **By key**: the key's decimal digits as UTF-8 bytes (key 17 is `"17"`),
//!   hashed with Kafka's murmur2, its sign bit cleared, modulo the partition
//!   count — the partition Kafka's default partitioner picks for that string
//!   key. The same key always lands in the same partition, so records of one
//!   key stay in order.
//! - **Round robin**: partitions in turn, one record each.
//! - **Sticky** (no key, Kafka's KIP-480): fill a batch on one partition, then
//!   move to another chosen at random (never the same one twice in a row
//!   when there are two or more), so batches are full and few.

use crate::rng::SimRng;

/// Kafka's murmur2 hash (`org.apache.kafka.common.utils.Utils.murmur2`).
pub fn murmur2(data: &[u8]) -> i32 {
    const SEED: u32 = 0x9747_b28c;
    const M: u32 = 0x5bd1_e995;
    const R: u32 = 24;
    let len = data.len();
    let mut h = SEED ^ len as u32;
    let mut chunks = data.chunks_exact(4);
    for c in &mut chunks {
        let mut k = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        if tail.len() >= 3 {
            h ^= u32::from(tail[2]) << 16;
        }
        if tail.len() >= 2 {
            h ^= u32::from(tail[1]) << 8;
        }
        h ^= u32::from(tail[0]);
        h = h.wrapping_mul(M);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h as i32
}

/// The partition of business key `key` among `partitions` (at least 1).
pub fn by_key(key: u32, partitions: u32) -> u32 {
    // The key's decimal digits, written on the stack (no allocation per record).
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    let mut k = key;
    loop {
        at -= 1;
        digits[at] = b'0' + (k % 10) as u8;
        k /= 10;
        if k == 0 {
            break;
        }
    }
    (murmur2(&digits[at..]) as u32 & 0x7fff_ffff) % partitions.max(1)
}

/// How a producer spreads records without using their key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Spread {
    /// Partitions in turn; holds the next one.
    RoundRobin(u32),
    /// The current partition and the records left in its batch.
    Sticky {
        /// Where records go now.
        current: u32,
        /// Records still to put in this batch.
        left: u32,
    },
}

impl Spread {
    /// The partition of the next record among `partitions`; a sticky spread
    /// moves on after `batch` records (drawing from `rng`).
    pub fn next(&mut self, partitions: u32, batch: u32, rng: &mut SimRng) -> u32 {
        let partitions = partitions.max(1);
        match self {
            Spread::RoundRobin(next) => {
                let p = *next % partitions;
                *next = (p + 1) % partitions;
                p
            }
            Spread::Sticky { current, left } => {
                if *left == 0 {
                    *current = if partitions == 1 {
                        0
                    } else {
                        // Any partition but the current one, uniformly.
                        let step = 1 + rng.below(partitions - 1);
                        (*current + step) % partitions
                    };
                    *left = batch.max(1);
                }
                *left -= 1;
                *current % partitions
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Kafka's own values (as its clients' tests pin them).
    #[test]
    fn murmur2_is_kafkas() {
        for (text, want) in [
            ("1", -1_993_445_489),
            ("12", 126_087_238),
            ("123", -267_702_483),
            ("1234", -1_614_185_708),
            ("12345", -1_188_365_604),
        ] {
            assert_eq!(murmur2(text.as_bytes()), want, "{text}");
        }
    }

    #[test]
    fn a_key_always_lands_in_the_same_partition_and_keys_spread() {
        let mut counts = [0u32; 12];
        for key in 0..12_000 {
            let p = by_key(key, 12);
            assert_eq!(p, by_key(key, 12));
            // The digits written on the stack are the key's decimal text.
            assert_eq!(p, (murmur2(key.to_string().as_bytes()) as u32 & 0x7fff_ffff) % 12);
            counts[p as usize] += 1;
        }
        // 1,000 expected each; a binomial σ of about 30.
        assert!(counts.iter().all(|&c| (850..=1150).contains(&c)), "{counts:?}");
        assert_eq!(by_key(7, 1), 0);
        for key in [0, 9, 10, 99, 100, 1_000_000, u32::MAX] {
            assert_eq!(by_key(key, 1_000), (murmur2(key.to_string().as_bytes()) as u32 & 0x7fff_ffff) % 1_000);
        }
    }

    #[test]
    fn round_robin_takes_turns_and_sticky_fills_batches() {
        let mut rng = SimRng::new(1);
        let mut rr = Spread::RoundRobin(0);
        let turns: Vec<u32> = (0..7).map(|_| rr.next(3, 1, &mut rng)).collect();
        assert_eq!(turns, [0, 1, 2, 0, 1, 2, 0]);
        let mut sticky = Spread::Sticky { current: 0, left: 0 };
        let picks: Vec<u32> = (0..40).map(|_| sticky.next(4, 5, &mut rng)).collect();
        for batch in picks.chunks(5) {
            assert!(batch.iter().all(|&p| p == batch[0]), "a batch stays on one partition: {picks:?}");
        }
        for pair in picks.chunks(5).collect::<Vec<_>>().windows(2) {
            assert_ne!(pair[0][0], pair[1][0], "the next batch moves on: {picks:?}");
        }
        let mut one = Spread::Sticky { current: 0, left: 0 };
        assert!((0..10).all(|_| one.next(1, 3, &mut rng) == 0));
    }
}
