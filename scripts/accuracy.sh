#!/usr/bin/env bash
# Pixel accuracy of goldsweep on the real labelled pairs in ../shared/data (Taizhou Landsat,
# three OSCD Sentinel-2 cities), with one set of defaults. Prints one row per scene and the OSCD
# cities pooled. Usage: bash scripts/accuracy.sh [extra sweep options]
set -euo pipefail
cd "$(dirname "$0")/.."
data=${GOLDSWEEP_SHARED_DATA:-../shared/data}
[ -d "$data/taizhou" ] || { echo "no real data at $data (set GOLDSWEEP_SHARED_DATA)"; exit 0; }
cargo build --release --quiet --bin goldsweep
bin=./target/release/goldsweep
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

"$bin" sweep --before "$data/taizhou/2000TM" --after "$data/taizhou/2003TM" --out "$out/taizhou" "$@" >/dev/null
"$bin" eval --run "$out/taizhou" --changed "$data/taizhou/change.bmp" --unchanged "$data/taizhou/unchanged.bmp" --json >"$out/taizhou.json"
for city in rennes hongkong aguasclaras; do
  "$bin" sweep --before "$data/oscd/$city/imgs_1" --after "$data/oscd/$city/imgs_2" --out "$out/$city" "$@" >/dev/null
  "$bin" eval --run "$out/$city" --labels "$data/oscd/$city/$city-cm.tif" --convention oscd --json >"$out/$city.json"
done

python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
def scores(tp, fp, tn, fn):
    n = tp + fp + tn + fn
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    po = (tp + tn) / n
    pe = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / (n * n)
    k = (po - pe) / (1 - pe) if pe < 1 else 0.0
    return p, r, f1, k
print(f"{'scene':<26} {'precision':>9} {'recall':>7} {'F1':>6} {'kappa':>6}")
pool = [0, 0, 0, 0]
for name in ["taizhou", "rennes", "hongkong", "aguasclaras"]:
    s = json.load(open(f"{out}/{name}.json"))["pixel"]
    c = [s["tp"], s["fp"], s["tn"], s["fn"]]
    if name != "taizhou":
        pool = [a + b for a, b in zip(pool, c)]
    p, r, f1, k = scores(*c)
    label = "taizhou (labelled pixels)" if name == "taizhou" else f"oscd/{name}"
    print(f"{label:<26} {p:>9.3f} {r:>7.3f} {f1:>6.3f} {k:>6.3f}")
p, r, f1, k = scores(*pool)
print(f"{'oscd, 3 cities pooled':<26} {p:>9.3f} {r:>7.3f} {f1:>6.3f} {k:>6.3f}")
PY
