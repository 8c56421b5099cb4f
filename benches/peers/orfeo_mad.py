"""MAD by Orfeo ToolBox's `otbcli_MultivariateAlterationDetector` (Debian package `otb-bin`).

The two six-band stacks of a `LabelledPair` are written as Float32 GeoTIFFs under the work folder
(target/peers/<scene>/), Orfeo writes its MAD variates (one band per input band, sorted by
increasing canonical correlation), and they are read back. Orfeo stops at the variates: it has no
threshold of its own, so the chi-square statistic Z = sum_i M_i^2 / var(M_i) is formed here, with
each variate's variance measured over the valid pixels (for MAD that equals 2(1 - rho_i)), and
thresholded like the numpy MAD (see `thresholds.chi_square_threshold`).
"""

import os
import shutil
import subprocess

import numpy as np
from osgeo import gdal

from peer_errors import PeerInputError

gdal.UseExceptions()

TOOL = "otbcli_MultivariateAlterationDetector"


def orfeo_available():
    """Path of the Orfeo MAD command, or None when it is not installed."""
    return shutil.which(TOOL)


def _write_stack(path, stack, pair):
    bands, rows, cols = stack.shape
    driver = gdal.GetDriverByName("GTiff")
    ds = driver.Create(path, cols, rows, bands, gdal.GDT_Float32)
    ds.SetGeoTransform(pair.geotransform)
    ds.SetProjection(pair.projection)
    for i in range(bands):
        ds.GetRasterBand(i + 1).WriteArray(stack[i].astype(np.float32))
    ds.FlushCache()
    ds = None


def orfeo_chi_square(pair, work_dir):
    """Chi-square statistic (rows, cols) of Orfeo's MAD variates of `pair`; files in `work_dir`."""
    folder = os.path.join(work_dir, pair.name)
    os.makedirs(folder, exist_ok=True)
    before = os.path.join(folder, "before.tif")
    after = os.path.join(folder, "after.tif")
    out = os.path.join(folder, "orfeo_mad.tif")
    _write_stack(before, pair.before, pair)
    _write_stack(after, pair.after, pair)
    cmd = [TOOL, "-in1", before, "-in2", after, "-out", out, "float", "-ram", "256"]
    run = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if run.returncode != 0 or not os.path.exists(out):
        last = (run.stderr.strip() or run.stdout.strip() or "no message").splitlines()[-1]
        raise PeerInputError(out, f"{TOOL} failed (exit {run.returncode}): {last}")
    ds = gdal.Open(out)
    variates = ds.ReadAsArray().astype(np.float64)
    ds = None
    if variates.shape != pair.before.shape:
        raise PeerInputError(out, f"shape {variates.shape}, expected {pair.before.shape}")
    flat = variates.reshape(variates.shape[0], -1)
    variance = flat[:, pair.valid.ravel()].var(axis=1)
    if np.any(variance <= 0):
        raise PeerInputError(out, "a MAD variate is constant over the scene")
    return np.sum(flat**2 / variance[:, None], axis=0).reshape(pair.truth.shape)
