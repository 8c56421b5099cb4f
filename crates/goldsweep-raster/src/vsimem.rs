//! Uniquely named GDAL in-memory files (`/vsimem/`) that are deleted when the last owner drops them.
//!
//! `/vsimem/` is process-global: every file gets its own name built from the process id and a
//! counter, so two pairs (or two test threads) never share a file. All files sit directly in
//! [`VSIMEM_DIR`] (GDAL lists in-memory files only in the directory they were created in).

use std::ffi::CString;
use std::sync::atomic::{AtomicU64, Ordering};

static NEXT_ID: AtomicU64 = AtomicU64::new(0);

/// The `/vsimem/` directory holding every in-memory file of this crate.
pub const VSIMEM_DIR: &str = "/vsimem/goldsweep-raster";

/// A fresh `/vsimem/` file name, unique within the process: `VSIMEM_DIR/<pid>-<n>-<label>.<ext>`.
pub(crate) fn unique_path(label: &str, ext: &str) -> String {
    let n = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    format!("{VSIMEM_DIR}/{}-{n}-{label}.{ext}", std::process::id())
}

/// Ownership of one `/vsimem/` file: unlinked on drop. Share it with `Arc` between everything
/// that opens the file (scenes, pairs, readers), so it lives as long as any of them.
#[derive(Debug)]
pub(crate) struct VsiMemFile {
    path: String,
}

impl VsiMemFile {
    /// Takes ownership of an existing (or about to be written) `/vsimem/` path.
    pub(crate) fn adopt(path: String) -> VsiMemFile {
        VsiMemFile { path }
    }

    pub(crate) fn path(&self) -> &str {
        &self.path
    }
}

impl Drop for VsiMemFile {
    fn drop(&mut self) {
        if let Ok(c_path) = CString::new(self.path.as_str()) {
            // SAFETY: VSIUnlink takes a NUL-terminated path and is safe to call from any thread;
            // a missing file only makes it return -1, which is ignored here.
            unsafe {
                gdal_sys::VSIUnlink(c_path.as_ptr());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_files_are_removed_on_drop() {
        let path = unique_path("t", "bin");
        assert_ne!(path, unique_path("t", "bin"));
        gdal::vsi::create_mem_file(&path, vec![1, 2, 3]).expect("vsimem write");
        let file = VsiMemFile::adopt(path.clone());
        assert_eq!(
            gdal::vsi::get_vsi_mem_file_bytes_owned(file.path()).ok(),
            Some(vec![1, 2, 3])
        );
        gdal::vsi::create_mem_file(&path, vec![4]).expect("vsimem rewrite");
        drop(file);
        assert!(gdal::vsi::get_vsi_mem_file_bytes_owned(&path).is_err());
    }
}
