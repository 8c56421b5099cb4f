//! Real but non-mining change more than 1 km from every mine: a lattice of new farm ponds, new
//! buildings with bright roofs, and harvested wheat fields.

use geo::{Coord, Distance, Euclidean, Polygon};
use rand::Rng;

use crate::mines::Mine;
use crate::parcels::CropKind;
use crate::placement::Site;
use crate::shapes::{aligned_rect, rect};
use crate::spectra::{FARM_POND, ROOF_BLUE, ROOF_WHITE, STUBBLE};
use crate::terrain::{BaseCover, Terrain};
use crate::truth::{ChangeClass, Context, Paint, PlantedObject};

/// Minimum distance (m) from any confuser to any mine polygon: 1 km plus a 100 m safety margin.
pub const FAR_M: f64 = 1100.0;
const ATTEMPTS: usize = 400;

fn far_from_mines(poly: &Polygon, mines: &[Mine]) -> bool {
    mines
        .iter()
        .all(|m| Euclidean.distance(poly, &m.polygon) > FAR_M)
}

fn confuser(poly: Polygon, class: ChangeClass, paint: Paint, what: &str) -> PlantedObject {
    PlantedObject {
        class,
        mining: false,
        context: Context::FarFromMines,
        polygon: poly,
        paint,
        description: what.to_string(),
        group: None,
    }
}

/// Side (m) of the square a [`pond_lattice`] occupies.
pub const LATTICE_SIDE_M: f64 = 110.0;

/// A lattice of 3 × 4 new farm ponds of 30 × 20 m separated by 10 m dikes, filling the
/// 110 × 110 m square centred on `c`, in row-major order; every pond is `other_change` far from
/// the mines, in group `farm_pond_lattice`.
pub fn pond_lattice(c: Coord) -> Vec<PlantedObject> {
    let half = LATTICE_SIDE_M / 2.0;
    let mut out = Vec::with_capacity(12);
    for row in 0..4 {
        for col in 0..3 {
            let min = Coord {
                x: c.x - half + col as f64 * 40.0,
                y: c.y - half + row as f64 * 30.0,
            };
            let pond = aligned_rect(
                min,
                Coord {
                    x: min.x + 30.0,
                    y: min.y + 20.0,
                },
            );
            let mut obj = confuser(
                pond,
                ChangeClass::OtherChange,
                Paint {
                    spectrum: FARM_POND,
                    texture: 0.05,
                },
                "new aquaculture/farm pond (lattice of 3 x 4)",
            );
            obj.group = Some("farm_pond_lattice".to_string());
            out.push(obj);
        }
    }
    out
}

/// Plants the confusers; returns them in planting order.
pub fn plant_confusers<R: Rng>(
    rng: &mut R,
    site: &mut Site<'_>,
    terrain: &Terrain,
    mines: &[Mine],
) -> Vec<PlantedObject> {
    let grid = *site.grid;
    let w = grid.side_m();
    let mut out = Vec::new();
    let sample = |rng: &mut R| grid.local(rng.random_range(0.0..w), rng.random_range(0.0..w));
    let on_crop = |c: Coord, r: f64| {
        let (x, y) = grid.to_local(c);
        terrain.cover_fraction(x, y, r, |c| matches!(c, BaseCover::Crop(_))) == 1.0
    };

    // Farm-pond lattice: 3 × 4 ponds of 30 × 20 m separated by 10 m dikes (110 × 110 m).
    for _ in 0..ATTEMPTS {
        let c = sample(rng);
        let outline = rect(c, LATTICE_SIDE_M, LATTICE_SIDE_M, 0.0);
        if !(on_crop(c, LATTICE_SIDE_M / 2.0)
            && site.fits(&outline, 30.0, 20.0, 30.0)
            && far_from_mines(&outline, mines))
        {
            continue;
        }
        out.extend(pond_lattice(c));
        site.taken.push(outline);
        break;
    }

    // New buildings: two blue steel sheds and one white-roofed block.
    for k in 0..3 {
        for _ in 0..ATTEMPTS {
            let c = sample(rng);
            let poly = rect(
                c,
                rng.random_range(20.0..40.0),
                rng.random_range(15.0..30.0),
                rng.random_range(-0.15..0.15),
            );
            if on_crop(c, 20.0)
                && site.fits(&poly, 30.0, 25.0, 40.0)
                && far_from_mines(&poly, mines)
            {
                let (spectrum, what) = if k == 1 {
                    (ROOF_WHITE, "new building (light concrete roof)")
                } else {
                    (ROOF_BLUE, "new shed (blue steel roof)")
                };
                site.taken.push(poly.clone());
                out.push(confuser(
                    poly,
                    ChangeClass::OtherChange,
                    Paint {
                        spectrum,
                        texture: 0.03,
                    },
                    what,
                ));
                break;
            }
        }
    }

    // Harvested wheat parcels (green in May, stubble in June).
    for _ in 0..3 {
        for _ in 0..ATTEMPTS {
            let (x, y) = grid.to_local(sample(rng));
            let BaseCover::Crop(id) = terrain.cover_at(x, y) else {
                continue;
            };
            if terrain.parcels.parcel(id).kind != CropKind::Wheat {
                continue;
            }
            let (x0, y0, x1, y1) = terrain.parcels.bounds(id);
            let poly = aligned_rect(grid.local(x0, y1), grid.local(x1, y0));
            if site.fits(&poly, 20.0, 10.0, 20.0) && far_from_mines(&poly, mines) {
                site.taken.push(poly.clone());
                out.push(confuser(
                    poly,
                    ChangeClass::VegetationLoss,
                    Paint {
                        spectrum: STUBBLE,
                        texture: 0.05,
                    },
                    "wheat field harvested (farming, not mining)",
                ));
                break;
            }
        }
    }
    out
}
