//! Cropland parcels: a jittered grid of rectangular fields, each with a crop and its greenness
//! on both dates (late May: winter wheat green, maize/peanut just sown; mid June: wheat ripening).

use rand::Rng;

use crate::noise::{hash2, unit};

/// What grows on a parcel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CropKind {
    /// Winter wheat: green in May, ripening in June.
    Wheat,
    /// Maize or peanut: sown in May, emerging in June.
    Sown,
    /// Apple orchard: steady moderate cover.
    Orchard,
    /// Vegetables: moderate cover, changes either way.
    Vegetable,
    /// Fallow: weedy, sparse.
    Fallow,
}

/// State of one parcel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Parcel {
    /// Crop.
    pub kind: CropKind,
    /// Green fraction (0 bare soil … 1 dense crop) on the before date.
    pub green_before: f32,
    /// Green fraction on the after date (phenology only, not change).
    pub green_after: f32,
}

/// The parcel grid over the whole scene (scene-local metres).
#[derive(Debug, Clone)]
pub struct Parcels {
    xs: Vec<f64>,
    ys: Vec<f64>,
    seed: u64,
}

impl Parcels {
    /// Grid with column widths of 60–120 m and row heights of 40–90 m covering `side` metres.
    pub fn new<R: Rng>(rng: &mut R, side: f64) -> Self {
        let mut cuts = |lo: f64, hi: f64| {
            let mut v = vec![0.0];
            while *v.last().unwrap_or(&side) < side {
                let last = *v.last().unwrap_or(&0.0);
                v.push(last + rng.random_range(lo..hi));
            }
            v
        };
        let xs = cuts(60.0, 120.0);
        let ys = cuts(40.0, 90.0);
        Self {
            xs,
            ys,
            seed: rng.random(),
        }
    }

    /// Number of columns of parcels.
    fn cols(&self) -> usize {
        self.xs.len() - 1
    }

    /// Parcel id at scene-local `(x, y)` (clamped to the grid).
    pub fn id_at(&self, x: f64, y: f64) -> usize {
        let ci = self
            .xs
            .partition_point(|&v| v <= x)
            .clamp(1, self.xs.len() - 1)
            - 1;
        let ri = self
            .ys
            .partition_point(|&v| v <= y)
            .clamp(1, self.ys.len() - 1)
            - 1;
        ri * self.cols() + ci
    }

    /// Number of parcels.
    pub fn count(&self) -> usize {
        self.cols() * (self.ys.len() - 1)
    }

    /// Scene-local bounds `(x0, y0, x1, y1)` of a parcel.
    pub fn bounds(&self, id: usize) -> (f64, f64, f64, f64) {
        let (ri, ci) = (id / self.cols(), id % self.cols());
        (self.xs[ci], self.ys[ri], self.xs[ci + 1], self.ys[ri + 1])
    }

    /// Crop and greenness of a parcel (a pure function of the grid seed and the id).
    pub fn parcel(&self, id: usize) -> Parcel {
        let h = |k: i64| unit(hash2(self.seed, id as i64, k));
        let range = |k: i64, lo: f32, hi: f32| lo + (hi - lo) * h(k);
        let pick = h(0);
        let (kind, gb, ga) = if pick < 0.45 {
            let gb = range(1, 0.70, 0.88);
            (CropKind::Wheat, gb, gb - range(2, 0.08, 0.20))
        } else if pick < 0.65 {
            let gb = range(1, 0.04, 0.15);
            (CropKind::Sown, gb, gb + range(2, 0.08, 0.20))
        } else if pick < 0.80 {
            let gb = range(1, 0.42, 0.55);
            (CropKind::Orchard, gb, gb + range(2, 0.0, 0.06))
        } else if pick < 0.90 {
            let gb = range(1, 0.30, 0.60);
            (CropKind::Vegetable, gb, gb + range(2, -0.12, 0.12))
        } else {
            let gb = range(1, 0.18, 0.30);
            (CropKind::Fallow, gb, gb + range(2, 0.0, 0.08))
        };
        Parcel {
            kind,
            green_before: gb.clamp(0.0, 1.0),
            green_after: ga.clamp(0.0, 1.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn ids_and_bounds_agree() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let p = Parcels::new(&mut rng, 1000.0);
        for &(x, y) in &[(0.0, 0.0), (512.3, 77.0), (999.0, 999.0)] {
            let (x0, y0, x1, y1) = p.bounds(p.id_at(x, y));
            assert!(x0 <= x && x < x1 && y0 <= y && y < y1);
        }
        assert!(p.count() > 50);
    }
}
