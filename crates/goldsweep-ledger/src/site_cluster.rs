//! Grouping candidates into field sites by single linkage: two candidates belong to the same
//! site when their outlines come within the site distance (metres) of each other, directly or
//! through a chain of other candidates.
//!
//! Distances are measured in the WGS 84 / UTM zone of the candidates' mean position (outlines
//! are lon/lat), between the outlines themselves (0 when they touch), not between points.
//! An R-tree of the outline envelopes, each grown by the distance, finds the pairs to test, so
//! thousands of candidates cluster in milliseconds.

use geo::{BoundingRect, Distance, Euclidean, Geometry, Point};
use goldsweep_catalogue::{utm_crs_for, CrsTransform};
use goldsweep_pipeline::Candidate;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

use crate::error::LedgerError;

type Envelope = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// Candidates in metres, indexed for distance queries.
pub struct MetricCandidates {
    /// Outline (or, when empty, the point) of each candidate, in the metric CRS.
    pub shapes: Vec<Geometry<f64>>,
    tree: RTree<Envelope>,
    /// lon/lat → the metric CRS.
    pub to_metric: CrsTransform,
}

impl MetricCandidates {
    /// Projects every candidate outline into the UTM zone of their mean position (zone of
    /// (0, 0) when there are none).
    pub fn new(cands: &[Candidate]) -> Result<MetricCandidates, LedgerError> {
        let n = cands.len().max(1) as f64;
        let lon = cands.iter().map(|c| c.lon).sum::<f64>() / n;
        let lat = cands.iter().map(|c| c.lat).sum::<f64>() / n;
        MetricCandidates::in_crs(cands, &utm_crs_for(lon, lat))
    }

    /// Projects every candidate outline into `crs` (metres).
    pub fn in_crs(cands: &[Candidate], crs: &str) -> Result<MetricCandidates, LedgerError> {
        let to_metric = CrsTransform::new("EPSG:4326", crs)?;
        let mut shapes = Vec::with_capacity(cands.len());
        for c in cands {
            let g: Geometry<f64> = if c.outline.0.is_empty() {
                Point::new(c.lon, c.lat).into()
            } else {
                c.outline.clone().into()
            };
            shapes.push(to_metric.convert_geometry(&g)?);
        }
        let envelopes = shapes
            .iter()
            .enumerate()
            .filter_map(|(i, g)| {
                let r = g.bounding_rect()?;
                Some(Envelope::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    i,
                ))
            })
            .collect();
        Ok(MetricCandidates {
            shapes,
            tree: RTree::bulk_load(envelopes),
            to_metric,
        })
    }

    /// Candidates whose shape lies within `d` metres of `g`, with the distance, by index.
    pub fn within(&self, g: &Geometry<f64>, d: f64) -> Vec<(usize, f64)> {
        let Some(r) = g.bounding_rect() else {
            return Vec::new();
        };
        let query = AABB::from_corners(
            [r.min().x - d, r.min().y - d],
            [r.max().x + d, r.max().y + d],
        );
        let mut out: Vec<(usize, f64)> = self
            .tree
            .locate_in_envelope_intersecting(&query)
            .filter_map(|e| {
                let dist = Euclidean.distance(g, &self.shapes[e.data]);
                (dist <= d).then_some((e.data, dist))
            })
            .collect();
        out.sort_by_key(|&(i, _)| i);
        out
    }
}

/// Disjoint sets with path halving and union by index (the smaller root wins, so roots are
/// deterministic).
struct UnionFind(Vec<usize>);

impl UnionFind {
    fn find(&mut self, mut i: usize) -> usize {
        while self.0[i] != i {
            self.0[i] = self.0[self.0[i]];
            i = self.0[i];
        }
        i
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = (ra.min(rb), ra.max(rb));
            self.0[hi] = lo;
        }
    }
}

/// Groups candidate indices into sites: each group sorted by candidate rank, groups ordered by
/// their best rank. Every candidate is in exactly one group.
pub fn cluster(cands: &[Candidate], metric: &MetricCandidates, distance_m: f64) -> Vec<Vec<usize>> {
    let mut uf = UnionFind((0..cands.len()).collect());
    for (i, g) in metric.shapes.iter().enumerate() {
        for (j, _) in metric.within(g, distance_m) {
            if j > i {
                uf.union(i, j);
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for i in 0..cands.len() {
        let root = uf.find(i);
        groups.entry(root).or_default().push(i);
    }
    let mut out: Vec<Vec<usize>> = groups.into_values().collect();
    for g in &mut out {
        g.sort_by_key(|&i| (cands[i].rank, i));
    }
    out.sort_by_key(|g| g.first().map(|&i| (cands[i].rank, i)));
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use geo::{polygon, MultiPolygon};
    use goldsweep_catalogue::RelationKind;
    use goldsweep_detect::object_stats::Evidence;
    use goldsweep_detect::ChangeClass;

    /// Metres per degree of latitude near 37° N (for building test outlines).
    const M_PER_DEG_LAT: f64 = 111_000.0;

    /// A 20 m × 20 m square candidate whose south-west corner is `(east_m, north_m)` from
    /// (120.4° E, 37.3° N).
    pub(crate) fn square(rank: usize, east_m: f64, north_m: f64) -> Candidate {
        let m_per_deg_lon = M_PER_DEG_LAT * 37.3f64.to_radians().cos();
        let (x0, y0) = (
            120.4 + east_m / m_per_deg_lon,
            37.3 + north_m / M_PER_DEG_LAT,
        );
        let (dx, dy) = (20.0 / m_per_deg_lon, 20.0 / M_PER_DEG_LAT);
        let outline = MultiPolygon(vec![polygon![
            (x: x0, y: y0), (x: x0 + dx, y: y0), (x: x0 + dx, y: y0 + dy), (x: x0, y: y0 + dy), (x: x0, y: y0)
        ]]);
        Candidate {
            object: rank,
            id: format!("GS-{rank}"),
            rank,
            score: 0.9 - rank as f64 * 0.01,
            tier: 3,
            class: ChangeClass::SpoilHeap,
            certainty: Default::default(),
            pixels: 4,
            area_m2: 400.0,
            length_m: 20.0,
            width_m: 20.0,
            evidence: Evidence::default(),
            core_visible: 0.0,
            core_brightening: 0.0,
            relation: RelationKind::OutsideCatalogue,
            mine_id: None,
            mine_name: None,
            mine_status: None,
            distance_m: None,
            protected_area: None,
            county: None,
            province: None,
            lon: x0 + dx / 2.0,
            lat: y0 + dy / 2.0,
            outline_work: outline.clone(),
            outline,
            context: Default::default(),
            degraded: false,
            runs: Vec::new(),
            persistence: None,
            ndvi_series: Vec::new(),
            reason: String::new(),
        }
    }

    #[test]
    fn chains_link_and_gaps_split() -> Result<(), LedgerError> {
        // 1 ─250 m gap─ 2 ─250 m─ 3 form one chain; 4 lies 400 m beyond 3; 5 is far away.
        let cands = vec![
            square(1, 0.0, 0.0),
            square(3, 540.0, 0.0),
            square(2, 270.0, 0.0),
            square(4, 960.0, 0.0),
            square(5, 0.0, 5_000.0),
        ];
        let metric = MetricCandidates::new(&cands)?;
        let groups = cluster(&cands, &metric, 300.0);
        let ranks: Vec<Vec<usize>> = groups
            .iter()
            .map(|g| g.iter().map(|&i| cands[i].rank).collect())
            .collect();
        assert_eq!(ranks, vec![vec![1, 2, 3], vec![4], vec![5]]);
        // A shorter distance breaks the chain.
        let groups = cluster(&cands, &metric, 200.0);
        assert_eq!(groups.len(), 5);
        Ok(())
    }

    #[test]
    fn distance_is_between_outlines_in_metres() -> Result<(), LedgerError> {
        // Edges 290 m apart (centres 310 m): linked at 300 m, not at 280 m.
        let cands = vec![square(1, 0.0, 0.0), square(2, 0.0, 310.0)];
        let metric = MetricCandidates::new(&cands)?;
        assert_eq!(cluster(&cands, &metric, 300.0).len(), 1);
        assert_eq!(cluster(&cands, &metric, 280.0).len(), 2);
        Ok(())
    }

    #[test]
    fn no_candidates_no_sites() -> Result<(), LedgerError> {
        let metric = MetricCandidates::new(&[])?;
        assert!(cluster(&[], &metric, 300.0).is_empty());
        Ok(())
    }
}
