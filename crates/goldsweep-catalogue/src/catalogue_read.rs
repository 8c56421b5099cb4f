//! Reading a catalogue layer with OGR: layer choice, source CRS, field mapping, geometry checks
//! and reprojection into the work CRS.

use std::path::{Path, PathBuf};

use gdal::spatial_ref::SpatialRef;
use gdal::vector::{Feature, Layer, LayerAccess};
use gdal::{Dataset, DatasetOptions, GdalOpenFlags};

use crate::catalogue::{Catalogue, Mine, Provenance};
use crate::crs_transform::{short_crs, CrsTransform};
use crate::error::{CatalogueError, Result};
use crate::field_map::FieldMap;
use crate::ogr_geometry::{to_valid_geo, GeometryProblem};
use crate::status::MineStatus;

/// Open options for the CSV driver: which columns hold WKT or X/Y coordinates (matched
/// case-insensitively by GDAL). Geometry columns are not repeated as attributes.
const CSV_OPEN_OPTIONS: &[&str] = &[
    "GEOM_POSSIBLE_NAMES=wkt,geom,geometry,the_geom,shape",
    "X_POSSIBLE_NAMES=x,lon,long,lng,longitude,easting,经度",
    "Y_POSSIBLE_NAMES=y,lat,latitude,northing,纬度",
    "KEEP_GEOM_COLUMNS=NO",
];

/// Drivers whose layers are WGS 84 longitude/latitude by specification when no CRS is stated.
const WGS84_BY_SPEC_DRIVERS: &[&str] = &["GeoJSON", "GeoJSONSeq", "KML", "LIBKML"];

/// Field indices resolved once per layer.
struct FieldIndices {
    id: Option<usize>,
    name: Option<usize>,
    status: Option<usize>,
}

pub(crate) fn read(
    path: &Path,
    work_crs: &str,
    fields: &FieldMap,
    declared_crs: Option<&str>,
) -> Result<Catalogue> {
    check_work_crs(work_crs)?;
    let dataset = open(path)?;
    let driver = dataset.driver().short_name();

    let mut layers = dataset.layers();
    let mut skipped = Vec::new();
    let mut chosen: Option<Layer<'_>> = None;
    for layer in layers.by_ref() {
        if layer.defn().geom_fields().next().is_some() {
            chosen = Some(layer);
            break;
        }
        skipped.push(layer.name());
    }
    skipped.extend(layers.map(|l| l.name()));
    let Some(mut layer) = chosen else {
        return Err(CatalogueError::NoGeometryLayer {
            path: path.to_path_buf(),
            layers: skipped,
        });
    };
    let layer_name = layer.name();

    let source_crs = source_crs(path, &layer, &layer_name, &driver, declared_crs)?;
    let transform = CrsTransform::new(&source_crs, work_crs)?;
    let indices = resolve_fields(path, &layer, fields)?;

    let mut mines = Vec::new();
    for (i, feature) in layer.features().enumerate() {
        let row = i + 1;
        mines.push(read_mine(
            path, row, &feature, &indices, fields, &transform,
        )?);
    }

    Ok(Catalogue::with_provenance(
        mines,
        Provenance {
            path: Some(path.to_path_buf()),
            layer: layer_name,
            skipped_layers: skipped,
            source_crs,
            work_crs: work_crs.to_string(),
        },
    ))
}

/// The work CRS must be projected with metre units: distances and areas are taken in it.
fn check_work_crs(work_crs: &str) -> Result<()> {
    let fail = |reason: String| CatalogueError::WorkCrs {
        crs: short_crs(work_crs),
        reason,
    };
    let srs = SpatialRef::from_definition(work_crs).map_err(|e| fail(e.to_string()))?;
    if !srs.is_projected() {
        return Err(fail(
            "not a projected CRS (distances must be in metres)".into(),
        ));
    }
    let unit = srs.linear_units();
    if (unit - 1.0).abs() > 1e-9 {
        return Err(fail(format!(
            "linear unit is {} m, not metres",
            short_crs(&unit.to_string())
        )));
    }
    Ok(())
}

fn open(path: &Path) -> Result<Dataset> {
    let is_csv = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let options = DatasetOptions {
        open_flags: GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_READONLY,
        open_options: is_csv.then_some(CSV_OPEN_OPTIONS),
        ..DatasetOptions::default()
    };
    Dataset::open_ex(path, options).map_err(|_| CatalogueError::Open {
        path: path.to_path_buf(),
        reason: if path.exists() {
            "not recognised by any GDAL vector driver".to_string()
        } else {
            "no such file or directory".to_string()
        },
    })
}

/// The layer's CRS as a definition PROJ accepts: `"AUTH:CODE"` when the CRS carries an
/// authority code, WKT otherwise. Falls back, in order, to a `.prj` file beside the dataset,
/// WGS 84 for formats that mandate it, and the caller's declared CRS.
fn source_crs(
    path: &Path,
    layer: &Layer<'_>,
    layer_name: &str,
    driver: &str,
    declared: Option<&str>,
) -> Result<String> {
    let unusable = |reason: String| CatalogueError::UnusableCrs {
        path: path.to_path_buf(),
        layer: layer_name.to_string(),
        reason,
    };
    // GeoPackage stores a layer written without a CRS as srs_id 0/-1, which OGR reports as an
    // "Undefined geographic/Cartesian SRS": that is no CRS, not a lon/lat one.
    if let Some(srs) = layer.spatial_ref().filter(|s| !is_undefined(s)) {
        return crs_definition(&srs).map_err(unusable);
    }
    let prj = path.with_extension("prj");
    if prj.is_file() {
        let text = std::fs::read_to_string(&prj)
            .map_err(|e| unusable(format!("cannot read {}: {e}", prj.display())))?;
        let srs = SpatialRef::from_definition(text.trim())
            .map_err(|e| unusable(format!("{}: {e}", prj.display())))?;
        return crs_definition(&srs).map_err(unusable);
    }
    if WGS84_BY_SPEC_DRIVERS.contains(&driver) {
        return Ok("EPSG:4326".to_string());
    }
    match declared {
        Some(crs) => Ok(crs.to_string()),
        None => Err(CatalogueError::MissingCrs {
            path: path.to_path_buf(),
            layer: layer_name.to_string(),
        }),
    }
}

fn is_undefined(srs: &SpatialRef) -> bool {
    srs.authority().is_err() && srs.name().is_some_and(|n| n.starts_with("Undefined"))
}

fn crs_definition(srs: &SpatialRef) -> std::result::Result<String, String> {
    if let Ok(authority) = srs.authority() {
        return Ok(authority);
    }
    srs.to_wkt()
        .map_err(|e| format!("cannot export to WKT: {e}"))
}

fn resolve_fields(path: &Path, layer: &Layer<'_>, fields: &FieldMap) -> Result<FieldIndices> {
    let names: Vec<String> = layer.defn().fields().map(|f| f.name()).collect();
    let status = FieldMap::find(&fields.status, &names);
    if status.is_none() && fields.status_default.is_none() {
        return Err(CatalogueError::MissingStatusField {
            path: path.to_path_buf(),
            tried: fields.status.clone(),
            available: names,
        });
    }
    Ok(FieldIndices {
        id: FieldMap::find(&fields.id, &names),
        name: FieldMap::find(&fields.name, &names),
        status,
    })
}

fn read_mine(
    path: &Path,
    row: usize,
    feature: &Feature<'_>,
    indices: &FieldIndices,
    fields: &FieldMap,
    transform: &CrsTransform,
) -> Result<Mine> {
    let text = |index: Option<usize>, what: &str| -> Result<Option<String>> {
        let Some(index) = index else {
            return Ok(None);
        };
        let value = feature
            .field_as_string(index)
            .map_err(|source| CatalogueError::Ogr {
                path: path.to_path_buf(),
                what: format!("row {row}: reading the {what} field"),
                source,
            })?;
        Ok(value
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty()))
    };

    let id = text(indices.id, "id")?.unwrap_or_else(|| format!("row-{row}"));
    let name = text(indices.name, "name")?.unwrap_or_default();
    let status = match (text(indices.status, "status")?, fields.status_default) {
        (Some(value), _) => MineStatus::parse(&value).ok_or(CatalogueError::UnknownStatus {
            path: path.to_path_buf(),
            row,
            value,
        })?,
        (None, Some(default)) => default,
        (None, None) => {
            return Err(CatalogueError::UnknownStatus {
                path: path.to_path_buf(),
                row,
                value: String::new(),
            })
        }
    };

    let source_geometry =
        feature_geometry(feature).ok_or_else(|| CatalogueError::EmptyGeometry {
            path: path.to_path_buf(),
            row,
        })?;
    let geometry = to_valid_geo(source_geometry)
        .map_err(|problem| geometry_error(path.to_path_buf(), row, problem))?;
    let geometry =
        transform
            .convert_geometry(&geometry)
            .map_err(|e| CatalogueError::FeatureTransform {
                path: path.to_path_buf(),
                row,
                reason: e.to_string(),
            })?;

    Ok(Mine {
        id,
        name,
        status,
        geometry,
        row,
    })
}

/// The feature's first geometry, or `None` when it has none.
///
/// `Feature::geometry` wraps a null OGR handle when a feature's geometry is null, and any call
/// on that handle makes GDAL report an error; the null check is done here first.
fn feature_geometry<'f>(feature: &'f Feature<'_>) -> Option<&'f gdal::vector::Geometry> {
    // SAFETY: `c_feature` is the live handle owned by `feature`, which outlives this call;
    // OGR_F_GetGeometryRef only reads it and returns a borrowed (possibly null) pointer.
    let is_null = unsafe { gdal_sys::OGR_F_GetGeometryRef(feature.c_feature()).is_null() };
    if is_null {
        None
    } else {
        feature.geometry()
    }
}

fn geometry_error(path: PathBuf, row: usize, problem: GeometryProblem) -> CatalogueError {
    match problem {
        GeometryProblem::Empty => CatalogueError::EmptyGeometry { path, row },
        GeometryProblem::Unsupported(kind) => {
            CatalogueError::UnsupportedGeometry { path, row, kind }
        }
        GeometryProblem::Invalid(reason) => CatalogueError::InvalidGeometry { path, row, reason },
    }
}
