//! Proptest-style value trees: a value that can be simplified step by step
//! and, when a step went too far, complicated back. The trait and the
//! integer shrinker mirror proptest's `ValueTree` and
//! `num::usize::BinarySearch` (1.x) exactly, so that shrunk counterexamples
//! are what they were when proptest did the shrinking, while the library
//! does not need proptest at run time.

/// A value being shrunk (proptest's `strategy::ValueTree`): `simplify`
/// moves to a simpler value, `complicate` back toward the last one that
/// still failed; each says whether it moved.
pub(crate) trait ValueTree {
    /// What the tree holds.
    type Value;

    /// The value now.
    fn current(&self) -> Self::Value;

    /// Moves to a simpler value; `false` when there is none.
    fn simplify(&mut self) -> bool;

    /// Moves back toward the value before the last `simplify`, which
    /// passed; `false` when it cannot.
    fn complicate(&mut self) -> bool;
}

/// Shrinks an integer toward `lo` by binary search, as proptest's
/// `num::usize::BinarySearch`: the current value is the middle of
/// `lo..=hi`; simplifying lowers `hi` to it, complicating raises `lo`
/// above it. The arithmetic is proptest's, to the letter.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BinarySearch {
    lo: usize,
    curr: usize,
    hi: usize,
}

impl BinarySearch {
    /// A search from `start` down toward 0.
    pub(crate) fn new(start: usize) -> Self {
        BinarySearch {
            lo: 0,
            curr: start,
            hi: start,
        }
    }

    /// A search from `start` that never goes below `lo`.
    pub(crate) fn new_above(lo: usize, start: usize) -> Self {
        BinarySearch {
            lo,
            curr: start,
            hi: start,
        }
    }

    fn reposition(&mut self) -> bool {
        let interval = self.hi - self.lo;
        let new_mid = self.lo + interval / 2;

        if new_mid == self.curr {
            false
        } else {
            self.curr = new_mid;
            true
        }
    }
}

impl ValueTree for BinarySearch {
    type Value = usize;

    fn current(&self) -> usize {
        self.curr
    }

    fn simplify(&mut self) -> bool {
        if self.hi <= self.lo {
            return false;
        }

        self.hi = self.curr;
        self.reposition()
    }

    fn complicate(&mut self) -> bool {
        if self.hi <= self.lo {
            return false;
        }

        self.lo = self.curr + 1;
        self.reposition()
    }
}

#[cfg(test)]
mod tests {
    use super::{BinarySearch, ValueTree};
    use proptest::strategy::ValueTree as _;

    /// The values a search visits, and what each step answered, when a
    /// value fails exactly if `fails` says so (the shrinking loop's
    /// protocol: simplify after a failure, complicate after a pass). The
    /// moves are passed in so that ours and proptest's walk the same loop.
    fn walk<T>(
        mut t: T,
        current: fn(&T) -> usize,
        simplify: fn(&mut T) -> bool,
        complicate: fn(&mut T) -> bool,
        fails: impl Fn(usize) -> bool,
    ) -> Vec<(usize, bool)> {
        let mut seen = vec![(current(&t), true)];
        let mut moved = simplify(&mut t);
        seen.push((current(&t), moved));
        for _ in 0..200 {
            if !moved {
                break;
            }
            moved = if fails(current(&t)) {
                simplify(&mut t)
            } else {
                complicate(&mut t)
            };
            seen.push((current(&t), moved));
        }
        // Once stuck, both moves keep refusing.
        seen.push((current(&t), simplify(&mut t)));
        seen.push((current(&t), complicate(&mut t)));
        seen
    }

    fn ours(t: BinarySearch, fails: impl Fn(usize) -> bool) -> Vec<(usize, bool)> {
        walk(
            t,
            |t| t.current(),
            |t| t.simplify(),
            |t| t.complicate(),
            fails,
        )
    }

    fn theirs(
        t: proptest::num::usize::BinarySearch,
        fails: impl Fn(usize) -> bool,
    ) -> Vec<(usize, bool)> {
        walk(
            t,
            |t| t.current(),
            |t| t.simplify(),
            |t| t.complicate(),
            fails,
        )
    }

    #[test]
    fn binary_search_moves_exactly_as_proptests() {
        let starts = [0usize, 1, 2, 3, 4, 5, 7, 8, 13, 64, 100, 1000, 12345];
        // Failing sets of several kinds: thresholds, single values, parity.
        let thresholds: Vec<usize> = vec![0, 1, 2, 3, 5, 9, 50, 777, usize::MAX];
        for &start in &starts {
            for &t in &thresholds {
                let above = move |x: usize| x >= t;
                let below = move |x: usize| x < t;
                let exactly = move |x: usize| x == t || x == start;
                let odd = |x: usize| x % 2 == 1;
                for lo in [0usize, 1, 2, 5] {
                    let cases: [&dyn Fn(usize) -> bool; 4] = [&above, &below, &exactly, &odd];
                    for fails in cases {
                        assert_eq!(
                            ours(BinarySearch::new_above(lo, start), fails),
                            theirs(
                                proptest::num::usize::BinarySearch::new_above(lo, start),
                                fails
                            ),
                            "new_above({lo}, {start}), threshold {t}"
                        );
                    }
                }
                for fails in [&above as &dyn Fn(usize) -> bool, &below, &exactly, &odd] {
                    assert_eq!(
                        ours(BinarySearch::new(start), fails),
                        theirs(proptest::num::usize::BinarySearch::new(start), fails),
                        "new({start}), threshold {t}"
                    );
                }
            }
        }
    }
}
