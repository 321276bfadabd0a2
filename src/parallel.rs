//! Big-stack threads with work stealing (rayon), shared by the CLI (files
//! at once) and `verify` (a file's symbolic pass and its sampling groups):
//! one queue for all of a run's work, so no thread idles while another
//! still has a big file's groups to sample.
//!
//! Results come back in index order whatever order the threads finish in,
//! so that nothing downstream depends on scheduling.

use std::cell::Cell;
use std::sync::{Arc, Mutex, PoisonError};

thread_local! {
    /// Set on the threads this module starts, whose stacks are
    /// [`STACK_SIZE`]: work there needs no thread of its own.
    static BIG_STACK: Cell<bool> = const { Cell::new(false) };
}

/// On a thread of one of this module's pools: a rayon thread with a big
/// stack. A thread of some other rayon pool (a library caller's) is not
/// one: its stack may be small, so work is never spread over its pool.
fn in_our_pool() -> bool {
    rayon::current_thread_index().is_some() && BIG_STACK.with(Cell::get)
}

/// Runs `f` with a `STACK_SIZE` stack: directly when this thread has one
/// (a thread started here), else on a new thread. Expression recursion is as
/// deep as the expression, and callers' threads may have small stacks;
/// starting a thread per call cost more than the work of a small proof.
/// Falls back to the current thread if no thread can be started.
pub fn with_big_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    if BIG_STACK.with(Cell::get) {
        return f();
    }
    let slot = Mutex::new(Some(f));
    let run = || {
        BIG_STACK.with(|b| b.set(true));
        let f = slot.lock().ok().and_then(|mut g| g.take());
        f.map(|f| f())
    };
    let spawned = std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(STACK_SIZE)
            .spawn_scoped(s, run)
            .ok()
            .map(|h| h.join())
    });
    match spawned {
        Some(Ok(Some(v))) => v,
        Some(Err(panic)) => std::panic::resume_unwind(panic),
        _ => {
            let f = slot.lock().ok().and_then(|mut g| g.take());
            match f {
                Some(f) => f(),
                None => unreachable!("the closure ran on the spawned thread"),
            }
        }
    }
}

/// Stack of each thread that verifies: the stages recurse over expressions,
/// and a pathological input (a thousand nested parentheses) must end in a
/// report, not a stack overflow, which no Rust code can catch.
pub const STACK_SIZE: usize = 256 << 20;

/// Runs `f` on a pool of `threads` threads with [`STACK_SIZE`] stacks,
/// where [`join`] and [`map`] spread work over them; the calling thread
/// waits. On a thread of such a pool already (a file of several checked
/// at once), `f` runs right there and shares that pool: the files' work
/// is one queue, so a thread done with a small file takes part of a big
/// one. (A thread of another rayon pool is not one of ours, and waits
/// like any other.)
///
/// The last few pools are kept, by thread count, and reused by later
/// calls: a library caller verifying many texts does not start threads
/// for each. If no pool can be started, `f` runs on a big-stack thread of
/// its own.
pub fn in_pool<R: Send>(threads: usize, f: impl FnOnce() -> R + Send) -> R {
    if in_our_pool() {
        return f();
    }
    match pool(threads.clamp(1, max_threads())) {
        Some(pool) => pool.install(f),
        None => with_big_stack(f),
    }
}

/// How many threads a pool may have: [`THREADS_PER_CPU`] per CPU. More
/// only cost memory (each has a [`STACK_SIZE`] stack) and time, and a
/// huge `-j` must not start thousands of threads.
pub fn max_threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from) * THREADS_PER_CPU
}

/// See [`max_threads`].
pub const THREADS_PER_CPU: usize = 4;

/// How many pools are kept (see [`in_pool`]); a caller that asks for
/// ever new thread counts does not pile up idle threads.
const KEPT_POOLS: usize = 4;

/// The kept pool of `threads` threads, started on first use.
fn pool(threads: usize) -> Option<Arc<rayon::ThreadPool>> {
    // Most recently used last.
    static POOLS: Mutex<Vec<(usize, Arc<rayon::ThreadPool>)>> = Mutex::new(Vec::new());
    let mut pools = POOLS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(k) = pools.iter().position(|(n, _)| *n == threads) {
        let kept = pools.remove(k);
        let pool = kept.1.clone();
        pools.push(kept);
        return Some(pool);
    }
    if pools.len() >= KEPT_POOLS {
        // Its threads end once the work they were given is done.
        pools.remove(0);
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .stack_size(STACK_SIZE)
        .thread_name(|n| format!("derivcheck-{n}"))
        .start_handler(|_| BIG_STACK.with(|b| b.set(true)))
        .build()
        .ok()?;
    let pool = Arc::new(pool);
    pools.push((threads, pool.clone()));
    Some(pool)
}

/// The number of threads work can be spread over here: the pool's size on
/// a thread of one of ours, else 1.
pub fn threads_here() -> usize {
    if in_our_pool() {
        rayon::current_num_threads()
    } else {
        1
    }
}

/// `(a(), b())`, in parallel when run in one of our pools (see
/// [`in_pool`]): this thread runs `a`, another may take `b`, and a thread
/// that is done takes other waiting work. Elsewhere, one after the other
/// here (rayon would use its global pool, or the caller's, whose threads
/// may have small stacks).
pub fn join<A: Send, B: Send>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    if !in_our_pool() {
        return (a(), b());
    }
    rayon::join(a, b)
}

/// `f(0), …, f(count - 1)`, in index order whatever order they are
/// computed in; in parallel when run in one of our pools (see
/// [`in_pool`]), else here, one after the other.
pub fn map<T: Send>(count: usize, f: impl Fn(usize) -> T + Sync + Send) -> Vec<T> {
    use rayon::prelude::*;
    if !in_our_pool() {
        return (0..count).map(f).collect();
    }
    (0..count).into_par_iter().map(f).collect()
}

/// [`map`], started in decreasing order of `sizes[k]` (ties in index
/// order), so that the biggest item is not the last one begun while the
/// other threads run out of work. The results are in index order.
pub fn map_largest_first<T: Send>(sizes: &[u64], f: impl Fn(usize) -> T + Sync + Send) -> Vec<T> {
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by_key(|&k| std::cmp::Reverse(sizes[k]));
    let mut out: Vec<(usize, T)> = map(order.len(), |n| (order[n], f(order[n])));
    out.sort_by_key(|(k, _)| *k);
    out.into_iter().map(|(_, t)| t).collect()
}

/// Runs `f` on each (path, text) of `sources` on a pool of `threads`
/// threads, the biggest text first, results in the order of `sources`. A
/// panic in one (a bug) is handed to `on_panic` for that source, so the
/// others' results are kept.
pub fn map_sources<T: Send>(
    sources: &[(&str, &str)],
    threads: usize,
    f: impl Fn(&str, &str) -> T + Sync + Send,
    on_panic: impl Fn(&str, &str, &(dyn std::any::Any + Send)) -> T + Sync + Send,
) -> Vec<T> {
    let sizes: Vec<u64> = sources.iter().map(|(_, text)| text.len() as u64).collect();
    in_pool(threads, || {
        map_largest_first(&sizes, |k| {
            let (path, text) = sources[k];
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(path, text)))
                .unwrap_or_else(|panic| on_panic(path, text, panic.as_ref()))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_big_stack_thread_runs_big_stack_work_itself() {
        let here = std::thread::current().id();
        // From an ordinary thread: a new one.
        assert_ne!(with_big_stack(|| std::thread::current().id()), here);
        // On a thread started here: no new one, nested or in a pool.
        let nested = with_big_stack(|| {
            let outer = std::thread::current().id();
            (outer, with_big_stack(|| std::thread::current().id()))
        });
        assert_eq!(nested.0, nested.1);
        let ids = in_pool(2, || {
            map(4, |_| {
                let worker = std::thread::current().id();
                (worker, with_big_stack(|| std::thread::current().id()))
            })
        });
        assert!(ids.iter().all(|(w, inner)| w == inner), "{ids:?}");
    }

    #[test]
    fn a_pool_has_at_most_four_threads_per_cpu() {
        let cpus = std::thread::available_parallelism().map_or(1, usize::from);
        assert_eq!(max_threads(), 4 * cpus);
        assert_eq!(in_pool(1_000_000, threads_here), max_threads());
        assert_eq!(in_pool(0, threads_here), 1);
    }

    #[test]
    fn results_come_back_in_index_order() {
        for threads in [1, 2, 3, 8] {
            let squares = in_pool(threads, || map(20, |k| k * k));
            assert_eq!(squares, (0..20).map(|k| k * k).collect::<Vec<_>>());
            let sizes: Vec<u64> = (0..20).map(|k| (k * 7 % 5) as u64).collect();
            let cubes = in_pool(threads, || map_largest_first(&sizes, |k| k * k * k));
            assert_eq!(cubes, (0..20).map(|k| k * k * k).collect::<Vec<_>>());
            assert_eq!(in_pool(threads, threads_here), threads.min(max_threads()));
        }
        assert_eq!(threads_here(), 1);
        // Outside a pool: here, never on rayon's global pool.
        let here = std::thread::current().id();
        let ids = map(4, |_| std::thread::current().id());
        assert!(ids.iter().all(|id| *id == here));
        let (a, b) = join(
            || std::thread::current().id(),
            || std::thread::current().id(),
        );
        assert_eq!((a, b), (here, here));
    }

    /// On another rayon pool's thread (a library caller's, with a small
    /// stack), work goes to our own pool, never to theirs.
    #[test]
    fn another_rayon_pool_is_not_ours() {
        let theirs = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .stack_size(256 << 10)
            .build()
            .expect("a pool");
        let (here, big) = theirs.install(|| (threads_here(), in_pool(2, threads_here)));
        assert_eq!((here, big), (1, 2));
        let stacks = theirs.install(|| in_pool(2, || map(4, |_| BIG_STACK.with(Cell::get))));
        assert_eq!(stacks, [true; 4]);
    }

    #[test]
    fn a_pool_inside_a_pool_is_the_same_pool() {
        let (outer, inner) = in_pool(2, || (threads_here(), in_pool(5, threads_here)));
        assert_eq!((outer, inner), (2, 2));
    }
}
