//! Nothing but a home for `tests/derivations.rs`: a crate that checks its
//! derivations from its test suite.
