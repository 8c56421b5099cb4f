//! Base land cover from smooth random fields: granite hills in the west (forest, shrub, grass,
//! rock by an fBm "hill" field), cropland parcels on the plain in the east. The hill/plain limit
//! runs at ~60 % of the scene width, wobbling with a coarse fBm, and follows whole parcels.

use rand::Rng;

use crate::noise::Fbm;
use crate::parcels::{Parcel, Parcels};
use crate::spectra::{mix, Spectrum, CROP, FOREST, GRASS, ROCK, SHRUB, SOIL};

/// Dominant base cover at a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseCover {
    /// Forest on the hills.
    Forest,
    /// Shrub on the hills.
    Shrub,
    /// Grass on the hills.
    Grass,
    /// Rock outcrop.
    Rock,
    /// Cropland parcel (id into [`Parcels`]).
    Crop(usize),
}

/// Smooth random fields that define the base land cover.
#[derive(Debug, Clone)]
pub struct Terrain {
    side: f64,
    hill: Fbm,
    texture: Fbm,
    /// Cropland parcel grid.
    pub parcels: Parcels,
    plain_parcel: Vec<bool>,
}

/// Per-pixel base spectra on both dates.
#[derive(Debug, Clone, Copy)]
pub struct BaseSample {
    /// Surface reflectance on the before date.
    pub before: Spectrum,
    /// Surface reflectance on the after date (phenology applied).
    pub after: Spectrum,
}

fn smoothstep(e0: f32, e1: f32, x: f32) -> f32 {
    let t = ((x - e0) / (e1 - e0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

impl Terrain {
    /// Fields for a scene of `side` metres.
    pub fn new<R: Rng>(rng: &mut R, side: f64) -> Self {
        let plain = Fbm::new(rng.random(), 1500.0f64.min(0.35 * side), 3);
        let hill = Fbm::new(rng.random(), 420.0, 4);
        let texture = Fbm::new(rng.random(), 60.0, 2);
        let parcels = Parcels::new(rng, side);
        let plain_parcel = (0..parcels.count())
            .map(|id| {
                let (x0, y0, x1, y1) = parcels.bounds(id);
                let (x, y) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
                x / side + 0.10 * plain.at(x, y) as f64 > 0.6
            })
            .collect();
        Self {
            side,
            hill,
            texture,
            parcels,
            plain_parcel,
        }
    }

    /// Scene side in metres.
    pub fn side(&self) -> f64 {
        self.side
    }

    /// Dominant cover at scene-local `(x, y)`.
    pub fn cover_at(&self, x: f64, y: f64) -> BaseCover {
        let id = self.parcels.id_at(x, y);
        if self.plain_parcel[id] {
            return BaseCover::Crop(id);
        }
        let h = self.hill.at(x, y);
        if h > 0.0 {
            BaseCover::Forest
        } else if h > -0.3 {
            BaseCover::Shrub
        } else if h > -0.6 {
            BaseCover::Grass
        } else {
            BaseCover::Rock
        }
    }

    /// Fine texture in `[-1, 1]` at `(x, y)` (60 m fBm), shared by both dates.
    pub fn texture_at(&self, x: f64, y: f64) -> f32 {
        self.texture.at(x, y)
    }

    /// Base spectra on both dates at `(x, y)`.
    ///
    /// Hills blend rock → grass → shrub → forest along the hill field; the after date (June) is
    /// slightly greener (NIR +4 %, red −5 % scaled by vegetation fraction). Parcels mix bare soil
    /// and green crop by the parcel's greenness on each date.
    pub fn sample(&self, x: f64, y: f64) -> BaseSample {
        let t = self.texture.at(x, y);
        let id = self.parcels.id_at(x, y);
        if self.plain_parcel[id] {
            let p: Parcel = self.parcels.parcel(id);
            let jitter = 0.05 * t;
            let b = mix(&SOIL, &CROP, (p.green_before + jitter).clamp(0.0, 1.0));
            let a = mix(&SOIL, &CROP, (p.green_after + jitter).clamp(0.0, 1.0));
            let k = 1.0 + 0.03 * t;
            return BaseSample {
                before: b.map(|v| v * k),
                after: a.map(|v| v * k),
            };
        }
        let h = self.hill.at(x, y);
        let v = smoothstep(-0.70, -0.50, h);
        let w = smoothstep(-0.40, -0.20, h);
        let u = smoothstep(-0.10, 0.15, h);
        let s = mix(&mix(&mix(&ROCK, &GRASS, v), &SHRUB, w), &FOREST, u);
        let k = 1.0 + 0.08 * t;
        let before = s.map(|v| v * k);
        let mut after = before;
        let veg = v.max(w);
        after[3] *= 1.0 + 0.04 * veg;
        after[2] *= 1.0 - 0.05 * veg;
        BaseSample { before, after }
    }

    /// True on the cropland plain.
    pub fn is_plain(&self, x: f64, y: f64) -> bool {
        matches!(self.cover_at(x, y), BaseCover::Crop(_))
    }

    /// Fraction of the 3 × 3 sample points over a square of half-size `r` around `(x, y)` whose
    /// cover satisfies `pred`.
    pub fn cover_fraction(&self, x: f64, y: f64, r: f64, pred: impl Fn(BaseCover) -> bool) -> f64 {
        let mut n = 0;
        for i in -1..=1 {
            for j in -1..=1 {
                if pred(self.cover_at(x + i as f64 * r, y + j as f64 * r)) {
                    n += 1;
                }
            }
        }
        n as f64 / 9.0
    }
}
