//! Relative radiometric normalisation between two dates and the scene fit that drives
//! the change thresholds.
//!
//! The after date is mapped band by band into the before date's radiometry with a
//! total-least-squares line, `before ≈ gain · after + offset`, fitted on pseudo-invariant
//! pixels: starting from the whole sample, each round keeps the half of the pixels whose
//! standardised multi-band residual (a chi-square statistic) is smallest, and refits. This is
//! the iterative no-change selection of IR-MAD (Nielsen 2007) reduced to per-band regressions:
//! it removes global gain/offset differences (sun angle, atmosphere, sensor calibration) while
//! real change — a minority of pixels — has no say in the fit.

use rayon::prelude::*;

use crate::threshold::{otsu, robust_sigma};

/// Pixel values sampled from both dates, one `Vec` per band in [`crate::BandSet`] order;
/// every sampled pixel is valid in both dates.
#[derive(Debug, Clone, Default)]
pub struct PixelSample {
    pub before: Vec<Vec<f32>>,
    pub after: Vec<Vec<f32>>,
}

impl PixelSample {
    pub fn new(bands: usize) -> PixelSample {
        PixelSample {
            before: vec![Vec::new(); bands],
            after: vec![Vec::new(); bands],
        }
    }

    /// Number of sampled pixels.
    pub fn len(&self) -> usize {
        self.before.first().map_or(0, Vec::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The linear mapping of one band of the after date onto the before date, and the noise
/// level of the residual on unchanged ground.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct BandFit {
    /// `before ≈ gain · after + offset`
    pub gain: f32,
    pub offset: f32,
    /// Robust standard deviation (1.4826 · MAD) of `before − (gain · after + offset)`.
    pub sigma: f32,
}

/// Parameters of the scene fit.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct FitParams {
    /// Lowest change-magnitude threshold, in units of the per-band residual σ (RMS over bands).
    /// Guards scenes with almost no change, where Otsu would split noise.
    pub min_magnitude: f32,
    /// Highest threshold, so that one huge unmasked cloud does not hide all other change.
    pub max_magnitude: f32,
    /// Rounds of invariant-pixel selection.
    pub rounds: usize,
    /// Strong (hysteresis) threshold as a multiple of the change threshold.
    pub strong_factor: f32,
    /// Change threshold in the focus zones (at and near closed mines and known illegal sites)
    /// as a multiple of the scene threshold, never below `min_magnitude`: where re-entry is
    /// suspected, weaker change is worth a visit.
    pub focus_factor: f32,
}

impl Default for FitParams {
    fn default() -> FitParams {
        FitParams {
            min_magnitude: 2.5,
            max_magnitude: 8.0,
            rounds: 4,
            strong_factor: 1.1,
            focus_factor: 0.6,
        }
    }
}

/// What the fit pass learned about a scene pair: per-band normalisation and the change
/// magnitude threshold.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SceneFit {
    pub bands: Vec<BandFit>,
    /// Pixels with change magnitude at or above this are change candidates.
    pub magnitude_threshold: f32,
    /// Otsu's threshold on the sampled magnitudes, before clamping to the parameter range.
    pub otsu_threshold: Option<f32>,
    /// An object is kept only if at least one of its pixels reaches this (hysteresis): weak
    /// change is mapped in full around strong change, but never on its own.
    pub strong_threshold: f32,
    /// The change threshold inside focus zones (see [`FitParams::focus_factor`]); at most
    /// `magnitude_threshold`.
    pub focus_threshold: f32,
    /// The strong (hysteresis) threshold of objects in focus zones.
    pub focus_strong_threshold: f32,
    /// Per band, the line noise of [`crate::lines`]: the spread of the normalised difference
    /// averaged along a line, relative to independent noise (1). All 1 unless measured on the
    /// scene's sample ([`crate::lines::line_noise`]).
    pub line_noise: Vec<f32>,
    pub sampled_pixels: usize,
    /// Pixels of the sample, valid by nodata and the given masks, that the cloud screen
    /// ([`crate::cloud`]) left out (not counted in `sampled_pixels`).
    pub cloud_screened_pixels: usize,
}

/// Why a fit could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FitError {
    #[error("only {0} valid pixels were found in both dates; at least 100 are needed")]
    TooFewPixels(usize),
}

impl SceneFit {
    /// Fits the normalisation and the magnitude threshold on a sample.
    ///
    /// ```
    /// use goldsweep_detect::normalise::{PixelSample, SceneFit, FitParams};
    /// // One band, after = 2 · before + 0.1 with small noise.
    /// let before: Vec<f32> = (0..400).map(|i| 0.05 + (i % 97) as f32 * 0.003).collect();
    /// let after: Vec<f32> = before.iter().enumerate()
    ///     .map(|(i, b)| 2.0 * b + 0.1 + ((i * 7919) % 13) as f32 * 1e-4).collect();
    /// let fit = SceneFit::estimate(&PixelSample { before: vec![before], after: vec![after] },
    ///                              &FitParams::default()).unwrap();
    /// assert!((fit.bands[0].gain - 0.5).abs() < 0.01);
    /// ```
    pub fn estimate(sample: &PixelSample, params: &FitParams) -> Result<SceneFit, FitError> {
        let bands = fit_normalisation(sample, params)?;
        let nb = bands.len().max(1);
        let magnitudes: Vec<f32> = chi_square(sample, &bands)
            .into_iter()
            .map(|c| (c / nb as f32).sqrt())
            .collect();
        Ok(SceneFit::with_threshold(
            bands,
            &magnitudes,
            sample.len(),
            params,
        ))
    }

    /// Completes a fit from its band normalisation and a sample of change magnitudes (as the
    /// detector computes them, e.g. spatially smoothed): Otsu's threshold clamped to the
    /// parameter range, and the strong (hysteresis) threshold.
    pub fn with_threshold(
        bands: Vec<BandFit>,
        magnitudes: &[f32],
        sampled_pixels: usize,
        params: &FitParams,
    ) -> SceneFit {
        let otsu_threshold = otsu(magnitudes);
        let magnitude_threshold = otsu_threshold
            .unwrap_or(params.min_magnitude)
            .clamp(params.min_magnitude, params.max_magnitude);
        let focus_threshold = (magnitude_threshold * params.focus_factor)
            .max(params.min_magnitude)
            .min(magnitude_threshold);
        SceneFit {
            line_noise: vec![1.0; bands.len()],
            bands,
            magnitude_threshold,
            otsu_threshold,
            strong_threshold: magnitude_threshold * params.strong_factor,
            focus_threshold,
            focus_strong_threshold: focus_threshold * params.strong_factor,
            sampled_pixels,
            cloud_screened_pixels: 0,
        }
    }
}

/// The per-band normalisation of the after date onto the before date (see the module docs).
pub fn fit_normalisation(
    sample: &PixelSample,
    params: &FitParams,
) -> Result<Vec<BandFit>, FitError> {
    let n = sample.len();
    if n < 100 {
        return Err(FitError::TooFewPixels(n));
    }
    let nb = sample.before.len();
    let mut keep: Vec<usize> = (0..n).collect();
    let mut fits = vec![
        BandFit {
            gain: 1.0,
            offset: 0.0,
            sigma: 1.0
        };
        nb
    ];
    for _ in 0..params.rounds.max(1) {
        // Bands are fitted independently of each other: in parallel.
        fits.par_iter_mut().enumerate().for_each(|(b, fit)| {
            let (gain, offset) = tls_line(&sample.after[b], &sample.before[b], &keep);
            let resid: Vec<f32> = (0..n)
                .map(|i| sample.before[b][i] - (gain * sample.after[b][i] + offset))
                .collect();
            let sigma = robust_sigma(&resid).unwrap_or(0.0).max(1e-6);
            *fit = BandFit {
                gain,
                offset,
                sigma,
            };
        });
        // The half with the smallest chi-square (ties by position) is the next selection.
        let chi = chi_square(sample, &fits);
        let mut order: Vec<usize> = (0..n).collect();
        order.select_nth_unstable_by(n / 2, |&a, &b| chi[a].total_cmp(&chi[b]).then(a.cmp(&b)));
        keep = order[..n / 2].to_vec();
        keep.sort_unstable();
    }
    Ok(fits)
}

/// Sum over bands of the squared standardised residual, per sampled pixel.
fn chi_square(sample: &PixelSample, fits: &[BandFit]) -> Vec<f32> {
    let n = sample.len();
    let mut chi = vec![0.0_f32; n];
    for (b, f) in fits.iter().enumerate() {
        for (i, c) in chi.iter_mut().enumerate() {
            let z = (sample.before[b][i] - (f.gain * sample.after[b][i] + f.offset)) / f.sigma;
            *c += z * z;
        }
    }
    chi
}

/// Total-least-squares (orthogonal) line `y = gain · x + offset` through the selected points.
/// Unlike ordinary least squares it treats both dates as noisy, so the gain is not biased
/// towards zero. Falls back to the identity for degenerate selections.
fn tls_line(x: &[f32], y: &[f32], sel: &[usize]) -> (f32, f32) {
    if sel.len() < 2 {
        return (1.0, 0.0);
    }
    let n = sel.len() as f64;
    let mx = sel.iter().map(|&i| x[i] as f64).sum::<f64>() / n;
    let my = sel.iter().map(|&i| y[i] as f64).sum::<f64>() / n;
    let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
    for &i in sel {
        let dx = x[i] as f64 - mx;
        let dy = y[i] as f64 - my;
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
    }
    if sxy.abs() < 1e-12 || sxx < 1e-12 {
        return (1.0, (my - mx) as f32);
    }
    let gain = (syy - sxx + ((syy - sxx).powi(2) + 4.0 * sxy * sxy).sqrt()) / (2.0 * sxy);
    if !gain.is_finite() || gain <= 0.0 {
        return (1.0, (my - mx) as f32);
    }
    (gain as f32, (my - gain * mx) as f32)
}

/// A fit for unit tests: every band mapped as is with residual σ 0.01, change from
/// `threshold`, strong change from `strong`.
#[cfg(test)]
pub(crate) fn identity_fit(bands: usize, threshold: f32, strong: f32) -> SceneFit {
    SceneFit {
        bands: vec![
            BandFit {
                gain: 1.0,
                offset: 0.0,
                sigma: 0.01
            };
            bands
        ],
        magnitude_threshold: threshold,
        otsu_threshold: None,
        strong_threshold: strong,
        focus_threshold: threshold,
        focus_strong_threshold: strong,
        line_noise: vec![1.0; bands],
        sampled_pixels: 0,
        cloud_screened_pixels: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noisy(i: usize) -> f32 {
        // Deterministic pseudo-noise in [-0.005, 0.005].
        (((i * 2_654_435_761) % 1000) as f32 / 1000.0 - 0.5) * 0.01
    }

    #[test]
    fn removes_global_gain_and_offset_despite_change() {
        let n = 2000;
        let before: Vec<f32> = (0..n).map(|i| 0.05 + (i % 50) as f32 * 0.006).collect();
        let mut after: Vec<f32> = before
            .iter()
            .enumerate()
            .map(|(i, b)| 1.3 * b - 0.02 + noisy(i))
            .collect();
        // 10 % of the pixels change strongly.
        for a in after.iter_mut().step_by(10) {
            *a += 0.25;
        }
        let sample = PixelSample {
            before: vec![before],
            after: vec![after],
        };
        let fit = SceneFit::estimate(&sample, &FitParams::default()).unwrap();
        let b = fit.bands[0];
        assert!((b.gain - 1.0 / 1.3).abs() < 0.02, "gain {}", b.gain);
        assert!((b.offset - 0.02 / 1.3).abs() < 0.01, "offset {}", b.offset);
        // Changed pixels are far above threshold, unchanged below it.
        let m = |i: usize| {
            ((sample.before[0][i] - (b.gain * sample.after[0][i] + b.offset)) / b.sigma).abs()
        };
        assert!(m(0) > fit.magnitude_threshold);
        assert!(m(1) < fit.magnitude_threshold);
    }

    #[test]
    fn too_few_pixels_is_an_error() {
        let s = PixelSample {
            before: vec![vec![0.1; 10]],
            after: vec![vec![0.1; 10]],
        };
        assert_eq!(
            SceneFit::estimate(&s, &FitParams::default()),
            Err(FitError::TooFewPixels(10))
        );
    }
}
