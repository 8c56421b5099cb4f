//! Reading an OGR vector layer into an [`AttributeTable`]: layer choice, source CRS, raw
//! attribute bytes decoded with the layer's encoding, geometries checked.

use std::ffi::CStr;
use std::path::Path;

use gdal::spatial_ref::SpatialRef;
use gdal::vector::{Feature, Layer, LayerAccess};
use gdal::{Dataset, DatasetOptions, GdalOpenFlags};

use crate::attribute_table::{AttributeTable, SourceCrs, TableRow};
use crate::error::{CatalogueError, Result};
use crate::ogr_geometry::{to_valid_geo, GeometryProblem};
use crate::read_options::ReadOptions;
use crate::text_encoding::{shapefile_declared, AttributeEncoding};

/// Open options for the CSV driver: which columns hold WKT or X/Y coordinates (matched
/// case-insensitively by GDAL). Geometry columns are not repeated as attributes.
const CSV_OPEN_OPTIONS: &[&str] = &[
    "GEOM_POSSIBLE_NAMES=wkt,geom,geometry,the_geom,shape",
    "X_POSSIBLE_NAMES=x,lon,long,lng,longitude,easting,经度",
    "Y_POSSIBLE_NAMES=y,lat,latitude,northing,纬度",
    "KEEP_GEOM_COLUMNS=NO",
];

/// Shapefile open option that turns GDAL's recoding off: attribute bytes arrive as stored and
/// are decoded here (see the `text_encoding` module).
const SHAPEFILE_RAW_BYTES: &[&str] = &["ENCODING="];

/// Drivers whose layers are WGS 84 longitude/latitude by specification when no CRS is stated.
const WGS84_BY_SPEC_DRIVERS: &[&str] = &["GeoJSON", "GeoJSONSeq", "KML", "LIBKML"];

const SHAPEFILE_DRIVER: &str = "ESRI Shapefile";

/// A feature's attribute bytes as stored, before decoding.
struct RawRow {
    values: Vec<Option<Vec<u8>>>,
    geometry: std::result::Result<geo::Geometry<f64>, GeometryProblem>,
}

/// Reads the first layer with a geometry column.
pub(crate) fn read(path: &Path, options: &ReadOptions) -> Result<AttributeTable> {
    let mut dataset = open(path, None)?;
    let mut driver = dataset.driver().short_name();
    let mut declared = options
        .declared_encoding()
        .map_err(|reason| CatalogueError::Encoding {
            path: path.to_path_buf(),
            reason,
        })?;
    if driver == SHAPEFILE_DRIVER {
        dataset = open(path, Some(SHAPEFILE_RAW_BYTES))?;
        driver = dataset.driver().short_name();
        if declared.is_none() {
            declared = shapefile_declared(path).map_err(|reason| CatalogueError::Encoding {
                path: path.to_path_buf(),
                reason,
            })?;
        }
    }

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
    let declared_crs =
        options
            .declared_layer_crs()
            .map_err(|reason| CatalogueError::UnusableCrs {
                path: path.to_path_buf(),
                layer: layer_name.clone(),
                reason,
            })?;
    let source_crs = source_crs(path, &layer, &layer_name, &driver, declared_crs.as_deref());

    let raw_names = raw_field_names(&layer);
    let mut raw_rows = Vec::new();
    for feature in layer.features() {
        let values = (0..raw_names.len())
            .map(|i| raw_value(&feature, i))
            .collect();
        let geometry = feature_geometry(&feature)
            .ok_or(GeometryProblem::Empty)
            .and_then(to_valid_geo);
        raw_rows.push(RawRow { values, geometry });
    }

    let samples = raw_names.iter().map(Vec::as_slice).chain(
        raw_rows
            .iter()
            .flat_map(|r| r.values.iter().flatten().map(Vec::as_slice)),
    );
    let encoding = AttributeEncoding::choose(declared, samples);
    let fields = raw_names.iter().map(|n| encoding.decode(n)).collect();
    let rows = raw_rows
        .into_iter()
        .enumerate()
        .map(|(i, raw)| TableRow {
            row: i + 1,
            values: raw
                .values
                .iter()
                .map(|v| {
                    v.as_deref()
                        .map(|bytes| encoding.decode(bytes).trim().to_string())
                        .filter(|s| !s.is_empty())
                })
                .collect(),
            geometry: raw.geometry,
        })
        .collect();

    Ok(AttributeTable {
        driver,
        layer: layer_name,
        skipped_layers: skipped,
        fields,
        geometry_columns: Vec::new(),
        rows,
        encoding,
        source_crs,
    })
}

fn open(path: &Path, extra_options: Option<&[&str]>) -> Result<Dataset> {
    let is_csv = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let options = DatasetOptions {
        open_flags: GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_READONLY,
        open_options: extra_options.or(is_csv.then_some(CSV_OPEN_OPTIONS)),
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
) -> Result<SourceCrs> {
    let unusable = |reason: String| CatalogueError::UnusableCrs {
        path: path.to_path_buf(),
        layer: layer_name.to_string(),
        reason,
    };
    let found = |definition: String, explanation: &str| SourceCrs {
        definition,
        explanation: explanation.to_string(),
    };
    // GeoPackage stores a layer written without a CRS as srs_id 0/-1, which OGR reports as an
    // "Undefined geographic/Cartesian SRS": that is no CRS, not a lon/lat one.
    if let Some(srs) = layer.spatial_ref().filter(|s| !is_undefined(s)) {
        let definition = crs_definition(&srs).map_err(unusable)?;
        return Ok(found(definition, "from the layer"));
    }
    let prj = path.with_extension("prj");
    if prj.is_file() {
        let text = std::fs::read_to_string(&prj)
            .map_err(|e| unusable(format!("cannot read {}: {e}", prj.display())))?;
        let srs = SpatialRef::from_definition(text.trim())
            .map_err(|e| unusable(format!("{}: {e}", prj.display())))?;
        let definition = crs_definition(&srs).map_err(unusable)?;
        return Ok(found(definition, "from the .prj file"));
    }
    if WGS84_BY_SPEC_DRIVERS.contains(&driver) {
        return Ok(found(
            "EPSG:4326".to_string(),
            "WGS 84, as the format specifies",
        ));
    }
    match declared {
        Some(crs) => Ok(found(crs.to_string(), "declared")),
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

/// Field names as stored, without the lossy UTF-8 conversion of the `gdal` crate.
fn raw_field_names(layer: &Layer<'_>) -> Vec<Vec<u8>> {
    // SAFETY: the definition handle is owned by `layer`, alive for this call; field indices stay
    // below OGR_FD_GetFieldCount; the returned name pointers are owned by the definition and
    // copied before it can change.
    unsafe {
        let defn = layer.defn().c_defn();
        let count = gdal_sys::OGR_FD_GetFieldCount(defn).max(0);
        (0..count)
            .map(|i| {
                let field = gdal_sys::OGR_FD_GetFieldDefn(defn, i);
                if field.is_null() {
                    return Vec::new();
                }
                let name = gdal_sys::OGR_Fld_GetNameRef(field);
                if name.is_null() {
                    Vec::new()
                } else {
                    CStr::from_ptr(name).to_bytes().to_vec()
                }
            })
            .collect()
    }
}

/// A field value as stored (numbers formatted by OGR); `None` when unset or null.
fn raw_value(feature: &Feature<'_>, index: usize) -> Option<Vec<u8>> {
    let index = i32::try_from(index).ok()?;
    // SAFETY: `c_feature` is the live handle owned by `feature`; `index` is below the field
    // count of the feature's definition; the returned string is owned by the feature and copied
    // at once.
    unsafe {
        let handle = feature.c_feature();
        if gdal_sys::OGR_F_IsFieldSetAndNotNull(handle, index) == 0 {
            return None;
        }
        let value = gdal_sys::OGR_F_GetFieldAsString(handle, index);
        if value.is_null() {
            None
        } else {
            Some(CStr::from_ptr(value).to_bytes().to_vec())
        }
    }
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
