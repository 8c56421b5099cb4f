//! Checks on the public data in ../shared/data; each test skips with a message when it is absent.

mod common;

use common::{shared_data, write_u8_flat, TestDir};
use goldsweep_eval::{pixel_scores, LabelConvention, PixelTruth};

#[test]
fn taizhou_samples_against_an_all_zero_prediction() {
    let Some(taizhou) = shared_data("taizhou") else {
        return;
    };
    let dir = TestDir::new("real_taizhou");
    let change = write_u8_flat(
        "GTiff",
        &dir.path().join("change.tif"),
        400,
        400,
        vec![0; 400 * 400],
        None,
    );
    let truth = PixelTruth::Sampled {
        changed: taizhou.join("change.bmp"),
        unchanged: taizhou.join("unchanged.bmp"),
    };
    let s = pixel_scores(&change, &truth).unwrap();
    assert_eq!(s.tn, 17163);
    assert_eq!(s.fn_, 4227);
    assert_eq!((s.tp, s.fp, s.excluded_masked), (0, 0, 0));
    assert_eq!(s.labelled, 17163 + 4227);
    assert_eq!(s.recall, 0.0);
    assert_eq!(s.kappa, 0.0);
}

#[test]
fn oscd_label_raster_reads_with_its_convention() {
    let Some(rennes) = shared_data("oscd/rennes") else {
        return;
    };
    let labels = rennes.join("rennes-cm.tif");
    let dataset = gdal::Dataset::open(&labels).unwrap();
    let (width, height) = dataset.raster_size();
    let dir = TestDir::new("real_oscd");
    // Predict change everywhere: every labelled pixel is then tp or fp.
    let change = write_u8_flat(
        "GTiff",
        &dir.path().join("change.tif"),
        width,
        height,
        vec![1; width * height],
        None,
    );
    let truth = PixelTruth::Raster {
        path: labels,
        convention: LabelConvention::Oscd,
    };
    let s = pixel_scores(&change, &truth).unwrap();
    assert_eq!(s.labelled, s.tp + s.fp);
    assert!(s.tp > 0 && s.fp > s.tp, "OSCD change is a minority: {s:?}");
    assert_eq!(s.recall, 1.0);
}
