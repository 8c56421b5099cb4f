//! Differences between the two dates that are not change: a per-band gain and offset
//! (atmosphere and sun), a faint date-specific texture, and sensor noise; plus conversion to
//! Sentinel-2 L2A digital numbers.

use rand::Rng;

use crate::noise::{gaussian, Fbm};
use crate::spectra::Spectrum;

/// Radiometric model of one acquisition: `ρ' = (g_b·ρ + o_b)·(1 + 0.015·τ(x, y)) + σ_b·ε`, with
/// `τ` a 2-octave fBm (80 m) and `ε` standard normal per pixel and band.
#[derive(Debug, Clone, Copy)]
pub struct Acquisition {
    /// Per-band gain.
    pub gain: Spectrum,
    /// Per-band additive offset (reflectance).
    pub offset: Spectrum,
    /// Per-band sensor noise σ (reflectance).
    pub sigma: Spectrum,
    texture: Fbm,
    noise_seed: u64,
}

impl Acquisition {
    /// The reference (before) acquisition: unit gain, no offset.
    pub fn reference<R: Rng>(rng: &mut R) -> Self {
        Self {
            gain: [1.0; 6],
            offset: [0.0; 6],
            sigma: [0.006, 0.006, 0.006, 0.007, 0.008, 0.008],
            texture: Fbm::new(rng.random(), 80.0, 2),
            noise_seed: rng.random(),
        }
    }

    /// A later acquisition: common gain 0.94–1.06 times a per-band factor 0.98–1.02, and haze
    /// of −0.005–0.015 falling off from blue to SWIR2.
    pub fn later<R: Rng>(rng: &mut R) -> Self {
        let common = rng.random_range(0.94..1.06f32);
        let haze = rng.random_range(-0.005..0.015f32);
        let falloff = [1.0, 0.8, 0.6, 0.3, 0.1, 0.05];
        let mut gain = [0.0; 6];
        let mut offset = [0.0; 6];
        for b in 0..6 {
            gain[b] = common * rng.random_range(0.98..1.02f32);
            offset[b] = haze * falloff[b];
        }
        Self {
            gain,
            offset,
            sigma: [0.006, 0.006, 0.006, 0.007, 0.008, 0.008],
            texture: Fbm::new(rng.random(), 80.0, 2),
            noise_seed: rng.random(),
        }
    }

    /// Observed reflectance of pixel `index` at scene-local `(x, y)` with surface reflectance `s`.
    pub fn observe(&self, s: &Spectrum, index: usize, x: f64, y: f64) -> Spectrum {
        let k = 1.0 + 0.015 * self.texture.at(x, y);
        let mut out = [0.0; 6];
        for b in 0..6 {
            let e = gaussian(self.noise_seed, (index * 6 + b) as u64);
            out[b] = (self.gain[b] * s[b] + self.offset[b]) * k + self.sigma[b] * e;
        }
        out
    }
}

/// Reflectance → L2A digital number `round(ρ·10000)`, clamped to 1…65535 (0 is nodata).
///
/// ```
/// use goldsweep_synth::radiometry::to_dn;
/// assert_eq!(to_dn(0.1234), 1234);
/// assert_eq!(to_dn(-0.2), 1);
/// ```
pub fn to_dn(r: f32) -> u16 {
    (r * 10_000.0).round().clamp(1.0, 65_535.0) as u16
}
