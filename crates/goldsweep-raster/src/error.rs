//! Typed errors of the raster layer. Every message is one line naming the file (or argument) and the problem.

use std::path::PathBuf;

use crate::grid::Window;

/// Everything that can go wrong opening, aligning, reading or writing rasters.
///
/// Variants are grouped by whose fault they are: the input files (`NotFound` … `NoOverlap`),
/// the caller's arguments (`InvalidBandMapping`, `UnknownSensor`, `InvalidWindow`, `ShapeMismatch`),
/// and GDAL or the file system failing underneath (`Gdal`, `Io`).
#[derive(Debug, thiserror::Error)]
pub enum RasterError {
    /// The path does not exist.
    #[error("{}: no such file or directory", path.display())]
    NotFound { path: PathBuf },

    /// GDAL cannot open the file as a raster (or it has no bands).
    #[error("{}: not a readable raster: {reason}", path.display())]
    NotRaster { path: PathBuf, reason: String },

    /// The scene has fewer bands than the band mapping needs.
    #[error("{}: has {found} band(s) but the band mapping needs band {needed}", path.display())]
    BandCount {
        path: PathBuf,
        found: usize,
        needed: usize,
    },

    /// The sensor (and so the band roles) could not be worked out from the file.
    #[error("{}: cannot tell which band is which ({reason}); pass --sensor or --bands", path.display())]
    SensorUndetermined { path: PathBuf, reason: String },

    /// A folder scene lacks the file of a band the mapping needs.
    #[error("{}: no file for band {band} ({role}) in the folder", path.display())]
    MissingBandFile {
        path: PathBuf,
        band: String,
        role: &'static str,
    },

    /// Two files in a folder scene claim the same band.
    #[error("{}: band {band} is found in two files ({} and {}); keep one scene per folder", path.display(), first.display(), second.display())]
    AmbiguousBandFile {
        path: PathBuf,
        band: String,
        first: PathBuf,
        second: PathBuf,
    },

    /// The raster has no coordinate reference system.
    #[error("{}: raster has no coordinate reference system", path.display())]
    NoCrs { path: PathBuf },

    /// The raster has no geotransform (pixel ↔ map coordinates).
    #[error("{}: raster has no geotransform (not georeferenced)", path.display())]
    NoGeoTransform { path: PathBuf },

    /// A grid feature this crate does not handle (rotated or south-up rasters, …).
    #[error("{}: unsupported raster grid: {reason}", path.display())]
    UnsupportedGrid { path: PathBuf, reason: String },

    /// A mask or QA raster that cannot be placed on its scene's grid.
    #[error("{}: cannot place on the grid of {}: {reason}", path.display(), scene.display())]
    GridMismatch {
        path: PathBuf,
        scene: PathBuf,
        reason: String,
    },

    /// Integers wider than eight bits with no scale from the options, the band metadata or a
    /// known sensor: the brightness thresholds of the classes are in reflectance, and digital
    /// numbers used as stored would pass every one of them.
    #[error("{}: band {band} ({role}) holds {data_type} integers of unknown scale, not reflectance; pass --scale (and --offset), e.g. --scale 0.0001 for Sentinel-2, or --sensor", path.display())]
    UnknownScale {
        path: PathBuf,
        band: usize,
        role: &'static str,
        data_type: String,
    },

    /// A `REFLECTANCE_SCALE` dataset metadata item that is not a positive number.
    #[error("{}: REFLECTANCE_SCALE metadata \"{value}\" is not a positive number (reflectance = stored value / REFLECTANCE_SCALE); fix it or pass --scale", path.display())]
    BadReflectanceScale { path: PathBuf, value: String },

    /// The two dates do not overlap.
    #[error("{} and {}: the scenes do not overlap", before.display(), after.display())]
    NoOverlap { before: PathBuf, after: PathBuf },

    /// A `--bands` text that does not parse.
    #[error("--bands \"{text}\": {reason}")]
    InvalidBandMapping { text: String, reason: String },

    /// A `--sensor` name that is not known.
    #[error("--sensor \"{0}\": unknown sensor (expected auto, sentinel2, landsat-tm, landsat-oli, four-band or generic)")]
    UnknownSensor(String),

    /// A window that does not lie inside the grid of the raster it is read from or written to.
    #[error("{}: window {window:?} does not lie inside the {width}x{height} grid", path.display())]
    InvalidWindow {
        path: PathBuf,
        window: Window,
        width: usize,
        height: usize,
    },

    /// Data handed to a writer whose shape differs from its window.
    #[error("{}: data of shape {rows}x{cols} does not match window {window:?}", path.display())]
    ShapeMismatch {
        path: PathBuf,
        window: Window,
        rows: usize,
        cols: usize,
    },

    /// A GDAL call failed.
    #[error("{}: GDAL {operation} failed: {message}", path.display())]
    Gdal {
        path: PathBuf,
        operation: &'static str,
        message: String,
    },

    /// A file-system operation failed.
    #[error("{}: {operation} failed: {source}", path.display())]
    Io {
        path: PathBuf,
        operation: &'static str,
        source: std::io::Error,
    },
}

/// Operations of the change-raster writer: failures there are the machine's (disk full, no
/// permission), not the input's.
const OUTPUT_OPERATIONS: [&str; 7] = [
    "choosing a temporary name",
    "finishing",
    "removing the stale sidecar",
    "renaming the finished raster into place",
    "renaming the sidecar into place",
    "setting category names",
    "writing",
];

impl RasterError {
    /// Whether the error is the input's fault (missing, corrupt or unsuitable file, bad
    /// argument) rather than a failure to write outputs or a misuse by the caller.
    pub fn is_bad_input(&self) -> bool {
        match self {
            RasterError::InvalidWindow { .. } | RasterError::ShapeMismatch { .. } => false,
            RasterError::Gdal { operation, .. } | RasterError::Io { operation, .. } => {
                !OUTPUT_OPERATIONS.contains(operation)
            }
            _ => true,
        }
    }

    /// Wraps a GDAL error from `operation` on `path`, keeping only GDAL's own message.
    pub(crate) fn gdal(
        path: impl Into<PathBuf>,
        operation: &'static str,
        err: &gdal::errors::GdalError,
    ) -> RasterError {
        RasterError::Gdal {
            path: path.into(),
            operation,
            message: gdal_message(err),
        }
    }
}

/// The human part of a GDAL error (the CPL message when there is one).
pub(crate) fn gdal_message(err: &gdal::errors::GdalError) -> String {
    use gdal::errors::GdalError;
    let text = match err {
        GdalError::CplError { msg, .. } | GdalError::NullPointer { msg, .. } if !msg.is_empty() => {
            msg.clone()
        }
        GdalError::NullPointer { method_name, .. } if method_name.contains("Open") => {
            "not recognised by any GDAL driver".to_string()
        }
        other => other.to_string(),
    };
    one_line(&text)
}

/// Collapses a (possibly multi-line) GDAL message onto one line.
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
