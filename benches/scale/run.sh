#!/usr/bin/env bash
# The scale benchmark of issue 5: sweeps synthetic Sentinel-2 tile pairs (2745, 5490 and
# 10980 px a side, six UInt16 bands per date, tiled 512 + DEFLATE) and prints each figure
# beside its baseline:
#   floor     GDAL alone decoding both dates at once, one process per date (gdal_translate to MEM)
#   sweep     goldsweep sweep, wall time, CPU time and peak RSS (/usr/bin/time), 2 threads
#   1 thread  the same sweep on one thread (scaling = t1 / t2)
#   machine   how much faster GDAL decodes both dates in two processes at once than one after
#             the other (seq / floor): the speed-up this machine's cores give a perfectly
#             parallel decode, the ceiling for t1 / t2
#   numpy     benches/scale/baseline_numpy.py, the same steps with numpy/rasterio/scipy (2745 only)
# Inputs are synthesised once into target/scale-cache/ (benches/scale/make_input.py).
#
# usage: bash benches/scale/run.sh [SIZES]     SIZES defaults to "2745 5490 10980"
# env:   SKIP_BASELINE=1 skips the numpy baseline; THREADS (default 2) is the many-thread run.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
SIZES=${1:-"2745 5490 10980"}
THREADS=${THREADS:-2}
CACHE=$ROOT/target/scale-cache
OUT=$ROOT/target/scale-out
BIN=$ROOT/target/release/goldsweep
mkdir -p "$OUT"

command -v gdal_translate >/dev/null || bash scripts/install-deps.sh
[ -x /usr/bin/time ] || apt-get install -y -q time >/dev/null
cargo build --release --quiet
python3 benches/scale/make_input.py --cache "$CACHE" --goldsweep "$BIN" --sizes "$(echo $SIZES | tr ' ' ',')"

now() { date +%s.%N; }
calc() { awk "BEGIN { print $* }"; }

# Wall seconds for both dates decoded at once by GDAL, one process each.
floor() {
  local dir=$1 t0 t1
  t0=$(now)
  gdal_translate -q -of MEM "$dir/before.tif" "" &
  gdal_translate -q -of MEM "$dir/after.tif" "" &
  wait
  t1=$(now)
  calc "$t1 - $t0"
}

# Wall seconds for both dates decoded one after the other by GDAL.
floor_sequential() {
  local dir=$1 t0 t1
  t0=$(now)
  gdal_translate -q -of MEM "$dir/before.tif" ""
  gdal_translate -q -of MEM "$dir/after.tif" ""
  t1=$(now)
  calc "$t1 - $t0"
}

# "wall_s user_s sys_s peak_kb" of one sweep.
sweep() {
  local dir=$1 threads=$2 stats=$OUT/time.txt
  /usr/bin/time -f "%e %U %S %M" -o "$stats" "$BIN" sweep --before "$dir/before.tif" \
    --after "$dir/after.tif" --catalogue "$dir/catalogue.geojson" --out "$OUT/sweep" \
    --threads "$threads" --progress never >/dev/null
  cat "$stats"
}

fmt() { printf "%.2f" "$1"; }

echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "gdal: $(gdal-config --version 2>/dev/null || gdalinfo --version)"
printf "%-7s | %-9s | %-23s | %-8s | %-8s | %-9s | %-8s | %-8s | %s\n" \
  size floor_s "sweep_s (cpu_s)" sweep/fl peak_MiB t1_s t1/t2 machine "numpy_s (numpy/sweep)"
for s in $SIZES; do
  dir=$CACHE/$s
  floor "$dir" >/dev/null # warm the page cache: every figure below is on cached files
  fl=$(floor "$dir")
  seq=$(floor_sequential "$dir")
  read -r wall user sys kb <<<"$(sweep "$dir" "$THREADS")"
  read -r wall1 _ _ _ <<<"$(sweep "$dir" 1)"
  numpy="-"
  if [ "$s" = 2745 ] && [ -z "${SKIP_BASELINE:-}" ]; then
    python3 -c "import numpy, scipy, rasterio" 2>/dev/null || pip install -q numpy scipy rasterio
    nb=$(python3 benches/scale/baseline_numpy.py "$dir/before.tif" "$dir/after.tif" | awk '/^BASELINE_SECONDS/ {print $2}')
    numpy="$(fmt "$nb") ($(fmt "$(calc "$nb / $wall")")x)"
  fi
  printf "%-7s | %-9s | %-23s | %-8s | %-8s | %-9s | %-8s | %-8s | %s\n" \
    "$s" "$(fmt "$fl")" "$(fmt "$wall") ($(fmt "$(calc "$user + $sys")"))" \
    "$(fmt "$(calc "$wall / $fl")")" "$((kb / 1024))" "$(fmt "$wall1")" \
    "$(fmt "$(calc "$wall1 / $wall")")" "$(fmt "$(calc "$seq / $fl")")" "$numpy"
done
echo
echo "targets: sweep/floor <= 1.5, peak < 1024 MiB at 10980 and the quarter (5490) within 20 %,"
echo "         numpy/sweep >= 5 at 2745, t1/t2 >= 1.8 (compare with the machine's own seq/floor)"
