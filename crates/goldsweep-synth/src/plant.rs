//! Known mining change planted into a real scene pair, so the detector can be scored on real
//! backgrounds.
//!
//! The caller resamples both real dates onto a [`SceneGrid`] as reflectance ([`Background`]).
//! [`plan`] then draws, from one `ChaCha8Rng` stream:
//! - a catalogue of five mines ([`ROSTER`]: four closed kinds and one licensed active mine) on
//!   land — no water (MNDWI > 0 on either date) and no nodata within 150 m of the polygon —
//!   choosing among candidate spots the one where the real pair changed least (mean absolute
//!   after − before difference after a robust per-band gain and offset); mines are at least
//!   1 km apart when the scene allows, and never closer than 620 m edge to edge, so each
//!   object's 300 m zone belongs to one mine;
//! - the planted change, with the vocabulary of the synthetic scenes ([`crate::planted`]): at
//!   each closed mine a spoil heap, a leach pond beside it, an access track from a point outside
//!   (10 m wide, one of them 6 m) and a clearing where the ground is vegetated on both dates;
//!   licensed spoil growth inside the active mine; a lattice of 3 × 4 farm ponds at least 1.1 km
//!   from every mine when the scene allows (else as far as it allows, never within 450 m);
//! - a cloud with its shadow whose edge crosses one planted object ([`crate::cloud`]), placed
//!   so that it hides as little of the other objects as it can.
//!
//! [`paint`] changes the after date only: each pixel becomes `(1 − f)·after + f·paint`, `f` the
//! pixel's share of the object polygon on a 7 × 7 lattice (so tracks narrower than a pixel are
//! mixtures), with the synthetic scenes' texture and sensor-like noise in proportion to `f`;
//! then the cloud. The before date is the real before date.

use std::path::{Path, PathBuf};

use geo::{Coord, Distance, Euclidean, Polygon};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::cloud::Cloud;
use crate::confusers::{pond_lattice, LATTICE_SIDE_M};
use crate::error::SynthError;
use crate::footprints::Footprints;
use crate::grid::{SceneGrid, PIXEL_M};
use crate::layout::{aim_cloud, masked_fraction};
use crate::mines::{Mine, MineStatus, PlantKind, RosterEntry};
use crate::noise::{gaussian, Fbm};
use crate::options::{SynthSummary, MAX_SIZE, MIN_SIZE};
use crate::placement::Site;
use crate::planted::{plant_at_mines, Access, MineSite};
use crate::polygon_raster::coverage;
use crate::radiometry::to_dn;
use crate::render::{apply_cloud, paint_polygon, TRUTH_CHANGE, TRUTH_MASKED};
use crate::shapes::{blob, rect};
use crate::spectra::Spectrum;
use crate::static_maps::StaticMaps;
use crate::truth::{PlantedObject, NEAR_M};
use crate::{create_out_dir, readme_text, summary, write_outputs, OutputSet};

/// Sub-pixel lattice (per side) used to paint planted objects.
pub const PAINT_LATTICE: usize = 7;
/// Smallest gap (m) between two mine polygons: their 300 m zones stay 20 m apart.
pub const MINE_GAP_M: f64 = 2.0 * NEAR_M + 20.0;
/// Land (no water, no nodata) required around a mine polygon (m).
const LAND_AROUND_M: f64 = 150.0;
/// Sensor-like noise σ added to painted pixels in proportion to their coverage.
const PAINT_NOISE: Spectrum = [0.006, 0.006, 0.006, 0.007, 0.008, 0.008];
/// Candidate spots drawn per mine and for the pond lattice.
const CANDIDATES: usize = 80;
/// `county` written in the catalogue of a planted folder.
const COUNTY: &str = "planted test area";

const CLOSED_PLAN: &[PlantKind] = &[
    PlantKind::Heap,
    PlantKind::PondBesideHeap,
    PlantKind::Track,
    PlantKind::Clearing,
];

/// The planted catalogue, in placement order after the active mine (placed first: largest).
pub const ROSTER: [RosterEntry; 5] = [
    RosterEntry {
        id: "PL-001",
        name: "植入测试金矿一（政策性关闭）",
        status: MineStatus::PolicyClosed,
        radius: 150.0,
        plan: CLOSED_PLAN,
    },
    RosterEntry {
        id: "PL-002",
        name: "植入测试金矿二（保护地内退出）",
        status: MineStatus::ProtectedAreaExit,
        radius: 140.0,
        plan: &[
            PlantKind::Heap,
            PlantKind::PondBesideHeap,
            PlantKind::NarrowTrack,
            PlantKind::Clearing,
        ],
    },
    RosterEntry {
        id: "PL-003",
        name: "植入测试金矿三（已关闭）",
        status: MineStatus::Closed,
        radius: 140.0,
        plan: CLOSED_PLAN,
    },
    RosterEntry {
        id: "PL-004",
        name: "植入测试非法采金点（已取缔）",
        status: MineStatus::IllegalSite,
        radius: 100.0,
        plan: CLOSED_PLAN,
    },
    RosterEntry {
        id: "PL-005",
        name: "植入测试金矿五（在产）",
        status: MineStatus::Active,
        radius: 250.0,
        plan: &[PlantKind::ActiveGrowth],
    },
];

/// Spacing rules tried in turn until the plan fits: (least distance between mine centres,
/// least distance from the pond lattice to any mine polygon), metres.
const SPACING: [(f64, f64); 3] = [(1000.0, 1100.0), (800.0, 800.0), (0.0, 450.0)];

/// A real scene pair resampled onto a scene grid.
#[derive(Debug, Clone)]
pub struct Background {
    /// The grid both dates lie on.
    pub grid: SceneGrid,
    /// Before reflectance in band order blue, green, red, NIR, SWIR1, SWIR2 (row-major; NaN
    /// where there is no data).
    pub before: [Vec<f32>; 6],
    /// After reflectance, same layout.
    pub after: [Vec<f32>; 6],
    /// Side (m) of each band's pixel as the sensor recorded it, same band order: the planted
    /// change is spread over it ([`spread_change`]), as the sensor's footprint and the warp onto
    /// the grid spread the background's own detail. Zero paints a band sharp.
    pub footprint_m: [f64; 6],
}

impl Background {
    fn spectrum(planes: &[Vec<f32>; 6], i: usize) -> Spectrum {
        [0, 1, 2, 3, 4, 5].map(|b| planes[b][i])
    }
}

/// Where the background came from, for README.txt and the scene metadata.
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    /// Before scene as given.
    pub before: PathBuf,
    /// After scene as given.
    pub after: PathBuf,
    /// Acquisition dates (YYYY-MM-DD), when known.
    pub dates: [Option<String>; 2],
    /// Sensor of each date as resolved (e.g. `sentinel2`).
    pub sensors: [String; 2],
    /// How each date was read (band files or bands, scale and offset), one line each.
    pub reading: [String; 2],
    /// The command line that regenerates the folder.
    pub command: String,
}

/// Per-pixel facts about the background used to place things.
#[derive(Debug, Clone)]
pub struct LandMaps {
    /// Every band finite on both dates.
    pub valid: Vec<bool>,
    /// Open water on either date (MNDWI > 0, kept where at least 5 of the 3 × 3 neighbourhood
    /// agree so that isolated dark pixels do not count).
    pub water: Vec<bool>,
    /// Green vegetation on both dates (NDVI ≥ 0.5).
    pub vegetated: Vec<bool>,
    /// Mean absolute difference over the bands between after and the before date mapped by a
    /// robust per-band gain and offset (median and interquartile range); 0 where invalid.
    pub change: Vec<f32>,
}

fn mndwi(s: &Spectrum) -> f32 {
    (s[1] - s[4]) / (s[1] + s[4])
}

fn ndvi(s: &Spectrum) -> f32 {
    (s[3] - s[2]) / (s[3] + s[2])
}

/// Median and interquartile range of up to ~200 000 evenly strided values.
fn median_iqr(values: impl Iterator<Item = f32>, n: usize) -> Option<(f32, f32)> {
    let stride = (n / 200_000).max(1);
    let mut v: Vec<f32> = values.step_by(stride).collect();
    if v.len() < 4 {
        return None;
    }
    v.sort_by(f32::total_cmp);
    let q = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
    Some((q(0.5), q(0.75) - q(0.25)))
}

impl LandMaps {
    /// Computes the maps of `bg`.
    pub fn new(bg: &Background) -> Self {
        let grid = bg.grid;
        let n = grid.pixel_count();
        let valid: Vec<bool> = (0..n)
            .map(|i| (0..6).all(|b| bg.before[b][i].is_finite() && bg.after[b][i].is_finite()))
            .collect();
        let raw_water: Vec<bool> = (0..n)
            .map(|i| {
                valid[i]
                    && (mndwi(&Background::spectrum(&bg.before, i)) > 0.0
                        || mndwi(&Background::spectrum(&bg.after, i)) > 0.0)
            })
            .collect();
        let size = grid.size as i64;
        let water = (0..n)
            .map(|i| {
                let (r, c) = ((i / grid.size) as i64, (i % grid.size) as i64);
                let mut k = 0;
                for dr in -1..=1 {
                    for dc in -1..=1 {
                        let (rr, cc) = (r + dr, c + dc);
                        if (0..size).contains(&rr)
                            && (0..size).contains(&cc)
                            && raw_water[(rr * size + cc) as usize]
                        {
                            k += 1;
                        }
                    }
                }
                k >= 5
            })
            .collect::<Vec<bool>>();
        let vegetated = (0..n)
            .map(|i| {
                valid[i]
                    && ndvi(&Background::spectrum(&bg.before, i)) >= 0.5
                    && ndvi(&Background::spectrum(&bg.after, i)) >= 0.5
            })
            .collect();
        let land = |i: &usize| valid[*i] && !water[*i];
        let count = (0..n).filter(land).count();
        let mut fit = [(1.0f32, 0.0f32); 6];
        for (b, f) in fit.iter_mut().enumerate() {
            let before = median_iqr((0..n).filter(land).map(|i| bg.before[b][i]), count);
            let after = median_iqr((0..n).filter(land).map(|i| bg.after[b][i]), count);
            if let (Some((mb, ib)), Some((ma, ia))) = (before, after) {
                let gain = if ib > 1e-6 { ia / ib } else { 1.0 };
                *f = (gain, ma - gain * mb);
            }
        }
        let change = (0..n)
            .map(|i| {
                if !valid[i] {
                    return 0.0;
                }
                let d: f32 = (0..6)
                    .map(|b| (bg.after[b][i] - (fit[b].0 * bg.before[b][i] + fit[b].1)).abs())
                    .sum();
                d / 6.0
            })
            .collect();
        Self {
            valid,
            water,
            vegetated,
            change,
        }
    }

    /// Pixels whose centres lie within `r` metres of `c`, as indices.
    fn disc(&self, grid: &SceneGrid, c: Coord, r: f64) -> Vec<usize> {
        let (col, row) = grid.to_pixel(c);
        let rp = r / PIXEL_M;
        let size = grid.size as f64;
        let (c0, c1) = ((col - rp).floor().max(0.0), (col + rp).ceil().min(size));
        let (r0, r1) = ((row - rp).floor().max(0.0), (row + rp).ceil().min(size));
        let mut out = Vec::new();
        for rr in r0 as usize..r1.max(r0) as usize {
            for cc in c0 as usize..c1.max(c0) as usize {
                let p = grid.pixel_center(rr, cc);
                if (p.x - c.x).hypot(p.y - c.y) <= r {
                    out.push(rr * grid.size + cc);
                }
            }
        }
        out
    }

    /// Mean change over `px`, or `None` when any of them is nodata or more than `max_water`
    /// of them are water.
    fn quiet_land(&self, px: &[usize], max_water: f64) -> Option<f64> {
        if px.is_empty() || px.iter().any(|&i| !self.valid[i]) {
            return None;
        }
        let water = px.iter().filter(|&&i| self.water[i]).count();
        if water as f64 > max_water * px.len() as f64 {
            return None;
        }
        Some(px.iter().map(|&i| self.change[i] as f64).sum::<f64>() / px.len() as f64)
    }

    /// Static maps for placement: water and nodata count as water; no roads, no village.
    fn static_maps(&self) -> StaticMaps {
        let n = self.valid.len();
        let water = (0..n)
            .map(|i| {
                if self.water[i] || !self.valid[i] {
                    1.0
                } else {
                    0.0
                }
            })
            .collect();
        StaticMaps {
            water,
            road: vec![0.0; n],
            village: vec![0.0; n],
        }
    }
}

/// What [`plan`] drew.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Seed used.
    pub seed: u64,
    /// Catalogue, in id order.
    pub mines: Vec<Mine>,
    /// Planted objects in truth-id order: mine objects, then the pond lattice.
    pub objects: Vec<PlantedObject>,
    /// Least distance (m) between two mine centres.
    pub mine_spacing_m: f64,
    /// Least distance (m) from the pond lattice to a mine polygon.
    pub lattice_distance_m: f64,
    /// Cloud over the after date.
    pub cloud: Cloud,
    /// Object the cloud edge was aimed at.
    pub cloud_target: Option<usize>,
    /// Texture of painted objects.
    pub texture: Fbm,
    /// Seed of the noise added to painted pixels.
    pub noise_seed: u64,
}

/// Why a plan does not fit the background.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanError(pub String);

fn place_mine<R: Rng>(
    rng: &mut R,
    grid: &SceneGrid,
    maps: &LandMaps,
    e: &RosterEntry,
    placed: &[Mine],
    spacing: f64,
) -> Option<Mine> {
    let w = grid.side_m();
    let margin = e.radius + 250.0;
    if w <= 2.0 * margin {
        return None;
    }
    let mut best: Option<(f64, Coord, Polygon)> = None;
    for _ in 0..CANDIDATES {
        let c = grid.local(
            rng.random_range(margin..w - margin),
            rng.random_range(margin..w - margin),
        );
        let poly = blob(rng, c, e.radius, 0.18, 9);
        let spaced = placed.iter().all(|m| {
            (m.center.x - c.x).hypot(m.center.y - c.y) >= spacing
                && Euclidean.distance(&m.polygon, &poly) >= MINE_GAP_M
        });
        if !spaced {
            continue;
        }
        let inside_dry = coverage(grid, &poly)
            .iter()
            .all(|p| !maps.water[p.row * grid.size + p.col]);
        let ring = maps.disc(grid, c, 1.2 * e.radius + LAND_AROUND_M);
        let Some(score) = maps.quiet_land(&ring, 0.02).filter(|_| inside_dry) else {
            continue;
        };
        if !matches!(&best, Some(b) if b.0 <= score) {
            best = Some((score, c, poly));
        }
    }
    best.map(|(_, center, polygon)| e.place(polygon, center, true))
}

fn place_lattice<R: Rng>(
    rng: &mut R,
    site: &Site<'_>,
    maps: &LandMaps,
    mines: &[Mine],
    far: f64,
) -> Option<Coord> {
    let grid = site.grid;
    let w = grid.side_m();
    let margin = LATTICE_SIDE_M / 2.0 + 40.0;
    let mut best: Option<(f64, Coord)> = None;
    for _ in 0..CANDIDATES * 3 {
        let c = grid.local(
            rng.random_range(margin..w - margin),
            rng.random_range(margin..w - margin),
        );
        let outline = rect(c, LATTICE_SIDE_M, LATTICE_SIDE_M, 0.0);
        let far_enough = mines
            .iter()
            .all(|m| Euclidean.distance(&m.polygon, &outline) >= far);
        if !far_enough || !site.fits(&outline, 30.0, 20.0, 30.0) {
            continue;
        }
        let px = maps.disc(grid, c, LATTICE_SIDE_M * 0.75);
        let Some(score) = maps.quiet_land(&px, 0.0) else {
            continue;
        };
        if !matches!(&best, Some(b) if b.0 <= score) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Draws the catalogue, the planted objects and the cloud for `bg` with `seed`.
///
/// Errors when the scene cannot hold the five mines and the pond lattice under the least
/// strict spacing (too small, or too much water or nodata).
pub fn plan(bg: &Background, seed: u64) -> Result<Plan, PlanError> {
    let grid = bg.grid;
    let maps = LandMaps::new(bg);
    let statics = maps.static_maps();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let order: Vec<usize> = (0..ROSTER.len())
        .filter(|&k| ROSTER[k].status == MineStatus::Active)
        .chain((0..ROSTER.len()).filter(|&k| ROSTER[k].status != MineStatus::Active))
        .collect();
    let mut layout = None;
    for &(spacing, far) in &SPACING {
        let mut mines: Vec<Mine> = Vec::new();
        for &k in &order {
            match place_mine(&mut rng, &grid, &maps, &ROSTER[k], &mines, spacing) {
                Some(m) => mines.push(m),
                None => break,
            }
        }
        if mines.len() < ROSTER.len() {
            continue;
        }
        let site = Site {
            grid: &grid,
            maps: &statics,
            taken: Vec::new(),
        };
        if let Some(c) = place_lattice(&mut rng, &site, &maps, &mines, far) {
            layout = Some((mines, c));
            break;
        }
    }
    let Some((mut mines, lattice_c)) = layout else {
        return Err(PlanError(format!(
            "the {:.2} km square of the scene pair cannot hold the planted set: five mines on \
             land (no water or nodata within {LAND_AROUND_M:.0} m, polygons at least \
             {MINE_GAP_M:.0} m apart) and a pond lattice at least {:.0} m from them; use a \
             larger or clearer scene (about 2.5 km of land is the minimum)",
            grid.side_m() / 1000.0,
            SPACING[SPACING.len() - 1].1
        )));
    };
    mines.sort_by_key(|m| m.id);

    let lattice = pond_lattice(lattice_c);
    let mut site = Site {
        grid: &grid,
        maps: &statics,
        taken: vec![rect(lattice_c, LATTICE_SIDE_M, LATTICE_SIDE_M, 0.0)],
    };
    let footprints = Footprints {
        active_heaps: mines
            .iter()
            .enumerate()
            .filter(|(_, m)| m.status == MineStatus::Active)
            .map(|(i, m)| (i, m.center, 0.15 * m.radius))
            .collect(),
        ..Footprints::default()
    };
    let wooded = |c: Coord, r: f64| {
        let px = maps.disc(&grid, c, r);
        !px.is_empty()
            && px.iter().filter(|&&i| maps.vegetated[i]).count() as f64 >= 0.6 * px.len() as f64
    };
    let mut objects = {
        let mut ms = MineSite {
            site: &mut site,
            wooded: &wooded,
            access: Access::Outward,
            mines: &mines,
        };
        plant_at_mines(&mut rng, &mut ms, &footprints)
    };
    let lattice_distance_m = mines
        .iter()
        .map(|m| {
            Euclidean.distance(
                &m.polygon,
                &rect(lattice_c, LATTICE_SIDE_M, LATTICE_SIDE_M, 0.0),
            )
        })
        .fold(f64::INFINITY, f64::min);
    for mut obj in lattice {
        obj.description = format!(
            "{} ({:.0} m from the nearest mine)",
            obj.description, lattice_distance_m
        );
        objects.push(obj);
    }
    let mine_spacing_m = mines
        .iter()
        .enumerate()
        .flat_map(|(i, a)| {
            mines[i + 1..]
                .iter()
                .map(move |b| (a.center.x - b.center.x).hypot(a.center.y - b.center.y))
        })
        .fold(f64::INFINITY, f64::min);
    let (cloud, cloud_target) = aim_cloud(&mut rng, &grid, &objects);
    let texture = Fbm::new(rng.random(), 60.0, 2);
    let noise_seed = rng.random();
    Ok(Plan {
        seed,
        mines,
        objects,
        mine_spacing_m,
        lattice_distance_m,
        cloud,
        cloud_target,
        texture,
        noise_seed,
    })
}

/// The rasters of a planted pair.
#[derive(Debug, Clone)]
pub struct Painted {
    /// Before date, six bands of DN (reflectance × 10000; 0 = nodata on either date).
    pub before: [Vec<u16>; 6],
    /// After date with the planted change and the cloud.
    pub after: [Vec<u16>; 6],
    /// After date as reflectance before conversion to DN (NaN = nodata).
    pub after_reflectance: Vec<Spectrum>,
    /// 1 = cloud or shadow on the after date.
    pub mask: Vec<u8>,
    /// 0 no change, 1 planted change, 255 masked.
    pub truth: Vec<u8>,
}

/// Paints the plan into the after date of `bg` (see the module docs).
pub fn paint(bg: &Background, plan: &Plan) -> Painted {
    let grid = bg.grid;
    let n = grid.pixel_count();
    let mut after: Vec<Spectrum> = (0..n).map(|i| Background::spectrum(&bg.after, i)).collect();
    let mut weight = vec![0.0f32; n];
    let mut truth = vec![0u8; n];
    let texture = |x: f64, y: f64| plan.texture.at(x, y);
    for obj in &plan.objects {
        for (i, f) in paint_polygon(
            &grid,
            &obj.polygon,
            &obj.paint,
            PAINT_LATTICE,
            texture,
            &mut after,
        ) {
            weight[i] = weight[i].max(f);
        }
        for p in coverage(&grid, &obj.polygon).iter().filter(|p| p.center) {
            truth[p.row * grid.size + p.col] = TRUTH_CHANGE;
        }
    }
    spread_change(&grid, &bg.after, &bg.footprint_m, &mut after);
    let mut mask = vec![0u8; n];
    let mut out_b: [Vec<u16>; 6] = Default::default();
    let mut out_a: [Vec<u16>; 6] = Default::default();
    for v in out_b.iter_mut().chain(out_a.iter_mut()) {
        v.reserve_exact(n);
    }
    for (i, a) in after.iter_mut().enumerate() {
        if weight[i] > 0.0 {
            for (b, v) in a.iter_mut().enumerate() {
                *v += PAINT_NOISE[b] * weight[i] * gaussian(plan.noise_seed, (i * 6 + b) as u64);
            }
        }
        let c = grid.pixel_center(i / grid.size, i % grid.size);
        if apply_cloud(&plan.cloud, c, a) {
            mask[i] = 1;
            truth[i] = TRUTH_MASKED;
        }
        let before = Background::spectrum(&bg.before, i);
        let valid = before.iter().chain(a.iter()).all(|v| v.is_finite());
        for b in 0..6 {
            out_b[b].push(if valid { to_dn(before[b]) } else { 0 });
            out_a[b].push(if valid { to_dn(a[b]) } else { 0 });
        }
    }
    Painted {
        before: out_b,
        after: out_a,
        after_reflectance: after,
        mask,
        truth,
    }
}

/// Spreads the change painted into `after` (from the real after date `real`) over each band's
/// footprint: a Gaussian of σ = footprint / 2 grid pixels, the spread of averaging over a pixel
/// of that side and interpolating bilinearly onto the grid (variance side²/12 + side²/6). A
/// 10 m band on the 10 m grid gets σ = 0.5 px, Sentinel-2's 20 m SWIR (and a 20 m product
/// resampled to 10 m) σ = 1 px: a 6 m track or a two-pixel pond is recorded as the sensor would,
/// not sharper than the background around it. The change is conserved; no-data stays as is.
pub fn spread_change(
    grid: &SceneGrid,
    real: &[Vec<f32>; 6],
    footprint_m: &[f64; 6],
    after: &mut [Spectrum],
) {
    let size = grid.size;
    for (b, &side) in footprint_m.iter().enumerate() {
        let sigma = side / (2.0 * PIXEL_M);
        if sigma <= 0.0 {
            continue;
        }
        let kernel = gaussian_kernel(sigma);
        let change: Vec<f32> = after
            .iter()
            .zip(&real[b])
            .map(|(a, r)| {
                let d = a[b] - r;
                if d.is_finite() {
                    d
                } else {
                    0.0
                }
            })
            .collect();
        if change.iter().all(|&d| d == 0.0) {
            continue;
        }
        let rows = convolve(&change, size, &kernel, 1, size);
        let spread = convolve(&rows, size, &kernel, size, 1);
        for ((a, r), d) in after.iter_mut().zip(&real[b]).zip(spread) {
            if r.is_finite() {
                a[b] = r + d;
            }
        }
    }
}

/// A normalised Gaussian kernel of `sigma` pixels, out to 3 σ.
fn gaussian_kernel(sigma: f64) -> Vec<f32> {
    let reach = (3.0 * sigma).ceil() as i64;
    let w: Vec<f64> = (-reach..=reach)
        .map(|k| (-0.5 * (k as f64 / sigma).powi(2)).exp())
        .collect();
    let total: f64 = w.iter().sum();
    w.iter().map(|v| (v / total) as f32).collect()
}

/// `values` (a `size`-square, row-major) convolved with `kernel` along one axis: `step` apart
/// along it (1 along rows, `size` along columns), `lines` the stride between lines. Outside the
/// square counts as no change.
fn convolve(values: &[f32], size: usize, kernel: &[f32], step: usize, lines: usize) -> Vec<f32> {
    let reach = kernel.len() / 2;
    let mut out = vec![0.0f32; values.len()];
    for line in 0..size {
        let start = line * lines;
        for k in 0..size {
            let lo = k.saturating_sub(reach);
            let hi = (k + reach).min(size - 1);
            out[start + k * step] = (lo..=hi)
                .map(|j| values[start + j * step] * kernel[j + reach - k])
                .sum();
        }
    }
    out
}

/// Plants known change into the real pair `bg` and writes the same files as
/// [`crate::generate`] into `out_dir` (created if missing): `before.tif` (the real before date),
/// `after.tif` (the real after date with the planted change and a cloud), `after_mask.tif`,
/// `truth_change.tif`, `catalogue.geojson`, `truth.geojson`, `README.txt`. The same background
/// and seed give byte-identical files.
pub fn plant(
    out_dir: &Path,
    bg: &Background,
    seed: u64,
    provenance: &Provenance,
) -> Result<SynthSummary, SynthError> {
    let grid = bg.grid;
    let bad = |reason: String| SynthError::Background {
        path: provenance.before.clone(),
        reason,
    };
    if !(MIN_SIZE..=MAX_SIZE).contains(&grid.size) {
        return Err(bad(format!(
            "a {} px square is outside {MIN_SIZE}..={MAX_SIZE} px",
            grid.size
        )));
    }
    if bg
        .before
        .iter()
        .chain(bg.after.iter())
        .any(|p| p.len() != grid.pixel_count())
    {
        return Err(SynthError::InvalidOptions {
            path: out_dir.to_path_buf(),
            reason: "background planes do not match the grid".to_string(),
        });
    }
    let plan = plan(bg, seed).map_err(|e| bad(e.0))?;
    let painted = paint(bg, &plan);
    let masked = painted.mask.iter().filter(|&&m| m == 1).count();
    let masked_fraction: Vec<f64> = plan
        .objects
        .iter()
        .map(|o| masked_fraction(&grid, &plan.cloud, o))
        .collect();
    let readme = readme_text::plant_readme(
        &grid,
        &plan,
        provenance,
        &masked_fraction,
        masked,
        &bg.footprint_m,
    );
    let sensors = provenance
        .sensors
        .clone()
        .map(|s| format!("{s} (real background with planted change, goldsweep plant)"));
    create_out_dir(out_dir)?;
    let files = write_outputs(
        out_dir,
        OutputSet {
            grid,
            before: painted.before,
            after: painted.after,
            mask: painted.mask,
            truth: painted.truth,
            dates: [
                provenance.dates[0].as_deref(),
                provenance.dates[1].as_deref(),
            ],
            sensor: [&sensors[0], &sensors[1]],
            mines: &plan.mines,
            county: COUNTY,
            objects: &plan.objects,
            masked_fraction,
            readme,
        },
    )?;
    Ok(summary(
        files,
        &grid,
        seed,
        &plan.mines,
        &plan.objects,
        masked,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spectra::{CROP, FOREST, SOIL, TRACK, WATER};
    use geo::Area;

    /// A `size`-pixel background: cropland and bare fields in 200 m bands, forest in the north
    /// third, a lake in the south-west; the after date is the before date slightly brighter.
    fn background(size: usize) -> Background {
        let grid = SceneGrid::new(size);
        let mut before: [Vec<f32>; 6] = Default::default();
        let mut after: [Vec<f32>; 6] = Default::default();
        for row in 0..size {
            for col in 0..size {
                let (x, y) = grid.to_local(grid.pixel_center(row, col));
                let lake = (x - 700.0).hypot(y - (grid.side_m() - 700.0)) < 400.0;
                let s = if lake {
                    WATER
                } else if y < grid.side_m() / 3.0 {
                    FOREST
                } else if ((x / 200.0) as usize) % 2 == 0 {
                    CROP
                } else {
                    SOIL
                };
                for b in 0..6 {
                    before[b].push(s[b]);
                    after[b].push(s[b] * 1.02 + 0.003);
                }
            }
        }
        Background {
            grid,
            before,
            after,
            footprint_m: [0.0; 6],
        }
    }

    #[test]
    fn same_seed_same_plan_and_pixels() {
        let bg = background(300);
        let (a, b) = (plan(&bg, 5).unwrap(), plan(&bg, 5).unwrap());
        assert_eq!(a.objects.len(), b.objects.len());
        for (x, y) in a.objects.iter().zip(&b.objects) {
            assert_eq!(x.polygon, y.polygon);
        }
        let (pa, pb) = (paint(&bg, &a), paint(&bg, &b));
        assert_eq!(pa.after, pb.after);
        assert_eq!(pa.truth, pb.truth);
        let c = plan(&bg, 6).unwrap();
        assert_ne!(a.mines[0].polygon, c.mines[0].polygon);
    }

    #[test]
    fn mines_and_objects_stay_off_water_and_nodata() {
        let mut bg = background(400);
        // A strip of nodata along the east edge.
        for b in 0..6 {
            for row in 0..400 {
                for col in 380..400 {
                    bg.after[b][row * 400 + col] = f32::NAN;
                }
            }
        }
        let maps = LandMaps::new(&bg);
        for seed in 1..=4 {
            let p = plan(&bg, seed).unwrap();
            assert_eq!(p.mines.len(), 5);
            let closed = p
                .mines
                .iter()
                .filter(|m| m.status != MineStatus::Active)
                .count();
            assert_eq!(closed, 4);
            for poly in p
                .mines
                .iter()
                .map(|m| &m.polygon)
                .chain(p.objects.iter().map(|o| &o.polygon))
            {
                for px in coverage(&bg.grid, poly) {
                    let i = px.row * bg.grid.size + px.col;
                    assert!(!maps.water[i], "seed {seed}: on water at {px:?}");
                    assert!(maps.valid[i], "seed {seed}: on nodata at {px:?}");
                }
            }
        }
    }

    #[test]
    fn closed_mines_get_the_full_set_and_the_lattice_is_far() {
        let bg = background(480);
        let p = plan(&bg, 3).unwrap();
        assert!(p.mine_spacing_m >= 1000.0, "{}", p.mine_spacing_m);
        let lattice: Vec<&PlantedObject> = p
            .objects
            .iter()
            .filter(|o| o.group.as_deref() == Some("farm_pond_lattice"))
            .collect();
        assert!(lattice.len() >= 6);
        for o in &lattice {
            assert!(!o.mining);
            for m in &p.mines {
                assert!(Euclidean.distance(&m.polygon, &o.polygon) >= 1000.0);
            }
        }
        assert!(p
            .objects
            .iter()
            .any(|o| !o.mining && o.context == crate::truth::Context::ActiveMine));
        for m in p.mines.iter().filter(|m| m.status != MineStatus::Active) {
            let at = |class| {
                p.objects
                    .iter()
                    .any(|o| o.mining && o.class == class && o.description.ends_with(m.id))
            };
            use crate::truth::ChangeClass::*;
            assert!(
                at(SpoilHeap) && at(LeachPond) && at(AccessTrack),
                "{}",
                m.id
            );
        }
    }

    #[test]
    fn planted_change_is_spread_over_the_band_footprint_and_conserved() {
        // One pixel of change (+0.1 in every band) on a flat background; bands recorded at
        // 0 m (sharp), 10 m and 20 m footprints.
        let grid = SceneGrid::new(40);
        let n = grid.pixel_count();
        let real: [Vec<f32>; 6] = std::array::from_fn(|_| vec![0.2; n]);
        let centre = 20 * 40 + 20;
        let mut after: Vec<Spectrum> = vec![[0.2; 6]; n];
        after[centre] = [0.3; 6];
        let footprint = [0.0, 10.0, 20.0, 20.0, 0.0, 0.0];
        spread_change(&grid, &real, &footprint, &mut after);
        let change = |b: usize| -> Vec<f32> { after.iter().map(|a| a[b] - 0.2).collect() };
        for b in 0..6 {
            let total: f32 = change(b).iter().sum();
            assert!(
                (total - 0.1).abs() < 1e-4,
                "band {b}: change {total} not conserved"
            );
        }
        // Sharp bands keep the pixel as painted; a wider footprint leaves less at the centre
        // and more one and two pixels away.
        assert!((change(0)[centre] - 0.1).abs() < 1e-6);
        assert_eq!(change(0)[centre + 1], 0.0);
        let (c10, c20) = (change(1), change(2));
        assert!(c20[centre] < c10[centre] && c10[centre] < 0.1);
        assert!(c20[centre + 2] > c10[centre + 2]);
        // σ = 1 px for a 20 m footprint: the centre keeps 1 / (2π) of the change.
        let expected = 1.0 / (2.0 * std::f32::consts::PI);
        assert!(
            (c20[centre] / 0.1 - expected).abs() < 0.01,
            "{}",
            c20[centre]
        );
        // Isotropic: the same along rows and columns.
        assert!((c20[centre + 1] - c20[centre + 40]).abs() < 1e-7);
        // No-data stays no-data.
        let mut holed = real.clone();
        holed[3][centre + 1] = f32::NAN;
        let mut after: Vec<Spectrum> = vec![[0.2; 6]; n];
        after[centre] = [0.3; 6];
        after[centre + 1][3] = f32::NAN;
        spread_change(&grid, &holed, &footprint, &mut after);
        assert!(after[centre + 1][3].is_nan());
    }

    #[test]
    fn sub_pixel_track_is_a_mixture() {
        let bg = background(480);
        let p = plan(&bg, 2).unwrap();
        let track = p
            .objects
            .iter()
            .find(|o| o.description.contains("6 m wide"))
            .expect("a narrow track");
        let px = crate::polygon_raster::coverage_sampled(&bg.grid, &track.polygon, PAINT_LATTICE);
        let covered: f64 = px.iter().map(|p| p.frac as f64).sum::<f64>() * 100.0;
        let area = track.polygon.unsigned_area();
        assert!((covered / area - 1.0).abs() < 0.1, "{covered} vs {area}");
        assert!(
            px.iter().all(|p| p.frac < 1.0),
            "a 6 m track never fills a pixel"
        );
        // Painted pixels are mixtures of the real after date and the track spectrum in
        // proportion to their coverage (up to texture and noise).
        let painted = paint(&bg, &p);
        let others: Vec<&Polygon> = p
            .objects
            .iter()
            .filter(|o| !std::ptr::eq(*o, track))
            .map(|o| &o.polygon)
            .collect();
        let mut errors = Vec::new();
        for q in &px {
            let i = q.row * bg.grid.size + q.col;
            let shared = others.iter().any(|o| {
                coverage(&bg.grid, o)
                    .iter()
                    .any(|c| (c.row, c.col) == (q.row, q.col))
            });
            if painted.mask[i] == 1 || shared {
                continue;
            }
            let (mut num, mut den) = (0.0f32, 0.0f32);
            for (b, pure) in TRACK.iter().enumerate() {
                let real = bg.after[b][i];
                num += (painted.after_reflectance[i][b] - real) * (pure - real);
                den += (pure - real) * (pure - real);
            }
            errors.push((num / den - q.frac).abs());
        }
        assert!(errors.len() >= 10, "{} pixels", errors.len());
        let mean = errors.iter().sum::<f32>() / errors.len() as f32;
        assert!(mean < 0.1, "mean |f - coverage| {mean}");
    }

    #[test]
    fn a_small_scene_cannot_hold_the_plan() {
        let bg = background(140);
        let err = plan(&bg, 1).unwrap_err();
        assert!(err.0.contains("cannot hold the planted set"), "{}", err.0);
    }
}
