//! Atomic file creation: write under a hidden temporary name in the same directory, then rename
//! over the final name, so a failed run never leaves a half-written file that looks complete.

use std::path::{Path, PathBuf};

use crate::error::SynthError;

/// Hidden temporary sibling of `path` (`dir/.name.partial`).
pub fn partial_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.partial"))
}

/// Renames the finished temporary file onto `path`.
pub fn commit(tmp: &Path, path: &Path) -> Result<(), SynthError> {
    std::fs::rename(tmp, path).map_err(|source| SynthError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Writes `bytes` to `path` atomically.
pub fn write_bytes(path: &Path, bytes: &[u8]) -> Result<(), SynthError> {
    let tmp = partial_path(path);
    std::fs::write(&tmp, bytes).map_err(|source| SynthError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    commit(&tmp, path)
}

/// Removes a leftover temporary file after a failure (best effort; the original error wins).
pub fn discard(tmp: &Path) {
    let _ = std::fs::remove_file(tmp);
}
