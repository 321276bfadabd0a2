//! The evaluator's memo tables: where a memoized value is kept (a dense
//! table per derivative context, or a hash map), and the dense tables each
//! thread keeps for its next evaluator.

use super::scalar::{Field, Valued};
use std::any::Any;
use std::cell::RefCell;
use std::hash::BuildHasherDefault;

/// The memo tables' hasher: their keys are small integers, for which
/// SipHash is needlessly slow.
pub(crate) type Fx = BuildHasherDefault<rustc_hash::FxHasher>;

/// Where a node's value at the current indices is memoized.
#[derive(Clone, Copy)]
pub(super) enum Slot {
    /// A context's dense table, and the position in it.
    Dense(u32, usize),
    /// The hash map's key: shape, context, packed index values.
    Hashed((u32, u32, u64)),
}

/// Memo tables larger than this (entries per context) use the hash map.
pub(super) const DENSE_LIMIT: usize = 1 << 16;

/// The memory all dense memo tables of one evaluation may take.
pub(super) const DENSE_BYTES: usize = 8 << 20;

/// A dense memo table entry: a value, present only if `stamp` is the
/// evaluator's (see `Evaluator::stamp`).
#[derive(Clone, Copy)]
pub(super) struct Entry<T> {
    /// The evaluator that wrote it.
    pub(super) stamp: u64,
    /// The value and its rounding-error bound.
    pub(super) value: Valued<T>,
}

/// Dense memo tables that no evaluator is using, kept by each thread for
/// the next evaluator of the same number type. Allocating and clearing
/// an evaluator's tables (one per derivative context) was a good part of
/// evaluating at a point; stamps make clearing a spare unnecessary.
struct SpareTables<T>(Vec<Vec<Entry<T>>>);

/// A thread's spare tables, and the stamps that tell their entries apart.
struct Spares {
    /// The last stamp handed out (0: none; entries never written carry 0).
    last_stamp: u64,
    /// A `SpareTables<T>` for each number type `T` used.
    tables: Vec<Box<dyn Any>>,
}

thread_local! {
    static SPARES: RefCell<Spares> = const {
        RefCell::new(Spares {
            last_stamp: 0,
            tables: Vec::new(),
        })
    };
}

/// Spare tables are kept up to this many bytes per number type and thread.
const SPARE_BYTES: usize = 4 << 20;

/// A stamp no other evaluator on this thread has had, and the thread's
/// spare tables for `T` (none if it has none).
pub(super) fn take_spare_tables<T: Field>() -> (u64, Vec<Vec<Entry<T>>>) {
    let taken = SPARES.try_with(|spares| {
        let mut spares = spares.try_borrow_mut().ok()?;
        spares.last_stamp += 1;
        let stamp = spares.last_stamp;
        let tables = spares
            .tables
            .iter_mut()
            .find_map(|b| b.downcast_mut::<SpareTables<T>>())
            .map(|kept| std::mem::take(&mut kept.0))
            .unwrap_or_default();
        Some((stamp, tables))
    });
    // Without the thread's spares, new tables: their entries carry 0.
    taken.ok().flatten().unwrap_or((1, Vec::new()))
}

/// Keeps `tables` (up to [`SPARE_BYTES`]) for the thread's next evaluator.
pub(super) fn give_back_tables<T: Field>(mut tables: Vec<Vec<Entry<T>>>) {
    let mut bytes = 0usize;
    tables.retain(|t| {
        bytes = bytes.saturating_add(t.capacity() * std::mem::size_of::<Entry<T>>());
        bytes <= SPARE_BYTES
    });
    let _ = SPARES.try_with(|spares| {
        let Ok(mut spares) = spares.try_borrow_mut() else {
            return;
        };
        match spares
            .tables
            .iter_mut()
            .find_map(|b| b.downcast_mut::<SpareTables<T>>())
        {
            Some(kept) => kept.0 = tables,
            None => spares.tables.push(Box::new(SpareTables(tables))),
        }
    });
}
