//! The tiling plan: block-aligned core windows that cover the grid exactly once, each read with
//! a halo so that neighbourhood operations are exact in the core.

use goldsweep_raster::Window;

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TilePlan {
    pub width: usize,
    pub height: usize,
    pub tile_size: usize,
    pub halo: usize,
    pub tiles_across: usize,
    pub tiles_down: usize,
}

impl TilePlan {
    /// `tile_size` is clamped to at least 16 pixels.
    pub fn new(width: usize, height: usize, tile_size: usize, halo: usize) -> TilePlan {
        let tile_size = tile_size.max(16);
        TilePlan {
            width,
            height,
            tile_size,
            halo,
            tiles_across: width.div_ceil(tile_size),
            tiles_down: height.div_ceil(tile_size),
        }
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
        let row = tile_row * self.tile_size;
        let core = Window {
            col,
            row,
            width: self.tile_size.min(self.width - col),
            height: self.tile_size.min(self.height - row),
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
}
