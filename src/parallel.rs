//! A work queue over big-stack threads, shared by the CLI (files at once)
//! and `verify` (a file's links sampled in parallel).
//!
//! Results come back in index order whatever order the threads finish in,
//! so that nothing downstream depends on scheduling.

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

thread_local! {
    /// Set on the threads this module starts, whose stacks are
    /// [`STACK_SIZE`]: work there needs no thread of its own.
    static BIG_STACK: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with a [`STACK_SIZE`] stack: directly when this thread has one
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

/// `f(0), …, f(count - 1)`, computed on `workers` threads with
/// [`STACK_SIZE`] stacks while `caller` runs on this thread.
///
/// Once `caller` is done, this thread takes items too if `help` is set;
/// items no thread took (none could be spawned) are computed here at the
/// end either way, on this thread's stack, which beats refusing.
pub fn map_while<T: Send, R>(
    count: usize,
    workers: usize,
    help: bool,
    f: impl Fn(usize) -> T + Sync,
    caller: impl FnOnce() -> R,
) -> (Vec<T>, R) {
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<Option<T>>> = Mutex::new((0..count).map(|_| None).collect());
    let work = || loop {
        let k = next.fetch_add(1, Ordering::Relaxed);
        if k >= count {
            break;
        }
        let out = f(k);
        if let Some(slot) = done
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get_mut(k)
        {
            *slot = Some(out);
        }
    };
    let r = std::thread::scope(|scope| {
        for n in 0..workers.min(count) {
            let spawned = std::thread::Builder::new()
                .name(format!("derivcheck-{n}"))
                .stack_size(STACK_SIZE)
                .spawn_scoped(scope, || {
                    BIG_STACK.with(|b| b.set(true));
                    work()
                });
            if spawned.is_err() {
                break;
            }
        }
        let r = caller();
        if help {
            work();
        }
        r
    });
    let results = done
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .into_iter()
        .enumerate()
        .map(|(k, out)| out.unwrap_or_else(|| f(k)))
        .collect();
    (results, r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_big_stack_thread_runs_big_stack_work_itself() {
        let here = std::thread::current().id();
        // From an ordinary thread: a new one.
        assert_ne!(with_big_stack(|| std::thread::current().id()), here);
        // On a thread started here: no new one, nested or in a worker.
        let nested = with_big_stack(|| {
            let outer = std::thread::current().id();
            (outer, with_big_stack(|| std::thread::current().id()))
        });
        assert_eq!(nested.0, nested.1);
        let (ids, ()) = map_while(
            4,
            2,
            false,
            |_| {
                let worker = std::thread::current().id();
                (worker, with_big_stack(|| std::thread::current().id()))
            },
            || (),
        );
        assert!(ids.iter().all(|(w, inner)| w == inner), "{ids:?}");
    }

    #[test]
    fn results_come_back_in_index_order() {
        for (workers, help) in [(0, false), (0, true), (1, false), (3, true), (8, false)] {
            let (squares, r) = map_while(20, workers, help, |k| k * k, || "caller ran");
            assert_eq!(squares, (0..20).map(|k| k * k).collect::<Vec<_>>());
            assert_eq!(r, "caller ran");
        }
    }
}
