//! Pairs on tiny fixtures: identical grids, shifted grids, masks, errors, threads.

mod fixtures;

use std::path::Path;

use fixtures::{four_band_ramps, gt, ramp, write_tif, BandSpec};
use goldsweep_raster::{RasterError, Scene, SceneOptions, ScenePair, Sensor, Window};

const EPSG: Option<u32> = Some(32633);
const W: usize = 8;
const H: usize = 6;

fn open(path: &Path) -> Scene {
    Scene::open(path, &SceneOptions::default()).unwrap()
}

fn after_ramps(base: f32) -> Vec<BandSpec<f32>> {
    (0..4)
        .map(|b| BandSpec::new(ramp(W, H, base + 100.0 * b as f32)))
        .collect()
}

#[test]
fn identical_grids_read_exact_values() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.tif"), dir.path().join("b.tif"));
    write_tif(
        &a,
        EPSG,
        gt(500_000.0, 4_000_000.0, 10.0),
        W,
        H,
        four_band_ramps(W, H),
    );
    write_tif(
        &b,
        EPSG,
        gt(500_000.0, 4_000_000.0, 10.0),
        W,
        H,
        after_ramps(1000.0),
    );
    let before = open(&a);
    assert_eq!(before.sensor(), Sensor::FourBand);
    let pair = ScenePair::new(before, open(&b)).unwrap();
    assert_eq!(pair.bands().len(), 4);
    let mut reader = pair.reader().unwrap();
    let tile = reader.read(Window::new(2, 1, 4, 3)).unwrap();
    assert_eq!(tile.before.dim(), (4, 3, 4));
    for band in 0..4 {
        for r in 0..3 {
            for c in 0..4 {
                let expect = 100.0 * band as f32 + 10.0 * (r + 1) as f32 + (c + 2) as f32;
                assert_eq!(tile.before[[band, r, c]], expect);
                assert_eq!(tile.after[[band, r, c]], expect + 1000.0);
            }
        }
    }
    assert!(tile.valid.iter().all(|v| *v));
}

#[test]
fn shifted_grid_is_resampled_and_outside_is_invalid() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.tif"), dir.path().join("b.tif"));
    write_tif(
        &a,
        EPSG,
        gt(500_000.0, 4_000_000.0, 10.0),
        W,
        H,
        four_band_ramps(W, H),
    );
    // After: one pixel to the east and half a pixel to the south.
    write_tif(
        &b,
        EPSG,
        gt(500_010.0, 3_999_995.0, 10.0),
        W,
        H,
        after_ramps(1000.0),
    );
    let pair = ScenePair::new(open(&a), open(&b)).unwrap();
    let tile = pair
        .reader()
        .unwrap()
        .read(Window::new(0, 0, W, H))
        .unwrap();
    // Column 0 lies west of the after footprint.
    for r in 0..H {
        assert!(!tile.valid[[r, 0]], "row {r} col 0 should be outside");
    }
    // Interior: a linear ramp is reproduced exactly by bilinear interpolation.
    // Before pixel (r, c) centre sits at after pixel position (r + 0.5 - 0.5, c - 1).
    for r in 1..H - 1 {
        for c in 1..W - 1 {
            assert!(tile.valid[[r, c]], "({r},{c}) should be valid");
            let expect = 1000.0 + 10.0 * (r as f32 - 0.5) + (c as f32 - 1.0);
            let got = tile.after[[0, r, c]];
            assert!((got - expect).abs() < 1e-3, "({r},{c}): {got} vs {expect}");
        }
    }
}

#[test]
fn nodata_nan_qa_and_mask_make_pixels_invalid() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, m) = (
        dir.path().join("a.tif"),
        dir.path().join("b.tif"),
        dir.path().join("mask.tif"),
    );
    let mut before = four_band_ramps(W, H);
    before[1].values[W + 1] = -9999.0;
    before[1].nodata = Some(-9999.0);
    let mut scl = vec![4.0f32; W * H];
    scl[3 * W + 3] = 9.0; // cloud, high probability
    before.push(BandSpec::new(scl));
    write_tif(&a, EPSG, gt(500_000.0, 4_000_000.0, 10.0), W, H, before);

    let mut after = after_ramps(1000.0);
    after[3].values[2 * W + 2] = f32::NAN;
    write_tif(&b, EPSG, gt(500_000.0, 4_000_000.0, 10.0), W, H, after);
    // Mask on a coarser grid (20 m): its pixel (0, 2) covers scene pixels rows 0..2, cols 4..6.
    let mut mask = vec![0u8; 4 * 3];
    mask[2] = 1;
    write_tif(
        &m,
        EPSG,
        gt(500_000.0, 4_000_000.0, 20.0),
        4,
        3,
        vec![BandSpec::new(mask)],
    );

    let before_opts = SceneOptions {
        bands: Some("blue=1,green=2,red=3,nir=4,scl=5".parse().unwrap()),
        ..Default::default()
    };
    let after_opts = SceneOptions {
        mask: Some(m.clone()),
        ..Default::default()
    };
    let pair = ScenePair::new(
        Scene::open(&a, &before_opts).unwrap(),
        Scene::open(&b, &after_opts).unwrap(),
    )
    .unwrap();
    let tile = pair
        .reader()
        .unwrap()
        .read(Window::new(0, 0, W, H))
        .unwrap();
    let mut expected_invalid = vec![(1, 1), (3, 3), (2, 2)];
    for r in 0..2 {
        for c in 4..6 {
            expected_invalid.push((r, c));
        }
    }
    for r in 0..H {
        for c in 0..W {
            let invalid = expected_invalid.contains(&(r, c));
            assert_eq!(tile.valid[[r, c]], !invalid, "pixel ({r},{c})");
        }
    }
}

#[test]
fn explicit_scale_and_offset_are_applied() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.tif");
    let bands: Vec<BandSpec<u16>> = (0..4)
        .map(|b| BandSpec::new(vec![1000 + b; W * H]))
        .collect();
    write_tif(&a, EPSG, gt(500_000.0, 4_000_000.0, 10.0), W, H, bands);
    let opts = SceneOptions {
        scale: Some(0.001),
        offset: Some(-0.5),
        ..Default::default()
    };
    let s = Scene::open(&a, &opts).unwrap();
    assert_eq!(s.describe()["bands"][0]["scale_source"], "option");
    let pair = ScenePair::new(s.clone(), s).unwrap();
    let tile = pair
        .reader()
        .unwrap()
        .read(Window::new(0, 0, 2, 2))
        .unwrap();
    assert!((tile.before[[3, 0, 0]] - 0.503).abs() < 1e-6);
}

#[test]
fn after_scene_in_another_crs_is_reprojected() {
    use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("utm.tif"), dir.path().join("lonlat.tif"));
    let g = gt(500_000.0, 4_000_000.0, 10.0);
    write_tif(&a, EPSG, g, W, H, four_band_ramps(W, H));
    let mut utm = SpatialRef::from_epsg(32633).unwrap();
    let mut wgs = SpatialRef::from_epsg(4326).unwrap();
    utm.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    wgs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let t = CoordTransform::new(&utm, &wgs).unwrap();
    let ll = t
        .transform_bounds(&[499_950.0, 3_999_900.0, 500_130.0, 4_000_050.0], 21)
        .unwrap();
    // 40 x 40 lon/lat pixels generously covering the UTM scene, constant per band.
    let (px, py) = ((ll[2] - ll[0]) / 40.0, (ll[3] - ll[1]) / 40.0);
    let bands = (0..4)
        .map(|b| BandSpec::new(vec![50.0 + b as f32; 1600]))
        .collect();
    write_tif(
        &b,
        Some(4326),
        [ll[0], px, 0.0, ll[3], 0.0, -py],
        40,
        40,
        bands,
    );
    let pair = ScenePair::new(open(&a), open(&b)).unwrap();
    let tile = pair
        .reader()
        .unwrap()
        .read(Window::new(0, 0, W, H))
        .unwrap();
    assert!(tile.valid.iter().all(|v| *v));
    for band in 0..4 {
        assert!(tile
            .after
            .index_axis(ndarray::Axis(0), band)
            .iter()
            .all(|v| (*v - (50.0 + band as f32)).abs() < 1e-4));
    }
}

#[test]
fn no_overlap_is_an_error_naming_both_files() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.tif"), dir.path().join("far.tif"));
    write_tif(
        &a,
        EPSG,
        gt(500_000.0, 4_000_000.0, 10.0),
        W,
        H,
        four_band_ramps(W, H),
    );
    write_tif(
        &b,
        EPSG,
        gt(600_000.0, 4_000_000.0, 10.0),
        W,
        H,
        four_band_ramps(W, H),
    );
    let err = ScenePair::new(open(&a), open(&b)).unwrap_err();
    assert!(matches!(err, RasterError::NoOverlap { .. }), "{err}");
    let msg = err.to_string();
    assert!(msg.contains("a.tif") && msg.contains("far.tif"), "{msg}");
}

#[test]
fn windows_outside_the_grid_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.tif");
    write_tif(
        &a,
        EPSG,
        gt(500_000.0, 4_000_000.0, 10.0),
        W,
        H,
        four_band_ramps(W, H),
    );
    let s = open(&a);
    let pair = ScenePair::new(s.clone(), s).unwrap();
    let mut reader = pair.reader().unwrap();
    for w in [
        Window::new(7, 0, 2, 1),
        Window::new(0, 5, 1, 2),
        Window::new(0, 0, 0, 1),
    ] {
        let err = reader.read(w).unwrap_err();
        assert!(matches!(err, RasterError::InvalidWindow { .. }), "{err}");
    }
}

#[test]
fn readers_work_in_parallel_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    fn assert_send<T: Send>() {}
    assert_send_sync::<ScenePair>();
    assert_send_sync::<Scene>();
    assert_send::<goldsweep_raster::PairReader>();

    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.tif"), dir.path().join("b.tif"));
    write_tif(
        &a,
        EPSG,
        gt(500_000.0, 4_000_000.0, 10.0),
        W,
        H,
        four_band_ramps(W, H),
    );
    write_tif(
        &b,
        EPSG,
        gt(500_005.0, 4_000_000.0, 10.0),
        W,
        H,
        after_ramps(1000.0),
    );
    let pair = ScenePair::new(open(&a), open(&b)).unwrap();
    let whole = pair
        .reader()
        .unwrap()
        .read(Window::new(0, 0, W, H))
        .unwrap();
    std::thread::scope(|s| {
        for row in 0..2 {
            let pair = pair.clone();
            let whole = &whole;
            s.spawn(move || {
                let mut reader = pair.reader().unwrap();
                let t = reader.read(Window::new(0, row * 3, W, 3)).unwrap();
                let expect = whole.after.slice(ndarray::s![.., row * 3..row * 3 + 3, ..]);
                assert_eq!(t.after, expect);
            });
        }
    });
}
