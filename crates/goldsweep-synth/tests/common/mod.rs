//! Shared helpers of the integration tests: generate into a temp dir, read rasters and GeoJSON
//! back independently (GDAL + serde_json), reproject lon/lat to the scene CRS.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use gdal::Dataset;
use geo::{Coord, LineString, Polygon};
use goldsweep_synth::{generate, SynthOptions, SynthSummary};
use serde_json::Value;

pub const EPSG: u32 = 32651;

pub struct Generated {
    pub dir: tempfile::TempDir,
    pub summary: SynthSummary,
}

impl Generated {
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

pub fn make(seed: u64, size: usize) -> Generated {
    let dir = tempfile::tempdir().expect("temp dir");
    let summary = generate(
        dir.path(),
        &SynthOptions {
            seed,
            size,
            centre: None,
        },
    )
    .expect("generate");
    Generated { dir, summary }
}

/// One band as f64, row-major, with (cols, rows).
pub fn read_band(path: &Path, band: usize) -> (Vec<f64>, usize, usize) {
    let ds = Dataset::open(path).expect("open raster");
    let rb = ds.rasterband(band).expect("band");
    let (w, h) = rb.size();
    let buf = rb
        .read_as::<f64>((0, 0), (w, h), (w, h), None)
        .expect("read");
    (buf.data().to_vec(), w, h)
}

pub struct Feature {
    pub props: serde_json::Map<String, Value>,
    /// Exterior ring in the scene CRS.
    pub polygon: Polygon,
    /// Exterior ring as written (lon/lat).
    pub lonlat: Vec<(f64, f64)>,
}

impl Feature {
    pub fn str(&self, k: &str) -> &str {
        self.props.get(k).and_then(Value::as_str).unwrap_or("")
    }
}

pub fn read_features(path: &Path) -> Vec<Feature> {
    let text = std::fs::read_to_string(path).expect("read geojson");
    let v: Value = serde_json::from_str(&text).expect("parse geojson");
    assert_eq!(v["type"], "FeatureCollection");
    let mut src = SpatialRef::from_epsg(4326).expect("4326");
    src.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let mut dst = SpatialRef::from_epsg(EPSG).expect("utm");
    dst.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let tr = CoordTransform::new(&src, &dst).expect("transform");
    let feats = v["features"].as_array().expect("features");
    feats
        .iter()
        .map(|f| {
            assert_eq!(f["geometry"]["type"], "Polygon");
            let ring = f["geometry"]["coordinates"][0].as_array().expect("ring");
            let lonlat: Vec<(f64, f64)> = ring
                .iter()
                .map(|p| (p[0].as_f64().expect("lon"), p[1].as_f64().expect("lat")))
                .collect();
            let mut xs: Vec<f64> = lonlat.iter().map(|p| p.0).collect();
            let mut ys: Vec<f64> = lonlat.iter().map(|p| p.1).collect();
            tr.transform_coords(&mut xs, &mut ys, &mut [])
                .expect("reproject");
            let coords: Vec<Coord> = xs.iter().zip(&ys).map(|(&x, &y)| Coord { x, y }).collect();
            Feature {
                props: f["properties"].as_object().expect("properties").clone(),
                polygon: Polygon::new(LineString::new(coords), vec![]),
                lonlat,
            }
        })
        .collect()
}

/// Map coordinate of pixel centre (row, col) for a geotransform.
pub fn center(gt: &[f64; 6], row: usize, col: usize) -> Coord {
    Coord {
        x: gt[0] + (col as f64 + 0.5) * gt[1],
        y: gt[3] + (row as f64 + 0.5) * gt[5],
    }
}

pub fn geo_transform(path: &Path) -> [f64; 6] {
    Dataset::open(path)
        .expect("open")
        .geo_transform()
        .expect("gt")
}
