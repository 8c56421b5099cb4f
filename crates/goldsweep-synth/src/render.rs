//! Composes both dates: base land cover → water → village → mine footprints → roads (both
//! dates), planted change (after only), then radiometry, the cloud and its shadow (after only).

use crate::cloud::Cloud;
use crate::grid::SceneGrid;
use crate::layout::Scene;
use crate::noise::{hash2, unit};
use crate::polygon_raster::{coverage, coverage_sampled};
use crate::radiometry::to_dn;
use crate::spectra::{mix, scale, Spectrum, CLOUD, FOREST, ROAD, SOIL, VILLAGE_ROOF, WATER};
use crate::truth::Paint;

/// Truth value of a changed pixel.
pub const TRUTH_CHANGE: u8 = 1;
/// Truth value under the cloud/shadow mask.
pub const TRUTH_MASKED: u8 = 255;

/// The rasters of one scene pair.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// Before scene, six bands of DN (row-major).
    pub before: [Vec<u16>; 6],
    /// After scene, six bands of DN.
    pub after: [Vec<u16>; 6],
    /// 1 = cloud or shadow in the after scene.
    pub mask: Vec<u8>,
    /// 0 no change, 1 change, 255 masked.
    pub truth: Vec<u8>,
}

/// Paints `poly` into `surf` (one spectrum per pixel, row-major): each pixel becomes
/// `(1 − f)·surf + f·paint·(1 + texture·t(x, y))`, with `f` the pixel's coverage fraction on
/// an `n × n` lattice (see [`coverage_sampled`]) and `t` the texture field at the pixel centre
/// in scene-local metres. Returns the painted pixels with their fractions.
pub fn paint_polygon(
    grid: &SceneGrid,
    poly: &geo::Polygon,
    paint: &Paint,
    lattice: usize,
    texture: impl Fn(f64, f64) -> f32,
    surf: &mut [Spectrum],
) -> Vec<(usize, f32)> {
    let mut painted = Vec::new();
    for p in coverage_sampled(grid, poly, lattice) {
        let c = grid.pixel_center(p.row, p.col);
        let (x, y) = grid.to_local(c);
        let s = scale(&paint.spectrum, 1.0 + paint.texture * texture(x, y));
        let i = p.row * grid.size + p.col;
        surf[i] = mix(&surf[i], &s, p.frac);
        painted.push((i, p.frac));
    }
    painted
}

/// Puts the cloud and its shadow over the observed after-date spectrum `v` at map point `c`:
/// the shadow darkens (`v·(1 − 0.7·s) + 0.01·s`), the cloud blends in by its opacity. Returns
/// true when the pixel is under either (masked).
pub fn apply_cloud(cloud: &Cloud, c: geo::Coord, v: &mut Spectrum) -> bool {
    let s = cloud.shadow(c) as f32;
    let a = cloud.alpha(c) as f32;
    if s <= 0.0 && a <= 0.0 {
        return false;
    }
    let body = scale(&CLOUD, cloud.body(c) as f32);
    for (x, cv) in v.iter_mut().zip(body.iter()) {
        *x = *x * (1.0 - 0.7 * s) + 0.01 * s;
        *x = (1.0 - a) * *x + a * cv;
    }
    true
}

/// Village texture: 15 m cells of grey roofs (55 %), yards (25 %) and trees (20 %).
fn village_spectrum(seed: u64, x: f64, y: f64) -> Spectrum {
    let h = unit(hash2(
        seed,
        (x / 15.0).floor() as i64,
        (y / 15.0).floor() as i64,
    ));
    if h < 0.55 {
        scale(&VILLAGE_ROOF, 0.9 + 0.2 * h / 0.55)
    } else if h < 0.8 {
        mix(&SOIL, &ROAD, 0.5)
    } else {
        mix(&FOREST, &SOIL, 0.3)
    }
}

/// Renders the scene pair.
pub fn render(scene: &Scene) -> Rendered {
    let grid = scene.grid;
    let n = grid.pixel_count();
    let mut before: Vec<Spectrum> = Vec::with_capacity(n);
    let mut after: Vec<Spectrum> = Vec::with_capacity(n);
    for row in 0..grid.size {
        for col in 0..grid.size {
            let i = row * grid.size + col;
            let (x, y) = grid.to_local(grid.pixel_center(row, col));
            let base = scene.terrain.sample(x, y);
            let (mut b, mut a) = (base.before, base.after);
            let wf = scene.maps.water[i];
            if wf > 0.0 {
                let w = scale(&WATER, 1.0 + 0.1 * scene.terrain.texture_at(y, x));
                b = mix(&b, &w, wf);
                a = mix(&a, &w, wf);
            }
            let vf = scene.maps.village[i];
            if vf > 0.0 {
                let v = village_spectrum(scene.seed, x, y);
                b = mix(&b, &v, vf);
                a = mix(&a, &v, vf);
            }
            before.push(b);
            after.push(a);
        }
    }
    let texture = |x: f64, y: f64| scene.terrain.texture_at(x + 3.1e4, y);
    for patch in &scene.footprints.patches {
        paint_polygon(&grid, &patch.polygon, &patch.paint, 3, texture, &mut before);
        paint_polygon(&grid, &patch.polygon, &patch.paint, 3, texture, &mut after);
    }
    for i in 0..n {
        let rf = scene.maps.road[i];
        if rf > 0.0 {
            before[i] = mix(&before[i], &ROAD, rf);
            after[i] = mix(&after[i], &ROAD, rf);
        }
    }
    let mut truth = vec![0u8; n];
    for obj in &scene.objects {
        paint_polygon(&grid, &obj.polygon, &obj.paint, 3, texture, &mut after);
        for p in coverage(&grid, &obj.polygon).iter().filter(|p| p.center) {
            truth[p.row * grid.size + p.col] = TRUTH_CHANGE;
        }
    }

    let mut out_b: [Vec<u16>; 6] = Default::default();
    let mut out_a: [Vec<u16>; 6] = Default::default();
    for v in out_b.iter_mut().chain(out_a.iter_mut()) {
        v.reserve_exact(n);
    }
    let mut mask = vec![0u8; n];
    for row in 0..grid.size {
        for col in 0..grid.size {
            let i = row * grid.size + col;
            let c = grid.pixel_center(row, col);
            let (x, y) = grid.to_local(c);
            let ob = scene.before_acq.observe(&before[i], i, x, y);
            let mut oa = scene.after_acq.observe(&after[i], i, x, y);
            if apply_cloud(&scene.cloud, c, &mut oa) {
                mask[i] = 1;
                truth[i] = TRUTH_MASKED;
            }
            for b in 0..6 {
                out_b[b].push(to_dn(ob[b]));
                out_a[b].push(to_dn(oa[b]));
            }
        }
    }
    Rendered {
        before: out_b,
        after: out_a,
        mask,
        truth,
    }
}
