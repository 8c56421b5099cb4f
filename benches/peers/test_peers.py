"""Self-tests of the peer methods and scoring; run by run.sh before the comparison.

    PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 -m unittest discover -s benches/peers -p 'test_*.py'

Synthetic pairs with planted change check the measures; the real-data test skips with a message
when ../shared/data is absent.
"""

import os
import tempfile
import unittest

import numpy as np
from osgeo import gdal

import change_measures as cm
from labelled_pairs import CHANGE, NO_CHANGE, UNLABELLED, LabelledPair, load_taizhou
from orfeo_mad import orfeo_available, orfeo_chi_square
from peer_errors import PeerInputError
from pixel_scores import Confusion
from thresholds import chi_square_threshold, otsu

DATA = os.environ.get(
    "GOLDSWEEP_SHARED_DATA",
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "data"),
)


def planted_pair(seed=1, rows=60, cols=60, bands=6):
    """Correlated six-band scene; the after date a noisy affine map of it with a 10 x 10 block
    changed by one random shift vector."""
    rng = np.random.default_rng(seed)
    base = rng.normal(size=(bands, rows * cols))
    mixing = np.eye(bands) + 0.3 * rng.normal(size=(bands, bands))
    before = mixing @ base + 0.05 * rng.normal(size=base.shape)
    gain = rng.uniform(0.7, 1.3, size=(bands, 1))
    offset = rng.uniform(-2.0, 2.0, size=(bands, 1))
    after = gain * (mixing @ base) + offset + 0.05 * rng.normal(size=base.shape)
    truth = np.zeros((rows, cols), dtype=np.int8)
    truth[20:30, 20:30] = CHANGE
    changed = truth.ravel() == CHANGE
    after[:, changed] += rng.normal(3.0, 0.5, size=(bands, 1))
    return before.reshape(bands, rows, cols), after.reshape(bands, rows, cols), truth


class ThresholdTests(unittest.TestCase):
    def test_otsu_splits_two_modes(self):
        rng = np.random.default_rng(0)
        values = np.concatenate([rng.normal(1.0, 0.2, 5000), rng.normal(5.0, 0.3, 500)])
        t = otsu(values)
        self.assertGreater(np.mean(values[:5000] <= t), 0.99)
        self.assertTrue(np.all(values[5000:] > t))

    def test_otsu_ignores_nan_and_rejects_constant(self):
        self.assertAlmostEqual(otsu(np.array([0.0, 0.0, 10.0, 10.0, np.nan])), 0.0 + 10 / 512, 6)
        with self.assertRaises(ValueError):
            otsu(np.full(10, 3.0))
        with self.assertRaises(ValueError):
            otsu(np.array([np.nan]))

    def test_chi_square_quantile(self):
        self.assertAlmostEqual(chi_square_threshold(6, 0.01), 16.8119, 3)
        self.assertAlmostEqual(chi_square_threshold(2, 0.05), 5.9915, 3)


class ChangeMeasureTests(unittest.TestCase):
    def test_cva_of_a_scene_with_itself_is_zero(self):
        before, _, _ = planted_pair()
        self.assertEqual(cm.cva_magnitude(before, before).max(), 0.0)

    def test_standardised_cva_ignores_gain_and_offset(self):
        before, _, _ = planted_pair()
        valid = np.ones(before.shape[1:], dtype=bool)
        scaled = 1.7 * before + 40.0
        m = cm.cva_magnitude(
            cm.standardise_bands(before, valid), cm.standardise_bands(scaled, valid)
        )
        self.assertLess(m.max(), 1e-9)

    def test_mad_variance_and_affine_invariance(self):
        before, after, _ = planted_pair()
        x, y = before.reshape(6, -1), after.reshape(6, -1)
        mad = cm.mad_variates(x, y)
        self.assertTrue(np.all(np.diff(mad.rho) >= 0), "rho ascending")
        np.testing.assert_allclose(mad.variates.var(axis=1), mad.variance, rtol=1e-6)
        z = cm.chi_square_statistic(mad.variates, mad.variance)
        rng = np.random.default_rng(5)
        mix = np.eye(6) + 0.2 * rng.normal(size=(6, 6))
        z2 = cm.chi_square_statistic(*_mad_parts(cm.mad_variates(x, mix @ y + 9.0)))
        np.testing.assert_allclose(z, z2, rtol=1e-5, atol=1e-6)

    def test_mad_and_irmad_find_the_planted_block(self):
        before, after, truth = planted_pair()
        x, y = before.reshape(6, -1), after.reshape(6, -1)
        changed = truth.ravel() == CHANGE
        cut = chi_square_threshold(6, 0.01)
        mad = cm.mad_variates(x, y)
        z = cm.chi_square_statistic(mad.variates, mad.variance)
        self.assertGreater(np.mean(z[changed] > cut), 0.95)
        result = cm.irmad(x, y)
        self.assertLess(result.iterations, 30)
        # Reweighting keeps the changed block out of the no-change statistics, so it stands much
        # further above the unchanged pixels than in plain MAD, and Otsu splits it off cleanly.
        def separation(stat):
            return stat[changed].min() / np.percentile(stat[~changed], 99)

        self.assertGreater(separation(result.z), 10.0 * max(separation(z), 1.0))
        predicted = result.z > otsu(result.z)
        self.assertTrue(np.all(predicted[changed]))
        self.assertLess(np.mean(predicted[~changed]), 0.01)


def _mad_parts(mad):
    return mad.variates, mad.variance


class ScoreTests(unittest.TestCase):
    def test_counts_only_labelled_valid_pixels(self):
        truth = np.array([[CHANGE, CHANGE, NO_CHANGE, NO_CHANGE, UNLABELLED, CHANGE]])
        predicted = np.array([[True, False, True, False, True, True]])
        valid = np.array([[True, True, True, True, True, False]])
        self.assertEqual(Confusion.of(predicted, truth, valid), Confusion(tp=1, fp=1, tn=1, fn=1))

    def test_scores_match_hand_computation(self):
        c = Confusion(tp=40, fp=10, tn=45, fn=5)
        self.assertAlmostEqual(c.precision, 0.8)
        self.assertAlmostEqual(c.recall, 40 / 45)
        self.assertAlmostEqual(c.f1, 80 / 95)
        # po = 0.85, pe = (50*45 + 50*55) / 100^2 = 0.5
        self.assertAlmostEqual(c.kappa, 0.7)
        self.assertEqual(c + Confusion(1, 2, 3, 4), Confusion(41, 12, 48, 9))
        self.assertEqual(Confusion().kappa, 0.0)


class InputTests(unittest.TestCase):
    def test_bad_sample_value_names_the_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            folder = os.path.join(tmp, "taizhou")
            os.makedirs(folder)
            for name in ("2000TM", "2003TM"):
                _write(os.path.join(folder, name), np.ones((6, 4, 4), np.uint8), "ENVI")
            marks = np.zeros((1, 4, 4), np.uint8)
            _write(os.path.join(folder, "unchanged.bmp"), marks, "BMP")
            marks[0, 1, 2] = 7
            _write(os.path.join(folder, "change.bmp"), marks, "BMP")
            with self.assertRaises(PeerInputError) as err:
                load_taizhou(tmp)
            self.assertIn("change.bmp", str(err.exception))
            self.assertIn("value 7 at col 2 row 1", str(err.exception))

    def test_missing_scene_is_an_input_error(self):
        with tempfile.TemporaryDirectory() as tmp:
            with self.assertRaises(PeerInputError) as err:
                load_taizhou(tmp)
            self.assertIn("2000TM: file not found", str(err.exception))

    @unittest.skipUnless(orfeo_available(), "Orfeo ToolBox (otb-bin) not installed")
    def test_orfeo_mad_agrees_with_numpy_mad(self):
        before, after, truth = planted_pair(seed=3, rows=40, cols=50)
        valid = np.ones(truth.shape, dtype=bool)
        pair = LabelledPair(
            "synthetic", before, after, valid, truth, (0, 1, 0, 0, 0, -1), _utm_wkt()
        )
        with tempfile.TemporaryDirectory() as tmp:
            z_orfeo = orfeo_chi_square(pair, tmp).ravel()
        mad = cm.mad_variates(before.reshape(6, -1), after.reshape(6, -1))
        z = cm.chi_square_statistic(mad.variates, mad.variance)
        np.testing.assert_allclose(z_orfeo, z, rtol=1e-3, atol=1e-3)


class RealDataTests(unittest.TestCase):
    def test_taizhou_truth_counts(self):
        if not os.path.isdir(os.path.join(DATA, "taizhou")):
            self.skipTest(f"no real data at {DATA}")
        pair = load_taizhou(DATA)
        self.assertEqual(pair.before.shape, (6, 400, 400))
        self.assertEqual(int(np.sum(pair.truth == CHANGE)), 4227)
        self.assertEqual(int(np.sum(pair.truth == NO_CHANGE)), 17163)


def _utm_wkt():
    from osgeo import osr

    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32651)
    return srs.ExportToWkt()


def _write(path, array, driver):
    bands, rows, cols = array.shape
    if driver == "BMP":
        mem = gdal.GetDriverByName("MEM").Create("", cols, rows, 1, gdal.GDT_Byte)
        mem.GetRasterBand(1).WriteArray(array[0])
        gdal.GetDriverByName("BMP").CreateCopy(path, mem)
        return
    ds = gdal.GetDriverByName(driver).Create(path, cols, rows, bands, gdal.GDT_Byte)
    for i in range(bands):
        ds.GetRasterBand(i + 1).WriteArray(array[i])
    ds.FlushCache()
    ds = None


if __name__ == "__main__":
    unittest.main()
