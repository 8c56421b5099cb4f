//! The whole synthetic scene as geometry and fields, drawn from one ChaCha8 stream in a fixed
//! order: land cover → roads and water → mines → footprints → planted change → confusers →
//! cloud → radiometry.

use geo::{Coord, InteriorPoint, Point};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::cloud::Cloud;
use crate::confusers::plant_confusers;
use crate::footprints::{build as build_footprints, Footprints};
use crate::grid::SceneGrid;
use crate::infrastructure::Infrastructure;
use crate::mines::{place_mines, Mine};
use crate::options::SynthOptions;
use crate::placement::Site;
use crate::planted::{plant_at_mines, Access, MineSite};
use crate::polygon_raster::coverage;
use crate::radiometry::Acquisition;
use crate::static_maps::StaticMaps;
use crate::terrain::{BaseCover, Terrain};
use crate::truth::{ChangeClass, PlantedObject};
use crate::utm::LonLat;

/// Cloud placements tried by [`aim_cloud`]: where the mines and their objects crowd a small
/// scene (OSCD Rennes), a dozen can all mask some object beside the target.
const CLOUD_DRAWS: usize = 64;

/// Everything needed to render and describe the scene pair.
#[derive(Debug, Clone)]
pub struct Scene {
    /// Seed used.
    pub seed: u64,
    /// Grid.
    pub grid: SceneGrid,
    /// Requested scene centre, `None` for the default placement.
    pub centre: Option<LonLat>,
    /// Land-cover fields.
    pub terrain: Terrain,
    /// Roads, water, village.
    pub infra: Infrastructure,
    /// Static feature fractions per pixel.
    pub maps: StaticMaps,
    /// Catalogue.
    pub mines: Vec<Mine>,
    /// Static mine footprints.
    pub footprints: Footprints,
    /// Planted change (mining, legal activity, confusers), in truth-id order.
    pub objects: Vec<PlantedObject>,
    /// Cloud over the after scene.
    pub cloud: Cloud,
    /// Index of the object the cloud was aimed at, if any.
    pub cloud_target: Option<usize>,
    /// Before acquisition radiometry.
    pub before_acq: Acquisition,
    /// After acquisition radiometry.
    pub after_acq: Acquisition,
}

impl Scene {
    /// Draws the scene for `opts` on `grid` (from [`SynthOptions::grid`]; sizes are assumed
    /// validated). Everything is placed in scene-local metres, so the content depends on the
    /// seed and the size only, not on where the grid lies.
    pub fn build(opts: &SynthOptions, grid: SceneGrid) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
        let terrain = Terrain::new(&mut rng, grid.side_m());
        let infra = Infrastructure::new(&mut rng, &grid);
        let maps = StaticMaps::new(&grid, &infra);
        let mines = place_mines(&mut rng, &grid, &infra);
        let footprints = build_footprints(&mut rng, &mines, &infra);

        let mut site = Site {
            grid: &grid,
            maps: &maps,
            taken: footprints.protected.clone(),
        };
        let mut objects = {
            let wooded = |c: Coord, r: f64| {
                let (x, y) = grid.to_local(c);
                terrain.cover_fraction(x, y, r, |c| {
                    matches!(c, BaseCover::Forest | BaseCover::Shrub)
                }) >= 0.6
            };
            let mut ms = MineSite {
                site: &mut site,
                wooded: &wooded,
                access: Access::Road(&infra.main_road),
                mines: &mines,
            };
            plant_at_mines(&mut rng, &mut ms, &footprints)
        };
        objects.extend(plant_confusers(&mut rng, &mut site, &terrain, &mines));

        let (cloud, cloud_target) = aim_cloud(&mut rng, &grid, &objects);
        let before_acq = Acquisition::reference(&mut rng);
        let after_acq = Acquisition::later(&mut rng);
        Self {
            seed: opts.seed,
            grid,
            centre: opts.centre,
            terrain,
            infra,
            maps,
            mines,
            footprints,
            objects,
            cloud,
            cloud_target,
            before_acq,
            after_acq,
        }
    }

    /// Fraction of an object's truth pixels (centres inside) under the cloud or its shadow.
    pub fn masked_fraction(&self, obj: &PlantedObject) -> f64 {
        masked_fraction(&self.grid, &self.cloud, obj)
    }
}

/// Fraction of an object's truth pixels (centres inside) under `cloud` or its shadow.
pub(crate) fn masked_fraction(grid: &SceneGrid, cloud: &Cloud, obj: &PlantedObject) -> f64 {
    let px: Vec<Coord> = coverage(grid, &obj.polygon)
        .iter()
        .filter(|p| p.center)
        .map(|p| grid.pixel_center(p.row, p.col))
        .collect();
    if px.is_empty() {
        return 0.0;
    }
    let masked = px
        .iter()
        .filter(|c| cloud.alpha(**c) > 0.0 || cloud.shadow(**c) > 0.0)
        .count();
    masked as f64 / px.len() as f64
}

/// The cloud placed by [`place_cloud`] (its edge across one mining object), drawn up to
/// [`CLOUD_DRAWS`] times until its edge does cross its target — part of the target masked, not
/// all of it — and no other object has more than a quarter of its pixels masked; the draw
/// with the fewest faults (the other objects so hidden, and a target hidden whole or not at
/// all) is kept. An object the cloud hides whole cannot be found by any detector: it would
/// only test the scoring's bookkeeping.
pub(crate) fn aim_cloud(
    rng: &mut ChaCha8Rng,
    grid: &SceneGrid,
    objects: &[PlantedObject],
) -> (Cloud, Option<usize>) {
    let faults = |(cloud, target): &(Cloud, Option<usize>)| {
        let others = objects
            .iter()
            .enumerate()
            .filter(|(i, o)| Some(*i) != *target && masked_fraction(grid, cloud, o) > 0.25)
            .count();
        let uncrossed = target.is_some_and(|t| {
            let f = masked_fraction(grid, cloud, &objects[t]);
            f <= 0.0 || f >= 1.0
        });
        others + usize::from(uncrossed)
    };
    let mut best = place_cloud(rng, grid, objects);
    let mut fewest = faults(&best);
    for _ in 1..CLOUD_DRAWS {
        if fewest == 0 {
            break;
        }
        let drawn = place_cloud(rng, grid, objects);
        let h = faults(&drawn);
        if h < fewest {
            (best, fewest) = (drawn, h);
        }
    }
    best
}

/// Aims the cloud so its soft edge crosses one planted mining object (not a track), preferring
/// 15–85 % of the object's pixels masked; without such objects the cloud goes to a random spot.
pub(crate) fn place_cloud(
    rng: &mut ChaCha8Rng,
    grid: &SceneGrid,
    objects: &[PlantedObject],
) -> (Cloud, Option<usize>) {
    let w = grid.side_m();
    let candidates: Vec<usize> = objects
        .iter()
        .enumerate()
        .filter(|(_, o)| o.mining && o.class != ChangeClass::AccessTrack)
        .map(|(i, _)| i)
        .collect();
    let fallback = grid.local(
        rng.random_range(0.2..0.8) * w,
        rng.random_range(0.2..0.8) * w,
    );
    let cloud = Cloud::new(rng, fallback, w);
    if candidates.is_empty() {
        return (cloud, None);
    }
    let target = candidates[rng.random_range(0..candidates.len())];
    let Some(tc) = objects[target].polygon.interior_point().map(|p: Point| p.0) else {
        return (cloud, None);
    };
    let mut best = (f64::MAX, cloud);
    for _ in 0..24 {
        let angle = rng.random_range(0.0..std::f64::consts::TAU);
        let d = rng.random_range(0.8..1.4) * cloud.radius;
        let c = Coord {
            x: tc.x + d * angle.cos(),
            y: tc.y + d * angle.sin(),
        };
        let candidate = cloud.moved_to(c);
        let f = masked_fraction(grid, &candidate, &objects[target]);
        let score = (f - 0.5).abs();
        if score < best.0 {
            best = (score, candidate);
        }
        if score <= 0.35 {
            break;
        }
    }
    (best.1, Some(target))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With the first draw of the cloud, seeds 5, 6 and 8 hid a pond or a heap whole: no
    /// detector could find it, and it only tested the scoring. The cloud is drawn again until
    /// its edge crosses its target and no other object has more than a quarter hidden.
    #[test]
    fn the_cloud_hides_part_of_its_target_and_little_of_the_rest() {
        for seed in 1..=10 {
            let opts = SynthOptions {
                seed,
                ..SynthOptions::default()
            };
            let scene = Scene::build(&opts, SceneGrid::new(opts.size));
            let target = scene.cloud_target.expect("a target");
            let f = scene.masked_fraction(&scene.objects[target]);
            assert!(f > 0.0 && f < 1.0, "seed {seed}: target masked {f}");
            for (i, o) in scene.objects.iter().enumerate() {
                if i != target {
                    let f = scene.masked_fraction(o);
                    assert!(f <= 0.25, "seed {seed}: object {i} masked {f}");
                }
            }
        }
    }
}
