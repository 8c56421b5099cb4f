"""Pixel-level confusion counts and scores, with the formulas of `goldsweep eval`.

Only labelled pixels count; labelled pixels without data in either date (`valid` False) are left
out, as `goldsweep eval` leaves out pixels masked (255) in `change.tif`. With n = tp+fp+tn+fn:
precision = tp/(tp+fp), recall = tp/(tp+fn), F1 = 2tp/(2tp+fp+fn), Cohen's kappa =
(po - pe)/(1 - pe) with po = (tp+tn)/n, pe = ((tp+fp)(tp+fn) + (fn+tn)(fp+tn))/n^2; each is 0.0
when its denominator is 0. Pooling several scenes adds their counts.
"""

from dataclasses import dataclass

import numpy as np

from labelled_pairs import CHANGE, NO_CHANGE


def _ratio(num, den):
    return num / den if den else 0.0


@dataclass(frozen=True)
class Confusion:
    """2 x 2 confusion counts of predicted against true change."""

    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0

    @classmethod
    def of(cls, predicted_change, truth, valid):
        """Counts over pixels with a label (`truth` NO_CHANGE/CHANGE) and `valid` True."""
        scored = valid & ((truth == CHANGE) | (truth == NO_CHANGE))
        p = predicted_change[scored]
        t = truth[scored] == CHANGE
        return cls(
            tp=int(np.sum(p & t)),
            fp=int(np.sum(p & ~t)),
            tn=int(np.sum(~p & ~t)),
            fn=int(np.sum(~p & t)),
        )

    def __add__(self, other):
        return Confusion(
            self.tp + other.tp, self.fp + other.fp, self.tn + other.tn, self.fn + other.fn
        )

    @property
    def total(self):
        return self.tp + self.fp + self.tn + self.fn

    @property
    def precision(self):
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self):
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self):
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    @property
    def kappa(self):
        n = float(self.total)
        if n == 0:
            return 0.0
        po = (self.tp + self.tn) / n
        pe = (
            (self.tp + self.fp) * (self.tp + self.fn) + (self.fn + self.tn) * (self.fp + self.tn)
        ) / (n * n)
        if abs(1.0 - pe) < np.finfo(float).eps:
            return 0.0
        return (po - pe) / (1.0 - pe)
