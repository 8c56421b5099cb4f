//! Winding tracks: the length of an object measured along itself.
//!
//! [`ObjectStats::shape`](goldsweep_detect::object_stats::ObjectStats::shape) measures an
//! object's length along its major axis. A track that curves toward a road, or bends round a
//! hill, is longer than that axis: a track along a half circle is about 1.3 times as long as
//! its axis, and its mean width, its area over that axis, comes out as much wider. Where
//! the sensor spreads a 10 m track over a third pixel either side, the track is then too wide
//! and too little elongated for one, and is judged a clearing.
//!
//! The length along an object is its geodesic diameter: the longest of the shortest paths
//! inside it between two of its pixels (found by two passes of a shortest-path search from
//! the farthest pixel reached), with steps of 1 along rows and columns and √2 across, plus
//! one pixel for the ends. For a straight bar it is the bar's length, for a winding strip the
//! strip's length, and for a compact blob about its diameter.
//!
//! An object judged anything but a track whose evidence already supports one (cover lost, or
//! a strip on bare ground: [`judge_shaped`]) is judged again with its shape along itself
//! ([`Shape::along`]); only a class of track is taken from that.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use goldsweep_detect::classify::{judge_shaped, Certainty, ClassParams};
use goldsweep_detect::evidence::group;
use goldsweep_detect::morphology::NEIGHBOURS;
use goldsweep_detect::object_stats::{ObjectStats, Shape};
use goldsweep_detect::ChangeClass;

use crate::detect_pass::Run;

/// Largest object (pixels) measured along itself: a track of 30 m by 2 km on 10 m pixels is
/// 600 px; larger objects are fields, districts or whole sites, not tracks.
pub const WINDING_MAX_PIXELS: u64 = 4000;

/// Distance units per pixel step along a row or column; a diagonal step is
/// [`DIAGONAL_STEP`] (the ratio is √2 to within 0.2 %).
const STRAIGHT_STEP: u32 = 70;
const DIAGONAL_STEP: u32 = 99;

/// Rejudges as tracks the objects that are tracks when measured along themselves (see the
/// module docs). `judged[i]` is object `i`'s class and certainty, or `None` if it is not
/// shortlisted; `runs_of[i]` its pixels; `side_m[i]` the side of a pixel at it. Objects of
/// new water and strips of thin change (whose own rule already measures along them) are left
/// as they are.
pub fn follow_windings(
    objects: &[ObjectStats],
    judged: &mut [Option<(ChangeClass, Certainty)>],
    runs_of: &[Vec<Run>],
    side_m: &[f64],
    p: &ClassParams,
) {
    for (i, o) in objects.iter().enumerate() {
        let Some((class, certainty)) = judged[i] else {
            continue;
        };
        if class == ChangeClass::AccessTrack
            || matches!(o.group, group::WATER | group::THIN)
            || o.pixels > WINDING_MAX_PIXELS
        {
            continue;
        }
        let along = geodesic_length(&runs_of[i]);
        if along <= o.shape().length {
            continue;
        }
        let (rejudged, firmness) = judge_shaped(o, Shape::along(o.pixels, along), side_m[i], p);
        if rejudged == ChangeClass::AccessTrack {
            // A faint object stays tentative whatever its shape.
            let firmness = if certainty == Certainty::Tentative {
                Certainty::Tentative
            } else {
                firmness
            };
            judged[i] = Some((rejudged, firmness));
        }
    }
}

/// Length (pixels) of the object of `runs` measured along itself: its geodesic diameter plus
/// one pixel (see the module docs); zero without runs.
pub fn geodesic_length(runs: &[Run]) -> f64 {
    let Some(first) = runs.first() else {
        return 0.0;
    };
    let (row0, row1, col0, col1) = runs.iter().fold(
        (first.row, first.row, first.col_start, first.col_end),
        |(r0, r1, c0, c1), r| {
            (
                r0.min(r.row),
                r1.max(r.row),
                c0.min(r.col_start),
                c1.max(r.col_end),
            )
        },
    );
    let (rows, cols) = ((row1 - row0 + 1) as usize, (col1 - col0) as usize);
    let mut inside = vec![false; rows * cols];
    for r in runs {
        let base = (r.row - row0) as usize * cols;
        for c in r.col_start..r.col_end {
            inside[base + (c - col0) as usize] = true;
        }
    }
    let start = (first.row - row0) as usize * cols + (first.col_start - col0) as usize;
    let mut dist = vec![u32::MAX; rows * cols];
    let (far, _) = farthest(&inside, rows, cols, start, &mut dist);
    let (_, diameter) = farthest(&inside, rows, cols, far, &mut dist);
    f64::from(diameter) / f64::from(STRAIGHT_STEP) + 1.0
}

/// The pixel of the object (`inside`, `rows` × `cols`) farthest from `start` along it, and its
/// distance in step units (ties: the first in row-major order). `dist` is scratch.
fn farthest(
    inside: &[bool],
    rows: usize,
    cols: usize,
    start: usize,
    dist: &mut [u32],
) -> (usize, u32) {
    dist.fill(u32::MAX);
    dist[start] = 0;
    let mut queue = BinaryHeap::from([Reverse((0u32, start))]);
    while let Some(Reverse((d, i))) = queue.pop() {
        if d > dist[i] {
            continue;
        }
        let (r, c) = ((i / cols) as isize, (i % cols) as isize);
        for (dr, dc) in NEIGHBOURS {
            let (rr, cc) = (r + dr, c + dc);
            if rr < 0 || cc < 0 || rr >= rows as isize || cc >= cols as isize {
                continue;
            }
            let j = rr as usize * cols + cc as usize;
            if !inside[j] {
                continue;
            }
            let step = if dr != 0 && dc != 0 {
                DIAGONAL_STEP
            } else {
                STRAIGHT_STEP
            };
            let nd = d + step;
            if nd < dist[j] {
                dist[j] = nd;
                queue.push(Reverse((nd, j)));
            }
        }
    }
    (0..inside.len())
        .filter(|&j| inside[j] && dist[j] != u32::MAX)
        .fold((start, 0), |best, j| {
            if dist[j] > best.1 {
                (j, dist[j])
            } else {
                best
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_objects::cleared;

    /// Runs of the pixels `cells` (scene `(row, col)`), one run per pixel.
    fn runs(cells: &[(u32, u32)]) -> Vec<Run> {
        let mut v: Vec<Run> = cells
            .iter()
            .map(|&(row, col)| Run {
                row,
                col_start: col,
                col_end: col + 1,
                label: 1,
            })
            .collect();
        v.sort_by_key(|r| (r.row, r.col_start));
        v
    }

    /// A strip `width` pixels wide along a half circle of `radius` pixels (its right half),
    /// in positive coordinates.
    fn arc(radius: f64, width: f64) -> Vec<(u32, u32)> {
        let reach = (radius + width + 2.0) as i32;
        let mut cells = Vec::new();
        for r in -reach..=reach {
            for c in 0..=reach {
                let d = (f64::from(r)).hypot(f64::from(c) + 0.5);
                if (d - radius).abs() <= width / 2.0 {
                    cells.push(((r + reach + 5) as u32, (c + 5) as u32));
                }
            }
        }
        cells
    }

    fn stats(cells: &[(u32, u32)]) -> ObjectStats {
        let cells = cells.iter().map(|&(r, c)| (r.into(), c.into()));
        ObjectStats::uniform(group::LAND, cells, cleared()).expect("cells")
    }

    #[test]
    fn a_straight_bar_is_as_long_along_itself_as_its_axis() {
        let cells: Vec<(u32, u32)> = (0..3)
            .flat_map(|r| (0..40).map(move |c| (10 + r, 20 + c)))
            .collect();
        // Corner to corner: 40 px and a little across.
        let along = geodesic_length(&runs(&cells));
        assert!((40.0..41.0).contains(&along), "{along}");
        // Diagonal: 30 steps across, each √2.
        let diagonal: Vec<(u32, u32)> = (0..30).map(|k| (k, k)).collect();
        let along = geodesic_length(&runs(&diagonal));
        assert!((along - (29.0 * 2f64.sqrt() + 1.0)).abs() < 0.1, "{along}");
        assert_eq!(geodesic_length(&[]), 0.0);
    }

    #[test]
    fn a_winding_strip_is_longer_along_itself_and_a_blob_is_not() {
        // A half circle of radius 20 px (63 px of arc), 3 px wide.
        let strip = arc(20.0, 3.0);
        let along = geodesic_length(&runs(&strip));
        let axis = stats(&strip).shape().length;
        assert!(along > 60.0 && along < 68.0, "{along}");
        assert!(along > 1.25 * axis, "along {along} vs axis {axis}");
        // A disc of radius 8 px: about its diameter, and close to its axis length.
        let disc: Vec<(u32, u32)> = (0..17u32)
            .flat_map(|r| (0..17u32).map(move |c| (r, c)))
            .filter(|&(r, c)| (f64::from(r) - 8.0).hypot(f64::from(c) - 8.0) <= 8.0)
            .collect();
        let along = geodesic_length(&runs(&disc));
        let axis = stats(&disc).shape().length;
        assert!(along > 15.0 && along < 18.5, "{along}");
        assert!(along < 1.3 * axis, "along {along} vs axis {axis}");
    }

    #[test]
    fn a_winding_strip_with_lost_cover_becomes_a_track_and_a_blob_stays_a_clearing() {
        let p = ClassParams::default();
        // 10 m pixels: a 4 px wide half circle of radius 20 px (a track of 630 m, as coarse
        // imagery spreads it, whose axis is shorter and whose width by its axis too wide for a
        // track), and a disc of radius 8 px.
        let strip = arc(20.0, 4.0);
        let disc: Vec<(u32, u32)> = (0..17u32)
            .flat_map(|r| (0..17u32).map(move |c| (r + 60, c + 60)))
            .filter(|&(r, c)| (f64::from(r) - 68.0).hypot(f64::from(c) - 68.0) <= 8.0)
            .collect();
        let objects = vec![stats(&strip), stats(&disc)];
        let by_axis = objects[0].shape();
        assert!(
            by_axis.width * 10.0 > p.track_max_width_m.max(30.0),
            "{by_axis:?}"
        );
        let mut judged: Vec<Option<(ChangeClass, Certainty)>> = objects
            .iter()
            .map(|o| Some(goldsweep_detect::classify::judge(o, 10.0, &p)))
            .collect();
        assert_eq!(judged[0].map(|j| j.0), Some(ChangeClass::VegetationLoss));
        assert_eq!(judged[1].map(|j| j.0), Some(ChangeClass::VegetationLoss));
        let runs_of = vec![runs(&strip), runs(&disc)];
        follow_windings(&objects, &mut judged, &runs_of, &[10.0, 10.0], &p);
        assert_eq!(judged[0], Some((ChangeClass::AccessTrack, Certainty::Firm)));
        assert_eq!(
            judged[1],
            Some((ChangeClass::VegetationLoss, Certainty::Firm))
        );
        // A faint winding strip stays tentative as a track; one not shortlisted stays so.
        let mut judged = vec![
            Some((ChangeClass::VegetationLoss, Certainty::Tentative)),
            None,
        ];
        follow_windings(&objects, &mut judged, &runs_of, &[10.0, 10.0], &p);
        assert_eq!(
            judged[0],
            Some((ChangeClass::AccessTrack, Certainty::Tentative))
        );
        assert_eq!(judged[1], None);
    }
}
