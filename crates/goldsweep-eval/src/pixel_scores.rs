//! Pixel-level accuracy of `change.tif` against labelled truth pixels.

use std::path::Path;

use gdal::raster::{GdalDataType, RasterBand};
use serde::Serialize;

use crate::change_codes::{decode_prediction, Prediction};
use crate::confusion::ConfusionMatrix;
use crate::raster_input::{check_same_grid, chunk_rows, first_band, open_raster, read_rows, Grid};
use crate::truth_labels::{decode_label, decode_sample_mark, Label, PixelTruth};
use crate::EvalError;

/// Pixel scores over the labelled truth pixels.
///
/// Prediction: `change.tif` 1..=5 = change, 0 = no change, 255 = masked. Labelled pixels that are
/// masked in the prediction are counted in `excluded_masked` and left out of the confusion matrix,
/// so `tp + fp + tn + fn = labelled − excluded_masked`. Ratios are 0.0 when undefined.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PixelScores {
    /// Truth pixels with a label (change or no change), masked or not.
    pub labelled: u64,
    pub tp: u64,
    pub fp: u64,
    pub tn: u64,
    #[serde(rename = "fn")]
    pub fn_: u64,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Cohen's kappa of the 2 × 2 matrix.
    pub kappa: f64,
    pub overall_accuracy: f64,
    /// Labelled pixels whose prediction is 255 (masked), excluded from the matrix.
    pub excluded_masked: u64,
}

impl PixelScores {
    fn from_tally(tally: &Tally) -> PixelScores {
        let m = &tally.matrix;
        PixelScores {
            labelled: tally.labelled,
            tp: m.tp,
            fp: m.fp,
            tn: m.tn,
            fn_: m.fn_,
            precision: m.precision(),
            recall: m.recall(),
            f1: m.f1(),
            kappa: m.kappa(),
            overall_accuracy: m.overall_accuracy(),
            excluded_masked: tally.excluded_masked,
        }
    }
}

/// Scores `change_tif` against `truth`, reading both in row chunks (memory bounded by the chunk).
///
/// Errors: missing or unreadable files, a `change.tif` band that is not UInt8 or holds values
/// outside 0..=5/255, truth on another grid (see [`PixelTruth`]), undefined truth values.
pub fn pixel_scores(change_tif: &Path, truth: &PixelTruth) -> Result<PixelScores, EvalError> {
    let pred_ds = open_raster(change_tif)?;
    let pred_band = first_band(&pred_ds, change_tif)?;
    if pred_band.band_type() != GdalDataType::UInt8 {
        return Err(EvalError::WrongBandType {
            path: change_tif.to_path_buf(),
            found: pred_band.band_type().name(),
            expected: "UInt8",
        });
    }
    let pred_grid = Grid::of(&pred_ds, change_tif);
    let prediction = PredictionRaster {
        band: pred_band,
        grid: &pred_grid,
    };
    let mut tally = Tally::default();
    match truth {
        PixelTruth::Raster { path, convention } => {
            let ds = open_raster(path)?;
            check_same_grid(&pred_grid, &Grid::of(&ds, path))?;
            let band = first_band(&ds, path)?;
            let nodata = band.no_data_value();
            let mut labels = Vec::<f64>::new();
            prediction.scan(|row0, rows, preds| {
                read_rows(&band, path, pred_grid.width, row0, rows, &mut labels)?;
                let at = |i: usize| (i % pred_grid.width, row0 + i / pred_grid.width);
                for (i, (&p, &v)) in preds.iter().zip(&labels).enumerate() {
                    let label = decode_label(*convention, v, nodata).ok_or_else(|| {
                        let (col, row) = at(i);
                        EvalError::InvalidLabel {
                            path: path.clone(),
                            value: v,
                            col,
                            row,
                            convention: convention.name(),
                        }
                    })?;
                    tally
                        .add(p, label)
                        .map_err(|value| invalid_change(change_tif, value, at(i)))?;
                }
                Ok(())
            })?;
        }
        PixelTruth::Sampled { changed, unchanged } => {
            let changed_ds = open_raster(changed)?;
            check_same_grid(&pred_grid, &Grid::of(&changed_ds, changed))?;
            let unchanged_ds = open_raster(unchanged)?;
            check_same_grid(&pred_grid, &Grid::of(&unchanged_ds, unchanged))?;
            let changed_band = first_band(&changed_ds, changed)?;
            let unchanged_band = first_band(&unchanged_ds, unchanged)?;
            let (mut c_buf, mut u_buf) = (Vec::<f64>::new(), Vec::<f64>::new());
            prediction.scan(|row0, rows, preds| {
                read_rows(
                    &changed_band,
                    changed,
                    pred_grid.width,
                    row0,
                    rows,
                    &mut c_buf,
                )?;
                read_rows(
                    &unchanged_band,
                    unchanged,
                    pred_grid.width,
                    row0,
                    rows,
                    &mut u_buf,
                )?;
                let at = |i: usize| (i % pred_grid.width, row0 + i / pred_grid.width);
                for (i, ((&p, &c), &u)) in preds.iter().zip(&c_buf).zip(&u_buf).enumerate() {
                    let invalid = |path: &Path, value| {
                        let (col, row) = at(i);
                        EvalError::InvalidLabel {
                            path: path.to_path_buf(),
                            value,
                            col,
                            row,
                            convention: "a sample image (255 labelled, 0 unlabelled)",
                        }
                    };
                    let is_change = decode_sample_mark(c).ok_or_else(|| invalid(changed, c))?;
                    let is_no_change =
                        decode_sample_mark(u).ok_or_else(|| invalid(unchanged, u))?;
                    let label = match (is_change, is_no_change) {
                        (true, true) => {
                            let (col, row) = at(i);
                            return Err(EvalError::ConflictingLabels {
                                changed: changed.clone(),
                                unchanged: unchanged.clone(),
                                col,
                                row,
                            });
                        }
                        (true, false) => Label::Change,
                        (false, true) => Label::NoChange,
                        (false, false) => Label::Unlabelled,
                    };
                    tally
                        .add(p, label)
                        .map_err(|value| invalid_change(change_tif, value, at(i)))?;
                }
                Ok(())
            })?;
        }
    }
    Ok(PixelScores::from_tally(&tally))
}

/// Band 1 of `change.tif` with its grid.
struct PredictionRaster<'d, 'g> {
    band: RasterBand<'d>,
    grid: &'g Grid,
}

impl PredictionRaster<'_, '_> {
    /// Calls `visit(row0, rows, values)` for consecutive full-width row chunks, top to bottom.
    fn scan(
        &self,
        mut visit: impl FnMut(usize, usize, &[u8]) -> Result<(), EvalError>,
    ) -> Result<(), EvalError> {
        let step = chunk_rows(self.band.block_size().1, self.grid.width);
        let mut buf = Vec::<u8>::new();
        let mut row0 = 0;
        while row0 < self.grid.height {
            let rows = step.min(self.grid.height - row0);
            read_rows(
                &self.band,
                &self.grid.path,
                self.grid.width,
                row0,
                rows,
                &mut buf,
            )?;
            visit(row0, rows, &buf)?;
            row0 += rows;
        }
        Ok(())
    }
}

/// Running counts while scanning.
#[derive(Default)]
struct Tally {
    labelled: u64,
    excluded_masked: u64,
    matrix: ConfusionMatrix,
}

impl Tally {
    /// Counts one pixel with prediction `value` and truth `label`; `Err(value)` when `value` is not
    /// a `change.tif` code.
    fn add(&mut self, value: u8, label: Label) -> Result<(), u8> {
        let prediction = decode_prediction(value).ok_or(value)?;
        let truth_change = match label {
            Label::Unlabelled => return Ok(()),
            Label::NoChange => false,
            Label::Change => true,
        };
        self.labelled += 1;
        match prediction {
            Prediction::Masked => self.excluded_masked += 1,
            Prediction::Change => self.matrix.add(true, truth_change),
            Prediction::NoChange => self.matrix.add(false, truth_change),
        }
        Ok(())
    }
}

fn invalid_change(change_tif: &Path, value: u8, (col, row): (usize, usize)) -> EvalError {
    EvalError::InvalidChangeValue {
        path: change_tif.to_path_buf(),
        value,
        col,
        row,
    }
}
