//! Shadow shifts: ground in shade on one date and in sunlight on the other.
//!
//! Shadows move between dates with the sun (season, time of day) and with the viewing angle
//! (a tall building leans the other way from another orbit). The surface under them did not
//! change, yet every band darkens or brightens together, far beyond the scene's noise. In a
//! high-rise district seen in two seasons from two orbits (OSCD Hong Kong) two fifths of the false
//! change was such shade; steep bare slopes do the same with the seasons.
//!
//! A pixel is a shadow shift when, on one date, it is dark in the near and short-wave
//! infrared the way shade is (lit only by the sky), it is not water (water absorbs the near
//! infrared more than red, shade does not), and on the other date it is markedly brighter in
//! the near and short-wave infrared and brighter in green and red (in the visible, the light
//! the atmosphere scatters into the sensor lifts shade and sunlit ground alike, so their
//! contrast is smaller there) — and the ground is not vegetated on either date (vegetation
//! lost or grown is real change, and its shade keeps a high NDVI anyway). A change object
//! made largely of such pixels is an illumination change, not a land change
//! ([`crate::classify::is_shadow_shift`]).
//!
//! Needs both SWIR bands: without them a dark roof and its shade look alike, and no pixel is
//! called a shadow shift.

use crate::indices::ndvi;

/// Near-infrared reflectance below which a non-vegetated pixel can be in shade.
pub const SHADE_NIR_MAX: f32 = 0.15;
/// SWIR1 reflectance below which a non-vegetated pixel can be in shade (lit bare ground,
/// rock, roofs and concrete reflect 0.15–0.35 there).
pub const SHADE_SWIR1_MAX: f32 = 0.12;
/// Factor by which NIR, SWIR1 and SWIR2 are brighter on the lit date (green and red need only
/// be brighter).
pub const LIT_GAIN_MIN: f32 = 1.2;
/// NDVI at or above which a pixel is vegetated on a date (no shadow shift then).
pub const VEGETATED_NDVI: f32 = 0.3;

/// Reflectance of one pixel on one date, by role.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reflectance {
    pub green: f32,
    pub red: f32,
    pub nir: f32,
    pub swir1: f32,
    pub swir2: f32,
}

impl Reflectance {
    fn vegetated(&self) -> bool {
        ndvi(self.red, self.nir) >= VEGETATED_NDVI
    }

    /// Dark the way shade is, and not water.
    fn shaded(&self) -> bool {
        self.nir < SHADE_NIR_MAX && self.swir1 < SHADE_SWIR1_MAX && self.nir > self.red
    }

    /// The infrared bands at least [`LIT_GAIN_MIN`] times `dark`'s, green and red brighter.
    fn lit_above(&self, dark: &Reflectance) -> bool {
        let infrared = [
            (self.nir, dark.nir),
            (self.swir1, dark.swir1),
            (self.swir2, dark.swir2),
        ];
        infrared
            .iter()
            .all(|&(lit, dark)| lit >= LIT_GAIN_MIN * dark)
            && self.green > dark.green
            && self.red > dark.red
    }
}

/// Whether a pixel is in shade on one of the two dates and lit on the other, on ground that
/// is vegetated on neither (see the module docs). The dates are interchangeable.
///
/// ```
/// use goldsweep_detect::shadow::{shadow_shift, Reflectance};
/// // A street between tower blocks: shaded in September, lit in March (Sentinel-2, TOA).
/// let shade = Reflectance { green: 0.108, red: 0.091, nir: 0.112, swir1: 0.084, swir2: 0.054 };
/// let lit = Reflectance { green: 0.158, red: 0.164, nir: 0.206, swir1: 0.209, swir2: 0.166 };
/// assert!(shadow_shift(&shade, &lit) && shadow_shift(&lit, &shade));
/// // A new pond on that street: dark too, but water (near infrared below red).
/// let pond = Reflectance { green: 0.09, red: 0.07, nir: 0.05, swir1: 0.03, swir2: 0.02 };
/// assert!(!shadow_shift(&lit, &pond));
/// ```
pub fn shadow_shift(a: &Reflectance, b: &Reflectance) -> bool {
    if a.vegetated() || b.vegetated() {
        return false;
    }
    (a.shaded() && b.lit_above(a)) || (b.shaded() && a.lit_above(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHADE: Reflectance = Reflectance {
        green: 0.108,
        red: 0.091,
        nir: 0.112,
        swir1: 0.084,
        swir2: 0.054,
    };
    const LIT: Reflectance = Reflectance {
        green: 0.158,
        red: 0.164,
        nir: 0.206,
        swir1: 0.209,
        swir2: 0.166,
    };

    #[test]
    fn shade_to_light_either_way() {
        assert!(shadow_shift(&SHADE, &LIT));
        assert!(shadow_shift(&LIT, &SHADE));
    }

    #[test]
    fn real_change_is_not_a_shadow_shift() {
        // Fresh spoil on lit bare ground: brighter, but the ground was never in shade.
        let spoil = Reflectance {
            green: 0.26,
            red: 0.30,
            nir: 0.34,
            swir1: 0.38,
            swir2: 0.32,
        };
        assert!(!shadow_shift(&LIT, &spoil));
        // Forest cleared to bare soil: vegetated before.
        let forest = Reflectance {
            green: 0.06,
            red: 0.04,
            nir: 0.30,
            swir1: 0.14,
            swir2: 0.07,
        };
        assert!(!shadow_shift(&forest, &LIT));
        // Shaded forest (NIR still far above red) on the other date: vegetated, so no.
        let shaded_forest = Reflectance {
            nir: 0.14,
            ..forest
        };
        assert!(!shadow_shift(&shaded_forest, &LIT));
        // A new pond: dark, but water.
        let pond = Reflectance {
            green: 0.09,
            red: 0.07,
            nir: 0.05,
            swir1: 0.03,
            swir2: 0.02,
        };
        assert!(!shadow_shift(&LIT, &pond));
        // Shade on both dates.
        assert!(!shadow_shift(&SHADE, &SHADE));
        // Lit, but one band (SWIR2) barely brighter: a change of material, not of light.
        let other = Reflectance { swir2: 0.06, ..LIT };
        assert!(!shadow_shift(&SHADE, &other));
    }
}
