//! Semantic check: names, arity, shapes, index ranges, free-index consistency.
