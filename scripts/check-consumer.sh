#!/usr/bin/env bash
# Builds and tests tests/consumer, a crate that depends on derivcheck with
# default features off (as a project checking its derivations in its tests
# would), prints its dependency tree, and fails if the command line's or the
# test suite's dependencies (clap, mimalloc, lsp-server, lsp-types, notify,
# proptest) are in it.
# When derivcheck's dependencies change, refresh its lock file with
# `cargo update --offline -w` in tests/consumer.
set -euo pipefail
cd "$(dirname "$0")/../tests/consumer"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-../../target/consumer}
tree=$(cargo tree --locked -e normal,build --prefix depth)
echo "$tree"
if grep -E '^[0-9]+(clap|mimalloc|libmimalloc-sys|proptest|lsp-server|lsp-types|notify) ' <<<"$tree"; then
    echo "check-consumer: the library pulls in a command-line or test dependency" >&2
    exit 1
fi
cargo test --locked
