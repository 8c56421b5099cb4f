//! Line evidence: a matched filter for tracks in focus zones.
//!
//! A track a few metres wide, or one on bare ground that was only graded and compacted, changes
//! each pixel it crosses by one or two σ per band — below any per-pixel threshold, and diluted
//! further by the 3 × 3 smoothing of the change magnitude, which sees three track pixels among
//! nine. But it changes them *the same way* along its whole length, and differently from the
//! ground beside it. For each of [`ORIENTATIONS`] directions through a pixel, the line
//! statistic compares the normalised after − before difference `z` (per band, in units of the
//! band's residual σ) averaged over the [`LINE_TAPS`] pixels of the line with the same average
//! over the two parallel flanks [`FLANK_GAP`] pixels to either side:
//!
//! `line² = n · Σ_b (contrast_b / noise_b)² / bands`, the largest over the directions,
//!
//! `contrast_b` the line's mean minus the flanks' mean and `noise_b` the band's line noise
//! ([`line_noise`]): the robust standard deviation of `√n · contrast_b` on the scene's sample.
//! So the statistic is on the scale of the change magnitude whatever the spatial correlation
//! of the bands (resampled 20 m bands, misregistration), and a change that also covers the
//! flanks — a field, haze, a regional offset — is not a line. Along a track it grows with the
//! square root of its length, where the per-pixel magnitude does not.
//!
//! A direction counts only if the change along it is consistent: all taps but one changed by
//! at least [`TAP_MIN`] σ along the contrast's direction, the pixel itself included. So one
//! strong pixel (a heap's corner) lights up neither the pixels around it in every direction
//! nor the unchanged lines whose flank it is: the line must be made of changed pixels. It must
//! also stand out from each flank on its own, by [`FLANK_SIDE_MIN`] of its contrast with
//! their mean: a track differs from the ground on both sides, while the pixels just inside the
//! edge of a field that changed a little differ only from the unchanged side.
//!
//! [`line_magnitude`] measures one pixel; [`LineScratch::magnitudes`] measures the pixels of a
//! whole window with the same result bit for bit, from the line means and statistics of each
//! direction computed once per pixel instead of once per line that reads them.

use std::ops::Range;
use std::sync::OnceLock;

use ndarray::s;

use crate::normalise::BandFit;
use crate::threshold::robust_sigma;
use crate::{BandRole, TileData};

/// Half the length of the line, in pixels.
pub const LINE_HALF: usize = 3;
/// Pixels along a line (70 m at 10 m pixels, 210 m at 30 m).
pub const LINE_TAPS: usize = 2 * LINE_HALF + 1;
/// Directions tried, evenly spaced over 180° (0° along a row): a straight track is within
/// 11.25° of one, so it drifts at most about 0.6 pixel off the line's end.
pub const ORIENTATIONS: usize = 8;
/// Offset of the flanks from the line along the minor axis (rows for lines closer to a row,
/// columns otherwise): 2.1–3 pixels across the line, clear of the mixed pixels beside a track.
pub const FLANK_GAP: usize = 3;
/// How far from a pixel its line statistic reads, in pixels (rows or columns): the flanks of
/// the parallel lines of the ridge test ([`line_magnitude`]) one further than its own.
pub const LINE_REACH: usize = LINE_HALF + FLANK_GAP + 1;
/// Change (σ) along the contrast's direction that a tap must reach to count as changed.
pub const TAP_MIN: f32 = 1.0;
/// Share of the line's contrast with its flanks' mean by which it must differ, in the same
/// direction, from each flank on its own. A track differs from the ground on both sides; the
/// pixels just inside the edge of a field that changed a little — less than the threshold —
/// differ only from the unchanged side (the field itself is the other flank), and would
/// otherwise read as a track along every field boundary.
pub const FLANK_SIDE_MIN: f32 = 0.5;

/// Most bands a stack has.
const MAX_BANDS: usize = BandRole::ALL.len();

/// Spread of `√n · contrast` for noise independent from pixel to pixel: `√(1 + 1/2)` (the line
/// and the mean of two flanks as long). The line noise is never taken below it.
const INDEPENDENT_NOISE: f32 = 1.224_744_9;

/// The taps of one direction, the centre at index [`LINE_HALF`], and the shift to a flank.
#[derive(Debug, Clone, Copy)]
struct Direction {
    taps: [(isize, isize); LINE_TAPS],
    flank: (isize, isize),
}

fn directions() -> &'static [Direction; ORIENTATIONS] {
    static DIRECTIONS: OnceLock<[Direction; ORIENTATIONS]> = OnceLock::new();
    DIRECTIONS.get_or_init(|| {
        std::array::from_fn(|k| {
            let angle = std::f64::consts::PI * k as f64 / ORIENTATIONS as f64;
            let (sin, cos) = angle.sin_cos();
            let along_rows = cos.abs() >= sin.abs();
            // One tap per step along the major axis, so no pixel is taken twice.
            let taps = std::array::from_fn(|i| {
                let t = i as f64 - LINE_HALF as f64;
                if along_rows {
                    (
                        (t * sin / cos.abs()).round() as isize,
                        t as isize * cos.signum() as isize,
                    )
                } else {
                    (t as isize, (t * cos / sin).round() as isize)
                }
            });
            let gap = FLANK_GAP as isize;
            let flank = if along_rows { (gap, 0) } else { (0, gap) };
            Direction { taps, flank }
        })
    })
}

/// The normalised difference of a window and which of its pixels are valid.
pub trait NormalisedDifference {
    /// Rows and columns of the window.
    fn shape(&self) -> (usize, usize);
    /// Bands of the stack (at most six).
    fn bands(&self) -> usize;
    fn is_valid(&self, row: usize, col: usize) -> bool;
    /// `(gain · after + offset − before) / σ` of `band` at `(row, col)`.
    fn z(&self, band: usize, row: usize, col: usize) -> f32;
    /// [`NormalisedDifference::z`] of `band` at `(row, col)` and the columns after it, one
    /// per element of `out`.
    fn z_row(&self, band: usize, row: usize, col: usize, out: &mut [f32]) {
        for (i, v) in out.iter_mut().enumerate() {
            *v = self.z(band, row, col + i);
        }
    }
}

/// A tile's normalised difference under a scene's band normalisation.
#[derive(Debug, Clone, Copy)]
pub struct TileDifference<'a> {
    pub tile: &'a TileData,
    /// Row-major validity of the tile's pixels (the tile's own, or less after a cloud screen).
    pub valid: &'a [bool],
    pub fit: &'a [BandFit],
}

impl NormalisedDifference for TileDifference<'_> {
    fn shape(&self) -> (usize, usize) {
        self.tile.shape()
    }
    fn bands(&self) -> usize {
        self.fit.len().min(self.tile.before.dim().0)
    }
    fn is_valid(&self, row: usize, col: usize) -> bool {
        self.valid[row * self.tile.shape().1 + col]
    }
    #[inline]
    fn z(&self, band: usize, row: usize, col: usize) -> f32 {
        let f = &self.fit[band];
        let (b, a) = (
            self.tile.before[[band, row, col]],
            self.tile.after[[band, row, col]],
        );
        (f.gain * a + f.offset - b) / f.sigma
    }
    fn z_row(&self, band: usize, row: usize, col: usize, out: &mut [f32]) {
        let f = &self.fit[band];
        let cols = col..col + out.len();
        let before = self.tile.before.slice(s![band, row, cols.clone()]);
        let after = self.tile.after.slice(s![band, row, cols]);
        match (before.as_slice(), after.as_slice()) {
            (Some(before), Some(after)) => {
                for ((v, &b), &a) in out.iter_mut().zip(before).zip(after) {
                    *v = (f.gain * a + f.offset - b) / f.sigma;
                }
            }
            _ => {
                for ((v, &b), &a) in out.iter_mut().zip(before).zip(after) {
                    *v = (f.gain * a + f.offset - b) / f.sigma;
                }
            }
        }
    }
}

/// Per-band sums of `z` over the valid pixels at `offsets` from `(row, col)` shifted by
/// `shift`, and how many there were; each pixel's values go to `each` when given.
fn gather(
    d: &impl NormalisedDifference,
    at: (isize, isize),
    offsets: &[(isize, isize); LINE_TAPS],
    nb: usize,
    mut each: Option<&mut [[f32; MAX_BANDS]; LINE_TAPS]>,
) -> ([f32; MAX_BANDS], usize, Option<usize>) {
    let (rows, cols) = d.shape();
    let mut sum = [0.0_f32; MAX_BANDS];
    let (mut n, mut centre) = (0, None);
    for (i, &(dr, dc)) in offsets.iter().enumerate() {
        let (r, c) = (at.0 + dr, at.1 + dc);
        if r < 0 || c < 0 || r as usize >= rows || c as usize >= cols {
            continue;
        }
        let (r, c) = (r as usize, c as usize);
        if !d.is_valid(r, c) {
            continue;
        }
        if i == LINE_HALF {
            centre = Some(n);
        }
        for (b, s) in sum.iter_mut().enumerate().take(nb) {
            let v = d.z(b, r, c);
            if let Some(each) = each.as_deref_mut() {
                each[n][b] = v;
            }
            *s += v;
        }
        n += 1;
    }
    (sum, n, centre)
}

/// One line's measurement: its statistic, contrast with its flanks and each tap's `z`.
struct Line {
    /// `n · Σ_b (contrast_b / noise_b)² / bands`.
    stat: f32,
    contrast: [f32; MAX_BANDS],
    z: [[f32; MAX_BANDS]; LINE_TAPS],
    /// Valid taps (the first `n` of `z`) and the index of the centre among them.
    n: usize,
    centre: usize,
    /// Whether the line differs from each of its flanks by [`FLANK_SIDE_MIN`] of `contrast`
    /// (a flank with no valid tap — at the window's edge, beside a cloud — is not tested).
    two_sided: bool,
}

impl Line {
    /// Measures the line of `dir` through `at` (a valid pixel); `None` when the line lacks more
    /// than one tap or its flanks half of theirs.
    fn measure(
        d: &impl NormalisedDifference,
        noise: &[f32],
        at: (isize, isize),
        dir: &Direction,
        nb: usize,
    ) -> Option<Line> {
        let mut z = [[0.0_f32; MAX_BANDS]; LINE_TAPS];
        let (sum, n, centre) = gather(d, at, &dir.taps, nb, Some(&mut z));
        let centre = centre?;
        let (f, fa) = dir.flank;
        let (s1, n1, _) = gather(d, (at.0 + f, at.1 + fa), &dir.taps, nb, None);
        let (s2, n2, _) = gather(d, (at.0 - f, at.1 - fa), &dir.taps, nb, None);
        let mean = |s: &[f32; MAX_BANDS], n: usize| -> [f32; MAX_BANDS] {
            std::array::from_fn(|b| if b < nb { s[b] / n as f32 } else { 0.0 })
        };
        let means = [mean(&sum, n), mean(&s1, n1), mean(&s2, n2)];
        Line::from_means(noise, nb, z, centre, means, [n, n1, n2])
    }

    /// The line whose valid taps have `z` (the first `n`, the centre at `centre`), from the
    /// mean `z` of the line and of its two flanks and how many taps each had; `None` when the
    /// line lacks more than one tap or its flanks half of theirs.
    fn from_means(
        noise: &[f32],
        nb: usize,
        z: [[f32; MAX_BANDS]; LINE_TAPS],
        centre: usize,
        [mean, m1, m2]: [[f32; MAX_BANDS]; 3],
        [n, n1, n2]: [usize; 3],
    ) -> Option<Line> {
        if n + 1 < LINE_TAPS || n1 + n2 < LINE_TAPS {
            return None;
        }
        // The flanks' mean, each flank weighing the same when both are there.
        let flank_mean = |b: usize| match (n1, n2) {
            (0, _) => m2[b],
            (_, 0) => m1[b],
            _ => 0.5 * (m1[b] + m2[b]),
        };
        let contrast: [f32; MAX_BANDS] =
            std::array::from_fn(|b| if b < nb { mean[b] - flank_mean(b) } else { 0.0 });
        let power = contrast[..nb]
            .iter()
            .zip(noise)
            .map(|(m, s)| (m / s) * (m / s))
            .sum::<f32>();
        let stat = n as f32 * power / nb as f32;
        // The line's difference from one flank, projected on the contrast (same weights).
        let apart = |flank: &[f32; MAX_BANDS]| -> f32 {
            (0..nb)
                .map(|b| (mean[b] - flank[b]) * contrast[b] / (noise[b] * noise[b]))
                .sum::<f32>()
        };
        let side_min = FLANK_SIDE_MIN * power;
        let two_sided = [(n1, &m1), (n2, &m2)]
            .iter()
            .all(|&(count, flank)| count == 0 || apart(flank) >= side_min);
        Some(Line {
            stat,
            contrast,
            z,
            n,
            centre,
            two_sided,
        })
    }

    /// Whether the change along the line is consistent: all taps but one, the centre among
    /// them, changed by at least [`TAP_MIN`] σ along the contrast's direction. Each tap's own
    /// change counts (from no change, not from the flanks): a strong pixel in a flank makes the
    /// line differ from it, but not change.
    fn is_consistent(&self) -> bool {
        let norm = self.contrast.iter().map(|m| m * m).sum::<f32>().sqrt();
        if norm == 0.0 {
            return false;
        }
        let project = |zt: &[f32; MAX_BANDS]| -> f32 {
            zt.iter()
                .zip(&self.contrast)
                .map(|(a, m)| a * m)
                .sum::<f32>()
                / norm
        };
        let on_line = self.z[..self.n]
            .iter()
            .filter(|zt| project(zt) >= TAP_MIN)
            .count();
        self.two_sided && on_line + 1 >= self.n && project(&self.z[self.centre]) >= TAP_MIN
    }
}

/// The line magnitude of the valid pixel at `(row, col)` (see the module docs) when it
/// reaches `min` along a direction whose change is consistent and whose line is the ridge of
/// the change across it; `None` otherwise. `noise` holds each band's line noise. Pixels
/// outside the window or invalid are left out; a line needs all its taps but one, its flanks
/// at least half of theirs between them.
///
/// The ridge test compares the line with its two parallel neighbours one pixel across: only
/// the strongest of the three counts, so the mixed pixels beside a track, which change too,
/// do not widen it beyond what the per-pixel magnitude finds.
pub fn line_magnitude(
    d: &impl NormalisedDifference,
    noise: &[f32],
    row: usize,
    col: usize,
    min: f32,
) -> Option<f32> {
    let nb = d.bands().min(MAX_BANDS);
    if nb == 0 || noise.len() < nb || !d.is_valid(row, col) {
        return None;
    }
    let (rows, cols) = d.shape();
    let min_stat = min * min;
    let mut best: Option<f32> = None;
    let at = (row as isize, col as isize);
    for dir in directions() {
        let Some(line) = Line::measure(d, noise, at, dir, nb) else {
            continue;
        };
        if line.stat < min_stat || best.is_some_and(|b| line.stat <= b) || !line.is_consistent() {
            continue;
        }
        let (f, fa) = (dir.flank.0.signum(), dir.flank.1.signum());
        let beside = [(at.0 + f, at.1 + fa), (at.0 - f, at.1 - fa)];
        let is_ridge = beside.iter().all(|&(r, c)| {
            let inside = r >= 0 && c >= 0 && (r as usize) < rows && (c as usize) < cols;
            !inside
                || !d.is_valid(r as usize, c as usize)
                || !Line::measure(d, noise, (r, c), dir, nb).is_some_and(|l| l.stat > line.stat)
        });
        if is_ridge {
            best = Some(line.stat);
        }
    }
    best.map(f32::sqrt)
}

/// Rows of a window whose line statistics [`LineScratch::magnitudes`] computes together.
const STRIP: usize = 64;
/// Margin of a strip's line statistics around its pixels: the parallel lines of the ridge test.
const STAT_MARGIN: usize = 1;
/// Margin of its line means: the flanks of those lines.
const MEAN_MARGIN: usize = STAT_MARGIN + FLANK_GAP;
/// Margin of its `z`: the taps of those flanks.
const Z_MARGIN: usize = MEAN_MARGIN + LINE_HALF;
/// A strip is measured pixel by pixel ([`line_magnitude`]) when it has fewer wanted pixels
/// than its area (with margins) over this: computing its planes would cost more.
const PLANE_BREAK_EVEN: usize = 32;

/// Working memory of [`LineScratch::magnitudes`], reused from tile to tile (one per worker).
///
/// It computes what [`line_magnitude`] computes for many pixels at once, strip of rows by
/// strip, each strip over the columns of its wanted pixels: `z` once per pixel, then for each
/// direction the mean `z` of the line centred on every pixel (so a flank's mean is the line
/// mean of the pixel [`FLANK_GAP`] across) and the line statistic of every pixel (so the
/// parallel lines of the ridge test are the statistic of the pixels beside). Sums run over the
/// taps in the same order, an invalid or outside tap adding zero instead of being left out, so
/// the results are those of [`line_magnitude`] bit for bit.
#[derive(Debug, Clone, Default)]
pub struct LineScratch {
    /// Per band, `z` of the strip and its [`Z_MARGIN`] (zero where not valid).
    z: Vec<f32>,
    /// Validity of the same pixels (false outside the window).
    valid: Vec<bool>,
    /// Per band, the line mean of one direction centred on the strip and its [`MEAN_MARGIN`].
    mean: Vec<f32>,
    /// Valid taps of those lines.
    count: Vec<u8>,
    /// The line statistic of the strip and its [`STAT_MARGIN`]; −∞ for no line.
    stat: Vec<f32>,
    /// Per pixel of a row of `stat`, whether it takes the second flank's mean (when the first
    /// has no taps) and whether the mean of both.
    masks: Vec<(u32, u32)>,
    /// The strip's wanted valid pixels, row-major, and the best statistic of each so far.
    pixels: Vec<(usize, usize)>,
    best: Vec<f32>,
    found: Vec<(usize, usize, f32)>,
}

/// `a` where `mask` is all ones, `b` where it is zero, bit for bit.
#[inline]
fn select(mask: u32, a: f32, b: f32) -> f32 {
    f32::from_bits((a.to_bits() & mask) | (b.to_bits() & !mask))
}

/// Rows and columns of a strip's planes (its pixels and a margin).
#[derive(Debug, Clone, Copy)]
struct Plane {
    rows: usize,
    cols: usize,
}

impl Plane {
    fn around(rows: &Range<usize>, cols: &Range<usize>, margin: usize) -> Plane {
        Plane {
            rows: rows.len() + 2 * margin,
            cols: cols.len() + 2 * margin,
        }
    }
    fn len(self) -> usize {
        self.rows * self.cols
    }
}

impl LineScratch {
    /// [`line_magnitude`] of every valid pixel of the window for which `wanted(row, col)`,
    /// where it is `Some`: `(row, col, magnitude)`, row-major.
    pub fn magnitudes(
        &mut self,
        d: &impl NormalisedDifference,
        noise: &[f32],
        min: f32,
        wanted: impl Fn(usize, usize) -> bool,
    ) -> &[(usize, usize, f32)] {
        self.measure(d, noise, min, wanted, PLANE_BREAK_EVEN);
        &self.found
    }

    fn measure(
        &mut self,
        d: &impl NormalisedDifference,
        noise: &[f32],
        min: f32,
        wanted: impl Fn(usize, usize) -> bool,
        break_even: usize,
    ) {
        self.found.clear();
        let nb = d.bands().min(MAX_BANDS);
        if nb == 0 || noise.len() < nb {
            return;
        }
        let (rows, cols) = d.shape();
        for top in (0..rows).step_by(STRIP) {
            self.pixels.clear();
            let (mut first, mut last) = (usize::MAX, 0);
            for r in top..(top + STRIP).min(rows) {
                for c in 0..cols {
                    if wanted(r, c) && d.is_valid(r, c) {
                        self.pixels.push((r, c));
                        first = first.min(c);
                        last = last.max(c);
                    }
                }
            }
            let (Some(&(top, _)), Some(&(bottom, _))) = (self.pixels.first(), self.pixels.last())
            else {
                continue;
            };
            let (strip_rows, strip_cols) = (top..bottom + 1, first..last + 1);
            let area = Plane::around(&strip_rows, &strip_cols, Z_MARGIN).len();
            if self.pixels.len().saturating_mul(break_even) < area {
                for &(r, c) in &self.pixels {
                    if let Some(m) = line_magnitude(d, noise, r, c, min) {
                        self.found.push((r, c, m));
                    }
                }
            } else {
                self.strip(d, noise, nb, min, strip_rows, strip_cols);
            }
        }
    }

    /// Measures the strip's wanted pixels (`self.pixels`, within `rows` × `cols`).
    fn strip(
        &mut self,
        d: &impl NormalisedDifference,
        noise: &[f32],
        nb: usize,
        min: f32,
        rows: Range<usize>,
        cols: Range<usize>,
    ) {
        let (window_rows, window_cols) = d.shape();
        let zp = Plane::around(&rows, &cols, Z_MARGIN);
        let tp = Plane::around(&rows, &cols, STAT_MARGIN);
        self.fill_z(d, nb, &rows, &cols, zp);
        let min_stat = min * min;
        self.best.clear();
        self.best.resize(self.pixels.len(), f32::NEG_INFINITY);
        for dir in directions() {
            self.line_means(dir, nb, &rows, &cols);
            self.line_stats(dir, noise, nb, &rows, &cols);
            let (f, fa) = (dir.flank.0.signum(), dir.flank.1.signum());
            for (k, &(r, c)) in self.pixels.iter().enumerate() {
                let (i, j) = (r - rows.start + STAT_MARGIN, c - cols.start + STAT_MARGIN);
                let stat = self.stat[i * tp.cols + j];
                // −∞: no line. Otherwise as in `line_magnitude`.
                if stat == f32::NEG_INFINITY || stat < min_stat || stat <= self.best[k] {
                    continue;
                }
                let Some(line) = self.line_at(dir, noise, nb, &rows, &cols, (i, j)) else {
                    continue;
                };
                debug_assert!(line.stat.to_bits() == stat.to_bits() || stat.is_nan());
                if !line.is_consistent() {
                    continue;
                }
                let (r, c) = (r as isize, c as isize);
                let is_ridge = [(f, fa), (-f, -fa)].iter().all(|&(dr, dc)| {
                    let (rr, cc) = (r + dr, c + dc);
                    let inside = rr >= 0
                        && cc >= 0
                        && (rr as usize) < window_rows
                        && (cc as usize) < window_cols;
                    let beside = (i as isize + dr) as usize * tp.cols + (j as isize + dc) as usize;
                    // Not valid there: −∞, never above.
                    let above = self.stat[beside] > stat;
                    !inside || !above
                });
                if is_ridge {
                    self.best[k] = stat;
                }
            }
        }
        for (&(r, c), &best) in self.pixels.iter().zip(&self.best) {
            if best != f32::NEG_INFINITY {
                self.found.push((r, c, best.sqrt()));
            }
        }
    }

    /// `z` and validity of the strip's pixels and their [`Z_MARGIN`].
    fn fill_z(
        &mut self,
        d: &impl NormalisedDifference,
        nb: usize,
        rows: &Range<usize>,
        cols: &Range<usize>,
        zp: Plane,
    ) {
        let (window_rows, window_cols) = d.shape();
        self.z.clear();
        self.z.resize(nb * zp.len(), 0.0);
        self.valid.clear();
        self.valid.resize(zp.len(), false);
        // Columns of the plane inside the window.
        let c0 = cols.start.saturating_sub(Z_MARGIN);
        let c1 = (cols.end + Z_MARGIN).min(window_cols);
        let j0 = c0 + Z_MARGIN - cols.start;
        let r0 = rows.start.saturating_sub(Z_MARGIN);
        let r1 = (rows.end + Z_MARGIN).min(window_rows);
        for r in r0..r1 {
            let i = r + Z_MARGIN - rows.start;
            let at = i * zp.cols + j0;
            let valid = &mut self.valid[at..at + (c1 - c0)];
            for (v, c) in valid.iter_mut().zip(c0..c1) {
                *v = d.is_valid(r, c);
            }
            for b in 0..nb {
                let out = &mut self.z[b * zp.len() + at..][..c1 - c0];
                d.z_row(b, r, c0, out);
                for (z, &v) in out.iter_mut().zip(valid.iter()) {
                    if !v {
                        *z = 0.0;
                    }
                }
            }
        }
    }

    /// Mean `z` and valid taps of `dir`'s line centred on each pixel of the strip and its
    /// [`MEAN_MARGIN`], summed over the taps in their order.
    fn line_means(&mut self, dir: &Direction, nb: usize, rows: &Range<usize>, cols: &Range<usize>) {
        let zp = Plane::around(rows, cols, Z_MARGIN);
        let mp = Plane::around(rows, cols, MEAN_MARGIN);
        let shift = (Z_MARGIN - MEAN_MARGIN) as isize;
        // Where each tap of the first line is in the `z` plane.
        let taps = dir
            .taps
            .map(|(dr, dc)| ((shift + dr) * zp.cols as isize + shift + dc) as usize);
        self.count.clear();
        self.count.resize(mp.len(), 0);
        self.mean.clear();
        self.mean.resize(nb * mp.len(), 0.0);
        for i in 0..mp.rows {
            let count = &mut self.count[i * mp.cols..][..mp.cols];
            for &t in &taps {
                let valid = &self.valid[i * zp.cols + t..][..mp.cols];
                for (n, &v) in count.iter_mut().zip(valid) {
                    *n += u8::from(v);
                }
            }
        }
        for b in 0..nb {
            let z = &self.z[b * zp.len()..][..zp.len()];
            let mean = &mut self.mean[b * mp.len()..][..mp.len()];
            for i in 0..mp.rows {
                let sum = &mut mean[i * mp.cols..][..mp.cols];
                for &t in &taps {
                    let z = &z[i * zp.cols + t..][..mp.cols];
                    for (s, &v) in sum.iter_mut().zip(z) {
                        *s += v;
                    }
                }
                let count = &self.count[i * mp.cols..][..mp.cols];
                for (s, &n) in sum.iter_mut().zip(count) {
                    *s /= n as f32;
                }
            }
        }
    }

    /// `dir`'s line statistic of each pixel of the strip and its [`STAT_MARGIN`]; −∞ where
    /// the pixel is not valid or its line or flanks lack taps. The arithmetic of
    /// [`Line::from_means`].
    fn line_stats(
        &mut self,
        dir: &Direction,
        noise: &[f32],
        nb: usize,
        rows: &Range<usize>,
        cols: &Range<usize>,
    ) {
        let zp = Plane::around(rows, cols, Z_MARGIN);
        let mp = Plane::around(rows, cols, MEAN_MARGIN);
        let tp = Plane::around(rows, cols, STAT_MARGIN);
        let shift = (MEAN_MARGIN - STAT_MARGIN) as isize;
        let (f, fa) = dir.flank;
        let at = |dr: isize, dc: isize| ((shift + dr) * mp.cols as isize + shift + dc) as usize;
        let (on, flank1, flank2) = (at(0, 0), at(f, fa), at(-f, -fa));
        self.stat.clear();
        self.stat.resize(tp.len(), 0.0);
        let centre = Z_MARGIN - STAT_MARGIN;
        for i in 0..tp.rows {
            let out = &mut self.stat[i * tp.cols..][..tp.cols];
            let row = i * mp.cols;
            let n = &self.count[row + on..][..tp.cols];
            let n1 = &self.count[row + flank1..][..tp.cols];
            let n2 = &self.count[row + flank2..][..tp.cols];
            // Which flank mean each pixel takes, as bit masks: the loop over the pixels then
            // has no branch, and the means are taken as they are, not recomputed.
            self.masks.clear();
            self.masks.extend(n1.iter().zip(n2).map(|(&n1, &n2)| {
                let second = if n1 == 0 { u32::MAX } else { 0 };
                let both = if n1 == 0 || n2 == 0 { 0 } else { u32::MAX };
                (second, both)
            }));
            for (b, &noise) in noise.iter().enumerate().take(nb) {
                let mean = &self.mean[b * mp.len() + row..];
                let m = &mean[on..][..tp.cols];
                let m1 = &mean[flank1..][..tp.cols];
                let m2 = &mean[flank2..][..tp.cols];
                let flanks = self.masks.iter().zip(m1.iter().zip(m2));
                for ((out, &m), (&(second, both), (&m1, &m2))) in out.iter_mut().zip(m).zip(flanks)
                {
                    let one = select(second, m2, m1);
                    let flank_mean = select(both, 0.5 * (m1 + m2), one);
                    let contrast = m - flank_mean;
                    *out += (contrast / noise) * (contrast / noise);
                }
            }
            let valid = &self.valid[(i + centre) * zp.cols + centre..][..tp.cols];
            let counts = n.iter().zip(n1.iter().zip(n2));
            for ((out, &valid), (&n, (&n1, &n2))) in out.iter_mut().zip(valid).zip(counts) {
                let is_line = valid & (n + 1 >= LINE_TAPS as u8) & (n1 + n2 >= LINE_TAPS as u8);
                let stat = n as f32 * *out / nb as f32;
                *out = if is_line { stat } else { f32::NEG_INFINITY };
            }
        }
    }

    /// The line of `dir` centred on `(i, j)` of the statistic plane, from the planes.
    fn line_at(
        &self,
        dir: &Direction,
        noise: &[f32],
        nb: usize,
        rows: &Range<usize>,
        cols: &Range<usize>,
        (i, j): (usize, usize),
    ) -> Option<Line> {
        let zp = Plane::around(rows, cols, Z_MARGIN);
        let mp = Plane::around(rows, cols, MEAN_MARGIN);
        let mut z = [[0.0_f32; MAX_BANDS]; LINE_TAPS];
        let (mut n, mut centre) = (0, None);
        let shift = (Z_MARGIN - STAT_MARGIN) as isize;
        for (t, &(dr, dc)) in dir.taps.iter().enumerate() {
            let at =
                (i as isize + shift + dr) as usize * zp.cols + (j as isize + shift + dc) as usize;
            if !self.valid[at] {
                continue;
            }
            if t == LINE_HALF {
                centre = Some(n);
            }
            for (b, v) in z[n].iter_mut().enumerate().take(nb) {
                *v = self.z[b * zp.len() + at];
            }
            n += 1;
        }
        let shift = (MEAN_MARGIN - STAT_MARGIN) as isize;
        let (f, fa) = dir.flank;
        let at = |dr: isize, dc: isize| {
            (i as isize + shift + dr) as usize * mp.cols + (j as isize + shift + dc) as usize
        };
        let at = [at(0, 0), at(f, fa), at(-f, -fa)];
        let means = at.map(|at| {
            std::array::from_fn(|b| {
                if b < nb {
                    self.mean[b * mp.len() + at]
                } else {
                    0.0
                }
            })
        });
        let counts = at.map(|at| self.count[at] as usize);
        debug_assert_eq!(counts[0], n);
        Line::from_means(noise, nb, z, centre?, means, counts)
    }
}

/// Each band's line noise (see the module docs), from the horizontal and vertical lines of
/// sample windows whose taps and flanks are all valid (lines side by side, not overlapping):
/// the robust standard deviation of `√n` times their contrast, at least its value for
/// independent noise. That value for bands with no such line.
pub fn line_noise<'a, D: NormalisedDifference + 'a>(
    windows: impl IntoIterator<Item = &'a D>,
    bands: usize,
) -> Vec<f32> {
    let mut contrasts: Vec<Vec<f32>> = vec![Vec::new(); bands];
    let [row_line, col_line] = [0, ORIENTATIONS / 2].map(|k| directions()[k]);
    let (gap, reach) = (FLANK_GAP as isize, LINE_HALF as isize);
    for d in windows {
        let (rows, cols) = d.shape();
        let nb = d.bands().min(bands);
        let (rows, cols) = (rows as isize, cols as isize);
        let starts = |along: isize, across: isize| {
            (gap..across - gap).flat_map(move |a| {
                (reach..along - reach)
                    .step_by(LINE_TAPS)
                    .map(move |t| (a, t))
            })
        };
        let lines = starts(cols, rows)
            .map(|(r, c)| ((r, c), row_line))
            .chain(starts(rows, cols).map(|(c, r)| ((r, c), col_line)));
        for (at, dir) in lines {
            let (f, fa) = dir.flank;
            let (sum, n, _) = gather(d, at, &dir.taps, nb, None);
            let (s1, n1, _) = gather(d, (at.0 + f, at.1 + fa), &dir.taps, nb, None);
            let (s2, n2, _) = gather(d, (at.0 - f, at.1 - fa), &dir.taps, nb, None);
            if n.min(n1).min(n2) < LINE_TAPS {
                continue;
            }
            let k = LINE_TAPS as f32;
            for (b, out) in contrasts.iter_mut().enumerate().take(nb) {
                let contrast = sum[b] / k - 0.5 * (s1[b] + s2[b]) / k;
                out.push(contrast * k.sqrt());
            }
        }
    }
    contrasts
        .iter()
        .map(|c| {
            robust_sigma(c)
                .unwrap_or(INDEPENDENT_NOISE)
                .max(INDEPENDENT_NOISE)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A window of per-band normalised differences.
    struct Window {
        z: Vec<[f32; 6]>,
        valid: Vec<bool>,
        rows: usize,
        cols: usize,
    }

    impl NormalisedDifference for Window {
        fn shape(&self) -> (usize, usize) {
            (self.rows, self.cols)
        }
        fn bands(&self) -> usize {
            6
        }
        fn is_valid(&self, row: usize, col: usize) -> bool {
            self.valid[row * self.cols + col]
        }
        fn z(&self, band: usize, row: usize, col: usize) -> f32 {
            self.z[row * self.cols + col][band]
        }
    }

    /// Independent standard-normal noise per pixel and band (Box–Muller, fixed seed).
    fn window(rows: usize, cols: usize) -> Window {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let mut normal = move || {
            let (u, v): (f32, f32) = (rng.random_range(1e-7..1.0), rng.random());
            (-2.0 * u.ln()).sqrt() * (std::f32::consts::TAU * v).cos()
        };
        Window {
            z: (0..rows * cols)
                .map(|_| std::array::from_fn(|_| normal()))
                .collect(),
            valid: vec![true; rows * cols],
            rows,
            cols,
        }
    }

    /// A faint track: every band up by 1.5 σ along row 20, columns 5..35.
    const TRACK: [f32; 6] = [1.5; 6];
    /// The line noise of independent noise.
    const UNIT: [f32; 6] = [INDEPENDENT_NOISE; 6];

    fn with_track(mut w: Window) -> Window {
        for c in 5..35 {
            let px = &mut w.z[20 * w.cols + c];
            for (v, t) in px.iter_mut().zip(TRACK) {
                *v += t;
            }
        }
        w
    }

    #[test]
    fn a_faint_track_reaches_the_line_threshold_and_plain_noise_does_not() {
        let w = with_track(window(40, 40));
        let on_track = (8..32)
            .filter(|&c| line_magnitude(&w, &UNIT, 20, c, 2.5).is_some())
            .count();
        assert!(on_track >= 20, "{on_track} of 24 track pixels");
        // Per pixel the track is far below 2.5 σ (RMS 1.5 plus noise).
        let own = |c: usize| {
            let z = w.z[20 * w.cols + c];
            (z.iter().map(|v| v * v).sum::<f32>() / 6.0).sqrt()
        };
        assert!((8..32).filter(|&c| own(c) >= 2.5).count() < 6);
        // Away from the track, nothing.
        let noise_hits = (0..40)
            .flat_map(|r: usize| (0..40).map(move |c| (r, c)))
            .filter(|&(r, _)| r.abs_diff(20) > 3)
            .filter(|&(r, c)| line_magnitude(&w, &UNIT, r, c, 2.5).is_some())
            .count();
        assert_eq!(noise_hits, 0);
    }

    #[test]
    fn a_track_under_the_threshold_is_found_by_its_chain_and_noise_is_not() {
        use crate::line_chains::{keep_chained, ChainScratch, CHAIN_FRACTION};
        let w = with_track(window(40, 40));
        // A threshold above the track's line statistic: no line of it reaches it alone.
        let threshold = 4.0;
        let mut lines = LineScratch::default();
        let found = lines.magnitudes(&w, &UNIT, threshold * CHAIN_FRACTION, |_, _| true);
        assert!(found.iter().filter(|f| f.2 >= threshold).count() < 6);
        let mut chains = ChainScratch::default();
        let kept = keep_chained(&mut chains, found, 40, 40, threshold);
        let on_track = kept
            .iter()
            .filter(|&&(r, c, _)| r == 20 && (8..32).contains(&c));
        assert!(on_track.count() >= 18, "{kept:?}");
        assert!(
            kept.iter().all(|&(r, _, _)| r.abs_diff(20) <= 1),
            "{kept:?}"
        );
    }

    #[test]
    fn every_direction_has_distinct_taps_through_the_centre() {
        for dir in directions() {
            let taps = dir.taps;
            assert_eq!(taps[LINE_HALF], (0, 0));
            // The flank is across the line, on the minor axis.
            let (f, fa) = dir.flank;
            assert_eq!(f.abs() + fa.abs(), FLANK_GAP as isize);
            let minor_span = |k: fn(&(isize, isize)) -> isize| {
                taps.iter().map(k).max().unwrap() - taps.iter().map(k).min().unwrap()
            };
            if f != 0 {
                assert!(minor_span(|t| t.0) <= minor_span(|t| t.1));
            } else {
                assert!(minor_span(|t| t.1) <= minor_span(|t| t.0));
            }
            let mut seen = taps.to_vec();
            seen.sort_unstable();
            seen.dedup();
            assert_eq!(seen.len(), LINE_TAPS, "{taps:?}");
        }
    }

    #[test]
    fn only_the_ridge_of_a_track_with_mixed_pixels_beside_it_is_lit() {
        // The track's own row changes by 2 σ, the mixed rows beside it by 1.2 σ.
        let mut w = window(40, 40);
        for c in 5..35 {
            for (r, dz) in [(19, 1.2), (20, 2.0), (21, 1.2)] {
                w.z[r * 40 + c].iter_mut().for_each(|v| *v += dz);
            }
        }
        let lit = |r: usize| {
            (10..30)
                .filter(|&c| line_magnitude(&w, &UNIT, r, c, 2.5).is_some())
                .count()
        };
        assert!(lit(20) >= 15, "{}", lit(20));
        assert!(lit(19) + lit(21) <= 4, "{} {}", lit(19), lit(21));
    }

    #[test]
    fn the_edge_of_a_field_that_changed_a_little_is_not_a_line() {
        // Rows 20 and below changed by 3 σ in every band, each pixel too little to be change
        // on its own: a line just inside the field's edge differs from the unchanged flank
        // across it by 3 σ, from the field flank not at all, and is no track. A track along
        // the same edge, on unchanged ground, is one.
        let mut w = window(40, 40);
        for px in &mut w.z[20 * 40..] {
            px.iter_mut().for_each(|v| *v += 3.0);
        }
        let lit = |w: &Window, r: usize| {
            (10..30)
                .filter(|&c| line_magnitude(w, &UNIT, r, c, 2.5).is_some())
                .count()
        };
        let inside: usize = (20..24).map(|r| lit(&w, r)).sum();
        assert!(inside <= 2, "{inside}");
        for c in 5..35 {
            w.z[16 * 40 + c].iter_mut().for_each(|v| *v += 3.0);
        }
        assert!(lit(&w, 16) >= 15, "{}", lit(&w, 16));
    }

    #[test]
    fn one_strong_pixel_does_not_light_its_neighbours() {
        let mut w = window(20, 20);
        w.z[10 * 20 + 10] = [12.0; 6];
        for (r, c) in [(10, 11), (9, 10), (11, 12), (10, 13), (7, 10)] {
            assert_eq!(line_magnitude(&w, &UNIT, r, c, 2.5), None, "({r}, {c})");
        }
    }

    #[test]
    fn line_noise_is_one_for_independent_noise_and_more_for_correlated() {
        let w = window(60, 60);
        let n = line_noise([&w], 6);
        assert!(n.iter().all(|&s| (1.2..1.35).contains(&s)), "{n:?}");
        // Blocks of 2 × 2 equal pixels, as when a 20 m band is resampled to 10 m pixels: a
        // line of 7 crosses 4 blocks (variance 13 / 49 of its mean instead of 7 / 49), so are
        // its flanks, and √n · contrast has σ √(1.5 · 13 / 7) ≈ 1.67.
        let mut blocks = window(60, 60);
        for r in 0..60 {
            for c in 0..60 {
                blocks.z[r * 60 + c] = blocks.z[(r & !1) * 60 + (c & !1)];
            }
        }
        let n = line_noise([&blocks], 6);
        assert!(n.iter().all(|&s| (1.5..1.85).contains(&s)), "{n:?}");
        // Correlated bands need a stronger track: the same faint track reaches 2.5 at fewer
        // pixels.
        let w = with_track(window(40, 40));
        let hits = |noise: [f32; 6]| {
            (8..32)
                .filter(|&c| line_magnitude(&w, &noise, 20, c, 2.5).is_some())
                .count()
        };
        assert!(hits([1.67; 6]) < hits(UNIT));
    }

    #[test]
    fn invalid_taps_are_left_out_and_an_invalid_centre_has_no_line() {
        let mut w = with_track(window(40, 40));
        w.valid[20 * 40 + 21] = false;
        assert!(line_magnitude(&w, &UNIT, 20, 20, 2.5).is_some());
        assert_eq!(line_magnitude(&w, &UNIT, 20, 21, 2.5), None);
    }

    /// A window seen with its first `bands` bands only.
    struct FirstBands<'a>(&'a Window, usize);

    impl NormalisedDifference for FirstBands<'_> {
        fn shape(&self) -> (usize, usize) {
            self.0.shape()
        }
        fn bands(&self) -> usize {
            self.1
        }
        fn is_valid(&self, row: usize, col: usize) -> bool {
            self.0.is_valid(row, col)
        }
        fn z(&self, band: usize, row: usize, col: usize) -> f32 {
            self.0.z(band, row, col)
        }
    }

    #[test]
    fn the_planes_of_a_strip_give_the_magnitudes_of_single_pixels_bit_for_bit() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let mut scratch = LineScratch::default();
        let mut lit = 0;
        for (rows, cols) in [(40, 40), (70, 90), (150, 60), (9, 130), (5, 5), (66, 3)] {
            let mut w = window(rows, cols);
            // Tracks along a row, a column and two diagonals, with mixed pixels beside.
            let r = rows / 2;
            for c in 0..cols {
                for (rr, dz) in [(r, 2.0), (r + 1, 1.1)] {
                    if rr < rows {
                        w.z[rr * cols + c].iter_mut().for_each(|v| *v += dz);
                    }
                }
                let rr = (c * 2 / 3 + 3) % rows;
                w.z[rr * cols + c].iter_mut().for_each(|v| *v += 1.8);
                let rr = (cols - c + 5) % rows;
                w.z[rr * cols + c].iter_mut().for_each(|v| *v -= 1.6);
            }
            for r in 0..rows {
                let c = (r * 3 + 1) % cols;
                w.z[r * cols + c].iter_mut().for_each(|v| *v += 2.2);
            }
            // Invalid pixels: scattered, and a block.
            for (i, v) in w.valid.iter_mut().enumerate() {
                let (r, c) = (i / cols, i % cols);
                *v = rng.random::<f32>() > 0.08 && !(r < rows / 4 && c < cols / 5);
            }
            // A few odd values in valid pixels.
            for _ in 0..3 {
                let i = rng.random_range(0..rows * cols);
                w.z[i][rng.random_range(0..6)] = [f32::NAN, f32::INFINITY, -0.0][i % 3];
            }
            let wanted: Vec<bool> = (0..rows * cols)
                .map(|_| rng.random::<f32>() < 0.7)
                .collect();
            let sparse: Vec<bool> = (0..rows * cols)
                .map(|_| rng.random::<f32>() < 0.01)
                .collect();
            for nb in [6, 4, 1] {
                let d = FirstBands(&w, nb);
                for (noise, min) in [(UNIT, 2.5), ([1.3, 1.5, 1.25, 1.7, 1.4, 1.6], 1.0)] {
                    for mask in [&wanted, &sparse] {
                        let reference: Vec<(usize, usize, f32)> = (0..rows * cols)
                            .filter(|&i| mask[i])
                            .filter_map(|i| {
                                let (r, c) = (i / cols, i % cols);
                                line_magnitude(&d, &noise, r, c, min).map(|m| (r, c, m))
                            })
                            .collect();
                        let bits = |found: &[(usize, usize, f32)]| {
                            found
                                .iter()
                                .map(|&(r, c, m)| (r, c, m.to_bits()))
                                .collect::<Vec<_>>()
                        };
                        let want = |r: usize, c: usize| mask[r * cols + c];
                        for break_even in [0, PLANE_BREAK_EVEN, usize::MAX] {
                            scratch.measure(&d, &noise, min, want, break_even);
                            assert_eq!(
                                bits(&scratch.found),
                                bits(&reference),
                                "{rows} × {cols}, {nb} bands, min {min}, break-even {break_even}"
                            );
                        }
                        lit += reference.len();
                    }
                }
            }
        }
        assert!(lit > 1000, "{lit}");
    }
}
