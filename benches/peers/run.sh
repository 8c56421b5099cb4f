#!/usr/bin/env bash
# The peer change detectors of issue 3 (CVA + Otsu, Orfeo ToolBox MAD + chi-square, IR-MAD + Otsu)
# next to goldsweep's own rows, pixel-scored on the real labelled pairs in ../shared/data (Taizhou
# labelled pixels; OSCD rennes, hongkong, aguasclaras, all labelled pixels, and the three pooled).
#
# Usage: bash benches/peers/run.sh [--peers-only] [--no-install] [compare.py options]
#   --peers-only   skip goldsweep (no release build); its rows are left out
#   --no-install   do not apt-get install what is missing (GDAL/numpy/scipy for Python, otb-bin);
#                  without Orfeo the MAD rows come from numpy alone
#   other options go to compare.py: --resampling bilinear|near, --mad-p P, --irmad-iterations N
# Environment: GOLDSWEEP_SHARED_DATA (default ../shared/data), PYTHON (default /usr/bin/python3,
# the Debian Python that python3-gdal installs into), GOLDSWEEP_BIN (a goldsweep binary to use
# instead of building target/release/goldsweep). Scratch files go to target/peers/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."
data=${GOLDSWEEP_SHARED_DATA:-../shared/data}
[ -d "$data/taizhou" ] && [ -d "$data/oscd" ] || {
  echo "no real data at $data (set GOLDSWEEP_SHARED_DATA): nothing to compare"
  exit 0
}

peers_only=0 install=1 pass=()
for arg in "$@"; do
  case "$arg" in
    --peers-only) peers_only=1 ;;
    --no-install) install=0 ;;
    *) pass+=("$arg") ;;
  esac
done

python=${PYTHON:-/usr/bin/python3}
apt_install() {
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing system packages: $*" >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null ||
    { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }
}
if ! "$python" -c 'import numpy, scipy; from osgeo import gdal' 2>/dev/null; then
  [ "$install" -eq 1 ] || { echo "$python lacks numpy, scipy or GDAL bindings (python3-gdal)" >&2; exit 2; }
  apt_install python3 python3-numpy python3-scipy python3-gdal
  python=/usr/bin/python3
fi
if ! command -v otbcli_MultivariateAlterationDetector >/dev/null && [ "$install" -eq 1 ]; then
  apt_install otb-bin || echo "otb-bin not installable: MAD from numpy only" >&2
fi

work=target/peers
mkdir -p "$work"
export PYTHONDONTWRITEBYTECODE=1
"$python" -m unittest discover -s "$here" -p 'test_*.py' -q 2>"$work/self-test.log" ||
  { cat "$work/self-test.log" >&2; echo "peer self-tests failed" >&2; exit 1; }

gs=()
if [ "$peers_only" -eq 0 ]; then
  bin=${GOLDSWEEP_BIN:-}
  if [ -z "$bin" ]; then
    cargo build --release --quiet --bin goldsweep
    bin=./target/release/goldsweep
  fi
  gs=(--goldsweep "$bin")
fi
exec "$python" "$here/compare.py" --data "$data" --work "$work" "${gs[@]}" "${pass[@]}"
