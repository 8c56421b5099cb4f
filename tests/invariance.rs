//! Results do not depend on the tile size or the thread count: objects crossing tile seams
//! are stitched exactly, tiles are read with a halo wide enough for every neighbourhood
//! operation (the cloud screen's included) and every output is ordered by scene position.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Sweeps the demo pair, with its cloud mask or (`masked` false) leaving the cloud to the
/// spectral screen.
fn sweep(out: &Path, tile: &str, threads: &str, catalogue: Option<PathBuf>, masked: bool) {
    let demo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/demo");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_goldsweep"));
    cmd.arg("sweep")
        .arg("--before")
        .arg(demo.join("before.tif"))
        .arg("--after")
        .arg(demo.join("after.tif"));
    if masked {
        cmd.arg("--mask-after").arg(demo.join("after_mask.tif"));
    }
    cmd.arg("--catalogue")
        .arg(catalogue.unwrap_or_else(|| demo.join("catalogue.geojson")))
        .args(["--tile", tile, "--threads", threads, "--out"])
        .arg(out);
    let o = cmd.output().expect("goldsweep runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn pixels(path: &Path) -> Vec<u8> {
    let ds = gdal::Dataset::open(path).expect("change.tif opens");
    let band = ds.rasterband(1).expect("band 1");
    band.read_band_as::<u8>().expect("read").data().to_vec()
}

#[test]
fn outputs_are_identical_for_any_tile_size_and_thread_count() {
    assert_invariant(true);
}

#[test]
fn outputs_are_identical_for_any_tile_size_when_the_cloud_is_screened() {
    // Small tiles cut the unmasked cloud and its screened edge at many seams.
    assert_invariant(false);
}

fn assert_invariant(masked: bool) {
    let dir = tempfile::tempdir().expect("temp dir");
    let runs = [("512", "1"), ("64", "2"), ("37", "2"), ("16", "1")];
    let outs: Vec<PathBuf> = runs
        .iter()
        .map(|(tile, threads)| {
            let out = dir.path().join(format!("t{tile}-j{threads}"));
            sweep(&out, tile, threads, None, masked);
            out
        })
        .collect();
    let reference = &outs[0];
    let cands = std::fs::read(reference.join("candidates.geojson")).expect("candidates");
    assert!(cands.len() > 1000, "the reference run found candidates");
    for out in &outs[1..] {
        for name in ["candidates.geojson", "objects.geojson"] {
            let a = std::fs::read(reference.join(name)).expect("reference output");
            let b = std::fs::read(out.join(name)).expect("output");
            assert!(
                a == b,
                "{name} differs between {} and {}",
                reference.display(),
                out.display()
            );
        }
        assert!(
            pixels(&reference.join("change.tif")) == pixels(&out.join("change.tif")),
            "change.tif differs for {}",
            out.display()
        );
    }
}

#[test]
fn catalogue_crs_does_not_change_the_relations() {
    // The demo catalogue is lon/lat (EPSG:4326) over a UTM 51N scene; the same mines in
    // CGCS2000 / 3-degree Gauss-Kruger zone 40 (EPSG:4528) in a GeoPackage must relate the same.
    let dir = tempfile::tempdir().expect("temp dir");
    let gpkg = dir.path().join("catalogue_gk.gpkg");
    let demo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/demo");
    let status = Command::new("ogr2ogr")
        .args(["-f", "GPKG", "-t_srs", "EPSG:4528"])
        .arg(&gpkg)
        .arg(demo.join("catalogue.geojson"))
        .status()
        .expect("ogr2ogr runs (gdal-bin)");
    assert!(status.success());
    let a = dir.path().join("wgs84");
    let b = dir.path().join("gk");
    sweep(&a, "512", "2", None, true);
    sweep(&b, "512", "2", Some(gpkg), true);
    let rel = |p: &Path| -> Vec<(String, String, String)> {
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(p.join("candidates.geojson")).expect("read"))
                .expect("json");
        v["features"]
            .as_array()
            .expect("features")
            .iter()
            .map(|f| {
                let p = &f["properties"];
                (
                    p["id"].as_str().unwrap_or("").to_string(),
                    p["relation"].as_str().unwrap_or("").to_string(),
                    p["mine_id"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    let (ra, rb) = (rel(&a), rel(&b));
    assert!(ra.iter().any(|(_, r, _)| r == "inside_closed_mine"));
    assert_eq!(ra, rb);
}
