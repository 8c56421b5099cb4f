//! The kernel on planted change in a noisy vegetated background: a global radiometric change
//! alone is no change, and a track narrower than a pixel is found and called a track.

use goldsweep_detect::classify::{classify, ClassParams};
use goldsweep_detect::evidence::EvidenceParams;
use goldsweep_detect::morphology::HALO;
use goldsweep_detect::normalise::{FitParams, PixelSample, SceneFit};
use goldsweep_detect::tile::{detect_tile, Core};
use goldsweep_detect::{BandRole, BandSet, ChangeClass, TileData};
use ndarray::{Array2, Array3};

const SIDE: usize = 160;
const FOREST: [f32; 6] = [0.03, 0.05, 0.035, 0.32, 0.15, 0.07];
const SOIL: [f32; 6] = [0.12, 0.16, 0.20, 0.26, 0.34, 0.28];

/// Deterministic noise in [-0.5, 0.5).
fn noise(a: usize, b: usize, c: usize) -> f32 {
    let mut x =
        (a as u64 * 0x9E37_79B9 + b as u64 * 0x85EB_CA6B + c as u64 * 0xC2B2_AE35) ^ 0x27D4_EB2F;
    x ^= x >> 15;
    x = x.wrapping_mul(0x2C1B_3C6D);
    x ^= x >> 12;
    (x % 10_000) as f32 / 10_000.0 - 0.5
}

fn background(date: usize) -> Array3<f32> {
    Array3::from_shape_fn((6, SIDE, SIDE), |(b, r, c)| {
        // Gentle texture plus sensor noise (σ ≈ 0.003).
        let texture = 1.0 + 0.08 * ((r as f32 / 9.0).sin() * (c as f32 / 13.0).cos());
        FOREST[b] * texture + 0.01 * noise(b + 10 * date, r, c)
    })
}

fn fit_on(tile: &TileData) -> SceneFit {
    let mut s = PixelSample::new(6);
    for ((r, c), &ok) in tile.valid.indexed_iter() {
        if ok {
            for b in 0..6 {
                s.before[b].push(tile.before[[b, r, c]]);
                s.after[b].push(tile.after[[b, r, c]]);
            }
        }
    }
    SceneFit::estimate(&s, &FitParams::default()).expect("enough pixels")
}

fn run(tile: &TileData) -> Vec<ChangeClass> {
    let bands = BandSet::new(BandRole::ALL).expect("roles");
    let fit = fit_on(tile);
    let core = Core {
        row_offset: HALO,
        col_offset: HALO,
        rows: SIDE - 2 * HALO,
        cols: SIDE - 2 * HALO,
        scene_row: HALO as u64,
        scene_col: HALO as u64,
    };
    let det = detect_tile(tile, &bands, &fit, &EvidenceParams::default(), core);
    det.fragments
        .stats
        .iter()
        .filter(|s| s.pixels >= 3)
        .map(|s| classify(s, 10.0, &ClassParams::default()))
        .collect()
}

#[test]
fn a_global_gain_and_offset_is_not_change() {
    let before = background(0);
    // Another season and atmosphere: every band scaled and shifted, plus fresh noise.
    let after = Array3::from_shape_fn(before.dim(), |(b, r, c)| {
        1.25 * before[[b, r, c]] + 0.015 + 0.01 * noise(b + 30, r, c)
    });
    let tile = TileData {
        before,
        after,
        valid: Array2::from_elem((SIDE, SIDE), true),
    };
    let found = run(&tile);
    assert!(found.is_empty(), "no change expected, found {found:?}");
}

#[test]
fn a_track_narrower_than_a_pixel_is_found_as_a_track() {
    let before = background(0);
    let mut after = background(1);
    // A 5 m wide track (half of a 10 m pixel) winding across 120 pixels: every track pixel is
    // a 50/50 mix of soil and forest.
    for c in 20..140 {
        let r = 80 + ((c as f32 / 15.0).sin() * 6.0) as usize;
        for b in 0..6 {
            after[[b, r, c]] = 0.5 * SOIL[b] + 0.5 * after[[b, r, c]];
        }
    }
    let tile = TileData {
        before,
        after,
        valid: Array2::from_elem((SIDE, SIDE), true),
    };
    let found = run(&tile);
    assert!(
        found.contains(&ChangeClass::AccessTrack),
        "the track is found as a track: {found:?}"
    );
    assert!(found.len() <= 2, "little else is found: {found:?}");
}
