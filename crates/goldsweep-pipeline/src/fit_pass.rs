//! Pass 1: a spatially stratified sample of both dates, from which the normalisation and the
//! change threshold are fitted — without reading the whole scene.
//!
//! The grid is cut into up to `STRATA × STRATA` strata, one per 3 × 3 file blocks at most,
//! and one window is taken near the centre of each, inside the file block that holds the
//! centre: GDAL decodes whole blocks, so a window that straddled a block boundary would cost up
//! to four decodes. Windows are `STRATA × WINDOW / strata` pixels a side (at most a block),
//! so the sample keeps its size (262 144 pixels) on smaller scenes while the blocks decoded
//! stay about a ninth of the scene: 64 blocks per date of a full Sentinel-2 tile (484 blocks
//! of 512 px), 16 of a quarter tile, 4 of a sixteenth.
//!
//! With the cloud screen on, each window is screened on its own ([`goldsweep_detect::cloud`])
//! before anything is fitted, so that unmasked clouds drive neither the normalisation nor the
//! threshold.

use goldsweep_detect::cloud::{screen, ScreenScratch};
use goldsweep_detect::evidence::change_magnitude;
use goldsweep_detect::lines::{line_noise, TileDifference};
use goldsweep_detect::normalise::{fit_normalisation, FitParams, PixelSample, SceneFit};
use goldsweep_detect::TileData;
use goldsweep_raster::block_cache::BlockShape;
use goldsweep_raster::{ScenePair, Window};
use ndarray::Array2;
use rayon::prelude::*;

use crate::error::SweepError;

/// Strata per axis, at most.
const STRATA: usize = 8;
/// Side of one sample window with `STRATA` strata per axis, in pixels.
const WINDOW: usize = 64;
/// Blocks along an axis per stratum, at least.
const BLOCKS_PER_STRATUM: usize = 3;

/// One window per stratum, row-major (see the module docs). Along each axis: one stratum per
/// `BLOCKS_PER_STRATUM` blocks, between 1 and `STRATA` (and at most one per pixel); each
/// window `STRATA × WINDOW / strata` pixels long but at most its stratum, centred on the
/// stratum's centre and moved (or shrunk) to lie inside the block holding that centre. Along
/// an axis whose blocks are shorter than `WINDOW` or span the whole axis (a striped file)
/// there are `STRATA` strata and the windows are only kept inside the grid.
pub fn sample_windows(width: usize, height: usize, block: BlockShape) -> Vec<Window> {
    let (cols, rows) = (
        sample_axis(width, block.width),
        sample_axis(height, block.height),
    );
    rows.iter()
        .flat_map(|&(row, h)| {
            cols.iter().map(move |&(col, w)| Window {
                col,
                row,
                width: w,
                height: h,
            })
        })
        .collect()
}

/// `(start, size)` of the sample windows along an axis of `len` pixels stored in blocks of
/// `block` pixels.
fn sample_axis(len: usize, block: usize) -> Vec<(usize, usize)> {
    if len == 0 {
        return Vec::new();
    }
    // Along an axis held in one block (or in blocks shorter than a window) every window decodes
    // the same blocks wherever it lies: stratify fully.
    let n = if block >= WINDOW && block < len {
        len.div_ceil(block)
            .div_ceil(BLOCKS_PER_STRATUM)
            .clamp(1, STRATA)
    } else {
        STRATA
    }
    .min(len);
    let size = (STRATA * WINDOW / n).min(len / n).max(1);
    (0..n)
        .map(|i| {
            let centre = (2 * i + 1) * len / (2 * n);
            // The cell the window must stay in: the centre's block, clipped to the grid.
            let (lo, hi) = if block >= size {
                let lo = centre / block * block;
                (lo, (lo + block).min(len))
            } else {
                (0, len)
            };
            let size = size.min(hi - lo);
            let start = centre.saturating_sub(size / 2).clamp(lo, hi - size);
            (start, size)
        })
        .collect()
}

/// The pixels valid in both dates of all windows (`valid`: each window's row-major validity),
/// per band, in window and row-major order.
fn pool_valid_pixels(tiles: &[TileData], valid: &[Vec<bool>], nb: usize) -> PixelSample {
    let mut sample = PixelSample::new(nb);
    for (tile, valid) in tiles.iter().zip(valid) {
        let dates = [
            (&tile.before, &mut sample.before),
            (&tile.after, &mut sample.after),
        ];
        for (stack, pooled) in dates {
            for (band, out) in stack.outer_iter().zip(pooled.iter_mut()).take(nb) {
                let kept = band.iter().zip(valid).filter(|(_, &ok)| ok);
                out.extend(kept.map(|(&v, _)| v));
            }
        }
    }
    sample
}

/// Reads the sample windows (in parallel, one reader per worker), screens them for cloud when
/// `cloud_screen` is set, and fits the scene: the band normalisation on the pooled valid
/// pixels, then the threshold on the change magnitude computed per window exactly as the
/// detector computes it (with its spatial smoothing), and the line noise of each band
/// ([`goldsweep_detect::lines`]).
pub fn fit_scene(
    pair: &ScenePair,
    params: &FitParams,
    cloud_screen: bool,
) -> Result<SceneFit, SweepError> {
    let grid = pair.grid();
    let windows = sample_windows(grid.width, grid.height, pair.block_shape());
    let nb = pair.bands().len();
    let mut tiles: Vec<TileData> = windows
        .par_iter()
        .map_init(
            || pair.reader(),
            |reader, w| -> Result<TileData, SweepError> {
                let reader = reader
                    .as_mut()
                    .map_err(|e| SweepError::Reader(e.to_string()))?;
                Ok(reader.read(*w)?)
            },
        )
        .collect::<Result<_, _>>()?;
    let screened: usize = if cloud_screen {
        tiles
            .par_iter_mut()
            .map_init(ScreenScratch::default, |scratch, tile| {
                let mut valid = Vec::new();
                let n = screen(scratch, tile, pair.bands(), &mut valid);
                tile.valid = Array2::from_shape_vec(tile.valid.dim(), valid)
                    .map_err(|e| SweepError::Internal(format!("cloud screen of a window: {e}")))?;
                Ok(n)
            })
            .sum::<Result<usize, SweepError>>()?
    } else {
        0
    };
    let valid: Vec<Vec<bool>> = tiles
        .iter()
        .map(|t| t.valid.iter().copied().collect())
        .collect();
    let sample = pool_valid_pixels(&tiles, &valid, nb);
    if sample.len() < 100 {
        return Err(SweepError::NoValidPixels {
            before: pair.before().path().to_path_buf(),
            after: pair.after().path().to_path_buf(),
            found: sample.len(),
        });
    }
    let bands = fit_normalisation(&sample, params).map_err(|e| SweepError::Fit(e.to_string()))?;
    let magnitudes: Vec<f32> = tiles
        .par_iter()
        .map(|t| change_magnitude(t, nb, &bands))
        .collect::<Vec<_>>()
        .iter()
        .flat_map(|m| {
            m.iter()
                .copied()
                .filter(|v| !v.is_nan())
                .collect::<Vec<_>>()
        })
        .collect();
    let differences: Vec<TileDifference> = tiles
        .iter()
        .zip(&valid)
        .map(|(tile, valid)| TileDifference {
            tile,
            valid,
            fit: &bands,
        })
        .collect();
    let line_noise = line_noise(&differences, nb);
    Ok(SceneFit {
        cloud_screened_pixels: screened,
        line_noise,
        ..SceneFit::with_threshold(bands, &magnitudes, sample.len(), params)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    const S2_BLOCKS: BlockShape = BlockShape {
        width: 512,
        height: 512,
    };

    /// Indices of the block window `w` starts in, after checking it ends in the same one.
    fn block_of(w: &Window, b: BlockShape) -> (usize, usize) {
        let first = (w.col / b.width, w.row / b.height);
        let last = (
            (w.col + w.width - 1) / b.width,
            (w.row + w.height - 1) / b.height,
        );
        assert_eq!(first, last, "{w:?} straddles blocks");
        first
    }

    #[test]
    fn sample_windows_stay_inside_and_cover_small_grids() {
        for (w, h) in [(400, 400), (10, 7), (5000, 300), (1, 1), (10980, 10980)] {
            let ws = sample_windows(w, h, S2_BLOCKS);
            assert!(!ws.is_empty());
            for win in &ws {
                assert!(win.width > 0 && win.height > 0, "{w}x{h} {win:?}");
                assert!(
                    win.col + win.width <= w && win.row + win.height <= h,
                    "{w}x{h} {win:?}"
                );
            }
        }
        // A grid inside one block, 8 × 8 strata of 50 px: the windows tile it exactly.
        let area: usize = sample_windows(400, 400, S2_BLOCKS)
            .iter()
            .map(|w| w.width * w.height)
            .sum();
        assert_eq!(area, 400 * 400);
        assert!(sample_windows(0, 10, S2_BLOCKS).is_empty());
    }

    #[test]
    fn a_full_tile_is_sampled_from_64_blocks_one_window_each() {
        let ws = sample_windows(10980, 10980, S2_BLOCKS);
        assert_eq!(ws.len(), 64);
        let blocks: HashSet<_> = ws.iter().map(|w| block_of(w, S2_BLOCKS)).collect();
        assert_eq!(blocks.len(), 64);
        assert!(ws.iter().all(|w| w.width == 64 && w.height == 64));
        // Stratified: window (i, j) lies in stratum (i, j) of the 8 × 8 grid of 1372.5 px.
        for (k, w) in ws.iter().enumerate() {
            let (i, j) = (k / 8, k % 8);
            let stratum = |p: usize| p * 8 / 10980;
            assert_eq!((stratum(w.row), stratum(w.col)), (i, j), "{w:?}");
            assert_eq!((stratum(w.row + 63), stratum(w.col + 63)), (i, j), "{w:?}");
        }
        assert_eq!(ws, sample_windows(10980, 10980, S2_BLOCKS));
    }

    #[test]
    fn windows_near_a_block_edge_move_inside_the_block() {
        // Stratum centres of a 16384 px axis fall on odd multiples of 1024: on block
        // boundaries, where a centred window would straddle two blocks.
        let ws = sample_windows(16384, 16384, S2_BLOCKS);
        for w in &ws {
            block_of(w, S2_BLOCKS);
            assert_eq!((w.width, w.height), (64, 64));
        }
        assert_eq!((ws[0].col, ws[0].row, ws[1].col), (1024, 1024, 3072));
        // Smaller scenes: fewer, larger windows, about a ninth of the blocks, same sample size.
        for (len, strata, side) in [(5490, 4, 128), (2745, 2, 256)] {
            let ws = sample_windows(len, len, S2_BLOCKS);
            assert_eq!(ws.len(), strata * strata, "{len}");
            let blocks: HashSet<_> = ws.iter().map(|w| block_of(w, S2_BLOCKS)).collect();
            assert_eq!(blocks.len(), strata * strata, "{len}");
            assert!(
                ws.iter().all(|w| (w.width, w.height) == (side, side)),
                "{len}"
            );
        }
        // Small blocks (a 2745 px scene in 256 px blocks) still give one block per window.
        let small = BlockShape {
            width: 256,
            height: 256,
        };
        for w in &sample_windows(2745, 2745, small) {
            block_of(w, small);
        }
    }

    #[test]
    fn striped_files_keep_full_size_windows() {
        let strips = BlockShape {
            width: 10980,
            height: 1,
        };
        let ws = sample_windows(10980, 10980, strips);
        assert_eq!(ws.len(), 64);
        assert!(ws.iter().all(|w| w.width == 64 && w.height == 64));
    }
}
