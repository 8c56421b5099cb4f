//! Per-worker reading of aligned windows from a scene pair.

use std::path::Path;
use std::sync::{Arc, Mutex};

use gdal::Dataset;
use goldsweep_detect::TileData;
use ndarray::{Array2, Array3, ArrayViewMut2, Axis, Zip};

use crate::block_cache::{BlockLayout, CacheShare};
use crate::error::RasterError;
use crate::grid::Window;
use crate::multiband_read::read_bands_f32;
use crate::pair::{DatePlan, PairPlan};
use crate::scene::open_raster;
use crate::sensor::QaKind;

/// GDAL handles for reading both dates of a [`crate::ScenePair`].
///
/// Owns its `Dataset`s: `Send` (move it into a worker) but not `Sync` (GDAL datasets must not be
/// used from two threads at once). Create one per worker with [`crate::ScenePair::reader`];
/// each reader opens its own handles on the pair's process-global `/vsimem/` VRTs.
///
/// Handles outlive the reader: dropping it returns them to the pair's pool, and the next
/// [`crate::ScenePair::reader`] call takes them back, so the blocks GDAL decoded for one pass
/// (or for one rayon job) stay cached for the next instead of dying with their dataset. Each
/// set of handles reserves its share of GDAL's block cache while it exists (see
/// [`crate::block_cache`]).
pub struct PairReader {
    plan: Arc<PairPlan>,
    /// Always `Some` until the reader is dropped.
    handles: Option<Handles>,
}

/// One reader's GDAL handles for both dates, and its block cache reservation.
pub(crate) struct Handles {
    dates: [OpenDate; 2],
    _cache: CacheShare,
}

/// Handles of readers that have been dropped, ready for the next reader of the same pair.
#[derive(Default)]
pub(crate) struct HandlePool(Mutex<Vec<Handles>>);

impl std::fmt::Debug for HandlePool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0.lock().map(|v| v.len()).unwrap_or(0);
        write!(f, "HandlePool({n} idle)")
    }
}

impl HandlePool {
    fn take(&self) -> Option<Handles> {
        self.0.lock().ok().and_then(|mut v| v.pop())
    }

    fn give_back(&self, h: Handles) {
        if let Ok(mut v) = self.0.lock() {
            v.push(h);
        }
    }
}

impl Drop for PairReader {
    fn drop(&mut self) {
        if let Some(h) = self.handles.take() {
            self.plan.pool.give_back(h);
        }
    }
}

struct OpenDate {
    stack: Dataset,
    /// The scene file itself, when [`DatePlan::direct`] allows reading it without the VRT.
    direct: Option<Dataset>,
    qa: Option<(Dataset, usize, QaKind)>,
    mask: Option<(Dataset, usize, Option<f64>)>,
}

impl PairReader {
    pub(crate) fn open(plan: Arc<PairPlan>) -> Result<PairReader, RasterError> {
        let handles = match plan.pool.take() {
            Some(h) => h,
            None => {
                let before = open_date(&plan.dates[0])?;
                let after = open_date(&plan.dates[1])?;
                let width = plan.before.grid().width;
                let need = cache_need(&plan.dates[0], &before, width)
                    + cache_need(&plan.dates[1], &after, width);
                Handles {
                    dates: [before, after],
                    _cache: CacheShare::reserve(need),
                }
            }
        };
        Ok(PairReader {
            plan,
            handles: Some(handles),
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
        let Some(handles) = &self.handles else {
            return Err(RasterError::Gdal {
                path: self.plan.before.path().into(),
                operation: "reading a window",
                message: "the reader's handles were released".into(),
            });
        };
        let n = self.plan.bands.len();
        let mut before = Array3::<f32>::zeros((n, w.height, w.width));
        let mut after = Array3::<f32>::zeros((n, w.height, w.width));
        let mut valid = Array2::<bool>::from_elem((w.height, w.width), true);
        read_date(
            &self.plan.dates[0],
            &handles.dates[0],
            w,
            &mut before,
            &mut valid,
        )?;
        read_date(
            &self.plan.dates[1],
            &handles.dates[1],
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

/// Block cache one reader needs for one date (see [`crate::block_cache`]).
fn cache_need(plan: &DatePlan, open: &OpenDate, width: usize) -> u64 {
    let layout = match &open.direct {
        Some(ds) => BlockLayout::of(ds, plan.stack_bands.len()),
        None => BlockLayout::assumed(plan.stack_bands.len()),
    };
    layout.reader_need(width)
}

fn open_date(plan: &DatePlan) -> Result<OpenDate, RasterError> {
    let stack = open_raster(Path::new(&plan.stack.path))?;
    let direct = match &plan.direct {
        Some(d) => Some(open_raster(&d.path)?),
        None => None,
    };
    let qa = match &plan.qa {
        Some((layer, band, kind)) => Some((open_raster(Path::new(&layer.path))?, *band, *kind)),
        None => None,
    };
    let mask = match &plan.mask {
        Some((layer, band, nodata)) => Some((open_raster(Path::new(&layer.path))?, *band, *nodata)),
        None => None,
    };
    Ok(OpenDate {
        stack,
        direct,
        qa,
        mask,
    })
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
    let direct = match (&plan.direct, &open.direct, out.as_slice_mut()) {
        (Some(d), Some(ds), Some(all)) => {
            read_bands_f32(ds, &d.bands, w, all, &plan.scene)?;
            true
        }
        _ => false,
    };
    for (k, &band) in plan.stack_bands.iter().enumerate() {
        let mut slab = out.index_axis_mut(Axis(0), k);
        if !direct {
            read_band_into(&open.stack, band, w, &mut slab, &plan.scene)?;
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Scene, SceneOptions, ScenePair};
    use gdal::raster::{Buffer, RasterCreationOptions};
    use gdal::DriverManager;

    /// A 4-band UInt16 scene, 70 x 50, tiled 32 x 32, pixel-interleaved, nodata 0, with a
    /// pattern that differs per band and date and a few pixels of 0.
    fn scene_file(dir: &std::path::Path, name: &str, seed: u32) -> std::path::PathBuf {
        let path = dir.join(name);
        let driver = DriverManager::get_driver_by_name("GTiff").unwrap();
        let options = RasterCreationOptions::from_iter([
            "TILED=YES",
            "BLOCKXSIZE=32",
            "BLOCKYSIZE=32",
            "COMPRESS=DEFLATE",
            "INTERLEAVE=PIXEL",
        ]);
        let mut ds = driver
            .create_with_band_type_with_options::<u16, _>(&path, 70, 50, 4, &options)
            .unwrap();
        ds.set_geo_transform(&[500000.0, 10.0, 0.0, 4000000.0, 0.0, -10.0])
            .unwrap();
        ds.set_spatial_ref(&gdal::spatial_ref::SpatialRef::from_epsg(32651).unwrap())
            .unwrap();
        for b in 1..=4u32 {
            let data: Vec<u16> = (0..70 * 50u32)
                .map(|i| {
                    let v = (i.wrapping_mul(2654435761) ^ (seed + 97 * b)) % 9000 + 100;
                    if i % 97 == (b * 13) % 97 {
                        0
                    } else {
                        v as u16
                    }
                })
                .collect();
            let mut band = ds.rasterband(b as usize).unwrap();
            band.set_no_data_value(Some(0.0)).unwrap();
            band.write((0, 0), (70, 50), &mut Buffer::new((70, 50), data))
                .unwrap();
        }
        ds.close().unwrap();
        path
    }

    fn pair(dir: &std::path::Path) -> ScenePair {
        let opts = SceneOptions {
            scale: Some(1e-4),
            ..Default::default()
        };
        let before = Scene::open(&scene_file(dir, "before.tif", 1), &opts).unwrap();
        let after = Scene::open(&scene_file(dir, "after.tif", 2), &opts).unwrap();
        ScenePair::new(before, after).unwrap()
    }

    #[test]
    fn the_direct_read_equals_the_read_through_the_stack_vrt() {
        let dir = tempfile::tempdir().unwrap();
        let pair = pair(dir.path());
        let mut direct = pair.reader().unwrap();
        assert!(direct.handles.as_ref().unwrap().dates[0].direct.is_some());
        let mut through_vrt = PairReader::open(Arc::clone(&pair.plan_for_tests())).unwrap();
        for d in &mut through_vrt.handles.as_mut().unwrap().dates {
            d.direct = None;
        }
        for w in [
            Window {
                col: 0,
                row: 0,
                width: 70,
                height: 50,
            },
            Window {
                col: 30,
                row: 29,
                width: 7,
                height: 9,
            },
            Window {
                col: 63,
                row: 31,
                width: 7,
                height: 19,
            },
        ] {
            let a = direct.read(w).unwrap();
            let b = through_vrt.read(w).unwrap();
            assert_eq!(a.before, b.before, "{w:?}");
            assert_eq!(a.after, b.after, "{w:?}");
            assert_eq!(a.valid, b.valid, "{w:?}");
            assert!(a.valid.iter().any(|v| !v) && a.valid.iter().any(|v| *v));
        }
    }

    #[test]
    fn dropped_readers_hand_their_handles_to_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let pair = pair(dir.path());
        let plan = pair.plan_for_tests();
        let (a, b) = (pair.reader().unwrap(), pair.reader().unwrap());
        assert_eq!(plan.pool.0.lock().unwrap().len(), 0);
        drop(a);
        drop(b);
        assert_eq!(plan.pool.0.lock().unwrap().len(), 2);
        let c = pair.reader().unwrap();
        assert_eq!(plan.pool.0.lock().unwrap().len(), 1);
        drop(c);
        assert_eq!(plan.pool.0.lock().unwrap().len(), 2);
    }
}
