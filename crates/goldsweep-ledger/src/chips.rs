//! Before/after image chips for the top sites, so an analyst can triage at a desk: for each site
//! `chips/<id>_before.png` and `<id>_after.png` in true colour (red, green, blue) and
//! `<id>_false.png`, the after date in false colour (NIR, red, green: vegetation red, fresh bare
//! rock and spoil grey-white, water black), each with the member outlines drawn (yellow on true
//! colour, cyan on false colour).
//!
//! The window is a square around the members' outlines plus a 12-pixel margin, at least 64
//! scene pixels wide; sites wider than 128 pixels are block-averaged down to ≤ 128 pixels. Both
//! true-colour chips share one stretch (2–98 % of the two dates together), so brightening is
//! visible as brightening. Reflectance comes from the aligned pair (`PairReader`), so the after
//! chip is on the before grid even when the scenes were on different grids.

use geo::{Coord, CoordsIter, Geometry, MultiPolygon};
use goldsweep_catalogue::CrsTransform;
use goldsweep_detect::BandRole;
use goldsweep_pipeline::{Candidate, Staging, SweepReport};
use goldsweep_raster::{Grid, Window};
use image::RgbImage;

use crate::chip_render::{block_mean, compose, draw_polyline, percentile_cut, png_bytes};
use crate::error::LedgerError;
use crate::site::{ChipPaths, Site};

/// Folder of the chips in the run folder.
pub const CHIPS_DIR: &str = "chips";
/// Smallest window side, scene pixels.
pub const MIN_SIDE: usize = 64;
/// Largest picture side, pixels (larger windows are averaged down).
pub const MAX_SIDE: usize = 128;
/// Margin around the outlines, scene pixels.
pub const MARGIN: f64 = 12.0;

const TRUE_OUTLINE: [u8; 3] = [255, 230, 0];
const FALSE_OUTLINE: [u8; 3] = [0, 255, 255];

/// What the chip step did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChipOutcome {
    /// Sites that got chips.
    pub written: usize,
    /// Why no chips were written at all (e.g. no blue band), if so.
    pub skipped: Option<String>,
}

/// A file-name-safe form of a site id.
fn file_stem(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Square window (scene pixels) around `outlines` (pixel coordinates), clipped to the grid, and
/// the down-sampling factor.
pub fn chip_window(bounds: (f64, f64, f64, f64), grid: &Grid) -> Option<(Window, usize)> {
    let (c0, r0, c1, r1) = bounds;
    let side = ((c1 - c0).max(r1 - r0) + 2.0 * MARGIN)
        .ceil()
        .max(MIN_SIDE as f64) as usize;
    let factor = side.div_ceil(MAX_SIDE).max(1);
    let side = side.div_ceil(factor) * factor;
    let (cc, rc) = ((c0 + c1) / 2.0, (r0 + r1) / 2.0);
    let clip = |centre: f64, n: usize| -> (usize, usize) {
        let start = (centre - side as f64 / 2.0).round();
        let start = start.clamp(0.0, n.saturating_sub(side) as f64) as usize;
        (start, side.min(n - start))
    };
    if grid.width == 0 || grid.height == 0 {
        return None;
    }
    let (col, width) = clip(cc, grid.width);
    let (row, height) = clip(rc, grid.height);
    (width > 0 && height > 0).then(|| (Window::new(col, row, width, height), factor))
}

/// Whether `file_name` is a chip (`<id>_before.png`, `<id>_after.png`, `<id>_false.png`).
pub fn is_chip_file(file_name: &str) -> bool {
    ["_before.png", "_after.png", "_false.png"]
        .iter()
        .any(|suffix| file_name.ends_with(suffix))
}

/// Writes the chips of the first `n` sites that are in the ledger and detected in this run,
/// and records their paths on the sites. Chips an earlier run left in the folder are removed
/// when the run is committed.
pub fn write_chips(
    report: &SweepReport,
    sites: &mut [Site],
    n: usize,
    staging: &mut Staging,
) -> Result<ChipOutcome, LedgerError> {
    staging.own_folder(CHIPS_DIR, is_chip_file);
    if n == 0 {
        return Ok(ChipOutcome::default());
    }
    let bands = report.pair.bands();
    let idx = |r: BandRole| bands.index(r);
    let (Some(blue), Some(green), Some(red), Some(nir)) = (
        idx(BandRole::Blue),
        idx(BandRole::Green),
        idx(BandRole::Red),
        idx(BandRole::Nir),
    ) else {
        return Ok(ChipOutcome {
            written: 0,
            skipped: Some("the scenes lack one of blue, green, red, NIR".to_string()),
        });
    };
    let grid = report.pair.grid();
    let to_grid = CrsTransform::new("EPSG:4326", &grid.crs_wkt)?;
    let gt = grid.geo_transform;
    let to_px = |lon: f64, lat: f64| -> Result<(f64, f64), LedgerError> {
        let (x, y) = to_grid.convert(lon, lat)?;
        Ok(((x - gt[0]) / gt[1], (y - gt[3]) / gt[5]))
    };
    let mut reader = report
        .pair
        .reader()
        .map_err(|e| LedgerError::Chips(e.to_string()))?;
    let mut outcome = ChipOutcome::default();
    for site in sites
        .iter_mut()
        .filter(|s| s.state.is_current() && s.in_ledger())
        .take(n)
    {
        // Member outlines as rings of pixel coordinates.
        let mut rings: Vec<Vec<(f64, f64)>> = Vec::new();
        for &m in &site.member_index {
            let Some(c) = report.candidates.get(m) else {
                continue;
            };
            for ring in outline_rings(c) {
                rings.push(
                    ring.iter()
                        .map(|p| to_px(p.x, p.y))
                        .collect::<Result<_, _>>()?,
                );
            }
        }
        let (pc, pr) = to_px(site.lon, site.lat)?;
        let bounds = rings.iter().flatten().fold((pc, pr, pc, pr), |b, &(c, r)| {
            (b.0.min(c), b.1.min(r), b.2.max(c), b.3.max(r))
        });
        let Some((win, factor)) = chip_window(bounds, grid) else {
            continue;
        };
        let tile = reader
            .read(win)
            .map_err(|e| LedgerError::Chips(format!("site {}: {e}", site.id)))?;
        let shrink = |a: ndarray::ArrayView2<'_, f32>| block_mean(a, factor);
        let (h, w, b_red) = shrink(tile.before_band(red));
        let (_, _, b_green) = shrink(tile.before_band(green));
        let (_, _, b_blue) = shrink(tile.before_band(blue));
        let (_, _, a_red) = shrink(tile.after_band(red));
        let (_, _, a_green) = shrink(tile.after_band(green));
        let (_, _, a_blue) = shrink(tile.after_band(blue));
        let (_, _, a_nir) = shrink(tile.after_band(nir));
        let joint = |a: &[f32], b: &[f32]| percentile_cut(&[a, b].concat());
        let true_cuts = [
            joint(&b_red, &a_red),
            joint(&b_green, &a_green),
            joint(&b_blue, &a_blue),
        ];
        let false_cuts = [
            percentile_cut(&a_nir),
            percentile_cut(&a_red),
            percentile_cut(&a_green),
        ];
        let mut before = compose(w, h, [&b_red, &b_green, &b_blue], true_cuts);
        let mut after = compose(w, h, [&a_red, &a_green, &a_blue], true_cuts);
        let mut false_colour = compose(w, h, [&a_nir, &a_red, &a_green], false_cuts);
        let f = factor as f64;
        for ring in &rings {
            let local: Vec<(f64, f64)> = ring
                .iter()
                .map(|&(c, r)| ((c - win.col as f64) / f, (r - win.row as f64) / f))
                .collect();
            draw_polyline(&mut before, &local, TRUE_OUTLINE);
            draw_polyline(&mut after, &local, TRUE_OUTLINE);
            draw_polyline(&mut false_colour, &local, FALSE_OUTLINE);
        }
        let stem = file_stem(&site.id);
        let paths = ChipPaths {
            before: format!("{CHIPS_DIR}/{stem}_before.png"),
            after: format!("{CHIPS_DIR}/{stem}_after.png"),
            false_colour: format!("{CHIPS_DIR}/{stem}_false.png"),
        };
        for (name, img) in [
            (&paths.before, &before),
            (&paths.after, &after),
            (&paths.false_colour, &false_colour),
        ] {
            staging.write_bytes(name, &encode(img, name)?)?;
        }
        site.chips = Some(paths);
        outcome.written += 1;
    }
    Ok(outcome)
}

fn encode(img: &RgbImage, name: &str) -> Result<Vec<u8>, LedgerError> {
    png_bytes(img).map_err(|e| LedgerError::Chips(format!("{name}: {e}")))
}

/// Exterior and interior rings of a candidate's outline (lon/lat).
fn outline_rings(c: &Candidate) -> Vec<Vec<Coord<f64>>> {
    let m: &MultiPolygon<f64> = &c.outline;
    let mut out = Vec::new();
    for p in &m.0 {
        out.push(p.exterior().0.clone());
        for hole in p.interiors() {
            out.push(hole.0.clone());
        }
    }
    if out.is_empty() {
        let g: Geometry<f64> = geo::Point::new(c.lon, c.lat).into();
        out.push(g.coords_iter().collect());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(w: usize, h: usize) -> Grid {
        Grid {
            crs_wkt: String::new(),
            geo_transform: [0.0, 10.0, 0.0, 0.0, 0.0, -10.0],
            width: w,
            height: h,
        }
    }

    #[test]
    fn small_site_gets_minimum_window_centred() {
        let (w, f) = chip_window((100.0, 100.0, 104.0, 104.0), &grid(480, 480)).unwrap();
        assert_eq!((w.width, w.height, f), (64, 64, 1));
        assert_eq!((w.col, w.row), (70, 70));
    }

    #[test]
    fn large_site_is_downsampled() {
        let (w, f) = chip_window((0.0, 0.0, 300.0, 10.0), &grid(1000, 1000)).unwrap();
        assert_eq!(f, 3);
        assert!(w.width.div_ceil(f) <= MAX_SIDE);
        assert_eq!(w.row, 0, "clipped at the top edge");
    }

    #[test]
    fn window_is_clipped_to_small_grids() {
        let (w, _) = chip_window((470.0, 5.0, 478.0, 9.0), &grid(480, 40)).unwrap();
        assert!(w.col + w.width <= 480 && w.row + w.height <= 40);
        assert_eq!(w.height, 40);
    }

    #[test]
    fn ids_become_safe_file_names() {
        assert_eq!(file_stem("ST-wx4g0ec1-2"), "ST-wx4g0ec1-2");
        assert_eq!(file_stem("../x y"), "___x_y");
    }
}
