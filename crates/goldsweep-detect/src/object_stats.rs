//! Features of a change object that can be accumulated pixel by pixel and merged exactly.
//!
//! Every sum is an integer (coordinates as pixel indices, evidence in micro-units), so merging
//! fragments in any order — whatever the tile size or thread count — gives bit-identical
//! results.

/// Fixed-point scale of evidence sums (micro-units).
const MICRO: f64 = 1e6;

/// Accumulated features of one change object (or of a fragment of one, inside a tile).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectStats {
    /// [`crate::evidence::group`] code shared by all pixels.
    pub group: u8,
    pub pixels: u64,
    /// First pixel in row-major scene order: a stable identity for ordering objects.
    pub first: (u64, u64),
    pub min_row: u64,
    pub max_row: u64,
    pub min_col: u64,
    pub max_col: u64,
    sum_r: i128,
    sum_c: i128,
    sum_rr: i128,
    sum_cc: i128,
    sum_rc: i128,
    sums: [i64; Evidence::COUNT],
    /// Sums of each evidence value weighted by the pixel's magnitude (both in micro-units).
    weighted: [i128; Evidence::COUNT],
    /// Sum of the weights (magnitudes in micro-units).
    weight: i128,
    max_magnitude: i64,
    /// `(magnitude, visible_after, d_bright)` in micro-units of the object's [`CORE`] most
    /// changed pixels, the most changed first (ties: the brighter first); `i64::MIN` marks an
    /// empty slot. A total order, so merging keeps the same pixels in any order.
    core: [(i64, i64, i64); CORE],
}

/// Pixels that make up an object's core, its most changed pixels
/// ([`ObjectStats::core_visible`], [`ObjectStats::core_brightening`]).
pub const CORE: usize = 3;

/// The evidence values of one pixel, accumulated as object means.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Evidence {
    pub magnitude: f32,
    pub d_ndvi: f32,
    pub d_bare: f32,
    pub d_water: f32,
    pub bare_after: f32,
    pub water_after: f32,
    pub d_bright: f32,
    /// Change of the mean short-wave infrared reflectance (SWIR1 and SWIR2), the after date
    /// normalised into the before date's radiometry; 0 without SWIR bands. Bare soil and rock
    /// are brighter there than the vegetation they replace; water is nearly black.
    pub d_swir: f32,
    /// Mean visible (blue, green, red) reflectance of the after date, normalised into the
    /// before date's radiometry.
    pub visible_after: f32,
    /// 1 for a pixel in shade on one date and lit on the other ([`crate::shadow`]), else 0;
    /// for an object, the fraction of its pixels that are (a plain, unweighted mean).
    pub shadow_shift: f32,
    /// 1 for a pixel of new water that is open water itself (it passed the water test, not
    /// only the test of a pond's edge), else 0; for an object, the fraction of its pixels that
    /// are (a plain, unweighted mean; see [`ObjectStats::open_water_pixels`]).
    pub open_water: f32,
}

impl Evidence {
    const COUNT: usize = 11;

    fn to_array(self) -> [f32; Self::COUNT] {
        [
            self.magnitude,
            self.d_ndvi,
            self.d_bare,
            self.d_water,
            self.bare_after,
            self.water_after,
            self.d_bright,
            self.visible_after,
            self.shadow_shift,
            self.open_water,
            self.d_swir,
        ]
    }

    fn from_array(a: [f64; Self::COUNT]) -> Evidence {
        Evidence {
            magnitude: a[0] as f32,
            d_ndvi: a[1] as f32,
            d_bare: a[2] as f32,
            d_water: a[3] as f32,
            bare_after: a[4] as f32,
            water_after: a[5] as f32,
            d_bright: a[6] as f32,
            visible_after: a[7] as f32,
            shadow_shift: a[8] as f32,
            open_water: a[9] as f32,
            d_swir: a[10] as f32,
        }
    }
}

/// Principal-axis shape of an object, in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shape {
    /// Length along the major axis, `√(12 λ₁)` (exact for a uniform bar).
    pub length: f64,
    /// Mean width, `pixels / length`.
    pub width: f64,
    /// `length / width` (≥ 1).
    pub elongation: f64,
}

impl Shape {
    /// The shape of an object of `pixels` pixels measured along itself: `length` pixels from
    /// end to end following the object (a winding track's, longer than its major axis), and
    /// its mean width `pixels / length`.
    pub fn along(pixels: u64, length: f64) -> Shape {
        let length = length.max(1.0);
        let width = (pixels.max(1) as f64 / length).max(1e-9);
        Shape {
            length,
            width,
            elongation: (length / width).max(1.0),
        }
    }
}

impl ObjectStats {
    /// Stats of a single pixel at scene position `(row, col)`.
    pub fn pixel(group: u8, row: u64, col: u64, ev: Evidence) -> ObjectStats {
        let (r, c) = (row as i128, col as i128);
        let mut sums = [0i64; Evidence::COUNT];
        for (s, v) in sums.iter_mut().zip(ev.to_array()) {
            *s = (v as f64 * MICRO).round() as i64;
        }
        let weight = i128::from(sums[0].max(0));
        let weighted = sums.map(|s| i128::from(s) * weight);
        ObjectStats {
            group,
            pixels: 1,
            first: (row, col),
            min_row: row,
            max_row: row,
            min_col: col,
            max_col: col,
            sum_r: r,
            sum_c: c,
            sum_rr: r * r,
            sum_cc: c * c,
            sum_rc: r * c,
            sums,
            weighted,
            weight,
            max_magnitude: (ev.magnitude as f64 * MICRO).round() as i64,
            core: {
                let mut core = [(i64::MIN, i64::MIN, i64::MIN); CORE];
                core[0] = (sums[0], sums[7], sums[6]);
                core
            },
        }
    }

    /// Stats of the object made of `cells` (scene `(row, col)`), every pixel with evidence `ev`;
    /// `None` without cells.
    pub fn uniform(
        group: u8,
        cells: impl IntoIterator<Item = (u64, u64)>,
        ev: Evidence,
    ) -> Option<ObjectStats> {
        cells
            .into_iter()
            .map(|(r, c)| ObjectStats::pixel(group, r, c, ev))
            .reduce(|mut a, b| {
                a.merge(&b);
                a
            })
    }

    /// Adds `other` into `self` (commutative and associative).
    pub fn merge(&mut self, other: &ObjectStats) {
        self.pixels += other.pixels;
        self.first = self.first.min(other.first);
        self.min_row = self.min_row.min(other.min_row);
        self.max_row = self.max_row.max(other.max_row);
        self.min_col = self.min_col.min(other.min_col);
        self.max_col = self.max_col.max(other.max_col);
        self.sum_r += other.sum_r;
        self.sum_c += other.sum_c;
        self.sum_rr += other.sum_rr;
        self.sum_cc += other.sum_cc;
        self.sum_rc += other.sum_rc;
        for (a, b) in self.sums.iter_mut().zip(other.sums) {
            *a += b;
        }
        for (a, b) in self.weighted.iter_mut().zip(other.weighted) {
            *a += b;
        }
        self.weight += other.weight;
        self.max_magnitude = self.max_magnitude.max(other.max_magnitude);
        // Both lists are sorted, highest first: keep the highest CORE of the two.
        let (mut i, mut j) = (0, 0);
        let mut merged = [(i64::MIN, i64::MIN, i64::MIN); CORE];
        for m in &mut merged {
            if j >= CORE || (i < CORE && self.core[i] >= other.core[j]) {
                *m = self.core[i];
                i += 1;
            } else {
                *m = other.core[j];
                j += 1;
            }
        }
        self.core = merged;
    }

    /// Highest change magnitude of any pixel (for hysteresis: an object needs one strong pixel).
    pub fn max_magnitude(&self) -> f32 {
        (self.max_magnitude as f64 / MICRO) as f32
    }

    /// Mean visible reflectance of the after date over the object's core: its [`CORE`] most
    /// changed pixels (all of them in a smaller object). A small spoil heap is found as a
    /// larger object — the smoothed magnitude spreads past its edge, over mixed pixels and
    /// the ground around it —, and that rim dilutes its mean brightness; its core is the
    /// heap itself.
    pub fn core_visible(&self) -> f32 {
        self.core_mean(|&(_, visible, _)| visible)
    }

    /// Mean brightening ([`Evidence::d_bright`]) over the object's core (see
    /// [`ObjectStats::core_visible`]): how much the heap itself, undiluted by its rim,
    /// brightened. Free of the path radiance that lifts every surface of a top-of-atmosphere
    /// scene alike, which the core's brightness is not.
    pub fn core_brightening(&self) -> f32 {
        self.core_mean(|&(_, _, brightening)| brightening)
    }

    /// Mean of one value of the core's pixels.
    fn core_mean(&self, value: impl Fn(&(i64, i64, i64)) -> i64) -> f32 {
        let (sum, n) = self
            .core
            .iter()
            .filter(|&&(magnitude, _, _)| magnitude != i64::MIN)
            .fold((0i64, 0i64), |(sum, n), c| (sum + value(c), n + 1));
        (sum as f64 / n.max(1) as f64 / MICRO) as f32
    }

    /// Pixels of the object that are open water themselves ([`Evidence::open_water`]), not a
    /// pond's bank or liner taken in beside them.
    pub fn open_water_pixels(&self) -> u64 {
        (self.sums[9].max(0) as f64 / MICRO).round() as u64
    }

    /// The object's evidence: its mean change magnitude, and the index deltas and after-date
    /// indices averaged with each pixel weighted by its change magnitude. The edge pixels of
    /// an object are mixtures with the unchanged ground around it and change least, so the
    /// weighting lets the object's changed core speak (a small heap reads as the heap, not as
    /// half heap, half grass); in an object of equal magnitudes it is the plain mean. The
    /// magnitude and the shadow-shift fraction are plain means over the pixels.
    pub fn mean(&self) -> Evidence {
        let n = self.pixels.max(1) as f64;
        let mut a = [0.0; Evidence::COUNT];
        if self.weight > 0 {
            let w = self.weight as f64;
            for (m, s) in a.iter_mut().zip(self.weighted) {
                *m = s as f64 / w / MICRO;
            }
        } else {
            for (m, s) in a.iter_mut().zip(self.sums) {
                *m = s as f64 / MICRO / n;
            }
        }
        for plain in [0, 8, 9] {
            a[plain] = self.sums[plain] as f64 / MICRO / n;
        }
        Evidence::from_array(a)
    }

    /// Centroid `(row, col)` in pixel-centre coordinates (add 0.5 for the pixel's centre in
    /// a geotransform).
    pub fn centroid(&self) -> (f64, f64) {
        let n = self.pixels.max(1) as f64;
        (self.sum_r as f64 / n, self.sum_c as f64 / n)
    }

    /// Length, width and elongation from the second moments of the pixel coordinates.
    pub fn shape(&self) -> Shape {
        let n = self.pixels.max(1) as f64;
        let (mr, mc) = self.centroid();
        // Each pixel is a unit square: add its own variance (1/12) on both axes.
        let vrr = (self.sum_rr as f64 / n - mr * mr).max(0.0) + 1.0 / 12.0;
        let vcc = (self.sum_cc as f64 / n - mc * mc).max(0.0) + 1.0 / 12.0;
        let vrc = self.sum_rc as f64 / n - mr * mc;
        let tr = vrr + vcc;
        let det = vrr * vcc - vrc * vrc;
        let l1 = tr / 2.0 + ((tr * tr / 4.0 - det).max(0.0)).sqrt();
        let length = (12.0 * l1).sqrt().max(1.0);
        let width = (n / length).max(1e-9);
        Shape {
            length,
            width,
            elongation: (length / width).max(1.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(len: u64, horizontal: bool) -> ObjectStats {
        let cells = (0..len).map(|i| if horizontal { (5, i) } else { (i, 5) });
        ObjectStats::uniform(1, cells, Evidence::default()).unwrap()
    }

    #[test]
    fn bar_shape_is_long_and_thin() {
        let s = bar(40, true).shape();
        assert!((s.length - 40.0).abs() < 0.5, "{s:?}");
        assert!((s.width - 1.0).abs() < 0.05);
        assert_eq!(bar(40, true).first, (5, 0));
    }

    #[test]
    fn merge_is_order_independent() {
        let ev = |v: f32| Evidence {
            magnitude: v,
            d_ndvi: -v / 3.0,
            visible_after: (v * 37.0) % 1.0,
            ..Evidence::default()
        };
        let px: Vec<ObjectStats> = (0..50)
            .map(|i| ObjectStats::pixel(1, i / 7, i % 7, ev(0.1 + i as f32 * 0.013)))
            .collect();
        let mut fwd = px[0].clone();
        px[1..].iter().for_each(|p| fwd.merge(p));
        let mut rev = px[49].clone();
        px[..49].iter().rev().for_each(|p| rev.merge(p));
        assert_eq!(fwd, rev);
        // Splits merged in another grouping give the same core too.
        let mut halves = px[25].clone();
        px[26..].iter().for_each(|p| halves.merge(p));
        let mut first = px[0].clone();
        px[1..25].iter().for_each(|p| first.merge(p));
        halves.merge(&first);
        assert_eq!(halves, fwd);
        assert!((fwd.mean().magnitude - (0.1 + 49.0 * 0.013 / 2.0)).abs() < 1e-5);
    }

    #[test]
    fn evidence_is_weighted_by_magnitude() {
        let ev = |magnitude: f32, d_bright: f32| Evidence {
            magnitude,
            d_bright,
            ..Evidence::default()
        };
        // A core pixel (magnitude 9, brightened 0.12) and a mixed edge pixel (3, 0.04).
        let mut s = ObjectStats::pixel(1, 0, 0, ev(9.0, 0.12));
        s.merge(&ObjectStats::pixel(1, 0, 1, ev(3.0, 0.04)));
        let e = s.mean();
        assert!(
            (e.magnitude - 6.0).abs() < 1e-6,
            "magnitude is the plain mean"
        );
        assert!((e.d_bright - 0.10).abs() < 1e-6, "(9·0.12 + 3·0.04) / 12");
    }

    #[test]
    fn core_is_the_most_changed_pixels() {
        let ev = |magnitude: f32, visible_after: f32| Evidence {
            magnitude,
            visible_after,
            d_bright: visible_after / 2.0,
            ..Evidence::default()
        };
        // A heap of three bright, strongly changed pixels in a rim of seven dull ones, one of
        // them a bright roof that did not change much.
        let mut s = ObjectStats::pixel(1, 0, 0, ev(9.0, 0.24));
        for c in 1..10 {
            let e = match c {
                4 => ev(8.0, 0.22),
                5 => ev(8.5, 0.20),
                7 => ev(3.0, 0.30),
                _ => ev(3.0, 0.06),
            };
            s.merge(&ObjectStats::pixel(1, 0, c, e));
        }
        assert!(s.mean().visible_after < 0.17);
        assert!((s.core_visible() - (0.24 + 0.22 + 0.20) / 3.0).abs() < 1e-6);
        assert!((s.core_brightening() - (0.12 + 0.11 + 0.10) / 3.0).abs() < 1e-6);
        // An object of fewer pixels than the core: all of them.
        let mut two = ObjectStats::pixel(1, 0, 0, ev(2.0, 0.2));
        two.merge(&ObjectStats::pixel(1, 0, 1, ev(3.0, 0.1)));
        assert!((two.core_visible() - 0.15).abs() < 1e-6);
        assert!((two.core_brightening() - 0.075).abs() < 1e-6);
    }
}
