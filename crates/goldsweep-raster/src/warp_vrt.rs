//! Lazy reprojection onto a target grid: GDAL's warper written as a warped VRT into `/vsimem/`.
//!
//! Nothing is resampled up front: each reader that opens the VRT warps only the blocks its
//! windows touch.

use std::ffi::{c_char, CStr, CString};
use std::path::Path;
use std::ptr;
use std::sync::Arc;

use gdal::Dataset;

use crate::error::{one_line, RasterError};
use crate::grid::Grid;
use crate::vsimem::{unique_path, VsiMemFile};

/// Resampling used when warping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Resampling {
    /// For reflectance bands.
    Bilinear,
    /// For categorical layers: quality bands and masks.
    Nearest,
}

impl Resampling {
    fn gdal_name(self) -> &'static str {
        match self {
            Resampling::Bilinear => "bilinear",
            Resampling::Nearest => "near",
        }
    }
}

/// Writes a warped VRT that resamples all bands of `src` onto `target`.
///
/// With `alpha`, an extra last band (Byte) is 255 where the output pixel is covered by valid
/// source data and 0 outside the source footprint or over source nodata.
/// `label` names the input in errors.
pub(crate) fn warp_onto_grid(
    label: &Path,
    src: &Dataset,
    target: &Grid,
    resampling: Resampling,
    alpha: bool,
) -> Result<Arc<VsiMemFile>, RasterError> {
    let file = VsiMemFile::adopt(unique_path("warped", "vrt"));
    let (min_x, min_y, max_x, max_y) = target.bounds();
    let mut args: Vec<String> = [
        "-of",
        "VRT",
        "-t_srs",
        target.crs_wkt.as_str(),
        "-te",
        &min_x.to_string(),
        &min_y.to_string(),
        &max_x.to_string(),
        &max_y.to_string(),
        "-ts",
        &target.width.to_string(),
        &target.height.to_string(),
        "-r",
        resampling.gdal_name(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if alpha {
        args.push("-dstalpha".into());
    }
    let c_args = args
        .into_iter()
        .map(CString::new)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| RasterError::Gdal {
            path: label.into(),
            operation: "GDALWarp",
            message: "an option contains a NUL byte".into(),
        })?;
    let c_dest = CString::new(file.path()).map_err(|_| RasterError::Gdal {
        path: label.into(),
        operation: "GDALWarp",
        message: "output name contains a NUL byte".into(),
    })?;
    let mut argv: Vec<*mut c_char> = c_args
        .iter()
        .map(|a| a.as_ptr() as *mut c_char)
        .chain(std::iter::once(ptr::null_mut()))
        .collect();

    // SAFETY: `argv` is a NULL-terminated array of NUL-terminated strings that outlive the
    // calls (GDAL copies them into the options object); the source handle is valid for the
    // lifetime of `src`; the options object is freed here and the returned dataset handle is
    // handed to an owning `Dataset`, which closes it.
    let result = unsafe {
        gdal_sys::CPLErrorReset();
        let options = gdal_sys::GDALWarpAppOptionsNew(argv.as_mut_ptr(), ptr::null_mut());
        if options.is_null() {
            Err(last_gdal_message())
        } else {
            let mut sources = [src.c_dataset()];
            let mut usage_error: i32 = 0;
            let out = gdal_sys::GDALWarp(
                c_dest.as_ptr(),
                ptr::null_mut(),
                1,
                sources.as_mut_ptr(),
                options,
                &mut usage_error,
            );
            gdal_sys::GDALWarpAppOptionsFree(options);
            if out.is_null() {
                Err(last_gdal_message())
            } else {
                Ok(Dataset::from_c_dataset(out))
            }
        }
    };
    let out = result.map_err(|message| RasterError::Gdal {
        path: label.into(),
        operation: "GDALWarp",
        message,
    })?;
    // Closing the VRT writes its XML into /vsimem/.
    out.close()
        .map_err(|e| RasterError::gdal(label, "GDALWarp (writing the VRT)", &e))?;
    Ok(Arc::new(file))
}

/// GDAL's last error message on this thread, on one line.
fn last_gdal_message() -> String {
    // SAFETY: CPLGetLastErrorMsg returns a pointer to a thread-local NUL-terminated buffer
    // (never NULL) that stays valid until the next CPL error call on this thread; it is copied
    // before CPLErrorReset.
    unsafe {
        let p = gdal_sys::CPLGetLastErrorMsg();
        let msg = if p.is_null() {
            String::new()
        } else {
            CStr::from_ptr(p).to_string_lossy().into_owned()
        };
        gdal_sys::CPLErrorReset();
        if msg.trim().is_empty() {
            "unknown error".into()
        } else {
            one_line(&msg)
        }
    }
}
