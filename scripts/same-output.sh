#!/usr/bin/env bash
# Shows that a change left behaviour alone: builds derivcheck at REV (default
# main's merge base with HEAD) and in the working tree, runs both on every
# file in derivations/, derivations/mistakes/ and tests/claims/ — JSON, and
# the terminal report with --explain — and compares the outputs byte for byte.
#
#   scripts/same-output.sh [REV]
#
# Exit 0 when every output is identical, 1 when one differs (a diff is
# printed), 2 when a build fails. Both binaries run from the repository root
# with the same relative paths, since the default seed comes from the path.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
rev=${1:-$(git merge-base main HEAD)}
base_sha=$(git rev-parse --verify "$rev^{commit}")
work=${TMPDIR:-/tmp}/derivcheck-same-output
mkdir -p "$work"

base_bin=$work/derivcheck-$base_sha
if [[ ! -x $base_bin ]]; then
    tree=$work/tree-$base_sha
    rm -rf "$tree"
    git worktree add --detach "$tree" "$base_sha" >/dev/null 2>&1 || {
        git worktree prune
        git worktree add --detach "$tree" "$base_sha" >/dev/null
    }
    if ! (cd "$tree" && CARGO_TARGET_DIR=$work/target-base cargo build --release --quiet); then
        git worktree remove --force "$tree"
        echo "same-output: could not build $rev" >&2
        exit 2
    fi
    git worktree remove --force "$tree"
    cp "$work/target-base/release/derivcheck" "$base_bin"
fi
cargo build --release --quiet || { echo "same-output: could not build the working tree" >&2; exit 2; }
head_bin=$root/target/release/derivcheck

out=$(mktemp -d "$work/out.XXXXXX")
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/base" "$out/head"
files=(derivations/*.txt derivations/mistakes/*.txt tests/claims/*.txt)
run() { # BIN DIR
    local k=0
    for f in "${files[@]}"; do
        k=$((k + 1))
        "$1" verify --format json "$f" >"$2/$k.json" 2>&1 || true
        "$1" verify --explain --color never "$f" >"$2/$k.explain" 2>&1 || true
    done
}
run "$base_bin" "$out/base"
run "$head_bin" "$out/head"

if diff -r "$out/base" "$out/head" >"$out/diff"; then
    echo "same-output: ${#files[@]} files, JSON and --explain identical to $rev ($base_sha)"
else
    head -n 200 "$out/diff"
    echo "same-output: outputs differ from $rev ($base_sha); numbers are positions in: ${files[*]}" >&2
    exit 1
fi
