//! One date of imagery, resolved: where each role band is, its grid, nodata, scaling and masks.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use gdal::{Dataset, DatasetOptions, GdalOpenFlags, Metadata};
use goldsweep_detect::{BandRole, BandSet};
use serde_json::{json, Value};

use crate::band_files::{folder_roles, scan_folder};
use crate::band_mapping::BandMapping;
use crate::error::{gdal_message, RasterError};
use crate::file_roles::file_roles;
use crate::grid::Grid;
use crate::radiometry::{choose_radiometry, BandFacts, Radiometry};
use crate::sensor::{QaKind, Sensor};
use crate::stack_vrt::{stack_file_bands, stack_separate_files};
use crate::vsimem::VsiMemFile;

/// How to open a scene.
#[derive(Clone, Debug, Default)]
pub struct SceneOptions {
    /// Sensor profile; `Auto` works it out from the input.
    pub sensor: Sensor,
    /// Explicit band map; wins over the sensor profile.
    pub bands: Option<BandMapping>,
    /// Reflectance scale (`reflectance = stored * scale + offset`); see [`Scene::describe`] for the default chosen.
    pub scale: Option<f64>,
    /// Reflectance offset.
    pub offset: Option<f64>,
    /// A raster whose non-zero pixels are invalid (clouds, known bad areas), on any grid.
    pub mask: Option<PathBuf>,
}

/// An opened, resolved scene. Cheap to clone, `Send + Sync`: it holds paths and numbers only,
/// no GDAL handles (those are opened per worker by [`crate::PairReader`]).
#[derive(Clone, Debug)]
pub struct Scene {
    inner: Arc<SceneInner>,
}

#[derive(Debug)]
struct SceneInner {
    path: PathBuf,
    sensor: Sensor,
    bands: BandSet,
    grid: Grid,
    /// VRT with exactly the role bands, in canonical role order, on `grid`.
    stack: Arc<VsiMemFile>,
    band_info: Vec<BandInfo>,
    qa: Option<QaLayer>,
    mask: Option<MaskLayer>,
    description: Value,
}

/// Where one role band comes from and how to turn it into reflectance.
#[derive(Clone, Debug)]
pub(crate) struct BandInfo {
    pub role: BandRole,
    pub file: PathBuf,
    pub band: usize,
    pub data_type: String,
    pub nodata: Option<f64>,
    pub radiometry: Radiometry,
}

/// A quality band (SCL or QA_PIXEL): band `band` of `file`, whose grid is `grid`.
#[derive(Clone, Debug)]
pub(crate) struct QaLayer {
    pub kind: QaKind,
    pub file: PathBuf,
    pub band: usize,
    pub grid: Grid,
}

/// A user mask: band 1 of `file`; `grid` is `None` for an un-georeferenced mask of the scene's size.
#[derive(Clone, Debug)]
pub(crate) struct MaskLayer {
    pub file: PathBuf,
    pub grid: Option<Grid>,
    pub nodata: Option<f64>,
}

impl Scene {
    /// Opens a scene: a file GDAL reads (GeoTIFF, ENVI, VRT, JP2, …) or a folder of per-band files.
    ///
    /// Resolves the sensor and role bands (see the crate docs), the grid (for folders: the finest
    /// band's grid, coarser bands resampled bilinearly), per-band nodata and reflectance scaling,
    /// and checks the mask. Errors name the file: missing, not a raster, too few bands, no CRS…
    pub fn open(path: &Path, opts: &SceneOptions) -> Result<Scene, RasterError> {
        if !path.exists() {
            return Err(RasterError::NotFound { path: path.into() });
        }
        let path = std::fs::canonicalize(path).map_err(|source| RasterError::Io {
            path: path.into(),
            operation: "resolving the path",
            source,
        })?;
        let resolved = if path.is_dir() {
            open_folder(&path, opts)?
        } else {
            open_file(&path, opts)?
        };
        let mask = match &opts.mask {
            Some(m) => Some(open_mask(m, &path, &resolved.grid)?),
            None => None,
        };
        let bands = BandSet::new(resolved.band_info.iter().map(|b| b.role)).ok_or_else(|| {
            RasterError::SensorUndetermined {
                path: path.clone(),
                reason: "blue, green, red and nir are not all mapped".into(),
            }
        })?;
        let description = describe(&path, &resolved, mask.as_ref());
        Ok(Scene {
            inner: Arc::new(SceneInner {
                path,
                sensor: resolved.sensor,
                bands,
                grid: resolved.grid,
                stack: resolved.stack,
                band_info: resolved.band_info,
                qa: resolved.qa,
                mask,
                description,
            }),
        })
    }

    /// The scene's path (canonicalised).
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// The resolved sensor (never `Auto`).
    pub fn sensor(&self) -> Sensor {
        self.inner.sensor
    }

    /// The roles this scene provides.
    pub fn bands(&self) -> &BandSet {
        &self.inner.bands
    }

    /// The native grid of the (stacked) scene.
    pub fn grid(&self) -> &Grid {
        &self.inner.grid
    }

    /// The first role band whose values are not known to be reflectance (an 8-bit fraction of
    /// full scale, or integers used as stored), with where its scale came from; `None` when
    /// every role band is reflectance.
    pub fn uncalibrated_band(&self) -> Option<(BandRole, &'static str)> {
        self.inner
            .band_info
            .iter()
            .find(|b| !b.radiometry.reflectance)
            .map(|b| (b.role, b.radiometry.source))
    }

    /// What was resolved, for the run manifest: path, size, CRS, sensor and how it was decided,
    /// each role's source file/band, data type, nodata, scale and offset (with their origin),
    /// the quality band and the mask.
    pub fn describe(&self) -> Value {
        self.inner.description.clone()
    }

    /// Each role band's own grid, as stored in its source file, in role order: the bands of a
    /// folder of per-band files keep their native pixel size (Sentinel-2's 20 m SWIR beside its
    /// 10 m visible bands) though the scene reads them all on [`Scene::grid`].
    /// Each source file is opened once.
    pub fn band_grids(&self) -> Result<Vec<(BandRole, Grid)>, RasterError> {
        let mut read: Vec<(&Path, Grid)> = Vec::new();
        let mut out = Vec::with_capacity(self.inner.band_info.len());
        for b in &self.inner.band_info {
            let grid = match read.iter().find(|(f, _)| *f == b.file.as_path()) {
                Some((_, g)) => g.clone(),
                None => {
                    let ds = open_raster(&b.file)?;
                    let g = Grid::from_dataset(&b.file, &ds)?;
                    read.push((&b.file, g.clone()));
                    g
                }
            };
            out.push((b.role, grid));
        }
        Ok(out)
    }

    pub(crate) fn stack(&self) -> &Arc<VsiMemFile> {
        &self.inner.stack
    }

    pub(crate) fn band_info(&self) -> &[BandInfo] {
        &self.inner.band_info
    }

    pub(crate) fn qa(&self) -> Option<&QaLayer> {
        self.inner.qa.as_ref()
    }

    pub(crate) fn mask(&self) -> Option<&MaskLayer> {
        self.inner.mask.as_ref()
    }
}

/// Everything resolved about a scene before its mask is checked.
struct Resolved {
    sensor: Sensor,
    method: &'static str,
    kind: &'static str,
    driver: String,
    grid: Grid,
    stack: Arc<VsiMemFile>,
    band_info: Vec<BandInfo>,
    qa: Option<QaLayer>,
}

/// Opens `path` read-only as a raster with at least one band.
pub(crate) fn open_raster(path: &Path) -> Result<Dataset, RasterError> {
    let ds = Dataset::open_ex(
        path,
        DatasetOptions {
            open_flags: GdalOpenFlags::GDAL_OF_RASTER | GdalOpenFlags::GDAL_OF_READONLY,
            ..Default::default()
        },
    )
    .map_err(|e| RasterError::NotRaster {
        path: path.into(),
        reason: gdal_message(&e),
    })?;
    if ds.raster_count() == 0 {
        return Err(RasterError::NotRaster {
            path: path.into(),
            reason: "no raster bands".into(),
        });
    }
    Ok(ds)
}

fn open_file(path: &Path, opts: &SceneOptions) -> Result<Resolved, RasterError> {
    let ds = open_raster(path)?;
    let grid = Grid::from_dataset(path, &ds)?;
    let descriptions: Vec<String> = (1..=ds.raster_count())
        .map(|i| {
            ds.rasterband(i)
                .ok()
                .and_then(|b| b.description().ok())
                .unwrap_or_default()
        })
        .collect();
    let roles = file_roles(path, &descriptions, opts.sensor, opts.bands.as_ref())?;
    let mut band_info = Vec::with_capacity(roles.roles.len());
    for (role, band) in &roles.roles {
        band_info.push(band_facts(
            path,
            &ds,
            *role,
            *band,
            roles.sensor,
            false,
            opts,
        )?);
    }
    let band_indices: Vec<usize> = roles.roles.iter().map(|(_, b)| *b).collect();
    let stack = stack_file_bands(path, &ds, &band_indices)?;
    let qa = roles.qa.map(|(kind, band)| QaLayer {
        kind,
        file: path.into(),
        band,
        grid: grid.clone(),
    });
    Ok(Resolved {
        sensor: roles.sensor,
        method: roles.method,
        kind: "file",
        driver: ds.driver().short_name(),
        grid,
        stack,
        band_info,
        qa,
    })
}

fn open_folder(dir: &Path, opts: &SceneOptions) -> Result<Resolved, RasterError> {
    let found = scan_folder(dir)?;
    let roles = folder_roles(dir, &found, opts.sensor, opts.bands.as_ref())?;
    let mut datasets = Vec::with_capacity(roles.roles.len());
    let mut grids = Vec::with_capacity(roles.roles.len());
    let mut band_info = Vec::with_capacity(roles.roles.len());
    for (role, _code, file) in &roles.roles {
        let ds = open_raster(&file.path)?;
        grids.push(Grid::from_dataset(&file.path, &ds)?);
        band_info.push(band_facts(
            &file.path,
            &ds,
            *role,
            1,
            roles.sensor,
            file.surface_reflectance,
            opts,
        )?);
        datasets.push(ds);
    }
    // The finest band (smallest pixel area) defines the scene grid.
    let finest = grids
        .iter()
        .enumerate()
        .min_by(|(_, a), (_, b)| {
            let area = |g: &Grid| g.pixel_size().0 * g.pixel_size().1;
            area(a).total_cmp(&area(b))
        })
        .map(|(i, _)| i)
        .ok_or_else(|| RasterError::SensorUndetermined {
            path: dir.into(),
            reason: "no band files".into(),
        })?;
    let grid = grids[finest].clone();
    for (g, (_, _, file)) in grids.iter().zip(&roles.roles) {
        let same_crs = g.crs_wkt == grid.crs_wkt
            || matches!((g.spatial_ref(), grid.spatial_ref()), (Ok(a), Ok(b)) if a == b);
        if !same_crs {
            return Err(RasterError::GridMismatch {
                path: file.path.clone(),
                scene: dir.into(),
                reason: "band files of one scene must share a CRS".into(),
            });
        }
    }
    let stack = stack_separate_files(dir, &datasets, &grid)?;
    let qa = match &roles.qa {
        Some((kind, file)) => {
            let ds = open_raster(file)?;
            Some(QaLayer {
                kind: *kind,
                file: file.clone(),
                band: 1,
                grid: Grid::from_dataset(file, &ds)?,
            })
        }
        None => None,
    };
    let driver = datasets
        .first()
        .map(|d| d.driver().short_name())
        .unwrap_or_default();
    Ok(Resolved {
        sensor: roles.sensor,
        method: roles.method,
        kind: "folder",
        driver,
        grid,
        stack,
        band_info,
        qa,
    })
}

/// `1 / N` from the dataset's `REFLECTANCE_SCALE=N` metadata item (reflectance = stored / N),
/// if it has one; an item that is not a positive number is bad input.
fn dataset_reflectance_scale(file: &Path, ds: &Dataset) -> Result<Option<f64>, RasterError> {
    let Some(text) = ds.metadata_item("REFLECTANCE_SCALE", "") else {
        return Ok(None);
    };
    match text.trim().parse::<f64>() {
        Ok(n) if n.is_finite() && n > 0.0 => Ok(Some(1.0 / n)),
        _ => Err(RasterError::BadReflectanceScale {
            path: file.into(),
            value: text,
        }),
    }
}

fn band_facts(
    file: &Path,
    ds: &Dataset,
    role: BandRole,
    band: usize,
    sensor: Sensor,
    landsat_sr_file: bool,
    opts: &SceneOptions,
) -> Result<BandInfo, RasterError> {
    let rb = ds
        .rasterband(band)
        .map_err(|e| RasterError::gdal(file, "GDALGetRasterBand", &e))?;
    let facts = BandFacts {
        data_type: rb.band_type(),
        metadata_scale: rb.scale(),
        metadata_offset: rb.offset(),
        dataset_scale: dataset_reflectance_scale(file, ds)?,
        landsat_sr_file,
    };
    let radiometry = choose_radiometry(opts.scale, opts.offset, sensor, facts);
    if radiometry.is_unknown_integer(facts.data_type) {
        return Err(RasterError::UnknownScale {
            path: file.into(),
            band,
            role: role.name(),
            data_type: rb.band_type().name(),
        });
    }
    Ok(BandInfo {
        role,
        file: file.into(),
        band,
        data_type: rb.band_type().name(),
        nodata: rb.no_data_value(),
        radiometry,
    })
}

fn open_mask(mask: &Path, scene: &Path, grid: &Grid) -> Result<MaskLayer, RasterError> {
    if !mask.exists() {
        return Err(RasterError::NotFound { path: mask.into() });
    }
    let ds = open_raster(mask)?;
    let nodata = ds.rasterband(1).ok().and_then(|b| b.no_data_value());
    let georeferenced = !ds.projection().trim().is_empty() && ds.geo_transform().is_ok();
    let mask_grid = if georeferenced {
        Some(Grid::from_dataset(mask, &ds)?)
    } else if ds.raster_size() == (grid.width, grid.height) {
        None
    } else {
        return Err(RasterError::GridMismatch {
            path: mask.into(),
            scene: scene.into(),
            reason: format!(
                "mask is not georeferenced and its size {}x{} differs from the scene's {}x{}",
                ds.raster_size().0,
                ds.raster_size().1,
                grid.width,
                grid.height
            ),
        });
    };
    Ok(MaskLayer {
        file: mask.into(),
        grid: mask_grid,
        nodata,
    })
}

fn describe(path: &Path, r: &Resolved, mask: Option<&MaskLayer>) -> Value {
    let crs = match r.grid.epsg() {
        Some(code) => format!("EPSG:{code}"),
        None => r.grid.crs_wkt.clone(),
    };
    let bands: Vec<Value> = r
        .band_info
        .iter()
        .map(|b| {
            json!({
                "role": b.role.name(),
                "file": b.file.display().to_string(),
                "band": b.band,
                "data_type": b.data_type,
                "nodata": b.nodata,
                "scale": b.radiometry.scale,
                "offset": b.radiometry.offset,
                "scale_source": b.radiometry.source,
            })
        })
        .collect();
    let qa = r.qa.as_ref().map(|q| {
        json!({
            "kind": q.kind.name(),
            "file": q.file.display().to_string(),
            "band": q.band,
        })
    });
    let mask = mask.map(|m| {
        json!({
            "file": m.file.display().to_string(),
            "nodata": m.nodata,
            "georeferenced": m.grid.is_some(),
        })
    });
    json!({
        "path": path.display().to_string(),
        "kind": r.kind,
        "driver": r.driver,
        "width": r.grid.width,
        "height": r.grid.height,
        "crs": crs,
        "geo_transform": r.grid.geo_transform,
        "pixel_size": [r.grid.pixel_size().0, r.grid.pixel_size().1],
        "sensor": r.sensor.name(),
        "bands_from": r.method,
        "bands": bands,
        "qa": qa,
        "mask": mask,
    })
}
