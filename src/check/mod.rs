//! Semantic check: names, arity, shapes, index ranges, free-index consistency.
//!
//! Checks that need no shapes (unknown and duplicate names, arity, unbound
//! indices, cycles among definitions) run over the whole file in
//! [`env::build_env`]. Shapes and index ranges depend on the arguments a
//! definition is applied to, so they are checked where definitions are
//! expanded, by `lower`, with the helpers here.
//!
//! Every error is a [`Diagnostic`](crate::diag::Diagnostic) whose span is
//! the offending text (the second use of an index, the extra argument, the
//! unknown name), whose message says what is wrong and what was expected,
//! and whose labels point at the other half of a conflict (the first use,
//! the earlier declaration, the call that expanded a definition).

pub mod env;
pub mod names;
pub mod shape;

pub use env::{build_env, Env};
pub use shape::Shape;
