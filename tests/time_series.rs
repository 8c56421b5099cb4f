//! A time series judges its previous date as it judges the last one: the previous-date sweep
//! that confirms candidates has the same focus zones around closed mines, and keeps objects by
//! the same rule, as the main sweep.

use std::path::{Path, PathBuf};

use gdal::raster::Buffer;
use gdal::spatial_ref::SpatialRef;
use gdal::DriverManager;
use goldsweep_catalogue::RelationKind;
use goldsweep_pipeline::{sweep, ExtraDate, SweepReport, SweepSettings};
use goldsweep_raster::SceneOptions;
use goldsweep_synth::noise::{gaussian, Fbm};
use goldsweep_synth::spectra::{FOREST, ROCK, SOIL};

/// Pixels a side of the synthetic scene (10 m pixels, UTM 50N).
const SIZE: usize = 256;
const GEO_TRANSFORM: [f64; 6] = [500_000.0, 10.0, 0.0, 4_000_000.0, 0.0, -10.0];
/// Sensor noise of every band and date (reflectance).
const NOISE: f32 = 0.001;
/// Rows of the land cleared between before and the first after date, far from the mine, in
/// cells of 10 × 10 pixels each changed by its own strength: change of every strength from
/// [`CLEARED_SIGMAS`], which lifts the scene threshold to its ceiling (see the test).
const CLEARED_ROWS: std::ops::Range<usize> = 0..80;
/// Weakest and strongest change of the cleared cells, in residual σ.
const CLEARED_SIGMAS: (f32, f32) = (12.0, 40.0);
/// The closed mine: 200 m a side, pixels rows and columns 170..190.
const MINE: (usize, usize, usize) = (170, 170, 20);
/// The weak change inside the closed mine: rows and columns 176..184.
const WEAK: (usize, usize, usize) = (176, 176, 8);
/// Strength of the weak change, in residual σ. The fit's σ is about 1.7 times that (a robust
/// spread over the whole sample, a third of which is cleared land), which puts the weak change
/// at about 6.5 of its σ: above the focus threshold (4.8), below the scene's (8).
const WEAK_SIGMAS: f32 = 11.0;

/// The reflectance of pixel `(row, col)` of date `date` (0 = before): forest and rock mixed
/// in patches, the cleared land and the weak change at the mine on the after dates, and the
/// date's noise. Change moves every band towards bare soil by a number of residual σ
/// (the difference of two dates' noise: √2 · [`NOISE`]).
fn reflectance(date: u64, row: usize, col: usize, band: usize) -> f32 {
    let t = 0.5 + 0.5 * Fbm::new(1, 400.0, 3).at(col as f64 * 10.0, row as f64 * 10.0);
    let ground = FOREST[band] + t * (ROCK[band] - FOREST[band]);
    let (r0, c0, side) = WEAK;
    let sigmas = if date == 0 {
        0.0
    } else if CLEARED_ROWS.contains(&row) {
        // Cell strengths spread evenly over the range, shuffled; every other cell changes the
        // other way (grows greener), so that the change does not tilt the normalisation.
        let cell = (row / 10) * (SIZE / 10 + 1) + col / 10;
        let (lo, hi) = CLEARED_SIGMAS;
        let sign = if cell % 2 == 0 { 1.0 } else { -1.0 };
        sign * (lo + (hi - lo) * ((cell * 37) % 101) as f32 / 100.0)
    } else if (r0..r0 + side).contains(&row) && (c0..c0 + side).contains(&col) {
        WEAK_SIGMAS
    } else {
        0.0
    };
    let towards_soil = (SOIL[band] - FOREST[band]).signum();
    let index = ((band * SIZE + row) * SIZE + col) as u64;
    ground
        + towards_soil * sigmas * std::f32::consts::SQRT_2 * NOISE
        + NOISE * gaussian(date, index)
}

/// Writes date `date` as a six-band GeoTIFF of reflectance × 10 000.
fn write_date(path: &Path, date: u64) {
    let mut ds = DriverManager::get_driver_by_name("GTiff")
        .and_then(|d| d.create_with_band_type::<u16, _>(path, SIZE, SIZE, 6))
        .expect("create scene");
    ds.set_geo_transform(&GEO_TRANSFORM)
        .expect("set geotransform");
    let srs = SpatialRef::from_epsg(32650).expect("EPSG:32650");
    ds.set_projection(&srs.to_wkt().expect("WKT"))
        .expect("set projection");
    for band in 0..6 {
        let data: Vec<u16> = (0..SIZE * SIZE)
            .map(|i| (reflectance(date, i / SIZE, i % SIZE, band) * 10_000.0).round() as u16)
            .collect();
        ds.rasterband(band + 1)
            .and_then(|mut b| b.write((0, 0), (SIZE, SIZE), &mut Buffer::new((SIZE, SIZE), data)))
            .expect("write band");
    }
}

/// Writes the catalogue: the closed mine, in the scene's CRS.
fn write_catalogue(path: &Path) {
    let (r0, c0, side) = MINE;
    let x = |c: usize| GEO_TRANSFORM[0] + c as f64 * GEO_TRANSFORM[1];
    let y = |r: usize| GEO_TRANSFORM[3] + r as f64 * GEO_TRANSFORM[5];
    let (x0, x1, y0, y1) = (x(c0), x(c0 + side), y(r0 + side), y(r0));
    let json = serde_json::json!({
        "type": "FeatureCollection",
        "crs": { "type": "name", "properties": { "name": "urn:ogc:def:crs:EPSG::32650" } },
        "features": [{
            "type": "Feature",
            "properties": { "id": "CLOSED-1", "name": "closed mine", "status": "policy_closed" },
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]
            }
        }]
    });
    std::fs::write(path, json.to_string()).expect("write catalogue");
}

/// Sweeps before → `after` (oldest first), with or without the catalogue.
fn sweep_series(dir: &Path, after: &[PathBuf], catalogue: bool, out: &str) -> SweepReport {
    let (last, intermediate) = after.split_last().expect("an after date");
    let mut settings = SweepSettings::new(dir.join("before.tif"), last.clone(), dir.join(out));
    settings.intermediate = intermediate
        .iter()
        .cloned()
        .map(ExtraDate::unmasked)
        .collect();
    let options = SceneOptions {
        bands: Some(
            "blue=1,green=2,red=3,nir=4,swir1=5,swir2=6"
                .parse()
                .expect("band map"),
        ),
        scale: Some(1e-4),
        offset: Some(0.0),
        ..SceneOptions::default()
    };
    settings.before_options = options.clone();
    settings.after_options = options;
    settings.catalogue = catalogue.then(|| dir.join("catalogue.geojson"));
    settings.threads = 2;
    sweep(&settings).unwrap_or_else(|e| panic!("sweep {out}: {e}"))
}

/// The candidates of a report whose pixels include the middle of the weak change.
fn at_weak_change(report: &SweepReport) -> Vec<&goldsweep_pipeline::Candidate> {
    let (r0, c0, side) = WEAK;
    let (row, col) = ((r0 + side / 2) as u32, (c0 + side / 2) as u32);
    report
        .candidates
        .iter()
        .filter(|c| {
            c.runs
                .iter()
                .any(|r| r.row == row && r.col_start <= col && col < r.col_end)
        })
        .collect()
}

#[test]
fn weak_change_at_a_closed_mine_seen_on_the_previous_date_is_confirmed() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    let dates: Vec<PathBuf> = (0..3).map(|d| dir.join(format!("date{d}.tif"))).collect();
    for (d, path) in dates.iter().enumerate() {
        write_date(path, d as u64);
    }
    std::fs::rename(&dates[0], dir.join("before.tif")).expect("rename before");
    write_catalogue(&dir.join("catalogue.geojson"));
    let after = &dates[1..];

    // Without the catalogue the weak change is below the scene threshold: nothing there.
    let plain = sweep_series(dir, &after[1..], false, "plain");
    let fit = &plain.fit;
    assert!(
        fit.focus_strong_threshold < fit.strong_threshold,
        "the focus threshold is below the scene's: {fit:?}"
    );
    assert!(at_weak_change(&plain).is_empty(), "found without focus");

    // With it, the focus zone finds it, on the pair alone …
    let pair = sweep_series(dir, &after[1..], true, "pair");
    let found = at_weak_change(&pair);
    assert_eq!(found.len(), 1, "found in the focus zone");
    let c = found[0];
    assert_eq!(c.relation, RelationKind::InsideClosedMine);
    assert!(
        c.evidence.magnitude < pair.fit.strong_threshold,
        "weak by the scene threshold: {} vs {:?}",
        c.evidence.magnitude,
        pair.fit
    );

    // … and over the series, where the previous date shows it as plainly: confirmed.
    let series = sweep_series(dir, after, true, "series");
    let found = at_weak_change(&series);
    assert_eq!(found.len(), 1, "found over the series");
    let c = found[0];
    assert!(
        c.persistence.is_some_and(|p| p >= 0.9),
        "changed at the previous date: {:?}",
        c.persistence
    );
    assert!(c.context.confirmed, "{}", c.reason);
    assert!(
        c.reason.contains("already changed at the previous date"),
        "{}",
        c.reason
    );
}
