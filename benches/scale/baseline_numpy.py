#!/usr/bin/env python3
"""The usual tool: goldsweep's steps written the straightforward numpy / rasterio / scipy way.

What an analyst would write in a notebook, whole-scene arrays, no tiling:
  1. read both dates (rasterio, all six bands), reflectance = DN / 10000, valid = no band 0
  2. normalise after -> before per band: total-least-squares line on pseudo-invariant pixels
     chosen by iterating a chi-square test on the normalised difference (3 rounds)
  3. indices (NDVI, BSI, MNDWI, brightness) of both dates and their differences
  4. change magnitude = sqrt(3x3 mean of the per-pixel chi-square), Otsu threshold (clamped
     to 2..8 sigma units as goldsweep does)
  5. groups (new water vs land), 3x3 clean-up: drop isolated pixels, fill pixels with >= 6
     changed neighbours (scipy.ndimage convolutions)
  6. 8-connected labelling (scipy.ndimage.label) and per-object features (area, bounding box,
     centroid, mean evidence) with scipy.ndimage.{sum,mean,find_objects}, then a class per
     object by the same rules.

usage: baseline_numpy.py BEFORE.tif AFTER.tif   (prints seconds per step and the object count)
"""

import sys
import time

import numpy as np
import rasterio
from scipy import ndimage


def tls_line(x, y):
    """Total-least-squares y = gain * x + offset."""
    mx, my = x.mean(), y.mean()
    sxx = ((x - mx) ** 2).mean()
    syy = ((y - my) ** 2).mean()
    sxy = ((x - mx) * (y - my)).mean()
    gain = (syy - sxx + np.sqrt((syy - sxx) ** 2 + 4 * sxy**2)) / (2 * sxy)
    return gain, my - gain * mx


def otsu(values, bins=256):
    hist, edges = np.histogram(values, bins=bins)
    centres = (edges[:-1] + edges[1:]) / 2
    w0 = np.cumsum(hist)
    w1 = w0[-1] - w0
    m0 = np.cumsum(hist * centres)
    mu0 = m0 / np.maximum(w0, 1)
    mu1 = (m0[-1] - m0) / np.maximum(w1, 1)
    between = w0 * w1 * (mu0 - mu1) ** 2
    return centres[np.argmax(between)]


def indices(r):
    blue, green, red, nir, sw1, sw2 = r
    eps = 1e-6
    ndvi = (nir - red) / (nir + red + eps)
    bsi = ((sw1 + red) - (nir + blue)) / ((sw1 + red) + (nir + blue) + eps)
    mndwi = (green - sw1) / (green + sw1 + eps)
    bright = r.mean(axis=0)
    return ndvi, bsi, mndwi, bright


def main():
    before_path, after_path = sys.argv[1], sys.argv[2]
    t = {}
    t0 = time.perf_counter()
    with rasterio.open(before_path) as a, rasterio.open(after_path) as b:
        before = a.read().astype(np.float32)
        after = b.read().astype(np.float32)
    valid = (before != 0).all(axis=0) & (after != 0).all(axis=0)
    before *= 1e-4
    after *= 1e-4
    t["read"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    nb = before.shape[0]
    gains, offsets, sigmas = np.ones(nb), np.zeros(nb), np.ones(nb)
    sel = valid.copy()
    for _ in range(3):
        chi = np.zeros(valid.shape, np.float32)
        for k in range(nb):
            x, y = after[k][sel], before[k][sel]
            gains[k], offsets[k] = tls_line(x, y)
            res = y - (gains[k] * x + offsets[k])
            sigmas[k] = max(res.std(), 1e-4)
            d = (before[k] - (gains[k] * after[k] + offsets[k])) / sigmas[k]
            chi += d * d
        chi /= nb
        sel = valid & (chi < 3.0)
    after_n = np.stack([gains[k] * after[k] + offsets[k] for k in range(nb)])
    t["normalise"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    ib, ia = indices(before), indices(after_n)
    d_ndvi, d_bsi, d_mndwi, d_bright = (x1 - x0 for x0, x1 in zip(ib, ia))
    chi = np.where(valid, chi, 0)
    mean_chi = ndimage.uniform_filter(chi, 3) / np.maximum(
        ndimage.uniform_filter(valid.astype(np.float32), 3), 1e-6
    )
    magnitude = np.where(valid, np.sqrt(mean_chi), np.nan)
    t["indices+magnitude"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    threshold = float(np.clip(otsu(magnitude[valid]), 2.0, 8.0))
    change = valid & (magnitude >= threshold)
    water = change & (ia[2] >= 0.1) & (d_mndwi >= 0.2)
    groups = np.where(water, 2, np.where(change, 1, 0)).astype(np.uint8)
    t["otsu"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    ring = np.ones((3, 3), np.float32)
    ring[1, 1] = 0
    changed = (groups > 0).astype(np.float32)
    neighbours = ndimage.convolve(changed, ring, mode="constant")
    groups[(groups > 0) & (neighbours == 0)] = 0
    water_n = ndimage.convolve((groups == 2).astype(np.float32), ring, mode="constant")
    land_n = ndimage.convolve((groups == 1).astype(np.float32), ring, mode="constant")
    fill = valid & (groups == 0) & (water_n + land_n >= 6)
    groups[fill & (water_n > land_n)] = 2
    groups[fill & (water_n <= land_n)] = 1
    t["morphology"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    n_objects = 0
    eight = np.ones((3, 3), bool)
    features = []
    for g in (1, 2):
        labels, n = ndimage.label(groups == g, structure=eight)
        if n == 0:
            continue
        idx = np.arange(1, n + 1)
        area = ndimage.sum(np.ones_like(magnitude), labels, idx)
        rows, cols = np.indices(labels.shape)
        cr = ndimage.mean(rows, labels, idx)
        cc = ndimage.mean(cols, labels, idx)
        feats = [ndimage.mean(x, labels, idx) for x in (magnitude, d_ndvi, d_bsi, d_mndwi, d_bright, ia[1])]
        boxes = ndimage.find_objects(labels)
        for i in range(n):
            m, dn, db, dw, dbr, bsi_a = (f[i] for f in feats)
            box = boxes[i]
            h = box[0].stop - box[0].start
            w = box[1].stop - box[1].start
            if g == 2:
                cls = "leach_pond"
            elif bsi_a >= 0 and (db > 0 or dn < 0) and dbr >= 0.03:
                cls = "access_track" if min(h, w) <= 3 and max(h, w) >= 10 else "spoil_heap"
            elif dn <= -0.12:
                cls = "vegetation_loss"
            else:
                cls = "other_change"
            features.append((area[i], cr[i], cc[i], cls))
        n_objects += n
    t["label+features"] = time.perf_counter() - t0

    total = sum(t.values())
    for k, v in t.items():
        print(f"  {k:<20} {v:7.2f} s")
    print(f"  {'total':<20} {total:7.2f} s  ({n_objects} objects, threshold {threshold:.2f})")
    print(f"BASELINE_SECONDS {total:.3f}")


if __name__ == "__main__":
    main()
