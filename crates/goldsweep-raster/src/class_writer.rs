//! The UInt8 change-class raster: a tiled, compressed GeoTIFF written under a temporary name
//! and renamed into place only when complete.

use std::ffi::{c_char, CString};
use std::path::{Path, PathBuf};
use std::ptr;

use gdal::raster::{ColorEntry, ColorTable, PaletteInterpretation, RasterCreationOptions};
use gdal::{Dataset, DriverManager};
use ndarray::ArrayView2;

use crate::error::RasterError;
use crate::grid::{Grid, Window};

/// Block size of the written GeoTIFF (pixels).
pub const CLASS_RASTER_BLOCK: usize = 256;

/// Colours given to categories 0, 1, 2, … (RGBA); category 0 is usually "no change".
const PALETTE: [(i16, i16, i16); 8] = [
    (0, 0, 0),
    (230, 85, 13),
    (49, 130, 189),
    (116, 196, 118),
    (158, 154, 200),
    (253, 208, 162),
    (222, 45, 38),
    (255, 237, 111),
];

/// Writer of a single-band UInt8 class raster on a [`Grid`].
///
/// The file is created as `.<name>.partial` beside the final path (GTiff, `TILED=YES`, 256×256
/// blocks, `COMPRESS=DEFLATE`, no predictor), georeferenced with the grid's CRS and
/// geotransform, with the nodata value, a colour table and the category names. Windows may be
/// written in any order. [`ClassRasterWriter::finish`] builds nearest-neighbour overviews and
/// renames the file (and its `.aux.xml` sidecar holding the category names) onto the final path; a writer dropped without `finish` deletes its
/// temporary file, so a failed run never leaves a complete-looking raster.
pub struct ClassRasterWriter {
    ds: Option<Dataset>,
    grid: Grid,
    temp_path: PathBuf,
    final_path: PathBuf,
}

impl ClassRasterWriter {
    /// Creates the temporary file. `category_names[i]` names class value `i`; `nodata` is
    /// written as the band's nodata value and shown transparent.
    pub fn create(
        final_path: &Path,
        grid: &Grid,
        nodata: u8,
        category_names: &[&str],
    ) -> Result<ClassRasterWriter, RasterError> {
        let temp_path = temp_path_for(final_path)?;
        let driver = DriverManager::get_driver_by_name("GTiff")
            .map_err(|e| RasterError::gdal(final_path, "finding the GTiff driver", &e))?;
        let block = CLASS_RASTER_BLOCK.to_string();
        let options: RasterCreationOptions = [
            "TILED=YES".to_string(),
            format!("BLOCKXSIZE={block}"),
            format!("BLOCKYSIZE={block}"),
            "COMPRESS=DEFLATE".into(),
            "BIGTIFF=IF_SAFER".into(),
        ]
        .into_iter()
        .collect();
        let mut ds = driver
            .create_with_band_type_with_options::<u8, _>(
                &temp_path,
                grid.width,
                grid.height,
                1,
                &options,
            )
            .map_err(|e| RasterError::gdal(&temp_path, "creating the GeoTIFF", &e))?;
        let result = configure(&mut ds, grid, nodata, category_names, &temp_path);
        let writer = ClassRasterWriter {
            ds: Some(ds),
            grid: grid.clone(),
            temp_path,
            final_path: final_path.into(),
        };
        // On error, dropping `writer` removes the temporary file.
        result.map(|()| writer)
    }

    /// Writes `data` (rows × cols = `w.height` × `w.width`) at window `w`.
    pub fn write(&mut self, w: Window, data: ArrayView2<u8>) -> Result<(), RasterError> {
        if !self.grid.contains(w) {
            return Err(RasterError::InvalidWindow {
                path: self.final_path.clone(),
                window: w,
                width: self.grid.width,
                height: self.grid.height,
            });
        }
        if data.dim() != (w.height, w.width) {
            return Err(RasterError::ShapeMismatch {
                path: self.final_path.clone(),
                window: w,
                rows: data.nrows(),
                cols: data.ncols(),
            });
        }
        let temp_path = &self.temp_path;
        let ds = self.ds.as_ref().ok_or_else(|| RasterError::Gdal {
            path: temp_path.clone(),
            operation: "writing",
            message: "the dataset is already closed".into(),
        })?;
        let mut band = ds
            .rasterband(1)
            .map_err(|e| RasterError::gdal(&self.temp_path, "GDALGetRasterBand", &e))?;
        let mut buf = gdal::raster::Buffer::new(
            (w.width, w.height),
            data.iter().copied().collect::<Vec<u8>>(),
        );
        band.write(
            (w.col as isize, w.row as isize),
            (w.width, w.height),
            &mut buf,
        )
        .map_err(|e| RasterError::gdal(&self.temp_path, "writing a window", &e))
    }

    /// Flushes, builds overviews (nearest, factors 2, 4, … while the overview is at least one
    /// block), closes and renames the file onto the final path.
    pub fn finish(mut self) -> Result<(), RasterError> {
        let mut ds = self.ds.take().ok_or_else(|| RasterError::Gdal {
            path: self.temp_path.clone(),
            operation: "finishing",
            message: "the dataset is already closed".into(),
        })?;
        let mut factors = Vec::new();
        let mut f = 2usize;
        while self.grid.width.max(self.grid.height) / f >= CLASS_RASTER_BLOCK {
            factors.push(f as i32);
            f *= 2;
        }
        if !factors.is_empty() {
            ds.build_overviews("NEAREST", &factors, &[])
                .map_err(|e| RasterError::gdal(&self.temp_path, "building overviews", &e))?;
        }
        ds.flush_cache()
            .map_err(|e| RasterError::gdal(&self.temp_path, "flushing", &e))?;
        ds.close()
            .map_err(|e| RasterError::gdal(&self.temp_path, "closing", &e))?;
        // Category names live in the GDAL sidecar (`.aux.xml`): it moves with the raster, and a
        // stale sidecar of an earlier run must not describe the new file.
        let temp_aux = sidecar(&self.temp_path);
        let final_aux = sidecar(&self.final_path);
        if final_aux.exists() {
            std::fs::remove_file(&final_aux).map_err(|source| RasterError::Io {
                path: final_aux.clone(),
                operation: "removing the stale sidecar",
                source,
            })?;
        }
        if temp_aux.exists() {
            std::fs::rename(&temp_aux, &final_aux).map_err(|source| RasterError::Io {
                path: final_aux.clone(),
                operation: "renaming the sidecar into place",
                source,
            })?;
        }
        std::fs::rename(&self.temp_path, &self.final_path).map_err(|source| RasterError::Io {
            path: self.final_path.clone(),
            operation: "renaming the finished raster into place",
            source,
        })
    }
}

impl Drop for ClassRasterWriter {
    fn drop(&mut self) {
        if let Some(ds) = self.ds.take() {
            drop(ds);
            let _ = std::fs::remove_file(&self.temp_path);
            let _ = std::fs::remove_file(sidecar(&self.temp_path));
        }
    }
}

/// The GDAL PAM sidecar of `path` (`path.aux.xml`).
fn sidecar(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".aux.xml");
    PathBuf::from(s)
}

/// `dir/.name.partial` for `dir/name`.
fn temp_path_for(final_path: &Path) -> Result<PathBuf, RasterError> {
    let name = final_path
        .file_name()
        .ok_or_else(|| RasterError::Io {
            path: final_path.into(),
            operation: "choosing a temporary name",
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "no file name"),
        })?
        .to_string_lossy();
    Ok(final_path.with_file_name(format!(".{name}.partial")))
}

fn configure(
    ds: &mut Dataset,
    grid: &Grid,
    nodata: u8,
    category_names: &[&str],
    path: &Path,
) -> Result<(), RasterError> {
    ds.set_projection(&grid.crs_wkt)
        .map_err(|e| RasterError::gdal(path, "setting the CRS", &e))?;
    ds.set_geo_transform(&grid.geo_transform)
        .map_err(|e| RasterError::gdal(path, "setting the geotransform", &e))?;
    let mut band = ds
        .rasterband(1)
        .map_err(|e| RasterError::gdal(path, "GDALGetRasterBand", &e))?;
    band.set_no_data_value(Some(f64::from(nodata)))
        .map_err(|e| RasterError::gdal(path, "setting nodata", &e))?;

    let mut table = ColorTable::new(PaletteInterpretation::Rgba);
    for i in 0..category_names.len().min(256) {
        let (r, g, b) = PALETTE[i % PALETTE.len()];
        table.set_color_entry(i as u16, &ColorEntry::rgba(r, g, b, 255));
    }
    table.set_color_entry(u16::from(nodata), &ColorEntry::rgba(0, 0, 0, 0));
    band.set_color_table(&table);

    if !category_names.is_empty() {
        set_category_names(ds, category_names, path)?;
    }
    Ok(())
}

/// Sets the band's category names (`GDALSetRasterCategoryNames`), which the gdal crate does not wrap.
fn set_category_names(ds: &Dataset, names: &[&str], path: &Path) -> Result<(), RasterError> {
    let c_names = names
        .iter()
        .map(|n| CString::new(*n))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| RasterError::Gdal {
            path: path.into(),
            operation: "setting category names",
            message: "a category name contains a NUL byte".into(),
        })?;
    let mut list: Vec<*mut c_char> = c_names
        .iter()
        .map(|c| c.as_ptr() as *mut c_char)
        .chain(std::iter::once(ptr::null_mut()))
        .collect();
    // SAFETY: the dataset handle is valid while `ds` lives; band 1 exists (created above);
    // `list` is a NULL-terminated array of NUL-terminated strings that GDAL copies.
    let err = unsafe {
        let band = gdal_sys::GDALGetRasterBand(ds.c_dataset(), 1);
        if band.is_null() {
            gdal_sys::CPLErr::CE_Failure
        } else {
            gdal_sys::GDALSetRasterCategoryNames(band, list.as_mut_ptr())
        }
    };
    if err == gdal_sys::CPLErr::CE_None {
        Ok(())
    } else {
        Err(RasterError::Gdal {
            path: path.into(),
            operation: "setting category names",
            message: "GDALSetRasterCategoryNames failed".into(),
        })
    }
}
