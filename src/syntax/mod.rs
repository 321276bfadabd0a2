//! Surface syntax: spans, the syntax tree, the parser and its printer.
//!
//! Invariant: parsing never fails and never panics. [`parse_file`] returns
//! every item it could parse and every error it found; [`parse_expr`]
//! returns one expression or one error. [`print::print_expr`] prints a tree
//! back in the language, and parsing the printout gives the same tree up to
//! spans (the test at the end of this file shows each at work).

pub mod ast;
mod layout;
mod lexical;
pub mod parser;
pub mod print;
pub mod span;

pub use parser::{parse_expr, parse_file};

#[cfg(test)]
mod tests {
    use super::{ast::Item, parse_expr, parse_file, print::print_expr};

    #[test]
    fn parse_and_print() {
        let file = parse_file("x : real\nclaim c: 2 x = x + x\n  = x + x   # doubling\n");
        assert!(file.errors.is_empty());
        let Item::Claim(claim) = &file.items[1] else {
            panic!("{:?}", file.items[1])
        };
        assert_eq!(claim.chain[0].justification.as_deref(), Some("doubling"));

        let e = parse_expr("Σ_i y[i] log(p[i]) + 1").unwrap();
        assert_eq!(print_expr(&e), "sum(i, y[i] * log(p[i])) + 1");

        let err = parse_expr("(x + 1").unwrap_err();
        assert_eq!(
            err.message,
            "expected `)` to close `(` opened at line 1, column 1, found end of input"
        );
    }
}
