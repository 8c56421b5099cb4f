//! Typed errors of scene generation; every message names the file (or directory) and the problem.

use std::path::PathBuf;

use crate::utm::LonLat;

/// Everything that can go wrong while generating a synthetic scene pair.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    /// The caller asked for something the generator cannot produce.
    #[error("{path}: invalid synth options: {reason}")]
    InvalidOptions {
        /// Output directory the request was for.
        path: PathBuf,
        /// What is wrong with the options.
        reason: String,
    },
    /// The output directory could not be created or is not a directory.
    #[error("{path}: cannot use as output directory: {source}")]
    OutputDir {
        /// The directory.
        path: PathBuf,
        /// Underlying I/O error.
        source: std::io::Error,
    },
    /// A GDAL call failed while writing a raster.
    #[error("{path}: GDAL {call} failed: {source}")]
    Gdal {
        /// File being written.
        path: PathBuf,
        /// The GDAL operation that failed.
        call: &'static str,
        /// GDAL's error.
        source: gdal::errors::GdalError,
    },
    /// Writing or renaming a file failed.
    #[error("{path}: cannot write: {source}")]
    Io {
        /// File being written.
        path: PathBuf,
        /// Underlying I/O error.
        source: std::io::Error,
    },
    /// A GeoJSON document could not be serialised.
    #[error("{path}: cannot serialise GeoJSON: {source}")]
    Json {
        /// File being written.
        path: PathBuf,
        /// serde_json's error.
        source: serde_json::Error,
    },
    /// Reprojecting geometry from the scene CRS to WGS 84 failed.
    #[error("{path}: cannot reproject EPSG:{epsg} coordinates to EPSG:4326: {source}")]
    Reproject {
        /// File whose geometry was being reprojected.
        path: PathBuf,
        /// Source EPSG code.
        epsg: u32,
        /// GDAL/PROJ error.
        source: gdal::errors::GdalError,
    },
    /// A real background that cannot take the planted set (too small, too much water or
    /// nodata); `path` is the before scene.
    #[error("{path}: {reason}")]
    Background {
        /// The before scene.
        path: PathBuf,
        /// What does not fit.
        reason: String,
    },
    /// Projecting the requested scene centre into its UTM zone failed.
    #[error("{path}: cannot place the scene at {at}: projection to EPSG:{epsg} failed: {source}")]
    Place {
        /// Output directory the scene was for.
        path: PathBuf,
        /// Requested centre (lon, lat).
        at: LonLat,
        /// EPSG code of the location's UTM zone.
        epsg: u32,
        /// GDAL/PROJ error.
        source: gdal::errors::GdalError,
    },
}

impl SynthError {
    /// Whether the error is the input's fault (options out of range, a background that cannot
    /// take the plan) rather than a failure to write the outputs.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            SynthError::InvalidOptions { .. } | SynthError::Background { .. }
        )
    }
}
