//! Static mine footprints, the same on both dates: old, partly revegetated ground and a derelict
//! building at closed mines; a small old clearing at the illegal site; at the active mine a
//! disturbed area, an open pit, a spoil heap and a haul road from the valley road.

use geo::{Closest, ClosestPoint, Coord, Point, Polygon};
use rand::Rng;

use crate::infrastructure::Infrastructure;
use crate::mines::{Mine, MineStatus};
use crate::shapes::{blob, buffered_path, rect, winding_path};
use crate::spectra::{mix, OLD_MINE, PIT, ROAD, ROCK, SPOIL, TRACK, VILLAGE_ROOF};
use crate::truth::Paint;

/// A static patch painted on both dates.
#[derive(Debug, Clone)]
pub struct Patch {
    /// Outline (map coordinates).
    pub polygon: Polygon,
    /// Appearance.
    pub paint: Paint,
}

/// Static footprints plus what later planting needs to know.
#[derive(Debug, Clone, Default)]
pub struct Footprints {
    /// Patches in painting order.
    pub patches: Vec<Patch>,
    /// Existing spoil heap of each active mine: (mine index, centre, radius m).
    pub active_heaps: Vec<(usize, Coord, f64)>,
    /// Patches that new change must keep clear of (active pit, heap and haul road).
    pub protected: Vec<Polygon>,
}

fn offset(c: Coord, angle: f64, d: f64) -> Coord {
    Coord {
        x: c.x + d * angle.cos(),
        y: c.y + d * angle.sin(),
    }
}

/// Nearest point of `line` to `c`, falling back to `c` itself.
pub fn nearest_on(line: &geo::LineString, c: Coord) -> Coord {
    match line.closest_point(&Point::from(c)) {
        Closest::Intersection(p) | Closest::SinglePoint(p) => p.0,
        Closest::Indeterminate => c,
    }
}

/// Builds the footprints of every in-scene mine.
pub fn build<R: Rng>(rng: &mut R, mines: &[Mine], infra: &Infrastructure) -> Footprints {
    let mut fp = Footprints::default();
    for (i, m) in mines.iter().enumerate().filter(|(_, m)| m.in_scene) {
        let r = m.radius;
        match m.status {
            MineStatus::Active => {
                let a = rng.random_range(0.0..std::f64::consts::TAU);
                let disturbed = blob(rng, m.center, 0.62 * r, 0.25, 24);
                fp.patches.push(Patch {
                    polygon: disturbed,
                    paint: Paint {
                        spectrum: mix(&ROCK, &SPOIL, 0.3),
                        texture: 0.12,
                    },
                });
                let pit = blob(rng, offset(m.center, a, 0.25 * r), 0.22 * r, 0.2, 20);
                fp.protected.push(pit.clone());
                fp.patches.push(Patch {
                    polygon: pit,
                    paint: Paint {
                        spectrum: PIT,
                        texture: 0.15,
                    },
                });
                let heap_c = offset(m.center, a + std::f64::consts::PI, 0.28 * r);
                let heap_r = 0.2 * r;
                let heap = blob(rng, heap_c, heap_r, 0.25, 20);
                fp.protected.push(heap.clone());
                fp.patches.push(Patch {
                    polygon: heap,
                    paint: Paint {
                        spectrum: SPOIL,
                        texture: 0.08,
                    },
                });
                fp.active_heaps.push((i, heap_c, heap_r));
                let start = nearest_on(&infra.main_road, m.center);
                let path = winding_path(rng, start, m.center, 25.0);
                let haul = buffered_path(&path, 5.0);
                fp.protected.push(haul.clone());
                fp.patches.push(Patch {
                    polygon: haul,
                    paint: Paint {
                        spectrum: mix(&ROAD, &TRACK, 0.5),
                        texture: 0.05,
                    },
                });
            }
            MineStatus::IllegalSite => {
                fp.patches.push(Patch {
                    polygon: blob(rng, m.center, 0.45 * r, 0.3, 16),
                    paint: Paint {
                        spectrum: OLD_MINE,
                        texture: 0.15,
                    },
                });
            }
            _ => {
                fp.patches.push(Patch {
                    polygon: blob(rng, m.center, 0.55 * r, 0.3, 24),
                    paint: Paint {
                        spectrum: OLD_MINE,
                        texture: 0.18,
                    },
                });
                let a = rng.random_range(0.0..std::f64::consts::TAU);
                let b = offset(m.center, a, 0.35 * r);
                fp.patches.push(Patch {
                    polygon: rect(b, 22.0, 14.0, a),
                    paint: Paint {
                        spectrum: VILLAGE_ROOF,
                        texture: 0.05,
                    },
                });
            }
        }
    }
    fp
}
