//! The scene grid: a north-up square of 10 m pixels in a UTM zone — by default zone 51N over
//! the Zhaoyuan gold district, or centred on any location ([`SceneGrid::centred_on`]).

use geo::{Coord, Rect};

use crate::utm::LonLat;

/// EPSG code of the default scene CRS (WGS 84 / UTM zone 51N; Zhaoyuan lies just east of 120°E).
pub const SCENE_EPSG: u32 = 32651;
/// Pixel size in metres (Sentinel-2 10 m bands).
pub const PIXEL_M: f64 = 10.0;
/// Easting of the upper-left corner (≈120.36°E at 37.39°N, west of Zhaoyuan city).
const ORIGIN_E: f64 = 266_000.0;
/// Northing of the upper-left corner.
const ORIGIN_N: f64 = 4_142_000.0;

/// A square north-up grid; rows run south, columns east.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SceneGrid {
    /// Pixels per side.
    pub size: usize,
    /// Easting of the upper-left corner (m).
    pub origin_e: f64,
    /// Northing of the upper-left corner (m).
    pub origin_n: f64,
    /// EPSG code of the CRS the origin is given in (a WGS 84 / UTM zone).
    pub epsg: u32,
}

impl SceneGrid {
    /// The default grid of `size` pixels per side: upper-left corner at E 266 000, N 4 142 000
    /// in EPSG:32651, west of Zhaoyuan, whatever the size.
    pub fn new(size: usize) -> Self {
        Self {
            size,
            origin_e: ORIGIN_E,
            origin_n: ORIGIN_N,
            epsg: SCENE_EPSG,
        }
    }

    /// A grid of `size` pixels per side in the UTM zone of `centre` (see [`crate::utm`]) whose
    /// centre is `centre`: the upper-left corner is the projected centre minus half the side
    /// (`size · 10 m / 2`) east and plus half the side north, rounded to whole pixels (multiples
    /// of 10 m, as Sentinel-2 grids are), so the true centre lies within 5 m of the scene centre
    /// in each axis.
    pub fn centred_on(size: usize, centre: LonLat) -> Result<Self, gdal::errors::GdalError> {
        let epsg = centre.utm_epsg();
        let c = centre.project(epsg)?;
        let half = size as f64 * PIXEL_M / 2.0;
        let snap = |v: f64| (v / PIXEL_M).round() * PIXEL_M;
        Ok(Self {
            size,
            origin_e: snap(c.x - half),
            origin_n: snap(c.y + half),
            epsg,
        })
    }

    /// Map coordinates of the scene centre (the corner shared by the four middle pixels when
    /// the size is even).
    pub fn centre(&self) -> Coord {
        self.local(self.side_m() / 2.0, self.side_m() / 2.0)
    }

    /// Side length in metres.
    pub fn side_m(&self) -> f64 {
        self.size as f64 * PIXEL_M
    }

    /// GDAL geotransform `[e0, 10, 0, n0, 0, -10]`.
    pub fn geo_transform(&self) -> [f64; 6] {
        [self.origin_e, PIXEL_M, 0.0, self.origin_n, 0.0, -PIXEL_M]
    }

    /// Number of pixels.
    pub fn pixel_count(&self) -> usize {
        self.size * self.size
    }

    /// Map coordinates of the centre of pixel (`row`, `col`).
    pub fn pixel_center(&self, row: usize, col: usize) -> Coord {
        Coord {
            x: self.origin_e + (col as f64 + 0.5) * PIXEL_M,
            y: self.origin_n - (row as f64 + 0.5) * PIXEL_M,
        }
    }

    /// Fractional pixel position (`col`, `row`) of a map coordinate (pixel edges are integers).
    pub fn to_pixel(&self, c: Coord) -> (f64, f64) {
        (
            (c.x - self.origin_e) / PIXEL_M,
            (self.origin_n - c.y) / PIXEL_M,
        )
    }

    /// Map coordinate from scene-local metres (`x` east of the west edge, `y` south of the north edge).
    pub fn local(&self, x: f64, y: f64) -> Coord {
        Coord {
            x: self.origin_e + x,
            y: self.origin_n - y,
        }
    }

    /// Scene-local metres (`x` east of the west edge, `y` south of the north edge) of a map coordinate.
    pub fn to_local(&self, c: Coord) -> (f64, f64) {
        (c.x - self.origin_e, self.origin_n - c.y)
    }

    /// Scene extent in map coordinates.
    pub fn extent(&self) -> Rect {
        Rect::new(
            Coord {
                x: self.origin_e,
                y: self.origin_n - self.side_m(),
            },
            Coord {
                x: self.origin_e + self.side_m(),
                y: self.origin_n,
            },
        )
    }

    /// True when the rectangle lies inside the scene with `margin` metres to spare.
    pub fn contains_rect(&self, r: &Rect, margin: f64) -> bool {
        let e = self.extent();
        r.min().x >= e.min().x + margin
            && r.min().y >= e.min().y + margin
            && r.max().x <= e.max().x - margin
            && r.max().y <= e.max().y - margin
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pixel_round_trip() {
        let g = SceneGrid::new(200);
        let c = g.pixel_center(3, 7);
        let (col, row) = g.to_pixel(c);
        assert_eq!((col, row), (7.5, 3.5));
        assert_eq!(g.extent().width(), 2000.0);
        assert_eq!(g.epsg, SCENE_EPSG);
    }

    #[test]
    fn centred_grid_is_in_the_local_zone_and_centred() {
        let at = LonLat::new(-1.62, 6.21).unwrap();
        let g = SceneGrid::centred_on(480, at).unwrap();
        assert_eq!(g.epsg, 32630);
        assert_eq!(g.origin_e % PIXEL_M, 0.0);
        assert_eq!(g.origin_n % PIXEL_M, 0.0);
        let want = at.project(32630).unwrap();
        let got = g.centre();
        assert!((got.x - want.x).abs() <= 5.0, "{got:?} vs {want:?}");
        assert!((got.y - want.y).abs() <= 5.0, "{got:?} vs {want:?}");
        assert_eq!(g.extent().width(), 4800.0);
    }
}
