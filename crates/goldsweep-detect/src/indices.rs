//! Spectral indices, computed per pixel from reflectance.
//!
//! All indices are normalised differences in `[-1, 1]`; where the denominator is not positive
//! (both terms zero or negative reflectance from over-corrected haze) the index is `0.0`, so a
//! dark or invalid pixel never looks like vegetation, water or bare soil.

/// `(a - b) / (a + b)`, or `0.0` when `a + b <= 1e-6`.
///
/// ```
/// use goldsweep_detect::indices::normalised_difference;
/// assert!((normalised_difference(0.3, 0.1) - 0.5).abs() < 1e-6);
/// assert_eq!(normalised_difference(0.0, 0.0), 0.0);
/// ```
#[inline(always)]
pub fn normalised_difference(a: f32, b: f32) -> f32 {
    let s = a + b;
    if s > 1e-6 {
        (a - b) / s
    } else {
        0.0
    }
}

/// Normalised Difference Vegetation Index, `(NIR − Red) / (NIR + Red)`.
/// Dense vegetation ≈ 0.6–0.9, bare soil and rock ≈ 0.05–0.2, water < 0.
#[inline(always)]
pub fn ndvi(red: f32, nir: f32) -> f32 {
    normalised_difference(nir, red)
}

/// Modified Normalised Difference Water Index (Xu 2006), `(Green − SWIR1) / (Green + SWIR1)`.
/// Open water > 0.2; soil, rock, vegetation and built-up < 0. Without SWIR (four-band sensors)
/// use [`ndwi`], which confuses water with shadow more easily.
#[inline(always)]
pub fn mndwi(green: f32, swir1: f32) -> f32 {
    normalised_difference(green, swir1)
}

/// Normalised Difference Water Index (McFeeters 1996), `(Green − NIR) / (Green + NIR)`.
#[inline(always)]
pub fn ndwi(green: f32, nir: f32) -> f32 {
    normalised_difference(green, nir)
}

/// Bare Soil Index, `((SWIR1 + Red) − (NIR + Blue)) / ((SWIR1 + Red) + (NIR + Blue))`.
/// Bare soil, waste rock and fresh spoil > 0; vegetation < 0.
#[inline(always)]
pub fn bsi(blue: f32, red: f32, nir: f32, swir1: f32) -> f32 {
    normalised_difference(swir1 + red, nir + blue)
}

/// A visible-only bare-soil proxy for sensors without SWIR: `((Red + Green) − (NIR + Blue)) /
/// ((Red + Green) + (NIR + Blue))`. It separates bare ground from vegetation but not from
/// built-up surfaces; detections that rely on it are flagged as degraded.
#[inline(always)]
pub fn visible_bare_index(blue: f32, green: f32, red: f32, nir: f32) -> f32 {
    normalised_difference(red + green, nir + blue)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vegetation_soil_water_have_expected_signs() {
        // Typical Sentinel-2 reflectances: vegetation, bare soil, water.
        let veg = (0.03, 0.06, 0.04, 0.30, 0.16);
        let soil = (0.10, 0.14, 0.18, 0.25, 0.32);
        let water = (0.06, 0.07, 0.04, 0.02, 0.01);
        assert!(ndvi(veg.2, veg.3) > 0.7);
        assert!(ndvi(soil.2, soil.3) < 0.2);
        assert!(bsi(soil.0, soil.2, soil.3, soil.4) > 0.05);
        assert!(bsi(veg.0, veg.2, veg.3, veg.4) < -0.1);
        assert!(mndwi(water.1, water.4) > 0.5);
        assert!(mndwi(soil.1, soil.4) < 0.0);
        assert!(ndwi(water.1, water.3) > 0.5);
        assert!(
            visible_bare_index(soil.0, soil.1, soil.2, soil.3)
                > visible_bare_index(veg.0, veg.1, veg.2, veg.3)
        );
    }

    #[test]
    fn degenerate_denominator_is_zero() {
        assert_eq!(ndvi(0.0, 0.0), 0.0);
        assert_eq!(mndwi(-0.01, 0.0), 0.0);
    }
}
