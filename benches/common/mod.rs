//! Shared by the benches: each witness timed on its own over the links of
//! one derivation text.

use std::time::{Duration, Instant};

/// The time the symbolic witness and the numeric witness (256 samples) take,
/// each alone, over every link of `text`.
pub fn witness_split(text: &str) -> (Duration, Duration) {
    let lowered = derivcheck::lower::lower_file(&derivcheck::syntax::parse_file(text));
    let links: Vec<_> = lowered
        .claims
        .iter()
        .flat_map(|c| &c.links)
        .flatten()
        .collect();
    let (mut store, mut symbols) = (lowered.store.clone(), lowered.symbols.clone());
    // As verify does: one cache of canonical forms for the file's links,
    // and one big-stack thread for them all.
    let symbolic = derivcheck::parallel::with_big_stack(|| {
        let start = Instant::now();
        let mut cache = derivcheck::canon::Cache::new();
        for link in &links {
            derivcheck::canon::prove_cached(
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
    let config = derivcheck::numeric::SampleConfig {
        samples: 256,
        seed: 1,
    };
    let start = Instant::now();
    for link in &links {
        derivcheck::numeric::check_link(
            &lowered.store,
            &lowered.symbols,
            link.lhs,
            link.rhs,
            &link.free,
            &config,
        );
    }
    (symbolic, start.elapsed())
}
