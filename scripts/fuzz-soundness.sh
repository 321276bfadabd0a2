#!/usr/bin/env bash
# The differential soundness fuzzer (tests/fuzz_soundness.rs) for about
# SECONDS seconds: random claims whose truth is known by construction,
# checked by derivcheck. Prints the counts (cases, per minute, true claims
# verified, false claims caught, undecided, unsound) and fails, listing
# them, if any false claim was proved or held or any true claim was false.
#
#   scripts/fuzz-soundness.sh [SECONDS] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
seed=${2:-14}
FUZZ_SECONDS=$seconds FUZZ_SEED=$seed cargo test --release --quiet --test fuzz_soundness -- --nocapture 2>&1 |
    grep -v '^running\|^test result\|^$'
