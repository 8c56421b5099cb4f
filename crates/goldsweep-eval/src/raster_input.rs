//! Opening rasters, describing their pixel grid, and reading them in bounded row chunks.

use std::path::{Path, PathBuf};

use gdal::raster::{GdalType, RasterBand};
use gdal::spatial_ref::SpatialRef;
use gdal::{Dataset, DatasetOptions, GdalOpenFlags, GeoTransform};

use crate::EvalError;

/// Upper bound on pixels held per chunk of rows (per raster), so memory does not grow with the scene.
const CHUNK_PIXELS: usize = 1 << 20;

/// Relative tolerance when comparing two geotransforms.
const TRANSFORM_TOLERANCE: f64 = 1e-6;

/// Fails with [`EvalError::MissingFile`] unless `path` exists. GDAL virtual paths (`/vsi…`) are
/// left for GDAL to judge.
pub(crate) fn ensure_exists(path: &Path) -> Result<(), EvalError> {
    if path.to_string_lossy().starts_with("/vsi") {
        return Ok(());
    }
    if path.exists() {
        Ok(())
    } else {
        Err(EvalError::MissingFile {
            path: path.to_path_buf(),
        })
    }
}

/// Opens `path` read-only as a raster with at least one band.
pub(crate) fn open_raster(path: &Path) -> Result<Dataset, EvalError> {
    ensure_exists(path)?;
    let options = DatasetOptions {
        open_flags: GdalOpenFlags::GDAL_OF_RASTER | GdalOpenFlags::GDAL_OF_READONLY,
        ..Default::default()
    };
    let dataset = Dataset::open_ex(path, options).map_err(|e| EvalError::NotRaster {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })?;
    if dataset.raster_count() == 0 {
        return Err(EvalError::NotRaster {
            path: path.to_path_buf(),
            detail: "no raster bands".to_string(),
        });
    }
    Ok(dataset)
}

/// Band 1 of an opened raster.
pub(crate) fn first_band<'d>(
    dataset: &'d Dataset,
    path: &Path,
) -> Result<RasterBand<'d>, EvalError> {
    dataset.rasterband(1).map_err(|source| EvalError::Gdal {
        path: path.to_path_buf(),
        operation: "opening band 1",
        source,
    })
}

/// Size and georeferencing of a raster.
pub(crate) struct Grid {
    pub path: PathBuf,
    pub width: usize,
    pub height: usize,
    /// `None` when the file has no geotransform (e.g. a plain BMP).
    pub geo_transform: Option<GeoTransform>,
    /// `None` when the file has no CRS.
    pub srs: Option<SpatialRef>,
}

impl Grid {
    /// Reads the grid of an opened raster.
    pub(crate) fn of(dataset: &Dataset, path: &Path) -> Grid {
        let (width, height) = dataset.raster_size();
        Grid {
            path: path.to_path_buf(),
            width,
            height,
            geo_transform: dataset.geo_transform().ok(),
            srs: dataset
                .spatial_ref()
                .ok()
                .filter(|srs| srs.to_wkt().is_ok_and(|wkt| !wkt.is_empty())),
        }
    }
}

/// Checks that `truth` lies on the pixel grid of `prediction`.
///
/// Sizes must always be equal. When the truth has a geotransform, the prediction must have one too
/// and each of the six coefficients must agree within 1e-6 relative to the largest of the two values
/// and the pixel size (so zero rotation terms are compared against the pixel size). When both have
/// a CRS, the CRSs must be the same (`OSRIsSame`). A truth with no georeferencing (BMP) is checked on
/// size alone.
pub(crate) fn check_same_grid(prediction: &Grid, truth: &Grid) -> Result<(), EvalError> {
    let mismatch = |detail: String| EvalError::GridMismatch {
        prediction: prediction.path.clone(),
        truth: truth.path.clone(),
        detail,
    };
    if (prediction.width, prediction.height) != (truth.width, truth.height) {
        return Err(mismatch(format!(
            "size {}x{} vs {}x{}",
            truth.width, truth.height, prediction.width, prediction.height
        )));
    }
    let Some(truth_gt) = truth.geo_transform else {
        return Ok(());
    };
    let Some(pred_gt) = prediction.geo_transform else {
        return Err(mismatch(
            "truth is georeferenced but the prediction has no geotransform".to_string(),
        ));
    };
    if !transforms_match(&pred_gt, &truth_gt) {
        return Err(mismatch(format!(
            "geotransform {truth_gt:?} vs {pred_gt:?}"
        )));
    }
    match (&prediction.srs, &truth.srs) {
        (Some(p), Some(t)) if p != t => Err(mismatch("different CRS".to_string())),
        (None, Some(_)) => Err(mismatch(
            "truth has a CRS but the prediction has none".to_string(),
        )),
        _ => Ok(()),
    }
}

/// Coefficient-wise comparison of two geotransforms, see [`check_same_grid`].
pub(crate) fn transforms_match(a: &GeoTransform, b: &GeoTransform) -> bool {
    let pixel = a[1].abs().max(a[5].abs()).max(b[1].abs()).max(b[5].abs());
    a.iter().zip(b.iter()).all(|(x, y)| {
        let scale = x.abs().max(y.abs()).max(pixel);
        (x - y).abs() <= TRANSFORM_TOLERANCE * scale
    })
}

/// Rows per chunk: a multiple of the block height holding at most about [`CHUNK_PIXELS`] pixels
/// (at least one block row).
pub(crate) fn chunk_rows(block_height: usize, width: usize) -> usize {
    let block_height = block_height.max(1);
    let max_rows = (CHUNK_PIXELS / width.max(1)).max(1);
    let blocks = (max_rows / block_height).max(1);
    blocks * block_height
}

/// Reads rows `row0 .. row0 + rows` of `band` (full width) into `buf`, resized as needed.
pub(crate) fn read_rows<T: GdalType + Copy + Default>(
    band: &RasterBand<'_>,
    path: &Path,
    width: usize,
    row0: usize,
    rows: usize,
    buf: &mut Vec<T>,
) -> Result<(), EvalError> {
    buf.resize(width * rows, T::default());
    let row0 = isize::try_from(row0).map_err(|_| EvalError::NotRaster {
        path: path.to_path_buf(),
        detail: "raster too tall".to_string(),
    })?;
    band.read_into_slice((0, row0), (width, rows), (width, rows), buf, None)
        .map_err(|source| EvalError::Gdal {
            path: path.to_path_buf(),
            operation: "reading pixels",
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_rows_respects_blocks_and_budget() {
        assert_eq!(chunk_rows(1, 400), CHUNK_PIXELS / 400);
        assert_eq!(chunk_rows(256, 10980) % 256, 0);
        assert!(chunk_rows(256, 10980) * 10980 <= CHUNK_PIXELS.max(256 * 10980));
        assert_eq!(chunk_rows(0, 0), CHUNK_PIXELS);
    }

    #[test]
    fn transforms_compare_relative() {
        let a = [500000.0, 10.0, 0.0, 4100000.0, 0.0, -10.0];
        let mut b = a;
        b[0] += 0.1; // 2e-7 relative
        assert!(transforms_match(&a, &b));
        b[0] += 10.0;
        assert!(!transforms_match(&a, &b));
        let mut c = a;
        c[2] = 1e-3; // rotation vs 10 m pixel: 1e-4 relative
        assert!(!transforms_match(&a, &c));
    }
}
