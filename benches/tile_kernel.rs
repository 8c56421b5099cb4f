//! The per-tile detection kernel at realistic tile sizes, in pixels per second.
//!
//! `cargo bench --bench tile_kernel`. The input is a six-band pair with textured background,
//! noise, a radiometric difference between dates and ~3 % changed pixels, so every branch of
//! the kernel (evidence, clean-up, labelling, features) does real work. Working memory is
//! reused from call to call, as a pipeline worker reuses it from tile to tile.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use goldsweep_detect::evidence::EvidenceParams;
use goldsweep_detect::morphology::HALO;
use goldsweep_detect::normalise::{BandFit, SceneFit};
use goldsweep_detect::tile::{detect_tile_with, Core, TileScratch};
use goldsweep_detect::{BandRole, BandSet, TileData};
use ndarray::{Array2, Array3};

/// Deterministic pseudo-random value in `[0, 1)` for a pixel.
fn hash01(a: usize, b: usize, c: usize) -> f32 {
    let mut x = (a as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (b as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
        ^ (c as u64).wrapping_mul(0x1656_67B1_9E37_79F9);
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 29;
    (x >> 40) as f32 / (1u64 << 24) as f32
}

fn tile(side: usize) -> TileData {
    let veg = [0.03, 0.06, 0.04, 0.30, 0.16, 0.08];
    let soil = [0.10, 0.14, 0.18, 0.25, 0.32, 0.26];
    let before = Array3::from_shape_fn((6, side, side), |(b, r, c)| {
        let mix = ((r / 37 + c / 53) % 3) as f32 / 2.0;
        veg[b] * (1.0 - mix) + soil[b] * mix + (hash01(b, r, c) - 0.5) * 0.01
    });
    let after = Array3::from_shape_fn((6, side, side), |(b, r, c)| {
        let changed = (r % 97 < 6 && c % 89 < 9) || (r % 211 == 5);
        let base = if changed {
            soil[b] * 1.3
        } else {
            before[[b, r, c]]
        };
        1.1 * base + 0.01 + (hash01(b + 7, r, c) - 0.5) * 0.01
    });
    let valid = Array2::from_shape_fn((side, side), |(r, c)| !(r < 20 && c < 40));
    TileData {
        before,
        after,
        valid,
    }
}

fn fit() -> SceneFit {
    SceneFit {
        bands: vec![
            BandFit {
                gain: 1.0 / 1.1,
                offset: -0.009,
                sigma: 0.006
            };
            6
        ],
        magnitude_threshold: 3.0,
        otsu_threshold: Some(3.0),
        strong_threshold: 4.5,
        focus_threshold: 3.0,
        focus_strong_threshold: 4.5,
        line_noise: vec![1.3; 6],
        sampled_pixels: 0,
        cloud_screened_pixels: 0,
    }
}

fn bench(c: &mut Criterion) {
    let bands = BandSet::new(BandRole::ALL).expect("six roles");
    let fit = fit();
    let params = EvidenceParams::default();
    let mut group = c.benchmark_group("detect_tile");
    for core in [256usize, 512] {
        let side = core + 2 * HALO;
        let t = tile(side);
        let spec = Core {
            row_offset: HALO,
            col_offset: HALO,
            rows: core,
            cols: core,
            scene_row: 0,
            scene_col: 0,
        };
        group.throughput(Throughput::Elements((side * side) as u64));
        let mut scratch = TileScratch::default();
        group.bench_with_input(BenchmarkId::from_parameter(core), &t, |b, t| {
            b.iter(|| detect_tile_with(&mut scratch, t, &bands, &fit, &params, spec, None))
        });
        // The whole window in a focus zone: the lower threshold, the line evidence of every
        // unchanged pixel and the split of thin strips (the worst case; real focus zones cover
        // a small share of a scene).
        let focus = Array2::from_elem((side, side), true);
        group.bench_with_input(BenchmarkId::new("all_focus", core), &t, |b, t| {
            b.iter(|| {
                detect_tile_with(
                    &mut scratch,
                    t,
                    &bands,
                    &fit,
                    &params,
                    spec,
                    Some(focus.view()),
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
