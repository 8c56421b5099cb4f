//! Anti-aliased rasterisation of wide polylines (roads, rivers) by distance to the centre line.

use geo::Coord;

use crate::grid::{SceneGrid, PIXEL_M};

/// Raises `frac[i]` to the covered fraction of each pixel by a band of `half_width` metres
/// around the polyline `pts`: `f = clamp((half_width + 5 − d) / 10, 0, 1)` with `d` the distance
/// (m) from the pixel centre to the line, i.e. a one-pixel linear ramp centred on the band edge.
pub fn stamp_polyline(grid: &SceneGrid, pts: &[Coord], half_width: f64, frac: &mut [f32]) {
    let reach = half_width + PIXEL_M / 2.0;
    let size = grid.size as f64;
    for seg in pts.windows(2) {
        let (a, b) = (grid.to_pixel(seg[0]), grid.to_pixel(seg[1]));
        let pad = reach / PIXEL_M + 1.0;
        let c0 = (a.0.min(b.0) - pad).floor().max(0.0);
        let c1 = (a.0.max(b.0) + pad).ceil().min(size);
        let r0 = (a.1.min(b.1) - pad).floor().max(0.0);
        let r1 = (a.1.max(b.1) + pad).ceil().min(size);
        if c0 >= c1 || r0 >= r1 {
            continue;
        }
        for row in r0 as usize..r1 as usize {
            for col in c0 as usize..c1 as usize {
                let p = (col as f64 + 0.5, row as f64 + 0.5);
                let d = point_segment_distance(p, a, b) * PIXEL_M;
                let f = ((reach - d) / PIXEL_M).clamp(0.0, 1.0) as f32;
                let cell = &mut frac[row * grid.size + col];
                if f > *cell {
                    *cell = f;
                }
            }
        }
    }
}

/// Euclidean distance from `p` to the segment `a`–`b`.
pub fn point_segment_distance(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let l2 = dx * dx + dy * dy;
    let t = if l2 > 0.0 {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / l2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (p.0 - a.0 - t * dx).hypot(p.1 - a.1 - t * dy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn horizontal_road_covers_its_row() {
        let g = SceneGrid::new(10);
        let mut f = vec![0.0f32; g.pixel_count()];
        stamp_polyline(&g, &[g.local(0.0, 45.0), g.local(100.0, 45.0)], 5.0, &mut f);
        assert_eq!(f[4 * 10 + 3], 1.0);
        assert_eq!(f[2 * 10 + 3], 0.0);
        assert_eq!(f[3 * 10 + 3], 0.0);
    }
}
