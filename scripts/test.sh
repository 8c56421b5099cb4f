#!/usr/bin/env bash
# The whole gate: formatting, lints, every test (unit, doc, integration, real-data, end-to-end)
# and the benchmarks compiled. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
rustup component add rustfmt clippy >/dev/null 2>&1 || true
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test --workspace
cargo bench --workspace --no-run
