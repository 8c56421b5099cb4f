#!/usr/bin/env bash
# The whole gate: formatting, lints, every test (unit, doc, integration, real-data, end-to-end)
# the benchmarks compiled and the comparison scripts' self-tests. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --bench-tools
rustup component add rustfmt clippy >/dev/null 2>&1 || true
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
# Self-tests of the comparison scripts (the peers run only in benches/, never in the product).
PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 -m unittest discover -s benches/peers -p 'test_*.py' -q
PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 -m unittest discover -s benches -p 'test_eval_table.py' -q
cargo bench --workspace --no-run
cargo test --workspace
