//! Sensor profiles: which of a sensor's bands plays which spectral role, and its quality band.

use std::fmt;
use std::str::FromStr;

use goldsweep_detect::BandRole;
use serde::Serialize;

use crate::error::RasterError;

/// The sensor a scene comes from, which fixes the band → role map and the default radiometric scale.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub enum Sensor {
    /// Work it out from file names, band descriptions or the band count.
    #[default]
    Auto,
    /// Sentinel-2 MSI: B02 blue, B03 green, B04 red, B08 NIR, B11 SWIR1, B12 SWIR2; SCL quality.
    Sentinel2,
    /// Landsat 4/5 TM and 7 ETM+: bands 1, 2, 3, 4, 5, 7 (a 6-band stack maps to 1..6); QA_PIXEL quality.
    LandsatTm,
    /// Landsat 8/9 OLI: bands 2, 3, 4, 5, 6, 7 (a 6-band stack maps to 1..6); QA_PIXEL quality.
    LandsatOli,
    /// Blue, green, red, NIR in bands 1..4 (GF-1/GF-2, CBERS, PlanetScope-like stacks).
    FourBand,
    /// No sensor profile: roles come from `--bands` or from band descriptions; no default scaling.
    Generic,
}

impl Sensor {
    /// Every accepted `--sensor` name, in the order shown to users.
    pub const NAMES: [&'static str; 6] = [
        "auto",
        "sentinel2",
        "landsat-tm",
        "landsat-oli",
        "four-band",
        "generic",
    ];

    /// The `--sensor` name.
    pub fn name(self) -> &'static str {
        match self {
            Sensor::Auto => "auto",
            Sensor::Sentinel2 => "sentinel2",
            Sensor::LandsatTm => "landsat-tm",
            Sensor::LandsatOli => "landsat-oli",
            Sensor::FourBand => "four-band",
            Sensor::Generic => "generic",
        }
    }

    /// Band codes (as in file names, `B4`, `B08`, …) of each role; `None` for profiles that
    /// have no band naming (four-band, generic, auto).
    pub(crate) fn role_codes(self) -> Option<&'static [(BandRole, BandCode)]> {
        use BandRole::*;
        const S2: [(BandRole, BandCode); 6] = [
            (Blue, BandCode::Number(2)),
            (Green, BandCode::Number(3)),
            (Red, BandCode::Number(4)),
            (Nir, BandCode::Number(8)),
            (Swir1, BandCode::Number(11)),
            (Swir2, BandCode::Number(12)),
        ];
        const TM: [(BandRole, BandCode); 6] = [
            (Blue, BandCode::Number(1)),
            (Green, BandCode::Number(2)),
            (Red, BandCode::Number(3)),
            (Nir, BandCode::Number(4)),
            (Swir1, BandCode::Number(5)),
            (Swir2, BandCode::Number(7)),
        ];
        const OLI: [(BandRole, BandCode); 6] = [
            (Blue, BandCode::Number(2)),
            (Green, BandCode::Number(3)),
            (Red, BandCode::Number(4)),
            (Nir, BandCode::Number(5)),
            (Swir1, BandCode::Number(6)),
            (Swir2, BandCode::Number(7)),
        ];
        const FOUR: [(BandRole, BandCode); 4] = [
            (Blue, BandCode::Number(1)),
            (Green, BandCode::Number(2)),
            (Red, BandCode::Number(3)),
            (Nir, BandCode::Number(4)),
        ];
        match self {
            Sensor::Sentinel2 => Some(&S2),
            Sensor::LandsatTm => Some(&TM),
            Sensor::LandsatOli => Some(&OLI),
            Sensor::FourBand => Some(&FOUR),
            Sensor::Auto | Sensor::Generic => None,
        }
    }

    /// The quality band kind the sensor's products ship with.
    pub(crate) fn qa_kind(self) -> Option<QaKind> {
        match self {
            Sensor::Sentinel2 => Some(QaKind::Scl),
            Sensor::LandsatTm | Sensor::LandsatOli => Some(QaKind::LandsatQaPixel),
            _ => None,
        }
    }
}

impl fmt::Display for Sensor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Sensor {
    type Err = RasterError;

    /// Parses `auto`, `sentinel2`, `landsat-tm`, `landsat-oli`, `four-band` or `generic`
    /// (case-insensitive; `_` accepted for `-`).
    fn from_str(s: &str) -> Result<Sensor, RasterError> {
        let norm = s.trim().to_ascii_lowercase().replace('_', "-");
        [
            Sensor::Auto,
            Sensor::Sentinel2,
            Sensor::LandsatTm,
            Sensor::LandsatOli,
            Sensor::FourBand,
            Sensor::Generic,
        ]
        .into_iter()
        .find(|x| x.name() == norm)
        .ok_or_else(|| RasterError::UnknownSensor(s.to_string()))
    }
}

/// The kind of per-pixel quality band a scene carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum QaKind {
    /// Sentinel-2 L2A scene classification: classes 0 (no data), 1 (saturated/defective),
    /// 3 (cloud shadow), 8, 9 (cloud medium/high probability), 10 (thin cirrus) and 11 (snow) are invalid.
    Scl,
    /// Landsat Collection 2 `QA_PIXEL`: bits 0 (fill), 1 (dilated cloud), 2 (cirrus), 3 (cloud)
    /// and 4 (cloud shadow) make a pixel invalid.
    LandsatQaPixel,
}

impl QaKind {
    /// Name used in `--bands` (`scl=7`, `qa_pixel=7`) and manifests.
    pub fn name(self) -> &'static str {
        match self {
            QaKind::Scl => "scl",
            QaKind::LandsatQaPixel => "qa_pixel",
        }
    }

    /// Parses `scl` or `qa_pixel` (case-insensitive, `-` accepted for `_`).
    pub fn from_name(s: &str) -> Option<QaKind> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "scl" => Some(QaKind::Scl),
            "qa_pixel" => Some(QaKind::LandsatQaPixel),
            _ => None,
        }
    }

    /// Whether a quality value marks the pixel invalid (see the variant docs).
    pub fn is_invalid(self, value: u16) -> bool {
        match self {
            QaKind::Scl => matches!(value, 0 | 1 | 3 | 8 | 9 | 10 | 11),
            QaKind::LandsatQaPixel => value & 0b1_1111 != 0,
        }
    }
}

impl fmt::Display for QaKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A band as sensors name it in file names and descriptions: `B4`, `B04`, `B8A`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum BandCode {
    Number(u8),
    /// Sentinel-2 narrow NIR band 8A.
    B8A,
}

impl BandCode {
    /// Parses a token such as `B4`, `b04`, `B8A` (the `B` prefix is required).
    pub(crate) fn parse_token(token: &str) -> Option<(BandCode, bool)> {
        let rest = token.strip_prefix(['B', 'b'])?;
        if rest.eq_ignore_ascii_case("8a") || rest.eq_ignore_ascii_case("08a") {
            return Some((BandCode::B8A, rest.len() == 3));
        }
        if rest.is_empty() || rest.len() > 2 || !rest.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u8 = rest.parse().ok()?;
        let zero_padded = rest.len() == 2 && rest.starts_with('0');
        Some((BandCode::Number(n), zero_padded))
    }
}

impl fmt::Display for BandCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BandCode::Number(n) => write!(f, "B{n}"),
            BandCode::B8A => f.write_str("B8A"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensor_names_round_trip() {
        for name in Sensor::NAMES {
            let s: Sensor = name.parse().expect("listed name parses");
            assert_eq!(s.to_string(), name);
        }
        assert_eq!(
            "Landsat_OLI".parse::<Sensor>().ok(),
            Some(Sensor::LandsatOli)
        );
        assert!("spot".parse::<Sensor>().is_err());
    }

    #[test]
    fn qa_rules() {
        for v in [0, 1, 3, 8, 9, 10, 11] {
            assert!(QaKind::Scl.is_invalid(v));
        }
        for v in [2, 4, 5, 6, 7] {
            assert!(!QaKind::Scl.is_invalid(v));
        }
        // 21824 = clear land (bit 6) with low-confidence bits, no flags in bits 0..4.
        assert!(!QaKind::LandsatQaPixel.is_invalid(21824));
        assert!(QaKind::LandsatQaPixel.is_invalid(1));
        assert!(QaKind::LandsatQaPixel.is_invalid(1 << 3));
        assert!(QaKind::LandsatQaPixel.is_invalid(1 << 4));
        assert!(!QaKind::LandsatQaPixel.is_invalid(1 << 5));
    }

    #[test]
    fn band_codes() {
        assert_eq!(
            BandCode::parse_token("B04"),
            Some((BandCode::Number(4), true))
        );
        assert_eq!(
            BandCode::parse_token("B4"),
            Some((BandCode::Number(4), false))
        );
        assert_eq!(
            BandCode::parse_token("b12"),
            Some((BandCode::Number(12), false))
        );
        assert_eq!(BandCode::parse_token("B8A"), Some((BandCode::B8A, false)));
        assert_eq!(BandCode::parse_token("Blue"), None);
        assert_eq!(BandCode::parse_token("B"), None);
        assert_eq!(BandCode::parse_token("B123"), None);
    }
}
