//! Coordinate transformations between two CRSs with PROJ, and the UTM zone for a location.

use geo::{Coord, Geometry, MapCoords};
use proj::Proj;

use crate::error::{CatalogueError, Result};

/// A PROJ transformation from one CRS to another.
///
/// Axis order is normalised for visualisation on both sides: `x` is always easting or longitude
/// and `y` northing or latitude, whatever the CRS definition says (EPSG:4326 is lat/lon by
/// definition, but here takes lon/lat). Angles are in degrees, projected units as the CRS says.
///
/// Thread safety: the underlying PROJ object and its context belong to one thread, so this type
/// is neither `Send` nor `Sync`. Creating one costs a database lookup (milliseconds): make one
/// per worker thread and reuse it for every coordinate.
pub struct CrsTransform {
    proj: Proj,
    from: String,
    to: String,
}

impl std::fmt::Debug for CrsTransform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CrsTransform")
            .field("from", &self.from)
            .field("to", &self.to)
            .finish()
    }
}

impl CrsTransform {
    /// Builds the transformation `from` → `to`.
    ///
    /// Each definition may be an authority code (`"EPSG:4490"`), WKT (1 or 2), PROJJSON or a
    /// PROJ string (`"+proj=utm +zone=50 +datum=WGS84"`).
    pub fn new(from: &str, to: &str) -> Result<Self> {
        let proj =
            Proj::new_known_crs(from, to, None).map_err(|e| CatalogueError::TransformSetup {
                from: short_crs(from),
                to: short_crs(to),
                reason: e.to_string(),
            })?;
        Ok(CrsTransform {
            proj,
            from: from.to_string(),
            to: to.to_string(),
        })
    }

    /// Transforms one coordinate (x = easting/longitude, y = northing/latitude).
    ///
    /// Fails when PROJ reports an error or the result is not finite (e.g. a point far outside
    /// the target projection's domain).
    pub fn convert(&self, x: f64, y: f64) -> Result<(f64, f64)> {
        let fail = |reason: String| CatalogueError::Convert { x, y, reason };
        if !x.is_finite() || !y.is_finite() {
            return Err(fail("input is not finite".to_string()));
        }
        let (tx, ty) = self.proj.convert((x, y)).map_err(|e| fail(e.to_string()))?;
        if tx.is_finite() && ty.is_finite() {
            Ok((tx, ty))
        } else {
            Err(fail("result is not finite".to_string()))
        }
    }

    /// Transforms every vertex of a geometry; the first failing vertex aborts with its error.
    pub fn convert_geometry(&self, g: &Geometry<f64>) -> Result<Geometry<f64>> {
        g.try_map_coords(|c| self.convert(c.x, c.y).map(|(x, y)| Coord { x, y }))
    }

    /// The source CRS definition as given.
    pub fn from_crs(&self) -> &str {
        &self.from
    }

    /// The target CRS definition as given.
    pub fn to_crs(&self) -> &str {
        &self.to
    }
}

/// The WGS 84 / UTM zone CRS containing a location, as `"EPSG:326zz"` (north) or `"EPSG:327zz"`
/// (south, latitude < 0).
///
/// Zone = ⌊(lon + 180) / 6⌋ + 1 with the longitude wrapped into [−180, 180), so zone 1 starts at
/// 180° W. The Norway and Svalbard exceptions are not applied. Non-finite input gives zone 1
/// north (callers should pass a real scene centre).
///
/// ```
/// use goldsweep_catalogue::utm_crs_for;
/// assert_eq!(utm_crs_for(120.4, 37.3), "EPSG:32651");
/// assert_eq!(utm_crs_for(-1.6, 6.3), "EPSG:32630");
/// assert_eq!(utm_crs_for(-61.5, -5.0), "EPSG:32720");
/// ```
pub fn utm_crs_for(lon: f64, lat: f64) -> String {
    let wrapped = (lon + 180.0).rem_euclid(360.0);
    let zone = if wrapped.is_finite() {
        ((wrapped / 6.0).floor() as i64 + 1).clamp(1, 60)
    } else {
        1
    };
    let hemisphere = if lat < 0.0 { 327 } else { 326 };
    format!("EPSG:{hemisphere}{zone:02}")
}

/// A CRS definition squeezed onto one short line for error messages (WKT is long and multi-line).
pub(crate) fn short_crs(definition: &str) -> String {
    const MAX_CHARS: usize = 80;
    let one_line = definition.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > MAX_CHARS {
        let head: String = one_line.chars().take(MAX_CHARS).collect();
        format!("{head}…")
    } else {
        one_line
    }
}

/// Version of the PROJ library in use (e.g. `"9.1.1"`), for run manifests.
pub fn proj_version() -> String {
    proj::ProjBuilder::new()
        .lib_info()
        .map(|i| i.version)
        .unwrap_or_else(|_| "unknown".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Oracle: `echo "37.3 120.4" | cs2cs -f %.4f EPSG:4326 EPSG:32651` (PROJ 9.1.1; cs2cs takes
    /// EPSG:4326 in its authority order, lat then lon).
    pub(crate) const LON_LAT_120_4_37_3_UTM51N: (f64, f64) = (269_553.064_3, 4_131_322.948_8);

    /// Oracle: `echo "31.2 117.5" | cs2cs -f %.4f EPSG:4490 EPSG:32650` (PROJ 9.1.1).
    pub(crate) const CGCS2000_117_5_31_2_UTM50N: (f64, f64) = (547_633.400_0, 3_451_874.969_5);

    #[test]
    fn wgs84_to_utm_matches_cs2cs() -> Result<()> {
        let t = CrsTransform::new("EPSG:4326", "EPSG:32651")?;
        let (x, y) = t.convert(120.4, 37.3)?;
        assert!((x - LON_LAT_120_4_37_3_UTM51N.0).abs() < 0.01, "x = {x}");
        assert!((y - LON_LAT_120_4_37_3_UTM51N.1).abs() < 0.01, "y = {y}");
        Ok(())
    }

    #[test]
    fn round_trip_cgcs2000_utm50() -> Result<()> {
        let forward = CrsTransform::new("EPSG:4490", "EPSG:32650")?;
        let back = CrsTransform::new("EPSG:32650", "EPSG:4490")?;
        let (x, y) = forward.convert(117.5, 31.2)?;
        assert!((x - CGCS2000_117_5_31_2_UTM50N.0).abs() < 0.01, "x = {x}");
        assert!((y - CGCS2000_117_5_31_2_UTM50N.1).abs() < 0.01, "y = {y}");
        let (lon, lat) = back.convert(x, y)?;
        assert!((lon - 117.5).abs() < 1e-7 && (lat - 31.2).abs() < 1e-7);
        Ok(())
    }

    #[test]
    fn proj_string_definition() -> Result<()> {
        let t = CrsTransform::new(
            "+proj=longlat +datum=WGS84",
            "+proj=utm +zone=51 +datum=WGS84",
        )?;
        let (x, _) = t.convert(120.4, 37.3)?;
        assert!((x - LON_LAT_120_4_37_3_UTM51N.0).abs() < 0.01);
        Ok(())
    }

    #[test]
    fn bad_definition_is_an_error() {
        let err = CrsTransform::new("EPSG:999999", "EPSG:32651");
        assert!(matches!(err, Err(CatalogueError::TransformSetup { .. })));
    }

    #[test]
    fn non_finite_input_is_an_error() -> Result<()> {
        let t = CrsTransform::new("EPSG:4326", "EPSG:32651")?;
        assert!(t.convert(f64::NAN, 37.0).is_err());
        Ok(())
    }

    #[test]
    fn utm_zones() {
        assert_eq!(utm_crs_for(-180.0, 0.0), "EPSG:32601");
        assert_eq!(utm_crs_for(179.999, 10.0), "EPSG:32660");
        assert_eq!(utm_crs_for(180.0, 10.0), "EPSG:32601");
        assert_eq!(utm_crs_for(117.0, 31.0), "EPSG:32650");
        assert_eq!(utm_crs_for(3.0, -0.1), "EPSG:32731");
        assert_eq!(utm_crs_for(f64::NAN, 0.0), "EPSG:32601");
    }

    #[test]
    fn short_crs_is_one_line() {
        let wkt = "GEOGCRS[\"WGS 84\",\n    DATUM[\"World Geodetic System 1984\",\n".repeat(5);
        let short = short_crs(&wkt);
        assert!(!short.contains('\n'));
        assert!(short.chars().count() <= 81);
    }
}
