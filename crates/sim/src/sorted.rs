//! A small ordered map kept as a sorted `Vec`: for the few, rarely touched
//! entries of the consistency bookkeeping (events a crash cut, versions,
//! held events). A `BTreeMap` would do, but each of its instantiations adds
//! kilobytes to the page's download; binary search over a slice adds little.

/// Sorts `v`. Every sort in the engine and the page sorts `u64`s through
/// here or [`order_by`]: each other element type or comparison would add
/// its own copy of the sort, about 3.5 KB of the page's download.
pub fn sort_u64(v: &mut [u64]) {
    v.sort_unstable();
}

/// Sorts `v` (as [`sort_u64`]).
pub fn sort_u32(v: &mut [u32]) {
    let mut wide: Vec<u64> = v.iter().map(|&x| u64::from(x)).collect();
    sort_u64(&mut wide);
    for (x, w) in v.iter_mut().zip(wide) {
        *x = w as u32;
    }
}

/// The indices `0..n` ordered by `key`, ties in index order. Each key must
/// fit in the bits the index leaves (64 less the bits of `n`).
pub fn order_by(n: usize, key: impl Fn(usize) -> u64) -> Vec<usize> {
    let bits = usize::BITS - n.leading_zeros();
    let mask = (1u64 << bits) - 1;
    let mut keys: Vec<u64> = (0..n)
        .map(|i| {
            let k = key(i);
            debug_assert!(bits == 0 || k < 1 << (64 - bits), "key {k} of {n} items does not fit");
            k.checked_shl(bits).unwrap_or(0) | i as u64
        })
        .collect();
    sort_u64(&mut keys);
    keys.into_iter().map(|k| (k & mask) as usize).collect()
}

/// Entries ordered by key; at most one per key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SortedMap<K, V> {
    items: Vec<(K, V)>,
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap { items: Vec::new() }
    }
}

impl<K: Ord + Copy, V> SortedMap<K, V> {
    fn find(&self, k: &K) -> Result<usize, usize> {
        self.items.binary_search_by(|(x, _)| x.cmp(k))
    }

    /// The value for `k`.
    pub fn get(&self, k: &K) -> Option<&V> {
        self.find(k).ok().map(|i| &self.items[i].1)
    }

    /// The value for `k`, to change.
    pub fn get_mut(&mut self, k: &K) -> Option<&mut V> {
        self.find(k).ok().map(|i| &mut self.items[i].1)
    }

    /// Whether `k` has an entry.
    pub fn contains_key(&self, k: &K) -> bool {
        self.find(k).is_ok()
    }

    /// Sets `k`'s value; returns whether `k` is new.
    pub fn insert(&mut self, k: K, v: V) -> bool {
        match self.find(&k) {
            Ok(i) => {
                self.items[i].1 = v;
                false
            }
            Err(i) => {
                self.items.insert(i, (k, v));
                true
            }
        }
    }

    /// Removes `k`'s entry and returns its value.
    pub fn remove(&mut self, k: &K) -> Option<V> {
        self.find(k).ok().map(|i| self.items.remove(i).1)
    }

    /// Entries with keys in `lo..hi`.
    pub fn count_in(&self, lo: &K, hi: &K) -> usize {
        let start = self.find(lo).unwrap_or_else(|i| i);
        let end = self.find(hi).unwrap_or_else(|i| i);
        end.saturating_sub(start)
    }

    /// Entries, in key order.
    pub fn iter(&self) -> impl Iterator<Item = &(K, V)> {
        self.items.iter()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether it has no entry.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_and_sorts_agree_with_the_standard_sorts() {
        let keys = [5u64, 1, 5, 0, 9, 1];
        let order = order_by(keys.len(), |i| keys[i]);
        assert_eq!(order, [3, 1, 5, 0, 2, 4], "ties in index order");
        assert_eq!(order_by(0, |_| 0), Vec::<usize>::new());
        assert_eq!(order_by(1, |_| u64::MAX >> 1), [0]);
        let mut v = [7u32, u32::MAX, 0, 7];
        sort_u32(&mut v);
        assert_eq!(v, [0, 7, 7, u32::MAX]);
    }

    #[test]
    fn it_keeps_one_entry_per_key_in_order() {
        let mut m = SortedMap::default();
        assert!(m.insert(5, "e") && m.insert(1, "a") && m.insert(3, "c"));
        assert!(!m.insert(3, "C"), "a second insert replaces");
        assert_eq!(m.iter().map(|(k, v)| (*k, *v)).collect::<Vec<_>>(), [(1, "a"), (3, "C"), (5, "e")]);
        assert_eq!((m.get(&3), m.contains_key(&4), m.count_in(&2, &5)), (Some(&"C"), false, 1));
        assert_eq!((m.remove(&1), m.remove(&1), m.len()), (Some("a"), None, 2));
        *m.get_mut(&5).unwrap() = "E";
        assert_eq!(m.get(&5), Some(&"E"));
    }
}
