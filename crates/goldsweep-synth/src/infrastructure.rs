//! Static linear and built features: a north–south valley road through the hills, an east–west
//! road onto the plain, a river at the foot of the hills, a reservoir in the hills and a village
//! on the plain road.

use std::f64::consts::PI;

use geo::{Coord, Distance, Euclidean, LineString, Polygon};
use rand::Rng;

use crate::grid::SceneGrid;
use crate::shapes::blob;

/// Half width of the paved roads (m).
pub const ROAD_HALF_WIDTH: f64 = 6.0;

/// Roads, water and the village, in map coordinates.
#[derive(Debug, Clone)]
pub struct Infrastructure {
    /// North–south valley road (local x ≈ 27 % of the width).
    pub main_road: LineString,
    /// East–west road from the valley road to the east edge.
    pub cross_road: LineString,
    /// River centre line (local x ≈ 64 % of the width).
    pub river: LineString,
    /// River half width (m).
    pub river_half_width: f64,
    /// Reservoir in the hills.
    pub reservoir: Polygon,
    /// Village outline on the cross road.
    pub village: Polygon,
}

/// Polyline `x(y)` from north to south beyond both scene edges, in map coordinates.
fn meander<R: Rng>(rng: &mut R, grid: &SceneGrid, x_frac: f64, amp_frac: f64) -> Vec<Coord> {
    let w = grid.side_m();
    let (p1, p2) = (
        rng.random_range(0.0..2.0 * PI),
        rng.random_range(0.0..2.0 * PI),
    );
    let long = rng.random_range(0.7..1.1) * w;
    let mut pts = Vec::new();
    let mut y = -40.0;
    while y <= w + 40.0 {
        let x = x_frac * w
            + amp_frac * w * (2.0 * PI * y / long + p1).sin()
            + 30.0 * (2.0 * PI * y / 650.0 + p2).sin();
        pts.push(grid.local(x, y));
        y += 20.0;
    }
    pts
}

impl Infrastructure {
    /// Draws every static feature for `grid`.
    pub fn new<R: Rng>(rng: &mut R, grid: &SceneGrid) -> Self {
        let w = grid.side_m();
        let main = meander(rng, grid, 0.27, 0.04);
        let river_pts = meander(rng, grid, 0.64, 0.025);
        let river_half_width = rng.random_range(14.0..22.0);

        // East–west road at a random latitude, starting on the valley road.
        let yc = rng.random_range(0.35..0.65) * w;
        let phase = rng.random_range(0.0..2.0 * PI);
        let start_x = main
            .iter()
            .min_by(|a, b| {
                let ya = grid.origin_n - a.y;
                let yb = grid.origin_n - b.y;
                (ya - yc).abs().total_cmp(&(yb - yc).abs())
            })
            .map(|c| c.x - grid.origin_e)
            .unwrap_or(0.27 * w);
        let mut cross = Vec::new();
        let mut x = start_x;
        while x <= w + 40.0 {
            let y = yc + 0.02 * w * (2.0 * PI * (x - start_x) / w + phase).sin()
                - 0.02 * w * phase.sin();
            cross.push(grid.local(x, y));
            x += 20.0;
        }

        let res_r = (0.04 * w).clamp(60.0, 220.0);
        let main_line = LineString::new(main.clone());
        let mut reservoir = blob(rng, grid.local(0.1 * w, 0.5 * w), res_r, 0.35, 28);
        for _ in 0..100 {
            let res_c = grid.local(
                rng.random_range(0.06..0.22) * w,
                rng.random_range(0.12..0.88) * w,
            );
            reservoir = blob(rng, res_c, res_r, 0.35, 28);
            if Euclidean.distance(&main_line, &reservoir) > 120.0 {
                break;
            }
        }

        let vil_x = rng.random_range(0.76..0.88) * w;
        let vil_c = cross
            .iter()
            .min_by(|a, b| {
                let xa = a.x - grid.origin_e;
                let xb = b.x - grid.origin_e;
                (xa - vil_x).abs().total_cmp(&(xb - vil_x).abs())
            })
            .copied()
            .unwrap_or_else(|| grid.local(vil_x, yc));
        let village = blob(rng, vil_c, (0.035 * w).clamp(50.0, 170.0), 0.3, 24);

        Self {
            main_road: LineString::new(main),
            cross_road: LineString::new(cross),
            river: LineString::new(river_pts),
            river_half_width,
            reservoir,
            village,
        }
    }
}
