//! Real mining polygons as the catalogue of a sweep over a scene they overlap.
//!
//! No public imagery in `../shared/data` covers the real mining polygons in
//! `../shared/data/mines`, so each case places a synthetic scene on them
//! (`goldsweep synth --at LON,LAT`, 480 px = 4.8 km, in the local UTM zone), burns fresh
//! bare-soil / spoil reflectance into `after.tif` inside one chosen polygon, and sweeps with the
//! real file as the catalogue. The sweep must read every polygon, and report a mining-class
//! candidate `inside_closed_mine` whose `mine_id` is the chosen polygon.
//!
//! Cases: Amazon Mining Watch galamsey polygons, Ashanti, Ghana (GeoJSON, only a `year` field, so
//! ids are `row-N`), scene on the densest cluster; the Maus/Tang global mining footprints
//! (GeoPackage, `--id-field id`), scene on one mid-sized polygon. Each prints a message and
//! passes when the data is absent.

mod common;
use common::*;
use std::ffi::OsString;
use std::path::Path;
use std::process::Output;

use gdal::raster::rasterize;
use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use gdal::vector::{Geometry, LayerAccess};
use gdal::{Dataset, DatasetOptions, GdalOpenFlags};
use serde_json::Value;

/// Scene side in pixels (10 m): 4.8 km.
const SCENE_PX: usize = 480;
/// Half the scene side in metres.
const HALF_SIDE_M: f64 = 2_400.0;
/// Spoil / bare-soil surface reflectance × 10000 for B02 B03 B04 B08 B11 B12: bright, reddish,
/// high SWIR (BSI ≈ +0.12, NDVI ≈ +0.07) — fresh excavated laterite and waste rock.
const SPOIL: [f64; 6] = [2000.0, 2400.0, 2800.0, 3200.0, 3800.0, 3000.0];
/// Side of the square that bounds the burned patch (m): at most 9 ha of spoil.
const PATCH_SIDE_M: f64 = 300.0;
/// Smallest burned patch accepted (m²): 2 ha, 200 pixels.
const PATCH_MIN_M2: f64 = 20_000.0;
/// Gap kept between the patch and every other polygon (m), so the changed object touches only
/// the chosen mine even after the detector's 3×3 smoothing widens it by a pixel.
const GAP_M: f64 = 40.0;
/// Gap kept between the patch and the scene edge (m).
const EDGE_M: f64 = 300.0;
/// Classes goldsweep counts as mining evidence.
const MINING_CLASSES: [&str; 4] = [
    "spoil_heap",
    "leach_pond",
    "access_track",
    "vegetation_loss",
];

fn assert_ok(out: &Output, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what}: exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// One catalogue polygon as the sweep will name it, in lon/lat.
struct MinePolygon {
    /// The id goldsweep reports: the `--id-field` value, or `row-N` (1-based feature order).
    id: String,
    geometry: Geometry,
    /// Envelope centre (lon, lat).
    centre: (f64, f64),
    /// Envelope width and height in metres (local equirectangular approximation).
    size_m: (f64, f64),
}

/// Metres per degree of longitude and latitude at `lat` (spherical approximation, < 1 % off;
/// only used to pick a location, never to check a result).
fn metres_per_degree(lat: f64) -> (f64, f64) {
    (111_320.0 * lat.to_radians().cos(), 110_574.0)
}

fn read_polygons(path: &Path, id_field: Option<&str>) -> Vec<MinePolygon> {
    let ds = Dataset::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut layer = ds
        .layer(0)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = Vec::new();
    for (i, f) in layer.features().enumerate() {
        let id = match id_field {
            None => format!("row-{}", i + 1),
            Some(name) => {
                let idx = f
                    .field_index(name)
                    .unwrap_or_else(|e| panic!("{}: no field {name}: {e}", path.display()));
                f.field_as_string(idx)
                    .ok()
                    .flatten()
                    .unwrap_or_else(|| panic!("{}: row {} has no {name}", path.display(), i + 1))
            }
        };
        let geometry = f
            .geometry()
            .unwrap_or_else(|| panic!("{}: row {} has no geometry", path.display(), i + 1))
            .clone();
        let e = geometry.envelope();
        let centre = ((e.MinX + e.MaxX) / 2.0, (e.MinY + e.MaxY) / 2.0);
        let (kx, ky) = metres_per_degree(centre.1);
        out.push(MinePolygon {
            id,
            geometry,
            centre,
            size_m: ((e.MaxX - e.MinX) * kx, (e.MaxY - e.MinY) * ky),
        });
    }
    out
}

/// Envelope centre of the polygon with the most polygons lying wholly within a 4.4 km square
/// around it (ties: the earlier feature).
fn densest_cluster(polygons: &[MinePolygon]) -> (f64, f64) {
    let reach = HALF_SIDE_M - 200.0;
    let mut best = (0, (0.0, 0.0));
    for p in polygons {
        let (kx, ky) = metres_per_degree(p.centre.1);
        let inside = polygons
            .iter()
            .filter(|q| {
                (q.centre.0 - p.centre.0).abs() * kx + q.size_m.0 / 2.0 <= reach
                    && (q.centre.1 - p.centre.1).abs() * ky + q.size_m.1 / 2.0 <= reach
            })
            .count();
        if inside > best.0 {
            best = (inside, p.centre);
        }
    }
    best.1
}

fn wkt(g: &str) -> Geometry {
    Geometry::from_wkt(g).unwrap_or_else(|e| panic!("bad WKT {g}: {e}"))
}

fn square(x0: f64, y0: f64, side: f64) -> Geometry {
    let (x1, y1) = (x0 + side, y0 + side);
    wkt(&format!(
        "POLYGON (({x0} {y0}, {x1} {y0}, {x1} {y1}, {x0} {y1}, {x0} {y0}))"
    ))
}

/// The scene CRS and the lon/lat → scene transform, read from `raster`.
fn scene_transform(raster: &Path) -> (CoordTransform, [f64; 6]) {
    let ds = Dataset::open(raster).unwrap_or_else(|e| panic!("{}: {e}", raster.display()));
    let mut dst = ds
        .spatial_ref()
        .unwrap_or_else(|e| panic!("{}: no CRS: {e}", raster.display()));
    dst.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let mut src = SpatialRef::from_epsg(4326).unwrap_or_else(|e| panic!("EPSG:4326: {e}"));
    src.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let tr = CoordTransform::new(&src, &dst).unwrap_or_else(|e| panic!("lon/lat → scene: {e}"));
    let gt = ds
        .geo_transform()
        .unwrap_or_else(|e| panic!("{}: no geotransform: {e}", raster.display()));
    (tr, gt)
}

/// The first polygon (in feature order) that holds a spoil patch of at least
/// [`PATCH_MIN_M2`]: its part inside the scene (less [`EDGE_M`]) and at least [`GAP_M`] from
/// every other polygon, cut to the first [`PATCH_SIDE_M`] square of a 100 m lattice that keeps
/// enough of it. Returns the polygon's index and the patch in scene coordinates.
fn choose_patch(polygons: &[MinePolygon], centre: (f64, f64), after: &Path) -> (usize, Geometry) {
    let (tr, gt) = scene_transform(after);
    let side = SCENE_PX as f64 * gt[1];
    let inner = square(gt[0] + EDGE_M, gt[3] - side + EDGE_M, side - 2.0 * EDGE_M);
    // Only polygons within ~0.1° can touch the scene; projecting far-away ones into this UTM
    // zone would only add distortion.
    let near: Vec<(usize, Geometry)> = polygons
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            (p.centre.0 - centre.0).abs() < 0.1 + p.size_m.0 / 100_000.0
                && (p.centre.1 - centre.1).abs() < 0.1 + p.size_m.1 / 100_000.0
        })
        .map(|(i, p)| {
            let g = p
                .geometry
                .transform(&tr)
                .unwrap_or_else(|e| panic!("polygon {}: cannot reproject: {e}", p.id));
            (i, g)
        })
        .collect();
    for (i, g) in &near {
        let Some(mut region) = g.intersection(&inner) else {
            continue;
        };
        for (j, other) in &near {
            if j == i || region.is_empty() {
                continue;
            }
            let keep_out = other
                .buffer(GAP_M, 8)
                .unwrap_or_else(|e| panic!("buffer of polygon {}: {e}", polygons[*j].id));
            region = region.difference(&keep_out).unwrap_or_else(|| {
                panic!(
                    "polygon {} minus polygon {}",
                    polygons[*i].id, polygons[*j].id
                )
            });
        }
        if region.area() < PATCH_MIN_M2 {
            continue;
        }
        let e = region.envelope();
        let mut y = e.MinY;
        while y < e.MaxY {
            let mut x = e.MinX;
            while x < e.MaxX {
                if let Some(patch) = region.intersection(&square(x, y, PATCH_SIDE_M)) {
                    if patch.area() >= PATCH_MIN_M2 {
                        return (*i, patch);
                    }
                }
                x += 100.0;
            }
            y += 100.0;
        }
    }
    panic!("no polygon near {centre:?} holds a {PATCH_MIN_M2} m² patch inside the scene")
}

/// Copies `after` to `out` and burns [`SPOIL`] into every pixel whose centre is in `patch`;
/// returns the number of pixels that changed in band 1.
fn burn_spoil(after: &Path, out: &Path, patch: &Geometry) -> usize {
    std::fs::copy(after, out).unwrap_or_else(|e| panic!("copy {}: {e}", after.display()));
    {
        let mut ds = Dataset::open_ex(
            out,
            DatasetOptions {
                open_flags: GdalOpenFlags::GDAL_OF_UPDATE | GdalOpenFlags::GDAL_OF_RASTER,
                ..Default::default()
            },
        )
        .unwrap_or_else(|e| panic!("{}: cannot open for update: {e}", out.display()));
        for (b, value) in SPOIL.iter().enumerate() {
            rasterize(
                &mut ds,
                &[b + 1],
                std::slice::from_ref(patch),
                &[*value],
                None,
            )
            .unwrap_or_else(|e| panic!("{}: rasterize band {}: {e}", out.display(), b + 1));
        }
        ds.close()
            .unwrap_or_else(|e| panic!("{}: close: {e}", out.display()));
    }
    let band = |p: &Path| -> Vec<u16> {
        let ds = Dataset::open(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        let rb = ds
            .rasterband(1)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        rb.read_band_as::<u16>()
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
            .data()
            .to_vec()
    };
    let (a, b) = (band(after), band(out));
    a.iter().zip(&b).filter(|(x, y)| x != y).count()
}

/// Synthesises a scene centred on `centre`, burns spoil into the chosen polygon of `catalogue`,
/// sweeps with `catalogue_args`, and checks the run read `expected_features` polygons and found
/// the spoil inside the chosen closed mine.
fn sweep_real_catalogue(
    catalogue: &Path,
    polygons: &[MinePolygon],
    centre: (f64, f64),
    catalogue_args: &[&str],
    expected_features: usize,
) {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("cannot make a temp dir: {e}"));
    let scene = tmp.path().join("scene");
    let at = format!("--at={},{}", centre.0, centre.1);
    let res = goldsweep(&[
        "synth".into(),
        "--out".into(),
        scene.clone().into_os_string(),
        "--seed".into(),
        "7".into(),
        "--size".into(),
        SCENE_PX.to_string().into(),
        at.clone().into(),
    ]);
    assert_ok(&res, &format!("goldsweep synth {at}"));

    let (chosen, patch) = choose_patch(polygons, centre, &scene.join("after.tif"));
    let after = tmp.path().join("after_spoil.tif");
    let burned = burn_spoil(&scene.join("after.tif"), &after, &patch);
    assert!(
        burned as f64 >= PATCH_MIN_M2 / 100.0 * 0.9,
        "only {burned} pixels burned into polygon {}",
        polygons[chosen].id
    );

    let out = tmp.path().join("out");
    let mut a: Vec<OsString> = vec![
        "sweep".into(),
        "--before".into(),
        scene.join("before.tif").into(),
        "--after".into(),
        after.into(),
        "--catalogue".into(),
        catalogue.into(),
        "--out".into(),
        out.clone().into(),
    ];
    a.extend(catalogue_args.iter().map(OsString::from));
    let res = goldsweep(&a);
    assert_ok(&res, &format!("sweep with {}", catalogue.display()));

    let manifest = read_json(&out.join("run.json"));
    assert_eq!(
        manifest
            .pointer("/inputs/catalogue/feature_count")
            .and_then(Value::as_f64),
        Some(expected_features as f64),
        "run.json should count every polygon of {}",
        catalogue.display()
    );
    let candidates = read_json(&out.join("candidates.geojson"));
    let features = candidates
        .get("features")
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("candidates.geojson has no features array"));
    let want = &polygons[chosen].id;
    let prop = |f: &Value, k: &str| -> String {
        f.pointer(&format!("/properties/{k}"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    // The synthetic landscape has change of its own, which may fall in the same polygon: only
    // a candidate whose point lies on the burned patch, and that covers at least half of it,
    // is the planted spoil.
    let (to_scene, _) = scene_transform(&scene.join("after.tif"));
    let on_patch = patch
        .buffer(GAP_M, 8)
        .unwrap_or_else(|e| panic!("buffer of the patch: {e}"));
    let at_patch = |f: &Value| -> bool {
        let lonlat = f
            .pointer("/geometry/coordinates")
            .and_then(Value::as_array)
            .and_then(|c| Some((c.first()?.as_f64()?, c.get(1)?.as_f64()?)));
        let Some((lon, lat)) = lonlat else {
            panic!("candidate without a point: {f}");
        };
        let point = wkt(&format!("POINT ({lon} {lat})"))
            .transform(&to_scene)
            .unwrap_or_else(|e| panic!("candidate at {lon},{lat}: cannot reproject: {e}"));
        let area = f
            .pointer("/properties/area_m2")
            .and_then(Value::as_f64)
            .unwrap_or(0.0);
        on_patch.contains(&point) && area >= 0.5 * burned as f64 * 100.0
    };
    let hits: Vec<&Value> = features
        .iter()
        .filter(|f| {
            prop(f, "relation") == "inside_closed_mine"
                && prop(f, "mine_id") == *want
                && at_patch(f)
        })
        .collect();
    assert!(
        !hits.is_empty(),
        "no candidate on the spoil patch inside_closed_mine with mine_id {want} among {} candidates:\n{}",
        features.len(),
        features
            .iter()
            .map(|f| format!(
                "{} {} {} {}",
                prop(f, "class"),
                prop(f, "relation"),
                prop(f, "mine_id"),
                f.pointer("/properties/area_m2").unwrap_or(&Value::Null)
            ))
            .collect::<Vec<_>>()
            .join("\n")
    );
    for f in &hits {
        println!(
            "{}: scene at {at}, spoil patch of {burned} px in mine {want}: rank {} {} {} m², score {}",
            catalogue.display(),
            f.pointer("/properties/rank").unwrap_or(&Value::Null),
            prop(f, "class"),
            f.pointer("/properties/area_m2").unwrap_or(&Value::Null),
            f.pointer("/properties/score").unwrap_or(&Value::Null),
        );
    }
    assert!(
        hits.iter()
            .any(|f| MINING_CLASSES.contains(&prop(f, "class").as_str())),
        "the spoil in mine {want} is not a mining class: {:?}",
        hits.iter().map(|f| prop(f, "class")).collect::<Vec<_>>()
    );
}

#[test]
fn ghana_galamsey_polygons_catalogue_a_spoil_heap() {
    let sub = "mines/amw_ghana_ashanti_2017-2020.geojson";
    let Some(data) = shared_data_root(sub) else {
        return;
    };
    let catalogue = data.join(sub);
    // The file's only field is `year`, which does not identify a polygon: no --id-field, so
    // goldsweep names the polygons row-1 … row-407 in feature order.
    let polygons = read_polygons(&catalogue, None);
    assert_eq!(polygons.len(), 407, "{}", catalogue.display());
    let centre = densest_cluster(&polygons);
    sweep_real_catalogue(
        &catalogue,
        &polygons,
        centre,
        &["--default-status", "closed"],
        407,
    );
}

#[test]
fn maus_tang_footprints_catalogue_a_spoil_heap() {
    let sub = "mines/maus_tang_combined_demo.gpkg";
    let Some(data) = shared_data_root(sub) else {
        return;
    };
    let catalogue = data.join(sub);
    let polygons = read_polygons(&catalogue, Some("id"));
    assert_eq!(polygons.len(), 100, "{}", catalogue.display());
    // The first footprint of 5 ha or more that fits well inside the scene, away from the poles.
    let target = polygons
        .iter()
        .find(|p| {
            let (kx, ky) = metres_per_degree(p.centre.1);
            p.centre.1.abs() <= 60.0
                && p.size_m.0.max(p.size_m.1) <= 2_500.0
                && p.geometry.area() * kx * ky >= 50_000.0
        })
        .unwrap_or_else(|| panic!("{}: no mid-sized footprint", catalogue.display()));
    sweep_real_catalogue(
        &catalogue,
        &polygons,
        target.centre,
        &["--id-field", "id", "--default-status", "closed"],
        100,
    );
}
