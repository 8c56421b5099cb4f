//! CGCS2000 Gauss–Krüger zones, and the CRS of corner-point coordinates.
//!
//! Chinese surveying writes a point as X = northing, Y = easting (metres, false easting
//! 500 000 m). Y often carries the zone number as a prefix: `39512345.67` is easting
//! 512 345.67 m in zone 39. China spans 3° zones 25–45 (central meridian 3·n °E) and 6° zones
//! 13–23 (central meridian 6·n − 3 °E); the two ranges do not overlap, so a zone number alone
//! tells the zone width.
//!
//! | zone | with the prefix in Y | without it ("CM" variants) |
//! |---|---|---|
//! | 3° zone n (25–45) | EPSG:4513 + (n − 25), false easting n·10⁶ + 500 000 | EPSG:4534 + (n − 25) |
//! | 6° zone n (13–23) | EPSG:4491 + (n − 13) | EPSG:4502 + (n − 13) |
//!
//! Without a prefix the central meridian cannot be known from the numbers: the zone (or the
//! CRS) must be given, and a missing one is an error, never a guess.

use std::str::FromStr;

use gdal::spatial_ref::SpatialRef;

/// Width of a Gauss–Krüger zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ZoneWidth {
    /// 3° zones (large-scale surveys, mining rights): numbers 25–45 in China.
    Three,
    /// 6° zones (1:25 000 and smaller maps): numbers 13–23 in China.
    Six,
}

/// A CGCS2000 Gauss–Krüger zone covering China.
///
/// ```
/// use goldsweep_catalogue::GkZone;
/// let zone: GkZone = "39".parse()?;
/// assert_eq!(zone.central_meridian(), 117.0);
/// assert_eq!(zone.crs_with_prefix(), "EPSG:4527");
/// assert_eq!(zone.crs_without_prefix(), "EPSG:4548");
/// let six: GkZone = "6:20".parse()?;
/// assert_eq!(six.central_meridian(), 117.0);
/// assert_eq!(six.crs_without_prefix(), "EPSG:4509");
/// # Ok::<(), String>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GkZone {
    width: ZoneWidth,
    number: u32,
}

impl GkZone {
    /// The zone with this number: 25–45 is a 3° zone, 13–23 a 6° zone; `None` otherwise.
    pub fn from_number(number: u32) -> Option<GkZone> {
        match number {
            25..=45 => Some(GkZone {
                width: ZoneWidth::Three,
                number,
            }),
            13..=23 => Some(GkZone {
                width: ZoneWidth::Six,
                number,
            }),
            _ => None,
        }
    }

    /// The zone number.
    pub fn number(&self) -> u32 {
        self.number
    }

    /// The zone width.
    pub fn width(&self) -> ZoneWidth {
        self.width
    }

    /// Central meridian in degrees east: 3·n for 3° zones, 6·n − 3 for 6° zones.
    pub fn central_meridian(&self) -> f64 {
        match self.width {
            ZoneWidth::Three => 3.0 * self.number as f64,
            ZoneWidth::Six => 6.0 * self.number as f64 - 3.0,
        }
    }

    /// The CGCS2000 CRS whose eastings carry the zone prefix (false easting n·10⁶ + 500 000).
    pub fn crs_with_prefix(&self) -> String {
        match self.width {
            ZoneWidth::Three => format!("EPSG:{}", 4513 + self.number - 25),
            ZoneWidth::Six => format!("EPSG:{}", 4491 + self.number - 13),
        }
    }

    /// The CGCS2000 CRS with plain eastings (false easting 500 000 m, "CM" variant).
    pub fn crs_without_prefix(&self) -> String {
        match self.width {
            ZoneWidth::Three => format!("EPSG:{}", 4534 + self.number - 25),
            ZoneWidth::Six => format!("EPSG:{}", 4502 + self.number - 13),
        }
    }
}

impl FromStr for GkZone {
    type Err = String;

    /// `"39"` (3° zone 39), `"3:39"`, `"6:20"` (6° zone 20) or `"20"` (6°: 13–23 are 6° zones).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            format!(
                "'{s}' is not a CGCS2000 Gauss-Kruger zone in China (3° zones 25-45, 6° zones 13-23, \
                 optionally written 3:N or 6:N)"
            )
        };
        let (width, number) = match s.trim().split_once(':') {
            Some((w, n)) => (Some(w.trim()), n.trim()),
            None => (None, s.trim()),
        };
        let zone = number
            .parse::<u32>()
            .ok()
            .and_then(GkZone::from_number)
            .ok_or_else(bad)?;
        match (width, zone.width) {
            (None, _) | (Some("3"), ZoneWidth::Three) | (Some("6"), ZoneWidth::Six) => Ok(zone),
            _ => Err(bad()),
        }
    }
}

impl std::fmt::Display for GkZone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let width = match self.width {
            ZoneWidth::Three => 3,
            ZoneWidth::Six => 6,
        };
        write!(
            f,
            "{width}° zone {} (central meridian {}°E)",
            self.number,
            self.central_meridian()
        )
    }
}

/// The zone prefix carried by an easting, if any.
///
/// `Ok(None)` for a plain easting (< 10⁶ m); `Ok(Some(n))` for `n·10⁶ + e` with a two-digit `n`;
/// `Err` for a value that is neither (negative, non-finite, or ≥ 10⁸).
pub(crate) fn easting_prefix(y: f64) -> Result<Option<u32>, String> {
    if !y.is_finite() || y < 0.0 {
        return Err(format!(
            "Y (easting) {y} is not a valid Gauss-Kruger easting"
        ));
    }
    if y < 1.0e6 {
        return Ok(None);
    }
    let prefix = (y / 1.0e6).floor() as u32;
    if (10..=99).contains(&prefix) {
        Ok(Some(prefix))
    } else {
        Err(format!(
            "Y (easting) {y} is neither an easting (< 1000000 m) nor a zone-prefixed easting"
        ))
    }
}

/// The CRS corner-point coordinates are in, and what to subtract from Y to use it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct CornerCrs {
    /// CRS definition for PROJ.
    pub definition: String,
    /// Subtracted from every Y before transforming (a prefix the chosen CRS does not expect).
    pub y_offset: f64,
    /// One line for `inspect`: where the CRS came from.
    pub explanation: String,
}

/// Resolves the CRS of corner points whose eastings all carry `prefix` (or none).
///
/// * a declared CRS is used as it is; a prefix must agree with it: the CRS's own false
///   easting carries the same zone, or its central meridian is that zone's (the prefix is then
///   stripped);
/// * a declared zone gives the CGCS2000 CRS of that zone, and must agree with the prefix;
/// * nothing declared: a prefix gives the CGCS2000 zone CRS (the datum is assumed CGCS2000 and
///   said so); no prefix is an error.
pub(crate) fn corner_crs(
    prefix: Option<u32>,
    declared_crs: Option<&str>,
    declared_zone: Option<GkZone>,
) -> Result<CornerCrs, String> {
    let prefix_zone = match prefix {
        Some(n) => Some(GkZone::from_number(n).ok_or_else(|| {
            format!(
                "Y carries zone prefix {n}, which is not a CGCS2000 zone in China (3° 25-45, \
                 6° 13-23); declare the source CRS"
            )
        })?),
        None => None,
    };
    match (declared_crs, declared_zone) {
        (Some(_), Some(_)) => {
            Err("give either a source CRS or a Gauss-Kruger zone, not both".to_string())
        }
        (Some(crs), None) => declared_crs_for(crs, prefix_zone),
        (None, Some(zone)) => match prefix_zone {
            Some(p) if p != zone => Err(format!(
                "Y carries the prefix of zone {}, but zone {} was declared",
                p.number, zone.number
            )),
            Some(p) => Ok(CornerCrs {
                definition: p.crs_with_prefix(),
                y_offset: 0.0,
                explanation: format!("CGCS2000 Gauss-Kruger {p}, declared and prefixed in Y"),
            }),
            None => Ok(CornerCrs {
                definition: zone.crs_without_prefix(),
                y_offset: 0.0,
                explanation: format!("CGCS2000 Gauss-Kruger {zone}, declared"),
            }),
        },
        (None, None) => match prefix_zone {
            Some(p) => Ok(CornerCrs {
                definition: p.crs_with_prefix(),
                y_offset: 0.0,
                explanation: format!(
                    "CGCS2000 Gauss-Kruger {p}, from the zone prefix of Y (datum CGCS2000 \
                     assumed; declare the source CRS for Xian 1980 or Beijing 1954)"
                ),
            }),
            None => Err(
                "Y (easting) has no zone prefix, so the central meridian is unknown; declare the \
                 Gauss-Kruger zone or the source CRS"
                    .to_string(),
            ),
        },
    }
}

fn declared_crs_for(crs: &str, prefix_zone: Option<GkZone>) -> Result<CornerCrs, String> {
    let srs = SpatialRef::from_definition(crs)
        .map_err(|e| format!("declared CRS '{crs}' is not usable: {e}"))?;
    if !srs.is_projected() {
        return Err(format!(
            "declared CRS '{crs}' is not projected; corner points are X/Y in metres"
        ));
    }
    let param = |name: &str| srs.get_proj_param(name).ok().flatten();
    let false_easting = param("false_easting").unwrap_or(0.0);
    let central_meridian = param("central_meridian").unwrap_or(f64::NAN);
    let crs_zone = (false_easting >= 1.0e6).then(|| (false_easting / 1.0e6).floor() as u32);
    let plain = |explanation: String| CornerCrs {
        definition: crs.to_string(),
        y_offset: 0.0,
        explanation,
    };
    match (prefix_zone, crs_zone) {
        (None, None) => Ok(plain(format!("{crs}, declared"))),
        (None, Some(z)) => Err(format!(
            "declared CRS '{crs}' expects eastings prefixed with zone {z}, but Y has no prefix"
        )),
        (Some(p), Some(z)) if p.number == z => {
            Ok(plain(format!("{crs}, declared; Y prefixed with zone {z}")))
        }
        (Some(p), Some(z)) => Err(format!(
            "Y carries the prefix of zone {}, but declared CRS '{crs}' is zone {z}",
            p.number
        )),
        (Some(p), None) if (central_meridian - p.central_meridian()).abs() < 1e-9 => {
            Ok(CornerCrs {
                definition: crs.to_string(),
                y_offset: p.number as f64 * 1.0e6,
                explanation: format!("{crs}, declared; zone prefix {} removed from Y", p.number),
            })
        }
        (Some(p), None) => Err(format!(
            "Y carries the prefix of zone {} (central meridian {}°E), but declared CRS '{crs}' \
             has central meridian {central_meridian}°E",
            p.number,
            p.central_meridian()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_numbers_and_codes() {
        let first = GkZone::from_number(25).map(|z| (z.crs_with_prefix(), z.crs_without_prefix()));
        assert_eq!(first, Some(("EPSG:4513".into(), "EPSG:4534".into())));
        let last = GkZone::from_number(45).map(|z| (z.crs_with_prefix(), z.crs_without_prefix()));
        assert_eq!(last, Some(("EPSG:4533".into(), "EPSG:4554".into())));
        let six = GkZone::from_number(13).map(|z| (z.crs_with_prefix(), z.crs_without_prefix()));
        assert_eq!(six, Some(("EPSG:4491".into(), "EPSG:4502".into())));
        assert_eq!(GkZone::from_number(24), None);
        assert_eq!(GkZone::from_number(46), None);
        assert!("3:20".parse::<GkZone>().is_err());
        assert!("6:39".parse::<GkZone>().is_err());
        assert!("x".parse::<GkZone>().is_err());
    }

    #[test]
    fn prefixes() {
        assert_eq!(easting_prefix(512_345.67), Ok(None));
        assert_eq!(easting_prefix(39_512_345.67), Ok(Some(39)));
        assert!(easting_prefix(-1.0).is_err());
        assert!(easting_prefix(5_512_345.0).is_err());
        assert!(easting_prefix(f64::NAN).is_err());
    }

    #[test]
    fn crs_resolution() -> Result<(), String> {
        let zone40 = GkZone::from_number(40);
        assert_eq!(corner_crs(Some(40), None, None)?.definition, "EPSG:4528");
        assert!(corner_crs(None, None, None).is_err_and(|e| e.contains("no zone prefix")));
        assert_eq!(corner_crs(None, None, zone40)?.definition, "EPSG:4549");
        assert!(corner_crs(Some(39), None, zone40).is_err());
        // A CM variant declared with prefixed Y: the prefix is stripped.
        let stripped = corner_crs(Some(40), Some("EPSG:4549"), None)?;
        assert_eq!(stripped.y_offset, 40.0e6);
        // The prefixed variant declared: used as it is.
        assert_eq!(corner_crs(Some(40), Some("EPSG:4528"), None)?.y_offset, 0.0);
        assert!(corner_crs(Some(39), Some("EPSG:4528"), None).is_err());
        assert!(corner_crs(Some(39), Some("EPSG:4549"), None).is_err());
        assert!(corner_crs(None, Some("EPSG:4528"), None).is_err());
        assert!(corner_crs(None, Some("EPSG:4490"), None).is_err());
        assert!(corner_crs(Some(40), Some("EPSG:4528"), zone40).is_err());
        Ok(())
    }
}
