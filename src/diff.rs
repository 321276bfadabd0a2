//! Symbolic differentiation (issue 3).
