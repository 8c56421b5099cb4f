//! Surface-reflectance spectra (0–1) of the land covers and planted objects, in the band order of
//! the output files: B02 blue, B03 green, B04 red, B08 NIR, B11 SWIR1, B12 SWIR2 (Sentinel-2 L2A).
//!
//! Values follow typical Sentinel-2 L2A signatures: green vegetation has low red and high NIR;
//! bare soil and rock rise steadily towards SWIR1; fresh waste rock is bright in every band;
//! water is dark beyond green, so MNDWI = (B03 − B11)/(B03 + B11) is high.

/// Reflectance in the six output bands.
pub type Spectrum = [f32; 6];

/// Band names written as band descriptions, in file order.
pub const BAND_NAMES: [&str; 6] = ["B02", "B03", "B04", "B08", "B11", "B12"];

/// Index of the NIR band (B08) in a [`Spectrum`].
pub const NIR: usize = 3;
/// Index of the red band (B04) in a [`Spectrum`].
pub const RED: usize = 2;

/// Closed-canopy broadleaf/pine forest on the granite hills.
pub const FOREST: Spectrum = [0.025, 0.045, 0.030, 0.32, 0.145, 0.060];
/// Shrub and coppice.
pub const SHRUB: Spectrum = [0.038, 0.062, 0.055, 0.27, 0.175, 0.090];
/// Grass and herbs.
pub const GRASS: Spectrum = [0.045, 0.075, 0.065, 0.28, 0.205, 0.115];
/// Dense green crop (wheat before ripening, vegetables).
pub const CROP: Spectrum = [0.030, 0.065, 0.030, 0.40, 0.150, 0.060];
/// Bare agricultural soil.
pub const SOIL: Spectrum = [0.090, 0.130, 0.180, 0.25, 0.32, 0.260];
/// Harvested field: stubble over dry soil.
pub const STUBBLE: Spectrum = [0.080, 0.110, 0.140, 0.22, 0.30, 0.230];
/// Weathered granite outcrop.
pub const ROCK: Spectrum = [0.110, 0.140, 0.170, 0.23, 0.29, 0.230];
/// Fresh spoil / waste rock: bright in all bands.
pub const SPOIL: Spectrum = [0.200, 0.240, 0.280, 0.31, 0.36, 0.300];
/// Old, partly revegetated mine ground.
pub const OLD_MINE: Spectrum = [0.080, 0.100, 0.120, 0.21, 0.27, 0.200];
/// Compacted bare track.
pub const TRACK: Spectrum = [0.120, 0.160, 0.200, 0.26, 0.33, 0.270];
/// Concrete/asphalt road.
pub const ROAD: Spectrum = [0.130, 0.150, 0.170, 0.21, 0.25, 0.220];
/// River and reservoir water.
pub const WATER: Spectrum = [0.050, 0.060, 0.040, 0.020, 0.010, 0.006];
/// Cyanide leach pond: turbid, bluish water (MNDWI ≈ 0.76).
pub const LEACH: Spectrum = [0.110, 0.120, 0.085, 0.045, 0.016, 0.010];
/// Aquaculture / farm pond: turbid green water.
pub const FARM_POND: Spectrum = [0.060, 0.085, 0.065, 0.050, 0.018, 0.012];
/// Blue colour-steel roof of a new shed.
pub const ROOF_BLUE: Spectrum = [0.210, 0.200, 0.150, 0.22, 0.26, 0.220];
/// White/light concrete roof.
pub const ROOF_WHITE: Spectrum = [0.300, 0.320, 0.330, 0.36, 0.40, 0.360];
/// Grey tile roofs of an old village.
pub const VILLAGE_ROOF: Spectrum = [0.100, 0.110, 0.130, 0.18, 0.24, 0.210];
/// Open-pit floor: shadowed fresh rock.
pub const PIT: Spectrum = [0.070, 0.080, 0.090, 0.13, 0.17, 0.140];
/// Thick cloud top.
pub const CLOUD: Spectrum = [0.520, 0.510, 0.530, 0.56, 0.42, 0.300];
/// Vegetation clearing: bare soil with regrowing grass.
pub const CLEARING: Spectrum = [0.075, 0.105, 0.130, 0.25, 0.29, 0.210];

/// Linear mix `(1 − t)·a + t·b`.
///
/// ```
/// use goldsweep_synth::spectra::{mix, SOIL, CROP};
/// let half = mix(&SOIL, &CROP, 0.5);
/// assert!((half[3] - 0.325).abs() < 1e-6);
/// ```
pub fn mix(a: &Spectrum, b: &Spectrum, t: f32) -> Spectrum {
    let mut out = [0.0; 6];
    for (o, (x, y)) in out.iter_mut().zip(a.iter().zip(b.iter())) {
        *o = x + t * (y - x);
    }
    out
}

/// Every band multiplied by `k`.
pub fn scale(a: &Spectrum, k: f32) -> Spectrum {
    a.map(|v| v * k)
}

/// NDVI = (B08 − B04)/(B08 + B04).
///
/// ```
/// use goldsweep_synth::spectra::{ndvi, FOREST};
/// assert!(ndvi(&FOREST) > 0.8);
/// ```
pub fn ndvi(a: &Spectrum) -> f32 {
    (a[NIR] - a[RED]) / (a[NIR] + a[RED])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mndwi(a: &Spectrum) -> f32 {
        (a[1] - a[4]) / (a[1] + a[4])
    }

    #[test]
    fn signatures_have_the_expected_contrasts() {
        assert!(ndvi(&FOREST) > 0.7 && ndvi(&CROP) > 0.7);
        assert!(ndvi(&SPOIL) < 0.1 && ndvi(&SOIL) < 0.2);
        assert!(mndwi(&LEACH) > 0.6 && mndwi(&WATER) > 0.6);
        assert!(mndwi(&SPOIL) < 0.0);
        // Fresh spoil is brighter than the soil it replaces in every band.
        assert!(SPOIL.iter().zip(SOIL.iter()).all(|(s, b)| s > b));
    }
}
