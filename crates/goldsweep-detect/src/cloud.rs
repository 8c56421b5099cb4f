//! Spectral cloud screen: thick cloud, and the thin edge around it, in either date of a pair.
//!
//! Scenes often come without a usable cloud mask, and given masks (Sentinel-2 SCL, Landsat
//! QA_PIXEL) miss clouds. An unmasked cloud is the largest "change" in a scene: it drives the
//! change threshold up and becomes candidates itself. The screen marks such pixels invalid in
//! the pair (never change), in three steps.
//!
//! 1. **Cloud-like pixels** ([`CloudBands::cloud_like`]), one date at a time: the potential
//!    cloud pixel tests of Fmask (Zhu & Woodcock 2012, *Remote Sensing of Environment* 118,
//!    83–94) without the thermal band, with a brightness floor added and two thresholds made
//!    stricter, because Fmask follows these tests with a thermal and scene-probability stage
//!    that is not available here:
//!    - HOT, the haze optimized transformation (Zhang, Guindon & Cihlar 2002, *Remote Sensing
//!      of Environment* 82, 173–187), as Fmask eq. 3: `blue − 0.5·red − 0.08 > 0`. Soil,
//!      rock, spoil, tailings and most roofs are redder than they are blue and fail it.
//!    - Whiteness, Fmask eq. 2: `Σ|b − m| / m` over blue, green and red (`m` their mean)
//!      below [`WHITENESS_MAX`] (Fmask: 0.7). Clouds are flat across the visible bands;
//!      bright red or blue surfaces that pass HOT by sheer brightness are not.
//!    - Brightness: `m` at least [`BRIGHTNESS_MIN`], or [`BRIGHTNESS_MIN_NO_SWIR`] for
//!      four-band sensors, which lack the NIR/SWIR1 test below. Thick cloud is brighter than
//!      spoil, bare soil and ordinary concrete. Thin cloud and haze fail the floor: they are
//!      screened only as the edge of a thick cloud (step 3).
//!    - Fmask's basic test, eq. 1 without temperature: NDVI < 0.8, and with SWIR also
//!      NDSI < 0.8 (pure snow) and SWIR2 > 0.03.
//!    - With SWIR: `NIR / SWIR1 >` [`NIR_SWIR1_MIN`], the desert filter of the Landsat 7
//!      automated cloud cover assessment (ACCA; Irish 2000, Irish et al. 2006,
//!      *Photogrammetric Engineering & Remote Sensing* 72, 1179–1188). Bright soil, sand,
//!      rock, tailings and concrete reflect more at 1.6 µm than at 0.86 µm; water and ice
//!      clouds less. (Fmask eq. 4 uses 0.75.)
//! 2. **Seeds.** A cloud-like pixel whose blue reflectance also exceeds the other date's by at
//!    least [`SEED_BLUE_RISE`] — the idea of the multi-temporal cloud test of Hagolle et al.
//!    (2010, *Remote Sensing of Environment* 114, 1747–1755), with this screen's own
//!    thresholds: a cloud makes the blue band jump against a clear view of the same ground, a
//!    white roof present on both dates does not — and whose whole 3 × 3 neighbourhood is
//!    valid (no nodata, no given mask, inside the window) and passes the same tests: a cloud
//!    is an extended object, a bright pixel or a small roof is not.
//! 3. **Edge.** Cloud edges are thinner and darker than the cloud but still brighten the
//!    ground: every pixel within [`EDGE_RADIUS`] pixels (Chebyshev distance) of a seed whose
//!    blue reflectance exceeds the other date's by at least [`EDGE_BLUE_RISE`] is screened
//!    too. Fmask dilates its cloud mask by a fixed 3 pixels instead; requiring the blue rise
//!    keeps the unchanged and darkening ground around a cloud.
//!
//! The screen looks [`REACH`] pixels around a pixel, so a tile read with that much more halo
//! screens its core exactly as a whole-scene run would (see [`crate::morphology::HALO`]).
//! Thresholds are in reflectance: the screen is meant for calibrated (surface or
//! top-of-atmosphere) reflectance only.

use crate::{BandRole, BandSet, TileData};

/// Largest whiteness (Fmask eq. 2) of a cloud-like pixel.
pub const WHITENESS_MAX: f32 = 0.2;
/// Smallest mean visible reflectance of a cloud-like pixel when SWIR is available.
pub const BRIGHTNESS_MIN: f32 = 0.3;
/// Smallest mean visible reflectance of a cloud-like pixel without SWIR (no NIR/SWIR1 test).
pub const BRIGHTNESS_MIN_NO_SWIR: f32 = 0.4;
/// Smallest NIR/SWIR1 ratio of a cloud-like pixel (ACCA desert filter).
pub const NIR_SWIR1_MIN: f32 = 1.0;
/// Smallest rise of the blue reflectance over the other date for a seed.
pub const SEED_BLUE_RISE: f32 = 0.1;
/// Smallest rise of the blue reflectance over the other date for a pixel of a cloud's edge.
pub const EDGE_BLUE_RISE: f32 = 0.03;
/// How far (pixels, Chebyshev distance) a cloud's edge reaches beyond its seeds.
pub const EDGE_RADIUS: usize = 5;
/// Pixels around a pixel that decide whether it is screened: the seed's 3 × 3 test plus the
/// edge radius.
pub const REACH: usize = EDGE_RADIUS + 1;

/// Seed and edge flags of the after date (bit 0) and the before date (bit 1).
const AFTER: u8 = 1;
const BEFORE: u8 = 2;

/// Positions of the bands the screen reads in a [`BandSet`] stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CloudBands {
    blue: usize,
    green: usize,
    red: usize,
    nir: usize,
    /// SWIR1 and SWIR2, when both are present.
    swir: Option<(usize, usize)>,
}

impl CloudBands {
    /// The positions of blue, green, red, NIR and (if both are present) SWIR1 and SWIR2.
    pub fn new(bands: &BandSet) -> CloudBands {
        let idx = |r: BandRole| bands.index(r).unwrap_or(0);
        CloudBands {
            blue: idx(BandRole::Blue),
            green: idx(BandRole::Green),
            red: idx(BandRole::Red),
            nir: idx(BandRole::Nir),
            swir: bands
                .has_swir()
                .then(|| (idx(BandRole::Swir1), idx(BandRole::Swir2))),
        }
    }

    /// Whether the reflectance `px` (one value per band of the set, in stack order) passes
    /// the single-date tests of step 1 (see the module docs). NaN never passes.
    ///
    /// ```
    /// use goldsweep_detect::cloud::CloudBands;
    /// use goldsweep_detect::{BandRole, BandSet};
    /// let six = CloudBands::new(&BandSet::new(BandRole::ALL).unwrap());
    /// assert!(six.cloud_like(&[0.52, 0.51, 0.53, 0.56, 0.42, 0.30])); // thick cloud
    /// assert!(!six.cloud_like(&[0.20, 0.24, 0.28, 0.31, 0.36, 0.30])); // fresh spoil
    /// ```
    pub fn cloud_like(&self, px: &[f32]) -> bool {
        let at = |i: usize| px.get(i).copied().unwrap_or(f32::NAN);
        cloud_like(
            at(self.blue),
            at(self.green),
            at(self.red),
            at(self.nir),
            self.swir.map(|(s1, s2)| (at(s1), at(s2))),
        )
    }
}

/// The single-date tests on one pixel's reflectance (step 1 of the module docs).
#[inline]
fn cloud_like(blue: f32, green: f32, red: f32, nir: f32, swir: Option<(f32, f32)>) -> bool {
    let mean = (blue + green + red) / 3.0;
    let floor = if swir.is_some() {
        BRIGHTNESS_MIN
    } else {
        BRIGHTNESS_MIN_NO_SWIR
    };
    // HOT and brightness first: they reject almost every clear pixel. A bright pixel has
    // positive denominators below.
    if !(blue - 0.5 * red - 0.08 > 0.0 && mean >= floor) {
        return false;
    }
    let whiteness = ((blue - mean).abs() + (green - mean).abs() + (red - mean).abs()) / mean;
    let ndvi = (nir - red) / (nir + red);
    let visible_nir = whiteness < WHITENESS_MAX && ndvi < 0.8;
    match swir {
        Some((swir1, swir2)) => {
            let ndsi = (green - swir1) / (green + swir1);
            visible_nir && ndsi < 0.8 && swir2 > 0.03 && nir > NIR_SWIR1_MIN * swir1
        }
        None => visible_nir,
    }
}

/// Working memory of [`screen`], reused from window to window.
#[derive(Debug, Clone, Default)]
pub struct ScreenScratch {
    /// Per pixel: [`AFTER`] / [`BEFORE`] where that date is cloud-like with a seed's blue
    /// rise; then the seeds; then the pixels within [`EDGE_RADIUS`] of a seed.
    cloud: Vec<u8>,
    /// Intermediate result of the separable neighbourhood passes.
    pass: Vec<u8>,
}

/// Screens the window `tile` for cloud in either date (see the module docs): writes into
/// `valid` (row-major, one value per pixel) the tile's validity with screened pixels cleared,
/// and returns the number of pixels it cleared.
///
/// ```
/// use goldsweep_detect::cloud::{screen, ScreenScratch};
/// use goldsweep_detect::{BandRole, BandSet, TileData};
/// use ndarray::{Array2, Array3};
/// let forest = [0.025, 0.045, 0.030, 0.32, 0.145, 0.060];
/// let cloud = [0.52, 0.51, 0.53, 0.56, 0.42, 0.30];
/// let before = Array3::from_shape_fn((6, 20, 20), |(b, _, _)| forest[b]);
/// // A 6 × 6 cloud in the after date, its edge half as bright.
/// let after = Array3::from_shape_fn((6, 20, 20), |(b, r, c)| match (r, c) {
///     (7..=12, 7..=12) => cloud[b],
///     (6..=13, 6..=13) => (forest[b] + cloud[b]) / 2.0,
///     _ => forest[b],
/// });
/// let tile = TileData { before, after, valid: Array2::from_elem((20, 20), true) };
/// let mut valid = Vec::new();
/// let bands = BandSet::new(BandRole::ALL).unwrap();
/// let screened = screen(&mut ScreenScratch::default(), &tile, &bands, &mut valid);
/// assert_eq!(screened, 8 * 8); // the cloud and its edge, not the unchanged forest around
/// assert!(!valid[10 * 20 + 10] && !valid[6 * 20 + 6] && valid[5 * 20 + 5]);
/// ```
pub fn screen(
    scratch: &mut ScreenScratch,
    tile: &TileData,
    bands: &BandSet,
    valid: &mut Vec<bool>,
) -> usize {
    let (rows, cols) = tile.shape();
    let n = rows * cols;
    let before = tile.before.as_standard_layout();
    let after = tile.after.as_standard_layout();
    let given = tile.valid.as_standard_layout();
    let (before, after, given) = (
        before.as_slice().unwrap_or(&[]),
        after.as_slice().unwrap_or(&[]),
        given.as_slice().unwrap_or(&[]),
    );
    valid.clear();
    valid.extend_from_slice(given);
    if n == 0 || before.len() < bands.len() * n || after.len() < bands.len() * n {
        return 0;
    }
    let ScreenScratch { cloud, pass } = scratch;
    cloud.clear();
    cloud.resize(n, 0);
    let b = CloudBands::new(bands);
    let like = |stack: &[f32], i: usize| {
        cloud_like(
            stack[b.blue * n + i],
            stack[b.green * n + i],
            stack[b.red * n + i],
            stack[b.nir * n + i],
            b.swir
                .map(|(s1, s2)| (stack[s1 * n + i], stack[s2 * n + i])),
        )
    };
    let blue = b.blue * n..(b.blue + 1) * n;
    let (blue_before, blue_after) = (&before[blue.clone()], &after[blue]);
    // The blue rise of the after date over the before date.
    let rise = |i: usize| blue_after[i] - blue_before[i];
    for (i, (c, &ok)) in cloud.iter_mut().zip(given).enumerate() {
        let d = rise(i);
        if !ok || d.abs() < SEED_BLUE_RISE {
            continue;
        }
        *c = if d >= SEED_BLUE_RISE && like(after, i) {
            AFTER
        } else if -d >= SEED_BLUE_RISE && like(before, i) {
            BEFORE
        } else {
            0
        };
    }
    if cloud.iter().all(|&c| c == 0) {
        return 0;
    }
    pass.clear();
    pass.resize(n, 0);
    // Seeds: the whole 3 × 3 neighbourhood is cloud-like in the same date.
    neighbourhood(cloud, pass, cols, 1, |a, b| a & b, AFTER | BEFORE);
    // Pixels within the edge radius of a seed.
    neighbourhood(cloud, pass, cols, EDGE_RADIUS, |a, b| a | b, 0);
    let mut screened = 0;
    for (i, (v, &near)) in valid.iter_mut().zip(cloud.iter()).enumerate() {
        if !*v || near == 0 {
            continue;
        }
        let d = rise(i);
        let edge = (near & AFTER != 0 && d >= EDGE_BLUE_RISE)
            || (near & BEFORE != 0 && -d >= EDGE_BLUE_RISE);
        if edge {
            *v = false;
            screened += 1;
        }
    }
    screened
}

/// Replaces every value of `flags` (row-major, `cols` wide) by `op` folded, starting from
/// `identity`, over the `(2·radius + 1)²` square around it; pixels beyond the window count
/// as `0` (no flag). `pass` (as long as `flags`) holds the intermediate row pass.
fn neighbourhood(
    flags: &mut [u8],
    pass: &mut [u8],
    cols: usize,
    radius: usize,
    op: fn(u8, u8) -> u8,
    identity: u8,
) {
    let side = 2 * radius + 1;
    let span = |i: usize, len: usize| (i.saturating_sub(radius), (i + radius + 1).min(len));
    for (src, dst) in flags.chunks_exact(cols).zip(pass.chunks_exact_mut(cols)) {
        for (c, out) in dst.iter_mut().enumerate() {
            let (lo, hi) = span(c, cols);
            let folded = src[lo..hi].iter().fold(identity, |a, &v| op(a, v));
            *out = if hi - lo < side {
                op(folded, 0)
            } else {
                folded
            };
        }
    }
    let rows = flags.len() / cols.max(1);
    for (r, out) in flags.chunks_exact_mut(cols).enumerate() {
        let (lo, hi) = span(r, rows);
        out.fill(if hi - lo < side {
            op(identity, 0)
        } else {
            identity
        });
        for src in pass[lo * cols..hi * cols].chunks_exact(cols) {
            for (o, &p) in out.iter_mut().zip(src) {
                *o = op(*o, p);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{s, Array2, Array3};

    const FOREST: [f32; 6] = [0.025, 0.045, 0.030, 0.32, 0.145, 0.060];
    const SOIL: [f32; 6] = [0.090, 0.130, 0.180, 0.25, 0.32, 0.260];
    const CLOUD: [f32; 6] = [0.52, 0.51, 0.53, 0.56, 0.42, 0.30];
    const WHITE_ROOF: [f32; 6] = [0.40, 0.41, 0.42, 0.45, 0.35, 0.25];

    /// Deterministic value in `[0, 1)` for a pixel.
    fn hash01(a: usize, b: usize, c: usize) -> f32 {
        let x = (a * 7919 + b * 104_729 + c * 1_299_709) as u64;
        let x = x.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (x >> 29);
        (x >> 40) as f32 / (1u64 << 24) as f32
    }

    /// A 48 × 56 scene: forest and soil; a cloud with a soft edge in the after date, another
    /// in the before date, a white roof on both dates, a nodata corner.
    fn scene() -> TileData {
        let (rows, cols) = (48, 56);
        let ground = |b: usize, r: usize, c: usize| {
            let base = if (r / 9 + c / 13) % 2 == 0 {
                FOREST
            } else {
                SOIL
            };
            base[b] + 0.01 * (hash01(b, r, c) - 0.5)
        };
        let cloud = |r: usize, c: usize, (cr, cc): (f32, f32), radius: f32| {
            let d = ((r as f32 - cr).powi(2) + (c as f32 - cc).powi(2)).sqrt();
            ((radius + 3.0 - d) / 6.0).clamp(0.0, 1.0)
        };
        let roof = |r: usize, c: usize| (30..34).contains(&r) && (40..45).contains(&c);
        let date = |b: usize, r: usize, c: usize, alpha: f32| {
            let g = if roof(r, c) {
                WHITE_ROOF[b]
            } else {
                ground(b, r, c)
            };
            (1.0 - alpha) * g + alpha * CLOUD[b]
        };
        let before = Array3::from_shape_fn((6, rows, cols), |(b, r, c)| {
            date(b, r, c, cloud(r, c, (38.0, 12.0), 5.0))
        });
        let after = Array3::from_shape_fn((6, rows, cols), |(b, r, c)| {
            date(b, r, c, cloud(r, c, (12.0, 20.0), 8.0))
        });
        let valid = Array2::from_shape_fn((rows, cols), |(r, c)| r + c > 4);
        TileData {
            before,
            after,
            valid,
        }
    }

    fn six() -> BandSet {
        BandSet::new(BandRole::ALL).unwrap()
    }

    #[test]
    fn clouds_of_both_dates_and_their_edges_are_screened_roofs_are_not() {
        let t = scene();
        let mut valid = Vec::new();
        let n = screen(&mut ScreenScratch::default(), &t, &six(), &mut valid);
        let at = |r: usize, c: usize| valid[r * 56 + c];
        assert!(n > 200, "{n}");
        // The after cloud's centre and its thin edge (opacity 0.25 at distance 9.5).
        assert!(!at(12, 20) && !at(12, 29) && !at(21, 20));
        // The before cloud.
        assert!(!at(38, 12) && !at(38, 18));
        // Clear ground, the roof present on both dates and the nodata corner stay as they were.
        assert!(at(12, 40) && at(31, 42) && at(45, 50));
        assert!(!at(0, 0) && at(3, 3));
        let cleared = t.valid.iter().zip(&valid).filter(|(&a, &b)| a && !b);
        assert_eq!(cleared.count(), n);
    }

    #[test]
    fn windows_with_the_reach_as_halo_screen_their_core_as_the_whole_scene() {
        let t = scene();
        let bands = six();
        let mut scratch = ScreenScratch::default();
        let mut whole = Vec::new();
        screen(&mut scratch, &t, &bands, &mut whole);
        let (rows, cols) = t.shape();
        for (r0, r1, c0, c1) in [
            (0, 16, 0, 16),
            (5, 21, 14, 31),
            (9, 10, 20, 56),
            (30, 48, 3, 9),
        ] {
            let (wr0, wc0) = (r0 - r0.min(REACH), c0 - c0.min(REACH));
            let (wr1, wc1) = ((r1 + REACH).min(rows), (c1 + REACH).min(cols));
            let window = TileData {
                before: t.before.slice(s![.., wr0..wr1, wc0..wc1]).to_owned(),
                after: t.after.slice(s![.., wr0..wr1, wc0..wc1]).to_owned(),
                valid: t.valid.slice(s![wr0..wr1, wc0..wc1]).to_owned(),
            };
            let mut part = Vec::new();
            screen(&mut scratch, &window, &bands, &mut part);
            let w = wc1 - wc0;
            for r in r0..r1 {
                for c in c0..c1 {
                    assert_eq!(
                        part[(r - wr0) * w + c - wc0],
                        whole[r * cols + c],
                        "({r}, {c}) in window {r0}..{r1} × {c0}..{c1}"
                    );
                }
            }
        }
    }

    #[test]
    fn four_band_stacks_are_screened_without_swir() {
        let t = scene();
        let four = BandSet::new(BandRole::ALL[..4].iter().copied()).unwrap();
        let cut = TileData {
            before: t.before.slice(s![..4, .., ..]).to_owned(),
            after: t.after.slice(s![..4, .., ..]).to_owned(),
            valid: t.valid.clone(),
        };
        let mut valid = Vec::new();
        assert!(screen(&mut ScreenScratch::default(), &cut, &four, &mut valid) > 100);
        assert!(!valid[12 * 56 + 20] && valid[31 * 56 + 42]);
        let c = CloudBands::new(&four);
        assert!(c.cloud_like(&CLOUD[..4]) && !c.cloud_like(&[0.3, 0.32, 0.33, 0.36]));
    }

    #[test]
    fn small_or_unchanged_bright_patches_are_no_seeds() {
        // A 2 × 2 cloud-like patch is too small to seed; a cloud-like date over a cloud-like
        // date has no blue rise.
        let mut after = Array3::from_shape_fn((6, 12, 12), |(b, _, _)| FOREST[b]);
        for ((b, r, c), v) in after.indexed_iter_mut() {
            if (5..7).contains(&r) && (5..7).contains(&c) {
                *v = CLOUD[b];
            }
        }
        let t = TileData {
            before: Array3::from_shape_fn((6, 12, 12), |(b, _, _)| FOREST[b]),
            after,
            valid: Array2::from_elem((12, 12), true),
        };
        let mut valid = Vec::new();
        let mut scratch = ScreenScratch::default();
        assert_eq!(screen(&mut scratch, &t, &six(), &mut valid), 0);
        let white = || Array3::from_shape_fn((6, 12, 12), |(b, _, _)| CLOUD[b]);
        let t = TileData {
            before: white(),
            after: white(),
            valid: Array2::from_elem((12, 12), true),
        };
        assert_eq!(screen(&mut scratch, &t, &six(), &mut valid), 0);
        assert!(valid.iter().all(|&v| v));
    }

    #[test]
    fn neighbourhood_folds_match_a_direct_computation() {
        let (rows, cols) = (9, 13);
        let flags: Vec<u8> = (0..rows * cols)
            .map(|i| (hash01(i, 1, 2) * 4.0) as u8)
            .collect();
        for (radius, op, identity) in [
            (1, (|a, b| a & b) as fn(u8, u8) -> u8, 3u8),
            (2, |a, b| a | b, 0),
        ] {
            let mut got = flags.clone();
            let mut pass = vec![0; flags.len()];
            neighbourhood(&mut got, &mut pass, cols, radius, op, identity);
            for r in 0..rows {
                for c in 0..cols {
                    let mut want = identity;
                    for dr in -(radius as isize)..=radius as isize {
                        for dc in -(radius as isize)..=radius as isize {
                            let (rr, cc) = (r as isize + dr, c as isize + dc);
                            let inside = (0..rows as isize).contains(&rr)
                                && (0..cols as isize).contains(&cc);
                            let v = if inside {
                                flags[rr as usize * cols + cc as usize]
                            } else {
                                0
                            };
                            want = op(want, v);
                        }
                    }
                    assert_eq!(got[r * cols + c], want, "radius {radius} at ({r}, {c})");
                }
            }
        }
    }
}
