//! More than two dates: persistence and re-activation.
//!
//! The sweep detects change between the before date `t0` and the last after date `tn`. Other
//! dates add two kinds of evidence to each candidate:
//!
//! - **persistence** (after dates `t1 … tn−1` between before and after): the pair `t0 → tn−1` is
//!   swept as the main pair is — with a fit of its own, in the same focus zones — and its
//!   objects are kept by the same rule ([`keep_objects`]); a candidate at least half of whose
//!   pixels were in those objects is `confirmed` — seen on two consecutive later dates, it is
//!   not a passing effect of one acquisition (haze, a wet field, an unmasked shadow);
//! - **re-activation** (history dates older than before, and all the others): the mean NDVI of
//!   the candidate's pixels on every date, oldest first. Bare ground on some date (NDVI < 0.3),
//!   vegetated on a later one (NDVI ≥ 0.45 and at least 0.2 higher), and bare again at `tn`
//!   (NDVI < 0.3 and at least 0.2 below that peak) is a mine that was worked, grew over after
//!   closure, and has been opened again — the strongest sign of 洗洞 of all. Give a history date
//!   from the mining period and a before date from the quiet period.

use goldsweep_catalogue::Catalogue;
use goldsweep_detect::indices::ndvi;
use goldsweep_detect::{BandRole, BandSet};
use goldsweep_raster::{ScenePair, Window};

use crate::candidates::{keep_objects, Candidate, ObjectSettings, SeriesInputs};
use crate::cloud_screen;
use crate::detect_pass::{self, Run};
use crate::error::SweepError;
use crate::fit_pass;
use crate::seam_stitch;

/// NDVI below which ground counts as bare.
const BARE_NDVI: f32 = 0.3;
/// NDVI at or above which ground counts as vegetated.
const VEGETATED_NDVI: f32 = 0.45;
/// Smallest NDVI swing that counts as regrowth or renewed clearing.
const SWING: f32 = 0.2;

/// What the dates between before and after say about one candidate.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SeriesEvidence {
    /// Fraction of the candidate's pixels in objects kept at the previous date.
    pub persistence: f64,
    pub confirmed: bool,
    pub reactivated: bool,
    /// Mean NDVI of the candidate's valid pixels on every date, oldest first (`None` where
    /// they were all masked).
    pub ndvi: Vec<Option<f32>>,
}

/// Analyses the intermediate dates for every candidate (same order as `candidates`); the
/// previous date's objects are kept as the main sweep's are, by the catalogue in `work_crs`
/// and `settings`.
pub fn analyse(
    series: &SeriesInputs<'_>,
    candidates: &[Candidate],
    work_crs: &str,
    catalogue: &Catalogue,
    settings: &ObjectSettings,
) -> Result<Vec<SeriesEvidence>, SweepError> {
    let SeriesInputs {
        history,
        before,
        intermediate,
        after,
        ..
    } = *series;
    let changed = match intermediate.last() {
        Some(previous) => {
            let earlier = ScenePair::new(before.clone(), previous.clone())?;
            match change_mask(&earlier, series, work_crs, catalogue, settings) {
                Ok(changed) => Some(changed),
                // A previous date masked throughout (one big cloud) confirms nothing.
                Err(SweepError::NoValidPixels { .. }) => None,
                Err(e) => return Err(e),
            }
        }
        None => None,
    };
    // Every date on the before grid, oldest first; the before date itself is the `before`
    // stack of the first after-side pair.
    let mut pairs: Vec<(ScenePair, bool)> = Vec::new();
    for s in history {
        pairs.push((ScenePair::new(before.clone(), s.clone())?, false));
    }
    let mut later = intermediate.iter().chain(std::iter::once(after));
    if let Some(first) = later.next() {
        pairs.push((ScenePair::new(before.clone(), first.clone())?, true));
    }
    for s in later {
        pairs.push((ScenePair::new(before.clone(), s.clone())?, false));
    }
    let mut readers = pairs
        .iter()
        .map(|(p, with_before)| p.reader().map(|r| (r, *with_before)))
        .collect::<Result<Vec<_>, _>>()?;
    let Some((first, _)) = pairs.first() else {
        return Ok(vec![SeriesEvidence::default(); candidates.len()]);
    };
    let bands = first.bands().clone();
    let width = first.grid().width;

    let mut out = Vec::with_capacity(candidates.len());
    for c in candidates {
        let persistence = changed.as_ref().map(|changed| {
            let total: u64 = c
                .runs
                .iter()
                .map(|r| (r.col_end - r.col_start) as u64)
                .sum();
            let hit: u64 = c
                .runs
                .iter()
                .map(|r| {
                    (r.col_start..r.col_end)
                        .filter(|&col| changed[r.row as usize * width + col as usize])
                        .count() as u64
                })
                .sum();
            hit as f64 / total.max(1) as f64
        });
        let window = bounding_window(&c.runs);
        let mut ndvi_series = Vec::with_capacity(readers.len() + 1);
        for (reader, with_before) in readers.iter_mut() {
            let tile = reader.read(window)?;
            if *with_before {
                ndvi_series.push(mean_ndvi(
                    &tile.before,
                    &tile.valid,
                    &bands,
                    &c.runs,
                    window,
                ));
            }
            ndvi_series.push(mean_ndvi(&tile.after, &tile.valid, &bands, &c.runs, window));
        }
        out.push(SeriesEvidence {
            persistence: persistence.unwrap_or(0.0),
            confirmed: persistence.is_some_and(|p| p >= 0.5),
            reactivated: reactivated(&ndvi_series),
            ndvi: ndvi_series,
        });
    }
    Ok(out)
}

/// Whether an NDVI series (oldest first) reads bare → vegetated → bare again, the last date
/// being the renewed clearing.
pub fn reactivated(series: &[Option<f32>]) -> bool {
    let Some(Some(last)) = series.last() else {
        return false;
    };
    if *last >= BARE_NDVI {
        return false;
    }
    let earlier = &series[..series.len() - 1];
    earlier.iter().enumerate().any(|(j, peak)| {
        let Some(peak) = *peak else { return false };
        peak >= VEGETATED_NDVI
            && peak - last >= SWING
            && earlier[..j]
                .iter()
                .flatten()
                .any(|bare| *bare < BARE_NDVI && peak - bare >= SWING)
    })
}

/// The pixels of the objects a sweep of `pair` keeps, as a row-major bitmap of the grid. The
/// pair is swept as the main pair is — cloud screen where the pair allows it, the same focus
/// zones — and its objects are kept by the same rule ([`keep_objects`]), against its own fit.
fn change_mask(
    pair: &ScenePair,
    series: &SeriesInputs<'_>,
    work_crs: &str,
    catalogue: &Catalogue,
    settings: &ObjectSettings,
) -> Result<Vec<bool>, SweepError> {
    let (evidence, _) = cloud_screen::evidence_for(pair, series.evidence);
    let fit = fit_pass::fit_scene(pair, series.fit_params, evidence.cloud_screen)?;
    let plan = detect_pass::plan(pair, series.tile_size);
    let tiles = detect_pass::detect_all(pair, &plan, &fit, &evidence, series.focus, None)?;
    let stitched = seam_stitch::stitch(&plan, &tiles);
    let grid = pair.grid();
    let objects = keep_objects(grid, work_crs, &tiles, &stitched, catalogue, &fit, settings)?;
    let width = grid.width;
    let mut mask = vec![false; width * grid.height];
    for run in objects.kept.iter().flat_map(|k| &k.runs) {
        let row = run.row as usize * width;
        mask[row + run.col_start as usize..row + run.col_end as usize].fill(true);
    }
    Ok(mask)
}

fn bounding_window(runs: &[Run]) -> Window {
    let r0 = runs.iter().map(|r| r.row).min().unwrap_or(0) as usize;
    let r1 = runs.iter().map(|r| r.row + 1).max().unwrap_or(1) as usize;
    let c0 = runs.iter().map(|r| r.col_start).min().unwrap_or(0) as usize;
    let c1 = runs.iter().map(|r| r.col_end).max().unwrap_or(1) as usize;
    Window {
        col: c0,
        row: r0,
        width: c1 - c0,
        height: r1 - r0,
    }
}

fn mean_ndvi(
    stack: &ndarray::Array3<f32>,
    valid: &ndarray::Array2<bool>,
    bands: &BandSet,
    runs: &[Run],
    w: Window,
) -> Option<f32> {
    let (red, nir) = (bands.index(BandRole::Red)?, bands.index(BandRole::Nir)?);
    let (mut sum, mut n) = (0.0_f64, 0u64);
    for r in runs {
        let row = r.row as usize - w.row;
        for col in r.col_start as usize..r.col_end as usize {
            let c = col - w.col;
            if valid[[row, c]] {
                sum += f64::from(ndvi(stack[[red, row, c]], stack[[nir, row, c]]));
                n += 1;
            }
        }
    }
    (n > 0).then(|| (sum / n as f64) as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_green_bare_is_reactivation_and_nothing_else_is() {
        let s = |v: &[f32]| v.iter().map(|x| Some(*x)).collect::<Vec<_>>();
        assert!(reactivated(&s(&[0.15, 0.6, 0.1])));
        assert!(reactivated(&s(&[0.2, 0.3, 0.55, 0.18])));
        assert!(
            reactivated(&s(&[0.7, 0.1, 0.6, 0.1])),
            "forest, mined, regrown, reopened"
        );
        assert!(
            !reactivated(&s(&[0.6, 0.2, 0.7, 0.1])[..2]),
            "only the first clearing"
        );
        assert!(
            !reactivated(&s(&[0.7, 0.7, 0.1])),
            "first clearing of a forest"
        );
        assert!(!reactivated(&s(&[0.15, 0.25, 0.1])), "never regrew");
        assert!(!reactivated(&s(&[0.15, 0.1])), "never vegetated");
        assert!(
            !reactivated(&[Some(0.1), Some(0.6), None]),
            "masked last date"
        );
    }
}
