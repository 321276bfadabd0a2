//! Surface syntax: spans, the syntax tree, and the parser.

pub mod ast;
pub mod parser;
pub mod span;

pub use parser::parse_file;
