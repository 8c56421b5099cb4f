//! The demo scene end to end through the `goldsweep` binary: outputs exist, are well-formed,
//! ranked as the campaign needs, and find the planted mining change.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run_demo(out: &Path, extra: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_goldsweep"))
        .current_dir(repo())
        .args(["demo", "--out"])
        .arg(out)
        .args(extra)
        .output()
        .expect("the goldsweep binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "demo failed: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn props(f: &Value) -> &serde_json::Map<String, Value> {
    f["properties"].as_object().expect("properties object")
}

#[test]
fn demo_writes_ranked_explained_candidates_that_find_the_planted_mining() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("demo");
    let stdout = run_demo(&out, &["--threads", "2"]);
    assert!(
        stdout.contains("rank"),
        "the demo prints a table:\n{stdout}"
    );
    assert!(stdout.contains("against the planted truth"), "{stdout}");

    for name in [
        "candidates.geojson",
        "objects.geojson",
        "change.tif",
        "run.json",
    ] {
        assert!(out.join(name).is_file(), "{name} missing");
    }
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .expect("out dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

    let cands = read_json(&out.join("candidates.geojson"));
    assert_eq!(cands["type"], "FeatureCollection");
    let features = cands["features"].as_array().expect("features");
    assert!(features.len() >= 10, "{} candidates", features.len());
    let mut last_score = f64::INFINITY;
    let mut ids = std::collections::BTreeSet::new();
    for (i, f) in features.iter().enumerate() {
        let p = props(f);
        assert_eq!(p["rank"].as_u64(), Some(i as u64 + 1), "sorted by rank");
        let score = p["score"].as_f64().expect("score");
        assert!(
            (0.0..=1.0).contains(&score) && score <= last_score,
            "scores descend"
        );
        last_score = score;
        assert!(
            ids.insert(p["id"].as_str().expect("id").to_string()),
            "ids unique"
        );
        let c = f["geometry"]["coordinates"].as_array().expect("point");
        let (lon, lat) = (c[0].as_f64().expect("lon"), c[1].as_f64().expect("lat"));
        // The demo scene lies west of Zhaoyuan, Shandong: RFC 7946 order is lon, lat.
        assert!(
            (120.0..121.0).contains(&lon) && (37.0..38.0).contains(&lat),
            "{lon} {lat}"
        );
        for key in [
            "class",
            "area_m2",
            "area_mu",
            "relation",
            "mine_id",
            "mine_name",
            "mine_status",
            "distance_m",
            "d_ndvi",
            "d_bsi",
            "d_mndwi",
            "magnitude",
            "reason",
        ] {
            assert!(p.contains_key(key), "property {key} missing");
        }
        let area_m2 = p["area_m2"].as_f64().expect("area");
        let area_mu = p["area_mu"].as_f64().expect("mu");
        assert!(
            (area_m2 / 666.667 - area_mu).abs() < 0.01,
            "1 mu = 666.7 m²"
        );
    }

    // Mining evidence at closed mines / the illegal site comes first, licensed activity last.
    let relation = |f: &Value| props(f)["relation"].as_str().unwrap_or("").to_string();
    let class = |f: &Value| props(f)["class"].as_str().unwrap_or("").to_string();
    let top: Vec<_> = features.iter().take(10).collect();
    for f in &top {
        assert!(
            ["inside_closed_mine", "near_closed_mine", "at_illegal_site"]
                .contains(&relation(f).as_str()),
            "top 10 are at closed mines: {}",
            props(f)["reason"]
        );
        assert_ne!(class(f), "other_change");
    }
    // One candidate per planted object at each closed mine: a pond's bank, part water and part
    // earth, is reported with the pond, not as land-change fragments beside it.
    let truth = read_json(&repo().join("data/demo/truth.geojson"));
    let mut planted = std::collections::BTreeMap::<String, usize>::new();
    for t in truth["features"].as_array().expect("truth features") {
        if props(t)["mining"].as_bool() == Some(true) {
            let mine = props(t)["mine_id"].as_str().expect("mine id").to_string();
            *planted.entry(mine).or_default() += 1;
        }
    }
    for (mine, &n) in &planted {
        let found = features
            .iter()
            .filter(|f| props(f)["mine_id"].as_str() == Some(mine.as_str()))
            .filter(|f| relation(f) != "inside_active_mine" && class(f) != "other_change")
            .count();
        assert!(
            found <= n,
            "{found} candidates at {mine}, where {n} objects were planted"
        );
    }
    let first_active = features
        .iter()
        .position(|f| relation(f) == "inside_active_mine");
    let last_closed = features.iter().rposition(|f| {
        ["inside_closed_mine", "near_closed_mine", "at_illegal_site"]
            .contains(&relation(f).as_str())
            && class(f) != "other_change"
    });
    if let (Some(a), Some(c)) = (first_active, last_closed) {
        assert!(
            a > c,
            "activity inside the active mine ranks below closed-mine evidence"
        );
    }

    // The farm-pond lattice far from mines is recognised as such and stays out of the top k.
    let lattice: Vec<usize> = features
        .iter()
        .enumerate()
        .filter(|(_, f)| props(f)["pond_lattice"].as_bool() == Some(true))
        .map(|(i, _)| i)
        .collect();
    assert!(
        lattice.len() >= 4,
        "pond lattice flagged on {} candidates",
        lattice.len()
    );
    assert!(
        lattice.iter().all(|&i| i >= 10),
        "no lattice pond in the top 10: {lattice:?}"
    );
    assert!(
        features
            .iter()
            .take(10)
            .any(|f| props(f)["leach_site"].as_bool() == Some(true)),
        "a pond beside a heap is a leach site"
    );
    assert!(features
        .iter()
        .all(|f| props(f)["degraded_no_swir"].as_bool() == Some(false)));

    // Objects: the same ids, as polygons.
    let objects = read_json(&out.join("objects.geojson"));
    let obj = objects["features"].as_array().expect("features");
    assert_eq!(obj.len(), features.len());
    for (o, c) in obj.iter().zip(features) {
        assert_eq!(props(o)["id"], props(c)["id"]);
        let t = o["geometry"]["type"].as_str().unwrap_or("");
        assert!(t == "Polygon" || t == "MultiPolygon", "{t}");
    }

    // Against the planted truth.
    let eval = Command::new(env!("CARGO_BIN_EXE_goldsweep"))
        .args(["eval", "--json", "--run"])
        .arg(&out)
        .arg("--truth")
        .arg(repo().join("data/demo/truth.geojson"))
        .arg("--labels")
        .arg(repo().join("data/demo/truth_change.tif"))
        .output()
        .expect("eval runs");
    assert!(
        eval.status.success(),
        "{}",
        String::from_utf8_lossy(&eval.stderr)
    );
    let scores: Value = serde_json::from_slice(&eval.stdout).expect("eval JSON");
    let o = &scores["object"];
    assert_eq!(
        o["recall"].as_f64(),
        Some(1.0),
        "every planted mining object found: {o}"
    );
    assert_eq!(
        o["precision_at_k"].as_f64(),
        Some(1.0),
        "top k all mining evidence: {o}"
    );
    assert!(o["class_accuracy"].as_f64().unwrap_or(0.0) >= 0.7, "{o}");
    assert_eq!(
        o["masked_candidates"].as_u64(),
        Some(0),
        "no candidate under the cloud"
    );
    assert_eq!(o["confusers_in_top_k"].as_u64(), Some(0));
    assert_eq!(o["active_below_mining"].as_bool(), Some(true));
    let px = &scores["pixel"];
    assert!(px["kappa"].as_f64().unwrap_or(0.0) > 0.5, "{px}");

    // The manifest records inputs, parameters, versions and the fit.
    let manifest = read_json(&out.join("run.json"));
    assert!(manifest["gdal"].as_str().unwrap_or("").starts_with('3'));
    assert_eq!(manifest["grid"]["width"], 480);
    assert_eq!(manifest["inputs"]["catalogue"]["feature_count"], 8);
    assert!(manifest["fit"]["magnitude_threshold"].as_f64().is_some());
}

#[test]
fn cloud_masked_pixels_are_never_change() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("demo");
    run_demo(&out, &[]);
    let mask = gdal::Dataset::open(repo().join("data/demo/after_mask.tif")).expect("mask");
    let change = gdal::Dataset::open(out.join("change.tif")).expect("change.tif");
    let m = mask
        .rasterband(1)
        .and_then(|b| b.read_band_as::<u8>())
        .expect("read mask");
    let c = change
        .rasterband(1)
        .and_then(|b| b.read_band_as::<u8>())
        .expect("read change");
    let (m, c) = (m.data(), c.data());
    assert_eq!(m.len(), c.len());
    let masked = m.iter().filter(|&&v| v != 0).count();
    assert!(masked > 100, "the demo has a cloud ({masked} px)");
    for (i, (&mv, &cv)) in m.iter().zip(c).enumerate() {
        if mv != 0 {
            assert_eq!(cv, 255, "masked pixel {i} is {cv} in change.tif");
        }
        assert!(cv <= 5 || cv == 255, "value {cv} outside the legend");
    }
}

#[test]
fn a_time_series_confirms_change_and_flags_reactivation() {
    // History: the heaps are bare (after.tif); before: grown over (before.tif); after, twice:
    // bare again. Every planted heap at a closed mine is then re-activated, and change seen on
    // both later dates is confirmed.
    let demo = repo().join("data/demo");
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("series");
    let o = Command::new(env!("CARGO_BIN_EXE_goldsweep"))
        .arg("sweep")
        .arg("--history")
        .arg(demo.join("after.tif"))
        .arg("--before")
        .arg(demo.join("before.tif"))
        .arg("--after")
        .arg(demo.join("after.tif"))
        .arg("--after")
        .arg(demo.join("after.tif"))
        .arg("--mask-after")
        .arg(demo.join("after_mask.tif"))
        .arg("--catalogue")
        .arg(demo.join("catalogue.geojson"))
        .arg("--out")
        .arg(&out)
        .output()
        .expect("goldsweep runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let cands = read_json(&out.join("candidates.geojson"));
    let features = cands["features"].as_array().expect("features");
    let reactivated: Vec<&Value> = features
        .iter()
        .filter(|f| props(f)["reactivated"].as_bool() == Some(true))
        .collect();
    assert!(!reactivated.is_empty(), "re-activation flagged");
    for f in &reactivated {
        let p = props(f);
        assert!(
            ["inside_closed_mine", "near_closed_mine", "at_illegal_site"]
                .contains(&p["relation"].as_str().unwrap_or(""))
        );
        let series = p["ndvi_series"].as_array().expect("series");
        assert_eq!(series.len(), 4, "history, before and two after dates");
    }
    for f in &reactivated {
        let p = props(f);
        assert_eq!(p["tier"].as_u64(), Some(3));
        assert!(p["reason"].as_str().unwrap_or("").contains("RE-ACTIVATED"));
    }
    assert!(features
        .iter()
        .any(|f| props(f)["confirmed"].as_bool() == Some(true)));
    // One --mask-after for two --after dates masks the last date only.
    let run = read_json(&out.join("run.json"));
    assert!(run["inputs"]["intermediate"][0]["mask"].is_null());
    assert!(run["inputs"]["after"]["mask"]["file"].is_string());
}

#[test]
fn each_date_of_a_time_series_can_have_its_own_mask() {
    let demo = repo().join("data/demo");
    let dir = tempfile::tempdir().expect("temp dir");
    // A mask that covers the whole scene: the date is one big cloud.
    let overcast = dir.path().join("overcast.tif");
    {
        let src = gdal::Dataset::open(demo.join("after_mask.tif")).expect("mask");
        let (w, h) = src.raster_size();
        let mut ds = gdal::DriverManager::get_driver_by_name("GTiff")
            .and_then(|d| d.create_with_band_type::<u8, _>(&overcast, w, h, 1))
            .expect("create mask");
        ds.set_geo_transform(&src.geo_transform().expect("geo transform"))
            .expect("set geo transform");
        ds.set_projection(&src.projection())
            .expect("set projection");
        let mut buf = gdal::raster::Buffer::new((w, h), vec![1u8; w * h]);
        ds.rasterband(1)
            .and_then(|mut b| b.write((0, 0), (w, h), &mut buf))
            .expect("write mask");
    }
    let series = |out: &Path, intermediate_mask: &Path| {
        let o = Command::new(env!("CARGO_BIN_EXE_goldsweep"))
            .arg("sweep")
            .arg("--before")
            .arg(demo.join("before.tif"))
            .args(["--after".as_ref(), demo.join("after.tif").as_os_str()])
            .args(["--after".as_ref(), demo.join("after.tif").as_os_str()])
            .args(["--mask-after".as_ref(), intermediate_mask.as_os_str()])
            .args([
                "--mask-after".as_ref(),
                demo.join("after_mask.tif").as_os_str(),
            ])
            .arg("--out")
            .arg(out)
            .output()
            .expect("goldsweep runs");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let run = read_json(&out.join("run.json"));
        let file = run["inputs"]["intermediate"][0]["mask"]["file"].as_str();
        assert!(
            file.is_some_and(|f| f.ends_with(
                intermediate_mask
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or("?")
            )),
            "{run}"
        );
        let cands = read_json(&out.join("candidates.geojson"));
        let features = cands["features"].as_array().cloned().unwrap_or_default();
        let confirmed = features
            .iter()
            .filter(|f| props(f)["confirmed"].as_bool() == Some(true))
            .count();
        (features.len(), confirmed)
    };
    // The same date twice, masked alike: every candidate is seen on both dates.
    let (n, confirmed) = series(&dir.path().join("clear"), &demo.join("after_mask.tif"));
    assert!(n > 0);
    assert_eq!(confirmed, n, "same date twice: all confirmed");
    // The intermediate date under its own all-covering mask confirms nothing, and is no error.
    let (n_overcast, confirmed) = series(&dir.path().join("overcast"), &overcast);
    assert_eq!(n_overcast, n);
    assert_eq!(confirmed, 0, "a date masked throughout confirms nothing");
}
