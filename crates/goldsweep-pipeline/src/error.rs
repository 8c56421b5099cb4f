//! Errors of a sweep, split by whose fault they are.

use std::path::PathBuf;

use goldsweep_catalogue::CatalogueError;
use goldsweep_raster::RasterError;

/// Why a sweep failed. [`SweepError::is_bad_input`] tells the caller whether the inputs were at
/// fault (exit code 2) or something else went wrong.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error(transparent)]
    Raster(#[from] RasterError),
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
    #[error("{reader}", reader = .0)]
    Reader(String),
    #[error("{}: no valid pixels shared with {} ({found} found after nodata, masks and overlap)", .after.display(), .before.display())]
    NoValidPixels {
        before: PathBuf,
        after: PathBuf,
        found: usize,
    },
    #[error("scene fit failed: {0}")]
    Fit(String),
    #[error("{}: cannot write output: {reason}", .path.display())]
    Output { path: PathBuf, reason: String },
    #[error("coordinate transformation failed: {0}")]
    Transform(String),
    /// The machine or the program failed (worker threads, a broken invariant), not the inputs.
    #[error("internal error: {0}")]
    Internal(String),
}

impl SweepError {
    /// Whether the inputs are at fault (missing or corrupt file, wrong bands, no overlap, all
    /// nodata, bad catalogue) rather than the machine or the program.
    pub fn is_bad_input(&self) -> bool {
        match self {
            SweepError::Raster(e) => e.is_bad_input(),
            SweepError::Catalogue(_) | SweepError::Reader(_) | SweepError::NoValidPixels { .. } => {
                true
            }
            SweepError::Fit(_)
            | SweepError::Output { .. }
            | SweepError::Transform(_)
            | SweepError::Internal(_) => false,
        }
    }
}
