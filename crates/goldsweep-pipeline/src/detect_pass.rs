//! Pass 2: every tile in parallel — read, detect, label — reduced to what stitching and
//! writing need: fragment features, run-length pixels and the labels along the core's edges.
//!
//! One worker per thread, each with its own GDAL handles, walks down vertical strips of the
//! plan (see [`crate::tile_plan`]): the strip width is chosen so that all workers' block caches
//! fit [`WALK_BUDGET`], and each worker carries the halo rows one tile shares with the tile
//! below instead of reading them twice, so every block of the scene is decoded about once.

use std::sync::atomic::{AtomicBool, Ordering};

use goldsweep_detect::evidence::{group, EvidenceParams};
use goldsweep_detect::morphology::HALO;
use goldsweep_detect::normalise::SceneFit;
use goldsweep_detect::object_stats::ObjectStats;
use goldsweep_detect::tile::{detect_tile_with, Core, TileScratch};
use goldsweep_detect::TileData;
use goldsweep_raster::block_cache::{WalkRows, WALK_BUDGET};
use goldsweep_raster::{RowCarry, ScenePair};
use ndarray::{Array2, Array3};

use crate::error::SweepError;
use crate::focus::FocusZones;
use crate::tile_plan::{StripLayout, StripQueue, TilePlan, TileSpec};
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

impl Run {
    /// The pixels of the run, `(row, col)`, left to right.
    pub fn pixels(&self) -> impl Iterator<Item = (u32, u32)> {
        let row = self.row;
        (self.col_start..self.col_end).map(move |c| (row, c))
    }

    /// The 8 neighbours of every pixel of the run that lie in non-negative coordinates, in
    /// [`NEIGHBOURS`](goldsweep_detect::morphology::NEIGHBOURS) order pixel by pixel
    /// (neighbours shared by two pixels come twice, pixels of the run itself too).
    pub fn neighbours(&self) -> impl Iterator<Item = (u32, u32)> {
        use goldsweep_detect::morphology::NEIGHBOURS;
        self.pixels().flat_map(|(r, c)| {
            NEIGHBOURS.iter().filter_map(move |&(dr, dc)| {
                Some((
                    r.checked_add_signed(dr as i32)?,
                    c.checked_add_signed(dc as i32)?,
                ))
            })
        })
    }
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

/// The plan used for a grid and tile size: tile rows aligned on the files' block rows where
/// both dates share them (see [`TilePlan::block_aligned`]).
pub fn plan(pair: &ScenePair, tile_size: usize) -> TilePlan {
    let (width, height) = (pair.grid().width, pair.grid().height);
    match pair.row_block_height() {
        Some(block_height) => TilePlan::block_aligned(width, height, tile_size, HALO, block_height),
        None => TilePlan::new(width, height, tile_size, HALO),
    }
}

/// How the rows a walk down `plan` reads lie on the files' blocks.
fn walk_rows(plan: &TilePlan) -> WalkRows {
    if plan.rows_block_aligned() {
        WalkRows::BlockAligned
    } else {
        WalkRows::Straddling
    }
}

/// The strips `workers` workers walk `plan` in: as wide as their block caches together allow
/// within [`WALK_BUDGET`] (see [`StripLayout::choose`]).
pub fn strip_layout(pair: &ScenePair, plan: &TilePlan, workers: usize) -> StripLayout {
    let rows = walk_rows(plan);
    StripLayout::choose(plan, |col, width| {
        (workers.max(1) as u64).saturating_mul(pair.walk_cache_need(col, width, rows))
            <= WALK_BUDGET
    })
}

/// Runs the kernel over every tile, one worker per thread of the current rayon pool. The
/// output is in plan order whatever the thread count and whoever computed which tile.
///
/// Errors: the first failing read in plan order among those that failed (workers stop taking
/// tiles once one has failed).
pub fn detect_all(
    pair: &ScenePair,
    plan: &TilePlan,
    fit: &SceneFit,
    params: &EvidenceParams,
    focus: &FocusZones,
    progress: Option<&dyn Progress>,
) -> Result<Vec<TileOutput>, SweepError> {
    if let Some(p) = progress {
        p.start(plan.len(), (plan.width * plan.height) as u64);
    }
    let workers = rayon::current_num_threads().max(1);
    let layout = strip_layout(pair, plan, workers);
    let walk = Walk {
        pair,
        plan,
        layout,
        fit,
        params,
        focus,
        progress,
        queue: StripQueue::new(layout.strips, plan.tiles_down, workers),
        failed: AtomicBool::new(false),
    };
    let done = rayon::broadcast(|ctx| walk.worker(ctx.index()));
    if let Some(p) = progress {
        p.finish();
    }
    let mut slots: Vec<Option<TileOutput>> = vec![None; plan.len()];
    let mut first_error: Option<(usize, SweepError)> = None;
    for (outputs, error) in done {
        for t in outputs {
            let i = t.spec.index;
            if let Some(slot) = slots.get_mut(i) {
                *slot = Some(t);
            }
        }
        if let Some((i, e)) = error {
            if first_error.as_ref().map_or(true, |(j, _)| i < *j) {
                first_error = Some((i, e));
            }
        }
    }
    if let Some((_, e)) = first_error {
        return Err(e);
    }
    let computed = slots.iter().filter(|s| s.is_some()).count();
    if computed != plan.len() {
        return Err(SweepError::Internal(format!(
            "the detect pass computed {computed} of {} tiles",
            plan.len()
        )));
    }
    Ok(slots.into_iter().flatten().collect())
}

/// What the workers of one detect pass share.
struct Walk<'a> {
    pair: &'a ScenePair,
    plan: &'a TilePlan,
    layout: StripLayout,
    fit: &'a SceneFit,
    params: &'a EvidenceParams,
    /// Where the change threshold is lowered (see [`crate::focus`]).
    focus: &'a FocusZones,
    progress: Option<&'a dyn Progress>,
    queue: StripQueue,
    /// Set by the first worker that fails; the others then stop taking tiles.
    failed: AtomicBool,
}

/// A worker's outputs, and the plan index and error of the tile it failed on.
type WorkerResult = (Vec<TileOutput>, Option<(usize, SweepError)>);

impl Walk<'_> {
    /// One worker: takes tile rows of strips from the queue until none are left, reading each
    /// tile into one reused buffer and the halo rows from the carry of its tile column, and
    /// running the kernel in one reused scratch.
    fn worker(&self, worker: usize) -> WorkerResult {
        let mut outputs = Vec::new();
        let mut reader = match self.pair.reader() {
            Ok(r) => r,
            Err(e) => {
                self.failed.store(true, Ordering::Relaxed);
                return (outputs, Some((0, e.into())));
            }
        };
        let mut tile = TileData {
            before: Array3::zeros((0, 0, 0)),
            after: Array3::zeros((0, 0, 0)),
            valid: Array2::default((0, 0)),
        };
        let mut scratch = TileScratch::default();
        let to_work = match self.focus.window_map(self.pair.grid()) {
            Ok(f) => f,
            Err(e) => {
                self.failed.store(true, Ordering::Relaxed);
                return (outputs, Some((0, e)));
            }
        };
        // One carry per tile column of a strip: the rows the next tile down shares.
        let mut carries: Vec<RowCarry> = (0..self.layout.strip_tiles)
            .map(|_| RowCarry::new(2 * self.plan.halo))
            .collect();
        let mut walking = None;
        while !self.failed.load(Ordering::Relaxed) {
            let Some((strip, tile_row)) = self.queue.next(worker) else {
                break;
            };
            let cols = self.plan.strip_tile_columns(self.layout.strip_tiles, strip);
            if walking != Some(strip) {
                let (col, width) = self.plan.read_columns(cols.clone());
                reader.walk_columns(col, width, walk_rows(self.plan));
                walking = Some(strip);
            }
            for (tile_col, carry) in cols.zip(&mut carries) {
                let spec = self.plan.tile(tile_row, tile_col);
                if let Err(e) = reader.read_down(spec.read, &mut tile, carry) {
                    self.failed.store(true, Ordering::Relaxed);
                    return (outputs, Some((spec.index, e.into())));
                }
                let mask = match to_work.mask(self.focus, spec.read) {
                    Ok(m) => m,
                    Err(e) => {
                        self.failed.store(true, Ordering::Relaxed);
                        return (outputs, Some((spec.index, e)));
                    }
                };
                let det = detect_tile_with(
                    &mut scratch,
                    &tile,
                    self.pair.bands(),
                    self.fit,
                    self.params,
                    core(&spec),
                    mask.as_ref().map(|m| m.view()),
                );
                if let Some(p) = self.progress {
                    p.tile_done((spec.core.width * spec.core.height) as u64);
                }
                outputs.push(summarise(spec, det));
            }
        }
        (outputs, None)
    }
}

/// Where the core of `spec` lies in its read window.
fn core(spec: &TileSpec) -> Core {
    Core {
        row_offset: spec.core.row - spec.read.row,
        col_offset: spec.core.col - spec.read.col,
        rows: spec.core.height,
        cols: spec.core.width,
        scene_row: spec.core.row as u64,
        scene_col: spec.core.col as u64,
    }
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
