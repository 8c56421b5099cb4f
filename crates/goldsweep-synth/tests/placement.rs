//! Placing a scene anywhere (`SynthOptions::centre`, `goldsweep synth --at`): the grid moves to
//! the location's UTM zone with the location at its centre, the content stays the same, and the
//! default placement still writes exactly the shipped demo scene.

mod common;

use std::path::{Path, PathBuf};

use common::read_band;
use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use gdal::Dataset;
use goldsweep_synth::{generate, LonLat, SynthOptions, SynthSummary, OUTPUT_FILES};
use serde_json::Value;

fn make_at(seed: u64, size: usize, centre: Option<LonLat>) -> (tempfile::TempDir, SynthSummary) {
    let dir = tempfile::tempdir().expect("temp dir");
    let summary = generate(dir.path(), &SynthOptions { seed, size, centre }).expect("generate");
    (dir, summary)
}

/// Lon/lat of the scene centre of `raster`, read back through its own SRS and geotransform.
fn raster_centre_lonlat(raster: &Path) -> (f64, f64, i32) {
    let ds = Dataset::open(raster).expect("open");
    let gt = ds.geo_transform().expect("gt");
    let (w, h) = ds.raster_size();
    let mut src = ds.spatial_ref().expect("srs");
    src.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let code = src.auth_code().expect("epsg code");
    let mut dst = SpatialRef::from_epsg(4326).expect("4326");
    dst.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let tr = CoordTransform::new(&src, &dst).expect("transform");
    let mut xs = [gt[0] + gt[1] * w as f64 / 2.0];
    let mut ys = [gt[3] + gt[5] * h as f64 / 2.0];
    tr.transform_coords(&mut xs, &mut ys, &mut [])
        .expect("reproject");
    (xs[0], ys[0], code)
}

fn first_lonlat(geojson: &Path) -> (f64, f64) {
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(geojson).expect("read")).expect("parse");
    let p = &v["features"][0]["geometry"]["coordinates"][0][0];
    (p[0].as_f64().expect("lon"), p[1].as_f64().expect("lat"))
}

#[test]
fn a_placed_scene_is_centred_in_its_utm_zone_with_the_same_content() {
    let (home, _) = make_at(11, 200, None);
    for (lon, lat, epsg) in [(-1.62, 6.21, 32630), (35.0, -6.0, 32736)] {
        let at = LonLat::new(lon, lat).expect("location");
        let (dir, summary) = make_at(11, 200, Some(at));
        assert_eq!(summary.epsg, epsg);
        let (clon, clat, code) = raster_centre_lonlat(&dir.path().join("before.tif"));
        assert_eq!(code, epsg as i32, "before.tif SRS");
        // 5 m (the snap to whole pixels) is < 1e-4 degrees here.
        assert!(
            (clon - lon).abs() < 1e-4 && (clat - lat).abs() < 1e-4,
            "scene centre {clon},{clat} is not {lon},{lat}"
        );
        let (mlon, mlat) = first_lonlat(&dir.path().join("catalogue.geojson"));
        assert!(
            (mlon - lon).abs() < 0.05 && (mlat - lat).abs() < 0.05,
            "catalogue mine at {mlon},{mlat}, far from the scene at {lon},{lat}"
        );
        for name in ["before.tif", "after.tif", "truth_change.tif"] {
            let bands = if name == "truth_change.tif" { 1 } else { 6 };
            for b in 1..=bands {
                let (moved, _, _) = read_band(&dir.path().join(name), b);
                let (original, _, _) = read_band(&home.path().join(name), b);
                assert!(moved == original, "{name} band {b}: content changed");
            }
        }
        let readme = std::fs::read_to_string(dir.path().join("README.txt")).expect("readme");
        assert!(
            readme.contains(&format!("EPSG:{epsg}")) && readme.contains(&format!("--at={at}")),
            "README does not describe the placement:\n{readme}"
        );
    }
}

#[test]
fn default_placement_writes_the_shipped_demo_scene() {
    let demo = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/demo"));
    if !demo.join("before.tif").exists() {
        println!("skipping: {} is absent", demo.display());
        return;
    }
    let (dir, summary) = make_at(7, 480, None);
    assert_eq!(summary.epsg, 32651);
    assert_eq!(summary.origin, [266_000.0, 4_142_000.0]);
    for name in OUTPUT_FILES {
        let fresh = std::fs::read(dir.path().join(name)).expect("read fresh");
        let shipped = std::fs::read(demo.join(name)).expect("read shipped");
        assert!(
            fresh == shipped,
            "{name}: `goldsweep synth --seed 7 --size 480` no longer writes data/demo/{name}"
        );
    }
}
