//! The spectral cloud screen: bright ground of the synthetic scenes is never cloud, the demo's
//! cloud is; without its cloud mask the demo keeps its threshold and finds no change on the
//! cloud; with the mask the screen changes nothing.

mod common;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use gdal::raster::Buffer;
use gdal::{Dataset, DriverManager};
use goldsweep_detect::cloud::{screen, CloudBands, ScreenScratch};
use goldsweep_detect::{BandRole, BandSet, TileData};
use goldsweep_synth::layout::Scene;
use goldsweep_synth::polygon_raster::coverage;
use goldsweep_synth::spectra::{self, Spectrum};
use goldsweep_synth::SynthOptions;
use ndarray::{Array2, Array3};
use serde_json::Value;

use common::{goldsweep, read_json};

fn demo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/demo")
}

/// Every land cover and planted surface of the synthetic scenes except the cloud.
const GROUND: [(&str, Spectrum); 19] = [
    ("forest", spectra::FOREST),
    ("shrub", spectra::SHRUB),
    ("grass", spectra::GRASS),
    ("crop", spectra::CROP),
    ("soil", spectra::SOIL),
    ("stubble", spectra::STUBBLE),
    ("rock", spectra::ROCK),
    ("spoil", spectra::SPOIL),
    ("old mine", spectra::OLD_MINE),
    ("track", spectra::TRACK),
    ("concrete road", spectra::ROAD),
    ("water", spectra::WATER),
    ("leach pond", spectra::LEACH),
    ("farm pond", spectra::FARM_POND),
    ("blue steel roof", spectra::ROOF_BLUE),
    ("white concrete roof", spectra::ROOF_WHITE),
    ("village roof", spectra::VILLAGE_ROOF),
    ("pit", spectra::PIT),
    ("clearing", spectra::CLEARING),
];

/// A spectrum as the synthetic after date can observe it: the extremes of its common gain
/// (0.94–1.06), per-band gain (0.98–1.02) and haze (−0.005–0.015, falling off towards SWIR2).
fn observed(s: &Spectrum) -> Vec<Spectrum> {
    let falloff = [1.0, 0.8, 0.6, 0.3, 0.1, 0.05];
    let mut out = Vec::new();
    for gain in [0.94 * 0.98, 1.0, 1.06 * 1.02] {
        for haze in [-0.005, 0.0, 0.015] {
            out.push(std::array::from_fn(|b| gain * s[b] + haze * falloff[b]));
        }
    }
    out
}

/// A 7 × 7 pair, `before` everywhere before and `after` everywhere after, in `bands` bands.
fn pair(before: &Spectrum, after: &Spectrum, bands: usize) -> TileData {
    TileData {
        before: Array3::from_shape_fn((bands, 7, 7), |(b, _, _)| before[b]),
        after: Array3::from_shape_fn((bands, 7, 7), |(b, _, _)| after[b]),
        valid: Array2::from_elem((7, 7), true),
    }
}

#[test]
fn bright_ground_of_the_synthetic_scenes_is_never_cloud_and_the_cloud_is() {
    let six = BandSet::new(BandRole::ALL).expect("six roles");
    let four = BandSet::new(BandRole::ALL[..4].iter().copied()).expect("four roles");
    let mut scratch = ScreenScratch::default();
    let mut valid = Vec::new();
    for (bands, nb) in [(&six, 6), (&four, 4)] {
        let tests = CloudBands::new(bands);
        for (name, s) in GROUND {
            for seen in observed(&s) {
                assert!(
                    !tests.cloud_like(&seen[..nb]),
                    "{name} {seen:?} ({nb} bands)"
                );
                // New on any ground: not screened either.
                for (under, g) in GROUND {
                    let t = pair(&g, &seen, nb);
                    let n = screen(&mut scratch, &t, bands, &mut valid);
                    assert_eq!(n, 0, "{name} over {under} ({nb} bands)");
                }
            }
        }
        // The cloud, at the darkest and brightest of its body, over any ground: every pixel.
        for body in [0.9, 1.1] {
            for seen in observed(&spectra::scale(&spectra::CLOUD, body)) {
                assert!(tests.cloud_like(&seen[..nb]), "cloud {seen:?} ({nb} bands)");
                for (under, g) in GROUND {
                    let t = pair(&g, &seen, nb);
                    let n = screen(&mut scratch, &t, bands, &mut valid);
                    assert_eq!(n, 49, "cloud over {under} ({nb} bands)");
                }
            }
        }
    }
}

/// The demo's cloud, from the synthetic scene model it was made with (seed 7, 480 px; see
/// data/demo/README.txt): per pixel the cloud's opacity, whether its shadow falls there, and
/// whether planted change covers any of it.
struct DemoCloud {
    alpha: Vec<f64>,
    shadow: Vec<bool>,
    planted: Vec<bool>,
}

fn demo_cloud() -> DemoCloud {
    let opts = SynthOptions {
        seed: 7,
        size: 480,
        centre: None,
    };
    let grid = opts.grid(&demo()).expect("demo grid");
    let scene = Scene::build(&opts, grid);
    let centres = (0..480 * 480).map(|i| grid.pixel_center(i / 480, i % 480));
    let (alpha, shadow) = centres
        .map(|c| (scene.cloud.alpha(c), scene.cloud.shadow(c) > 0.0))
        .unzip();
    let mut planted = vec![false; 480 * 480];
    for obj in &scene.objects {
        for p in coverage(&grid, &obj.polygon)
            .iter()
            .filter(|p| p.frac > 0.0)
        {
            planted[p.row * 480 + p.col] = true;
        }
    }
    DemoCloud {
        alpha,
        shadow,
        planted,
    }
}

fn band_u8(path: &Path) -> Vec<u8> {
    let ds = Dataset::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let band = ds.rasterband(1).expect("band 1");
    band.read_band_as::<u8>().expect("read").data().to_vec()
}

/// Sweeps the demo pair with `extra` options into `out` and returns its run.json.
fn sweep(out: &Path, extra: &[OsString]) -> Value {
    let d = demo();
    let mut args: Vec<OsString> = vec![
        "sweep".into(),
        "--before".into(),
        d.join("before.tif").into(),
        "--after".into(),
        d.join("after.tif").into(),
        "--catalogue".into(),
        d.join("catalogue.geojson").into(),
        "--out".into(),
        out.into(),
    ];
    args.extend_from_slice(extra);
    let o = goldsweep(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    read_json(&out.join("run.json"))
}

fn threshold(run: &Value) -> f64 {
    run["fit"]["magnitude_threshold"]
        .as_f64()
        .expect("threshold")
}

/// Candidate pixels (classes 1–5 in change.tif) where the cloud's opacity is above `alpha`:
/// all of them, and those that are not planted change.
fn on_cloud(out: &Path, cloud: &DemoCloud, alpha: f64) -> (usize, usize) {
    let change = band_u8(&out.join("change.tif"));
    let hits: Vec<usize> = (0..change.len())
        .filter(|&i| (1..=5).contains(&change[i]) && cloud.alpha[i] > alpha)
        .collect();
    let unplanted = hits.iter().filter(|&&i| !cloud.planted[i]).count();
    (hits.len(), unplanted)
}

/// A GeoTIFF on the demo grid that masks only the cloud's shadow, not the cloud.
fn shadow_mask(path: &Path, cloud: &DemoCloud) {
    let grid = Dataset::open(demo().join("after_mask.tif")).expect("after_mask.tif");
    let driver = DriverManager::get_driver_by_name("GTiff").expect("GTiff driver");
    let mut ds = driver
        .create_with_band_type::<u8, _>(path, 480, 480, 1)
        .expect("create mask");
    ds.set_geo_transform(&grid.geo_transform().expect("geotransform"))
        .expect("set geotransform");
    ds.set_spatial_ref(&grid.spatial_ref().expect("CRS"))
        .expect("set CRS");
    let data = cloud.shadow.iter().map(|&s| u8::from(s)).collect();
    let mut buffer = Buffer::new((480, 480), data);
    ds.rasterband(1)
        .expect("band 1")
        .write((0, 0), (480, 480), &mut buffer)
        .expect("write mask");
    ds.close().expect("close mask");
}

#[test]
fn the_demo_without_its_cloud_mask_finds_no_change_on_the_cloud() {
    let cloud = demo_cloud();
    // The model is the one the demo files were made with: cloud and shadow are the mask.
    let mask = band_u8(&demo().join("after_mask.tif"));
    for (i, &m) in mask.iter().enumerate() {
        assert_eq!(m != 0, cloud.alpha[i] > 0.0 || cloud.shadow[i], "pixel {i}");
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let masked = sweep(
        &dir.path().join("masked"),
        &["--mask-after".into(), demo().join("after_mask.tif").into()],
    );

    // The cloud unmasked, its shadow masked: the screen takes the mask's place exactly.
    let shadow = dir.path().join("shadow_mask.tif");
    shadow_mask(&shadow, &cloud);
    let out = dir.path().join("shadow-only");
    let run = sweep(&out, &["--mask-after".into(), shadow.into()]);
    assert_eq!(threshold(&run), threshold(&masked));
    let otsu = |run: &Value| run["fit"]["otsu_threshold"].as_f64().expect("Otsu");
    assert!((otsu(&run) - otsu(&masked)).abs() < 0.01);
    assert_eq!(run["parameters"]["cloud_screen"]["enabled"], true);
    let screened = run["parameters"]["cloud_screen"]["screened_sample_pixels"]
        .as_u64()
        .expect("screened count");
    assert!(screened > 1000, "{screened} sampled pixels screened");
    assert_eq!(on_cloud(&out, &cloud, 0.0).1, 0, "candidates on the cloud");
    // The same sites. The screen leaves the cloud's faintest edge valid where the model's mask
    // has it, so the clearing the edge crosses comes out a few pixels larger, and a strip of
    // it may stay joined rather than split off as its own candidate.
    let sites = |out: &Path| -> Vec<(f64, f64)> {
        let c = read_json(&out.join("candidates.geojson"));
        let features = c["features"].as_array().expect("features").clone();
        features
            .iter()
            .map(|f| {
                let p = &f["geometry"]["coordinates"];
                (p[0].as_f64().expect("lon"), p[1].as_f64().expect("lat"))
            })
            .collect()
    };
    let (a, b) = (sites(&out), sites(&dir.path().join("masked")));
    // Within 50 m (degrees of latitude; longitude scaled at the demo's 37° N).
    let near = |p: &(f64, f64), q: &(f64, f64)| {
        let dx = (p.0 - q.0) * 37f64.to_radians().cos();
        (dx * dx + (p.1 - q.1).powi(2)).sqrt() * 111_320.0 < 50.0
    };
    for (from, to) in [(&a, &b), (&b, &a)] {
        for p in from.iter() {
            assert!(
                to.iter().any(|q| near(p, q)),
                "candidate at {p:?} only in one run"
            );
        }
    }
    assert!(
        a.len().abs_diff(b.len()) <= 1,
        "{} vs {} candidates",
        a.len(),
        b.len()
    );

    // No mask at all: the unmasked shadow still raises the threshold a little, the cloud
    // does not; the only candidate pixels under the cloud's faintest edge are the planted
    // clearing it crosses.
    let out = dir.path().join("no-mask");
    let run = sweep(&out, &[]);
    let t = threshold(&run);
    assert!((2.5..4.0).contains(&t), "threshold {t}");
    assert_eq!(on_cloud(&out, &cloud, 0.0).1, 0, "candidates on the cloud");
    assert_eq!(
        on_cloud(&out, &cloud, 0.05).0,
        0,
        "candidates under the cloud"
    );

    // Without the screen the cloud is change and drives the threshold to its cap.
    let out = dir.path().join("unscreened");
    let run = sweep(&out, &["--no-cloud-screen".into()]);
    assert_eq!(threshold(&run), 8.0);
    assert_eq!(run["parameters"]["cloud_screen"]["enabled"], false);
    assert!(on_cloud(&out, &cloud, 0.05).1 > 100, "the cloud is change");
}

#[test]
fn with_the_cloud_masked_the_screen_changes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mask: Vec<OsString> = vec!["--mask-after".into(), demo().join("after_mask.tif").into()];
    let on = dir.path().join("on");
    let run = sweep(&on, &mask);
    assert_eq!(
        run["parameters"]["cloud_screen"]["screened_sample_pixels"],
        0
    );
    let off = dir.path().join("off");
    let mut no_screen = mask.clone();
    no_screen.push("--no-cloud-screen".into());
    sweep(&off, &no_screen);
    for name in ["candidates.geojson", "objects.geojson"] {
        let a = std::fs::read(on.join(name)).expect("output");
        assert!(
            a == std::fs::read(off.join(name)).expect("output"),
            "{name}"
        );
    }
    assert!(band_u8(&on.join("change.tif")) == band_u8(&off.join("change.tif")));
}
