#!/usr/bin/env bash
# The main job on the demo scene shipped in data/demo: installs what is missing, builds, sweeps,
# prints the ranked candidates and how they score against the planted truth.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cargo build --release --quiet --bin goldsweep
exec ./target/release/goldsweep demo --out out/demo "$@"
