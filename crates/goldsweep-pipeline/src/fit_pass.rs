//! Pass 1: a spatially stratified sample of both dates, from which the normalisation and the
//! change threshold are fitted — without reading the whole scene.

use goldsweep_detect::evidence::change_magnitude;
use goldsweep_detect::normalise::{fit_normalisation, FitParams, PixelSample, SceneFit};
use goldsweep_detect::TileData;
use goldsweep_raster::{ScenePair, Window};
use rayon::prelude::*;

use crate::error::SweepError;

/// Sample windows per axis.
const STRATA: usize = 8;
/// Side of one sample window, in pixels.
const WINDOW: usize = 64;

/// Windows of at most `WINDOW`² pixels spread evenly over the grid (`STRATA`² strata).
pub fn sample_windows(width: usize, height: usize) -> Vec<Window> {
    let axis = |len: usize| -> Vec<(usize, usize)> {
        let n = STRATA.min(len.max(1));
        let size = WINDOW.min(len / n).max(1);
        (0..n)
            .map(|i| {
                let centre = (2 * i + 1) * len / (2 * n);
                let start = centre.saturating_sub(size / 2).min(len - size);
                (start, size)
            })
            .collect()
    };
    let (cols, rows) = (axis(width), axis(height));
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

/// Reads the sample windows (in parallel, one reader per worker) and fits the scene: the
/// band normalisation on the pooled valid pixels, then the threshold on the change magnitude
/// computed per window exactly as the detector computes it (with its spatial smoothing).
pub fn fit_scene(pair: &ScenePair, params: &FitParams) -> Result<SceneFit, SweepError> {
    let grid = pair.grid();
    let windows = sample_windows(grid.width, grid.height);
    let nb = pair.bands().len();
    let tiles: Vec<TileData> = windows
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
    let mut sample = PixelSample::new(nb);
    for tile in &tiles {
        for ((r, c), &ok) in tile.valid.indexed_iter() {
            if !ok {
                continue;
            }
            for b in 0..nb {
                sample.before[b].push(tile.before[[b, r, c]]);
                sample.after[b].push(tile.after[[b, r, c]]);
            }
        }
    }
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
    Ok(SceneFit::with_threshold(
        bands,
        &magnitudes,
        sample.len(),
        params,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_windows_stay_inside_and_cover_small_grids() {
        for (w, h) in [(400, 400), (10, 7), (5000, 300), (1, 1)] {
            let ws = sample_windows(w, h);
            assert!(!ws.is_empty());
            for win in &ws {
                assert!(
                    win.col + win.width <= w && win.row + win.height <= h,
                    "{w}x{h} {win:?}"
                );
            }
        }
        let area: usize = sample_windows(400, 400)
            .iter()
            .map(|w| w.width * w.height)
            .sum();
        assert_eq!(area, 400 * 400);
    }
}
