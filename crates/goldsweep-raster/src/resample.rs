//! A whole scene's reflectance resampled onto another grid, in memory.

use std::path::Path;

use gdal::raster::Buffer;
use goldsweep_detect::BandRole;

use crate::error::RasterError;
use crate::grid::Grid;
use crate::scene::{open_raster, Scene};
use crate::warp_vrt::{warp_onto_grid, Resampling};

impl Scene {
    /// Reflectance of every role band, in [`Scene::bands`] order, resampled bilinearly onto
    /// `target` through GDAL's warper; each band row-major, `target.width × target.height`
    /// values, NaN where the pixel is invalid: outside the scene's footprint, a band at its
    /// nodata value or not finite, or every band stored as 0 (fill). Quality bands and masks
    /// are not applied.
    ///
    /// Errors name the scene: the warp or a read failing.
    pub fn reflectance_on(&self, target: &Grid) -> Result<Vec<(BandRole, Vec<f32>)>, RasterError> {
        let stack = open_raster(Path::new(self.stack().path()))?;
        let bands = stack.raster_count();
        let warped = warp_onto_grid(self.path(), &stack, target, Resampling::Bilinear, true)?;
        let ds = open_raster(Path::new(warped.path()))?;
        let size = (target.width, target.height);
        let read = |band: usize| -> Result<Vec<f32>, RasterError> {
            let rb = ds
                .rasterband(band)
                .map_err(|e| RasterError::gdal(self.path(), "GDALGetRasterBand", &e))?;
            let buf: Buffer<f32> = rb
                .read_as::<f32>((0, 0), size, size, None)
                .map_err(|e| RasterError::gdal(self.path(), "GDALRasterIO", &e))?;
            Ok(buf.into_shape_and_vec().1)
        };
        let alpha = read(bands + 1)?;
        let mut valid: Vec<bool> = alpha.iter().map(|&a| a > 0.0).collect();
        let mut nonzero = vec![false; valid.len()];
        let mut out = Vec::with_capacity(bands);
        for (k, info) in self.band_info().iter().enumerate() {
            let mut values = read(k + 1)?;
            let nodata = info.nodata.map_or(f32::NAN, |v| v as f32);
            let (scale, offset) = (info.radiometry.scale, info.radiometry.offset);
            for ((v, ok), nz) in values
                .iter_mut()
                .zip(valid.iter_mut())
                .zip(nonzero.iter_mut())
            {
                *ok &= v.is_finite() && *v != nodata;
                *nz |= *v != 0.0;
                *v = (f64::from(*v) * scale + offset) as f32;
            }
            out.push((info.role, values));
        }
        for (i, (ok, nz)) in valid.iter().zip(nonzero.iter()).enumerate() {
            if !(*ok && *nz) {
                for (_, values) in out.iter_mut() {
                    values[i] = f32::NAN;
                }
            }
        }
        Ok(out)
    }
}
