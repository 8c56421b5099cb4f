//! Per-worker reading of aligned windows from a scene pair.

use std::path::Path;
use std::sync::Arc;

use gdal::Dataset;
use goldsweep_detect::TileData;
use ndarray::{Array2, Array3, ArrayViewMut2, Axis, Zip};

use crate::error::RasterError;
use crate::grid::Window;
use crate::pair::{DatePlan, PairPlan};
use crate::scene::open_raster;
use crate::sensor::QaKind;

/// GDAL handles for reading both dates of a [`crate::ScenePair`].
///
/// Owns its `Dataset`s: `Send` (move it into a worker) but not `Sync` (GDAL datasets must not be
/// used from two threads at once). Create one per worker with [`crate::ScenePair::reader`];
/// each reader opens its own handles on the pair's process-global `/vsimem/` VRTs.
pub struct PairReader {
    plan: Arc<PairPlan>,
    dates: [OpenDate; 2],
}

struct OpenDate {
    stack: Dataset,
    qa: Option<(Dataset, usize, QaKind)>,
    mask: Option<(Dataset, usize, Option<f64>)>,
}

impl PairReader {
    pub(crate) fn open(plan: Arc<PairPlan>) -> Result<PairReader, RasterError> {
        let before = open_date(&plan.dates[0])?;
        let after = open_date(&plan.dates[1])?;
        Ok(PairReader {
            plan,
            dates: [before, after],
        })
    }

    /// Reads window `w` of both dates on the pair grid.
    ///
    /// Values are reflectance (`stored * scale + offset`, f32), shape `(band, row, col)` in the
    /// pair's [`goldsweep_detect::BandSet`] order. `valid` is `false` where, in either date, a band
    /// equals its nodata value or is NaN/infinite, the pixel lies outside the after scene's
    /// footprint, the quality band flags it, or the mask is non-zero (and not the mask's nodata).
    /// Invalid pixels keep whatever value was read.
    ///
    /// Errors: the window is empty or not inside the grid; GDAL fails to read.
    pub fn read(&mut self, w: Window) -> Result<TileData, RasterError> {
        let grid = self.plan.before.grid();
        if !grid.contains(w) {
            return Err(RasterError::InvalidWindow {
                path: self.plan.before.path().into(),
                window: w,
                width: grid.width,
                height: grid.height,
            });
        }
        let n = self.plan.bands.len();
        let mut before = Array3::<f32>::zeros((n, w.height, w.width));
        let mut after = Array3::<f32>::zeros((n, w.height, w.width));
        let mut valid = Array2::<bool>::from_elem((w.height, w.width), true);
        read_date(
            &self.plan.dates[0],
            &self.dates[0],
            w,
            &mut before,
            &mut valid,
        )?;
        read_date(
            &self.plan.dates[1],
            &self.dates[1],
            w,
            &mut after,
            &mut valid,
        )?;
        Ok(TileData {
            before,
            after,
            valid,
        })
    }
}

fn open_date(plan: &DatePlan) -> Result<OpenDate, RasterError> {
    let stack = open_raster(Path::new(&plan.stack.path))?;
    let qa = match &plan.qa {
        Some((layer, band, kind)) => Some((open_raster(Path::new(&layer.path))?, *band, *kind)),
        None => None,
    };
    let mask = match &plan.mask {
        Some((layer, band, nodata)) => Some((open_raster(Path::new(&layer.path))?, *band, *nodata)),
        None => None,
    };
    Ok(OpenDate { stack, qa, mask })
}

fn read_date(
    plan: &DatePlan,
    open: &OpenDate,
    w: Window,
    out: &mut Array3<f32>,
    valid: &mut Array2<bool>,
) -> Result<(), RasterError> {
    // A pixel stored as exactly 0 in every band is fill, whatever nodata value the header
    // declares (many products mask clouds and swath edges with 0 but declare another nodata).
    let mut any_nonzero = Array2::<bool>::from_elem(valid.dim(), false);
    for (k, &band) in plan.stack_bands.iter().enumerate() {
        let mut slab = out.index_axis_mut(Axis(0), k);
        read_band_into(&open.stack, band, w, &mut slab, &plan.scene)?;
        let (nodata, scale, offset) = plan.radiometry[k];
        let nodata = nodata.map(|v| v as f32);
        Zip::from(valid.view_mut())
            .and(&mut any_nonzero)
            .and(&mut slab)
            .for_each(|ok, nz, v| {
                if !v.is_finite() || Some(*v) == nodata {
                    *ok = false;
                }
                *nz |= *v != 0.0;
                *v = (f64::from(*v) * scale + offset) as f32;
            });
    }
    Zip::from(valid.view_mut())
        .and(&any_nonzero)
        .for_each(|ok, &nz| *ok &= nz);
    if let Some(alpha) = plan.alpha_band {
        let a = read_band::<u8>(&open.stack, alpha, w, &plan.scene)?;
        Zip::from(valid.view_mut()).and(&a).for_each(|ok, &a| {
            if a < 128 {
                *ok = false;
            }
        });
    }
    if let Some((ds, band, kind)) = &open.qa {
        let q = read_band::<u16>(ds, *band, w, &plan.scene)?;
        Zip::from(valid.view_mut()).and(&q).for_each(|ok, &q| {
            if kind.is_invalid(q) {
                *ok = false;
            }
        });
    }
    if let Some((ds, band, nodata)) = &open.mask {
        let m = read_band::<f64>(ds, *band, w, &plan.scene)?;
        Zip::from(valid.view_mut()).and(&m).for_each(|ok, &m| {
            let is_nodata = nodata.is_some_and(|nd| nd == m || (nd.is_nan() && m.is_nan()));
            if m != 0.0 && !is_nodata {
                *ok = false;
            }
        });
    }
    Ok(())
}

fn read_band_into(
    ds: &Dataset,
    band: usize,
    w: Window,
    out: &mut ArrayViewMut2<f32>,
    scene: &Path,
) -> Result<(), RasterError> {
    let rb = ds
        .rasterband(band)
        .map_err(|e| RasterError::gdal(scene, "GDALGetRasterBand", &e))?;
    let size = (w.width, w.height);
    let offset = (w.col as isize, w.row as isize);
    match out.as_slice_mut() {
        Some(slice) => rb
            .read_into_slice::<f32>(offset, size, size, slice, None)
            .map_err(|e| RasterError::gdal(scene, "GDALRasterIO", &e)),
        None => {
            let buf = rb
                .read_as::<f32>(offset, size, size, None)
                .map_err(|e| RasterError::gdal(scene, "GDALRasterIO", &e))?;
            let arr = buf
                .to_array()
                .map_err(|e| RasterError::gdal(scene, "GDALRasterIO", &e))?;
            out.assign(&arr);
            Ok(())
        }
    }
}

fn read_band<T: Copy + gdal::raster::GdalType>(
    ds: &Dataset,
    band: usize,
    w: Window,
    scene: &Path,
) -> Result<Array2<T>, RasterError> {
    let rb = ds
        .rasterband(band)
        .map_err(|e| RasterError::gdal(scene, "GDALGetRasterBand", &e))?;
    let size = (w.width, w.height);
    rb.read_as::<T>((w.col as isize, w.row as isize), size, size, None)
        .and_then(|b| b.to_array())
        .map_err(|e| RasterError::gdal(scene, "GDALRasterIO", &e))
}
