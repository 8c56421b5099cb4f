//! Reading several bands of one window in a single GDAL call.
//!
//! `GDALDatasetRasterIO` with a band list lets the driver walk its own block layout once for
//! all bands: a pixel-interleaved GeoTIFF decodes each compressed tile once and scatters its
//! bands, instead of once per band read (or once per band through a VRT source).

use std::ffi::c_int;
use std::path::Path;

use gdal::raster::GdalType;
use gdal::Dataset;
use ndarray::ArrayViewMut3;

use crate::error::RasterError;
use crate::grid::Window;

/// Reads `bands` (1-based, in this order) of window `w` of `ds` as `T` into `out`, shaped
/// `(band, row, col)`: `out[[b, r, c]]` is band `bands[b]` at scene pixel `(w.row + r, w.col + c)`.
///
/// `out` may be any view with non-negative strides (for example some rows of a larger tile):
/// GDAL writes straight into it with the view's pixel, line and band spacing. Values are
/// converted from the stored type by GDAL (a plain copy when `T` is the stored type), unscaled. `path` names the file in errors.
///
/// Errors: `out` is not `bands.len() × w.height × w.width`, a band index does not fit a C int,
/// the window or a stride does not fit the C API, or GDAL fails to read (`GDALDatasetRasterIO`).
pub(crate) fn read_bands<T: GdalType>(
    ds: &Dataset,
    bands: &[usize],
    w: Window,
    mut out: ArrayViewMut3<T>,
    path: &Path,
) -> Result<(), RasterError> {
    let fail = |message: String| RasterError::Gdal {
        path: path.into(),
        operation: "GDALDatasetRasterIO",
        message,
    };
    if out.dim() != (bands.len(), w.height, w.width) {
        return Err(fail(format!(
            "buffer of shape {:?} for {} bands of a {}x{} window",
            out.dim(),
            bands.len(),
            w.width,
            w.height
        )));
    }
    if out.is_empty() {
        return Ok(());
    }
    let to_int = |v: usize, what: &str| {
        c_int::try_from(v).map_err(|_| fail(format!("{what} {v} does not fit a C int")))
    };
    let mut band_map = bands
        .iter()
        .map(|&b| to_int(b, "band"))
        .collect::<Result<Vec<c_int>, _>>()?;
    let (x, y) = (to_int(w.col, "column")?, to_int(w.row, "row")?);
    let (nx, ny) = (to_int(w.width, "width")?, to_int(w.height, "height")?);
    let n_bands = to_int(bands.len(), "band count")?;
    let value = std::mem::size_of::<T>() as i64;
    let spacing = |stride: isize| -> Result<i64, RasterError> {
        if stride < 0 {
            return Err(fail(format!("negative stride {stride}")));
        }
        i64::try_from(stride)
            .ok()
            .and_then(|s| s.checked_mul(value))
            .ok_or_else(|| fail(format!("stride {stride} does not fit the C API")))
    };
    let strides = out.strides();
    let (band_space, line_space, pixel_space) = (
        spacing(strides[0])?,
        spacing(strides[1])?,
        spacing(strides[2])?,
    );
    // SAFETY: `ds` owns a valid dataset handle for the duration of the call. `out` is a view of
    // exactly `bands × ny × nx` elements of `T` (whose GDAL type is passed) with non-negative strides, and GDAL writes element
    // (b, y, x) at `ptr + b * band_space + y * line_space + x * pixel_space` bytes, which is that
    // element's address in the view; the view borrows the memory mutably for the call.
    // `band_map` outlives the call and holds `n_bands` entries.
    let err = unsafe {
        gdal_sys::GDALDatasetRasterIOEx(
            ds.c_dataset(),
            gdal_sys::GDALRWFlag::GF_Read,
            x,
            y,
            nx,
            ny,
            out.as_mut_ptr().cast(),
            nx,
            ny,
            T::gdal_ordinal(),
            n_bands,
            band_map.as_mut_ptr(),
            pixel_space,
            line_space,
            band_space,
            std::ptr::null_mut(),
        )
    };
    if err == gdal_sys::CPLErr::CE_None {
        Ok(())
    } else {
        Err(fail(last_gdal_message()))
    }
}

/// GDAL's last error message on this thread, on one line.
fn last_gdal_message() -> String {
    // SAFETY: CPLGetLastErrorMsg returns a pointer to a thread-local, NUL-terminated buffer
    // that stays valid until the next CPL call on this thread; it is copied at once.
    let text = unsafe {
        let p = gdal_sys::CPLGetLastErrorMsg();
        if p.is_null() {
            String::new()
        } else {
            std::ffi::CStr::from_ptr(p).to_string_lossy().into_owned()
        }
    };
    if text.trim().is_empty() {
        "read failed".to_string()
    } else {
        crate::error::one_line(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gdal::DriverManager;
    use ndarray::{s, Array3};

    /// A 3-band 40 x 30 UInt16 GeoTIFF, pixel-interleaved, tiled 16 x 16, DEFLATE; band b at
    /// (row, col) holds `1000 b + 40 row + col`.
    fn fixture(dir: &Path) -> std::path::PathBuf {
        let path = dir.join("stack.tif");
        let driver = DriverManager::get_driver_by_name("GTiff").unwrap();
        let options = gdal::raster::RasterCreationOptions::from_iter([
            "TILED=YES",
            "BLOCKXSIZE=16",
            "BLOCKYSIZE=16",
            "COMPRESS=DEFLATE",
            "INTERLEAVE=PIXEL",
        ]);
        let ds = driver
            .create_with_band_type_with_options::<u16, _>(&path, 40, 30, 3, &options)
            .unwrap();
        for b in 1..=3usize {
            let data: Vec<u16> = (0..30 * 40)
                .map(|i| (1000 * b + 40 * (i / 40) + i % 40) as u16)
                .collect();
            let mut buf = gdal::raster::Buffer::new((40, 30), data);
            ds.rasterband(b)
                .unwrap()
                .write((0, 0), (40, 30), &mut buf)
                .unwrap();
        }
        ds.close().unwrap();
        path
    }

    #[test]
    fn reads_the_bands_asked_for_in_order_across_blocks() {
        let dir = tempfile::tempdir().unwrap();
        let path = fixture(dir.path());
        let ds = Dataset::open(&path).unwrap();
        let w = Window {
            col: 14,
            row: 13,
            width: 5,
            height: 4,
        };
        let mut out = Array3::<f32>::zeros((2, 4, 5));
        read_bands(&ds, &[3, 1], w, out.view_mut(), &path).unwrap();
        assert_eq!(out[[0, 0, 0]], (3000 + 40 * 13 + 14) as f32);
        assert_eq!(out[[0, 3, 4]], (3000 + 40 * 16 + 18) as f32);
        assert_eq!(out[[1, 2, 1]], (1000 + 40 * 15 + 15) as f32);
    }

    #[test]
    fn writes_into_some_rows_of_a_larger_tile_and_nowhere_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = fixture(dir.path());
        let ds = Dataset::open(&path).unwrap();
        let mut tile = Array3::<f32>::from_elem((2, 6, 5), -1.0);
        let w = Window {
            col: 14,
            row: 15,
            width: 5,
            height: 3,
        };
        read_bands(&ds, &[1, 2], w, tile.slice_mut(s![.., 2..5, ..]), &path).unwrap();
        for b in 0..2 {
            for r in 0..6 {
                for c in 0..5 {
                    let want = if (2..5).contains(&r) {
                        (1000 * (b + 1) + 40 * (13 + r) + 14 + c) as f32
                    } else {
                        -1.0
                    };
                    assert_eq!(tile[[b, r, c]], want, "band {b} row {r} col {c}");
                }
            }
        }
    }

    #[test]
    fn reads_the_stored_type_unconverted() {
        let dir = tempfile::tempdir().unwrap();
        let path = fixture(dir.path());
        let ds = Dataset::open(&path).unwrap();
        let mut out = Array3::<u16>::zeros((1, 2, 3));
        read_bands(&ds, &[2], Window::new(37, 28, 3, 2), out.view_mut(), &path).unwrap();
        assert_eq!(out[[0, 1, 2]], (2000 + 40 * 29 + 39) as u16);
    }

    #[test]
    fn a_wrong_buffer_or_a_missing_band_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = fixture(dir.path());
        let ds = Dataset::open(&path).unwrap();
        let w = Window {
            col: 0,
            row: 0,
            width: 4,
            height: 4,
        };
        let mut short = Array3::<f32>::zeros((1, 3, 4));
        let e = read_bands(&ds, &[1], w, short.view_mut(), &path).unwrap_err();
        assert!(e.to_string().contains("stack.tif"), "{e}");
        let mut out = Array3::<f32>::zeros((1, 4, 4));
        let e = read_bands(&ds, &[4], w, out.view_mut(), &path).unwrap_err();
        assert!(e.to_string().contains("stack.tif"), "{e}");
    }
}
