//! Conversion of OGR geometries into `geo` geometries, with the checks a mine outline must pass.
//!
//! Written against the safe accessors of the `gdal` crate rather than its `TryFrom`
//! conversion, so that empty parts, Z/M variants and unclosed rings become errors instead of
//! panics or silently repaired shapes.

use gdal::vector::{geometry_type_flatten, Geometry as OgrGeometry, OGRwkbGeometryType};
use geo::algorithm::validation::{InvalidPolygon, RingRole};
use geo::{
    Coord, Geometry, GeometryCollection, LineString, MultiPoint, MultiPolygon, Point, Polygon,
    Validation,
};

use crate::ring_crossing::ring_crosses_itself;

/// Why a feature's geometry cannot be used.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum GeometryProblem {
    /// No geometry, or an empty one.
    Empty,
    /// A geometry type mines cannot be (lines, curves, ...); holds the OGR type name.
    Unsupported(String),
    /// Breaks validity rules; holds a one-line reason.
    Invalid(String),
}

/// Converts an OGR geometry (2D, or 3D/measured with Z and M dropped) into a valid `geo`
/// geometry.
///
/// Accepted: Point, MultiPoint, Polygon, MultiPolygon, and GeometryCollections of those (as
/// KML MultiGeometry produces). Every ring must be explicitly closed; coordinates must be
/// finite; each polygon must pass `geo`'s validity check (≥ 3 distinct points per ring, no
/// self-intersection, holes inside the shell), except that a ring touching itself at a vertex
/// is accepted (see the `ring_crossing` module); crossing or overlapping edges are
/// not. The parts of a multi-polygon are checked one by
/// one, not against each other: overlapping or edge-sharing parts are accepted, since they do
/// not change whether an object intersects the mine or how far away it is.
pub(crate) fn to_valid_geo(g: &OgrGeometry) -> Result<Geometry<f64>, GeometryProblem> {
    if g.is_empty() {
        return Err(GeometryProblem::Empty);
    }
    let kind = geometry_type_flatten(g.geometry_type());
    match kind {
        OGRwkbGeometryType::wkbPoint => point(g).map(Geometry::Point),
        OGRwkbGeometryType::wkbMultiPoint => {
            parts(g, point).map(|points| Geometry::MultiPoint(MultiPoint::new(points)))
        }
        OGRwkbGeometryType::wkbPolygon => polygon(g).map(Geometry::Polygon),
        OGRwkbGeometryType::wkbMultiPolygon => {
            parts(g, polygon).map(|polys| Geometry::MultiPolygon(MultiPolygon::new(polys)))
        }
        OGRwkbGeometryType::wkbGeometryCollection => parts(g, to_valid_geo)
            .map(|items| Geometry::GeometryCollection(GeometryCollection::new_from(items))),
        _ => Err(GeometryProblem::Unsupported(g.geometry_name())),
    }
}

/// Converts every non-empty part of a multi-geometry; all parts empty counts as empty.
fn parts<T>(
    g: &OgrGeometry,
    convert: impl Fn(&OgrGeometry) -> Result<T, GeometryProblem>,
) -> Result<Vec<T>, GeometryProblem> {
    let mut out = Vec::with_capacity(g.geometry_count());
    for i in 0..g.geometry_count() {
        let part = g.get_geometry(i);
        if part.is_empty() {
            continue;
        }
        out.push(convert(&part)?);
    }
    if out.is_empty() {
        Err(GeometryProblem::Empty)
    } else {
        Ok(out)
    }
}

fn point(g: &OgrGeometry) -> Result<Point<f64>, GeometryProblem> {
    if geometry_type_flatten(g.geometry_type()) != OGRwkbGeometryType::wkbPoint {
        return Err(GeometryProblem::Unsupported(g.geometry_name()));
    }
    if g.is_empty() {
        return Err(GeometryProblem::Empty);
    }
    let (x, y, _) = g.get_point(0);
    if !(x.is_finite() && y.is_finite()) {
        return Err(GeometryProblem::Invalid(format!(
            "point has a non-finite coordinate ({x}, {y})"
        )));
    }
    Ok(Point::new(x, y))
}

fn polygon(g: &OgrGeometry) -> Result<Polygon<f64>, GeometryProblem> {
    if geometry_type_flatten(g.geometry_type()) != OGRwkbGeometryType::wkbPolygon {
        return Err(GeometryProblem::Unsupported(g.geometry_name()));
    }
    let ring_count = g.geometry_count();
    if ring_count == 0 {
        return Err(GeometryProblem::Empty);
    }
    let mut rings = Vec::with_capacity(ring_count);
    for i in 0..ring_count {
        let label = if i == 0 {
            "exterior ring".to_string()
        } else {
            format!("interior ring {i}")
        };
        rings.push(ring(&g.get_geometry(i), &label)?);
    }
    let exterior = rings.remove(0);
    check_polygon(Polygon::new(exterior, rings))
}

/// Checks a polygon built from closed, finite rings against `geo`'s validity rules, accepting
/// rings that touch themselves at a vertex (see [`to_valid_geo`]).
pub(crate) fn check_polygon(poly: Polygon<f64>) -> Result<Polygon<f64>, GeometryProblem> {
    let fatal = poly
        .validation_errors()
        .into_iter()
        .find(|problem| match problem {
            InvalidPolygon::SelfIntersection(role) => match ring_of(&poly, role) {
                Some(ring) => ring_crosses_itself(ring),
                None => true,
            },
            _ => true,
        });
    match fatal {
        Some(problem) => Err(GeometryProblem::Invalid(problem.to_string())),
        None => Ok(poly),
    }
}

fn ring_of<'a>(poly: &'a Polygon<f64>, role: &RingRole) -> Option<&'a LineString<f64>> {
    match role {
        RingRole::Exterior => Some(poly.exterior()),
        RingRole::Interior(i) => poly.interiors().get(*i),
    }
}

/// Reads a ring's vertices and checks they are finite and that the ring is closed.
fn ring(g: &OgrGeometry, label: &str) -> Result<LineString<f64>, GeometryProblem> {
    let mut points = Vec::with_capacity(g.point_count());
    g.get_points(&mut points);
    if let Some((i, (x, y, _))) = points
        .iter()
        .enumerate()
        .find(|(_, (x, y, _))| !(x.is_finite() && y.is_finite()))
    {
        return Err(GeometryProblem::Invalid(format!(
            "{label} has a non-finite coordinate ({x}, {y}) at vertex {i}"
        )));
    }
    let coords: Vec<Coord<f64>> = points.iter().map(|&(x, y, _)| Coord { x, y }).collect();
    match (coords.first(), coords.last()) {
        (Some(first), Some(last)) if coords.len() >= 4 && first == last => {
            Ok(LineString::new(coords))
        }
        (Some(_), Some(_)) if coords.len() >= 4 => Err(GeometryProblem::Invalid(format!(
            "{label} is not closed (first vertex differs from last)"
        ))),
        _ => Err(GeometryProblem::Invalid(format!(
            "{label} has {} vertices; a closed ring needs at least 4",
            coords.len()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(wkt: &str) -> Result<Geometry<f64>, GeometryProblem> {
        match OgrGeometry::from_wkt(wkt) {
            Ok(g) => to_valid_geo(&g),
            Err(e) => Err(GeometryProblem::Invalid(format!("test WKT rejected: {e}"))),
        }
    }

    #[test]
    fn polygon_with_hole() {
        let g = convert("POLYGON ((0 0,10 0,10 10,0 10,0 0),(2 2,2 4,4 4,4 2,2 2))");
        match g {
            Ok(Geometry::Polygon(p)) => assert_eq!(p.interiors().len(), 1),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn z_values_are_dropped() {
        let g = convert("POLYGON Z ((0 0 5,1 0 5,1 1 5,0 0 5))");
        assert!(matches!(g, Ok(Geometry::Polygon(_))));
        let p = convert("POINT Z (1 2 3)");
        assert_eq!(p, Ok(Geometry::Point(Point::new(1.0, 2.0))));
    }

    #[test]
    fn self_intersecting_ring_is_invalid() {
        let g = convert("POLYGON ((0 0,10 10,10 0,0 10,0 0))");
        assert!(matches!(g, Err(GeometryProblem::Invalid(_))), "{g:?}");
    }

    #[test]
    fn self_touching_ring_is_accepted() {
        let g = convert("POLYGON ((0 0,1 0,1 1,2 1,2 2,1 2,1 1,0 1,0 0))");
        assert!(matches!(g, Ok(Geometry::Polygon(_))), "{g:?}");
    }

    #[test]
    fn unclosed_ring_is_invalid() {
        let g = convert("POLYGON ((0 0,10 0,10 10,0 10))");
        assert!(
            matches!(g, Err(GeometryProblem::Invalid(ref r)) if r.contains("not closed")),
            "{g:?}"
        );
    }

    #[test]
    fn nan_coordinate_is_invalid() {
        let g = convert("POLYGON ((0 0,nan 0,1 1,0 0))");
        assert!(matches!(g, Err(GeometryProblem::Invalid(_))), "{g:?}");
    }

    #[test]
    fn empty_and_unsupported() {
        assert_eq!(convert("POLYGON EMPTY"), Err(GeometryProblem::Empty));
        assert_eq!(convert("MULTIPOLYGON EMPTY"), Err(GeometryProblem::Empty));
        assert!(matches!(
            convert("LINESTRING (0 0,1 1)"),
            Err(GeometryProblem::Unsupported(_))
        ));
    }

    #[test]
    fn collection_of_polygon_and_point() {
        let g = convert("GEOMETRYCOLLECTION (POLYGON ((0 0,1 0,1 1,0 0)),POINT (5 5))");
        match g {
            Ok(Geometry::GeometryCollection(c)) => assert_eq!(c.len(), 2),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn edge_sharing_multipolygon_parts_are_accepted() {
        let g = convert("MULTIPOLYGON (((0 0,1 0,1 1,0 1,0 0)),((1 0,2 0,2 1,1 1,1 0)))");
        assert!(matches!(g, Ok(Geometry::MultiPolygon(_))), "{g:?}");
    }
}
