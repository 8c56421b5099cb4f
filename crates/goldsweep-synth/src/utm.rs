//! Where on Earth a scene goes: a WGS 84 location, its UTM zone and its projected coordinates.
//!
//! A scene placed with `goldsweep synth --at LON,LAT` is drawn in the UTM zone of that location,
//! like a Sentinel-2 tile: zone `z = ⌊(lon + 180) / 6⌋ + 1` (1–60), with the two exceptions of
//! the military grid that real products follow — south-west Norway (56–64°N, 3–12°E) is zone 32
//! and Svalbard (72–84°N) uses only zones 31, 33, 35 and 37. The CRS is WGS 84 / UTM zone `z`
//! north (EPSG:326zz) on or north of the equator and south (EPSG:327zz, false northing
//! 10 000 km) below it. UTM is defined from 80°S to 84°N; locations outside are refused.

use std::fmt;
use std::str::FromStr;

use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use geo::Coord;

/// Southernmost latitude UTM covers (degrees).
pub const UTM_MIN_LAT: f64 = -80.0;
/// Northernmost latitude UTM covers (degrees).
pub const UTM_MAX_LAT: f64 = 84.0;

/// Why a location was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LonLatError {
    /// The text is not two comma-separated numbers.
    #[error("location {text:?}: expected LON,LAT in decimal degrees, e.g. -1.62,6.21")]
    Format {
        /// The text given.
        text: String,
    },
    /// Longitude or latitude is not finite or outside the range UTM covers.
    #[error("location {lon},{lat}: {reason}")]
    OutOfRange {
        /// Longitude given (degrees east).
        lon: f64,
        /// Latitude given (degrees north).
        lat: f64,
        /// Which bound is broken.
        reason: &'static str,
    },
}

/// A WGS 84 location in decimal degrees, checked to lie where UTM is defined
/// (longitude −180…180, latitude −80…84).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LonLat {
    lon: f64,
    lat: f64,
}

impl LonLat {
    /// A location from longitude (degrees east) and latitude (degrees north).
    pub fn new(lon: f64, lat: f64) -> Result<Self, LonLatError> {
        let fail = |reason| Err(LonLatError::OutOfRange { lon, lat, reason });
        if !lon.is_finite() || !lat.is_finite() {
            return fail("longitude and latitude must be finite numbers");
        }
        if !(-180.0..=180.0).contains(&lon) {
            return fail("longitude must lie in -180..180 degrees");
        }
        if !(UTM_MIN_LAT..=UTM_MAX_LAT).contains(&lat) {
            return fail("latitude must lie in -80..84 degrees, where UTM is defined");
        }
        Ok(Self { lon, lat })
    }

    /// Longitude in degrees east.
    pub fn lon(&self) -> f64 {
        self.lon
    }

    /// Latitude in degrees north.
    pub fn lat(&self) -> f64 {
        self.lat
    }

    /// UTM zone number (1–60) of the location, with the Norway and Svalbard exceptions.
    pub fn utm_zone(&self) -> u32 {
        let (lon, lat) = (self.lon, self.lat);
        if (56.0..64.0).contains(&lat) && (3.0..12.0).contains(&lon) {
            return 32;
        }
        if lat >= 72.0 && (0.0..42.0).contains(&lon) {
            return match lon {
                l if l < 9.0 => 31,
                l if l < 21.0 => 33,
                l if l < 33.0 => 35,
                _ => 37,
            };
        }
        // Truncation toward zero is the floor here: the operand is ≥ 0. 180°E wraps into zone 60.
        (((lon + 180.0) / 6.0) as u32 + 1).min(60)
    }

    /// EPSG code of WGS 84 / UTM in the location's zone: 32600 + zone north of the equator
    /// (latitude ≥ 0), 32700 + zone south of it.
    pub fn utm_epsg(&self) -> u32 {
        let base = if self.lat >= 0.0 { 32600 } else { 32700 };
        base + self.utm_zone()
    }

    /// Easting and northing (metres) of the location in EPSG `epsg`, through GDAL/PROJ with
    /// longitude-first axis order.
    pub fn project(&self, epsg: u32) -> Result<Coord, gdal::errors::GdalError> {
        let mut src = SpatialRef::from_epsg(4326)?;
        src.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
        let mut dst = SpatialRef::from_epsg(epsg)?;
        dst.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
        let transform = CoordTransform::new(&src, &dst)?;
        let (mut xs, mut ys) = ([self.lon], [self.lat]);
        transform.transform_coords(&mut xs, &mut ys, &mut [])?;
        Ok(Coord { x: xs[0], y: ys[0] })
    }
}

impl FromStr for LonLat {
    type Err = LonLatError;

    /// Parses `"LON,LAT"` (spaces around either number are allowed).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let format = || LonLatError::Format {
            text: text.to_string(),
        };
        let (lon, lat) = text.split_once(',').ok_or_else(format)?;
        let number = |s: &str| s.trim().parse::<f64>().map_err(|_| format());
        LonLat::new(number(lon)?, number(lat)?)
    }
}

impl fmt::Display for LonLat {
    /// `LON,LAT` as accepted by [`FromStr`], each number in its shortest exact form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{}", self.lon, self.lat)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(lon: f64, lat: f64) -> LonLat {
        LonLat::new(lon, lat).unwrap()
    }

    #[test]
    fn zones_and_epsg_codes() {
        assert_eq!(at(120.36, 37.35).utm_epsg(), 32651);
        assert_eq!(at(-1.62, 6.21).utm_epsg(), 32630);
        assert_eq!(at(-180.0, 0.0).utm_zone(), 1);
        assert_eq!(at(180.0, 0.0).utm_zone(), 60);
        assert_eq!(at(-0.0001, 0.0).utm_zone(), 30);
        assert_eq!(at(0.0, 0.0).utm_zone(), 31);
        assert_eq!(at(35.0, -6.0).utm_epsg(), 32736);
        assert_eq!(at(5.0, 60.0).utm_zone(), 32);
        assert_eq!(at(5.0, 73.0).utm_zone(), 31);
        assert_eq!(at(10.0, 78.0).utm_zone(), 33);
        assert_eq!(at(40.0, 80.0).utm_zone(), 37);
    }

    #[test]
    fn parses_and_refuses() {
        let ll: LonLat = " -1.62 , 6.21".parse().unwrap();
        assert_eq!((ll.lon(), ll.lat()), (-1.62, 6.21));
        assert_eq!(ll.to_string().parse::<LonLat>().unwrap(), ll);
        for bad in ["", "1.0", "a,b", "1,2,3", "NaN,1"] {
            assert!(bad.parse::<LonLat>().is_err(), "{bad:?} accepted");
        }
        assert!(matches!(
            "10,85".parse::<LonLat>(),
            Err(LonLatError::OutOfRange { .. })
        ));
        assert!(LonLat::new(181.0, 0.0).is_err());
        assert!(LonLat::new(0.0, -80.5).is_err());
    }

    #[test]
    fn projects_onto_the_zone() {
        // The central meridian of zone 30 (3°W) maps to the false easting 500 000 m.
        let c = at(-3.0, 6.0).project(32630).unwrap();
        assert!((c.x - 500_000.0).abs() < 1e-3, "{c:?}");
        assert!((c.y - 663_204.6).abs() < 1.0, "{c:?}");
        let s = at(-3.0, -6.0).project(32730).unwrap();
        assert!((s.y - (10_000_000.0 - c.y)).abs() < 1e-3, "{s:?}");
    }
}
