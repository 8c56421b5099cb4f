//! Objects built from rectangles of pixels, for the unit tests of the passes over judged
//! objects ([`crate::winding`], [`crate::track_pieces`], [`crate::track_beads`]).

use goldsweep_detect::object_stats::{Evidence, ObjectStats};

use crate::detect_pass::Run;

/// A rectangle of pixels: `(row0, col0, rows, cols)`.
pub type Rect = (u32, u32, u32, u32);

/// Evidence of ground whose vegetation was cleared: NDVI down 0.3, bare index up 0.2, hardly
/// brighter.
pub fn cleared() -> Evidence {
    Evidence {
        magnitude: 5.0,
        d_ndvi: -0.3,
        d_bare: 0.2,
        bare_after: 0.05,
        d_bright: 0.03,
        visible_after: 0.1,
        ..Evidence::default()
    }
}

/// An object of group `g` made of the `rects`, every pixel with evidence `ev`, and its runs.
pub fn object(g: u8, rects: &[Rect], ev: Evidence) -> (ObjectStats, Vec<Run>) {
    let runs: Vec<Run> = rects
        .iter()
        .flat_map(|&(r0, col_start, h, w)| {
            (r0..r0 + h).map(move |row| Run {
                row,
                col_start,
                col_end: col_start + w,
                label: 1,
            })
        })
        .collect();
    let cells = runs
        .iter()
        .flat_map(|r| (r.col_start..r.col_end).map(|c| (r.row.into(), c.into())));
    let stats = ObjectStats::uniform(g, cells, ev).expect("pixels");
    (stats, runs)
}
