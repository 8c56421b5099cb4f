//! Telling a ring that *crosses* itself from one that only *touches* itself.
//!
//! Outlines traced from raster masks often have rings that touch themselves at a vertex (two
//! pixel corners meeting diagonally; an "inverted hole"). OGC validity rejects those, but their
//! interior is unambiguous and intersection and distance tests give the right answers, so the
//! catalogue accepts them. A ring whose edges cross (a bow-tie) or run back along each other
//! (a spike or cut line) has no well-defined inside and is rejected.

use geo::sweep::{Cross, Intersections};
use geo::{Coord, Line, LineIntersection, LineString};

/// One ring edge with its position along the ring, so neighbours can be recognised.
#[derive(Clone, Copy, Debug)]
struct Edge {
    line: Line<f64>,
    index: usize,
}

impl Cross for Edge {
    type Scalar = f64;
    fn line(&self) -> Line<f64> {
        self.line
    }
}

/// True when two edges of the closed ring cross at a point interior to both, or overlap along a
/// stretch of non-zero length. Repeated consecutive vertices are ignored; edges that only meet
/// at vertices (self-touching) do not count.
///
/// Runs a plane sweep over the edges: about O(n log n) for typical rings.
pub(crate) fn ring_crosses_itself(ring: &LineString<f64>) -> bool {
    let mut vertices: Vec<Coord<f64>> = Vec::with_capacity(ring.0.len());
    for &c in &ring.0 {
        if vertices.last() != Some(&c) {
            vertices.push(c);
        }
    }
    let edges: Vec<Edge> = vertices
        .windows(2)
        .enumerate()
        .map(|(index, pair)| Edge {
            line: Line::new(pair[0], pair[1]),
            index,
        })
        .collect();
    let count = edges.len();
    if count < 3 {
        return false;
    }
    let neighbours = |a: usize, b: usize| {
        let (lo, hi) = (a.min(b), a.max(b));
        hi - lo == 1 || (lo == 0 && hi == count - 1)
    };
    Intersections::from_iter(edges).any(|(a, b, meeting)| match meeting {
        LineIntersection::Collinear { intersection } => intersection.start != intersection.end,
        LineIntersection::SinglePoint { is_proper, .. } => {
            is_proper && !neighbours(a.index, b.index)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::line_string;

    #[test]
    fn square_does_not_cross() {
        let ring = line_string![(x: 0., y: 0.), (x: 1., y: 0.), (x: 1., y: 1.), (x: 0., y: 1.), (x: 0., y: 0.)];
        assert!(!ring_crosses_itself(&ring));
    }

    #[test]
    fn bow_tie_crosses() {
        let ring = line_string![(x: 0., y: 0.), (x: 10., y: 10.), (x: 10., y: 0.), (x: 0., y: 10.), (x: 0., y: 0.)];
        assert!(ring_crosses_itself(&ring));
    }

    #[test]
    fn touching_at_a_vertex_is_accepted() {
        // Two squares meeting diagonally at (1, 1), traced as one ring.
        let ring = line_string![
            (x: 0., y: 0.), (x: 1., y: 0.), (x: 1., y: 1.), (x: 2., y: 1.), (x: 2., y: 2.),
            (x: 1., y: 2.), (x: 1., y: 1.), (x: 0., y: 1.), (x: 0., y: 0.)
        ];
        assert!(!ring_crosses_itself(&ring));
    }

    #[test]
    fn repeated_vertices_are_ignored() {
        let ring = line_string![(x: 0., y: 0.), (x: 1., y: 0.), (x: 1., y: 0.), (x: 1., y: 1.), (x: 0., y: 1.), (x: 0., y: 0.)];
        assert!(!ring_crosses_itself(&ring));
    }

    #[test]
    fn spike_is_rejected() {
        let ring = line_string![(x: 0., y: 0.), (x: 2., y: 0.), (x: 2., y: 2.), (x: 2., y: 3.), (x: 2., y: 2.), (x: 0., y: 2.), (x: 0., y: 0.)];
        assert!(ring_crosses_itself(&ring));
    }
}
