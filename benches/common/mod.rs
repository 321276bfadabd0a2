//! Shared by the benches: each witness timed on its own over the links of
//! one derivation text.

use std::time::{Duration, Instant};

/// The time the symbolic witness and the numeric witness (256 samples) take,
/// each alone on one thread, over every link of `text`.
pub fn witness_split(text: &str) -> (Duration, Duration) {
    let lowered = derivcheck::internals::lower_file(&derivcheck::internals::parse_file(text));
    let links: Vec<_> = lowered.claims.iter().flat_map(|c| c.checkable()).collect();
    let (mut store, mut symbols) = (lowered.store.clone(), lowered.symbols.clone());
    // As verify does: one cache of canonical forms for the file's links,
    // and one big-stack thread for them all.
    let symbolic = derivcheck::internals::with_big_stack(|| {
        let start = Instant::now();
        let mut cache = derivcheck::internals::Cache::new();
        for link in &links {
            derivcheck::internals::prove_cached(
                &mut cache,
                &mut store,
                &mut symbols,
                link.lhs,
                link.rhs,
                &Default::default(),
            );
        }
        start.elapsed()
    });
    let config = derivcheck::internals::SampleConfig {
        samples: 256,
        seed: 1,
    };
    // As verify does: the links of each group of claims sampled together,
    // on one thread here.
    let start = Instant::now();
    for range in derivcheck::internals::sampling_groups(&lowered.claims) {
        let sides = derivcheck::internals::group_sides(&lowered.claims[range]);
        derivcheck::internals::check_links(&lowered.store, &lowered.symbols, &sides, &config);
    }
    (symbolic, start.elapsed())
}
