//! The per-tile kernel: evidence → clean-up → labelled fragments, on a window with a halo.

use ndarray::{s, Array2};

use crate::evidence::{pixel_evidence, EvidenceParams};
use crate::label::{label_fragments, Fragments};
use crate::morphology::clean_groups;
use crate::normalise::SceneFit;
use crate::{BandSet, TileData};

/// Where a tile's core sits inside the window that was read (the window adds a halo of up to
/// [`crate::morphology::HALO`] pixels on each side, less at the scene edge).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Core {
    /// Offset of the core inside the window.
    pub row_offset: usize,
    pub col_offset: usize,
    pub rows: usize,
    pub cols: usize,
    /// Scene position of the core's first pixel.
    pub scene_row: u64,
    pub scene_col: u64,
}

/// What one tile contributes: the labelled fragments of its core and the core's change groups
/// (including [`crate::evidence::group::INVALID`] for masked pixels).
#[derive(Debug, Clone)]
pub struct TileDetection {
    pub fragments: Fragments,
    pub groups: Array2<u8>,
}

/// Runs the whole kernel on one window.
pub fn detect_tile(
    tile: &TileData,
    bands: &BandSet,
    fit: &SceneFit,
    params: &EvidenceParams,
    core: Core,
) -> TileDetection {
    let mut ev = pixel_evidence(tile, bands, fit, params);
    clean_groups(&mut ev.group);
    let view = ev.view(core.row_offset, core.col_offset, core.rows, core.cols);
    let fragments = label_fragments(view, (core.scene_row, core.scene_col));
    let groups = ev
        .group
        .slice(s![
            core.row_offset..core.row_offset + core.rows,
            core.col_offset..core.col_offset + core.cols
        ])
        .to_owned();
    TileDetection { fragments, groups }
}
