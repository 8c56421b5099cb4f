"""Peer change detectors next to goldsweep, pixel-scored on the real labelled pairs.

Usage (normally through benches/peers/run.sh):
    python3 compare.py --data ../shared/data --work target/peers [--goldsweep BIN]
                       [--resampling bilinear|near] [--otsu-scope scene|pooled]
                       [--mad-p 0.01] [--irmad-iterations 30] [--irmad-tol 1e-4]

Scenes: Taizhou (labelled pixels) and the OSCD cities rennes, hongkong, aguasclaras (all labelled
pixels), each processed on its own; "oscd, 3 cities pooled" adds the three cities' confusion
counts (with --otsu-scope pooled, the Otsu thresholds of the OSCD cities are one threshold set on
the three cities' values together). Methods, each run with one setting for every scene:

- cva+otsu       change-vector magnitude of the six bands standardised per date, Otsu threshold
- mad-orfeo+chi2 Orfeo ToolBox MultivariateAlterationDetector, chi-square threshold, p = --mad-p
- mad-numpy+chi2 the same MAD computed here (cross-checks Orfeo; the peer when Orfeo is absent)
- irmad+otsu     IR-MAD (Nielsen 2007), Otsu threshold on its chi-square statistic
- goldsweep      `goldsweep sweep` defaults, scored by `goldsweep eval` (needs --goldsweep)

Prints one table (scene | method | precision | recall | F1 | kappa | the issue's F1/kappa). Exit
code 0 done, 2 bad or missing input (one line naming the file), 1 anything else.
"""

import argparse
import sys
import time

import numpy as np

import change_measures as cm
from goldsweep_rows import goldsweep_confusion
from labelled_pairs import OSCD_CITIES, load_oscd_city, load_taizhou
from orfeo_mad import orfeo_available, orfeo_chi_square
from peer_errors import PeerInputError
from pixel_scores import Confusion
from thresholds import chi_square_threshold, otsu

POOLED = "oscd, 3 cities pooled"

#: F1 and kappa the issue reports for the peers (issue 3, "Where the field stands").
ISSUE_FIGURES = {
    ("taizhou", "cva+otsu"): (0.916, 0.897),
    ("taizhou", "mad-orfeo+chi2"): (0.749, 0.704),
    ("taizhou", "mad-numpy+chi2"): (0.749, 0.704),
    (POOLED, "cva+otsu"): (0.331, 0.307),
    (POOLED, "mad-orfeo+chi2"): (0.310, 0.282),
    (POOLED, "mad-numpy+chi2"): (0.310, 0.282),
    (POOLED, "irmad+otsu"): (0.218, 0.185),
}


def _log(message):
    print(message, file=sys.stderr, flush=True)


def _on_grid(values, valid):
    """Scatters per-valid-pixel values back onto the grid, NaN elsewhere."""
    full = np.full(valid.shape, np.nan)
    full[valid] = values
    return full


def peer_statistics(pair, args, orfeo):
    """Each peer's change statistic (rows, cols; NaN where invalid) and its threshold, by method.

    The threshold is a number (chi-square quantile) or "otsu" (set from the statistic's values:
    this scene's, or with --otsu-scope pooled the three OSCD cities' together).
    """
    stats = {}
    valid = pair.valid
    magnitude = cm.cva_magnitude(
        cm.standardise_bands(pair.before, valid), cm.standardise_bands(pair.after, valid)
    )
    magnitude[~valid] = np.nan
    stats["cva+otsu"] = (magnitude, "otsu")

    chi2_cut = chi_square_threshold(pair.before.shape[0], args.mad_p)
    if orfeo:
        stats["mad-orfeo+chi2"] = (orfeo_chi_square(pair, args.work), chi2_cut)
    x = pair.before[:, valid]
    y = pair.after[:, valid]
    mad = cm.mad_variates(x, y)
    z = _on_grid(cm.chi_square_statistic(mad.variates, mad.variance), valid)
    stats["mad-numpy+chi2"] = (z, chi2_cut)

    result = cm.irmad(x, y, max_iterations=args.irmad_iterations, tol=args.irmad_tol)
    stats["irmad+otsu"] = (_on_grid(result.z, valid), "otsu")
    _log(f"  {pair.name}: MAD rho {np.round(mad.rho, 3)}, IR-MAD {result.iterations} iterations")
    return stats


def _thresholds(scene_stats, pooled_scenes):
    """Threshold per (scene, method): the given number, or Otsu of the scene's (pooled) values."""
    cuts = {}
    for (scene, method), (values, rule) in scene_stats.items():
        if rule != "otsu":
            cuts[(scene, method)] = rule
        elif scene in pooled_scenes:
            together = [scene_stats[(s, method)][0].ravel() for s in pooled_scenes]
            cuts[(scene, method)] = otsu(np.concatenate(together))
        else:
            cuts[(scene, method)] = otsu(values)
    return cuts


def _row(scene, method, c):
    expected = ISSUE_FIGURES.get((scene, method))
    issue = f"{expected[0]:.3f} / {expected[1]:.3f}" if expected else ""
    return (
        f"{scene:<22} {method:<15} {c.precision:>9.3f} {c.recall:>7.3f} "
        f"{c.f1:>6.3f} {c.kappa:>6.3f}   {issue}"
    )


def run(args):
    orfeo = orfeo_available() is not None
    if not orfeo:
        _log("Orfeo ToolBox not installed (otbcli_MultivariateAlterationDetector): numpy MAD only")
    results, scene_stats, truths = {}, {}, {}
    loaders = [("taizhou", lambda: load_taizhou(args.data))] + [
        (city, lambda c=city: load_oscd_city(args.data, c, args.resampling))
        for city in OSCD_CITIES
    ]
    for scene, load in loaders:
        started = time.monotonic()
        pair = load()
        truths[scene] = (pair.truth, pair.valid)
        for method, stat in peer_statistics(pair, args, orfeo).items():
            scene_stats[(scene, method)] = stat
        if args.goldsweep:
            results[(scene, "goldsweep")] = goldsweep_confusion(
                args.goldsweep, args.data, scene, args.work
            )
        _log(f"  {scene}: {time.monotonic() - started:.1f} s")
    pooled_scenes = OSCD_CITIES if args.otsu_scope == "pooled" else ()
    for key, cut in _thresholds(scene_stats, pooled_scenes).items():
        truth, valid = truths[key[0]]
        results[key] = Confusion.of(scene_stats[key][0] > cut, truth, valid)

    methods = list(dict.fromkeys(method for _, method in scene_stats))
    methods += ["goldsweep"] if args.goldsweep else []
    for method in methods:
        results[(POOLED, method)] = sum(
            (results[(city, method)] for city in OSCD_CITIES), Confusion()
        )
    print(
        f"{'scene':<22} {'method':<15} {'precision':>9} {'recall':>7} {'F1':>6} {'kappa':>6}"
        "   issue F1 / kappa"
    )
    for scene in ("taizhou", *OSCD_CITIES, POOLED):
        for method in methods:
            print(_row(scene, method, results[(scene, method)]))
    extra = (
        f", OSCD resampling {args.resampling}, MAD chi-square p = {args.mad_p},"
        f" Otsu per {'scene' if args.otsu_scope == 'scene' else 'OSCD pool'}"
    )
    print(f"(pixels scored: Taizhou labelled, OSCD all labelled{extra})")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="the shared data folder (../shared/data)")
    parser.add_argument("--work", required=True, help="scratch folder (target/peers)")
    parser.add_argument("--goldsweep", help="goldsweep binary; without it no goldsweep rows")
    parser.add_argument("--resampling", choices=("bilinear", "near"), default="bilinear")
    parser.add_argument(
        "--otsu-scope",
        choices=("scene", "pooled"),
        default="scene",
        help="Otsu threshold per scene, or one over the three OSCD cities' values together",
    )
    parser.add_argument("--mad-p", type=float, default=0.01, help="chi-square tail probability")
    parser.add_argument("--irmad-iterations", type=int, default=30)
    parser.add_argument("--irmad-tol", type=float, default=1e-4, help="stop when rho moves less")
    args = parser.parse_args(argv)
    if not 0.0 < args.mad_p < 1.0:
        parser.error("--mad-p must lie strictly between 0 and 1")
    if args.irmad_iterations < 1:
        parser.error("--irmad-iterations must be at least 1")
    return args


def main(argv=None):
    args = parse_args(argv)
    try:
        run(args)
    except PeerInputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except (ValueError, np.linalg.LinAlgError) as err:
        print(f"error: a peer method failed: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
