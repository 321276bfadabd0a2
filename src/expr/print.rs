//! Printing store expressions in the derivation language's own syntax.
