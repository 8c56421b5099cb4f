//! Opening scenes on tiny fixtures: sensors, band maps, folders, and bad input.

mod fixtures;

use fixtures::{four_band_ramps, gt, write_tif, BandSpec};
use goldsweep_detect::BandRole;
use goldsweep_raster::{RasterError, Scene, SceneOptions, ScenePair, Sensor, Window};

const EPSG: Option<u32> = Some(32633);

fn u16_bands(n: usize, len: usize) -> Vec<BandSpec<u16>> {
    (0..n)
        .map(|b| BandSpec::new(vec![1000 + b as u16; len]))
        .collect()
}

#[test]
fn missing_file_and_non_raster_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.tif");
    let err = Scene::open(&missing, &SceneOptions::default()).unwrap_err();
    assert!(matches!(err, RasterError::NotFound { .. }), "{err}");
    assert!(err.to_string().contains("nope.tif"));

    let text = dir.path().join("notes.tif");
    std::fs::write(&text, "not a raster").unwrap();
    let err = Scene::open(&text, &SceneOptions::default()).unwrap_err();
    assert!(matches!(err, RasterError::NotRaster { .. }), "{err}");
    assert!(err.to_string().contains("notes.tif"));
    assert!(!err.to_string().contains('\n'));
}

#[test]
fn missing_crs_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("plain.tif");
    write_tif(&p, None, gt(0.0, 0.0, 1.0), 4, 4, four_band_ramps(4, 4));
    let err = Scene::open(&p, &SceneOptions::default()).unwrap_err();
    assert!(matches!(err, RasterError::NoCrs { .. }), "{err}");
}

#[test]
fn band_count_mismatch_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("rgb.tif");
    write_tif(&p, EPSG, gt(0.0, 0.0, 1.0), 4, 4, u16_bands(3, 16));
    let err = Scene::open(&p, &SceneOptions::default()).unwrap_err();
    assert!(
        matches!(
            err,
            RasterError::BandCount {
                found: 3,
                needed: 4,
                ..
            }
        ),
        "{err}"
    );
    let p5 = dir.path().join("five.tif");
    write_tif(&p5, EPSG, gt(0.0, 0.0, 1.0), 4, 4, u16_bands(5, 16));
    let opts = SceneOptions {
        bands: Some("blue=1,green=2,red=3,nir=6".parse().unwrap()),
        ..Default::default()
    };
    let err = Scene::open(&p5, &opts).unwrap_err();
    assert!(
        matches!(
            err,
            RasterError::BandCount {
                found: 5,
                needed: 6,
                ..
            }
        ),
        "{err}"
    );
    let err = Scene::open(&p5, &SceneOptions::default()).unwrap_err();
    assert!(
        matches!(err, RasterError::SensorUndetermined { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("--sensor"));
    let opts = SceneOptions {
        sensor: Sensor::LandsatTm,
        ..Default::default()
    };
    let err = Scene::open(&p5, &opts).unwrap_err();
    assert!(
        matches!(
            err,
            RasterError::BandCount {
                found: 5,
                needed: 6,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn band_descriptions_name_the_roles() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s2.tif");
    let names = [
        "B01", "B02", "B03", "B04", "B05", "B08", "B8A", "B11", "B12",
    ];
    let bands: Vec<BandSpec<u16>> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            BandSpec::new(vec![100 * i as u16; 16])
                .described(n)
                .nodata(0.0)
        })
        .collect();
    write_tif(&p, EPSG, gt(0.0, 0.0, 10.0), 4, 4, bands);
    let s = Scene::open(&p, &SceneOptions::default()).unwrap();
    assert_eq!(s.sensor(), Sensor::Sentinel2);
    assert!(s.bands().has_swir());
    let d = s.describe();
    assert_eq!(d["bands_from"], "band descriptions");
    let nir = d["bands"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["role"] == "nir")
        .unwrap();
    assert_eq!(nir["band"], 6);
    assert_eq!(nir["scale"], 1e-4);
    assert_eq!(nir["nodata"], 0.0);
    assert_eq!(d["crs"], "EPSG:32633");
}

/// A Sentinel-2-like folder: 10 m B02/B03/B04/B08, 20 m B11/B12/SCL, 60 m B01, plus a stray file.
#[test]
fn folder_of_band_files_stacks_on_the_finest_grid() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let x0 = 400_000.0;
    let y0 = 5_000_000.0;
    for (code, value) in [("B02", 500u16), ("B03", 600), ("B04", 700), ("B08", 3000)] {
        let p = d.join(format!("T33XXX_20200101T100000_{code}.tif"));
        write_tif(
            &p,
            EPSG,
            gt(x0, y0, 10.0),
            12,
            12,
            vec![BandSpec::new(vec![value; 144])],
        );
    }
    for (code, value) in [("B11", 2000u16), ("B12", 1500)] {
        let p = d.join(format!("T33XXX_20200101T100000_{code}.tif"));
        write_tif(
            &p,
            EPSG,
            gt(x0, y0, 20.0),
            6,
            6,
            vec![BandSpec::new(vec![value; 36])],
        );
    }
    let p = d.join("T33XXX_20200101T100000_B01.tif");
    write_tif(
        &p,
        EPSG,
        gt(x0, y0, 60.0),
        2,
        2,
        vec![BandSpec::new(vec![9u16; 4])],
    );
    let mut scl = vec![4u8; 36];
    scl[0] = 9; // cloud over the top-left 20 m pixel
    let p = d.join("T33XXX_20200101T100000_SCL.tif");
    write_tif(&p, EPSG, gt(x0, y0, 20.0), 6, 6, vec![BandSpec::new(scl)]);
    std::fs::write(d.join("README.txt"), "not a band").unwrap();

    let s = Scene::open(d, &SceneOptions::default()).unwrap();
    assert_eq!(s.sensor(), Sensor::Sentinel2);
    assert_eq!((s.grid().width, s.grid().height), (12, 12));
    assert_eq!(s.grid().pixel_size(), (10.0, 10.0));
    assert_eq!(s.bands().roles().len(), 6);
    assert_eq!(s.describe()["qa"]["kind"], "scl");
    assert_eq!(s.describe()["bands_from"], "file names");

    let pair = ScenePair::new(s.clone(), s).unwrap();
    let tile = pair
        .reader()
        .unwrap()
        .read(Window::new(0, 0, 12, 12))
        .unwrap();
    let swir1 = pair.bands().index(BandRole::Swir1).unwrap();
    let nir = pair.bands().index(BandRole::Nir).unwrap();
    assert!((tile.before[[swir1, 6, 6]] - 0.2).abs() < 1e-6);
    assert!((tile.before[[nir, 6, 6]] - 0.3).abs() < 1e-6);
    for r in 0..12 {
        for c in 0..12 {
            assert_eq!(tile.valid[[r, c]], r >= 2 || c >= 2, "({r},{c})");
        }
    }
}

#[test]
fn folder_with_duplicate_band_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    for date in ["20200101", "20200201"] {
        let p = dir.path().join(format!("T33XXX_{date}_B02.tif"));
        write_tif(
            &p,
            EPSG,
            gt(0.0, 0.0, 10.0),
            2,
            2,
            vec![BandSpec::new(vec![1u16; 4])],
        );
    }
    let err = Scene::open(dir.path(), &SceneOptions::default()).unwrap_err();
    assert!(
        matches!(err, RasterError::AmbiguousBandFile { .. }),
        "{err}"
    );
}

#[test]
fn folder_missing_a_band_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    for code in ["B02", "B03", "B04"] {
        let p = dir.path().join(format!("T33XXX_{code}.tif"));
        write_tif(
            &p,
            EPSG,
            gt(0.0, 0.0, 10.0),
            2,
            2,
            vec![BandSpec::new(vec![1u16; 4])],
        );
    }
    let err = Scene::open(dir.path(), &SceneOptions::default()).unwrap_err();
    assert!(matches!(err, RasterError::MissingBandFile { .. }), "{err}");
    assert!(err.to_string().contains("B8"), "{err}");
}

#[test]
fn landsat_sr_folder_gets_collection2_scaling() {
    let dir = tempfile::tempdir().unwrap();
    let prefix = "LC08_L2SP_044034_20200101_20200113_02_T1";
    for b in 1..=7 {
        let p = dir.path().join(format!("{prefix}_SR_B{b}.TIF"));
        write_tif(
            &p,
            EPSG,
            gt(0.0, 0.0, 30.0),
            3,
            3,
            vec![BandSpec::new(vec![10000u16; 9])],
        );
    }
    let qa: Vec<u16> = vec![21824, 21824, 21824, 21824, 22280, 21824, 21824, 21824, 1];
    let p = dir.path().join(format!("{prefix}_QA_PIXEL.TIF"));
    write_tif(&p, EPSG, gt(0.0, 0.0, 30.0), 3, 3, vec![BandSpec::new(qa)]);
    let s = Scene::open(dir.path(), &SceneOptions::default()).unwrap();
    assert_eq!(s.sensor(), Sensor::LandsatOli);
    assert_eq!(
        s.describe()["bands"][0]["file"]
            .as_str()
            .map(|f| f.ends_with("SR_B2.TIF")),
        Some(true)
    );
    let pair = ScenePair::new(s.clone(), s).unwrap();
    let tile = pair
        .reader()
        .unwrap()
        .read(Window::new(0, 0, 3, 3))
        .unwrap();
    assert!((tile.before[[0, 0, 0]] - 0.075).abs() < 1e-6);
    let valid: Vec<bool> = tile.valid.iter().copied().collect();
    // 22280 has the cloud bit (3) set; 1 is fill.
    assert_eq!(
        valid,
        vec![true, true, true, true, false, true, true, true, false]
    );
}
