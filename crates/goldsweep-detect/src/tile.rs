//! The per-tile kernel: evidence → clean-up → labelled fragments, on a window with a halo.

use ndarray::{s, Array2, ArrayView2};

use crate::evidence::{pixel_evidence, EvidenceParams, EvidenceScratch};
use crate::label::{label_fragments, Fragments};
use crate::morphology::{clean_groups, split_bright, split_strips, split_thin, CleanScratch};
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

/// Working memory of [`detect_tile_with`], reused from tile to tile (one per worker thread).
#[derive(Debug, Clone, Default)]
pub struct TileScratch {
    evidence: EvidenceScratch,
    clean: CleanScratch,
    /// [`crate::evidence::tone`] of each pixel of the window.
    tones: Vec<u8>,
}

/// Runs the whole kernel on one window with fresh working memory; see [`detect_tile_with`].
pub fn detect_tile(
    tile: &TileData,
    bands: &BandSet,
    fit: &SceneFit,
    params: &EvidenceParams,
    core: Core,
) -> TileDetection {
    detect_tile_with(
        &mut TileScratch::default(),
        tile,
        bands,
        fit,
        params,
        core,
        None,
    )
}

/// Runs the whole kernel on one window, with working memory from `scratch`. The result does
/// not depend on what `scratch` was used for before. `focus` (window-shaped) marks the pixels
/// of focus zones, where change is detected from `fit.focus_threshold`, faint tracks by their
/// line evidence (see [`pixel_evidence`]), thin strips of land change are split from the
/// objects they run out of ([`split_thin`]), heaps from the clearings they lie on
/// ([`split_bright`]), and strips a few pixels wide from the objects they run out of
/// ([`split_strips`], if `params.strip_split`).
pub fn detect_tile_with(
    scratch: &mut TileScratch,
    tile: &TileData,
    bands: &BandSet,
    fit: &SceneFit,
    params: &EvidenceParams,
    core: Core,
    focus: Option<ArrayView2<'_, bool>>,
) -> TileDetection {
    let mut ev = pixel_evidence(&mut scratch.evidence, tile, bands, fit, params, focus);
    clean_groups(&mut scratch.clean, ev.group.view_mut());
    if let Some(focus) = focus.filter(|f| f.dim() == ev.group.dim()) {
        split_thin(&mut scratch.clean, ev.group.view_mut(), Some(focus));
        ev.tones(focus, params, &mut scratch.tones);
        split_bright(&mut scratch.clean, ev.group.view_mut(), &scratch.tones);
        if params.strip_split {
            split_strips(&mut scratch.clean, ev.group.view_mut(), focus);
        }
    }
    let groups = ev
        .group
        .slice(s![
            core.row_offset..core.row_offset + core.rows,
            core.col_offset..core.col_offset + core.cols
        ])
        .to_owned();
    let fragments = label_fragments(groups.view(), (core.scene_row, core.scene_col), |r, c| {
        ev.at(core.row_offset + r, core.col_offset + c)
    });
    TileDetection { fragments, groups }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BandRole;
    use ndarray::Array3;

    /// A window with a bright square, a one-pixel line and a masked corner.
    fn window(rows: usize, cols: usize) -> TileData {
        let before = Array3::from_shape_fn((6, rows, cols), |(b, r, c)| {
            0.05 + 0.02 * b as f32 + 0.001 * ((r * 7 + c * 3 + b) % 5) as f32
        });
        let mut after = before.clone();
        for ((_, r, c), v) in after.indexed_iter_mut() {
            if (3..9).contains(&r) && (4..12).contains(&c) || r == rows / 2 {
                *v += 0.2;
            }
        }
        let valid = Array2::from_shape_fn((rows, cols), |(r, c)| r > 1 || c > 2);
        TileData {
            before,
            after,
            valid,
        }
    }

    #[test]
    fn a_leach_site_in_a_focus_zone_is_a_heap_a_clearing_and_a_pond() {
        use crate::classify::{classify, ClassParams};
        use crate::evidence::group;
        use crate::ChangeClass;
        const VEG: [f32; 6] = [0.03, 0.06, 0.04, 0.30, 0.16, 0.08];
        const SOIL: [f32; 6] = [0.05, 0.07, 0.09, 0.15, 0.22, 0.17];
        const SPOIL: [f32; 6] = [0.20, 0.24, 0.28, 0.32, 0.38, 0.30];
        const WATER: [f32; 6] = [0.08, 0.09, 0.06, 0.03, 0.01, 0.01];
        let (rows, cols) = (32, 40);
        let before = Array3::from_shape_fn((6, rows, cols), |(b, _, _)| VEG[b]);
        // A heap tipped on a clearing, a pond dug beside it.
        let after = Array3::from_shape_fn((6, rows, cols), |(b, r, c)| {
            if (12..19).contains(&r) && (10..17).contains(&c) {
                SPOIL[b]
            } else if (6..26).contains(&r) && (4..24).contains(&c) {
                SOIL[b]
            } else if (10..16).contains(&r) && (28..34).contains(&c) {
                WATER[b]
            } else {
                VEG[b]
            }
        });
        let t = TileData {
            before,
            after,
            valid: Array2::from_elem((rows, cols), true),
        };
        let bands = BandSet::new(BandRole::ALL).unwrap();
        let fit = crate::normalise::identity_fit(6, 3.0, 3.3);
        let focus = Array2::from_elem((rows, cols), true);
        let core = Core {
            row_offset: 0,
            col_offset: 0,
            rows,
            cols,
            scene_row: 0,
            scene_col: 0,
        };
        let det = detect_tile_with(
            &mut TileScratch::default(),
            &t,
            &bands,
            &fit,
            &EvidenceParams::default(),
            core,
            Some(focus.view()),
        );
        let mut found: Vec<(u8, ChangeClass)> = det
            .fragments
            .stats
            .iter()
            .map(|f| (f.group, classify(f, 10.0, &ClassParams::default())))
            .collect();
        found.sort();
        assert_eq!(
            found,
            [
                (group::LAND, ChangeClass::VegetationLoss),
                (group::WATER, ChangeClass::LeachPond),
                (group::BRIGHT, ChangeClass::SpoilHeap),
            ]
        );
        // Without the focus zone the heap and its clearing are one object.
        let det = detect_tile(&t, &bands, &fit, &EvidenceParams::default(), core);
        assert_eq!(det.fragments.stats.len(), 2);
    }

    #[test]
    fn reused_scratch_gives_the_same_result_as_a_fresh_one() {
        let bands = BandSet::new(BandRole::ALL).unwrap();
        let fit = crate::normalise::identity_fit(6, 3.0, 3.3);
        let params = EvidenceParams::default();
        let core = |rows: usize, cols: usize| Core {
            row_offset: 1,
            col_offset: 2,
            rows: rows - 2,
            cols: cols - 4,
            scene_row: 10,
            scene_col: 20,
        };
        let mut scratch = TileScratch::default();
        for (rows, cols) in [(20, 30), (14, 17), (20, 30), (25, 12)] {
            let t = window(rows, cols);
            let fresh = detect_tile(&t, &bands, &fit, &params, core(rows, cols));
            let reused = detect_tile_with(
                &mut scratch,
                &t,
                &bands,
                &fit,
                &params,
                core(rows, cols),
                None,
            );
            assert!(!fresh.fragments.stats.is_empty());
            assert_eq!(fresh.groups, reused.groups);
            assert_eq!(fresh.fragments.labels, reused.fragments.labels);
            assert_eq!(fresh.fragments.stats, reused.fragments.stats);
        }
    }
}
