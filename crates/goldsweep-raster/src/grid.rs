//! Pixel grids (CRS + affine geotransform + size) and rectangular pixel windows.

use std::path::Path;

use gdal::spatial_ref::{AxisMappingStrategy, SpatialRef};
use gdal::Dataset;
use serde::Serialize;

use crate::error::RasterError;

/// A north-up raster grid: CRS, GDAL geotransform and size in pixels.
///
/// The geotransform maps pixel corner coordinates to the CRS:
/// `x = gt[0] + col * gt[1] + row * gt[2]`, `y = gt[3] + col * gt[4] + row * gt[5]`
/// (`gt[2] = gt[4] = 0` and `gt[5] < 0` for every grid this crate builds).
#[derive(Clone, Debug, Serialize)]
pub struct Grid {
    /// CRS as WKT (as reported by GDAL).
    pub crs_wkt: String,
    /// GDAL geotransform.
    pub geo_transform: [f64; 6],
    /// Columns.
    pub width: usize,
    /// Rows.
    pub height: usize,
}

impl Grid {
    /// Reads the grid of an open dataset; `path` is only used in error messages.
    ///
    /// Errors: no CRS, no geotransform, rotated or south-up geotransform.
    pub fn from_dataset(path: &Path, ds: &Dataset) -> Result<Grid, RasterError> {
        let crs_wkt = ds.projection();
        if crs_wkt.trim().is_empty() {
            return Err(RasterError::NoCrs { path: path.into() });
        }
        let geo_transform = ds
            .geo_transform()
            .map_err(|_| RasterError::NoGeoTransform { path: path.into() })?;
        let (width, height) = ds.raster_size();
        let grid = Grid {
            crs_wkt,
            geo_transform,
            width,
            height,
        };
        grid.check_north_up(path)?;
        Ok(grid)
    }

    fn check_north_up(&self, path: &Path) -> Result<(), RasterError> {
        let gt = &self.geo_transform;
        let reason = if gt[2] != 0.0 || gt[4] != 0.0 {
            Some("rotated geotransform")
        } else if gt[1] <= 0.0 || gt[5] >= 0.0 {
            Some("pixel size must be positive in x and negative in y (north-up)")
        } else if !gt.iter().all(|v| v.is_finite()) {
            Some("non-finite geotransform")
        } else {
            None
        };
        match reason {
            Some(reason) => Err(RasterError::UnsupportedGrid {
                path: path.into(),
                reason: reason.into(),
            }),
            None => Ok(()),
        }
    }

    /// CRS coordinates of a pixel position (`col`, `row` in pixels from the top-left corner;
    /// `(c + 0.5, r + 0.5)` is the centre of pixel `(r, c)`).
    pub fn pixel_to_crs(&self, col: f64, row: f64) -> (f64, f64) {
        let gt = &self.geo_transform;
        (
            gt[0] + col * gt[1] + row * gt[2],
            gt[3] + col * gt[4] + row * gt[5],
        )
    }

    /// Absolute pixel size `(x, y)` in CRS units (metres for projected CRSs, degrees for geographic).
    pub fn pixel_size(&self) -> (f64, f64) {
        let gt = &self.geo_transform;
        (gt[1].hypot(gt[4]), gt[2].hypot(gt[5]))
    }

    /// Whether the CRS is geographic (lon/lat degrees). `false` if the WKT does not parse.
    pub fn is_geographic(&self) -> bool {
        self.spatial_ref()
            .map(|srs| srs.is_geographic())
            .unwrap_or(false)
    }

    /// EPSG code of the CRS. When the WKT carries no code (ENVI, ESRI WKT), the code of the
    /// best match in the PROJ database is used if PROJ rates it at least 70 % (same definition,
    /// names differing).
    pub fn epsg(&self) -> Option<u32> {
        let mut srs = self.spatial_ref().ok()?;
        epsg_code(&srs)
            .or_else(|| {
                srs.auto_identify_epsg().ok()?;
                epsg_code(&srs)
            })
            .or_else(|| best_epsg_match(&srs))
    }

    /// Extent `(min_x, min_y, max_x, max_y)` in CRS units.
    pub fn bounds(&self) -> (f64, f64, f64, f64) {
        let corners = [
            self.pixel_to_crs(0.0, 0.0),
            self.pixel_to_crs(self.width as f64, 0.0),
            self.pixel_to_crs(0.0, self.height as f64),
            self.pixel_to_crs(self.width as f64, self.height as f64),
        ];
        corners.iter().fold(
            (
                f64::INFINITY,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
            ),
            |(a, b, c, d), &(x, y)| (a.min(x), b.min(y), c.max(x), d.max(y)),
        )
    }

    /// The whole grid as a window.
    pub fn full_window(&self) -> Window {
        Window {
            col: 0,
            row: 0,
            width: self.width,
            height: self.height,
        }
    }

    /// Whether `w` is non-empty and lies inside the grid.
    pub fn contains(&self, w: Window) -> bool {
        w.width > 0
            && w.height > 0
            && w.col.checked_add(w.width).is_some_and(|e| e <= self.width)
            && w.row
                .checked_add(w.height)
                .is_some_and(|e| e <= self.height)
    }

    /// The CRS as a GDAL spatial reference in traditional GIS (x = easting/longitude) axis order.
    pub fn spatial_ref(&self) -> Result<SpatialRef, gdal::errors::GdalError> {
        let mut srs = SpatialRef::from_wkt(&self.crs_wkt)?;
        srs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
        Ok(srs)
    }

    /// Whether two grids are the same pixel for pixel: same size, same CRS, and geotransforms
    /// equal to within a millionth of a pixel.
    pub fn same_as(&self, other: &Grid) -> bool {
        if self.width != other.width || self.height != other.height {
            return false;
        }
        let (px, py) = self.pixel_size();
        let tol = [px, px, px, py, py, py].map(|p| p * 1e-6);
        let gt_same = self
            .geo_transform
            .iter()
            .zip(other.geo_transform.iter())
            .zip(tol.iter())
            .all(|((a, b), t)| (a - b).abs() <= *t);
        if !gt_same {
            return false;
        }
        if self.crs_wkt == other.crs_wkt {
            return true;
        }
        match (self.spatial_ref(), other.spatial_ref()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    }
}

fn epsg_code(srs: &SpatialRef) -> Option<u32> {
    (srs.auth_name().as_deref() == Some("EPSG"))
        .then(|| srs.auth_code().ok())
        .flatten()
        .and_then(|c| u32::try_from(c).ok())
}

/// The EPSG code of the most confident PROJ database match of `srs`, if rated ≥ 70 %.
fn best_epsg_match(srs: &SpatialRef) -> Option<u32> {
    let mut count: std::ffi::c_int = 0;
    let mut confidences: *mut std::ffi::c_int = std::ptr::null_mut();
    // SAFETY: the SRS handle is valid while `srs` lives. OSRFindMatches returns an array of
    // `count` SRS handles (best first) and an array of `count` confidences, both owned by the
    // caller and freed below; the authority strings are copied before the array is freed.
    unsafe {
        let matches = gdal_sys::OSRFindMatches(
            srs.to_c_hsrs(),
            std::ptr::null_mut(),
            &mut count,
            &mut confidences,
        );
        let mut found = None;
        if !matches.is_null() && !confidences.is_null() && count > 0 {
            let first = *matches;
            if *confidences >= 70 && !first.is_null() {
                let name = gdal_sys::OSRGetAuthorityName(first, std::ptr::null());
                let code = gdal_sys::OSRGetAuthorityCode(first, std::ptr::null());
                if !name.is_null() && !code.is_null() {
                    let name = std::ffi::CStr::from_ptr(name).to_string_lossy();
                    let code = std::ffi::CStr::from_ptr(code).to_string_lossy();
                    if name == "EPSG" {
                        found = code.parse().ok();
                    }
                }
            }
        }
        if !matches.is_null() {
            gdal_sys::OSRFreeSRSArray(matches);
        }
        if !confidences.is_null() {
            gdal_sys::VSIFree(confidences.cast());
        }
        found
    }
}

/// A rectangle of pixels: top-left `(col, row)` and size in pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Window {
    pub col: usize,
    pub row: usize,
    pub width: usize,
    pub height: usize,
}

impl Window {
    /// A window from its top-left corner and size.
    pub fn new(col: usize, row: usize, width: usize, height: usize) -> Window {
        Window {
            col,
            row,
            width,
            height,
        }
    }

    /// Number of pixels.
    pub fn pixels(&self) -> usize {
        self.width * self.height
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utm_grid() -> Grid {
        let srs = SpatialRef::from_epsg(32651).expect("EPSG:32651 is in the PROJ database");
        Grid {
            crs_wkt: srs.to_wkt().expect("WKT export"),
            geo_transform: [1000.0, 30.0, 0.0, 5000.0, 0.0, -30.0],
            width: 10,
            height: 20,
        }
    }

    #[test]
    fn pixel_geometry() {
        let g = utm_grid();
        assert_eq!(g.pixel_to_crs(0.5, 0.5), (1015.0, 4985.0));
        assert_eq!(g.pixel_size(), (30.0, 30.0));
        assert_eq!(g.bounds(), (1000.0, 4400.0, 1300.0, 5000.0));
        assert!(!g.is_geographic());
        assert_eq!(g.epsg(), Some(32651));
    }

    #[test]
    fn windows_inside_and_outside() {
        let g = utm_grid();
        assert!(g.contains(Window::new(0, 0, 10, 20)));
        assert!(g.contains(Window::new(9, 19, 1, 1)));
        assert!(!g.contains(Window::new(9, 19, 2, 1)));
        assert!(!g.contains(Window::new(0, 0, 0, 1)));
        assert!(!g.contains(Window::new(usize::MAX, 0, 2, 1)));
    }

    #[test]
    fn same_grid_tolerates_rounding_only() {
        let a = utm_grid();
        let mut b = a.clone();
        b.geo_transform[0] += 1e-9;
        assert!(a.same_as(&b));
        b.geo_transform[0] += 1.0;
        assert!(!a.same_as(&b));
    }
}
