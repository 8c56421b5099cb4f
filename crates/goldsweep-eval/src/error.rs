//! The one error type of this crate.
//!
//! Every message is a single line that starts with the offending file, so the CLI can print it as is.

use std::path::PathBuf;

/// Why an evaluation failed. Each variant names the file at fault.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// An input file does not exist.
    #[error("{path}: file not found")]
    MissingFile { path: PathBuf },

    /// A file could not be read from disk.
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// GDAL could not open the file as a raster, or it has no bands.
    #[error("{path}: not a raster GDAL can read: {detail}")]
    NotRaster { path: PathBuf, detail: String },

    /// A GDAL call on an open raster failed (read, transform, ...).
    #[error("{path}: {operation} failed: {source}")]
    Gdal {
        path: PathBuf,
        operation: &'static str,
        #[source]
        source: gdal::errors::GdalError,
    },

    /// The raster band has a pixel type this evaluation does not accept.
    #[error("{path}: band 1 is {found}, expected {expected}")]
    WrongBandType {
        path: PathBuf,
        found: String,
        expected: &'static str,
    },

    /// Prediction and truth rasters are not on the same pixel grid.
    #[error("{truth}: not on the pixel grid of {prediction}: {detail}")]
    GridMismatch {
        prediction: PathBuf,
        truth: PathBuf,
        detail: String,
    },

    /// A change raster pixel holds a value outside the change-class table (0..=5, 255).
    #[error(
        "{path}: pixel (col {col}, row {row}) has change value {value}; expected 0..=5 or 255"
    )]
    InvalidChangeValue {
        path: PathBuf,
        value: u8,
        col: usize,
        row: usize,
    },

    /// A truth raster pixel holds a value the label convention does not define.
    #[error("{path}: pixel (col {col}, row {row}) has label {value}, not valid for {convention}")]
    InvalidLabel {
        path: PathBuf,
        value: f64,
        col: usize,
        row: usize,
        convention: &'static str,
    },

    /// A pixel is marked in both the changed and the unchanged sample image.
    #[error("{changed}: pixel (col {col}, row {row}) is also marked unchanged in {unchanged}")]
    ConflictingLabels {
        changed: PathBuf,
        unchanged: PathBuf,
        col: usize,
        row: usize,
    },

    /// The file is not the GeoJSON this crate expects.
    #[error("{path}: bad GeoJSON: {detail}")]
    BadGeoJson { path: PathBuf, detail: String },

    /// A GeoJSON feature lacks a required property.
    #[error("{path}: feature {feature} has no property `{property}`")]
    MissingProperty {
        path: PathBuf,
        feature: usize,
        property: &'static str,
    },

    /// A GeoJSON feature property has the wrong JSON type or value.
    #[error("{path}: feature {feature} property `{property}` must be {expected}")]
    BadProperty {
        path: PathBuf,
        feature: usize,
        property: &'static str,
        expected: &'static str,
    },

    /// A raster needed for georeferenced lookups has no CRS or geotransform.
    #[error("{path}: not georeferenced ({missing} missing)")]
    NotGeoreferenced {
        path: PathBuf,
        missing: &'static str,
    },
}
