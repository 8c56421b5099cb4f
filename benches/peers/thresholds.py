"""Turning a change measure into a change / no-change map.

- `otsu`: Otsu (1979). The values are binned into `bins` equal bins between their minimum and
  maximum; the threshold is the bin centre t that maximises the between-class variance
  w0(t) w1(t) (mu0(t) - mu1(t))^2, and a pixel is change when its value is > t. This is the
  usual implementation (scikit-image `threshold_otsu`, 256 bins), so a long tail of extreme
  values coarsens the bins and can push the threshold up.
- `chi_square_threshold`: the (1 - p) quantile of chi-square with `dof` degrees of freedom. On the
  MAD chi-square statistic, a no-change pixel with Gaussian noise exceeds it with probability p;
  p = 0.01 and 6 bands give 16.81.
"""

import numpy as np
from scipy import stats


def otsu(values, bins=256):
    """Otsu threshold of the finite entries of `values` (any shape).

    Raises ValueError when there are none or they are all equal.
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    v = v[np.isfinite(v)]
    if v.size == 0:
        raise ValueError("Otsu threshold of no finite values")
    lo, hi = v.min(), v.max()
    if lo == hi:
        raise ValueError(f"Otsu threshold of a constant ({lo})")
    counts, edges = np.histogram(v, bins=bins, range=(lo, hi))
    centres = (edges[:-1] + edges[1:]) / 2.0
    counts = counts.astype(np.float64)
    w0 = np.cumsum(counts)
    w1 = np.cumsum(counts[::-1])[::-1]
    mass = counts * centres
    mu0 = np.cumsum(mass) / np.maximum(w0, 1e-300)
    mu1 = (np.cumsum(mass[::-1]) / np.maximum(w1[::-1], 1e-300))[::-1]
    # Split after bin i: class 0 = bins 0..=i, class 1 = bins i+1..
    between = w0[:-1] * w1[1:] * (mu0[:-1] - mu1[1:]) ** 2
    return float(centres[int(np.argmax(between))])


def chi_square_threshold(dof, p=0.01):
    """Z above which a no-change pixel falls with probability `p` (chi-square, `dof` d.o.f.)."""
    return float(stats.chi2.isf(p, dof))
