//! Pixel scores on hand-made 4 × 4 rasters with answers worked out by hand.

mod common;

use common::{utm, write_u8, Georef, TestDir, UTM_TRANSFORM};
use goldsweep_eval::{pixel_scores, EvalError, LabelConvention, PixelTruth};

/// Prediction: 0 no change, 1..=5 change, 255 masked.
const PREDICTION: [&[u8]; 4] = [
    &[0, 1, 2, 0],
    &[0, 0, 5, 255],
    &[3, 0, 0, 0],
    &[255, 0, 4, 0],
];

/// Truth, binary convention: 0 no change, 1 change, 255 unlabelled.
///
/// Against PREDICTION: tp 4, fp 1 (0,2), fn 1 (1,0), tn 7, masked 2 ((1,3), (3,0)), unlabelled 1.
/// n = 13, po = 11/13, pe = (5·5 + 8·8)/13² = 89/169, κ = (143 − 89)/(169 − 89) = 54/80 = 0.675.
const TRUTH_BINARY: [&[u8]; 4] = [&[0, 1, 0, 0], &[1, 0, 1, 1], &[1, 0, 255, 0], &[1, 0, 1, 0]];

/// The same truth in the OSCD convention (1 no change, 2 change, 0 unlabelled).
const TRUTH_OSCD: [&[u8]; 4] = [&[1, 2, 1, 1], &[2, 1, 2, 2], &[2, 1, 0, 1], &[2, 1, 2, 1]];

fn map_truth(f: impl Fn(u8) -> u8) -> Vec<Vec<u8>> {
    TRUTH_BINARY
        .iter()
        .map(|r| r.iter().map(|&v| f(v)).collect())
        .collect()
}

fn as_slices(rows: &[Vec<u8>]) -> Vec<&[u8]> {
    rows.iter().map(Vec::as_slice).collect()
}

fn assert_hand_answer(s: &goldsweep_eval::PixelScores) {
    assert_eq!(
        (s.labelled, s.tp, s.fp, s.tn, s.fn_, s.excluded_masked),
        (15, 4, 1, 7, 1, 2)
    );
    assert!((s.precision - 0.8).abs() < 1e-12);
    assert!((s.recall - 0.8).abs() < 1e-12);
    assert!((s.f1 - 0.8).abs() < 1e-12);
    assert!((s.overall_accuracy - 11.0 / 13.0).abs() < 1e-12);
    assert!((s.kappa - 0.675).abs() < 1e-12, "kappa {}", s.kappa);
}

#[test]
fn binary_convention_matches_hand_computation() {
    let dir = TestDir::new("px_binary");
    let change = write_u8("GTiff", &dir.path().join("change.tif"), &PREDICTION, utm());
    let truth = write_u8("GTiff", &dir.path().join("truth.tif"), &TRUTH_BINARY, utm());
    let scores = pixel_scores(
        &change,
        &PixelTruth::Raster {
            path: truth,
            convention: LabelConvention::Binary,
        },
    )
    .unwrap();
    assert_hand_answer(&scores);
    let json = serde_json::to_value(&scores).unwrap();
    assert_eq!(json["fn"], 1);
    assert!(json.get("fn_").is_none());
}

#[test]
fn oscd_convention_without_georeferencing() {
    let dir = TestDir::new("px_oscd");
    let change = write_u8("GTiff", &dir.path().join("change.tif"), &PREDICTION, utm());
    let truth = write_u8("GTiff", &dir.path().join("cm.tif"), &TRUTH_OSCD, None);
    let scores = pixel_scores(
        &change,
        &PixelTruth::Raster {
            path: truth,
            convention: LabelConvention::Oscd,
        },
    )
    .unwrap();
    assert_hand_answer(&scores);
}

#[test]
fn sampled_bmp_pair() {
    let dir = TestDir::new("px_sampled");
    let change = write_u8("GTiff", &dir.path().join("change.tif"), &PREDICTION, utm());
    let changed_rows = map_truth(|v| if v == 1 { 255 } else { 0 });
    let unchanged_rows = map_truth(|v| if v == 0 { 255 } else { 0 });
    let changed = write_u8(
        "BMP",
        &dir.path().join("change.bmp"),
        &as_slices(&changed_rows),
        None,
    );
    let unchanged = write_u8(
        "BMP",
        &dir.path().join("unchanged.bmp"),
        &as_slices(&unchanged_rows),
        None,
    );
    let scores = pixel_scores(&change, &PixelTruth::Sampled { changed, unchanged }).unwrap();
    assert_hand_answer(&scores);
}

#[test]
fn sampled_conflict_is_an_error() {
    let dir = TestDir::new("px_conflict");
    let change = write_u8("GTiff", &dir.path().join("change.tif"), &PREDICTION, utm());
    let marks: [&[u8]; 4] = [&[255, 0, 0, 0], &[0; 4], &[0; 4], &[0; 4]];
    let changed = write_u8("BMP", &dir.path().join("c.bmp"), &marks, None);
    let unchanged = write_u8("BMP", &dir.path().join("u.bmp"), &marks, None);
    let err = pixel_scores(&change, &PixelTruth::Sampled { changed, unchanged }).unwrap_err();
    assert!(
        matches!(err, EvalError::ConflictingLabels { col: 0, row: 0, .. }),
        "{err}"
    );
}

#[test]
fn grid_mismatch_names_both_files() {
    let dir = TestDir::new("px_grid");
    let change = write_u8("GTiff", &dir.path().join("change.tif"), &PREDICTION, utm());
    let mut shifted = UTM_TRANSFORM;
    shifted[0] += 10.0;
    let truth = write_u8(
        "GTiff",
        &dir.path().join("shifted.tif"),
        &TRUTH_BINARY,
        Some(Georef {
            transform: shifted,
            epsg: 32651,
        }),
    );
    let truth = PixelTruth::Raster {
        path: truth,
        convention: LabelConvention::Binary,
    };
    let message = pixel_scores(&change, &truth).unwrap_err().to_string();
    assert!(
        message.contains("shifted.tif") && message.contains("change.tif"),
        "{message}"
    );
    assert!(message.contains("geotransform"), "{message}");

    let other_crs = write_u8(
        "GTiff",
        &dir.path().join("crs.tif"),
        &TRUTH_BINARY,
        Some(Georef {
            transform: UTM_TRANSFORM,
            epsg: 32650,
        }),
    );
    let truth = PixelTruth::Raster {
        path: other_crs,
        convention: LabelConvention::Binary,
    };
    let message = pixel_scores(&change, &truth).unwrap_err().to_string();
    assert!(message.contains("CRS"), "{message}");

    let small: [&[u8]; 3] = [&[0; 4], &[0; 4], &[0; 4]];
    let bmp = write_u8("BMP", &dir.path().join("small.bmp"), &small, None);
    let truth = PixelTruth::Sampled {
        changed: bmp.clone(),
        unchanged: bmp,
    };
    let message = pixel_scores(&change, &truth).unwrap_err().to_string();
    assert!(
        message.contains("small.bmp") && message.contains("4x3 vs 4x4"),
        "{message}"
    );
}

#[test]
fn bad_values_and_files_are_errors() {
    let dir = TestDir::new("px_bad");
    let mut bad_prediction = PREDICTION;
    bad_prediction[2] = &[3, 7, 0, 0];
    let change = write_u8("GTiff", &dir.path().join("bad.tif"), &bad_prediction, utm());
    let truth_path = write_u8("GTiff", &dir.path().join("truth.tif"), &TRUTH_BINARY, utm());
    let truth = PixelTruth::Raster {
        path: truth_path.clone(),
        convention: LabelConvention::Binary,
    };
    let err = pixel_scores(&change, &truth).unwrap_err();
    assert!(
        matches!(
            err,
            EvalError::InvalidChangeValue {
                value: 7,
                col: 1,
                row: 2,
                ..
            }
        ),
        "{err}"
    );

    let good = write_u8("GTiff", &dir.path().join("change.tif"), &PREDICTION, utm());
    let oscd_on_binary = PixelTruth::Raster {
        path: truth_path,
        convention: LabelConvention::Oscd,
    };
    let err = pixel_scores(&good, &oscd_on_binary).unwrap_err();
    assert!(matches!(err, EvalError::InvalidLabel { .. }), "{err}");

    let missing = PixelTruth::Raster {
        path: dir.path().join("nope.tif"),
        convention: LabelConvention::Binary,
    };
    let err = pixel_scores(&good, &missing).unwrap_err();
    assert!(matches!(err, EvalError::MissingFile { .. }), "{err}");

    let text = dir.write("notes.txt", "not a raster\n");
    let err = pixel_scores(&text, &missing).unwrap_err();
    assert!(matches!(err, EvalError::NotRaster { .. }), "{err}");
    assert!(err.to_string().contains("notes.txt"));
}

#[test]
fn non_byte_change_raster_is_rejected() {
    let dir = TestDir::new("px_type");
    let path = dir.path().join("change16.tif");
    let driver = gdal::DriverManager::get_driver_by_name("GTiff").unwrap();
    let ds = driver
        .create_with_band_type::<u16, _>(&path, 4, 4, 1)
        .unwrap();
    ds.close().unwrap();
    let truth = PixelTruth::Raster {
        path: path.clone(),
        convention: LabelConvention::Binary,
    };
    let err = pixel_scores(&path, &truth).unwrap_err();
    assert!(matches!(err, EvalError::WrongBandType { .. }), "{err}");
}
