//! Truth and catalogue: vocabulary, geometry relations (checked with geo in the scene CRS on the
//! files read back), cloud mask and truth raster consistency, spectral evidence.

mod common;

use std::collections::BTreeSet;

use common::{center, geo_transform, make, read_band, read_features, Feature};
use geo::{Area, BoundingRect, Contains, Distance, Euclidean, InteriorPoint, Point};

const CLOSED: [&str; 3] = ["policy_closed", "protected_area_exit", "closed"];

fn mine<'a>(cat: &'a [Feature], id: &str) -> &'a Feature {
    cat.iter()
        .find(|m| m.str("id") == id)
        .expect("mine id in catalogue")
}

#[test]
fn catalogue_has_the_sweep_statuses() {
    let g = make(2, 480);
    let cat = read_features(&g.path("catalogue.geojson"));
    assert!((6..=10).contains(&cat.len()));
    let statuses: Vec<&str> = cat.iter().map(|m| m.str("status")).collect();
    assert_eq!(statuses.iter().filter(|s| **s == "active").count(), 1);
    assert_eq!(statuses.iter().filter(|s| **s == "illegal_site").count(), 1);
    let closed: BTreeSet<&str> = statuses
        .iter()
        .copied()
        .filter(|s| CLOSED.contains(s))
        .collect();
    assert!(closed.len() >= 2, "{closed:?}");
    let ids: BTreeSet<&str> = cat.iter().map(|m| m.str("id")).collect();
    assert_eq!(ids.len(), cat.len());
    for m in &cat {
        assert!(!m.str("name").is_empty());
        assert_eq!(m.lonlat.first(), m.lonlat.last(), "closed ring");
        // RFC 7946: counter-clockwise exterior in lon/lat.
        let ll = geo::Polygon::new(
            m.lonlat.iter().map(|&(x, y)| geo::Coord { x, y }).collect(),
            vec![],
        );
        assert!(ll.signed_area() > 0.0, "{} is clockwise", m.str("id"));
        let (lon, lat) = m.lonlat[0];
        assert!(
            (120.0..121.0).contains(&lon) && (37.0..37.6).contains(&lat),
            "{lon} {lat}"
        );
    }
}

#[test]
fn truth_objects_relate_to_the_catalogue_as_declared() {
    for seed in [1, 4, 9] {
        let g = make(seed, 480);
        let cat = read_features(&g.path("catalogue.geojson"));
        let truth = read_features(&g.path("truth.geojson"));
        let gt = geo_transform(&g.path("before.tif"));
        let extent = geo::Rect::new(
            geo::Coord {
                x: gt[0],
                y: gt[3] - 4800.0,
            },
            geo::Coord {
                x: gt[0] + 4800.0,
                y: gt[3],
            },
        );
        let mut closed_with_evidence = BTreeSet::new();
        let mut classes = BTreeSet::new();
        for t in &truth {
            let id = t.str("truth_id");
            let bb = t.polygon.bounding_rect().expect("bbox");
            assert!(extent.contains(&bb), "seed {seed}: {id} leaves the scene");
            classes.insert(t.str("class").to_string());
            let mining = t.props["mining"].as_bool().expect("mining bool");
            let ctx = t.str("context");
            let rel = t.str("expected_relation");
            let dist_to_all = cat
                .iter()
                .map(|m| Euclidean.distance(&t.polygon, &m.polygon))
                .fold(f64::MAX, f64::min);
            match ctx {
                "closed_mine" | "illegal_site" => {
                    assert!(mining, "{id}");
                    let m = mine(&cat, t.str("mine_id"));
                    let d = Euclidean.distance(&t.polygon, &m.polygon);
                    assert!(
                        d <= 300.0,
                        "seed {seed}: {id} is {d:.0} m from {}",
                        m.str("id")
                    );
                    if ctx == "closed_mine" {
                        assert!(CLOSED.contains(&m.str("status")));
                        assert!(
                            rel == "inside_closed_mine" || rel == "near_closed_mine",
                            "{rel}"
                        );
                        closed_with_evidence.insert(m.str("id").to_string());
                    } else {
                        assert_eq!(m.str("status"), "illegal_site");
                        assert_eq!(rel, "at_illegal_site");
                    }
                    let inside = t
                        .polygon
                        .interior_point()
                        .is_some_and(|p: Point| m.polygon.contains(&p));
                    if ctx == "closed_mine" {
                        assert_eq!(
                            inside,
                            rel == "inside_closed_mine",
                            "seed {seed}: {id} {rel}"
                        );
                    }
                }
                "active_mine" => {
                    assert!(!mining);
                    assert_eq!(rel, "inside_active_mine");
                    let m = mine(&cat, t.str("mine_id"));
                    assert_eq!(m.str("status"), "active");
                    assert!(
                        m.polygon.contains(&t.polygon),
                        "{id} not inside the active mine"
                    );
                }
                "far_from_mines" => {
                    assert!(!mining);
                    assert_eq!(rel, "outside_catalogue");
                    assert!(
                        dist_to_all > 1000.0,
                        "seed {seed}: confuser {id} {dist_to_all:.0} m"
                    );
                }
                other => panic!("unknown context {other}"),
            }
        }
        assert!(
            closed_with_evidence.len() >= 3,
            "seed {seed}: {closed_with_evidence:?}"
        );
        for c in [
            "spoil_heap",
            "leach_pond",
            "access_track",
            "vegetation_loss",
            "other_change",
        ] {
            assert!(classes.contains(c), "seed {seed}: no {c}");
        }
        assert!(truth.iter().any(|t| t.str("context") == "illegal_site"));
        assert!(
            truth
                .iter()
                .filter(|t| t.str("context") == "far_from_mines")
                .count()
                >= 10
        );
    }
}

/// Reflectance of band `b` (1-based) of a scene.
fn refl(g: &common::Generated, name: &str, b: usize) -> Vec<f64> {
    read_band(&g.path(name), b)
        .0
        .iter()
        .map(|v| v / 10_000.0)
        .collect()
}

#[test]
fn truth_raster_and_mask_match_the_planted_objects() {
    let g = make(7, 480);
    let n = 480;
    let gt = geo_transform(&g.path("truth_change.tif"));
    let (truth, _, _) = read_band(&g.path("truth_change.tif"), 1);
    let (mask, _, _) = read_band(&g.path("after_mask.tif"), 1);
    let objs = read_features(&g.path("truth.geojson"));
    let masked = mask.iter().filter(|&&m| m == 1.0).count();
    assert!(masked > 200 && masked < n * n / 5, "{masked} masked pixels");
    assert_eq!(masked, g.summary.masked_pixels);
    for i in 0..n * n {
        assert_eq!(
            mask[i] == 1.0,
            truth[i] == 255.0,
            "pixel {i}: mask and truth disagree"
        );
    }
    // Every pixel centre inside an object is change or masked.
    let mut inside_any = vec![false; n * n];
    for o in &objs {
        let bb = o.polygon.bounding_rect().expect("bbox");
        let c0 = ((bb.min().x - gt[0]) / 10.0).floor().max(0.0) as usize;
        let c1 = (((bb.max().x - gt[0]) / 10.0).ceil() as usize).min(n);
        let r0 = ((gt[3] - bb.max().y) / 10.0).floor().max(0.0) as usize;
        let r1 = (((gt[3] - bb.min().y) / 10.0).ceil() as usize).min(n);
        let mut count = 0;
        for r in r0..r1 {
            for c in c0..c1 {
                if o.polygon.contains(&Point::from(center(&gt, r, c))) {
                    inside_any[r * n + c] = true;
                    count += 1;
                    assert!(
                        truth[r * n + c] != 0.0,
                        "{} pixel ({r},{c}) not marked",
                        o.str("truth_id")
                    );
                }
            }
        }
        assert!(count > 0, "{} covers no pixel centre", o.str("truth_id"));
    }
    // Every change pixel belongs to an object (centre inside, allowing 1 m for rounding).
    for r in 0..n {
        for c in 0..n {
            if truth[r * n + c] == 1.0 && !inside_any[r * n + c] {
                let p = Point::from(center(&gt, r, c));
                let d = objs
                    .iter()
                    .map(|o| Euclidean.distance(&p, &o.polygon))
                    .fold(f64::MAX, f64::min);
                assert!(
                    d < 1.0,
                    "change pixel ({r},{c}) is {d:.2} m from every object"
                );
            }
        }
    }
    // The cloud's soft edge crosses at least one planted object.
    assert!(objs.iter().any(|o| {
        let f = o.props["masked_fraction"].as_f64().unwrap_or(0.0);
        f > 0.0 && f < 1.0
    }));
    // Unexplained brightening (ΔB02 > 0.15 away from every object) is all under the mask.
    let (b_before, b_after) = (refl(&g, "before.tif", 1), refl(&g, "after.tif", 1));
    let mut bright = 0;
    for r in 0..n {
        for c in 0..n {
            let i = r * n + c;
            if b_after[i] - b_before[i] > 0.15 && !inside_any[i] {
                let p = Point::from(center(&gt, r, c));
                let near = objs
                    .iter()
                    .any(|o| Euclidean.distance(&p, &o.polygon) < 15.0);
                if !near {
                    bright += 1;
                    assert_eq!(mask[i], 1.0, "bright pixel ({r},{c}) outside the mask");
                }
            }
        }
    }
    assert!(
        bright > 50,
        "the cloud should brighten the after scene ({bright} px)"
    );
}

#[test]
fn planted_objects_carry_the_expected_spectral_evidence() {
    let g = make(4, 480);
    let n = 480;
    let gt = geo_transform(&g.path("before.tif"));
    let objs = read_features(&g.path("truth.geojson"));
    let (mask, _, _) = read_band(&g.path("after_mask.tif"), 1);
    let band = |name: &str, b| refl(&g, name, b);
    let (r_b, n_b) = (band("before.tif", 3), band("before.tif", 4));
    let (g_a, r_a, n_a, s_a) = (
        band("after.tif", 2),
        band("after.tif", 3),
        band("after.tif", 4),
        band("after.tif", 5),
    );
    let ndvi = |nir: f64, red: f64| (nir - red) / (nir + red);
    let mut object_pixel = vec![false; n * n];
    let mut per_class: std::collections::BTreeMap<String, Vec<(f64, f64)>> = Default::default();
    for o in &objs {
        for r in 0..n {
            for c in 0..n {
                let i = r * n + c;
                if mask[i] == 0.0 && o.polygon.contains(&Point::from(center(&gt, r, c))) {
                    object_pixel[i] = true;
                    let d_ndvi = ndvi(n_a[i], r_a[i]) - ndvi(n_b[i], r_b[i]);
                    let mndwi = (g_a[i] - s_a[i]) / (g_a[i] + s_a[i]);
                    let key = format!("{}:{}", o.str("class"), o.props["mining"]);
                    per_class.entry(key).or_default().push((d_ndvi, mndwi));
                }
            }
        }
    }
    let mean = |v: &Vec<(f64, f64)>, k: usize| {
        v.iter()
            .map(|p| if k == 0 { p.0 } else { p.1 })
            .sum::<f64>()
            / v.len() as f64
    };
    // Heaps cover old, partly revegetated mine ground, so the drop is moderate.
    let heaps = &per_class["spoil_heap:true"];
    assert!(
        mean(heaps, 0) < -0.15,
        "spoil heaps ΔNDVI {}",
        mean(heaps, 0)
    );
    let clearing = &per_class["vegetation_loss:true"];
    assert!(
        mean(clearing, 0) < -0.3,
        "clearings ΔNDVI {}",
        mean(clearing, 0)
    );
    let harvest = &per_class["vegetation_loss:false"];
    assert!(
        mean(harvest, 0) < -0.3,
        "harvest ΔNDVI {}",
        mean(harvest, 0)
    );
    let ponds = &per_class["leach_pond:true"];
    assert!(mean(ponds, 1) > 0.3, "leach ponds MNDWI {}", mean(ponds, 1));
    // Unchanged, clear pixels: phenology and radiometry only.
    let mut d: Vec<f64> = (0..n * n)
        .filter(|&i| !object_pixel[i] && mask[i] == 0.0)
        .map(|i| (ndvi(n_a[i], r_a[i]) - ndvi(n_b[i], r_b[i])).abs())
        .collect();
    d.sort_by(f64::total_cmp);
    let p95 = d[d.len() * 95 / 100];
    assert!(
        p95 < 0.2,
        "95th percentile |ΔNDVI| of unchanged pixels {p95}"
    );
}
