//! Object outlines from run-length pixels: pixel squares unioned into polygons, mapped through
//! the geotransform into the scene CRS.

use geo::{unary_union, Coord, LineString, MapCoords, MultiPolygon, Polygon};

use crate::detect_pass::Run;

/// The outline of a set of pixel runs, in pixel coordinates (x = column, y = row, pixel
/// corners at integers). Vertically stacked runs with the same extent are merged first so the
/// union sees few rectangles.
pub fn runs_outline(runs: &mut [Run]) -> MultiPolygon<f64> {
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
    if rects.len() == 1 {
        return MultiPolygon(rects);
    }
    unary_union(&rects)
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
        let mut runs = vec![
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
    fn diagonal_pixels_stay_one_multipolygon() {
        let mut runs = vec![
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
