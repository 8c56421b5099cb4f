//! Connected-component labelling of change groups into fragments with their features.

use ndarray::Array2;

use crate::evidence::{group, EvidenceView};
use crate::object_stats::{Evidence, ObjectStats};

/// The labelled core of one tile: `labels` holds `0` for no object and `k + 1` for the
/// fragment `stats[k]`. Fragments touching the core's border may continue in a neighbouring
/// tile; the pipeline stitches them.
#[derive(Debug, Clone)]
pub struct Fragments {
    pub labels: Array2<u32>,
    pub stats: Vec<ObjectStats>,
}

/// Labels 8-connected pixels of the same change group (land or water). `origin` is the scene
/// position `(row, col)` of the view's first pixel, used for the fragments' coordinates.
///
/// Labels are numbered in row-major order of each fragment's first pixel, so the result depends
/// only on the pixels.
///
/// ```
/// use goldsweep_detect::evidence::PixelEvidence;
/// use goldsweep_detect::label::label_fragments;
/// use ndarray::{array, Array2};
/// let zeros = Array2::<f32>::zeros((3, 3));
/// let ev = PixelEvidence {
///     // A diagonal line of three land-change pixels.
///     group: array![[1u8, 0, 0], [0, 1, 0], [0, 0, 1]],
///     magnitude: zeros.clone(), d_ndvi: zeros.clone(), d_bare: zeros.clone(),
///     d_water: zeros.clone(), bare_after: zeros.clone(), water_after: zeros.clone(), d_bright: zeros,
/// };
/// // 8-connected: one fragment, positioned in the scene by `origin`.
/// let f = label_fragments(ev.view(0, 0, 3, 3), (100, 200));
/// assert_eq!(f.stats.len(), 1);
/// assert_eq!(f.stats[0].pixels, 3);
/// assert_eq!(f.stats[0].first, (100, 200));
/// ```
pub fn label_fragments(ev: EvidenceView<'_>, origin: (u64, u64)) -> Fragments {
    let (rows, cols) = ev.group.dim();
    let mut provisional = Array2::<u32>::zeros((rows, cols));
    let mut parent: Vec<u32> = vec![0];
    for r in 0..rows {
        for c in 0..cols {
            let g = ev.group[[r, c]];
            if g != group::LAND && g != group::WATER {
                continue;
            }
            let mut label = 0u32;
            // Already-visited 8-neighbours: W, NW, N, NE.
            let neighbours = [
                (c > 0).then(|| (r, c - 1)),
                (r > 0 && c > 0).then(|| (r - 1, c - 1)),
                (r > 0).then(|| (r - 1, c)),
                (r > 0 && c + 1 < cols).then(|| (r - 1, c + 1)),
            ];
            for (rr, cc) in neighbours.into_iter().flatten() {
                let l = provisional[[rr, cc]];
                if l == 0 || ev.group[[rr, cc]] != g {
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
            provisional[[r, c]] = label;
        }
    }
    // Second pass: final labels in order of first appearance, and the features.
    let mut final_of = vec![0u32; parent.len()];
    let mut stats: Vec<ObjectStats> = Vec::new();
    let mut labels = Array2::<u32>::zeros((rows, cols));
    for r in 0..rows {
        for c in 0..cols {
            let p = provisional[[r, c]];
            if p == 0 {
                continue;
            }
            let root = find(&mut parent, p) as usize;
            let px = ObjectStats::pixel(
                ev.group[[r, c]],
                origin.0 + r as u64,
                origin.1 + c as u64,
                Evidence {
                    magnitude: ev.magnitude[[r, c]],
                    d_ndvi: ev.d_ndvi[[r, c]],
                    d_bare: ev.d_bare[[r, c]],
                    d_water: ev.d_water[[r, c]],
                    bare_after: ev.bare_after[[r, c]],
                    water_after: ev.water_after[[r, c]],
                    d_bright: ev.d_bright[[r, c]],
                },
            );
            if final_of[root] == 0 {
                stats.push(px);
                final_of[root] = stats.len() as u32;
            } else {
                stats[final_of[root] as usize - 1].merge(&px);
            }
            labels[[r, c]] = final_of[root];
        }
    }
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
    use crate::evidence::PixelEvidence;
    use ndarray::array;

    fn evidence(group: Array2<u8>) -> PixelEvidence {
        let z = Array2::<f32>::zeros(group.dim());
        PixelEvidence {
            group,
            magnitude: z.clone(),
            d_ndvi: z.clone(),
            d_bare: z.clone(),
            d_water: z.clone(),
            bare_after: z.clone(),
            water_after: z.clone(),
            d_bright: z,
        }
    }

    #[test]
    fn u_shape_merges_and_groups_stay_apart() {
        let ev = evidence(array![
            [1u8, 0, 1, 0, 2],
            [1, 0, 1, 0, 2],
            [1, 1, 1, 2, 0],
            [0, 0, 0, 0, 255]
        ]);
        let f = label_fragments(ev.view(0, 0, 4, 5), (0, 0));
        // The U is one land fragment; the water pixels touch it diagonally but are another group.
        assert_eq!(f.stats.len(), 2);
        assert_eq!(f.stats[0].pixels, 7);
        assert_eq!(f.stats[0].group, 1);
        assert_eq!(f.stats[1].pixels, 3);
        assert_eq!(f.labels[[0, 2]], 1);
        assert_eq!(f.labels[[3, 4]], 0);
    }
}
