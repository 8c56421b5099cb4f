//! Connected-component labelling of change groups into fragments with their features.

use ndarray::{Array2, ArrayView2};

use crate::evidence::group;
use crate::object_stats::{Evidence, ObjectStats};

/// The labelled core of one tile: `labels` holds `0` for no object and `k + 1` for the
/// fragment `stats[k]`. Fragments touching the core's border may continue in a neighbouring
/// tile; the pipeline stitches them.
#[derive(Debug, Clone)]
pub struct Fragments {
    pub labels: Array2<u32>,
    pub stats: Vec<ObjectStats>,
}

/// Labels 8-connected pixels of the same change group (land, thin land, a wider strip, bright
/// land or water) in `groups`. `origin` is the scene position `(row, col)` of the first pixel,
/// used for the fragments' coordinates, and `evidence(row, col)` gives the evidence of a
/// labelled pixel of `groups`.
///
/// Labels are numbered in row-major order of each fragment's first pixel, so the result depends
/// only on the pixels.
///
/// ```
/// use goldsweep_detect::label::label_fragments;
/// use goldsweep_detect::object_stats::Evidence;
/// use ndarray::array;
/// // A diagonal line of three land-change pixels.
/// let groups = array![[1u8, 0, 0], [0, 1, 0], [0, 0, 1]];
/// // 8-connected: one fragment, positioned in the scene by `origin`.
/// let f = label_fragments(groups.view(), (100, 200), |_, _| Evidence::default());
/// assert_eq!(f.stats.len(), 1);
/// assert_eq!(f.stats[0].pixels, 3);
/// assert_eq!(f.stats[0].first, (100, 200));
/// ```
pub fn label_fragments(
    groups: ArrayView2<'_, u8>,
    origin: (u64, u64),
    mut evidence: impl FnMut(usize, usize) -> Evidence,
) -> Fragments {
    let (rows, cols) = groups.dim();
    let groups = groups.as_standard_layout();
    let groups = groups.as_slice().unwrap_or(&[]);
    let is_change = |g: u8| {
        matches!(
            g,
            group::LAND | group::WATER | group::THIN | group::BRIGHT | group::STRIP
        )
    };
    // First pass: provisional labels, merged through `parent` where fragments meet.
    let mut labels = vec![0u32; rows * cols];
    let mut parent: Vec<u32> = vec![0];
    for r in 0..rows {
        let (done, todo) = labels.split_at_mut(r * cols);
        let row = &mut todo[..cols];
        // The row above (empty for the first row).
        let above = &done[done.len().saturating_sub(cols)..];
        let g_above = &groups[r.saturating_sub(1) * cols..r * cols];
        let g_row = &groups[r * cols..(r + 1) * cols];
        if !g_row.iter().fold(false, |any, &g| any | is_change(g)) {
            continue;
        }
        for c in 0..cols {
            let g = g_row[c];
            if !is_change(g) {
                continue;
            }
            let mut label = 0u32;
            // Already-visited 8-neighbours: W, NW, N, NE.
            let neighbours = [
                (c > 0).then(|| (row[c - 1], g_row[c - 1])),
                (c > 0 && r > 0).then(|| (above[c - 1], g_above[c - 1])),
                (r > 0).then(|| (above[c], g_above[c])),
                (c + 1 < cols && r > 0).then(|| (above[c + 1], g_above[c + 1])),
            ];
            for (l, lg) in neighbours.into_iter().flatten() {
                if l == 0 || lg != g {
                    continue;
                }
                if label == 0 {
                    label = find(&mut parent, l);
                } else {
                    union(&mut parent, label, l);
                    label = find(&mut parent, label);
                }
            }
            if label == 0 {
                label = parent.len() as u32;
                parent.push(label);
            }
            row[c] = label;
        }
    }
    // Second pass: final labels in order of first appearance, and the features.
    let mut final_of = vec![0u32; parent.len()];
    let mut stats: Vec<ObjectStats> = Vec::new();
    for (r, row) in labels.chunks_exact_mut(cols.max(1)).enumerate() {
        if row.iter().fold(0, |any, &l| any | l) == 0 {
            continue;
        }
        for (c, label) in row.iter_mut().enumerate() {
            if *label == 0 {
                continue;
            }
            let root = find(&mut parent, *label) as usize;
            let px = ObjectStats::pixel(
                groups[r * cols + c],
                origin.0 + r as u64,
                origin.1 + c as u64,
                evidence(r, c),
            );
            if final_of[root] == 0 {
                stats.push(px);
                final_of[root] = stats.len() as u32;
            } else {
                stats[final_of[root] as usize - 1].merge(&px);
            }
            *label = final_of[root];
        }
    }
    let labels = Array2::from_shape_vec((rows, cols), labels).expect("one label per pixel");
    Fragments { labels, stats }
}

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        let grand = parent[parent[x as usize] as usize];
        parent[x as usize] = grand;
        x = grand;
    }
    x
}

fn union(parent: &mut [u32], a: u32, b: u32) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        let (lo, hi) = (ra.min(rb), ra.max(rb));
        parent[hi as usize] = lo;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn u_shape_merges_and_groups_stay_apart() {
        let groups = array![
            [1u8, 0, 1, 0, 2],
            [1, 0, 1, 0, 2],
            [1, 1, 1, 2, 0],
            [0, 0, 0, 0, 255]
        ];
        let f = label_fragments(groups.view(), (0, 0), |_, _| Evidence::default());
        // The U is one land fragment; the water pixels touch it diagonally but are another group.
        assert_eq!(f.stats.len(), 2);
        assert_eq!(f.stats[0].pixels, 7);
        assert_eq!(f.stats[0].group, 1);
        assert_eq!(f.stats[1].pixels, 3);
        assert_eq!(f.labels[[0, 2]], 1);
        assert_eq!(f.labels[[3, 4]], 0);
    }
}
