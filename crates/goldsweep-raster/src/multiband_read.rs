//! Reading several bands of one window in a single GDAL call.
//!
//! `GDALDatasetRasterIO` with a band list lets the driver walk its own block layout once for
//! all bands: a pixel-interleaved GeoTIFF decodes each compressed tile once and scatters its
//! bands, instead of once per band read (or once per band through a VRT source).

use std::ffi::c_int;
use std::path::Path;

use gdal::Dataset;

use crate::error::RasterError;
use crate::grid::Window;

/// Reads `bands` (1-based, in this order) of window `w` of `ds` as f32 into `out`, band after
/// band: `out[b * w.height * w.width + row * w.width + col]`.
///
/// Values are converted from the stored type by GDAL, unscaled. `path` names the file in errors.
///
/// Errors: `out` is not `bands.len() × w.height × w.width` long, a band index does not fit a C
/// int, the window does not fit the C API, or GDAL fails to read (`GDALDatasetRasterIO`).
pub(crate) fn read_bands_f32(
    ds: &Dataset,
    bands: &[usize],
    w: Window,
    out: &mut [f32],
    path: &Path,
) -> Result<(), RasterError> {
    let fail = |message: String| RasterError::Gdal {
        path: path.into(),
        operation: "GDALDatasetRasterIO",
        message,
    };
    let plane = w.width * w.height;
    if out.len() != bands.len() * plane {
        return Err(fail(format!(
            "buffer of {} values for {} bands of a {}x{} window",
            out.len(),
            bands.len(),
            w.width,
            w.height
        )));
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
    let value = std::mem::size_of::<f32>() as i64;
    // SAFETY: `ds` owns a valid dataset handle for the duration of the call; `out` holds exactly
    // `bands × ny × nx` f32 values laid out with the pixel/line/band spacings passed, so GDAL
    // writes only inside it; `band_map` outlives the call and holds `n_bands` entries.
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
            gdal_sys::GDALDataType::GDT_Float32,
            n_bands,
            band_map.as_mut_ptr(),
            value,
            value * w.width as i64,
            value * plane as i64,
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
        let mut out = vec![0.0f32; 2 * 20];
        read_bands_f32(&ds, &[3, 1], w, &mut out, &path).unwrap();
        let at = |b: usize, r: usize, c: usize| out[b * 20 + r * 5 + c];
        assert_eq!(at(0, 0, 0), (3000 + 40 * 13 + 14) as f32);
        assert_eq!(at(0, 3, 4), (3000 + 40 * 16 + 18) as f32);
        assert_eq!(at(1, 2, 1), (1000 + 40 * 15 + 15) as f32);
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
        let mut short = vec![0.0f32; 15];
        let e = read_bands_f32(&ds, &[1], w, &mut short, &path).unwrap_err();
        assert!(e.to_string().contains("stack.tif"), "{e}");
        let mut out = vec![0.0f32; 16];
        let e = read_bands_f32(&ds, &[4], w, &mut out, &path).unwrap_err();
        assert!(e.to_string().contains("stack.tif"), "{e}");
    }
}
