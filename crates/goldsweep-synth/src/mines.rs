//! The mine catalogue of the synthetic district: eight gold mines around Zhaoyuan with the
//! statuses of the national sweep, placed in the hills west of the plain.
//!
//! Placement is rejection sampling in roster order: each mine polygon must sit inside the
//! western half of the scene, keep its 300 m zone clear of every other mine's, stay away from
//! water and roads, and — for mines that get a new access track — lie 150–450 m from the valley
//! road. A mine that cannot be placed (small scenes) is put west of the scene: real catalogues
//! cover the whole county, not one image.

use geo::{Coord, Distance, Euclidean, Polygon};
use rand::Rng;

use crate::grid::SceneGrid;
use crate::infrastructure::{Infrastructure, ROAD_HALF_WIDTH};
use crate::shapes::blob;

pub use goldsweep_catalogue::MineStatus;

/// Change planted at a mine on the after date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlantKind {
    /// New spoil heap inside the polygon, 30–120 m across.
    Heap,
    /// Small new spoil heap inside the polygon, 30–60 m across.
    SmallHeap,
    /// Leach pond beside the last heap.
    PondBesideHeap,
    /// Leach pond inside or just outside the polygon.
    Pond,
    /// Forest/shrub cleared within 300 m of the polygon.
    Clearing,
    /// New winding access track from the valley road to the polygon.
    Track,
    /// New access track narrower than a pixel (6 m), for scenes without a road network.
    NarrowTrack,
    /// Legal growth of the spoil heap inside an active mine.
    ActiveGrowth,
}

/// One catalogue mine.
#[derive(Debug, Clone)]
pub struct Mine {
    /// Catalogue id, e.g. "SD-ZY-001".
    pub id: &'static str,
    /// Name (Chinese, as in provincial ledgers).
    pub name: &'static str,
    /// Status.
    pub status: MineStatus,
    /// Boundary polygon (map coordinates, CCW).
    pub polygon: Polygon,
    /// Centre used to build the polygon.
    pub center: Coord,
    /// Nominal radius (m).
    pub radius: f64,
    /// True when the polygon lies inside the scene.
    pub in_scene: bool,
    /// What to plant there.
    pub plan: &'static [PlantKind],
}

/// One mine of a catalogue to build: what [`Mine`] holds but its place.
#[derive(Debug, Clone, Copy)]
pub struct RosterEntry {
    /// Catalogue id.
    pub id: &'static str,
    /// Name.
    pub name: &'static str,
    /// Status.
    pub status: MineStatus,
    /// Nominal radius (m).
    pub radius: f64,
    /// What is planted there.
    pub plan: &'static [PlantKind],
}

impl RosterEntry {
    /// The mine at `polygon` around `center`; nothing is planted at a mine outside the scene.
    pub fn place(&self, polygon: Polygon, center: Coord, in_scene: bool) -> Mine {
        Mine {
            id: self.id,
            name: self.name,
            status: self.status,
            polygon,
            center,
            radius: self.radius,
            in_scene,
            plan: if in_scene { self.plan } else { &[] },
        }
    }
}

struct Entry {
    mine: RosterEntry,
    force_outside: bool,
}

const ROSTER: [Entry; 8] = [
    Entry {
        mine: RosterEntry {
            id: "SD-ZY-001",
            name: "招远市玲珑镇某金矿（政策性关闭）",
            status: MineStatus::PolicyClosed,
            radius: 170.0,
            plan: &[PlantKind::Heap, PlantKind::PondBesideHeap, PlantKind::Track],
        },
        force_outside: false,
    },
    Entry {
        mine: RosterEntry {
            id: "SD-ZY-002",
            name: "招远市阜山镇某金矿（自然保护区退出）",
            status: MineStatus::ProtectedAreaExit,
            radius: 150.0,
            plan: &[PlantKind::Clearing, PlantKind::SmallHeap],
        },
        force_outside: false,
    },
    Entry {
        mine: RosterEntry {
            id: "SD-ZY-003",
            name: "招远市金岭镇某金矿（已关闭）",
            status: MineStatus::Closed,
            radius: 140.0,
            plan: &[PlantKind::Heap, PlantKind::PondBesideHeap],
        },
        force_outside: false,
    },
    Entry {
        mine: RosterEntry {
            id: "SD-ZY-004",
            name: "招远市毕郭镇某非法采金点（已取缔）",
            status: MineStatus::IllegalSite,
            radius: 70.0,
            plan: &[PlantKind::Pond],
        },
        force_outside: false,
    },
    Entry {
        mine: RosterEntry {
            id: "SD-ZY-005",
            name: "招远市大秦家街道某金矿（在产）",
            status: MineStatus::Active,
            radius: 280.0,
            plan: &[PlantKind::ActiveGrowth],
        },
        force_outside: false,
    },
    Entry {
        mine: RosterEntry {
            id: "SD-ZY-006",
            name: "招远市夏甸镇某金矿（已关闭）",
            status: MineStatus::Closed,
            radius: 130.0,
            plan: &[],
        },
        force_outside: false,
    },
    Entry {
        mine: RosterEntry {
            id: "SD-ZY-007",
            name: "招远市辛庄镇某金矿（政策性关闭）",
            status: MineStatus::PolicyClosed,
            radius: 150.0,
            plan: &[PlantKind::Clearing, PlantKind::Track],
        },
        force_outside: false,
    },
    Entry {
        mine: RosterEntry {
            id: "SD-ZY-008",
            name: "招远市张星镇某金矿（已关闭）",
            status: MineStatus::Closed,
            radius: 160.0,
            plan: &[],
        },
        force_outside: true,
    },
];

/// Clear gap (m) between the 300 m zones of two mines.
const ZONE_GAP_M: f64 = 20.0;
/// Roster indices in placement order: largest and most constrained first.
const PLACEMENT_ORDER: [usize; 8] = [4, 0, 6, 1, 2, 3, 5, 7];
/// Placement attempts per mine before it goes outside the scene.
const ATTEMPTS: usize = 400;

/// Places every catalogue mine for `grid`.
pub fn place_mines<R: Rng>(rng: &mut R, grid: &SceneGrid, infra: &Infrastructure) -> Vec<Mine> {
    let w = grid.side_m();
    let mut mines: Vec<Mine> = Vec::new();
    let mut outside = 0usize;
    for &k in PLACEMENT_ORDER.iter() {
        let (e, force_outside) = (&ROSTER[k].mine, ROSTER[k].force_outside);
        let mut placed = None;
        if !force_outside {
            for _ in 0..ATTEMPTS {
                let r = e.radius;
                let c = grid.local(
                    rng.random_range((r + 40.0)..(0.55 * w).max(r + 41.0)),
                    rng.random_range((r + 40.0)..(w - r - 40.0).max(r + 41.0)),
                );
                let poly = blob(rng, c, r, 0.18, 9);
                if acceptable(&poly, c, r, e, grid, infra, &mines) {
                    placed = Some((c, poly));
                    break;
                }
            }
        }
        let (center, polygon, in_scene) = match placed {
            Some((c, p)) => (c, p, true),
            None => {
                let c = grid.local(
                    -700.0 - 900.0 * outside as f64,
                    rng.random_range(0.2..0.8) * w,
                );
                outside += 1;
                (c, blob(rng, c, e.radius, 0.18, 9), false)
            }
        };
        mines.push(e.place(polygon, center, in_scene));
    }
    mines.sort_by_key(|m| m.id);
    mines
}

fn acceptable(
    poly: &Polygon,
    c: Coord,
    r: f64,
    e: &RosterEntry,
    grid: &SceneGrid,
    infra: &Infrastructure,
    mines: &[Mine],
) -> bool {
    use geo::BoundingRect;
    let Some(bb) = poly.bounding_rect() else {
        return false;
    };
    if !grid.contains_rect(&bb, 30.0) {
        return false;
    }
    let zone = 2.0 * crate::truth::NEAR_M + ZONE_GAP_M;
    if mines.iter().any(|m| {
        m.in_scene && (m.center.x - c.x).hypot(m.center.y - c.y) < 1.15 * (m.radius + r) + zone
    }) {
        return false;
    }
    if Euclidean.distance(poly, &infra.reservoir) < 150.0
        || Euclidean.distance(&infra.river, poly) < 200.0
        || Euclidean.distance(&infra.cross_road, poly) < 80.0
        || Euclidean.distance(poly, &infra.village) < 300.0
    {
        return false;
    }
    let road = Euclidean.distance(&infra.main_road, poly) - ROAD_HALF_WIDTH;
    let needs_track = e.plan.contains(&PlantKind::Track);
    if needs_track {
        (150.0..=450.0).contains(&road)
    } else {
        road >= 80.0
    }
}
