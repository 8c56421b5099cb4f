//! Two dates on one grid: the after scene (and every mask) aligned lazily onto the before grid.

use std::path::Path;
use std::sync::Arc;

use gdal::raster::GdalDataType;
use gdal::spatial_ref::CoordTransform;
use goldsweep_detect::{BandRole, BandSet};

use crate::block_cache::{BlockLayout, BlockShape, WalkRows};
use crate::error::RasterError;
use crate::grid::Grid;
use crate::pair_reader::{HandlePool, PairReader};
use crate::scene::{open_raster, Scene};
use crate::sensor::QaKind;
use crate::stack_vrt::stack_file_bands;
use crate::vsimem::{unique_path, VsiMemFile};
use crate::warp_vrt::{warp_onto_grid, Resampling};

/// A before/after scene pair aligned onto the before scene's grid.
///
/// `Send + Sync` and cheap to clone: it holds paths to (in-memory) VRTs, never GDAL handles.
/// Call [`ScenePair::reader`] once per worker thread to get handles.
#[derive(Clone, Debug)]
pub struct ScenePair {
    plan: Arc<PairPlan>,
}

/// Everything a reader needs to open, for both dates. Keeps the scenes (and so their stack
/// VRTs) and the warped VRTs alive for as long as any reader exists.
#[derive(Debug)]
pub(crate) struct PairPlan {
    /// Idle reader handles (first, so they close before the files they read are released).
    pub pool: HandlePool,
    pub before: Scene,
    pub after: Scene,
    pub bands: BandSet,
    pub dates: [DatePlan; 2],
}

/// Where to read one date on the pair grid.
#[derive(Debug)]
pub(crate) struct DatePlan {
    /// Scene path for error messages.
    pub scene: std::path::PathBuf,
    pub stack: Layer,
    /// Band in `stack` for each pair role (canonical order).
    pub stack_bands: Vec<usize>,
    /// The scene's own file and its band for each pair role, when every role band lies in that
    /// one file on the pair grid: read directly, all bands in one call, bypassing the VRT.
    pub direct: Option<DirectStack>,
    /// Band in `stack` that is 0 outside the source footprint (warped dates only).
    pub alpha_band: Option<usize>,
    /// Per pair role: nodata of the stored values, scale, offset.
    pub radiometry: Vec<(Option<f64>, f64, f64)>,
    pub qa: Option<(Layer, usize, QaKind)>,
    /// Mask layer, its band, and the mask's nodata (pixels equal to it are not invalidated).
    pub mask: Option<(Layer, usize, Option<f64>)>,
    /// How the date's role bands are stored, for sizing the block cache.
    pub layout: BlockLayout,
}

impl PairPlan {
    /// Block cache one reader needs, both dates, to walk down `[col, col + width)`.
    pub(crate) fn walk_need(&self, col: usize, width: usize, rows: WalkRows) -> u64 {
        self.dates
            .iter()
            .map(|d| d.layout.walk_need(col, width, rows))
            .sum()
    }

    /// Block cache one reader of scattered windows needs, both dates.
    pub(crate) fn random_need(&self) -> u64 {
        self.dates.iter().map(|d| d.layout.random_need()).sum()
    }
}

/// One file holding every role band on the pair grid.
#[derive(Debug)]
pub(crate) struct DirectStack {
    pub path: std::path::PathBuf,
    /// 1-based band of `path` for each pair role (canonical order).
    pub bands: Vec<usize>,
    /// Every role band is stored as UInt16 (read as such, converted with the radiometry).
    pub stored_u16: bool,
}

/// A GDAL-openable path on the pair grid, with the in-memory file that backs it (if any).
#[derive(Debug)]
pub(crate) struct Layer {
    pub path: String,
    _backing: Vec<Arc<VsiMemFile>>,
}

impl ScenePair {
    /// Pairs two scenes: roles are intersected (blue, green, red, NIR always; SWIR only if both
    /// have it), and the after scene, its quality band and both masks are resampled onto the
    /// before grid through GDAL warped VRTs (bilinear for reflectance, nearest for QA and
    /// masks). Pixels outside the after footprint read as invalid. Identical grids are read
    /// directly, without warping.
    ///
    /// Errors: a scene without CRS, scenes that do not overlap (`NoOverlap` names both files).
    pub fn new(before: Scene, after: Scene) -> Result<ScenePair, RasterError> {
        check_overlap(&before, &after)?;
        let roles: Vec<BandRole> = before
            .bands()
            .roles()
            .iter()
            .copied()
            .filter(|r| after.bands().index(*r).is_some())
            .collect();
        let bands = BandSet::new(roles).ok_or_else(|| RasterError::SensorUndetermined {
            path: after.path().into(),
            reason: "the pair lacks one of blue, green, red, nir".into(),
        })?;
        // A single SWIR band is of no use to the detectors: keep both or neither.
        let bands =
            if bands.index(BandRole::Swir1).is_some() != bands.index(BandRole::Swir2).is_some() {
                BandSet::new(
                    bands
                        .roles()
                        .iter()
                        .copied()
                        .filter(|r| !matches!(r, BandRole::Swir1 | BandRole::Swir2)),
                )
                .unwrap_or(bands)
            } else {
                bands
            };
        let target = before.grid().clone();
        let before_plan = plan_date(&before, &target, &bands)?;
        let after_plan = plan_date(&after, &target, &bands)?;
        Ok(ScenePair {
            plan: Arc::new(PairPlan {
                pool: HandlePool::default(),
                before,
                after,
                bands,
                dates: [before_plan, after_plan],
            }),
        })
    }

    /// The pair grid (the before scene's grid).
    pub fn grid(&self) -> &Grid {
        self.plan.before.grid()
    }

    /// The roles read for both dates.
    pub fn bands(&self) -> &BandSet {
        &self.plan.bands
    }

    /// The before scene.
    pub fn before(&self) -> &Scene {
        &self.plan.before
    }

    /// The after scene.
    pub fn after(&self) -> &Scene {
        &self.plan.after
    }

    #[cfg(test)]
    pub(crate) fn plan_for_tests(&self) -> Arc<PairPlan> {
        Arc::clone(&self.plan)
    }

    /// The blocks the before scene is stored in (what GDAL decodes at once); 512 × 512 is
    /// assumed when the scene is read through a VRT. Sample windows and strips align to it.
    pub fn block_shape(&self) -> BlockShape {
        self.plan.dates[0].layout.shape()
    }

    /// Bytes of GDAL block cache one reader needs, both dates, to walk down the columns
    /// `[col, col + width)` with [`PairReader::read_down`] decoding every block once (see
    /// [`crate::block_cache`]).
    pub fn walk_cache_need(&self, col: usize, width: usize, rows: WalkRows) -> u64 {
        self.plan.walk_need(col, width, rows)
    }

    /// The height of the blocks both dates' bands are stored in, when they agree (a walk
    /// whose reads start on these block rows needs half the cache, see [`WalkRows`]).
    pub fn row_block_height(&self) -> Option<usize> {
        let h = self.plan.dates[0].layout.block_height;
        self.plan
            .dates
            .iter()
            .all(|d| d.layout.block_height == h)
            .then_some(h)
    }

    /// Opens GDAL handles for both dates. Call once per worker thread: the reader is `Send`
    /// but not `Sync`.
    pub fn reader(&self) -> Result<PairReader, RasterError> {
        PairReader::open(Arc::clone(&self.plan))
    }
}

/// Fails with `NoOverlap` unless the after scene's extent, transformed into the before CRS,
/// intersects the before extent.
fn check_overlap(before: &Scene, after: &Scene) -> Result<(), RasterError> {
    let bg = before.grid();
    let ag = after.grid();
    let b_srs = bg
        .spatial_ref()
        .map_err(|e| RasterError::gdal(before.path(), "reading the CRS", &e))?;
    let a_srs = ag
        .spatial_ref()
        .map_err(|e| RasterError::gdal(after.path(), "reading the CRS", &e))?;
    let (x0, y0, x1, y1) = ag.bounds();
    let after_in_before = if a_srs == b_srs {
        [x0, y0, x1, y1]
    } else {
        let t = CoordTransform::new(&a_srs, &b_srs)
            .map_err(|e| RasterError::gdal(after.path(), "creating the CRS transform", &e))?;
        match t.transform_bounds(&[x0, y0, x1, y1], 21) {
            Ok(b) => b,
            // Bounds that cannot be expressed in the before CRS lie far outside it.
            Err(_) => {
                return Err(RasterError::NoOverlap {
                    before: before.path().into(),
                    after: after.path().into(),
                })
            }
        }
    };
    let (bx0, by0, bx1, by1) = bg.bounds();
    let ix0 = bx0.max(after_in_before[0]);
    let iy0 = by0.max(after_in_before[1]);
    let ix1 = bx1.min(after_in_before[2]);
    let iy1 = by1.min(after_in_before[3]);
    if ix0 < ix1 && iy0 < iy1 {
        Ok(())
    } else {
        Err(RasterError::NoOverlap {
            before: before.path().into(),
            after: after.path().into(),
        })
    }
}

fn plan_date(scene: &Scene, target: &Grid, bands: &BandSet) -> Result<DatePlan, RasterError> {
    let same_grid = scene.grid().same_as(target);
    let (stack, alpha_band) = if same_grid {
        (
            Layer {
                path: scene.stack().path().to_string(),
                _backing: vec![Arc::clone(scene.stack())],
            },
            None,
        )
    } else {
        let ds = open_raster(Path::new(scene.stack().path()))?;
        let warped = warp_onto_grid(scene.path(), &ds, target, Resampling::Bilinear, true)?;
        (
            Layer {
                path: warped.path().to_string(),
                _backing: vec![warped, Arc::clone(scene.stack())],
            },
            Some(ds.raster_count() + 1),
        )
    };
    let mut stack_bands = Vec::with_capacity(bands.len());
    let mut file_bands = Vec::with_capacity(bands.len());
    let mut radiometry = Vec::with_capacity(bands.len());
    for role in bands.roles() {
        let i = scene
            .bands()
            .index(*role)
            .ok_or_else(|| RasterError::SensorUndetermined {
                path: scene.path().into(),
                reason: format!("no {} band", role.name()),
            })?;
        let info = &scene.band_info()[i];
        stack_bands.push(i + 1);
        file_bands.push(info.band);
        radiometry.push((info.nodata, info.radiometry.scale, info.radiometry.offset));
    }
    let qa = match scene.qa() {
        Some(q) => {
            let (layer, band) = categorical_layer(&q.file, q.band, Some(&q.grid), target)?;
            Some((layer, band, q.kind))
        }
        None => None,
    };
    let mask = match scene.mask() {
        Some(m) => {
            // An un-georeferenced mask lies on its own scene's grid.
            let grid = m.grid.as_ref().unwrap_or(scene.grid());
            let (layer, band) = if m.grid.is_none() && !same_grid {
                ungeoreferenced_mask_layer(&m.file, scene.grid(), target)?
            } else {
                categorical_layer(&m.file, 1, Some(grid), target)?
            };
            Some((layer, band, m.nodata))
        }
        None => None,
    };
    let one_file = scene.band_info().iter().all(|b| b.file == scene.path());
    let (direct, layout) = if same_grid && one_file {
        let ds = open_raster(scene.path())?;
        let stored_u16 = file_bands.iter().all(|&b| {
            ds.rasterband(b)
                .is_ok_and(|rb| rb.band_type() == GdalDataType::UInt16)
        });
        let direct = DirectStack {
            path: scene.path().into(),
            bands: file_bands,
            stored_u16,
        };
        (Some(direct), BlockLayout::of(&ds, bands.len()))
    } else {
        (None, BlockLayout::assumed(bands.len()))
    };
    Ok(DatePlan {
        scene: scene.path().into(),
        stack,
        stack_bands,
        direct,
        alpha_band,
        radiometry,
        qa,
        mask,
        layout,
    })
}

/// Band `band` of `file` on `target`: read directly when `grid` is `target`, else through a
/// nearest-neighbour warped VRT of that one band.
fn categorical_layer(
    file: &Path,
    band: usize,
    grid: Option<&Grid>,
    target: &Grid,
) -> Result<(Layer, usize), RasterError> {
    if grid.map_or(true, |g| g.same_as(target)) {
        return Ok((
            Layer {
                path: file.display().to_string(),
                _backing: Vec::new(),
            },
            band,
        ));
    }
    let ds = open_raster(file)?;
    let single = stack_file_bands(file, &ds, &[band])?;
    let single_ds = open_raster(Path::new(single.path()))?;
    let warped = warp_onto_grid(file, &single_ds, target, Resampling::Nearest, false)?;
    Ok((
        Layer {
            path: warped.path().to_string(),
            _backing: vec![warped, single],
        },
        1,
    ))
}

/// An un-georeferenced mask of an after scene: georeference it with the scene's grid in a VRT,
/// then warp it like any other mask.
fn ungeoreferenced_mask_layer(
    file: &Path,
    scene_grid: &Grid,
    target: &Grid,
) -> Result<(Layer, usize), RasterError> {
    let ds = open_raster(file)?;
    let single = VsiMemFile::adopt(unique_path("mask", "vrt"));
    {
        let vrt_driver = gdal::DriverManager::get_driver_by_name("VRT")
            .map_err(|e| RasterError::gdal(file, "finding the VRT driver", &e))?;
        let mut vrt = ds
            .create_copy(&vrt_driver, single.path(), &Default::default())
            .map_err(|e| RasterError::gdal(file, "copying the mask to a VRT", &e))?;
        vrt.set_projection(&scene_grid.crs_wkt)
            .map_err(|e| RasterError::gdal(file, "georeferencing the mask", &e))?;
        vrt.set_geo_transform(&scene_grid.geo_transform)
            .map_err(|e| RasterError::gdal(file, "georeferencing the mask", &e))?;
        vrt.close()
            .map_err(|e| RasterError::gdal(file, "writing the mask VRT", &e))?;
    }
    let single = Arc::new(single);
    let single_ds = open_raster(Path::new(single.path()))?;
    let warped = warp_onto_grid(file, &single_ds, target, Resampling::Nearest, false)?;
    Ok((
        Layer {
            path: warped.path().to_string(),
            _backing: vec![warped, single],
        },
        1,
    ))
}
