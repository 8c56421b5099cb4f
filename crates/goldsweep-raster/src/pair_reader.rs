//! Per-worker reading of aligned windows from a scene pair.

use std::path::Path;
use std::sync::{Arc, Mutex};

use gdal::Dataset;
use goldsweep_detect::TileData;
use ndarray::{s, Array2, Array3, ArrayViewMut2, ArrayViewMut3, Axis, Zip};

use crate::block_cache::{CacheShare, WalkRows};
use crate::error::RasterError;
use crate::grid::Window;
use crate::multiband_read::read_bands;
use crate::pair::{DatePlan, PairPlan};
use crate::row_carry::RowCarry;
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
/// stay cached for the next instead of dying with their dataset. While a reader holds them
/// they reserve their share of GDAL's block cache: enough for scattered windows, or for a walk
/// down a strip after [`PairReader::walk_columns`] (see [`crate::block_cache`]).
pub struct PairReader {
    plan: Arc<PairPlan>,
    /// Always `Some` until the reader is dropped.
    handles: Option<Handles>,
    /// Scratch for the rows being read: per pixel, some band is stored as non-zero; the
    /// stored values of a UInt16 file.
    scratch: Scratch,
}

/// Per-reader buffers of one chunk of rows, reused from chunk to chunk.
#[derive(Default)]
struct Scratch {
    nonzero: Vec<bool>,
    stored: Vec<u16>,
}

/// Rows read per GDAL request. A chunk of a 518 px wide, six-band tile (about 400 KB per date)
/// stays in the core's cache between GDAL writing it and the radiometry pass reading it.
const ROWS_PER_READ: usize = 32;

/// One reader's GDAL handles for both dates, and its block cache reservation.
pub(crate) struct Handles {
    dates: [OpenDate; 2],
    cache: CacheShare,
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

    /// Keeps `h` for the next reader; idle handles reserve no cache (their blocks stay cached
    /// until newer blocks push them out).
    fn give_back(&self, mut h: Handles) {
        h.cache.set(0);
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
        let mut handles = match plan.pool.take() {
            Some(h) => h,
            None => Handles {
                dates: [open_date(&plan.dates[0])?, open_date(&plan.dates[1])?],
                cache: CacheShare::reserve(0),
            },
        };
        handles.cache.set(plan.random_need());
        Ok(PairReader {
            plan,
            handles: Some(handles),
            scratch: Scratch::default(),
        })
    }

    /// Declares that this reader will walk down the columns `[col, col + width)` with
    /// [`PairReader::read_down`], and reserves the block cache that walk needs to decode every
    /// block once (instead of the few blocks scattered reads need). Call it again for the
    /// next strip; the reservation ends with the reader. `rows` says whether the windows'
    /// new rows start on block rows.
    pub fn walk_columns(&mut self, col: usize, width: usize, rows: WalkRows) {
        let need = self.plan.walk_need(col, width, rows);
        if let Some(h) = &mut self.handles {
            h.cache.set(need);
        }
    }

    /// Reads window `w` of both dates on the pair grid.
    ///
    /// Values are reflectance (`stored * scale + offset`, f32), shape `(band, row, col)` in the
    /// pair's [`goldsweep_detect::BandSet`] order. `valid` is `false` where, in either date, a band
    /// equals its nodata value or is NaN/infinite, every band is stored as 0, the pixel lies
    /// outside the after scene's footprint, the quality band flags it, or the mask is non-zero
    /// (and not the mask's nodata). Invalid pixels keep whatever value was read.
    ///
    /// Errors: the window is empty or not inside the grid; GDAL fails to read.
    pub fn read(&mut self, w: Window) -> Result<TileData, RasterError> {
        let mut tile = TileData {
            before: Array3::zeros((0, 0, 0)),
            after: Array3::zeros((0, 0, 0)),
            valid: Array2::default((0, 0)),
        };
        self.read_into(w, &mut tile)?;
        Ok(tile)
    }

    /// [`PairReader::read`] into `out`, reshaped to the window and reusing its memory: a worker
    /// that keeps one `TileData` allocates nothing per window.
    pub fn read_into(&mut self, w: Window, out: &mut TileData) -> Result<(), RasterError> {
        self.check(w)?;
        shape_tile(out, self.plan.bands.len(), w.height, w.width);
        self.read_rows(w, out, 0)
    }

    /// [`PairReader::read_into`] for a walk down a column range: the top rows of `w` that
    /// `carry` holds (the bottom rows of the previous window read with it, when that window had
    /// the same columns and reached into `w`) are copied instead of read, and `carry` then
    /// keeps the bottom rows of `w` for the next window. The result equals
    /// [`PairReader::read`]; only GDAL is asked for fewer rows, so with tiles read with a halo
    /// every block row is requested once (see [`crate::block_cache`]).
    ///
    /// Errors: as [`PairReader::read`].
    pub fn read_down(
        &mut self,
        w: Window,
        out: &mut TileData,
        carry: &mut RowCarry,
    ) -> Result<(), RasterError> {
        self.check(w)?;
        shape_tile(out, self.plan.bands.len(), w.height, w.width);
        let reused = carry.restore(w, out);
        if reused < w.height {
            let rest = Window {
                row: w.row + reused,
                height: w.height - reused,
                ..w
            };
            self.read_rows(rest, out, reused)?;
        }
        carry.keep(w, out);
        Ok(())
    }

    /// Errors unless `w` is a non-empty window inside the grid.
    fn check(&self, w: Window) -> Result<(), RasterError> {
        let grid = self.plan.before.grid();
        if grid.contains(w) {
            Ok(())
        } else {
            Err(RasterError::InvalidWindow {
                path: self.plan.before.path().into(),
                window: w,
                width: grid.width,
                height: grid.height,
            })
        }
    }

    /// Reads `w` (both dates) into rows `[first, first + w.height)` of `out`, which is shaped
    /// `(bands, ≥ first + w.height, w.width)`, and sets their validity.
    fn read_rows(
        &mut self,
        w: Window,
        out: &mut TileData,
        first: usize,
    ) -> Result<(), RasterError> {
        let Some(handles) = &self.handles else {
            return Err(RasterError::Gdal {
                path: self.plan.before.path().into(),
                operation: "reading a window",
                message: "the reader's handles were released".into(),
            });
        };
        let mut start = 0;
        while start < w.height {
            let n = ROWS_PER_READ.min(w.height - start);
            let part = Window {
                row: w.row + start,
                height: n,
                ..w
            };
            let rows = first + start..first + start + n;
            let mut valid = out.valid.slice_mut(s![rows.clone(), ..]);
            valid.fill(true);
            let dates = [&mut out.before, &mut out.after];
            for ((plan, open), data) in self.plan.dates.iter().zip(&handles.dates).zip(dates) {
                read_date(
                    plan,
                    open,
                    part,
                    data.slice_mut(s![.., rows.clone(), ..]),
                    valid.view_mut(),
                    &mut self.scratch,
                )?;
            }
            start += n;
        }
        Ok(())
    }
}

/// Reshapes `tile` to `bands × rows × cols` in standard layout, reusing its allocations; values
/// are left unspecified (every one is overwritten by the read).
fn shape_tile(tile: &mut TileData, bands: usize, rows: usize, cols: usize) {
    fn reshape<T: Clone + Default, D: ndarray::Dimension>(a: &mut ndarray::Array<T, D>, dim: D) {
        if a.raw_dim() == dim && a.is_standard_layout() {
            return;
        }
        let (mut v, _) = std::mem::take(a).into_raw_vec_and_offset();
        v.resize(dim.size(), T::default());
        *a = ndarray::Array::from_shape_vec(dim.clone(), v)
            .unwrap_or_else(|_| ndarray::Array::default(dim));
    }
    reshape(&mut tile.before, ndarray::Dim([bands, rows, cols]));
    reshape(&mut tile.after, ndarray::Dim([bands, rows, cols]));
    reshape(&mut tile.valid, ndarray::Dim([rows, cols]));
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

/// Reads one date of window `w` into `out` (`(band, row, col)`, reflectance) and clears `valid`
/// where the date is invalid.
fn read_date(
    plan: &DatePlan,
    open: &OpenDate,
    w: Window,
    mut out: ArrayViewMut3<f32>,
    mut valid: ArrayViewMut2<bool>,
    scratch: &mut Scratch,
) -> Result<(), RasterError> {
    let n = plan.stack_bands.len();
    let plane = w.height * w.width;
    // A pixel stored as exactly 0 in every band is fill, whatever nodata value the header
    // declares (many products mask clouds and swath edges with 0 but declare another nodata).
    let nonzero = &mut scratch.nonzero;
    nonzero.clear();
    nonzero.resize(plane, false);
    match (&plan.direct, &open.direct) {
        (Some(d), Some(ds)) if d.stored_u16 => {
            // Read as stored and convert in the radiometry pass: one pass over the values
            // instead of GDAL's conversion to f32 followed by ours.
            let stored = &mut scratch.stored;
            stored.resize(n * plane, 0);
            let shape = (n, w.height, w.width);
            let view = ArrayViewMut3::from_shape(shape, &mut stored[..]).map_err(|e| {
                RasterError::Gdal {
                    path: plan.scene.clone(),
                    operation: "GDALDatasetRasterIO",
                    message: e.to_string(),
                }
            })?;
            read_bands(ds, &d.bands, w, view, &plan.scene)?;
            for (k, values) in stored.chunks_exact(plane.max(1)).enumerate().take(n) {
                let band = out.index_axis_mut(Axis(0), k);
                calibrate_u16(values, band, valid.view_mut(), nonzero, plan.radiometry[k]);
            }
        }
        (Some(d), Some(ds)) => {
            read_bands(ds, &d.bands, w, out.view_mut(), &plan.scene)?;
            for k in 0..n {
                let band = out.index_axis_mut(Axis(0), k);
                calibrate(band, valid.view_mut(), nonzero, plan.radiometry[k]);
            }
        }
        _ => {
            for (k, &band) in plan.stack_bands.iter().enumerate() {
                let mut slab = out.index_axis_mut(Axis(0), k);
                read_band_into(&open.stack, band, w, &mut slab, &plan.scene)?;
                calibrate(slab, valid.view_mut(), nonzero, plan.radiometry[k]);
            }
        }
    }
    for (mut row, nz) in valid
        .rows_mut()
        .into_iter()
        .zip(nonzero.chunks_exact(w.width))
    {
        for (ok, &nz) in row.iter_mut().zip(nz) {
            *ok &= nz;
        }
    }
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

/// Turns one band of stored values into reflectance in place, `v * scale + offset` (computed in
/// f64), after noting which pixels are invalid (NaN, ±∞ or the band's nodata value: `valid`
/// cleared) and which are stored as non-zero (`nonzero` set, row-major).
fn calibrate(
    mut band: ArrayViewMut2<f32>,
    mut valid: ArrayViewMut2<bool>,
    nonzero: &mut [bool],
    (nodata, scale, offset): (Option<f64>, f64, f64),
) {
    // NaN never compares equal, so a band without nodata tests only for finiteness.
    let nodata = nodata.map_or(f32::NAN, |v| v as f32);
    let cols = band.ncols();
    let rows = band.rows_mut().into_iter().zip(valid.rows_mut());
    for ((mut values, mut ok), nz) in rows.zip(nonzero.chunks_exact_mut(cols.max(1))) {
        // Rows of a tile are contiguous; slices let the compiler vectorise the loop.
        let contiguous = values.as_slice().is_some() && ok.as_slice().is_some();
        if !contiguous {
            for ((v, ok), nz) in values.iter_mut().zip(ok.iter_mut()).zip(nz) {
                *v = calibrate_one(*v, ok, nz, nodata, scale, offset);
            }
        } else if let (Some(values), Some(ok)) = (values.as_slice_mut(), ok.as_slice_mut()) {
            for ((v, ok), nz) in values.iter_mut().zip(ok).zip(nz) {
                *v = calibrate_one(*v, ok, nz, nodata, scale, offset);
            }
        }
    }
}

/// [`calibrate`] from stored UInt16 values `stored` (row-major, the band's rows) into `band`.
///
/// A UInt16 value is always finite, so validity only depends on the nodata value, and the
/// three results (reflectance, validity, non-zero) are computed in separate passes over each
/// row that the compiler vectorises.
fn calibrate_u16(
    stored: &[u16],
    mut band: ArrayViewMut2<f32>,
    mut valid: ArrayViewMut2<bool>,
    nonzero: &mut [bool],
    (nodata, scale, offset): (Option<f64>, f64, f64),
) {
    // Compared as f32, like other types; a value no UInt16 can hold (fractional, negative,
    // NaN) never matches.
    let nodata = nodata
        .map(|v| v as f32)
        .filter(|v| v.fract() == 0.0 && (0.0..=f32::from(u16::MAX)).contains(v))
        .map(|v| v as u16);
    let cols = band.ncols().max(1);
    let rows = band.rows_mut().into_iter().zip(valid.rows_mut());
    let rows = rows.zip(
        stored
            .chunks_exact(cols)
            .zip(nonzero.chunks_exact_mut(cols)),
    );
    for ((mut values, mut ok), (stored, nz)) in rows {
        let reflectance = |x: u16| (f64::from(x) * scale + offset) as f32;
        match values.as_slice_mut() {
            Some(values) => values
                .iter_mut()
                .zip(stored)
                .for_each(|(v, &x)| *v = reflectance(x)),
            None => values
                .iter_mut()
                .zip(stored)
                .for_each(|(v, &x)| *v = reflectance(x)),
        }
        if let Some(nd) = nodata {
            ok.iter_mut()
                .zip(stored)
                .for_each(|(ok, &x)| *ok &= x != nd);
        }
        nz.iter_mut().zip(stored).for_each(|(nz, &x)| *nz |= x != 0);
    }
}

/// One stored value `x`: clears `ok` if it is NaN, ±∞ or `nodata`, sets `nz` if it is not 0,
/// and returns the reflectance `x * scale + offset` (computed in f64).
#[inline(always)]
fn calibrate_one(
    x: f32,
    ok: &mut bool,
    nz: &mut bool,
    nodata: f32,
    scale: f64,
    offset: f64,
) -> f32 {
    *ok &= x.is_finite() & (x != nodata);
    *nz |= x != 0.0;
    (f64::from(x) * scale + offset) as f32
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

    fn empty_tile() -> TileData {
        TileData {
            before: Array3::zeros((0, 0, 0)),
            after: Array3::zeros((0, 0, 0)),
            valid: Array2::default((0, 0)),
        }
    }

    #[test]
    fn a_walk_down_a_strip_reads_what_single_reads_read() {
        let dir = tempfile::tempdir().unwrap();
        let pair = pair(dir.path());
        let mut walker = pair.reader().unwrap();
        walker.walk_columns(17, 30, WalkRows::Straddling);
        let mut single = pair.reader().unwrap();
        let mut carry = RowCarry::new(6);
        let mut tile = empty_tile();
        // 16-row tiles with a 3-row halo down the columns [17, 47) of the 50-row grid; the
        // last tile is 2 rows high, so its window lies inside the carried rows.
        for core in [0usize, 16, 32, 48] {
            let (r0, r1) = (core.saturating_sub(3), (core + 16 + 3).min(50));
            let w = Window::new(17, r0, 30, r1 - r0);
            walker.read_down(w, &mut tile, &mut carry).unwrap();
            let want = single.read(w).unwrap();
            assert_eq!(tile.before, want.before, "{w:?}");
            assert_eq!(tile.after, want.after, "{w:?}");
            assert_eq!(tile.valid, want.valid, "{w:?}");
        }
        // A window elsewhere does not take the carried rows.
        let w = Window::new(3, 10, 9, 12);
        walker.read_down(w, &mut tile, &mut carry).unwrap();
        assert_eq!(tile.before, single.read(w).unwrap().before);
    }

    #[test]
    fn reading_into_a_used_tile_reshapes_it() {
        let dir = tempfile::tempdir().unwrap();
        let pair = pair(dir.path());
        let mut reader = pair.reader().unwrap();
        let mut tile = empty_tile();
        for w in [
            Window::new(0, 0, 70, 50),
            Window::new(60, 45, 10, 5),
            Window::new(5, 7, 33, 21),
        ] {
            reader.read_into(w, &mut tile).unwrap();
            let want = reader.read(w).unwrap();
            assert_eq!(tile.before, want.before, "{w:?}");
            assert_eq!(tile.after, want.after, "{w:?}");
            assert_eq!(tile.valid, want.valid, "{w:?}");
        }
        let outside = Window::new(65, 0, 10, 5);
        assert!(reader.read_into(outside, &mut tile).is_err());
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
