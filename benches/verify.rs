//! Benchmark placeholder; replaced by the verify benchmark.
fn main() {}
