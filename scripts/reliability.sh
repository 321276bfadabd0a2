#!/usr/bin/env bash
# The reliability benchmark of issue 14: fuzzes for SECONDS (default 60,
# see scripts/fuzz.sh), then times the release binary on the large inputs
# of the issue and reports wall time, peak memory (max RSS) and the
# verdict line of each. Nothing here asserts: tests/bounds.rs holds the
# verdicts and messages; this measures.
#
#   scripts/reliability.sh [SECONDS]
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
cargo build --release --quiet || exit 2
bin=$(pwd)/target/release/derivcheck
work=$(mktemp -d "${TMPDIR:-/tmp}/derivcheck-reliability.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "== fuzzing for $seconds s"
scripts/fuzz.sh "$seconds" 1 || echo "fuzz: FINDINGS (see fuzz/findings/)"

python3 - "$work" <<'PY'
import sys
w = sys.argv[1]
def write(name, text):
    open(f"{w}/{name}", "w").write(text)
# The issue's 2.6 KB file: f nested 60 deep in 12 lets, a fourth derivative.
lines = ["t : real", "f(t) := sin(t) + cos(t)"]
prev = "t"
for k in range(1, 13):
    lines.append(f"let g{k} = " + "f(" * 60 + prev + ")" * 60)
    prev = f"g{k}"
lines.append("claim deep: d/dt d/dt d/dt d/dt g12 = d/dt d/dt d/dt d/dt g12 + 0")
write("deep_lets.txt", "\n".join(lines) + "\n")
# A 400-line scalar let chain.
lines = ["x : real", "let a0 = x"] + [f"let a{k} = sin(a{k-1}) + a{k-1}" for k in range(1, 400)]
write("let_chain_400.txt", "\n".join(lines) + "\nclaim chain: d/dx a399 = d/dx a399 + 0\n")
# Flat sums as computer-algebra systems print them.
for n in (200, 2000, 20000):
    decls = "".join(f"z{i} : real\n" for i in range(1, n + 1))
    fwd = "+".join(f"exp(z{i})" for i in range(1, n + 1))
    back = "+".join(f"exp(z{i})" for i in range(n, 0, -1))
    write(f"flat_sum_{n}.txt", f"{decls}claim flat: {fwd} = {back}\n")
# 100,000 dimension names.
write("dims_100k.txt", "".join(f"v{i} : vector[n{i}]\n" for i in range(100000)) + "claim c: v0[i] = v0[i]\n")
# 60,000 variables and 60,000 claims.
n = 60000
write("vars_claims_60k.txt", "".join(f"x{i} : real\n" for i in range(n)) + "".join(f"claim c{i}: x{i} = x{i}\n" for i in range(n)))
# 1 and 2.5 million declarations (memory per declaration), and 1 million
# vectors over one dimension name.
for n, name in ((1000000, "decls_1M"), (2500000, "decls_2_5M")):
    with open(f"{w}/{name}.txt", "w") as f:
        for i in range(n):
            f.write(f"x{i} : real\n")
with open(f"{w}/vector_decls_1M.txt", "w") as f:
    for i in range(1000000):
        f.write(f"v{i} : vector[n]\n")
PY

measure() { # NAME, then the command
    local name=$1
    shift
    local t0 t1 rss
    t0=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$work/rss" timeout 120 "$@" >"$work/out" 2>&1
    local code=$?
    t1=$(date +%s.%N)
    rss=$(tail -1 "$work/rss")
    printf "%-22s %7.2f s %8d KB  exit %3d  %s\n" "$name" "$(echo "$t1 - $t0" | bc)" "$rss" "$code" \
        "$(grep -E '^[✓✗]|error' "$work/out" | tail -1 | cut -c1-90)"
}
echo "== large inputs (release binary; wall time, peak RSS)"
for f in deep_lets let_chain_400 flat_sum_200 flat_sum_2000 flat_sum_20000 dims_100k vars_claims_60k decls_1M vector_decls_1M decls_2_5M; do
    measure "$f" "$bin" verify "$work/$f.txt"
done
measure "stdin_yes" bash -c "yes 'x : real' | '$bin' verify -"
measure "jobs_100000" "$bin" verify -j 100000 derivations/sigmoid.txt
