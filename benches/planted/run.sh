#!/usr/bin/env bash
# The planted-mining targets, measured: plants known mining change with `goldsweep plant` into
# the real pairs of ../shared/data (OSCD Rennes, Hong Kong and Aguas Claras; the Sentinel-2
# Tanzania series) and makes synthetic scenes with `goldsweep synth`, sweeps each with the
# defaults, scores it with `goldsweep eval --truth`, and prints per scene, the means and how many
# scenes meet each target (recall, class accuracy, top k all mining, licensed activity below,
# nothing under the masked cloud, no farm pond in the top k), then which class the misread mining
# objects of each class were read as, pooled over the scenes.
#
# Usage: bash benches/planted/run.sh [PLANT_SEEDS [SYNTH_SEEDS]]
#        (defaults "1 2 3 4 5" and "$(seq 1 40)"; give "" to skip either set)
# Environment: GOLDSWEEP_SHARED_DATA (default ../shared/data), GOLDSWEEP_BIN (a goldsweep
# binary to use instead of building target/release/goldsweep). Scenes and runs go to
# target/planted/ and target/synth/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."
data=${GOLDSWEEP_SHARED_DATA:-../shared/data}
plant_seeds=${1-1 2 3 4 5}
synth_seeds=${2-$(seq 1 40)}
if [ -n "${GOLDSWEEP_BIN:-}" ]; then
  bin=$GOLDSWEEP_BIN
else
  cargo build --release --quiet --bin goldsweep
  bin=./target/release/goldsweep
fi

# Sweeps the planted folder $1 into $1/run and scores it into $1/eval.json.
sweep_and_eval() {
  "$bin" sweep --before "$1/before.tif" --after "$1/after.tif" --mask-after "$1/after_mask.tif" \
    --catalogue "$1/catalogue.geojson" --out "$1/run" --progress never --chips 0 >/dev/null
  "$bin" eval --run "$1/run" --truth "$1/truth.geojson" --json >"$1/eval.json"
}

# Plants into $1 with the remaining `goldsweep plant` options, then sweeps and scores it. A seed
# whose layout the background cannot hold (plant's exit code 2: not enough clear land for five
# mines and the pond lattice) is reported and skipped; any other failure stops the run.
plant_and_score() {
  local d=$1 err=$1.plant-error
  shift
  if "$bin" plant "$@" --out "$d" >/dev/null 2>"$err"; then
    rm -f "$err"
    sweep_and_eval "$d"
  else
    local rc=$?
    if [ "$rc" -eq 2 ]; then
      echo "skipped $(basename "$d"): $(cat "$err")"
      rm -rf "$d" "$err"
    else
      cat "$err" >&2
      exit "$rc"
    fi
  fi
}

tanzania=$data/s2-tanzania-timeseries
# The series' first date is half cloud-masked: the first clear one is the before.
t_before=$tanzania/SEN2_20160710_lats77lone395_T37MEM_ORB049_utm37s_vmsk_mclds_topshad_rad_srefdem_stdsref.tif
t_after=$tanzania/SEN2_20190615_lats77lone395_T37MEM_ORB049_utm37s_vmsk_mclds_topshad_rad_srefdem_stdsref.tif
out=target/planted
if [ -n "$plant_seeds" ]; then
  if [ -d "$data/oscd" ] && [ -f "$t_before" ]; then
    rm -rf "$out" && mkdir -p "$out"
    for seed in $plant_seeds; do
      for city in rennes hongkong aguasclaras; do
        plant_and_score "$out/${city}_$seed" --before "$data/oscd/$city/imgs_1" \
          --after "$data/oscd/$city/imgs_2" --seed "$seed"
      done
      plant_and_score "$out/tanzania_$seed" --before "$t_before" --after "$t_after" --scale 0.001 \
        --seed "$seed"
    done
    echo "goldsweep plant into real backgrounds (seeds $plant_seeds):"
    python3 "$here/../eval_table.py" "$out"
  else
    echo "no real data at $data (set GOLDSWEEP_SHARED_DATA): planted real backgrounds skipped"
  fi
fi

out=target/synth
if [ -n "$synth_seeds" ]; then
  rm -rf "$out" && mkdir -p "$out"
  for seed in $synth_seeds; do
    d=$out/seed_$seed
    "$bin" synth --seed "$seed" --out "$d" >/dev/null
    sweep_and_eval "$d"
  done
  echo
  echo "goldsweep synth (seeds $(echo $synth_seeds | tr '\n' ' ')):"
  python3 "$here/../eval_table.py" "$out"
fi
