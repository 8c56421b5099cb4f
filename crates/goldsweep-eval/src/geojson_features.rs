//! Minimal reader for the RFC 7946 FeatureCollections of a run and its truth (lon/lat, WGS 84).
//!
//! Only Point, Polygon and MultiPolygon geometries are accepted; a null or other geometry is an
//! error naming the file and the feature's index (0-based, in file order).

use std::path::Path;

use geo::{Coord, LineString, MultiPolygon, Point, Polygon};
use serde_json::{Map, Value};

use crate::EvalError;

/// Geometry of a feature.
#[derive(Debug, Clone)]
pub(crate) enum Shape {
    Point(Point<f64>),
    Area(MultiPolygon<f64>),
}

/// One feature: its position in the file, geometry and properties.
#[derive(Debug, Clone)]
pub(crate) struct Feature {
    pub index: usize,
    pub shape: Shape,
    pub properties: Map<String, Value>,
}

/// Reads every feature of the FeatureCollection at `path`.
pub(crate) fn read_features(path: &Path) -> Result<Vec<Feature>, EvalError> {
    if !path.exists() {
        return Err(EvalError::MissingFile {
            path: path.to_path_buf(),
        });
    }
    let text = std::fs::read_to_string(path).map_err(|source| EvalError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let bad = |detail: String| EvalError::BadGeoJson {
        path: path.to_path_buf(),
        detail,
    };
    let root: Value = serde_json::from_str(&text).map_err(|e| bad(format!("not JSON ({e})")))?;
    if root.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        return Err(bad("top level is not a FeatureCollection".to_string()));
    }
    let features = root
        .get("features")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("no `features` array".to_string()))?;
    features
        .iter()
        .enumerate()
        .map(|(index, f)| {
            let geometry = f
                .get("geometry")
                .filter(|g| !g.is_null())
                .ok_or_else(|| bad(format!("feature {index} has no geometry")))?;
            let shape = parse_geometry(geometry)
                .map_err(|detail| bad(format!("feature {index}: {detail}")))?;
            let properties = match f.get("properties") {
                Some(Value::Object(map)) => map.clone(),
                None | Some(Value::Null) => Map::new(),
                Some(_) => {
                    return Err(bad(format!("feature {index}: properties is not an object")))
                }
            };
            Ok(Feature {
                index,
                shape,
                properties,
            })
        })
        .collect()
}

fn parse_geometry(geometry: &Value) -> Result<Shape, String> {
    let kind = geometry
        .get("type")
        .and_then(Value::as_str)
        .ok_or("geometry has no type")?;
    let coords = geometry
        .get("coordinates")
        .ok_or_else(|| format!("{kind} has no coordinates"))?;
    match kind {
        "Point" => Ok(Shape::Point(Point::from(parse_position(coords)?))),
        "Polygon" => Ok(Shape::Area(MultiPolygon::new(vec![parse_polygon(coords)?]))),
        "MultiPolygon" => {
            let parts = coords
                .as_array()
                .ok_or("MultiPolygon coordinates are not an array")?;
            Ok(Shape::Area(MultiPolygon::new(
                parts.iter().map(parse_polygon).collect::<Result<_, _>>()?,
            )))
        }
        other => Err(format!("unsupported geometry type {other}")),
    }
}

fn parse_polygon(value: &Value) -> Result<Polygon<f64>, String> {
    let rings = value.as_array().ok_or("polygon is not an array of rings")?;
    let mut rings = rings.iter().map(parse_ring);
    let exterior = rings.next().ok_or("polygon has no rings")??;
    let interiors = rings.collect::<Result<Vec<_>, _>>()?;
    Ok(Polygon::new(exterior, interiors))
}

fn parse_ring(value: &Value) -> Result<LineString<f64>, String> {
    let positions = value
        .as_array()
        .ok_or("ring is not an array of positions")?;
    if positions.len() < 3 {
        return Err(format!(
            "ring has {} positions, needs at least 3",
            positions.len()
        ));
    }
    positions
        .iter()
        .map(parse_position)
        .collect::<Result<Vec<_>, _>>()
        .map(LineString::new)
}

fn parse_position(value: &Value) -> Result<Coord<f64>, String> {
    let numbers = value.as_array().ok_or("position is not an array")?;
    match (
        numbers.first().and_then(Value::as_f64),
        numbers.get(1).and_then(Value::as_f64),
    ) {
        (Some(x), Some(y)) if x.is_finite() && y.is_finite() => Ok(Coord { x, y }),
        _ => Err(format!("position {value} is not [lon, lat]")),
    }
}

impl Feature {
    /// A required string property.
    pub(crate) fn string(&self, path: &Path, name: &'static str) -> Result<String, EvalError> {
        match self.required(path, name)? {
            Value::String(s) => Ok(s.clone()),
            _ => Err(self.bad_property(path, name, "a string")),
        }
    }

    /// An optional string property (absent or null gives `None`).
    pub(crate) fn optional_string(
        &self,
        path: &Path,
        name: &'static str,
    ) -> Result<Option<String>, EvalError> {
        match self.properties.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.bad_property(path, name, "a string or null")),
        }
    }

    /// A required identifier: a string, or an integer written as its decimal text.
    pub(crate) fn identifier(&self, path: &Path, name: &'static str) -> Result<String, EvalError> {
        match self.required(path, name)? {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) if n.is_u64() || n.is_i64() => Ok(n.to_string()),
            _ => Err(self.bad_property(path, name, "a string or an integer")),
        }
    }

    /// A required boolean property.
    pub(crate) fn boolean(&self, path: &Path, name: &'static str) -> Result<bool, EvalError> {
        self.required(path, name)?
            .as_bool()
            .ok_or_else(|| self.bad_property(path, name, "true or false"))
    }

    /// A required non-negative integer property.
    pub(crate) fn unsigned(&self, path: &Path, name: &'static str) -> Result<u64, EvalError> {
        self.required(path, name)?
            .as_u64()
            .ok_or_else(|| self.bad_property(path, name, "a non-negative integer"))
    }

    fn required(&self, path: &Path, name: &'static str) -> Result<&Value, EvalError> {
        self.properties
            .get(name)
            .filter(|v| !v.is_null())
            .ok_or_else(|| EvalError::MissingProperty {
                path: path.to_path_buf(),
                feature: self.index,
                property: name,
            })
    }

    fn bad_property(&self, path: &Path, name: &'static str, expected: &'static str) -> EvalError {
        EvalError::BadProperty {
            path: path.to_path_buf(),
            feature: self.index,
            property: name,
            expected,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_dir::TestDir;

    #[test]
    fn reads_points_and_polygons() {
        let dir = TestDir::new("geojson_ok");
        let path = dir.write(
            "fc.geojson",
            r#"{"type":"FeatureCollection","features":[
              {"type":"Feature","properties":{"id":7,"rank":1},"geometry":{"type":"Point","coordinates":[120.1,37.2]}},
              {"type":"Feature","properties":{"id":"a"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},
              {"type":"Feature","properties":null,"geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[2,2],[3,2],[3,3],[2,2]]]]}}
            ]}"#,
        );
        let features = read_features(&path).unwrap();
        assert_eq!(features.len(), 3);
        assert!(matches!(features[0].shape, Shape::Point(_)));
        assert_eq!(features[0].identifier(&path, "id").unwrap(), "7");
        assert_eq!(features[0].unsigned(&path, "rank").unwrap(), 1);
        match &features[2].shape {
            Shape::Area(mp) => assert_eq!(mp.0.len(), 2),
            Shape::Point(_) => panic!("expected polygons"),
        }
        let err = features[1].unsigned(&path, "rank").unwrap_err().to_string();
        assert!(err.contains("fc.geojson") && err.contains("rank"), "{err}");
    }

    #[test]
    fn rejects_bad_documents() {
        let dir = TestDir::new("geojson_bad");
        for (name, text, needle) in [
            ("a.geojson", "{not json", "not JSON"),
            ("b.geojson", r#"{"type":"Feature"}"#, "FeatureCollection"),
            (
                "c.geojson",
                r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null}]}"#,
                "no geometry",
            ),
            (
                "d.geojson",
                r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}}]}"#,
                "unsupported",
            ),
        ] {
            let path = dir.write(name, text);
            let err = read_features(&path).unwrap_err().to_string();
            assert!(err.contains(name) && err.contains(needle), "{err}");
        }
        let missing = read_features(&dir.path().join("none.geojson")).unwrap_err();
        assert!(matches!(missing, EvalError::MissingFile { .. }));
    }
}
