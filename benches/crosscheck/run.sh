#!/usr/bin/env bash
# Cross-check on mining change planted by a second, separately written planter (plant.py here,
# which shares no code or assumptions with `goldsweep synth` / `goldsweep plant`) into the real
# pairs of ../shared/data: OSCD Rennes, Hong Kong and Aguas Claras (Sentinel-2 L1C), the Tanzania
# time series (Sentinel-2 surface reflectance, 20 m) and Taizhou (Landsat ETM+, 30 m). Sweeps each
# scene with goldsweep's defaults and prints `goldsweep eval` per scene and the means.
#
# Usage: bash benches/crosscheck/run.sh [SEED ...]   (default seeds 101 102 103 104)
# Environment: GOLDSWEEP_SHARED_DATA (default ../shared/data), PYTHON (default python3, with
# numpy, scipy, rasterio, shapely ≥ 2, pyproj and pillow), GOLDSWEEP_BIN (a goldsweep binary to
# use instead of building target/release/goldsweep). Scenes and runs go to target/crosscheck/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."
data=${GOLDSWEEP_SHARED_DATA:-../shared/data}
[ -d "$data/oscd" ] && [ -d "$data/taizhou" ] || {
  echo "no real data at $data (set GOLDSWEEP_SHARED_DATA): nothing to plant into"
  exit 0
}
export GOLDSWEEP_SHARED_DATA
GOLDSWEEP_SHARED_DATA="$(cd "$data" && pwd)"
py=${PYTHON:-python3}
"$py" - <<'PY' || { echo "the planter needs: pip install numpy scipy rasterio 'shapely>=2' pyproj pillow" >&2; exit 1; }
import numpy, scipy, rasterio, pyproj, PIL, shapely
assert int(shapely.__version__.split('.')[0]) >= 2
PY
if [ -n "${GOLDSWEEP_BIN:-}" ]; then
  bin=$GOLDSWEEP_BIN
else
  cargo build --release --quiet --bin goldsweep
  bin=./target/release/goldsweep
fi
seeds=("$@")
[ ${#seeds[@]} -eq 0 ] && seeds=(101 102 103 104)
out=target/crosscheck
mkdir -p "$out"
for bg in rennes hongkong aguasclaras tanzania taizhou; do
  for seed in "${seeds[@]}"; do
    d=$out/${bg}_$seed
    rm -rf "$d"
    if ! "$py" "$here/plant.py" --background "$bg" --seed "$seed" --out "$d" >"$out/${bg}_$seed.log" 2>&1; then
      echo "${bg}_$seed: the planter could not place its mines (see $out/${bg}_$seed.log); skipped" >&2
      rm -rf "$d"
      continue
    fi
    "$bin" sweep --before "$d/before.tif" --after "$d/after.tif" --mask-after "$d/after_mask.tif" \
      --catalogue "$d/catalogue.geojson" --out "$d/run" --progress never --chips 0 >/dev/null
    "$bin" eval --run "$d/run" --truth "$d/truth.geojson" --json >"$d/eval.json"
  done
done

"$py" "$here/../eval_table.py" "$out"
