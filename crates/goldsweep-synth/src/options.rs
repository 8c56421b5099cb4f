//! Generation options and the summary returned to the caller.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::SynthError;

/// Smallest scene side in pixels: below this the mine district does not fit at 10 m.
pub const MIN_SIZE: usize = 128;
/// Largest scene side in pixels: keeps the in-memory f32 planes of both dates under ~1 GB.
pub const MAX_SIZE: usize = 4096;
/// Scene side in pixels when the caller does not choose one (4.8 km at 10 m, a few MB on disk).
pub const DEFAULT_SIZE: usize = 480;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SynthOptions {
    /// Seed of the ChaCha8 generator: the same seed gives byte-identical files.
    pub seed: u64,
    /// Pixels per side of the square scene (10 m pixels), `MIN_SIZE..=MAX_SIZE`.
    pub size: usize,
}

impl Default for SynthOptions {
    fn default() -> Self {
        Self {
            seed: 1,
            size: DEFAULT_SIZE,
        }
    }
}

impl SynthOptions {
    /// Checks the size range; `out_dir` is only used to name the request in the error.
    pub fn validate(&self, out_dir: &Path) -> Result<(), SynthError> {
        if !(MIN_SIZE..=MAX_SIZE).contains(&self.size) {
            return Err(SynthError::InvalidOptions {
                path: out_dir.to_path_buf(),
                reason: format!(
                    "size {} px is outside {MIN_SIZE}..={MAX_SIZE} px",
                    self.size
                ),
            });
        }
        Ok(())
    }
}

/// What was written, for the caller's log and for `goldsweep synth --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SynthSummary {
    /// Every file written, in writing order.
    pub files: Vec<PathBuf>,
    /// Planted mining-evidence objects (`mining = true` in truth.geojson).
    pub planted: usize,
    /// Non-mining change far (> 1 km) from every mine: ponds, buildings, harvested fields.
    pub confusers: usize,
    /// Legal change inside the active mine.
    pub legal_activity: usize,
    /// Truth objects in total (`planted + confusers + legal_activity`).
    pub truth_objects: usize,
    /// Mines in the catalogue (some may lie outside the scene).
    pub mines: usize,
    /// Catalogue mines whose polygon lies inside the scene.
    pub mines_in_scene: usize,
    /// Pixels flagged as cloud or cloud shadow in `after_mask.tif`.
    pub masked_pixels: usize,
    /// Seed used.
    pub seed: u64,
    /// Scene side in pixels.
    pub size: usize,
    /// EPSG code of the scene grid.
    pub epsg: u32,
    /// Pixel size in metres.
    pub pixel_size_m: f64,
}
