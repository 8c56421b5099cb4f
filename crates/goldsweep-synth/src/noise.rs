//! Counter-based pseudo-random fields: value noise, fractal Brownian motion (fBm) and Gaussian
//! sensor noise. Every value is a pure function of `(seed, position)`, so the scene does not
//! depend on evaluation order.

/// SplitMix64 finaliser: a bijective 64-bit mix with good avalanche.
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Hash of a seed and two integer coordinates.
pub fn hash2(seed: u64, a: i64, b: i64) -> u64 {
    mix64(
        seed ^ mix64((a as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15))
            ^ (b as u64).wrapping_mul(0xc2b2_ae3d_27d4_eb4f),
    )
}

/// Uniform value in `[0, 1)` from a hash.
pub fn unit(h: u64) -> f32 {
    (h >> 40) as f32 / (1u64 << 24) as f32
}

/// Standard normal deviate for `(seed, index)`: Irwin–Hall sum of four 16-bit uniforms,
/// rescaled to unit variance (tails cut at ±3.46σ, which is fine for sensor noise).
pub fn gaussian(seed: u64, index: u64) -> f32 {
    let h = hash2(seed, index as i64, 0x5eed);
    let mut s = 0.0f32;
    for k in 0..4 {
        s += ((h >> (16 * k)) & 0xffff) as f32 / 65536.0;
    }
    (s - 2.0) * 3.0f32.sqrt()
}

/// Smooth value noise in `[-1, 1]` on a unit lattice (smoothstep-interpolated lattice values).
fn value_noise(seed: u64, x: f64, y: f64) -> f32 {
    let (fx, fy) = (x.floor(), y.floor());
    let (ix, iy) = (fx as i64, fy as i64);
    let (tx, ty) = ((x - fx) as f32, (y - fy) as f32);
    let sx = tx * tx * (3.0 - 2.0 * tx);
    let sy = ty * ty * (3.0 - 2.0 * ty);
    let v = |a: i64, b: i64| unit(hash2(seed, a, b)) * 2.0 - 1.0;
    let top = v(ix, iy) + sx * (v(ix + 1, iy) - v(ix, iy));
    let bottom = v(ix, iy + 1) + sx * (v(ix + 1, iy + 1) - v(ix, iy + 1));
    top + sy * (bottom - top)
}

/// Fractal Brownian motion: `octaves` layers of value noise, each at half the wavelength and
/// `gain` times the amplitude of the previous one, normalised to roughly `[-1, 1]`.
#[derive(Debug, Clone, Copy)]
pub struct Fbm {
    /// Field seed.
    pub seed: u64,
    /// Wavelength of the first octave in metres.
    pub wavelength_m: f64,
    /// Number of octaves.
    pub octaves: u32,
    /// Amplitude ratio between successive octaves.
    pub gain: f32,
}

impl Fbm {
    /// A field with the given seed, base wavelength (m) and octave count, gain 0.5.
    pub fn new(seed: u64, wavelength_m: f64, octaves: u32) -> Self {
        Self {
            seed,
            wavelength_m,
            octaves,
            gain: 0.5,
        }
    }

    /// Field value at scene-local metres `(x, y)`.
    pub fn at(&self, x: f64, y: f64) -> f32 {
        let mut freq = 1.0 / self.wavelength_m;
        let mut amp = 1.0f32;
        let (mut sum, mut norm) = (0.0f32, 0.0f32);
        for o in 0..self.octaves {
            sum += amp * value_noise(self.seed.wrapping_add(o as u64), x * freq, y * freq);
            norm += amp;
            amp *= self.gain;
            freq *= 2.0;
        }
        // Sums of independent octaves rarely reach the extremes; stretch to use [-1, 1].
        (1.6 * sum / norm).clamp(-1.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fbm_is_bounded_and_deterministic() {
        let f = Fbm::new(7, 100.0, 4);
        for i in 0..500 {
            let (x, y) = (i as f64 * 13.7, i as f64 * 7.1);
            let v = f.at(x, y);
            assert!((-1.0..=1.0).contains(&v));
            assert_eq!(v, f.at(x, y));
        }
    }

    #[test]
    fn gaussian_has_unit_variance() {
        let n = 20_000;
        let xs: Vec<f32> = (0..n).map(|i| gaussian(3, i)).collect();
        let mean = xs.iter().sum::<f32>() / n as f32;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f32>() / n as f32;
        assert!(mean.abs() < 0.03, "mean {mean}");
        assert!((var - 1.0).abs() < 0.05, "var {var}");
    }
}
