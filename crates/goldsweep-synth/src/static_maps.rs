//! Per-pixel cover fractions of the static features (water, roads, village), computed once and
//! used both to paint the scenes and to keep planted objects off them.

use geo::{BoundingRect, Polygon};

use crate::grid::SceneGrid;
use crate::infrastructure::{Infrastructure, ROAD_HALF_WIDTH};
use crate::line_raster::stamp_polyline;
use crate::polygon_raster::coverage;

/// Fractions in `[0, 1]`, row-major on the scene grid.
#[derive(Debug, Clone)]
pub struct StaticMaps {
    /// River and reservoir water.
    pub water: Vec<f32>,
    /// Paved roads.
    pub road: Vec<f32>,
    /// Village.
    pub village: Vec<f32>,
}

/// Writes the max of `frac` and the polygon's coverage into `frac`.
pub fn stamp_polygon(grid: &SceneGrid, poly: &Polygon, frac: &mut [f32]) {
    for p in coverage(grid, poly) {
        let cell = &mut frac[p.row * grid.size + p.col];
        *cell = cell.max(p.frac);
    }
}

impl StaticMaps {
    /// Rasterises the infrastructure onto `grid`.
    pub fn new(grid: &SceneGrid, infra: &Infrastructure) -> Self {
        let n = grid.pixel_count();
        let mut water = vec![0.0; n];
        stamp_polyline(grid, &infra.river.0, infra.river_half_width, &mut water);
        stamp_polygon(grid, &infra.reservoir, &mut water);
        let mut road = vec![0.0; n];
        stamp_polyline(grid, &infra.main_road.0, ROAD_HALF_WIDTH, &mut road);
        stamp_polyline(grid, &infra.cross_road.0, ROAD_HALF_WIDTH, &mut road);
        let mut village = vec![0.0; n];
        stamp_polygon(grid, &infra.village, &mut village);
        Self {
            water,
            road,
            village,
        }
    }

    /// True when no pixel within `gap` metres of the polygon's bounding box has any of the
    /// selected static covers.
    pub fn clear(&self, grid: &SceneGrid, poly: &Polygon, gap: f64, layers: &[Layer]) -> bool {
        let Some(bb) = poly.bounding_rect() else {
            return false;
        };
        let (c0, r0) = grid.to_pixel(geo::Coord {
            x: bb.min().x - gap,
            y: bb.max().y + gap,
        });
        let (c1, r1) = grid.to_pixel(geo::Coord {
            x: bb.max().x + gap,
            y: bb.min().y - gap,
        });
        let size = grid.size as f64;
        let clampi = |v: f64| v.clamp(0.0, size) as usize;
        let (c0, c1, r0, r1) = (
            clampi(c0.floor()),
            clampi(c1.ceil()),
            clampi(r0.floor()),
            clampi(r1.ceil()),
        );
        for row in r0..r1 {
            for col in c0..c1 {
                let i = row * grid.size + col;
                for l in layers {
                    let map = match l {
                        Layer::Water => &self.water,
                        Layer::Road => &self.road,
                        Layer::Village => &self.village,
                    };
                    if map[i] > 0.0 {
                        return false;
                    }
                }
            }
        }
        true
    }

    /// True when the pixel under map point `c` (and its 8 neighbours) has no water.
    pub fn dry_at(&self, grid: &SceneGrid, c: geo::Coord) -> bool {
        let (col, row) = grid.to_pixel(c);
        let (col, row) = (col.floor() as i64, row.floor() as i64);
        for dr in -1..=1 {
            for dc in -1..=1 {
                let (r, k) = (row + dr, col + dc);
                let inside =
                    r >= 0 && k >= 0 && (r as usize) < grid.size && (k as usize) < grid.size;
                if inside && self.water[r as usize * grid.size + k as usize] > 0.0 {
                    return false;
                }
            }
        }
        true
    }
}

/// A static cover layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    /// River and reservoir.
    Water,
    /// Roads.
    Road,
    /// Village.
    Village,
}
