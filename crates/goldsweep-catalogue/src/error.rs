//! Errors raised while reading a catalogue or transforming coordinates.
//!
//! Every message is one line. Errors about a file start with the file path and, where a single
//! feature is at fault, its 1-based row number, so a user can open the file and fix it.

use std::path::PathBuf;

use gdal::errors::GdalError;

/// Everything that can go wrong in this crate.
///
/// Grouped by whose fault it is: the catalogue file (open, layer, CRS, fields, status values,
/// geometries), or the caller (CRS definitions, work CRS not metric, point outside a projection).
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    /// GDAL/OGR could not open the path as a vector dataset.
    #[error("{}: cannot open as a vector dataset: {reason}", path.display())]
    Open { path: PathBuf, reason: String },

    /// The dataset has no layer with a geometry column.
    #[error("{}: no layer with geometries (layers seen: {})", path.display(), list_or_none(layers))]
    NoGeometryLayer { path: PathBuf, layers: Vec<String> },

    /// An OGR call failed while reading the file.
    #[error("{}: {what}: {source}", path.display())]
    Ogr {
        path: PathBuf,
        what: String,
        #[source]
        source: GdalError,
    },

    /// The layer has no coordinate reference system and none was declared.
    #[error(
        "{}: layer '{layer}' has no coordinate reference system; add a .prj file beside it \
         or declare the source CRS explicitly (coordinates are never guessed)",
        path.display()
    )]
    MissingCrs { path: PathBuf, layer: String },

    /// The layer's coordinate reference system could not be expressed for PROJ.
    #[error("{}: layer '{layer}' has an unusable coordinate reference system: {reason}", path.display())]
    UnusableCrs {
        path: PathBuf,
        layer: String,
        reason: String,
    },

    /// None of the candidate status fields exists and no default status was given.
    #[error(
        "{}: no status field found (tried {}; the layer has {}); map the status field or set a default status",
        path.display(),
        tried.join(", "),
        list_or_none(available)
    )]
    MissingStatusField {
        path: PathBuf,
        tried: Vec<String>,
        available: Vec<String>,
    },

    /// A status value that is not in the vocabulary.
    #[error(
        "{}: row {row}: unknown mine status '{value}' (accepted: {})",
        path.display(),
        crate::status::MineStatus::accepted_values().join(", ")
    )]
    UnknownStatus {
        path: PathBuf,
        row: usize,
        value: String,
    },

    /// A feature without geometry, or with an empty one.
    #[error("{}: row {row}: missing or empty geometry", path.display())]
    EmptyGeometry { path: PathBuf, row: usize },

    /// A sealing value that is not in the vocabulary.
    #[error(
        "{}: row {row}: unknown sealing state '{value}' (accepted: {})",
        path.display(),
        crate::sealing::Sealing::accepted_values().join(", ")
    )]
    UnknownSealing {
        path: PathBuf,
        row: usize,
        value: String,
    },

    /// The attribute encoding declared (or named in a `.cpg`) cannot be decoded.
    #[error("{}: {reason}", path.display())]
    Encoding { path: PathBuf, reason: String },

    /// A corner-point table as a whole cannot be used (no header, no grouping column, ...).
    #[error("{}: corner-point table: {reason}", path.display())]
    CornerPoints { path: PathBuf, reason: String },

    /// One row of a corner-point table is unusable (`row` is the spreadsheet line).
    #[error("{}: row {row}: {reason}", path.display())]
    CornerPoint {
        path: PathBuf,
        row: usize,
        reason: String,
    },

    /// The CRS of corner-point coordinates cannot be determined (no zone prefix and no zone or
    /// CRS declared, or a declaration that contradicts the coordinates).
    #[error("{}: {reason}", path.display())]
    SourceCrs { path: PathBuf, reason: String },

    /// A geometry type this catalogue cannot relate to (lines, curves, ...).
    #[error(
        "{}: row {row}: unsupported geometry type {kind} (expected Polygon, MultiPolygon, Point or MultiPoint)",
        path.display()
    )]
    UnsupportedGeometry {
        path: PathBuf,
        row: usize,
        kind: String,
    },

    /// A geometry that breaks the simple-features rules (unclosed or self-intersecting ring,
    /// non-finite coordinates, ...).
    #[error("{}: row {row}: invalid geometry: {reason}", path.display())]
    InvalidGeometry {
        path: PathBuf,
        row: usize,
        reason: String,
    },

    /// A feature's coordinates could not be transformed into the work CRS.
    #[error("{}: row {row}: cannot transform into the work CRS: {reason}", path.display())]
    FeatureTransform {
        path: PathBuf,
        row: usize,
        reason: String,
    },

    /// PROJ could not build a transformation between two CRS definitions.
    #[error("cannot build a coordinate transformation from '{from}' to '{to}': {reason}")]
    TransformSetup {
        from: String,
        to: String,
        reason: String,
    },

    /// The work CRS is not a projected CRS in metres.
    #[error("work CRS '{crs}' is not usable: {reason}")]
    WorkCrs { crs: String, reason: String },

    /// A single coordinate could not be transformed.
    #[error("cannot transform coordinate ({x}, {y}): {reason}")]
    Convert { x: f64, y: f64, reason: String },
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

/// Shorthand used throughout the crate.
pub type Result<T, E = CatalogueError> = std::result::Result<T, E>;
