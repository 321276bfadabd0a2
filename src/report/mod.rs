//! Rendering of verification reports: terminal and JSON.
