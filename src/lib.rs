//! derivcheck checks mathematical derivations step by step.
//!
//! text → [`syntax`] (parser, spans) → [`lower`] (semantic check of names,
//! shapes and indices; index-form scalar expressions in an [`expr::Store`]) →
//! [`numeric`] witness (and the symbolic witness) → [`verify`] verdicts, as
//! [`outcome`] data → [`report`] rendering.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod calc;
pub mod canon;
pub mod diag;
pub mod diagnose;
pub mod diff;
pub(crate) mod document;
pub mod expr;
mod fnv;
pub mod input;
pub mod lower;
pub mod numeric;
pub mod outcome;
pub mod parallel;
pub mod report;
pub mod syntax;
pub mod testing;
pub mod verify;

pub use outcome::{FileReport, Verdict};
pub use verify::{verify_source, Options};
