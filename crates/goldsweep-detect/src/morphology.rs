//! Binary clean-up of the change groups with 3 × 3 neighbourhoods.
//!
//! The change magnitude looks one pixel around each pixel and both clean-up steps one more
//! each, so a tile needs a halo of [`HALO`] pixels for its core to come out exactly as in a
//! whole-scene run.
//! No opening is applied: it would erase the one- and two-pixel-wide access tracks that matter.

use ndarray::Array2;

use crate::evidence::group;

/// Halo (pixels) a tile needs for the smoothed magnitude and [`clean_groups`] to be exact in
/// its core.
pub const HALO: usize = 3;

/// Removes isolated change pixels (no changed 8-neighbour), then fills pixels without change
/// that have at least 6 changed 8-neighbours with the neighbours' majority group. Invalid pixels
/// are never changed and never count as change.
///
/// ```
/// use goldsweep_detect::morphology::clean_groups;
/// use ndarray::array;
/// let mut g = array![[0u8, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1]];
/// clean_groups(&mut g);
/// assert!(g.iter().all(|&v| v == 0));
/// ```
pub fn clean_groups(g: &mut Array2<u8>) {
    let (rows, cols) = g.dim();
    let is_change = |v: u8| v == group::LAND || v == group::WATER;
    let snapshot = g.clone();
    for r in 0..rows {
        for c in 0..cols {
            if !is_change(snapshot[[r, c]]) {
                continue;
            }
            let mut any = false;
            for_neighbours(rows, cols, r, c, |rr, cc| {
                any |= is_change(snapshot[[rr, cc]])
            });
            if !any {
                g[[r, c]] = group::NONE;
            }
        }
    }
    let snapshot = g.clone();
    for r in 0..rows {
        for c in 0..cols {
            if snapshot[[r, c]] != group::NONE {
                continue;
            }
            let (mut land, mut water) = (0u8, 0u8);
            for_neighbours(rows, cols, r, c, |rr, cc| match snapshot[[rr, cc]] {
                group::LAND => land += 1,
                group::WATER => water += 1,
                _ => {}
            });
            if land + water >= 6 {
                g[[r, c]] = if water > land {
                    group::WATER
                } else {
                    group::LAND
                };
            }
        }
    }
}

#[inline]
fn for_neighbours(rows: usize, cols: usize, r: usize, c: usize, mut f: impl FnMut(usize, usize)) {
    for rr in r.saturating_sub(1)..=(r + 1).min(rows - 1) {
        for cc in c.saturating_sub(1)..=(c + 1).min(cols - 1) {
            if rr != r || cc != c {
                f(rr, cc);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn keeps_one_pixel_lines_and_fills_holes() {
        let mut g = array![
            [1u8, 0, 0, 0, 0],
            [0, 1, 0, 1, 1],
            [0, 0, 1, 1, 0],
            [0, 0, 1, 1, 1],
            [255, 0, 0, 0, 0]
        ];
        let before = g.clone();
        clean_groups(&mut g);
        // The diagonal line survives.
        assert_eq!(g[[0, 0]], 1);
        assert_eq!(g[[1, 1]], 1);
        // Invalid stays invalid.
        assert_eq!(g[[4, 0]], 255);
        assert_eq!(
            g.iter().filter(|&&v| v == 1).count(),
            before.iter().filter(|&&v| v == 1).count()
        );
        let mut hole = Array2::from_elem((3, 3), group::LAND);
        hole[[1, 1]] = group::NONE;
        clean_groups(&mut hole);
        assert_eq!(hole[[1, 1]], group::LAND);
    }
}
