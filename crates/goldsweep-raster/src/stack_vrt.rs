//! Band stacks as VRTs in `/vsimem/`: the role bands of a scene, in canonical role order, as one dataset.

use std::path::Path;
use std::sync::Arc;

use gdal::programs::raster::{build_vrt, BuildVRTOptions};
use gdal::Dataset;

use crate::error::RasterError;
use crate::grid::Grid;
use crate::vsimem::{unique_path, VsiMemFile};

/// Builds a VRT holding bands `bands` (1-based, in this order) of one dataset.
///
/// `scene` names the input in errors.
pub(crate) fn stack_file_bands(
    scene: &Path,
    ds: &Dataset,
    bands: &[usize],
) -> Result<Arc<VsiMemFile>, RasterError> {
    let mut args: Vec<String> = Vec::new();
    for b in bands {
        args.push("-b".into());
        args.push(b.to_string());
    }
    run_build_vrt(scene, std::slice::from_ref(ds), args)
}

/// Builds a VRT with the first band of each dataset as a separate band, resampled onto `grid`
/// (bilinear for coarser bands; bands that already sit on `grid` are copied pixel for pixel).
///
/// All datasets must share `grid`'s CRS.
pub(crate) fn stack_separate_files(
    scene: &Path,
    datasets: &[Dataset],
    grid: &Grid,
) -> Result<Arc<VsiMemFile>, RasterError> {
    let (min_x, min_y, max_x, max_y) = grid.bounds();
    let (res_x, res_y) = grid.pixel_size();
    let args: Vec<String> = [
        "-separate".to_string(),
        "-te".into(),
        min_x.to_string(),
        min_y.to_string(),
        max_x.to_string(),
        max_y.to_string(),
        "-tr".into(),
        res_x.to_string(),
        res_y.to_string(),
        "-r".into(),
        "bilinear".into(),
    ]
    .into();
    run_build_vrt(scene, datasets, args)
}

fn run_build_vrt(
    scene: &Path,
    datasets: &[Dataset],
    args: Vec<String>,
) -> Result<Arc<VsiMemFile>, RasterError> {
    let file = VsiMemFile::adopt(unique_path("stack", "vrt"));
    let options = BuildVRTOptions::new(args)
        .map_err(|e| RasterError::gdal(scene, "GDALBuildVRTOptionsNew", &e))?;
    let out = build_vrt(Some(Path::new(file.path())), datasets, Some(options))
        .map_err(|e| RasterError::gdal(scene, "GDALBuildVRT", &e))?;
    out.close()
        .map_err(|e| RasterError::gdal(scene, "GDALBuildVRT (writing the VRT)", &e))?;
    Ok(Arc::new(file))
}
