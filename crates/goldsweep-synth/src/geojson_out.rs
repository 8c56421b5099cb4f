//! RFC 7946 GeoJSON output: the mine catalogue and the truth objects as lon/lat polygons
//! (counter-clockwise exteriors, 7 decimals ≈ 1 cm), one feature per line.

use std::path::Path;

use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use geo::{Area, Polygon};
use serde::Serialize;

use crate::atomic_file::write_bytes;
use crate::error::SynthError;
use crate::mines::Mine;
use crate::truth::{relation, PlantedObject};

#[derive(Serialize)]
struct Geometry {
    #[serde(rename = "type")]
    kind: &'static str,
    coordinates: Vec<Vec<[f64; 2]>>,
}

#[derive(Serialize)]
struct Feature<P: Serialize> {
    #[serde(rename = "type")]
    kind: &'static str,
    properties: P,
    geometry: Geometry,
}

#[derive(Serialize)]
struct MineProps<'a> {
    id: &'a str,
    name: &'a str,
    status: &'a str,
    county: &'a str,
    mineral: &'a str,
}

#[derive(Serialize)]
struct TruthProps<'a> {
    truth_id: String,
    class: &'a str,
    mining: bool,
    context: &'a str,
    expected_relation: &'a str,
    mine_id: Option<&'a str>,
    area_m2: f64,
    masked_fraction: f64,
    group: Option<&'a str>,
    description: &'a str,
}

/// Reprojects scene-CRS polygons to WGS 84 lon/lat.
struct ToWgs84 {
    transform: CoordTransform,
    /// EPSG code of the scene CRS.
    epsg: u32,
}

impl ToWgs84 {
    fn new(path: &Path, epsg: u32) -> Result<Self, SynthError> {
        let err = |source| SynthError::Reproject {
            path: path.to_path_buf(),
            epsg,
            source,
        };
        let mut src = SpatialRef::from_epsg(epsg).map_err(err)?;
        src.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
        let mut dst = SpatialRef::from_epsg(4326).map_err(err)?;
        dst.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
        let transform = CoordTransform::new(&src, &dst).map_err(err)?;
        Ok(Self { transform, epsg })
    }

    fn polygon(&self, path: &Path, poly: &Polygon) -> Result<Geometry, SynthError> {
        let ring = poly.exterior();
        let mut xs: Vec<f64> = ring.coords().map(|c| c.x).collect();
        let mut ys: Vec<f64> = ring.coords().map(|c| c.y).collect();
        self.transform
            .transform_coords(&mut xs, &mut ys, &mut [])
            .map_err(|source| SynthError::Reproject {
                path: path.to_path_buf(),
                epsg: self.epsg,
                source,
            })?;
        let round = |v: f64| (v * 1e7).round() / 1e7;
        let coords = xs
            .iter()
            .zip(ys.iter())
            .map(|(x, y)| [round(*x), round(*y)])
            .collect();
        Ok(Geometry {
            kind: "Polygon",
            coordinates: vec![coords],
        })
    }
}

fn collection<P: Serialize>(
    path: &Path,
    name: &str,
    features: &[Feature<P>],
) -> Result<Vec<u8>, SynthError> {
    let mut out = format!("{{\"type\":\"FeatureCollection\",\"name\":\"{name}\",\"features\":[\n")
        .into_bytes();
    for (i, f) in features.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b",\n");
        }
        serde_json::to_writer(&mut out, f).map_err(|source| SynthError::Json {
            path: path.to_path_buf(),
            source,
        })?;
    }
    out.extend_from_slice(b"\n]}\n");
    Ok(out)
}

/// Writes `catalogue.geojson`: every mine (polygons in EPSG `epsg`) with `id`, `name`,
/// `status`, `county`, `mineral`.
pub fn write_catalogue(
    path: &Path,
    epsg: u32,
    mines: &[Mine],
    county: &str,
) -> Result<(), SynthError> {
    let to = ToWgs84::new(path, epsg)?;
    let mut features = Vec::new();
    for m in mines {
        features.push(Feature {
            kind: "Feature",
            properties: MineProps {
                id: m.id,
                name: m.name,
                status: m.status.as_str(),
                county,
                mineral: "gold",
            },
            geometry: to.polygon(path, &m.polygon)?,
        });
    }
    write_bytes(path, &collection(path, "catalogue", &features)?)
}

/// Writes `truth.geojson`: every planted object (polygons in EPSG `epsg`) with its class,
/// whether it is mining evidence, where it was planted, the relation goldsweep should report,
/// the related mine, its area (m², in the scene CRS) and the fraction of its pixels under the
/// cloud mask (`masked[i]` for object `i`).
pub fn write_truth(
    path: &Path,
    epsg: u32,
    mines: &[Mine],
    objects: &[PlantedObject],
    masked: &[f64],
) -> Result<(), SynthError> {
    let to = ToWgs84::new(path, epsg)?;
    let mut features = Vec::new();
    for (i, obj) in objects.iter().enumerate() {
        let (rel, mine) = relation(&obj.polygon, mines);
        features.push(Feature {
            kind: "Feature",
            properties: TruthProps {
                truth_id: truth_id(i),
                class: obj.class.as_str(),
                mining: obj.mining,
                context: obj.context.as_str(),
                expected_relation: rel.as_str(),
                mine_id: mine.map(|k| mines[k].id),
                area_m2: (obj.polygon.unsigned_area() * 10.0).round() / 10.0,
                masked_fraction: (masked.get(i).copied().unwrap_or(0.0) * 1000.0).round() / 1000.0,
                group: obj.group.as_deref(),
                description: &obj.description,
            },
            geometry: to.polygon(path, &obj.polygon)?,
        });
    }
    write_bytes(path, &collection(path, "truth", &features)?)
}

/// Truth id of the `i`-th object ("T001", "T002", …).
pub fn truth_id(i: usize) -> String {
    format!("T{:03}", i + 1)
}
