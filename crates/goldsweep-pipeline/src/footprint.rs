//! Object outlines from run-length pixels: pixel squares unioned into polygons, mapped through
//! the geotransform into the scene CRS.

use geo::{unary_union, Coord, LineString, MapCoords, MultiPolygon, Polygon};

use crate::detect_pass::Run;

/// The outline of a set of pixel runs, in pixel coordinates (x = column, y = row, pixel
/// corners at integers). Vertically stacked runs with the same extent are merged first so the
/// union sees few rectangles.
///
/// The result depends only on the set of pixels, not on how they were split into runs (tile
/// seams cut runs): runs are first joined along rows, and every ring of the union starts at its
/// lowest-then-leftmost vertex.
pub fn runs_outline(runs: &mut Vec<Run>) -> MultiPolygon<f64> {
    join_row_runs(runs);
    runs.sort_by_key(|r| (r.col_start, r.col_end, r.row));
    let mut rects: Vec<Polygon<f64>> = Vec::new();
    let mut i = 0;
    while i < runs.len() {
        let (c0, c1, r0) = (runs[i].col_start, runs[i].col_end, runs[i].row);
        let mut r1 = r0 + 1;
        let mut j = i + 1;
        while j < runs.len()
            && runs[j].col_start == c0
            && runs[j].col_end == c1
            && runs[j].row == r1
        {
            r1 += 1;
            j += 1;
        }
        rects.push(rect(c0 as f64, r0 as f64, c1 as f64, r1 as f64));
        i = j;
    }
    let union = if rects.len() == 1 {
        MultiPolygon(rects)
    } else {
        unary_union(&rects)
    };
    canonical(union)
}

/// Joins runs that continue each other on the same row (split by a tile seam).
fn join_row_runs(runs: &mut Vec<Run>) {
    runs.sort_by_key(|r| (r.row, r.col_start));
    let mut joined: Vec<Run> = Vec::with_capacity(runs.len());
    for r in runs.iter() {
        match joined.last_mut() {
            Some(last) if last.row == r.row && last.col_end == r.col_start => {
                last.col_end = r.col_end
            }
            _ => joined.push(*r),
        }
    }
    *runs = joined;
}

/// Rotates every closed ring to start at its smallest `(y, x)` vertex and orders the polygons
/// by their first vertex, so equal shapes have equal coordinate lists.
fn canonical(m: MultiPolygon<f64>) -> MultiPolygon<f64> {
    let ring = |ls: &LineString<f64>| -> LineString<f64> {
        let mut pts: Vec<Coord<f64>> = ls.0.clone();
        if pts.len() > 1 && pts.first() == pts.last() {
            pts.pop();
        }
        let start = (0..pts.len())
            .min_by(|&a, &b| {
                pts[a]
                    .y
                    .total_cmp(&pts[b].y)
                    .then(pts[a].x.total_cmp(&pts[b].x))
            })
            .unwrap_or(0);
        pts.rotate_left(start);
        if let Some(&first) = pts.first() {
            pts.push(first);
        }
        LineString::from(pts)
    };
    let mut polys: Vec<Polygon<f64>> =
        m.0.iter()
            .map(|p| {
                let mut holes: Vec<LineString<f64>> = p.interiors().iter().map(ring).collect();
                holes.sort_by(|a, b| {
                    first_key(a)
                        .partial_cmp(&first_key(b))
                        .unwrap_or(std::cmp::Ordering::Equal)
                });
                Polygon::new(ring(p.exterior()), holes)
            })
            .collect();
    polys.sort_by(|a, b| {
        first_key(a.exterior())
            .partial_cmp(&first_key(b.exterior()))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    MultiPolygon(polys)
}

fn first_key(ls: &LineString<f64>) -> (f64, f64) {
    ls.0.first().map_or((0.0, 0.0), |c| (c.y, c.x))
}

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon<f64> {
    // Counter-clockwise in a y-up frame.
    Polygon::new(
        LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]),
        vec![],
    )
}

/// Maps pixel coordinates (column, row) to the CRS with a GDAL geotransform.
pub fn pixel_to_crs(gt: &[f64; 6], col: f64, row: f64) -> (f64, f64) {
    (
        gt[0] + col * gt[1] + row * gt[2],
        gt[3] + col * gt[4] + row * gt[5],
    )
}

/// Applies [`pixel_to_crs`] to every vertex.
pub fn outline_to_crs(outline: &MultiPolygon<f64>, gt: &[f64; 6]) -> MultiPolygon<f64> {
    outline.map_coords(|c| {
        let (x, y) = pixel_to_crs(gt, c.x, c.y);
        Coord { x, y }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Area;

    #[test]
    fn l_shape_outline_has_pixel_area() {
        let mut runs: Vec<Run> = vec![
            Run {
                row: 0,
                col_start: 0,
                col_end: 1,
                label: 1,
            },
            Run {
                row: 1,
                col_start: 0,
                col_end: 1,
                label: 1,
            },
            Run {
                row: 2,
                col_start: 0,
                col_end: 3,
                label: 1,
            },
        ];
        let o = runs_outline(&mut runs);
        assert_eq!(o.0.len(), 1);
        assert!((o.unsigned_area() - 5.0).abs() < 1e-9);
        let gt = [500000.0, 10.0, 0.0, 4000000.0, 0.0, -10.0];
        assert!((outline_to_crs(&o, &gt).unsigned_area() - 500.0).abs() < 1e-6);
    }

    #[test]
    fn runs_cut_by_tile_seams_give_the_same_outline() {
        let run = |row, col_start, col_end| Run {
            row,
            col_start,
            col_end,
            label: 1,
        };
        let mut whole = vec![run(0, 0, 10), run(1, 2, 12), run(2, 2, 12), run(3, 5, 6)];
        let mut cut = vec![
            run(2, 8, 12),
            run(0, 0, 4),
            run(0, 4, 8),
            run(0, 8, 10),
            run(1, 2, 8),
            run(1, 8, 12),
            run(2, 2, 8),
            run(3, 5, 6),
        ];
        assert_eq!(runs_outline(&mut whole), runs_outline(&mut cut));
    }

    #[test]
    fn diagonal_pixels_stay_one_multipolygon() {
        let mut runs: Vec<Run> = vec![
            Run {
                row: 0,
                col_start: 0,
                col_end: 1,
                label: 1,
            },
            Run {
                row: 1,
                col_start: 1,
                col_end: 2,
                label: 1,
            },
        ];
        let o = runs_outline(&mut runs);
        assert!((o.unsigned_area() - 2.0).abs() < 1e-9);
    }
}
