//! Determinism, georeferencing and raster layout of the generated files.

mod common;

use common::{make, read_band, EPSG};
use gdal::{Dataset, Metadata};
use goldsweep_synth::{generate, SynthError, SynthOptions, OUTPUT_FILES};

#[test]
fn same_seed_gives_identical_bytes_and_other_seeds_differ() {
    let a = make(11, 200);
    let b = make(11, 200);
    let c = make(12, 200);
    for name in OUTPUT_FILES {
        let fa = std::fs::read(a.path(name)).expect("read a");
        let fb = std::fs::read(b.path(name)).expect("read b");
        assert!(
            fa == fb,
            "{name} differs between two runs with the same seed"
        );
    }
    for name in ["before.tif", "after.tif", "truth.geojson"] {
        let fa = std::fs::read(a.path(name)).expect("read a");
        let fc = std::fs::read(c.path(name)).expect("read c");
        assert!(fa != fc, "{name} identical for different seeds");
    }
}

#[test]
fn scenes_are_georeferenced_on_one_grid_with_s2_band_names() {
    let g = make(3, 480);
    assert_eq!(g.summary.files.len(), OUTPUT_FILES.len());
    let mut names: Vec<String> = std::fs::read_dir(g.dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut want: Vec<String> = OUTPUT_FILES.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(names, want, "no temporary or sidecar files left behind");

    let gt_ref = [266_000.0, 10.0, 0.0, 4_142_000.0, 0.0, -10.0];
    for (name, bands, descr) in [
        ("before.tif", 6, None),
        ("after.tif", 6, None),
        ("after_mask.tif", 1, Some("cloud_shadow_mask")),
        ("truth_change.tif", 1, Some("truth_change")),
    ] {
        let ds = Dataset::open(g.path(name)).expect("open");
        assert_eq!(ds.raster_size(), (480, 480), "{name}");
        assert_eq!(ds.raster_count(), bands, "{name}");
        assert_eq!(ds.geo_transform().expect("gt"), gt_ref, "{name}");
        assert_eq!(
            ds.spatial_ref().expect("srs").auth_code().expect("code"),
            EPSG as i32
        );
        let b1 = ds.rasterband(1).expect("band");
        assert_eq!(b1.block_size(), (256, 256), "{name} tiled 256");
        if let Some(d) = descr {
            assert_eq!(b1.description().expect("descr"), d);
        }
        let compression = ds.metadata_item("COMPRESSION", "IMAGE_STRUCTURE");
        assert_eq!(compression.as_deref(), Some("DEFLATE"), "{name}");
    }
    for name in ["before.tif", "after.tif"] {
        let ds = Dataset::open(g.path(name)).expect("open");
        let descr: Vec<String> = (1..=6)
            .map(|i| ds.rasterband(i).expect("band").description().expect("d"))
            .collect();
        assert_eq!(descr, ["B02", "B03", "B04", "B08", "B11", "B12"]);
        for i in 1..=6 {
            let rb = ds.rasterband(i).expect("band");
            assert_eq!(rb.band_type(), gdal::raster::GdalDataType::UInt16);
            assert_eq!(rb.no_data_value(), Some(0.0));
        }
        let (v, _, _) = read_band(&g.path(name), 4);
        assert!(
            v.iter().all(|&x| x >= 1.0),
            "{name}: no nodata pixels inside the scene"
        );
    }
    // Default-size output stays small enough to ship as a demo.
    let total: u64 = OUTPUT_FILES
        .iter()
        .map(|n| std::fs::metadata(g.path(n)).expect("meta").len())
        .sum();
    assert!(total < 6_000_000, "demo scene is {total} bytes");
}

#[test]
fn smallest_scene_is_valid_and_bad_requests_fail_with_the_path() {
    let g = make(5, 128);
    assert_eq!(g.summary.size, 128);
    assert_eq!(g.summary.mines, 8);
    let (truth, w, h) = read_band(&g.path("truth_change.tif"), 1);
    assert_eq!((w, h), (128, 128));
    assert!(truth.iter().all(|&v| v == 0.0 || v == 1.0 || v == 255.0));

    let dir = tempfile::tempdir().expect("tmp");
    let err = generate(
        dir.path(),
        &SynthOptions {
            seed: 1,
            size: 64,
            centre: None,
        },
    )
    .unwrap_err();
    assert!(matches!(err, SynthError::InvalidOptions { .. }));
    assert!(err.to_string().contains(&dir.path().display().to_string()));

    let file = dir.path().join("not_a_dir");
    std::fs::write(&file, b"x").expect("write");
    let err = generate(&file, &SynthOptions::default()).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("not_a_dir") && !msg.contains('\n'), "{msg}");
}

#[test]
fn generation_is_fast_enough_for_tests() {
    let dir = tempfile::tempdir().expect("tmp");
    let t = std::time::Instant::now();
    generate(dir.path(), &SynthOptions::default()).expect("generate");
    let s = t.elapsed().as_secs_f64();
    // Generous bound: < 2 s in debug on an idle core; shared CI machines get headroom.
    assert!(s < 8.0, "generation took {s:.2} s");
}
