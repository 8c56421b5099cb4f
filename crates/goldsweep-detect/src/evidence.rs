//! Per-pixel change evidence: normalised change magnitude, index deltas and the change group.

use ndarray::{s, Array2, ArrayView2};

use crate::indices::{bsi, mndwi, ndvi, ndwi, visible_bare_index};
use crate::normalise::{BandFit, SceneFit};
use crate::{BandRole, BandSet, TileData};

/// Pixel group codes in [`PixelEvidence::group`].
pub mod group {
    /// Valid pixel, no significant change.
    pub const NONE: u8 = 0;
    /// Significant change on land (soil, rock, vegetation, built-up).
    pub const LAND: u8 = 1;
    /// New open water (a pond, a flooded pit).
    pub const WATER: u8 = 2;
    /// Nodata, cloud, shadow or outside either scene: never change.
    pub const INVALID: u8 = 255;
}

/// Thresholds on the index deltas that split change into groups.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct EvidenceParams {
    /// Water index of the after date above which a pixel counts as open water.
    pub water_after_min: f32,
    /// Minimum rise of the water index for new water.
    pub water_gain_min: f32,
    /// Fraction of the change threshold that a pixel's own (unsmoothed) magnitude must reach.
    pub own_fraction: f32,
}

impl Default for EvidenceParams {
    fn default() -> EvidenceParams {
        EvidenceParams {
            water_after_min: 0.1,
            water_gain_min: 0.2,
            own_fraction: 0.5,
        }
    }
}

/// Evidence for every pixel of a window. Deltas are `after − before`, with the after date
/// first normalised into the before date's radiometry.
#[derive(Debug, Clone)]
pub struct PixelEvidence {
    /// [`group`] code per pixel.
    pub group: Array2<u8>,
    /// RMS over bands of the standardised residual `(after' − before) / σ`.
    pub magnitude: Array2<f32>,
    /// ΔNDVI.
    pub d_ndvi: Array2<f32>,
    /// ΔBSI (with SWIR) or Δ visible bare index (without).
    pub d_bare: Array2<f32>,
    /// ΔMNDWI (with SWIR) or ΔNDWI (without).
    pub d_water: Array2<f32>,
    /// Bare index of the after date.
    pub bare_after: Array2<f32>,
    /// Water index of the after date.
    pub water_after: Array2<f32>,
    /// Change of mean reflectance over all bands (brightening > 0).
    pub d_bright: Array2<f32>,
}

/// Borrowed view of a rectangle of [`PixelEvidence`].
#[derive(Debug, Clone, Copy)]
pub struct EvidenceView<'a> {
    pub group: ArrayView2<'a, u8>,
    pub magnitude: ArrayView2<'a, f32>,
    pub d_ndvi: ArrayView2<'a, f32>,
    pub d_bare: ArrayView2<'a, f32>,
    pub d_water: ArrayView2<'a, f32>,
    pub bare_after: ArrayView2<'a, f32>,
    pub water_after: ArrayView2<'a, f32>,
    pub d_bright: ArrayView2<'a, f32>,
}

impl PixelEvidence {
    /// The rectangle `rows × cols` starting at `(row, col)` of the window.
    pub fn view(&self, row: usize, col: usize, rows: usize, cols: usize) -> EvidenceView<'_> {
        let sl = s![row..row + rows, col..col + cols];
        EvidenceView {
            group: self.group.slice(sl),
            magnitude: self.magnitude.slice(sl),
            d_ndvi: self.d_ndvi.slice(sl),
            d_bare: self.d_bare.slice(sl),
            d_water: self.d_water.slice(sl),
            bare_after: self.bare_after.slice(sl),
            water_after: self.water_after.slice(sl),
            d_bright: self.d_bright.slice(sl),
        }
    }
}

/// Per-pixel chi-square of the normalised difference, `Σ_b ((after'_b − before_b) / σ_b)² / n`,
/// or NaN where the pixel is invalid.
fn chi_per_pixel(tile: &TileData, nb: usize, fit: &[BandFit]) -> Vec<f32> {
    let (rows, cols) = tile.shape();
    let n = rows * cols;
    let before = tile.before.as_standard_layout();
    let after = tile.after.as_standard_layout();
    let valid = tile.valid.as_standard_layout();
    let (before, after, valid) = (
        before.as_slice().unwrap_or(&[]),
        after.as_slice().unwrap_or(&[]),
        valid.as_slice().unwrap_or(&[]),
    );
    let mut chi = vec![f32::NAN; n];
    for (k, f) in fit.iter().enumerate().take(nb) {
        let (b, a) = (&before[k * n..(k + 1) * n], &after[k * n..(k + 1) * n]);
        let inv_sigma = 1.0 / f.sigma;
        for i in 0..n {
            let z = (f.gain * a[i] + f.offset - b[i]) * inv_sigma;
            chi[i] = if k == 0 { z * z } else { chi[i] + z * z };
        }
    }
    let inv_nb = 1.0 / nb.max(1) as f32;
    for (c, &ok) in chi.iter_mut().zip(valid) {
        *c = if ok { *c * inv_nb } else { f32::NAN };
    }
    chi
}

/// Change magnitude: the square root of the chi-square averaged over the valid pixels of the
/// 3 × 3 neighbourhood (spatial context: an isolated noisy pixel is damped, a changed field
/// or heap keeps its level). NaN where the pixel itself is invalid. Needs a halo of one pixel.
///
/// ```
/// use goldsweep_detect::evidence::change_magnitude;
/// use goldsweep_detect::normalise::BandFit;
/// use goldsweep_detect::TileData;
/// use ndarray::{Array2, Array3};
/// let before = Array3::from_elem((4, 3, 3), 0.1_f32);
/// let mut after = before.clone();
/// after[[0, 1, 1]] = 0.19; // one band of the centre pixel changes by 9 σ
/// let tile = TileData { before, after, valid: Array2::from_elem((3, 3), true) };
/// let fit = vec![BandFit { gain: 1.0, offset: 0.0, sigma: 0.01 }; 4];
/// let m = change_magnitude(&tile, 4, &fit);
/// // chi = 81 / 4 bands at the centre, spread over the 9 pixels of its neighbourhood.
/// assert!((m[[1, 1]] - (81.0f32 / 4.0 / 9.0).sqrt()).abs() < 1e-3);
/// ```
pub fn change_magnitude(tile: &TileData, nb: usize, fit: &[BandFit]) -> Array2<f32> {
    smooth_magnitude(&chi_per_pixel(tile, nb, fit), tile.shape())
}

fn smooth_magnitude(chi: &[f32], (rows, cols): (usize, usize)) -> Array2<f32> {
    let mut m = Array2::<f32>::from_elem((rows, cols), f32::NAN);
    for r in 0..rows {
        let (r0, r1) = (r.saturating_sub(1), (r + 1).min(rows - 1));
        for c in 0..cols {
            if chi[r * cols + c].is_nan() {
                continue;
            }
            let (c0, c1) = (c.saturating_sub(1), (c + 1).min(cols - 1));
            let (mut sum, mut count) = (0.0_f32, 0u32);
            for rr in r0..=r1 {
                for &v in &chi[rr * cols + c0..=rr * cols + c1] {
                    if !v.is_nan() {
                        sum += v;
                        count += 1;
                    }
                }
            }
            m[[r, c]] = (sum / count.max(1) as f32).sqrt();
        }
    }
    m
}

/// Computes the evidence for every pixel of a tile.
///
/// A pixel is change when it is valid, its [`change_magnitude`] reaches
/// `fit.magnitude_threshold` and its own unsmoothed magnitude reaches
/// `params.own_fraction` of it; it is [`group::WATER`] when the after date is water and the water
/// index rose, [`group::LAND`] otherwise. Invalid pixels get [`group::INVALID`] and zero evidence.
pub fn pixel_evidence(
    tile: &TileData,
    bands: &BandSet,
    fit: &SceneFit,
    params: &EvidenceParams,
) -> PixelEvidence {
    let (rows, cols) = tile.shape();
    let n = rows * cols;
    let nb = bands.len();
    let chi = chi_per_pixel(tile, nb, &fit.bands);
    let magnitude = smooth_magnitude(&chi, (rows, cols));
    // A pixel's own magnitude must reach this, so that smoothing does not spread a strong
    // change onto the unchanged ring around it (which would inflate areas).
    let own_min = fit.magnitude_threshold * params.own_fraction;
    let own_chi_min = own_min * own_min;
    let before = tile.before.as_standard_layout();
    let after = tile.after.as_standard_layout();
    let (before, after) = (
        before.as_slice().unwrap_or(&[]),
        after.as_slice().unwrap_or(&[]),
    );
    let mags = magnitude.as_slice().unwrap_or(&[]);
    let idx = |r: BandRole| bands.index(r);
    let (ib, ig, ir, inir) = (
        idx(BandRole::Blue).unwrap_or(0),
        idx(BandRole::Green).unwrap_or(0),
        idx(BandRole::Red).unwrap_or(0),
        idx(BandRole::Nir).unwrap_or(0),
    );
    let swir1 = if bands.has_swir() {
        idx(BandRole::Swir1)
    } else {
        None
    };

    let mut out = vec![vec![0.0_f32; n]; 7];
    let mut grp = vec![group::INVALID; n];
    let mut b = [0.0_f32; 6];
    let mut a = [0.0_f32; 6];
    for i in 0..n {
        let m = mags.get(i).copied().unwrap_or(f32::NAN);
        if m.is_nan() {
            continue;
        }
        let (mut sum_b, mut sum_a) = (0.0_f32, 0.0_f32);
        for (k, f) in fit.bands.iter().enumerate().take(nb) {
            b[k] = before[k * n + i];
            a[k] = f.gain * after[k * n + i] + f.offset;
            sum_b += b[k];
            sum_a += a[k];
        }
        let (bare_b, bare_a, water_b, water_a) = match swir1 {
            Some(is1) => (
                bsi(b[ib], b[ir], b[inir], b[is1]),
                bsi(a[ib], a[ir], a[inir], a[is1]),
                mndwi(b[ig], b[is1]),
                mndwi(a[ig], a[is1]),
            ),
            None => (
                visible_bare_index(b[ib], b[ig], b[ir], b[inir]),
                visible_bare_index(a[ib], a[ig], a[ir], a[inir]),
                ndwi(b[ig], b[inir]),
                ndwi(a[ig], a[inir]),
            ),
        };
        let d_water = water_a - water_b;
        out[0][i] = m;
        out[1][i] = ndvi(a[ir], a[inir]) - ndvi(b[ir], b[inir]);
        out[2][i] = bare_a - bare_b;
        out[3][i] = d_water;
        out[4][i] = bare_a;
        out[5][i] = water_a;
        out[6][i] = (sum_a - sum_b) / nb as f32;
        grp[i] = if m < fit.magnitude_threshold || chi[i] < own_chi_min {
            group::NONE
        } else if water_a >= params.water_after_min && d_water >= params.water_gain_min {
            group::WATER
        } else {
            group::LAND
        };
    }
    let mut arrays = out.into_iter().map(|v| {
        Array2::from_shape_vec((rows, cols), v).unwrap_or_else(|_| Array2::zeros((rows, cols)))
    });
    let mut next = || arrays.next().unwrap_or_else(|| Array2::zeros((rows, cols)));
    PixelEvidence {
        magnitude: next(),
        d_ndvi: next(),
        d_bare: next(),
        d_water: next(),
        bare_after: next(),
        water_after: next(),
        d_bright: next(),
        group: Array2::from_shape_vec((rows, cols), grp)
            .unwrap_or_else(|_| Array2::from_elem((rows, cols), group::INVALID)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array2, Array3};

    fn fit(nb: usize) -> SceneFit {
        SceneFit {
            bands: vec![
                BandFit {
                    gain: 1.0,
                    offset: 0.0,
                    sigma: 0.01
                };
                nb
            ],
            magnitude_threshold: 3.0,
            otsu_threshold: None,
            strong_threshold: 4.5,
            sampled_pixels: 0,
        }
    }

    fn stack(px: [f32; 6], rows: usize, cols: usize) -> Array3<f32> {
        Array3::from_shape_fn((6, rows, cols), |(b, _, _)| px[b])
    }

    const VEG: [f32; 6] = [0.03, 0.06, 0.04, 0.30, 0.16, 0.08];
    const SPOIL: [f32; 6] = [0.20, 0.24, 0.28, 0.32, 0.38, 0.30];
    const WATER: [f32; 6] = [0.08, 0.09, 0.06, 0.03, 0.01, 0.01];

    #[test]
    fn identical_dates_have_no_change() {
        let bands = BandSet::new(BandRole::ALL).unwrap();
        let t = TileData {
            before: stack(VEG, 4, 4),
            after: stack(VEG, 4, 4),
            valid: Array2::from_elem((4, 4), true),
        };
        let ev = pixel_evidence(&t, &bands, &fit(6), &EvidenceParams::default());
        assert!(ev.group.iter().all(|&g| g == group::NONE));
        assert!(ev.magnitude.iter().all(|&m| m == 0.0));
    }

    #[test]
    fn spoil_is_land_and_pond_is_water_and_invalid_stays_invalid() {
        let bands = BandSet::new(BandRole::ALL).unwrap();
        let mut after = stack(VEG, 4, 4);
        for b in 0..6 {
            after[[b, 0, 0]] = SPOIL[b];
            after[[b, 1, 1]] = WATER[b];
            after[[b, 2, 2]] = SPOIL[b];
        }
        let mut valid = Array2::from_elem((4, 4), true);
        valid[[2, 2]] = false;
        let t = TileData {
            before: stack(VEG, 4, 4),
            after,
            valid,
        };
        let ev = pixel_evidence(&t, &bands, &fit(6), &EvidenceParams::default());
        assert_eq!(ev.group[[0, 0]], group::LAND);
        assert!(ev.d_ndvi[[0, 0]] < -0.5 && ev.d_bare[[0, 0]] > 0.3);
        assert_eq!(ev.group[[1, 1]], group::WATER);
        assert_eq!(ev.group[[2, 2]], group::INVALID);
        assert_eq!(ev.group[[3, 3]], group::NONE);
    }

    #[test]
    fn four_band_stack_uses_visible_proxies() {
        let bands = BandSet::new([
            BandRole::Blue,
            BandRole::Green,
            BandRole::Red,
            BandRole::Nir,
        ])
        .unwrap();
        let before = stack(VEG, 2, 2).slice(s![0..4, .., ..]).to_owned();
        let mut after = before.clone();
        for b in 0..4 {
            after[[b, 0, 0]] = WATER[b];
        }
        let t = TileData {
            before,
            after,
            valid: Array2::from_elem((2, 2), true),
        };
        let ev = pixel_evidence(&t, &bands, &fit(4), &EvidenceParams::default());
        assert_eq!(ev.group[[0, 0]], group::WATER);
    }
}
