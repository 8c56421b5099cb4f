//! What a candidate's neighbours say about it: a pond beside a fresh heap is a heap-leach
//! layout (unless both are tentative); a regular group of similar new ponds is aquaculture.

use geo::{BoundingRect, Distance, Euclidean, MultiPolygon, Rect};
use goldsweep_detect::classify::Certainty;
use goldsweep_detect::ChangeClass;

use crate::score::Context;

/// Distances and sizes of the context rules.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct ContextParams {
    /// A pond and a heap at most this far apart (outline to outline, m), one of them firm, form
    /// a leach site.
    pub leach_site_m: f64,
    /// Ponds in a lattice are at most this many pond sides apart (centroid to centroid).
    pub lattice_spacing: f64,
    /// Largest area ratio between neighbouring ponds of a lattice.
    pub lattice_area_ratio: f64,
    /// Fewest ponds that make a lattice.
    pub lattice_min_ponds: usize,
}

impl Default for ContextParams {
    fn default() -> ContextParams {
        ContextParams {
            leach_site_m: 100.0,
            lattice_spacing: 3.0,
            lattice_area_ratio: 2.0,
            lattice_min_ponds: 4,
        }
    }
}

/// One candidate as the context rules see it: class and its certainty, area and outline in the
/// metric work CRS.
#[derive(Debug, Clone)]
pub struct Placed<'a> {
    pub class: ChangeClass,
    pub certainty: Certainty,
    pub area_m2: f64,
    pub outline: &'a MultiPolygon<f64>,
}

/// The context of every candidate (same order as `items`).
pub fn contexts(items: &[Placed<'_>], p: &ContextParams) -> Vec<Context> {
    let rects: Vec<Option<Rect<f64>>> = items.iter().map(|i| i.outline.bounding_rect()).collect();
    let centre = |k: usize| rects[k].map(|r| r.center());
    let of = |c: ChangeClass| -> Vec<usize> {
        (0..items.len()).filter(|&k| items[k].class == c).collect()
    };
    let ponds = of(ChangeClass::LeachPond);
    let heaps = of(ChangeClass::SpoilHeap);
    let mut out = vec![Context::default(); items.len()];

    // Two tentative objects side by side — wetted ground, water mixed with its banks or one
    // pixel of open water beside ground brightened on bare land, or either of them faint
    // (below the focus strong threshold) — are not a leach site's layout: one of the pair must
    // be firm.
    let firm = |k: usize| items[k].certainty == Certainty::Firm;
    for &a in &ponds {
        for &b in heaps.iter().filter(|&&b| firm(a) || firm(b)) {
            let near = match (rects[a], rects[b]) {
                (Some(ra), Some(rb)) => {
                    rect_gap(&ra, &rb) <= p.leach_site_m
                        && Euclidean.distance(items[a].outline, items[b].outline) <= p.leach_site_m
                }
                _ => false,
            };
            if near {
                out[a].leach_site = true;
                out[b].leach_site = true;
            }
        }
    }

    // Lattice: connected groups of similar ponds spaced a few pond sides apart.
    let mut parent: Vec<usize> = (0..ponds.len()).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for i in 0..ponds.len() {
        for j in i + 1..ponds.len() {
            let (a, b) = (ponds[i], ponds[j]);
            let (aa, ab) = (items[a].area_m2.max(1.0), items[b].area_m2.max(1.0));
            if aa.max(ab) / aa.min(ab) > p.lattice_area_ratio {
                continue;
            }
            let (Some(ca), Some(cb)) = (centre(a), centre(b)) else {
                continue;
            };
            let spacing = p.lattice_spacing * aa.max(ab).sqrt();
            if (ca.x - cb.x).hypot(ca.y - cb.y) <= spacing {
                let (ri, rj) = (find(&mut parent, i), find(&mut parent, j));
                if ri != rj {
                    parent[ri.max(rj)] = ri.min(rj);
                }
            }
        }
    }
    let mut size = vec![0usize; ponds.len()];
    for i in 0..ponds.len() {
        let r = find(&mut parent, i);
        size[r] += 1;
    }
    for i in 0..ponds.len() {
        let r = find(&mut parent, i);
        if size[r] >= p.lattice_min_ponds {
            out[ponds[i]].pond_lattice = true;
        }
    }
    out
}

/// Gap between two rectangles (0 when they overlap): a cheap lower bound of the outline
/// distance.
fn rect_gap(a: &Rect<f64>, b: &Rect<f64>) -> f64 {
    let dx = (b.min().x - a.max().x).max(a.min().x - b.max().x).max(0.0);
    let dy = (b.min().y - a.max().y).max(a.min().y - b.max().y).max(0.0);
    dx.hypot(dy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, Polygon};

    fn square(x: f64, y: f64, side: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![Polygon::new(
            LineString::from(vec![
                (x, y),
                (x + side, y),
                (x + side, y + side),
                (x, y + side),
                (x, y),
            ]),
            vec![],
        )])
    }

    #[test]
    fn pond_beside_heap_is_a_leach_site_and_a_grid_of_ponds_is_a_lattice() {
        let mut outlines = vec![square(0.0, 0.0, 30.0), square(80.0, 0.0, 60.0)];
        // A 3 x 4 grid of 20 m ponds, 40 m apart, far away.
        for r in 0..3 {
            for c in 0..4 {
                outlines.push(square(5000.0 + c as f64 * 40.0, r as f64 * 40.0, 20.0));
            }
        }
        let mut items: Vec<Placed> = outlines
            .iter()
            .map(|o| Placed {
                class: ChangeClass::LeachPond,
                certainty: Certainty::Firm,
                area_m2: geo::Area::unsigned_area(o),
                outline: o,
            })
            .collect();
        items[1].class = ChangeClass::SpoilHeap;
        let ctx = contexts(&items, &ContextParams::default());
        assert!(ctx[0].leach_site && ctx[1].leach_site);
        assert!(!ctx[0].pond_lattice, "a lone pond is no lattice");
        assert!(ctx[2..].iter().all(|c| c.pond_lattice && !c.leach_site));
        // Tentative both — a pond with no open water beside ground brightened on bare land —
        // is no leach site; one firm of the two is.
        for (pond, heap, site) in [
            (Certainty::Tentative, Certainty::Tentative, false),
            (Certainty::Tentative, Certainty::Firm, true),
            (Certainty::Firm, Certainty::Tentative, true),
        ] {
            let mut pair = items[..2].to_vec();
            pair[0].certainty = pond;
            pair[1].certainty = heap;
            let ctx = contexts(&pair, &ContextParams::default());
            assert_eq!((ctx[0].leach_site, ctx[1].leach_site), (site, site));
        }
        // Three ponds are not enough.
        let few: Vec<Placed> = items[2..5].to_vec();
        assert!(contexts(&few, &ContextParams::default())
            .iter()
            .all(|c| !c.pond_lattice));
    }
}
