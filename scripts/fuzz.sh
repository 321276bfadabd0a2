#!/usr/bin/env bash
# Fuzzes derivcheck for SECONDS (default 60) with the stable structured
# fuzzer (examples/fuzz.rs): the parser and the whole pipeline on random
# bytes, grammar-shaped derivation files, Markdown and LaTeX, and mutations
# of fuzz/corpus/. Every input must end without a panic, within
# MAX_MILLIS (default 10000) and with exit code 0, 1 or 2.
#
#   scripts/fuzz.sh [SECONDS] [SEED]
#
# New kinds of input are kept in fuzz/corpus/ (commit them: the corpus is
# replayed first on every run); a panic, an input over the time bound and
# the slowest input are written to fuzz/findings/ (not committed: turn a
# finding into a regression test, then delete it). Exit 0 when nothing was
# found, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
seed=${2:-$(date +%s)}
cargo build --release --quiet --example fuzz
exec target/release/examples/fuzz --seconds "$seconds" --seed "$seed" \
    --corpus fuzz/corpus --findings fuzz/findings --max-millis "${MAX_MILLIS:-10000}"
