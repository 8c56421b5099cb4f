//! Pass 2: every tile in parallel — read, detect, label — reduced to what stitching and
//! writing need: fragment features, run-length pixels and the labels along the core's edges.

use goldsweep_detect::evidence::{group, EvidenceParams};
use goldsweep_detect::morphology::HALO;
use goldsweep_detect::normalise::SceneFit;
use goldsweep_detect::object_stats::ObjectStats;
use goldsweep_detect::tile::{detect_tile, Core};
use goldsweep_raster::{ScenePair, Window};
use rayon::prelude::*;

use crate::error::SweepError;
use crate::tile_plan::{TilePlan, TileSpec};
use crate::Progress;

/// A horizontal run of pixels `[col_start, col_end)` on scene row `row` with one value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    pub row: u32,
    pub col_start: u32,
    pub col_end: u32,
    /// Local fragment label (1-based) for change runs, unused for invalid runs.
    pub label: u32,
}

/// What one tile hands on.
#[derive(Debug, Clone)]
pub struct TileOutput {
    pub spec: TileSpec,
    pub fragments: Vec<ObjectStats>,
    pub change_runs: Vec<Run>,
    pub invalid_runs: Vec<Run>,
    pub valid_pixels: u64,
    /// Local labels along the core's borders (0 = none), left to right / top to bottom.
    pub top: Vec<u32>,
    pub bottom: Vec<u32>,
    pub left: Vec<u32>,
    pub right: Vec<u32>,
}

/// The plan used for a grid and tile size.
pub fn plan(pair: &ScenePair, tile_size: usize) -> TilePlan {
    TilePlan::new(pair.grid().width, pair.grid().height, tile_size, HALO)
}

/// Runs the kernel over every tile. The output is in plan order whatever the thread count.
pub fn detect_all(
    pair: &ScenePair,
    plan: &TilePlan,
    fit: &SceneFit,
    params: &EvidenceParams,
    progress: Option<&dyn Progress>,
) -> Result<Vec<TileOutput>, SweepError> {
    if let Some(p) = progress {
        p.start(plan.len(), (plan.width * plan.height) as u64);
    }
    let out = plan
        .tiles()
        .par_iter()
        .map_init(
            || pair.reader(),
            |reader, spec| {
                let reader = reader
                    .as_mut()
                    .map_err(|e| SweepError::Reader(e.to_string()))?;
                let tile = reader.read(spec.read)?;
                let core = Core {
                    row_offset: spec.core.row - spec.read.row,
                    col_offset: spec.core.col - spec.read.col,
                    rows: spec.core.height,
                    cols: spec.core.width,
                    scene_row: spec.core.row as u64,
                    scene_col: spec.core.col as u64,
                };
                let det = detect_tile(&tile, pair.bands(), fit, params, core);
                if let Some(p) = progress {
                    p.tile_done((spec.core.width * spec.core.height) as u64);
                }
                Ok(summarise(*spec, det))
            },
        )
        .collect();
    if let Some(p) = progress {
        p.finish();
    }
    out
}

fn summarise(spec: TileSpec, det: goldsweep_detect::tile::TileDetection) -> TileOutput {
    let labels = &det.fragments.labels;
    let (rows, cols) = labels.dim();
    let mut change_runs = Vec::new();
    let mut invalid_runs = Vec::new();
    let mut valid_pixels = 0u64;
    for r in 0..rows {
        let row = (spec.core.row + r) as u32;
        let mut c = 0;
        while c < cols {
            let l = labels[[r, c]];
            let invalid = det.groups[[r, c]] == group::INVALID;
            let start = c;
            while c < cols
                && labels[[r, c]] == l
                && (det.groups[[r, c]] == group::INVALID) == invalid
            {
                c += 1;
            }
            let run = Run {
                row,
                col_start: (spec.core.col + start) as u32,
                col_end: (spec.core.col + c) as u32,
                label: l,
            };
            if invalid {
                invalid_runs.push(run);
            } else {
                valid_pixels += (c - start) as u64;
                if l != 0 {
                    change_runs.push(run);
                }
            }
        }
    }
    TileOutput {
        spec,
        top: labels.row(0).to_vec(),
        bottom: labels.row(rows - 1).to_vec(),
        left: labels.column(0).to_vec(),
        right: labels.column(cols - 1).to_vec(),
        fragments: det.fragments.stats,
        change_runs,
        invalid_runs,
        valid_pixels,
    }
}

/// The window of a tile's core (for writers).
pub fn core_window(t: &TileOutput) -> Window {
    t.spec.core
}
