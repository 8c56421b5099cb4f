//! Generation options and the summary returned to the caller.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::SynthError;
use crate::grid::SceneGrid;
use crate::utm::LonLat;

/// Smallest scene side in pixels: below this the mine district does not fit at 10 m.
pub const MIN_SIZE: usize = 128;
/// Largest scene side in pixels: keeps the in-memory f32 planes of both dates under ~1 GB.
pub const MAX_SIZE: usize = 4096;
/// Scene side in pixels when the caller does not choose one (4.8 km at 10 m, a few MB on disk).
pub const DEFAULT_SIZE: usize = 480;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SynthOptions {
    /// Seed of the ChaCha8 generator: the same seed gives byte-identical files.
    pub seed: u64,
    /// Pixels per side of the square scene (10 m pixels), `MIN_SIZE..=MAX_SIZE`.
    pub size: usize,
    /// Where the scene centre goes: `None` is the default placement west of Zhaoyuan in
    /// EPSG:32651; a location moves the same synthetic landscape there, in that location's UTM
    /// zone (the content depends only on seed and size, never on the location).
    pub centre: Option<LonLat>,
}

impl Default for SynthOptions {
    fn default() -> Self {
        Self {
            seed: 1,
            size: DEFAULT_SIZE,
            centre: None,
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

    /// The scene grid these options ask for: [`SceneGrid::new`] without a centre,
    /// [`SceneGrid::centred_on`] with one; `out_dir` names the request in the error.
    pub fn grid(&self, out_dir: &Path) -> Result<SceneGrid, SynthError> {
        match self.centre {
            None => Ok(SceneGrid::new(self.size)),
            Some(at) => SceneGrid::centred_on(self.size, at).map_err(|source| SynthError::Place {
                path: out_dir.to_path_buf(),
                at,
                epsg: at.utm_epsg(),
                source,
            }),
        }
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
    /// EPSG code of the scene grid (32651 by default, the location's UTM zone with a centre).
    pub epsg: u32,
    /// Easting and northing (m) of the scene's upper-left corner in that CRS.
    pub origin: [f64; 2],
    /// Pixel size in metres.
    pub pixel_size_m: f64,
}
