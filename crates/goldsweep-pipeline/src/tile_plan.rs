//! The tiling plan: block-aligned core windows that cover the grid exactly once, each read with
//! a halo so that neighbourhood operations are exact in the core — and the order in which
//! workers walk it.
//!
//! # Walking in strips
//!
//! GDAL decodes whole blocks and keeps them in a cache per reader, so a worker that walks the
//! plan row by row across the whole scene needs a row of blocks as wide as the scene cached —
//! two rows when the halo of one tile row reaches into the next block row, one when the plan's
//! rows are shifted by the halo so that each read below the carried rows starts on a block row
//! ([`TilePlan::block_aligned`]). Instead the plan is cut into vertical
//! [strips](StripLayout) of `strip_tiles` tile columns; a worker walks down a strip tile row by
//! tile row (left to right inside a row), so what it must keep cached depends on the strip's
//! width, not the scene's. The [`StripQueue`] hands strips (and, at the end, halves of what is
//! left of them) to workers. The order only affects speed: every tile is computed on its own
//! and the pass puts the outputs back in plan order.

mod strip_queue;

use std::ops::Range;

use goldsweep_raster::Window;

pub use strip_queue::StripQueue;

/// One unit of work: the core it is responsible for and the (larger) window it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TileSpec {
    /// Position in the plan, row-major.
    pub index: usize,
    pub tile_row: usize,
    pub tile_col: usize,
    /// Pixels this tile owns.
    pub core: Window,
    /// Pixels it reads: the core plus up to `halo` pixels on each side, clipped to the grid.
    pub read: Window,
}

/// A regular grid of tiles over a `width × height` raster.
///
/// Tile columns start at multiples of `tile_size`. Tile rows start at multiples of `tile_size`
/// less `row_shift` (the first row is `row_shift` pixels shorter): with `row_shift` equal to
/// the halo, the rows a tile reads below the ones it shares with the tile above begin exactly
/// on a block row of the file, so a worker walking down needs one block row cached, not two.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TilePlan {
    pub width: usize,
    pub height: usize,
    pub tile_size: usize,
    pub halo: usize,
    /// How far tile row boundaries sit above the multiples of `tile_size` (`< tile_size`).
    pub row_shift: usize,
    pub tiles_across: usize,
    pub tiles_down: usize,
}

impl TilePlan {
    /// `tile_size` is clamped to at least 16 pixels; tile rows start at multiples of it.
    pub fn new(width: usize, height: usize, tile_size: usize, halo: usize) -> TilePlan {
        TilePlan::with_row_shift(width, height, tile_size, halo, 0)
    }

    /// The plan for a raster stored in blocks `block_height` rows tall: when the tile size
    /// and the block height divide one into the other, tile rows are shifted up by the halo
    /// so that walking down decodes each block row in one go (see [`TilePlan`]).
    pub fn block_aligned(
        width: usize,
        height: usize,
        tile_size: usize,
        halo: usize,
        block_height: usize,
    ) -> TilePlan {
        let t = tile_size.max(16);
        let nested = block_height > 0 && (t % block_height == 0 || block_height % t == 0);
        let shift = if nested && halo < t && block_height < height {
            halo
        } else {
            0
        };
        TilePlan::with_row_shift(width, height, tile_size, halo, shift)
    }

    fn with_row_shift(
        width: usize,
        height: usize,
        tile_size: usize,
        halo: usize,
        row_shift: usize,
    ) -> TilePlan {
        let tile_size = tile_size.max(16);
        let row_shift = row_shift.min(tile_size - 1);
        TilePlan {
            width,
            height,
            tile_size,
            halo,
            row_shift,
            tiles_across: width.div_ceil(tile_size),
            tiles_down: (height + row_shift).div_ceil(tile_size),
        }
    }

    /// Whether tile rows are aligned so that walking down needs one block row cached.
    pub fn rows_block_aligned(&self) -> bool {
        self.row_shift == self.halo && self.halo > 0
    }

    pub fn len(&self) -> usize {
        self.tiles_across * self.tiles_down
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The tile at plan position `(tile_row, tile_col)`.
    pub fn tile(&self, tile_row: usize, tile_col: usize) -> TileSpec {
        let col = tile_col * self.tile_size;
        let row = (tile_row * self.tile_size).saturating_sub(self.row_shift);
        let row_end = ((tile_row + 1) * self.tile_size - self.row_shift).min(self.height);
        let core = Window {
            col,
            row,
            width: self.tile_size.min(self.width - col),
            height: row_end - row,
        };
        let c0 = col.saturating_sub(self.halo);
        let r0 = row.saturating_sub(self.halo);
        let c1 = (col + core.width + self.halo).min(self.width);
        let r1 = (row + core.height + self.halo).min(self.height);
        TileSpec {
            index: tile_row * self.tiles_across + tile_col,
            tile_row,
            tile_col,
            core,
            read: Window {
                col: c0,
                row: r0,
                width: c1 - c0,
                height: r1 - r0,
            },
        }
    }

    /// All tiles, row-major.
    pub fn tiles(&self) -> Vec<TileSpec> {
        (0..self.tiles_down)
            .flat_map(|r| (0..self.tiles_across).map(move |c| (r, c)))
            .map(|(r, c)| self.tile(r, c))
            .collect()
    }
}

impl TilePlan {
    /// Number of strips of `strip_tiles` tile columns (the last may be narrower).
    pub fn strip_count(&self, strip_tiles: usize) -> usize {
        self.tiles_across.div_ceil(strip_tiles.max(1))
    }

    /// Tile columns of strip `strip`.
    pub fn strip_tile_columns(&self, strip_tiles: usize, strip: usize) -> Range<usize> {
        let s = strip_tiles.max(1);
        (strip * s).min(self.tiles_across)..((strip + 1) * s).min(self.tiles_across)
    }

    /// Pixel columns `(col, width)` the tiles in `tile_cols` read: their cores plus the halo on
    /// either side, clipped to the grid.
    pub fn read_columns(&self, tile_cols: Range<usize>) -> (usize, usize) {
        if tile_cols.is_empty() {
            return (0, 0);
        }
        let first = self.tile(0, tile_cols.start).read;
        let last = self.tile(0, tile_cols.end - 1).read;
        (first.col, last.col + last.width - first.col)
    }

    /// Tile columns of the strip of `strip_tiles` columns that reads the most: one with a halo
    /// on both sides where the plan is wide enough.
    fn widest_strip(&self, strip_tiles: usize) -> Range<usize> {
        let s = strip_tiles.clamp(1, self.tiles_across.max(1));
        let start = usize::from(s + 1 < self.tiles_across);
        start..start + s
    }
}

/// How the plan is cut into vertical strips for walking (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StripLayout {
    /// Tile columns per strip (the last strip may have fewer).
    pub strip_tiles: usize,
    /// Number of strips.
    pub strips: usize,
}

impl StripLayout {
    /// The layout for `plan`, where `fits(cols, width)` says whether all workers together can
    /// keep cached what walking down strips reading the pixel columns `[cols, cols + width)`
    /// takes.
    ///
    /// The widest strip that fits (at least one tile column) bounds the strip width; the
    /// plan is then cut into as few strips as that allows, all as wide as possible alike
    /// (22 tile columns and room for 15 give two strips of 11). Fewer, wider strips mean fewer
    /// seams where a worker decodes blocks of its neighbour's strip for its halo.
    pub fn choose(plan: &TilePlan, fits: impl Fn(usize, usize) -> bool) -> StripLayout {
        let across = plan.tiles_across;
        if across == 0 {
            return StripLayout {
                strip_tiles: 1,
                strips: 0,
            };
        }
        let fits_tiles = |s: usize| {
            let (col, width) = plan.read_columns(plan.widest_strip(s));
            fits(col, width)
        };
        let widest = (1..=across).rev().find(|&s| fits_tiles(s)).unwrap_or(1);
        let strips = across.div_ceil(widest);
        let strip_tiles = across.div_ceil(strips);
        StripLayout {
            strip_tiles,
            strips: plan.strip_count(strip_tiles),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cores_cover_the_grid_once_and_halos_are_clipped() {
        let plan = TilePlan::new(100, 70, 32, 2);
        let mut count = vec![0u8; 100 * 70];
        for t in plan.tiles() {
            for r in t.core.row..t.core.row + t.core.height {
                for c in t.core.col..t.core.col + t.core.width {
                    count[r * 100 + c] += 1;
                }
            }
            assert!(t.read.col + t.read.width <= 100 && t.read.row + t.read.height <= 70);
        }
        assert!(count.iter().all(|&c| c == 1));
        let t = plan.tile(1, 1);
        assert_eq!((t.read.col, t.read.row, t.read.width), (30, 30, 36));
        assert_eq!(plan.tile(0, 0).read.col, 0);
    }

    #[test]
    fn block_aligned_rows_read_whole_block_rows_below_the_carried_halo() {
        let plan = TilePlan::block_aligned(100, 1100, 256, 3, 128);
        assert!(plan.rows_block_aligned());
        assert_eq!(plan.tiles_down, 5);
        let mut count = vec![0u8; 1100];
        for r in 0..plan.tiles_down {
            let t = plan.tile(r, 0);
            count[t.core.row..t.core.row + t.core.height]
                .iter_mut()
                .for_each(|c| *c += 1);
            // Below the 2 × halo rows shared with the tile above, reads start on a block row.
            if r > 0 {
                assert_eq!((t.read.row + 2 * plan.halo) % 128, 0, "tile row {r}");
            }
        }
        assert!(count.iter().all(|&c| c == 1));
        assert_eq!(plan.tile(0, 0).core.height, 253);
        assert_eq!(
            plan.tile(4, 0).core,
            Window {
                col: 0,
                row: 1021,
                width: 100,
                height: 79
            }
        );
        // Tile and block sizes that do not nest, or a single block row: no shift.
        assert!(!TilePlan::block_aligned(100, 1100, 200, 3, 128).rows_block_aligned());
        assert!(!TilePlan::block_aligned(100, 100, 256, 3, 128).rows_block_aligned());
        assert!(TilePlan::block_aligned(100, 3000, 256, 3, 1024).rows_block_aligned());
    }

    #[test]
    fn strips_cover_the_tile_columns_once() {
        let plan = TilePlan::new(1000, 300, 64, 3);
        assert_eq!(plan.tiles_across, 16);
        for strip_tiles in [1, 3, 5, 16, 40] {
            let n = plan.strip_count(strip_tiles);
            let cols: Vec<usize> = (0..n)
                .flat_map(|s| plan.strip_tile_columns(strip_tiles, s))
                .collect();
            assert_eq!(cols, (0..16).collect::<Vec<_>>(), "{strip_tiles}");
        }
        assert_eq!(plan.read_columns(0..2), (0, 131));
        assert_eq!(plan.read_columns(2..5), (125, 198));
        assert_eq!(plan.read_columns(15..16), (957, 43));
    }

    #[test]
    fn the_strip_width_follows_the_cache_and_balances_the_strips() {
        // 10980 px in 512 px tiles: 22 tile columns.
        let plan = TilePlan::new(10980, 10980, 512, 3);
        // Room for strips reading at most 15 tiles and their halo: two strips of 11.
        let room = |px: usize| move |_: usize, width: usize| width <= px;
        let layout = StripLayout::choose(&plan, room(15 * 512 + 6));
        assert_eq!(
            layout,
            StripLayout {
                strip_tiles: 11,
                strips: 2
            }
        );
        // Room for everything: one strip; for nothing: one tile column per strip.
        let layout = StripLayout::choose(&plan, room(usize::MAX));
        assert_eq!(
            layout,
            StripLayout {
                strip_tiles: 22,
                strips: 1
            }
        );
        let layout = StripLayout::choose(&plan, room(0));
        assert_eq!(
            layout,
            StripLayout {
                strip_tiles: 1,
                strips: 22
            }
        );
        // Room for 8: three strips of 8, 8 and 6.
        let layout = StripLayout::choose(&plan, room(8 * 512 + 6));
        assert_eq!(
            layout,
            StripLayout {
                strip_tiles: 8,
                strips: 3
            }
        );
        let quarter = TilePlan::new(5490, 5490, 512, 3);
        let layout = StripLayout::choose(&quarter, room(15 * 512 + 6));
        assert_eq!(
            layout,
            StripLayout {
                strip_tiles: 11,
                strips: 1
            }
        );
    }
}
