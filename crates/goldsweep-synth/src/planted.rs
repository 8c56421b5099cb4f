//! Change planted at the mines on the after date: mining evidence at closed mines and the
//! illegal site (spoil heaps, leach ponds, access tracks, clearings) and the legal growth of the
//! active mine's spoil heap.

use geo::{Contains, Coord, Distance, Euclidean, Intersects, Polygon};
use rand::Rng;

use crate::footprints::{nearest_on, Footprints};
use crate::infrastructure::ROAD_HALF_WIDTH;
use crate::mines::{Mine, MineStatus, PlantKind};
use crate::placement::Site;
use crate::shapes::{blob, buffered_path, path_length, rect, winding_path};
use crate::spectra::{scale, CLEARING, LEACH, SPOIL, TRACK};
use crate::truth::{relation, ChangeClass, Context, Paint, PlantedObject, Relation, NEAR_M};

const ATTEMPTS: usize = 300;

fn offset(c: Coord, angle: f64, d: f64) -> Coord {
    Coord {
        x: c.x + d * angle.cos(),
        y: c.y + d * angle.sin(),
    }
}

/// Where new access tracks start.
#[derive(Debug, Clone, Copy)]
pub enum Access<'a> {
    /// At the nearest point of this road (its centre line); the track runs straight for the
    /// mine, winding, 12–18 m wide.
    Road(&'a geo::LineString),
    /// At a random point 160–260 m beyond the mine's edge (no road network known): a
    /// [`PlantKind::Track`] is 10 m wide (one pixel), a [`PlantKind::NarrowTrack`] 6 m.
    Outward,
}

/// Everything planting at the mines needs to look at.
pub struct MineSite<'a, 'b> {
    /// Placement checks.
    pub site: &'a mut Site<'b>,
    /// True when the disc of radius `r` (m) around a map point is mostly forest or shrub, where
    /// a clearing can be planted.
    pub wooded: &'a dyn Fn(Coord, f64) -> bool,
    /// Where tracks start.
    pub access: Access<'a>,
    /// Catalogue.
    pub mines: &'a [Mine],
}

impl MineSite<'_, '_> {
    /// True when `poly` relates to mine `i` as `want` (and to no other mine).
    fn relates(&self, poly: &Polygon, i: usize, want: &[Relation]) -> bool {
        let (rel, idx) = relation(poly, self.mines);
        idx == Some(i)
            && want.contains(&rel)
            && Euclidean.distance(poly, &self.mines[i].polygon) <= NEAR_M - 30.0
    }
}

/// Plants every mine's plan; returns the objects in planting order.
pub fn plant_at_mines<R: Rng>(
    rng: &mut R,
    ms: &mut MineSite<'_, '_>,
    footprints: &Footprints,
) -> Vec<PlantedObject> {
    let mut out = Vec::new();
    for (i, m) in ms.mines.iter().enumerate() {
        let context = match m.status {
            MineStatus::IllegalSite => Context::IllegalSite,
            MineStatus::Active => Context::ActiveMine,
            _ => Context::ClosedMine,
        };
        let mut last_heap: Option<(Coord, f64)> = None;
        for &kind in m.plan {
            let placed = match kind {
                PlantKind::Heap | PlantKind::SmallHeap => {
                    let hit = place_heap(rng, ms, i, kind == PlantKind::SmallHeap);
                    if let Some((_, c, r)) = &hit {
                        last_heap = Some((*c, *r));
                    }
                    hit.map(|(p, _, _)| p)
                }
                PlantKind::PondBesideHeap | PlantKind::Pond => place_pond(
                    rng,
                    ms,
                    i,
                    last_heap.filter(|_| kind == PlantKind::PondBesideHeap),
                ),
                PlantKind::Clearing => place_clearing(rng, ms, i),
                PlantKind::Track => place_track(rng, ms, i, false),
                PlantKind::NarrowTrack => place_track(rng, ms, i, true),
                PlantKind::ActiveGrowth => footprints
                    .active_heaps
                    .iter()
                    .find(|(mi, _, _)| *mi == i)
                    .and_then(|&(_, c, r)| place_growth(rng, ms, i, c, r)),
            };
            if let Some(obj) = placed {
                ms.site.taken.push(obj.0.clone());
                out.push(PlantedObject {
                    class: obj.1,
                    mining: context != Context::ActiveMine,
                    context,
                    polygon: obj.0,
                    paint: obj.2,
                    description: format!("{} at {}", obj.3, m.id),
                    group: None,
                });
            }
        }
    }
    out
}

type Placed = (Polygon, ChangeClass, Paint, &'static str);

fn place_heap<R: Rng>(
    rng: &mut R,
    ms: &MineSite<'_, '_>,
    i: usize,
    small: bool,
) -> Option<(Placed, Coord, f64)> {
    let m = &ms.mines[i];
    for _ in 0..ATTEMPTS {
        let r = if small {
            rng.random_range(15.0..30.0)
        } else {
            rng.random_range(15.0..60.0f64).min(0.6 * m.radius)
        };
        let c = offset(
            m.center,
            rng.random_range(0.0..std::f64::consts::TAU),
            rng.random_range(0.0..0.45) * m.radius,
        );
        let poly = blob(rng, c, r, 0.3, 24);
        if ms.site.fits(&poly, 20.0, 15.0, 12.0)
            && ms.relates(
                &poly,
                i,
                &[Relation::InsideClosedMine, Relation::AtIllegalSite],
            )
        {
            let paint = Paint {
                spectrum: scale(&SPOIL, rng.random_range(0.92..1.08)),
                texture: 0.10,
            };
            let what = if small {
                "new small spoil heap"
            } else {
                "new spoil heap (waste rock)"
            };
            return Some(((poly, ChangeClass::SpoilHeap, paint, what), c, r));
        }
    }
    None
}

fn place_pond<R: Rng>(
    rng: &mut R,
    ms: &MineSite<'_, '_>,
    i: usize,
    beside: Option<(Coord, f64)>,
) -> Option<Placed> {
    let m = &ms.mines[i];
    for _ in 0..ATTEMPTS {
        let (w, h) = (rng.random_range(20.0..60.0), rng.random_range(20.0..40.0));
        let a = rng.random_range(0.0..std::f64::consts::TAU);
        let c = match beside {
            Some((hc, hr)) => offset(hc, a, hr * 1.2 + 0.5 * f64::max(w, h) + 12.0),
            None => offset(m.center, a, rng.random_range(0.0..1.0) * m.radius),
        };
        let poly = rect(c, w, h, rng.random_range(0.0..std::f64::consts::PI));
        let want = [
            Relation::InsideClosedMine,
            Relation::NearClosedMine,
            Relation::AtIllegalSite,
        ];
        if ms.site.fits(&poly, 20.0, 15.0, 8.0) && ms.relates(&poly, i, &want) {
            let paint = Paint {
                spectrum: LEACH,
                texture: 0.04,
            };
            return Some((poly, ChangeClass::LeachPond, paint, "new leach pond"));
        }
    }
    None
}

fn place_clearing<R: Rng>(rng: &mut R, ms: &MineSite<'_, '_>, i: usize) -> Option<Placed> {
    let m = &ms.mines[i];
    for _ in 0..ATTEMPTS {
        let r = rng.random_range(25.0..75.0);
        let d = m.radius * 1.25 + r * 1.3 + rng.random_range(10.0..120.0);
        let c = offset(m.center, rng.random_range(0.0..std::f64::consts::TAU), d);
        let poly = blob(rng, c, r, 0.35, 24);
        if (ms.wooded)(c, 0.6 * r)
            && ms.site.fits(&poly, 20.0, 15.0, 12.0)
            && !poly.intersects(&m.polygon)
            && ms.relates(
                &poly,
                i,
                &[Relation::NearClosedMine, Relation::AtIllegalSite],
            )
        {
            let paint = Paint {
                spectrum: CLEARING,
                texture: 0.12,
            };
            return Some((
                poly,
                ChangeClass::VegetationLoss,
                paint,
                "forest/shrub cleared",
            ));
        }
    }
    None
}

/// Start and end of a track to mine `m` from `start`: it ends 5 m inside the mine boundary,
/// at the boundary point nearest the start, so the track visibly reaches it.
fn track_ends(m: &Mine, start: Coord) -> Option<(Coord, Coord)> {
    let edge = match geo::ClosestPoint::closest_point(
        &m.polygon.exterior().clone(),
        &geo::Point::from(start),
    ) {
        geo::Closest::Intersection(p) | geo::Closest::SinglePoint(p) => p.0,
        geo::Closest::Indeterminate => return None,
    };
    let (ex, ey) = (m.center.x - edge.x, m.center.y - edge.y);
    let el = ex.hypot(ey).max(1e-6);
    let end = Coord {
        x: edge.x + ex / el * 5.0,
        y: edge.y + ey / el * 5.0,
    };
    Some((start, end))
}

fn place_track<R: Rng>(
    rng: &mut R,
    ms: &MineSite<'_, '_>,
    i: usize,
    narrow: bool,
) -> Option<Placed> {
    let m = &ms.mines[i];
    let from_road = match ms.access {
        Access::Road(road) => {
            let road_pt = nearest_on(road, m.center);
            let (dx, dy) = (m.center.x - road_pt.x, m.center.y - road_pt.y);
            let l = dx.hypot(dy).max(1e-6);
            let start = Coord {
                x: road_pt.x + dx / l * (ROAD_HALF_WIDTH + 4.0),
                y: road_pt.y + dy / l * (ROAD_HALF_WIDTH + 4.0),
            };
            Some(track_ends(m, start)?)
        }
        Access::Outward => None,
    };
    for _ in 0..ATTEMPTS / 10 {
        let (start, end) = match from_road {
            Some(ends) => ends,
            None => {
                let a = rng.random_range(0.0..std::f64::consts::TAU);
                let d = 1.5 * m.radius + rng.random_range(160.0..260.0);
                match track_ends(m, offset(m.center, a, d)) {
                    Some(ends) => ends,
                    None => continue,
                }
            }
        };
        let path = winding_path(rng, start, end, 25.0);
        let len = path_length(&path);
        if !(150.0..=600.0).contains(&len) {
            if from_road.is_some() {
                return None;
            }
            continue;
        }
        let half_width = match (from_road, narrow) {
            (Some(_), _) => rng.random_range(6.0..9.0),
            (None, false) => 5.0,
            (None, true) => 3.0,
        };
        let poly = buffered_path(&path, half_width);
        let dry = path.iter().all(|c| ms.site.maps.dry_at(ms.site.grid, *c));
        let bb_ok = geo::BoundingRect::bounding_rect(&poly)
            .is_some_and(|bb| ms.site.grid.contains_rect(&bb, 20.0));
        if dry && bb_ok && ms.site.clear_of_taken(&poly, 10.0) {
            let paint = Paint {
                spectrum: TRACK,
                texture: 0.06,
            };
            let what = if narrow {
                "new narrow access track (6 m wide, less than a pixel)"
            } else {
                "new access track"
            };
            return Some((poly, ChangeClass::AccessTrack, paint, what));
        }
    }
    None
}

fn place_growth<R: Rng>(
    rng: &mut R,
    ms: &MineSite<'_, '_>,
    i: usize,
    heap_c: Coord,
    heap_r: f64,
) -> Option<Placed> {
    let m = &ms.mines[i];
    for _ in 0..ATTEMPTS {
        let r = rng.random_range(0.16..0.24) * m.radius;
        let c = offset(
            heap_c,
            rng.random_range(0.0..std::f64::consts::TAU),
            1.3 * (heap_r + r) + 12.0,
        );
        let poly = blob(rng, c, r, 0.25, 24);
        if m.polygon.contains(&poly) && ms.site.clear_of_taken(&poly, 10.0) {
            let paint = Paint {
                spectrum: SPOIL,
                texture: 0.08,
            };
            return Some((
                poly,
                ChangeClass::SpoilHeap,
                paint,
                "licensed spoil heap growth",
            ));
        }
    }
    None
}
