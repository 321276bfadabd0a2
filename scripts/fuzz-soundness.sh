#!/usr/bin/env bash
# The differential soundness fuzzer (tests/fuzz_soundness.rs) for about
# SECONDS seconds: random claims, true or false by construction or random
# mixes, checked by derivcheck and judged by an independent high-precision
# oracle (tests/oracle, dashu-float). Prints the counts (cases, per minute,
# verified, false, undecided; the oracle's false, true, undecided; unsound;
# oracle/construction disagreements) and fails, listing them, if a claim
# false by construction or for the oracle was proved or held, one true was
# false, or the oracle contradicted the construction.
#
#   scripts/fuzz-soundness.sh [SECONDS] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
seed=${2:-14}
FUZZ_SECONDS=$seconds FUZZ_SEED=$seed cargo test --release --quiet --test fuzz_soundness -- --nocapture 2>&1 |
    grep -v '^running\|^test result\|^$'
