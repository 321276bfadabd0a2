//! Canonical forms: the symbolic witness (issue 3).
