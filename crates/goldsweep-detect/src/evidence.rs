//! Per-pixel change evidence: normalised change magnitude, index deltas and the change group.

use ndarray::{Array2, ArrayView2, ArrayView3, ArrayViewMut2};

use crate::cloud::{screen, ScreenScratch};
use crate::indices::{bsi, mndwi, ndvi, ndwi, visible_bare_index};
use crate::line_chains::{keep_chained, ChainScratch, CHAIN_FRACTION};
use crate::lines::{LineScratch, TileDifference};
use crate::morphology::NEIGHBOURS;
use crate::normalise::{BandFit, SceneFit};
use crate::object_stats::Evidence;
use crate::shadow::{shadow_shift, Reflectance};
use crate::{BandRole, BandSet, TileData};

/// Rounds of growth of new water into the changed pixels around it that pass the pond-edge test
/// ([`EvidenceParams::water_edge_nir_max`] and the two after it): the widest rim, in pixels, of
/// mixed pixels and dark liner that joins a pond. Each round reads two pixels around a pixel, so
/// a tile needs twice as much more halo.
pub const WATER_EDGE_ROUNDS: usize = 2;

/// Pixel group codes in [`PixelEvidence::group`].
pub mod group {
    /// Valid pixel, no significant change.
    pub const NONE: u8 = 0;
    /// Significant change on land (soil, rock, vegetation, built-up).
    pub const LAND: u8 = 1;
    /// New open water (a pond, a flooded pit).
    pub const WATER: u8 = 2;
    /// Land change in a strip under three pixels wide — a track, a ditch — alone or running
    /// out of a wider object ([`crate::morphology::split_thin`]); labelled apart from
    /// [`LAND`].
    pub const THIN: u8 = 3;
    /// Land change of focus zones that brightened into fresh bare rock or soil, with the mixed
    /// pixels around it ([`crate::morphology::split_bright`]): a heap, labelled apart from the
    /// clearing it was tipped on and the [`LAND`] change beside it.
    pub const BRIGHT: u8 = 4;
    /// Land change of focus zones in a strip three or four pixels wide, alone or running out of
    /// a wider object ([`crate::morphology::split_strips`]): a track that the sensor's point spread
    /// (a 20 m band, a 20 m product resampled to 10 m) lays over more than two pixels, where it
    /// leaves the clearing or yard it leads to. Labelled apart from [`LAND`], judged as land.
    pub const STRIP: u8 = 5;
    /// Nodata, cloud, shadow or outside either scene: never change.
    pub const INVALID: u8 = 255;
}

/// Thresholds on the index deltas that split change into groups, and whether clouds are
/// screened.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct EvidenceParams {
    /// Water index of the after date above which a pixel counts as open water.
    pub water_after_min: f32,
    /// Minimum rise of the water index for new water.
    pub water_gain_min: f32,
    /// Near-infrared reflectance of the after date below which new water must stay: water
    /// absorbs the near infrared (turbid water still stays below 0.1), while a new white roof
    /// or a bright bare surface can pass the water index (green above SWIR1) at 0.2–0.4.
    pub water_nir_max: f32,
    /// Near-infrared reflectance (as recorded) below which a changed pixel beside new water can
    /// be the pond's edge: a pixel part water, part bank, or a dark liner.
    pub water_edge_nir_max: f32,
    /// Fraction of the before date's near infrared that a pond's edge pixel must have lost.
    pub water_edge_nir_drop: f32,
    /// Rise of a water index that a pond's edge pixel must show.
    pub water_edge_gain: f32,
    /// Brightening (mean reflectance) of a land-change pixel that marks fresh rock or soil:
    /// the pixel form of [`crate::classify::ClassParams::brightening`].
    pub bright_brightening: f32,
    /// Mean visible reflectance of the after date that such a pixel reaches: the pixel form of
    /// [`crate::classify::ClassParams::spoil_visible`].
    pub bright_visible: f32,
    /// Brightening below which a land-change pixel that lost its vegetation is a clearing, not
    /// the mixed edge of a heap: the pixel form of
    /// [`crate::classify::ClassParams::bare_brightening`].
    pub clearing_brightening_max: f32,
    /// ΔNDVI at or below which a land-change pixel lost its vegetation: the pixel form of
    /// [`crate::classify::ClassParams::ndvi_loss`].
    pub clearing_ndvi_loss: f32,
    /// Water index that both dates must reach for a pixel to be water that stayed water (a pond,
    /// lake or the sea changing colour), which is not change. Higher than `water_after_min`: a
    /// dark roof or wet soil can reach that, and 8-bit data without calibration shifts the index.
    pub stable_water_min: f32,
    /// Fraction of the change threshold that a pixel's own (unsmoothed) magnitude must reach.
    pub own_fraction: f32,
    /// Whether strips three or four pixels wide are set apart from the wider land change they
    /// run out of ([`crate::morphology::split_strips`]). The pipeline keeps it only where such
    /// a strip can be a track ([`crate::morphology::strips_fit`]).
    pub strip_split: bool,
    /// Whether pixels the [`crate::cloud`] screen flags in either date are invalid. The
    /// pipeline records it, and why, in its own manifest entry.
    #[serde(skip)]
    pub cloud_screen: bool,
}

impl Default for EvidenceParams {
    fn default() -> EvidenceParams {
        EvidenceParams {
            water_after_min: 0.1,
            water_gain_min: 0.2,
            water_nir_max: 0.15,
            water_edge_nir_max: 0.2,
            water_edge_nir_drop: 0.25,
            water_edge_gain: 0.1,
            bright_brightening: 0.07,
            bright_visible: 0.12,
            clearing_brightening_max: 0.03,
            clearing_ndvi_loss: -0.12,
            stable_water_min: 0.3,
            own_fraction: 0.5,
            strip_split: true,
            cloud_screen: true,
        }
    }
}

/// Reusable buffers of [`pixel_evidence`]. A worker that keeps one across tiles does not
/// allocate (and page-fault) full-size arrays for every tile.
#[derive(Debug, Clone, Default)]
pub struct EvidenceScratch {
    chi: ChiRows,
    magnitude: Vec<f32>,
    groups: Vec<u8>,
    screen: ScreenScratch,
    /// The tile's validity, less the screened clouds.
    valid: Vec<bool>,
    lines: LineScratch,
    chains: ChainScratch,
    /// Pixels that join new water in one round of [`grow_water`].
    edge: Vec<usize>,
}

/// The change magnitude and group of every pixel of a window.
///
/// The rest of a pixel's evidence (the index deltas, with the after date first normalised into
/// the before date's radiometry) is computed on demand by [`PixelEvidence::at`] from the tile's
/// reflectance: only the few pixels that end up in change objects need it.
#[derive(Debug)]
pub struct PixelEvidence<'a> {
    /// [`group`] code per pixel.
    pub group: ArrayViewMut2<'a, u8>,
    /// [`change_magnitude`] per pixel (NaN where invalid).
    pub magnitude: ArrayView2<'a, f32>,
    spectral: Spectral<'a>,
    params: EvidenceParams,
}

/// What a land-change pixel looks like on its own, for [`crate::morphology::split_bright`].
pub mod tone {
    /// Not land change, or outside the focus zones.
    pub const NONE: u8 = 0;
    /// Brightened into fresh rock or soil: the core of a heap.
    pub const BRIGHT: u8 = 1;
    /// Lost its vegetation without brightening: a clearing.
    pub const CLEARED: u8 = 2;
    /// Neither: a mixed or weakly changed pixel.
    pub const MIXED: u8 = 3;
}

impl PixelEvidence<'_> {
    /// The [`tone`] of every pixel of the window into `tones` (row-major): land-change pixels
    /// of the focus zones (`focus`, window-shaped) get theirs from their evidence.
    pub fn tones(&self, focus: ArrayView2<'_, bool>, params: &EvidenceParams, tones: &mut Vec<u8>) {
        tones.clear();
        tones.extend(self.group.indexed_iter().map(|((r, c), &g)| {
            if g != group::LAND || !focus[[r, c]] {
                return tone::NONE;
            }
            let e = self.at(r, c);
            if e.d_bright >= params.bright_brightening && e.visible_after >= params.bright_visible {
                tone::BRIGHT
            } else if e.d_ndvi <= params.clearing_ndvi_loss
                && e.d_bright < params.clearing_brightening_max
            {
                tone::CLEARED
            } else {
                tone::MIXED
            }
        }));
    }

    /// All evidence of the pixel at `(row, col)` of the window; zero for an invalid pixel.
    pub fn at(&self, row: usize, col: usize) -> Evidence {
        let magnitude = self.magnitude[[row, col]];
        if magnitude.is_nan() {
            return Evidence::default();
        }
        let mut e = self.spectral.evidence(row, col, magnitude);
        if self.group[[row, col]] == group::WATER
            && self.spectral.is_new_water(&e, row, col, &self.params)
        {
            e.open_water = 1.0;
        }
        e
    }
}

/// Reads the spectral evidence of single pixels from a tile's reflectance.
#[derive(Debug, Clone)]
struct Spectral<'a> {
    before: ArrayView3<'a, f32>,
    after: ArrayView3<'a, f32>,
    fit: &'a [BandFit],
    /// Bands in the stack.
    bands: usize,
    blue: usize,
    green: usize,
    red: usize,
    nir: usize,
    /// SWIR1 and SWIR2 when both are present (BSI, MNDWI and the shadow-shift test), else the
    /// visible proxies are used and no pixel is a shadow shift.
    swir: Option<(usize, usize)>,
}

impl<'a> Spectral<'a> {
    fn new(tile: &'a TileData, bands: &BandSet, fit: &'a [BandFit]) -> Spectral<'a> {
        let idx = |r: BandRole| bands.index(r).unwrap_or(0);
        Spectral {
            before: tile.before.view(),
            after: tile.after.view(),
            fit,
            bands: bands.len(),
            blue: idx(BandRole::Blue),
            green: idx(BandRole::Green),
            red: idx(BandRole::Red),
            nir: idx(BandRole::Nir),
            swir: bands
                .index(BandRole::Swir1)
                .zip(bands.index(BandRole::Swir2)),
        }
    }

    /// Near-infrared reflectance of the after date at `(row, col)` as recorded (see the water
    /// index in [`Spectral::evidence`]).
    #[inline]
    fn nir_after(&self, row: usize, col: usize) -> f32 {
        self.after[[self.nir, row, col]]
    }

    /// The 10 m water index (NDWI, green against near infrared) of the before date and of the
    /// after date as recorded, where the stack also has SWIR (whose index is the evidence's).
    fn ndwi_pair(&self, row: usize, col: usize) -> Option<(f32, f32)> {
        self.swir.map(|_| {
            let (g, n) = (self.green, self.nir);
            (
                ndwi(self.before[[g, row, col]], self.before[[n, row, col]]),
                ndwi(self.after[[g, row, col]], self.after[[n, row, col]]),
            )
        })
    }

    /// Whether the pixel became open water: its near infrared is absorbed and a water index
    /// reached `water_after_min` after rising by `water_gain_min` — the evidence's (MNDWI with
    /// SWIR, NDWI without) or, with SWIR, also NDWI. SWIR1 is sampled at 20 m on Sentinel-2,
    /// and a pond two 10 m pixels wide has no pure SWIR pixel; green and near infrared are 10 m.
    fn is_new_water(&self, e: &Evidence, row: usize, col: usize, params: &EvidenceParams) -> bool {
        let rose = |after: f32, before: f32| {
            after >= params.water_after_min && after - before >= params.water_gain_min
        };
        self.nir_after(row, col) < params.water_nir_max
            && (rose(e.water_after, e.water_after - e.d_water)
                || self
                    .ndwi_pair(row, col)
                    .is_some_and(|(before, after)| rose(after, before)))
    }

    /// Whether a changed pixel beside new water is part of the pond: a mixed pixel of its edge,
    /// or the dark liner of a pond not yet full. Its near infrared fell to below
    /// `water_edge_nir_max` (as recorded) and by at least `water_edge_nir_drop` of the before
    /// date's, and a water index rose by `water_edge_gain` or more. A heap or clearing beside
    /// the pond does not darken the near infrared that much.
    fn is_water_edge(&self, row: usize, col: usize, params: &EvidenceParams) -> bool {
        let nir = self.nir;
        let recorded = self.after[[nir, row, col]];
        let before = self.before[[nir, row, col]];
        let f = self.fit[nir];
        let after = f.gain * recorded + f.offset;
        if recorded >= params.water_edge_nir_max
            || after > (1.0 - params.water_edge_nir_drop) * before
        {
            return false;
        }
        let e = self.evidence(row, col, 0.0);
        let ndwi_rise = self.ndwi_pair(row, col).map_or(f32::MIN, |(b, a)| a - b);
        e.d_water.max(ndwi_rise) >= params.water_edge_gain
    }

    /// The group of a pixel whose change reached its threshold: [`group::WATER`] when it became
    /// open water ([`Spectral::is_new_water`]), [`group::NONE`] when both dates are open water
    /// (a pond or the sea changing colour), [`group::LAND`] otherwise.
    fn change_group(&self, row: usize, col: usize, magnitude: f32, params: &EvidenceParams) -> u8 {
        let e = self.evidence(row, col, magnitude);
        let water_before = e.water_after - e.d_water;
        let stayed_water = e.water_after.min(water_before) >= params.stable_water_min;
        if self.is_new_water(&e, row, col, params) {
            group::WATER
        } else if stayed_water {
            // Turbidity, algae, glint or haze over a pond, lake or the sea: the surface is
            // open water on both dates, nothing was built or dug.
            group::NONE
        } else {
            group::LAND
        }
    }

    /// Evidence of the valid pixel at `(row, col)`, whose change magnitude is `magnitude`.
    #[inline]
    fn evidence(&self, row: usize, col: usize, magnitude: f32) -> Evidence {
        let mut b = [0.0_f32; BandRole::ALL.len()];
        let mut a = [0.0_f32; BandRole::ALL.len()];
        let (mut sum_b, mut sum_a) = (0.0_f32, 0.0_f32);
        for (k, f) in self.fit.iter().enumerate().take(self.bands) {
            b[k] = self.before[[k, row, col]];
            a[k] = f.gain * self.after[[k, row, col]] + f.offset;
            sum_b += b[k];
            sum_a += a[k];
        }
        let (ib, ig, ir, inir) = (self.blue, self.green, self.red, self.nir);
        // Whether the after date is water is read from it as recorded: its normalisation onto
        // the before date is fitted on land, and can lift a dark band far off (Tanzania's
        // near infrared: gain 0.69, offset +0.073, a pond's 0.045 read as 0.104).
        let recorded = |k: usize| self.after[[k, row, col]];
        let (bare_b, bare_a, water_b, water_a) = match self.swir {
            Some((is1, _)) => (
                bsi(b[ib], b[ir], b[inir], b[is1]),
                bsi(a[ib], a[ir], a[inir], a[is1]),
                mndwi(b[ig], b[is1]),
                mndwi(recorded(ig), recorded(is1)),
            ),
            None => (
                visible_bare_index(b[ib], b[ig], b[ir], b[inir]),
                visible_bare_index(a[ib], a[ig], a[ir], a[inir]),
                ndwi(b[ig], b[inir]),
                ndwi(recorded(ig), recorded(inir)),
            ),
        };
        Evidence {
            magnitude,
            d_ndvi: ndvi(a[ir], a[inir]) - ndvi(b[ir], b[inir]),
            d_bare: bare_a - bare_b,
            d_water: water_a - water_b,
            bare_after: bare_a,
            water_after: water_a,
            d_bright: (sum_a - sum_b) / self.bands as f32,
            d_swir: self
                .swir
                .map_or(0.0, |(is1, is2)| (a[is1] + a[is2] - b[is1] - b[is2]) / 2.0),
            visible_after: (a[ib] + a[ig] + a[ir]) / 3.0,
            shadow_shift: self.swir.map_or(0.0, |(is1, is2)| {
                let at = |x: &[f32]| Reflectance {
                    green: x[ig],
                    red: x[ir],
                    nir: x[inir],
                    swir1: x[is1],
                    swir2: x[is2],
                };
                f32::from(u8::from(shadow_shift(&at(&b), &at(&a))))
            }),
            // Set by PixelEvidence::at, which knows the pixel's group.
            open_water: 0.0,
        }
    }
}

/// Three consecutive window rows of the per-pixel chi-square, the input of the 3 × 3 smoothing,
/// in slots `0..3`. `chi` and `count` rows are padded with one column on both sides; padding
/// and pixels whose chi-square is not a number (invalid pixels) hold `0.0` in both, all other
/// pixels count `1.0`. `count3` (unpadded) holds the count of each pixel and its left and right
/// neighbours.
#[derive(Debug, Clone, Default)]
struct ChiRows {
    chi: Vec<f32>,
    count: Vec<f32>,
    count3: Vec<f32>,
}

impl ChiRows {
    /// Fills `magnitude` (row-major, one value per pixel of `tile`) with the
    /// [`change_magnitude`] of the pixels `valid` (row-major) allows, row by row, and calls
    /// `row_done(row, chi, magnitude)` with each finished row's chi-square (zero where invalid)
    /// and magnitude.
    fn magnitude(
        &mut self,
        tile: &TileData,
        valid: &[bool],
        nb: usize,
        fit: &[BandFit],
        magnitude: &mut [f32],
        mut row_done: impl FnMut(usize, &[f32], &[f32]),
    ) {
        let (rows, cols) = tile.shape();
        let plane = rows * cols;
        let before = tile.before.as_standard_layout();
        let after = tile.after.as_standard_layout();
        let (before, after) = (
            before.as_slice().unwrap_or(&[]),
            after.as_slice().unwrap_or(&[]),
        );
        let w = cols + 2;
        for (buf, len) in [
            (&mut self.chi, 3 * w),
            (&mut self.count, 3 * w),
            (&mut self.count3, 3 * cols),
        ] {
            buf.clear();
            buf.resize(len, 0.0);
        }
        // Padded row `p` holds window row `p − 1` in slot `p % 3`; padded rows 0 and
        // `rows + 1` lie outside the window and stay zero.
        for p in 1..=rows + 1 {
            let slot = p % 3;
            let (chi, count) = (
                &mut self.chi[slot * w..(slot + 1) * w],
                &mut self.count[slot * w..(slot + 1) * w],
            );
            if p <= rows {
                let start = (p - 1) * cols;
                let rows = BandRows {
                    before,
                    after,
                    plane,
                    start,
                };
                let (chi, count) = (&mut chi[1..cols + 1], &mut count[1..cols + 1]);
                chi_row(rows, &valid[start..start + cols], nb, fit, chi, count);
            } else {
                chi.fill(0.0);
                count.fill(0.0);
            }
            let count3 = &mut self.count3[slot * cols..(slot + 1) * cols];
            let (left, centre, right) = taps(count, 0, cols);
            for (((n, &l), &c), &r) in count3.iter_mut().zip(left).zip(centre).zip(right) {
                *n = l + c + r;
            }
            if p >= 2 {
                let r = p - 2;
                let out = &mut magnitude[r * cols..(r + 1) * cols];
                let slots = [(p - 2) % 3, (p - 1) % 3, slot];
                smooth_row(self, slots, out);
                let centre = slots[1] * w + 1;
                row_done(r, &self.chi[centre..centre + cols], out);
            }
        }
    }
}

/// One window row in band-sequential stacks of both dates.
#[derive(Clone, Copy)]
struct BandRows<'a> {
    before: &'a [f32],
    after: &'a [f32],
    /// Pixels per band.
    plane: usize,
    /// Offset of the row's first pixel inside a band.
    start: usize,
}

/// Per-pixel chi-square of the normalised difference of one row,
/// `Σ_b ((after'_b − before_b) / σ_b)² / n`, into `chi` (`chi.len()` pixels), and `count`:
/// `1.0` where it is a number, `0.0` (with `chi` zero) where the pixel is invalid.
fn chi_row(
    rows: BandRows<'_>,
    valid: &[bool],
    nb: usize,
    fit: &[BandFit],
    chi: &mut [f32],
    count: &mut [f32],
) {
    let len = chi.len();
    if nb == 0 || fit.is_empty() {
        chi.fill(f32::NAN);
    }
    for (k, f) in fit.iter().enumerate().take(nb) {
        let offset = k * rows.plane + rows.start;
        let (b, a) = (
            &rows.before[offset..offset + len],
            &rows.after[offset..offset + len],
        );
        let inv_sigma = 1.0 / f.sigma;
        let pixels = chi.iter_mut().zip(a).zip(b);
        if k == 0 {
            for ((x, &a), &b) in pixels {
                let z = (f.gain * a + f.offset - b) * inv_sigma;
                *x = z * z;
            }
        } else {
            for ((x, &a), &b) in pixels {
                let z = (f.gain * a + f.offset - b) * inv_sigma;
                *x += z * z;
            }
        }
    }
    let inv_nb = 1.0 / nb.max(1) as f32;
    for ((x, n), &ok) in chi.iter_mut().zip(count.iter_mut()).zip(valid) {
        let v = if ok { *x * inv_nb } else { f32::NAN };
        let is_number = !v.is_nan();
        *x = if is_number { v } else { 0.0 };
        *n = if is_number { 1.0 } else { 0.0 };
    }
}

/// One row of the change magnitude from the chi-square rows above, at and below it (`slots`).
fn smooth_row(rows: &ChiRows, slots: [usize; 3], out: &mut [f32]) {
    let cols = out.len();
    let w = cols + 2;
    let [up, at, down] = slots;
    let (a0, a1, a2) = taps(&rows.chi, up * w, cols);
    let (b0, b1, b2) = taps(&rows.chi, at * w, cols);
    let (c0, c1, c2) = taps(&rows.chi, down * w, cols);
    let valid = &rows.count[at * w + 1..at * w + 1 + cols];
    let count3 = |slot: usize| &rows.count3[slot * cols..(slot + 1) * cols];
    let (na, nb, nc) = (count3(up), count3(at), count3(down));
    for (c, m) in out.iter_mut().enumerate() {
        // Summed in the row-major order of the neighbourhood. Chi-square values are never
        // negative, so the zeros of invalid and outside pixels leave the sum unchanged.
        let sum = a0[c] + a1[c] + a2[c] + b0[c] + b1[c] + b2[c] + c0[c] + c1[c] + c2[c];
        let smooth = (sum / (na[c] + nb[c] + nc[c])).sqrt();
        *m = if valid[c] == 0.0 { f32::NAN } else { smooth };
    }
}

/// The left, centre and right neighbours of `cols` pixels of the padded row at `slot` in `buf`.
fn taps(buf: &[f32], slot: usize, cols: usize) -> (&[f32], &[f32], &[f32]) {
    let row = &buf[slot..slot + cols + 2];
    (&row[..cols], &row[1..cols + 1], &row[2..cols + 2])
}

/// Change magnitude: the square root of the chi-square averaged over the valid pixels of the
/// 3 × 3 neighbourhood (spatial context: an isolated noisy pixel is damped, a changed field
/// or heap keeps its level). NaN where the pixel itself is invalid. Needs a halo of one pixel.
///
/// ```
/// use goldsweep_detect::evidence::change_magnitude;
/// use goldsweep_detect::normalise::BandFit;
/// use goldsweep_detect::TileData;
/// use ndarray::{Array2, Array3};
/// let before = Array3::from_elem((4, 3, 3), 0.1_f32);
/// let mut after = before.clone();
/// after[[0, 1, 1]] = 0.19; // one band of the centre pixel changes by 9 σ
/// let tile = TileData { before, after, valid: Array2::from_elem((3, 3), true) };
/// let fit = vec![BandFit { gain: 1.0, offset: 0.0, sigma: 0.01 }; 4];
/// let m = change_magnitude(&tile, 4, &fit);
/// // chi = 81 / 4 bands at the centre, spread over the 9 pixels of its neighbourhood.
/// assert!((m[[1, 1]] - (81.0f32 / 4.0 / 9.0).sqrt()).abs() < 1e-3);
/// ```
pub fn change_magnitude(tile: &TileData, nb: usize, fit: &[BandFit]) -> Array2<f32> {
    let shape = tile.shape();
    let mut magnitude = vec![0.0; shape.0 * shape.1];
    let valid = tile.valid.as_standard_layout();
    let valid = valid.as_slice().unwrap_or(&[]);
    ChiRows::default().magnitude(tile, valid, nb, fit, &mut magnitude, |_, _, _| {});
    Array2::from_shape_vec(shape, magnitude).expect("one magnitude per pixel")
}

/// Computes the change magnitude and group of every pixel of a tile into `scratch`.
///
/// With `params.cloud_screen`, pixels the [`crate::cloud`] screen flags are invalid too (the
/// tile then needs [`crate::cloud::REACH`] more pixels of halo). A pixel is change when it is
/// valid, its [`change_magnitude`] reaches its threshold — `fit.focus_threshold` where `focus`
/// (window-shaped) is true, `fit.magnitude_threshold` elsewhere — and its own unsmoothed
/// magnitude reaches `params.own_fraction` of `fit.magnitude_threshold`; it is
/// [`group::WATER`] when the after date is water and the water
/// index rose, no change when both dates are open water otherwise (a pond or the sea changing
/// colour), and [`group::LAND`] otherwise. Invalid pixels get [`group::INVALID`] and zero evidence.
pub fn pixel_evidence<'a>(
    scratch: &'a mut EvidenceScratch,
    tile: &'a TileData,
    bands: &BandSet,
    fit: &'a SceneFit,
    params: &EvidenceParams,
    focus: Option<ArrayView2<'_, bool>>,
) -> PixelEvidence<'a> {
    let (rows, cols) = tile.shape();
    let spectral = Spectral::new(tile, bands, &fit.bands);
    // A pixel's own magnitude must reach this, so that smoothing does not spread a strong
    // change onto the unchanged ring around it (which would inflate areas). It holds in focus
    // zones too: there the lower threshold finds weaker change, not wider outlines.
    let own_min = fit.magnitude_threshold * params.own_fraction;
    let own_chi_min = own_min * own_min;
    debug_assert!(focus.map_or(true, |f| f.dim() == (rows, cols)));
    let row_major: Vec<bool>;
    let focus: Option<&[bool]> = match focus.filter(|f| f.dim() == (rows, cols)) {
        Some(f) => match f.to_slice() {
            Some(slice) => Some(slice),
            None => {
                row_major = f.iter().copied().collect();
                Some(&row_major)
            }
        },
        None => None,
    };
    let EvidenceScratch {
        chi,
        magnitude,
        groups,
        screen: screen_scratch,
        valid,
        lines,
        chains,
        edge,
    } = scratch;
    if params.cloud_screen {
        screen(screen_scratch, tile, bands, valid);
    } else {
        valid.clear();
        valid.extend(tile.valid.iter());
    }
    magnitude.resize(rows * cols, 0.0);
    groups.resize(rows * cols, group::INVALID);
    let nb = bands.len();
    chi.magnitude(tile, valid, nb, &fit.bands, magnitude, |r, chi, m| {
        let out = &mut groups[r * cols..(r + 1) * cols];
        for ((g, &m), &chi) in out.iter_mut().zip(m).zip(chi) {
            let weak = (m < fit.magnitude_threshold) | (chi < own_chi_min);
            let valid = if weak { group::NONE } else { group::LAND };
            *g = if m.is_nan() { group::INVALID } else { valid };
        }
        if let Some(focus) = focus {
            let row = &focus[r * cols..(r + 1) * cols];
            for (((g, &m), &chi), &in_focus) in out.iter_mut().zip(m).zip(chi).zip(row) {
                if in_focus && *g == group::NONE && m >= fit.focus_threshold && chi >= own_chi_min {
                    *g = group::LAND;
                }
            }
        }
        // The few change pixels: new water, water that stayed water, or land.
        if out.contains(&group::LAND) {
            for (c, g) in out.iter_mut().enumerate() {
                if *g == group::LAND {
                    *g = spectral.change_group(r, c, m[c], params);
                }
            }
        }
    });
    // Faint tracks in focus zones: pixels on a line of consistent change, strong or chained.
    if let Some(focus) = focus {
        let difference = TileDifference {
            tile,
            valid,
            fit: &fit.bands,
        };
        let wanted = |r: usize, c: usize| {
            let i = r * cols + c;
            focus[i] && groups[i] == group::NONE
        };
        let weakest = fit.focus_threshold * CHAIN_FRACTION;
        let found = lines.magnitudes(&difference, &fit.line_noise, weakest, wanted);
        for &(r, c, line) in keep_chained(chains, found, rows, cols, fit.focus_threshold) {
            let i = r * cols + c;
            let m = &mut magnitude[i];
            *m = m.max(line);
            groups[i] = spectral.change_group(r, c, *m, params);
        }
    }
    grow_water(groups, cols, &spectral, params, edge);
    PixelEvidence {
        group: ArrayViewMut2::from_shape((rows, cols), groups).expect("one group per pixel"),
        magnitude: ArrayView2::from_shape((rows, cols), magnitude)
            .expect("one magnitude per pixel"),
        spectral,
        params: *params,
    }
}

/// Grows new water, [`WATER_EDGE_ROUNDS`] times, into the land-change pixels 8-connected to it
/// that pass the pond-edge test ([`Spectral::is_water_edge`]). A pond is found by its pixels of
/// open water; those along its bank are part bank, and those of a liner not yet under water
/// are dark but no water index calls them water, so without them a pond is a small core inside
/// a ring of land change of the same object, which the ring's mean evidence then classifies.
///
/// Growth never joins two water bodies ([`on_one_side`]): the dykes between the ponds of a
/// lattice stay land, and the ponds separate objects.
fn grow_water(
    groups: &mut [u8],
    cols: usize,
    spectral: &Spectral<'_>,
    params: &EvidenceParams,
    edge: &mut Vec<usize>,
) {
    if cols == 0 || !groups.contains(&group::WATER) {
        return;
    }
    let rows = groups.len() / cols;
    for _ in 0..WATER_EDGE_ROUNDS {
        edge.clear();
        for (i, _) in groups.iter().enumerate().filter(|(_, &g)| g == group::LAND) {
            let (r, c) = (i / cols, i % cols);
            if on_one_side(groups, rows, cols, r, c) && spectral.is_water_edge(r, c, params) {
                edge.push(i);
            }
        }
        if edge.is_empty() {
            break;
        }
        for &i in edge.iter() {
            groups[i] = group::WATER;
        }
    }
}

/// For each position of [`NEIGHBOURS`], the positions 8-adjacent to it (as bits).
const RING_ADJACENT: [u8; 8] = {
    let mut adjacent = [0u8; 8];
    let mut k = 0;
    while k < 8 {
        let mut j = 0;
        while j < 8 {
            let (a, b) = (NEIGHBOURS[k], NEIGHBOURS[j]);
            if j != k && (a.0 - b.0).abs() <= 1 && (a.1 - b.1).abs() <= 1 {
                adjacent[k] |= 1 << j;
            }
            j += 1;
        }
        k += 1;
    }
    adjacent
};

/// Whether new water touches the pixel `(r, c)` as one body and from one side, so that making
/// it water joins nothing: the water among its 8 neighbours is one 8-connected piece, and every
/// water pixel two pixels away lies ahead of the mean direction of that piece — not behind it
/// or across, where another pond's edge can be taking the pixel beside this one in the same
/// round.
fn on_one_side(groups: &[u8], rows: usize, cols: usize, r: usize, c: usize) -> bool {
    let water = |(dr, dc): (isize, isize)| {
        let (nr, nc) = (r as isize + dr, c as isize + dc);
        (0..rows as isize).contains(&nr)
            && (0..cols as isize).contains(&nc)
            && groups[nr as usize * cols + nc as usize] == group::WATER
    };
    // The water neighbours as bits of NEIGHBOURS' positions.
    let ring = (0..8).fold(0u8, |bits, k| bits | (u8::from(water(NEIGHBOURS[k])) << k));
    if ring == 0 {
        return false;
    }
    // Flood the piece holding the lowest water neighbour; one piece holds them all.
    let mut piece = ring & ring.wrapping_neg();
    loop {
        let grown = (0..8)
            .filter(|k| piece & (1 << k) != 0)
            .fold(piece, |p, k| p | (RING_ADJACENT[k] & ring));
        if grown == piece {
            break;
        }
        piece = grown;
    }
    if piece != ring {
        return false;
    }
    let (sr, sc) = (0..8)
        .filter(|k| ring & (1 << k) != 0)
        .fold((0, 0), |(sr, sc), k| {
            (sr + NEIGHBOURS[k].0, sc + NEIGHBOURS[k].1)
        });
    (-2..=2_isize)
        .flat_map(|dr| (-2..=2_isize).map(move |dc| (dr, dc)))
        .filter(|&(dr, dc)| dr.abs() == 2 || dc.abs() == 2)
        .all(|(dr, dc)| !water((dr, dc)) || dr * sr + dc * sc > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{s, Array2, Array3};

    fn fit(nb: usize) -> SceneFit {
        crate::normalise::identity_fit(nb, 3.0, 4.5)
    }

    /// [`pixel_evidence`] with the default parameters and no focus zone.
    fn with_defaults<'a>(
        scratch: &'a mut EvidenceScratch,
        t: &'a TileData,
        bands: &BandSet,
        fit: &'a SceneFit,
    ) -> PixelEvidence<'a> {
        pixel_evidence(scratch, t, bands, fit, &EvidenceParams::default(), None)
    }

    fn stack(px: [f32; 6], rows: usize, cols: usize) -> Array3<f32> {
        Array3::from_shape_fn((6, rows, cols), |(b, _, _)| px[b])
    }

    const VEG: [f32; 6] = [0.03, 0.06, 0.04, 0.30, 0.16, 0.08];
    const SPOIL: [f32; 6] = [0.20, 0.24, 0.28, 0.32, 0.38, 0.30];
    const WATER: [f32; 6] = [0.08, 0.09, 0.06, 0.03, 0.01, 0.01];

    #[test]
    fn identical_dates_have_no_change() {
        let bands = BandSet::new(BandRole::ALL).unwrap();
        let t = TileData {
            before: stack(VEG, 4, 4),
            after: stack(VEG, 4, 4),
            valid: Array2::from_elem((4, 4), true),
        };
        let fit = fit(6);
        let mut scratch = EvidenceScratch::default();
        let ev = with_defaults(&mut scratch, &t, &bands, &fit);
        assert!(ev.group.iter().all(|&g| g == group::NONE));
        assert!(ev.magnitude.iter().all(|&m| m == 0.0));
    }

    #[test]
    fn spoil_is_land_and_pond_is_water_and_invalid_stays_invalid() {
        let bands = BandSet::new(BandRole::ALL).unwrap();
        let mut after = stack(VEG, 4, 4);
        for b in 0..6 {
            after[[b, 0, 0]] = SPOIL[b];
            after[[b, 1, 1]] = WATER[b];
            after[[b, 2, 2]] = SPOIL[b];
        }
        let mut valid = Array2::from_elem((4, 4), true);
        valid[[2, 2]] = false;
        let t = TileData {
            before: stack(VEG, 4, 4),
            after,
            valid,
        };
        let fit = fit(6);
        let mut scratch = EvidenceScratch::default();
        let ev = with_defaults(&mut scratch, &t, &bands, &fit);
        assert_eq!(ev.group[[0, 0]], group::LAND);
        let spoil = ev.at(0, 0);
        assert!(spoil.d_ndvi < -0.5 && spoil.d_bare > 0.3);
        // The SWIR change is the mean of SWIR1's and SWIR2's: (0.22 + 0.22) / 2.
        assert!((spoil.d_swir - 0.22).abs() < 1e-6, "{}", spoil.d_swir);
        assert_eq!(ev.group[[1, 1]], group::WATER);
        assert!(ev.at(1, 1).water_after > 0.5);
        assert_eq!(ev.group[[2, 2]], group::INVALID);
        assert_eq!(ev.at(2, 2), Evidence::default());
        assert_eq!(ev.group[[3, 3]], group::NONE);
    }

    #[test]
    fn a_new_white_roof_passes_the_water_index_but_is_not_water() {
        let bands = BandSet::new(BandRole::ALL).unwrap();
        // Green above SWIR1 (MNDWI 0.16), but bright in the near infrared.
        const ROOF: [f32; 6] = [0.25, 0.26, 0.26, 0.27, 0.19, 0.15];
        const BARE: [f32; 6] = [0.12, 0.11, 0.10, 0.14, 0.19, 0.14];
        let mut after = stack(BARE, 3, 3);
        for b in 0..6 {
            after[[b, 1, 1]] = ROOF[b];
        }
        let t = TileData {
            before: stack(BARE, 3, 3),
            after,
            valid: Array2::from_elem((3, 3), true),
        };
        let fit = crate::normalise::identity_fit(6, 1.0, 1.5);
        let mut scratch = EvidenceScratch::default();
        let ev = with_defaults(&mut scratch, &t, &bands, &fit);
        let roof = ev.at(1, 1);
        assert!(roof.water_after >= 0.1 && roof.d_water >= 0.2, "{roof:?}");
        assert_eq!(ev.group[[1, 1]], group::LAND);
    }

    #[test]
    fn water_that_changes_colour_is_no_change_but_a_pond_filled_in_is() {
        let bands = BandSet::new(BandRole::ALL).unwrap();
        // Turbid, algae-green water: brighter in the visible, still open water.
        const TURBID: [f32; 6] = [0.14, 0.18, 0.15, 0.06, 0.02, 0.01];
        let mut after = stack(WATER, 4, 4);
        for b in 0..6 {
            after[[b, 1, 1]] = TURBID[b];
            after[[b, 2, 2]] = SPOIL[b];
        }
        let t = TileData {
            before: stack(WATER, 4, 4),
            after,
            valid: Array2::from_elem((4, 4), true),
        };
        let fit = fit(6);
        let mut scratch = EvidenceScratch::default();
        let ev = with_defaults(&mut scratch, &t, &bands, &fit);
        assert!(
            ev.magnitude[[1, 1]] >= fit.magnitude_threshold,
            "a strong change"
        );
        assert_eq!(ev.group[[1, 1]], group::NONE, "but water on both dates");
        assert_eq!(ev.group[[2, 2]], group::LAND, "spoil dumped into the pond");
    }

    #[test]
    fn a_pond_narrower_than_a_swir_pixel_is_water_with_its_rim_but_not_the_heap_beside_it() {
        let bands = BandSet::new(BandRole::ALL).unwrap();
        // Open water in the 10 m bands, but SWIR1 sampled at 20 m still sees the bank: MNDWI
        // stays negative, NDWI does not.
        const CORE: [f32; 6] = [0.08, 0.09, 0.06, 0.03, 0.12, 0.06];
        // Half water, half vegetated bank: no water index reaches water, the near infrared
        // halves.
        const RIM: [f32; 6] = [0.055, 0.075, 0.05, 0.165, 0.13, 0.06];
        let mut after = stack(VEG, 7, 12);
        for r in 3..5 {
            for (c, px) in [
                (2, RIM),
                (3, RIM),
                (4, CORE),
                (5, CORE),
                (6, CORE),
                (7, RIM),
            ]
            .into_iter()
            .chain([(8, SPOIL), (9, SPOIL)])
            {
                for b in 0..6 {
                    after[[b, r, c]] = px[b];
                }
            }
        }
        // The same mixture far from any water.
        for (r, c) in [(0, 9), (0, 10), (1, 9), (1, 10)] {
            for b in 0..6 {
                after[[b, r, c]] = RIM[b];
            }
        }
        let t = TileData {
            before: stack(VEG, 7, 12),
            after,
            valid: Array2::from_elem((7, 12), true),
        };
        let fit = fit(6);
        let mut scratch = EvidenceScratch::default();
        let ev = with_defaults(&mut scratch, &t, &bands, &fit);
        assert!(ev.at(3, 5).water_after < 0.0, "MNDWI misses the pond");
        for c in 2..8 {
            assert_eq!(ev.group[[3, c]], group::WATER, "column {c}");
            assert_eq!(ev.group[[4, c]], group::WATER, "column {c}");
        }
        // The core is open water itself; the rim joined it by the pond-edge test only.
        for c in 4..7 {
            assert_eq!(ev.at(3, c).open_water, 1.0, "column {c}");
        }
        for c in [2, 3, 7] {
            assert_eq!(ev.at(3, c).open_water, 0.0, "column {c}");
        }
        assert_eq!(ev.group[[3, 8]], group::LAND, "the heap stays land");
        assert_eq!(
            ev.group[[0, 9]],
            group::LAND,
            "a mixture alone is not water"
        );
    }

    #[test]
    fn growing_ponds_never_join_them_across_the_dyke_between() {
        let bands = BandSet::new(BandRole::ALL).unwrap();
        // Two ponds, with a dyke of `width` pixels whose mixed pixels pass the edge test.
        const MIX: [f32; 6] = [0.055, 0.075, 0.05, 0.165, 0.13, 0.06];
        for width in 1..=4 {
            let cols = 6 + width + 6;
            let mut after = stack(VEG, 8, cols);
            for r in 2..6 {
                for c in 2..cols - 2 {
                    let px = if (6..6 + width).contains(&c) {
                        MIX
                    } else {
                        WATER
                    };
                    for b in 0..6 {
                        after[[b, r, c]] = px[b];
                    }
                }
            }
            let t = TileData {
                before: stack(VEG, 8, cols),
                after,
                valid: Array2::from_elem((8, cols), true),
            };
            let fit = fit(6);
            let mut scratch = EvidenceScratch::default();
            let ev = with_defaults(&mut scratch, &t, &bands, &fit);
            for r in 2..6 {
                let dyke: Vec<u8> = (6..6 + width).map(|c| ev.group[[r, c]]).collect();
                assert!(
                    dyke.contains(&group::LAND),
                    "width {width}, row {r}: {dyke:?}"
                );
            }
            assert_eq!(ev.group[[3, 3]], group::WATER, "width {width}");
            assert_eq!(ev.group[[3, cols - 3]], group::WATER, "width {width}");
        }
    }

    #[test]
    fn four_band_stack_uses_visible_proxies() {
        let bands = BandSet::new([
            BandRole::Blue,
            BandRole::Green,
            BandRole::Red,
            BandRole::Nir,
        ])
        .unwrap();
        let before = stack(VEG, 2, 2).slice(s![0..4, .., ..]).to_owned();
        let mut after = before.clone();
        for b in 0..4 {
            after[[b, 0, 0]] = WATER[b];
        }
        let t = TileData {
            before,
            after,
            valid: Array2::from_elem((2, 2), true),
        };
        let mut fit = fit(4);
        let mut scratch = EvidenceScratch::default();
        let ev = with_defaults(&mut scratch, &t, &bands, &fit);
        assert_eq!(ev.group[[0, 0]], group::WATER);
        assert_eq!(ev.at(0, 0).d_swir, 0.0, "no SWIR, no SWIR change");
        // A normalisation fitted on changing vegetation that lifts the near infrared (gain
        // 0.69, offset +0.073, as in the Tanzania pair) leaves the pond water: whether the
        // after date is water is read from it as recorded.
        fit.bands[3].gain = 0.69;
        fit.bands[3].offset = 0.073;
        let normalised_nir = 0.69 * WATER[3] + 0.073;
        assert!(crate::indices::ndwi(WATER[1], normalised_nir) < 0.1);
        let ev = with_defaults(&mut scratch, &t, &bands, &fit);
        assert_eq!(ev.group[[0, 0]], group::WATER);
    }

    #[test]
    fn focus_zones_detect_weaker_change_than_the_rest_of_the_scene() {
        let bands = BandSet::new(BandRole::ALL).unwrap();
        // Two identical 3 × 3 patches of weak change (every band +0.025 = 2.5 σ), one inside
        // the focus mask.
        let mut after = stack(VEG, 8, 12);
        for ((_, r, c), v) in after.indexed_iter_mut() {
            if (2..5).contains(&r) && ((1..4).contains(&c) || (7..10).contains(&c)) {
                *v += 0.025;
            }
        }
        let t = TileData {
            before: stack(VEG, 8, 12),
            after,
            valid: Array2::from_elem((8, 12), true),
        };
        let fit = SceneFit {
            focus_threshold: 2.0,
            ..fit(6)
        };
        let focus = Array2::from_shape_fn((8, 12), |(_, c)| c < 6);
        let mut scratch = EvidenceScratch::default();
        let params = EvidenceParams::default();
        let ev = pixel_evidence(&mut scratch, &t, &bands, &fit, &params, Some(focus.view()));
        assert!(ev.magnitude[[3, 2]] < fit.magnitude_threshold);
        assert_eq!(
            ev.group[[3, 2]],
            group::LAND,
            "weak change inside the focus zone"
        );
        assert_eq!(ev.group[[3, 8]], group::NONE, "the same change outside it");
        assert_eq!(ev.group[[0, 2]], group::NONE, "no change in the focus zone");
        let ev = pixel_evidence(&mut scratch, &t, &bands, &fit, &params, None);
        assert_eq!(
            ev.group[[3, 2]],
            group::NONE,
            "without focus the scene threshold holds"
        );
    }
}
