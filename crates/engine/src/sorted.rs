//! A sorted set kept in chunks of at most [`CHUNK`] items: the calendars' and indexes' storage.
//!
//! A B-tree splits a full node in two halves and never fills the left one again, so that items
//! added in order (a doctor's days are booked forwards) leave its nodes half empty: about twice
//! the items' own size. Here a chunk that is full when an item is added after its last one stays
//! full and a new chunk starts, so items added in order take their own size, and others about
//! four thirds of it. Finding an item is a binary search over the chunks' last items (kept side by
//! side in one array, so that the search reads one cache line per step instead of following a
//! pointer to every chunk it passes), then within one chunk; adding or removing one moves at
//! most a chunk's items.

use std::ops::Bound;

/// The most items a chunk holds.
const CHUNK: usize = 128;

/// A set of `T`, in order. Two are equal when they hold the same items, however chunked.
#[derive(Debug, Clone)]
pub(crate) struct SortedChunks<T> {
    /// Never empty ones; each in order, and all of one before all of the next.
    chunks: Vec<Vec<T>>,
    /// Each chunk's last item, at the chunk's index.
    lasts: Vec<T>,
    len: usize,
}

impl<T> Default for SortedChunks<T> {
    fn default() -> Self {
        SortedChunks {
            chunks: Vec::new(),
            lasts: Vec::new(),
            len: 0,
        }
    }
}

impl<T: PartialEq> PartialEq for SortedChunks<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len
            && self
                .chunks
                .iter()
                .flatten()
                .eq(other.chunks.iter().flatten())
    }
}

impl<T: Eq> Eq for SortedChunks<T> {}

/// A place between items: chunk, index in it (`(chunks.len(), 0)`: after the last).
type Position = (usize, usize);

impl<T: Ord + Copy> SortedChunks<T> {
    /// Whether there are none.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Forgets every item.
    pub(crate) fn clear(&mut self) {
        self.chunks.clear();
        self.lasts.clear();
        self.len = 0;
    }

    /// The first item.
    pub(crate) fn first(&self) -> Option<&T> {
        self.chunks.first().and_then(|chunk| chunk.first())
    }

    /// Where the first item not below `item` is.
    fn lower_bound(&self, item: &T) -> Position {
        let c = self.lasts.partition_point(|last| last < item);
        match self.chunks.get(c) {
            Some(chunk) => (c, chunk.partition_point(|x| x < item)),
            None => (c, 0),
        }
    }

    /// Where the first item above `item` is.
    fn upper_bound(&self, item: &T) -> Position {
        let c = self.lasts.partition_point(|last| last <= item);
        match self.chunks.get(c) {
            Some(chunk) => (c, chunk.partition_point(|x| x <= item)),
            None => (c, 0),
        }
    }

    /// Adds `item`; `false` if it is there already.
    pub(crate) fn insert(&mut self, item: T) -> bool {
        let (mut c, mut i) = self.lower_bound(&item);
        if c == self.chunks.len() {
            // After the last item: at the end of the last chunk, or of a new one.
            match (self.chunks.last_mut(), self.lasts.last_mut()) {
                (Some(chunk), Some(last)) if chunk.len() < CHUNK => {
                    chunk.push(item);
                    *last = item;
                }
                _ => {
                    self.chunks.push(vec![item]);
                    self.lasts.push(item);
                }
            }
            self.len += 1;
            return true;
        }
        let Some(chunk) = self.chunks.get_mut(c) else {
            return false;
        };
        if chunk.get(i) == Some(&item) {
            return false;
        }
        if chunk.len() >= CHUNK {
            let tail = chunk.split_off(CHUNK / 2);
            let (Some(&head_last), Some(&tail_last)) = (chunk.last(), tail.last()) else {
                return false;
            };
            self.chunks.insert(c + 1, tail);
            self.lasts.insert(c + 1, tail_last);
            if let Some(last) = self.lasts.get_mut(c) {
                *last = head_last;
            }
            if i > CHUNK / 2 {
                c += 1;
                i -= CHUNK / 2;
            }
        }
        if let Some(chunk) = self.chunks.get_mut(c) {
            chunk.insert(i, item);
            self.len += 1;
            // After a split, the item may follow every item of the first half.
            if i + 1 == chunk.len() {
                if let Some(last) = self.lasts.get_mut(c) {
                    *last = item;
                }
            }
        }
        true
    }

    /// Removes `item`; `false` if it is not there.
    pub(crate) fn remove(&mut self, item: &T) -> bool {
        let (c, i) = self.lower_bound(item);
        let Some(chunk) = self.chunks.get_mut(c) else {
            return false;
        };
        if chunk.get(i) != Some(item) {
            return false;
        }
        chunk.remove(i);
        self.len -= 1;
        let remaining = chunk.len();
        let Some(last) = chunk.last().copied() else {
            self.chunks.remove(c);
            self.lasts.remove(c);
            return true;
        };
        if let Some(slot) = self.lasts.get_mut(c) {
            *slot = last;
        }
        let next_len = chunk_len(&self.chunks, c + 1);
        if remaining < CHUNK / 4 && next_len > 0 && remaining + next_len <= CHUNK {
            // A chunk a quarter full takes in the next one when both fit in one, and its last item.
            let next = self.chunks.remove(c + 1);
            let next_last = self.lasts.remove(c + 1);
            if let (Some(chunk), Some(slot)) = (self.chunks.get_mut(c), self.lasts.get_mut(c)) {
                chunk.extend_from_slice(&next);
                *slot = next_last;
            }
        }
        true
    }

    /// The items in `(lower, upper)`, in order (and backwards).
    pub(crate) fn range(&self, lower: Bound<&T>, upper: Bound<&T>) -> Iter<'_, T> {
        let front = match lower {
            Bound::Unbounded => (0, 0),
            Bound::Included(item) => self.lower_bound(item),
            Bound::Excluded(item) => self.upper_bound(item),
        };
        let back = match upper {
            Bound::Unbounded => (self.chunks.len(), 0),
            Bound::Included(item) => self.upper_bound(item),
            Bound::Excluded(item) => self.lower_bound(item),
        };
        Iter {
            chunks: &self.chunks,
            front,
            back,
        }
    }

    /// Every item, in order.
    pub(crate) fn iter(&self) -> Iter<'_, T> {
        self.range(Bound::Unbounded, Bound::Unbounded)
    }
}

fn chunk_len<T>(chunks: &[Vec<T>], c: usize) -> usize {
    chunks.get(c).map_or(0, Vec::len)
}

/// The items between two positions.
#[derive(Debug, Clone)]
pub(crate) struct Iter<'a, T> {
    chunks: &'a [Vec<T>],
    /// The next item from the front.
    front: Position,
    /// Just after the next item from the back.
    back: Position,
}

impl<'a, T> Iterator for Iter<'a, T> {
    type Item = &'a T;

    fn next(&mut self) -> Option<&'a T> {
        if self.front >= self.back {
            return None;
        }
        let (c, i) = self.front;
        let chunk = self.chunks.get(c)?;
        let item = chunk.get(i)?;
        self.front = if i + 1 < chunk.len() {
            (c, i + 1)
        } else {
            (c + 1, 0)
        };
        Some(item)
    }
}

impl<T> DoubleEndedIterator for Iter<'_, T> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.back <= self.front {
            return None;
        }
        let (c, i) = self.back;
        let (c, i) = if i == 0 {
            let c = c.checked_sub(1)?;
            (c, chunk_len(self.chunks, c).checked_sub(1)?)
        } else {
            (c, i - 1)
        };
        self.back = (c, i);
        self.chunks.get(c)?.get(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// A small deterministic generator (xorshift), so that the test needs no randomness crate.
    fn numbers(seed: u64, n: usize, modulo: u64) -> Vec<u64> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x % modulo
            })
            .collect()
    }

    #[test]
    fn behaves_like_a_btree_set() {
        for (seed, modulo) in [(1, 50), (2, 5_000), (3, 100_000)] {
            let mut set = SortedChunks::default();
            let mut model = BTreeSet::new();
            let ops = numbers(seed, 20_000, modulo);
            for (k, &x) in ops.iter().enumerate() {
                if k % 3 == 2 {
                    assert_eq!(set.remove(&x), model.remove(&x));
                } else {
                    assert_eq!(set.insert(x), model.insert(x));
                }
                assert_eq!(set.len, model.len());
                let lasts: Vec<u64> = set
                    .chunks
                    .iter()
                    .filter_map(|c| c.last().copied())
                    .collect();
                assert_eq!(set.lasts, lasts, "each chunk's last item, in step");
            }
            assert!(set.iter().copied().eq(model.iter().copied()));
            assert!(set.iter().rev().copied().eq(model.iter().rev().copied()));
            for (&a, &b) in ops.iter().zip(ops.iter().skip(1)).take(300) {
                let (lo, hi) = (a.min(b), a.max(b));
                let bounds = [
                    (Bound::Included(&lo), Bound::Excluded(&hi)),
                    (Bound::Excluded(&lo), Bound::Included(&hi)),
                    (Bound::Unbounded, Bound::Excluded(&hi)),
                    (Bound::Included(&lo), Bound::Unbounded),
                ];
                for (lower, upper) in bounds {
                    let ours: Vec<u64> = set.range(lower, upper).copied().collect();
                    let theirs: Vec<u64> = model.range((lower, upper)).copied().collect();
                    assert_eq!(ours, theirs);
                    let back: Vec<u64> = set.range(lower, upper).rev().copied().collect();
                    assert!(back.iter().rev().eq(theirs.iter()));
                }
            }
            assert_eq!(set.first(), model.first());
            set.clear();
            assert!(set.is_empty() && set.iter().next().is_none());
        }
    }

    #[test]
    fn an_item_between_the_halves_of_a_full_chunk_is_found_again() {
        // A full chunk of even numbers; 2 * (CHUNK / 2) - 1 falls right after the first half
        // when the chunk splits, and becomes that half's last item.
        let mut set = SortedChunks::default();
        for x in 0..CHUNK as u64 {
            set.insert(x * 2);
        }
        let between = CHUNK as u64 - 1;
        assert!(set.insert(between));
        let lasts: Vec<u64> = set
            .chunks
            .iter()
            .filter_map(|c| c.last().copied())
            .collect();
        assert_eq!(set.lasts, lasts);
        assert!(!set.insert(between), "found, not added twice");
        assert!(set.remove(&between));
        assert!(set.iter().copied().eq((0..CHUNK as u64).map(|x| x * 2)));
    }

    #[test]
    fn items_added_in_order_fill_their_chunks() {
        let mut set = SortedChunks::default();
        for x in 0..10 * CHUNK {
            set.insert(x);
        }
        assert_eq!(set.chunks.len(), 10);
        assert!(set.chunks.iter().all(|c| c.len() == CHUNK));
        // Emptied one by one from the front, it keeps no empty chunk.
        for x in 0..10 * CHUNK {
            assert!(set.remove(&x));
        }
        assert!(set.chunks.is_empty());
    }

    #[test]
    fn iterating_from_both_ends_meets_in_the_middle() {
        let mut set = SortedChunks::default();
        for x in 0..1000 {
            set.insert(x);
        }
        let mut it = set.iter();
        let mut seen = Vec::new();
        loop {
            match (it.next(), it.next_back()) {
                (Some(a), Some(b)) => seen.extend([*a, *b]),
                (Some(a), None) => seen.push(*a),
                _ => break,
            }
        }
        seen.sort_unstable();
        assert!(seen.iter().copied().eq(0..1000));
    }
}
