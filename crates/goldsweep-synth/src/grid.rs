//! The scene grid: a north-up square of 10 m pixels in UTM zone 51N over the Zhaoyuan gold district.

use geo::{Coord, Rect};

/// EPSG code of the scene CRS (WGS 84 / UTM zone 51N; Zhaoyuan lies just east of 120°E).
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
}

impl SceneGrid {
    /// The grid used for every synthetic scene of `size` pixels per side.
    pub fn new(size: usize) -> Self {
        Self {
            size,
            origin_e: ORIGIN_E,
            origin_n: ORIGIN_N,
        }
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
    }
}
