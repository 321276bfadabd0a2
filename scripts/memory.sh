#!/usr/bin/env bash
# Peak memory of the release binary per declaration (issue #14) and on the
# computer algebra system's softmax + cross-entropy gradients (issue #16):
# max RSS from /usr/bin/time, one thread, as the issues measured them.
# Nothing here asserts (timings and memory are measured, never tested):
# the numbers go in docs/limits.md by hand.
#
#   scripts/memory.sh [DECLARATIONS] [CAS_TASK]
#
# DECLARATIONS defaults to 2500000 (`v{i} : real` and `v{i} : vector[n]`
# lines); CAS_TASK (default ce1000, any task of `cargo bench --bench
# cas_network`; `none` skips it) is written by that bench's `--print`.
set -uo pipefail
cd "$(dirname "$0")/.."
n=${1:-2500000}
task=${2:-ce1000}
cargo build --release --quiet || exit 2
bin=$(pwd)/target/release/derivcheck
work=$(mktemp -d "${TMPDIR:-/tmp}/derivcheck-memory.XXXXXX")
trap 'rm -rf "$work"' EXIT

python3 - "$work" "$n" <<'PY'
import sys
w, n = sys.argv[1], int(sys.argv[2])
with open(f"{w}/real.txt", "w") as f:
    f.writelines(f"v{i} : real\n" for i in range(n))
with open(f"{w}/vector.txt", "w") as f:
    f.writelines(f"v{i} : vector[n]\n" for i in range(n))
PY
# The baseline: the binary on an empty file (code, stacks, allocator).
: >"$work/empty.txt"

peak() { # FILE: max RSS in KB
    /usr/bin/time -f "%M" -o "$work/rss" "$bin" verify -q -j 1 "$1" >/dev/null 2>&1
    tail -1 "$work/rss"
}
base=$(peak "$work/empty.txt")
printf "%-30s %10s %12s %14s\n" input "bytes" "peak KB" "bytes/decl"
printf "%-30s %10d %12d\n" "empty file" 0 "$base"
for kind in real vector; do
    f=$work/$kind.txt
    kb=$(peak "$f")
    ty=$kind
    [[ $kind == vector ]] && ty="vector[n]"
    printf "%-30s %10d %12d %14.0f\n" "$n × \`v{i} : $ty\`" "$(stat -c %s "$f")" "$kb" \
        "$(echo "($kb - $base) * 1024 / $n" | bc -l)"
done
if [[ $task != none ]]; then
    cargo bench --quiet --bench cas_network -- --print "$task" >"$work/$task.txt" || exit 2
    kb=$(peak "$work/$task.txt")
    printf "%-30s %10d %12d\n" "$task (cas_network)" "$(stat -c %s "$work/$task.txt")" "$kb"
fi
