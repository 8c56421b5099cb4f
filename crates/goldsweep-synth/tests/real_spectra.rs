//! Realism check against real Sentinel-2 surface reflectance (../shared/data, skipped when the
//! folder is absent): green vegetation in the synthetic before scene must have the band levels
//! of green vegetation in a real Sentinel-2 L2A time series.

mod common;

use std::path::PathBuf;

use common::{make, read_band};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data");

/// Median of each band over pixels with NDVI > 0.6 (`bands` are reflectance planes in the order
/// B02 B03 B04 B08 B11 B12).
fn vegetation_medians(bands: &[Vec<f64>; 6], valid: impl Fn(usize) -> bool) -> Option<[f64; 6]> {
    let idx: Vec<usize> = (0..bands[0].len())
        .filter(|&i| valid(i))
        .filter(|&i| {
            let (r, n) = (bands[2][i], bands[3][i]);
            (n - r) / (n + r) > 0.6
        })
        .collect();
    if idx.len() < 100 {
        return None;
    }
    let mut out = [0.0; 6];
    for (b, o) in out.iter_mut().enumerate() {
        let mut v: Vec<f64> = idx.iter().map(|&i| bands[b][i]).collect();
        v.sort_by(f64::total_cmp);
        *o = v[v.len() / 2];
    }
    Some(out)
}

#[test]
fn synthetic_vegetation_matches_real_sentinel2_vegetation() {
    let dir = PathBuf::from(DATA).join("s2-tanzania-timeseries");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!("skipping: {} not found", dir.display());
        return;
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "tif"))
        .collect();
    files.sort();
    // Band positions of B02 B03 B04 B08 B11 B12 in the 10-band files (×1000 reflectance).
    let positions = [1, 2, 3, 7, 9, 10];
    let mut real = None;
    for f in &files {
        let planes: Vec<Vec<f64>> = positions
            .iter()
            .map(|&b| read_band(f, b).0.iter().map(|v| v / 1000.0).collect())
            .collect();
        let bands: [Vec<f64>; 6] = match planes.try_into() {
            Ok(b) => b,
            Err(_) => continue,
        };
        // Nodata is 1 (×1000) and clouds are 0: keep pixels valid in every band.
        let ok = |i: usize| bands.iter().all(|b| b[i] > 0.0015);
        if let Some(m) = vegetation_medians(&bands, ok) {
            real = Some(m);
            break;
        }
    }
    let Some(real) = real else {
        println!("skipping: no Tanzania date with enough clear vegetation");
        return;
    };
    let g = make(8, 480);
    let planes: Vec<Vec<f64>> = (1..=6)
        .map(|b| {
            read_band(&g.path("before.tif"), b)
                .0
                .iter()
                .map(|v| v / 10_000.0)
                .collect()
        })
        .collect();
    let bands: [Vec<f64>; 6] = planes.try_into().expect("six bands");
    let synth = vegetation_medians(&bands, |_| true).expect("synthetic vegetation");
    println!("real vegetation medians      {real:.3?}");
    println!("synthetic vegetation medians {synth:.3?}");
    for b in 0..6 {
        assert!(
            (real[b] - synth[b]).abs() < 0.06,
            "band {b}: real {:.3} vs synthetic {:.3}",
            real[b],
            synth[b]
        );
    }
    // The spectral shape matters more than levels: NIR well above SWIR1 above SWIR2, red lowest.
    for m in [real, synth] {
        assert!(m[3] > m[4] && m[4] > m[5] && m[2] < m[1]);
    }
}
