//! Surface syntax: spans, the syntax tree, the parser and its printer.
//!
//! Invariant: parsing never fails and never panics. [`parse_file`] returns
//! every item it could parse and every error it found; [`parse_expr`]
//! returns one expression or one error. [`print::print_expr`] prints a tree
//! back in the language, and parsing the printout gives the same tree up to
//! spans.

pub mod ast;
mod layout;
mod lexical;
pub mod parser;
pub mod print;
pub mod span;

pub use parser::{parse_expr, parse_file};
