//! Errors of the field outputs, split by whose fault they are.

use std::path::PathBuf;

use goldsweep_pipeline::SweepError;

/// Why the field outputs could not be written. [`LedgerError::is_bad_input`] tells the caller
/// whether a user-supplied file (previous run, verdicts) was at fault (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// The previous run folder or its `sites.geojson` is missing or unreadable.
    #[error("{}: previous run: {reason}", .path.display())]
    Previous { path: PathBuf, reason: String },
    /// The verdicts file is missing, unreadable or holds a bad row.
    #[error("{}: verdicts: {reason}", .path.display())]
    Verdicts { path: PathBuf, reason: String },
    /// An option is out of range (negative distance, …).
    #[error("ledger option {option}: {reason}")]
    Option {
        option: &'static str,
        reason: String,
    },
    /// A file could not be written (disk full, permissions, GDAL driver failure).
    #[error("{}: cannot write: {reason}", .path.display())]
    Write { path: PathBuf, reason: String },
    /// Reading the scenes for the image chips failed.
    #[error("image chips: {0}")]
    Chips(String),
    /// A coordinate transformation failed.
    #[error("coordinate transformation failed: {0}")]
    Transform(String),
    /// Staging a file failed.
    #[error(transparent)]
    Staging(#[from] SweepError),
}

impl LedgerError {
    /// Whether a user-supplied input (previous run, verdicts file, option) is at fault rather
    /// than the machine or the program.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            LedgerError::Previous { .. }
                | LedgerError::Verdicts { .. }
                | LedgerError::Option { .. }
        )
    }
}

impl From<goldsweep_catalogue::CatalogueError> for LedgerError {
    fn from(e: goldsweep_catalogue::CatalogueError) -> Self {
        LedgerError::Transform(e.to_string())
    }
}
