"""The real labelled pairs of ../shared/data as arrays on one grid, ready for a change measure.

Each pair is a before and an after stack of the six optical bands every peer uses, in this
order: blue, green, red, NIR, SWIR1, SWIR2, as float64 in the file's own units (Taizhou: Landsat 7
ETM+ digital numbers 0-255; OSCD: Sentinel-2 L1C top-of-atmosphere reflectance x 10000), plus the
pixel truth on the same grid:

- Taizhou (Landsat, 400 x 400, 30 m): `change.bmp` / `unchanged.bmp`, 255 = a sampled changed /
  unchanged pixel, 0 = unlabelled. Any other value, or a pixel marked in both, is an error.
- OSCD cities (Sentinel-2, ~10 m): `<city>-cm.tif`, 1 = no change, 2 = change, 0 = unlabelled; any
  other value is an error. Bands B02 B03 B04 B08 B11 B12 are resampled bilinearly onto the
  `imgs_1` B02 10 m grid (B11 and B12 are 20 m). Hong Kong's second date comes from another tile
  on a grid 2 px smaller over the same extent: it is warped onto the same `imgs_1` B02 grid, by
  its georeferencing.

This is the truth `goldsweep eval` reads (`--changed/--unchanged` and `--labels --convention
oscd`), decoded the same way.
"""

import glob
import os
from dataclasses import dataclass

import numpy as np
from osgeo import gdal

from peer_errors import PeerInputError

gdal.UseExceptions()

#: Truth codes in `LabelledPair.truth`.
UNLABELLED, NO_CHANGE, CHANGE = -1, 0, 1

#: Sentinel-2 bands standing for blue, green, red, NIR, SWIR1, SWIR2.
OSCD_BANDS = ("B02", "B03", "B04", "B08", "B11", "B12")

#: The three OSCD training cities in ../shared/data/oscd.
OSCD_CITIES = ("rennes", "hongkong", "aguasclaras")


@dataclass
class LabelledPair:
    """Two dates and their pixel truth on one grid.

    `before`, `after`: (6, rows, cols) float64. `valid`: (rows, cols) bool, False where either
    date has its band nodata value (such pixels are left out of the scores, as `goldsweep eval`
    leaves out masked pixels). `truth`: (rows, cols) int8 with `UNLABELLED`, `NO_CHANGE`, `CHANGE`.
    `geotransform`/`projection`: the grid, for writing the stacks to a file (e.g. for Orfeo).
    """

    name: str
    before: np.ndarray
    after: np.ndarray
    valid: np.ndarray
    truth: np.ndarray
    geotransform: tuple
    projection: str


def _open(path):
    if not os.path.exists(path):
        raise PeerInputError(path, "file not found")
    try:
        return gdal.Open(path)
    except RuntimeError as err:
        raise PeerInputError(path, f"GDAL cannot open it ({str(err).strip()})") from None


def _read_stack(path):
    """All bands of one raster as float64 (bands, rows, cols) and a mask of pixels with data."""
    ds = _open(path)
    if ds.RasterCount != 6:
        raise PeerInputError(path, f"{ds.RasterCount} bands, expected 6 (blue..SWIR2)")
    data = ds.ReadAsArray().astype(np.float64)
    valid = np.ones(data.shape[1:], dtype=bool)
    for i in range(ds.RasterCount):
        nodata = ds.GetRasterBand(i + 1).GetNoDataValue()
        if nodata is not None:
            valid &= data[i] != nodata
    return data, valid, ds.GetGeoTransform(), ds.GetProjection()


def _read_marks(path, shape):
    """A sample image: True where 255, False where 0; any other value is an error."""
    ds = _open(path)
    marks = ds.GetRasterBand(1).ReadAsArray()
    if marks.shape != shape:
        raise PeerInputError(path, f"size {marks.shape[::-1]}, the images are {shape[::-1]}")
    bad = (marks != 0) & (marks != 255)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise PeerInputError(
            path, f"value {marks[row, col]} at col {col} row {row}: a sample image holds 0 or 255"
        )
    return marks == 255


def load_taizhou(data_dir):
    """Taizhou 2000 -> 2003 (Landsat 7 ETM+, ENVI) with its sampled truth."""
    folder = os.path.join(data_dir, "taizhou")
    before, valid_b, gt, proj = _read_stack(os.path.join(folder, "2000TM"))
    after, valid_a, _, _ = _read_stack(os.path.join(folder, "2003TM"))
    if before.shape != after.shape:
        raise PeerInputError(os.path.join(folder, "2003TM"), "size differs from 2000TM")
    changed_path = os.path.join(folder, "change.bmp")
    unchanged_path = os.path.join(folder, "unchanged.bmp")
    changed = _read_marks(changed_path, before.shape[1:])
    unchanged = _read_marks(unchanged_path, before.shape[1:])
    both = changed & unchanged
    if both.any():
        row, col = np.argwhere(both)[0]
        raise PeerInputError(
            changed_path, f"col {col} row {row} is also marked in {unchanged_path}"
        )
    truth = np.full(changed.shape, UNLABELLED, dtype=np.int8)
    truth[unchanged] = NO_CHANGE
    truth[changed] = CHANGE
    return LabelledPair("taizhou", before, after, valid_b & valid_a, truth, gt, proj)


def _band_file(folder, band):
    matches = sorted(glob.glob(os.path.join(folder, f"*_{band}.tif")))
    if len(matches) != 1:
        found = "none" if not matches else f"{len(matches)} files"
        raise PeerInputError(folder, f"expected one *_{band}.tif, found {found}")
    return matches[0]


def _warp_onto(path, grid, resampling):
    """One band of `path` resampled onto `grid` (geotransform, projection, cols, rows).

    GDAL's warper with kernel `resampling` ("bilinear" or "near"), by georeferencing; returns the
    band as float64 and a mask of pixels that are not the source's nodata value.
    """
    gt, proj, cols, rows = grid
    src = _open(path)
    bounds = (gt[0], gt[3] + gt[5] * rows, gt[0] + gt[1] * cols, gt[3])
    try:
        out = gdal.Warp(
            "",
            src,
            format="MEM",
            outputBounds=bounds,
            width=cols,
            height=rows,
            dstSRS=proj,
            resampleAlg=resampling,
            outputType=gdal.GDT_Float64,
        )
    except RuntimeError as err:
        raise PeerInputError(path, f"cannot warp onto the B02 grid ({str(err).strip()})") from None
    data = out.GetRasterBand(1).ReadAsArray()
    nodata = src.GetRasterBand(1).GetNoDataValue()
    valid = np.ones(data.shape, dtype=bool) if nodata is None else data != nodata
    return data, valid


def load_oscd_city(data_dir, city, resampling="bilinear"):
    """One OSCD city: six bands of both dates on the imgs_1 B02 grid, with the change label.

    `resampling` is the GDAL warp kernel for the 20 m bands and for Hong Kong's second date
    ("bilinear", the default, or "near" to show how much the peers' scores depend on it).
    """
    folder = os.path.join(data_dir, "oscd", city)
    ref = _open(_band_file(os.path.join(folder, "imgs_1"), "B02"))
    grid = (ref.GetGeoTransform(), ref.GetProjection(), ref.RasterXSize, ref.RasterYSize)
    stacks, valid = [], np.ones((ref.RasterYSize, ref.RasterXSize), dtype=bool)
    for date in ("imgs_1", "imgs_2"):
        bands = []
        for band in OSCD_BANDS:
            data, ok = _warp_onto(_band_file(os.path.join(folder, date), band), grid, resampling)
            bands.append(data)
            valid &= ok
        stacks.append(np.stack(bands))
    label_path = os.path.join(folder, f"{city}-cm.tif")
    label_ds = _open(label_path)
    labels = label_ds.GetRasterBand(1).ReadAsArray()
    if labels.shape != valid.shape:
        raise PeerInputError(label_path, f"size {labels.shape[::-1]}, B02 is {valid.shape[::-1]}")
    bad = ~np.isin(labels, (0, 1, 2))
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise PeerInputError(
            label_path, f"value {labels[row, col]} at col {col} row {row}: OSCD labels are 0, 1, 2"
        )
    truth = np.full(labels.shape, UNLABELLED, dtype=np.int8)
    truth[labels == 1] = NO_CHANGE
    truth[labels == 2] = CHANGE
    return LabelledPair(city, stacks[0], stacks[1], valid, truth, grid[0], grid[1])
