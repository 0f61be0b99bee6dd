//! Reachability, computed one way for every stage that needs it: [`crate::select`] (which schemas of a
//! document are kept, by `$ref`) and [`crate::cargo_features`] (which types each family's methods reach, by
//! type id).

use std::collections::BTreeSet;

/// `roots` and everything reachable from them, where `edges(key, out)` pushes the keys `key` refers to.
pub fn closure<K: Ord + Clone>(
    roots: impl IntoIterator<Item = K>,
    mut edges: impl FnMut(&K, &mut Vec<K>),
) -> BTreeSet<K> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<K> = roots.into_iter().collect();
    while let Some(key) = stack.pop() {
        if seen.contains(&key) {
            continue;
        }
        edges(&key, &mut stack);
        seen.insert(key);
    }
    seen
}
