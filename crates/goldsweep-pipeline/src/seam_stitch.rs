//! Stitching fragments across tile seams into whole change objects.
//!
//! Fragments are nodes of a union-find; two fragments are joined when pixels of the same
//! change group touch across a seam (8-connectivity, so diagonal neighbours across a seam or a
//! tile corner count). Because labelling inside a tile is also 8-connected, the objects are
//! exactly those of a whole-scene labelling, whatever the tile size.

use goldsweep_detect::object_stats::ObjectStats;

use crate::detect_pass::TileOutput;
use crate::tile_plan::TilePlan;

/// The result of stitching: the merged features of every object in scene order (by first
/// pixel), and for each tile's local label the index of its object.
#[derive(Debug, Clone)]
pub struct Stitched {
    pub objects: Vec<ObjectStats>,
    /// `object_of[tile][local_label - 1]` = object index.
    pub object_of: Vec<Vec<usize>>,
}

struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.parent[ra.max(rb)] = ra.min(rb);
        }
    }
}

/// Joins the fragments of all tiles (given in plan order).
pub fn stitch(plan: &TilePlan, tiles: &[TileOutput]) -> Stitched {
    let mut offset = Vec::with_capacity(tiles.len());
    let mut total = 0usize;
    for t in tiles {
        offset.push(total);
        total += t.fragments.len();
    }
    let mut uf = UnionFind {
        parent: (0..total).collect(),
    };
    let group_of = |t: usize, label: u32| tiles[t].fragments[label as usize - 1].group;
    let join = |uf: &mut UnionFind, ta: usize, la: u32, tb: usize, lb: u32| {
        if la != 0 && lb != 0 && group_of(ta, la) == group_of(tb, lb) {
            uf.union(offset[ta] + la as usize - 1, offset[tb] + lb as usize - 1);
        }
    };
    let at = |r: usize, c: usize| r * plan.tiles_across + c;
    for tr in 0..plan.tiles_down {
        for tc in 0..plan.tiles_across {
            let a = at(tr, tc);
            if tc + 1 < plan.tiles_across {
                let b = at(tr, tc + 1);
                join_edges(&tiles[a].right, &tiles[b].left, |i, j| {
                    join(&mut uf, a, tiles[a].right[i], b, tiles[b].left[j])
                });
            }
            if tr + 1 < plan.tiles_down {
                let b = at(tr + 1, tc);
                join_edges(&tiles[a].bottom, &tiles[b].top, |i, j| {
                    join(&mut uf, a, tiles[a].bottom[i], b, tiles[b].top[j])
                });
                if tc + 1 < plan.tiles_across {
                    let d = at(tr + 1, tc + 1);
                    let la = tiles[a].bottom.last().copied().unwrap_or(0);
                    let ld = tiles[d].top.first().copied().unwrap_or(0);
                    join(&mut uf, a, la, d, ld);
                }
                if tc > 0 {
                    let d = at(tr + 1, tc - 1);
                    let la = tiles[a].bottom.first().copied().unwrap_or(0);
                    let ld = tiles[d].top.last().copied().unwrap_or(0);
                    join(&mut uf, a, la, d, ld);
                }
            }
        }
    }
    // Merge features per root.
    let mut merged: Vec<Option<ObjectStats>> = vec![None; total];
    for (t, tile) in tiles.iter().enumerate() {
        for (k, s) in tile.fragments.iter().enumerate() {
            let root = uf.find(offset[t] + k);
            match &mut merged[root] {
                Some(m) => m.merge(s),
                None => merged[root] = Some(s.clone()),
            }
        }
    }
    let mut roots: Vec<usize> = (0..total).filter(|&i| merged[i].is_some()).collect();
    roots.sort_by_key(|&r| merged[r].as_ref().map(|s| s.first));
    let mut index_of_root = vec![usize::MAX; total];
    let mut objects = Vec::with_capacity(roots.len());
    for (i, &r) in roots.iter().enumerate() {
        index_of_root[r] = i;
        if let Some(stats) = merged[r].take() {
            objects.push(stats);
        }
    }
    let object_of = tiles
        .iter()
        .enumerate()
        .map(|(t, tile)| {
            (0..tile.fragments.len())
                .map(|k| index_of_root[uf.find(offset[t] + k)])
                .collect()
        })
        .collect();
    Stitched { objects, object_of }
}

/// Calls `f(i, j)` for every pair of positions on two facing edges that touch in
/// 8-connectivity (`|i − j| ≤ 1`).
fn join_edges(a: &[u32], b: &[u32], mut f: impl FnMut(usize, usize)) {
    for (i, &la) in a.iter().enumerate() {
        if la == 0 {
            continue;
        }
        for j in i.saturating_sub(1)..=(i + 1).min(b.len().saturating_sub(1)) {
            if j < b.len() && b[j] != 0 {
                f(i, j);
            }
        }
    }
}
