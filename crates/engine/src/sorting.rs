//! Sorting, compiled once: every list the engine sorts is sorted by an `i64` key through the one
//! sort of `(key, position)` pairs here. The standard library's sort is compiled anew for every
//! element type and comparison, a few kilobytes of wasm each.

/// Sorts `items` by `key`, keeping items with equal keys in the order they were in (stable).
pub(crate) fn sort_by_key<T>(items: &mut Vec<T>, key: impl Fn(&T) -> i64) {
    let mut order: Vec<(i64, u32)> = items
        .iter()
        .enumerate()
        .map(|(position, item)| (key(item), position as u32))
        .collect();
    sort_pairs(&mut order);
    let mut taken: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(
        order
            .iter()
            .filter_map(|&(_, position)| taken.get_mut(position as usize)?.take()),
    );
}

/// The one sort: `(key, position)` pairs, which are all different, so stability is moot.
#[inline(never)]
fn sort_pairs(pairs: &mut [(i64, u32)]) {
    pairs.sort_unstable();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_by_key_and_keeps_ties_in_order() {
        let mut items = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e')];
        sort_by_key(&mut items, |&(key, _)| key);
        assert_eq!(
            items,
            vec![(1, 'b'), (1, 'e'), (2, 'd'), (3, 'a'), (3, 'c')]
        );
        let mut empty: Vec<u8> = Vec::new();
        sort_by_key(&mut empty, |&b| i64::from(b));
        assert!(empty.is_empty());
    }
}
