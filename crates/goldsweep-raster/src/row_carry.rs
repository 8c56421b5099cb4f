//! The rows a window read down a column range shares with the next window below it.
//!
//! Tiles read with a halo overlap their neighbours: the window of the tile below starts
//! `2 × halo` rows above the end of this one. A [`RowCarry`] keeps those bottom rows (both
//! dates and their validity) so that [`crate::PairReader::read_down`] copies them instead of
//! asking GDAL again, which would reach back into a block row that is about to leave the
//! cache.

use goldsweep_detect::TileData;
use ndarray::{s, ArrayView2, ArrayView3};

use crate::grid::Window;

/// The bottom rows of the last window read down one column range (see the module docs).
///
/// One per column range a worker walks down; it holds `keep × width × bands × 2` values.
#[derive(Debug, Clone)]
pub struct RowCarry {
    keep: usize,
    /// The scene window of the rows held (height 0: nothing held).
    held: Window,
    /// `(band, row, col)` of the held rows, row-major.
    before: Vec<f32>,
    after: Vec<f32>,
    valid: Vec<bool>,
}

impl RowCarry {
    /// A carry that keeps the last `keep` rows of each window (twice the halo a tile is read
    /// with: the overlap of two vertically adjacent tile windows).
    pub fn new(keep: usize) -> RowCarry {
        RowCarry {
            keep,
            held: Window::new(0, 0, 0, 0),
            before: Vec::new(),
            after: Vec::new(),
            valid: Vec::new(),
        }
    }

    /// Copies the top rows of `w` that are held here into the top of `out` (shaped for `w`)
    /// and returns how many; 0 unless the held rows have `w`'s columns and cover its first row.
    pub(crate) fn restore(&self, w: Window, out: &mut TileData) -> usize {
        let h = self.held;
        let bands = out.before.dim().0;
        let usable = h.height > 0
            && h.col == w.col
            && h.width == w.width
            && h.row <= w.row
            && w.row < h.row + h.height
            && self.before.len() == bands * h.height * h.width;
        if !usable {
            return 0;
        }
        let skip = w.row - h.row;
        let rows = (h.row + h.height - w.row).min(w.height);
        let shape = (bands, h.height, h.width);
        let copy = |held: &[f32], out: &mut ndarray::Array3<f32>| {
            if let Ok(held) = ArrayView3::from_shape(shape, held) {
                out.slice_mut(s![.., ..rows, ..]).assign(&held.slice(s![
                    ..,
                    skip..skip + rows,
                    ..
                ]));
            }
        };
        copy(&self.before, &mut out.before);
        copy(&self.after, &mut out.after);
        if let Ok(valid) = ArrayView2::from_shape((h.height, h.width), &self.valid[..]) {
            out.valid
                .slice_mut(s![..rows, ..])
                .assign(&valid.slice(s![skip..skip + rows, ..]));
        }
        rows
    }

    /// Keeps the bottom rows of `tile`, the data of window `w`.
    pub(crate) fn keep(&mut self, w: Window, tile: &TileData) {
        let rows = self.keep.min(w.height);
        let first = w.height - rows;
        self.held = Window {
            col: w.col,
            row: w.row + first,
            width: w.width,
            height: rows,
        };
        let take = |from: &ndarray::Array3<f32>, into: &mut Vec<f32>| {
            into.clear();
            into.extend(from.slice(s![.., first.., ..]).iter());
        };
        take(&tile.before, &mut self.before);
        take(&tile.after, &mut self.after);
        self.valid.clear();
        self.valid
            .extend(tile.valid.slice(s![first.., ..]).iter().copied());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array2, Array3};

    /// Window `w` of a 2-band scene where band b at (row, col) holds `1000 b + 100 row + col`
    /// (after: the negative) and a pixel is valid when row + col is even.
    fn tile(w: Window) -> TileData {
        let value =
            |b: usize, r: usize, c: usize| (1000 * b + 100 * (w.row + r) + w.col + c) as f32;
        TileData {
            before: Array3::from_shape_fn((2, w.height, w.width), |(b, r, c)| value(b, r, c)),
            after: Array3::from_shape_fn((2, w.height, w.width), |(b, r, c)| -value(b, r, c)),
            valid: Array2::from_shape_fn((w.height, w.width), |(r, c)| {
                (w.row + r + w.col + c) % 2 == 0
            }),
        }
    }

    fn blank(w: Window) -> TileData {
        TileData {
            before: Array3::zeros((2, w.height, w.width)),
            after: Array3::zeros((2, w.height, w.width)),
            valid: Array2::default((w.height, w.width)),
        }
    }

    #[test]
    fn restores_the_overlap_with_the_window_below() {
        let mut carry = RowCarry::new(6);
        let above = Window::new(4, 0, 9, 19);
        carry.keep(above, &tile(above));
        let below = Window::new(4, 13, 9, 22);
        let mut out = blank(below);
        assert_eq!(carry.restore(below, &mut out), 6);
        let want = tile(below);
        let top = s![.., ..6, ..];
        assert_eq!(out.before.slice(top), want.before.slice(top));
        assert_eq!(out.after.slice(top), want.after.slice(top));
        assert_eq!(out.valid.slice(s![..6, ..]), want.valid.slice(s![..6, ..]));
        assert!(out.before.slice(s![.., 6.., ..]).iter().all(|&v| v == 0.0));
    }

    #[test]
    fn restores_nothing_for_other_columns_or_a_gap() {
        let mut carry = RowCarry::new(6);
        let above = Window::new(4, 0, 9, 19);
        carry.keep(above, &tile(above));
        for w in [
            Window::new(5, 13, 9, 10),
            Window::new(4, 13, 8, 10),
            Window::new(4, 19, 9, 10),
            Window::new(4, 12, 9, 10),
        ] {
            assert_eq!(carry.restore(w, &mut blank(w)), 0, "{w:?}");
        }
        // A window starting inside the held rows takes the part it shares.
        let w = Window::new(4, 16, 9, 2);
        let mut out = blank(w);
        assert_eq!(carry.restore(w, &mut out), 2);
        assert_eq!(out.before, tile(w).before);
        assert_eq!(RowCarry::new(6).restore(w, &mut blank(w)), 0);
    }
}
