//! Object scores on a hand-made run directory with answers worked out by hand.

mod common;

use std::path::Path;

use common::{write_u8_flat, Georef, TestDir};
use goldsweep_eval::{format_object_table, object_scores, EvalError};

/// change.tif grid for the object tests: EPSG:4326, 0.001° pixels, 100 × 100 from (120.0, 37.4).
const GRID: [f64; 6] = [120.0, 0.001, 0.0, 37.4, 0.0, -0.001];

/// A square of side `half * 2` degrees centred on (lon, lat), as GeoJSON coordinates.
fn square(lon: f64, lat: f64, half: f64) -> String {
    format!(
        "[[[{w},{s}],[{e},{s}],[{e},{n}],[{w},{n}],[{w},{s}]]]",
        w = lon - half,
        e = lon + half,
        s = lat - half,
        n = lat + half
    )
}

fn collection(features: &[String]) -> String {
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    )
}

fn polygon(props: &str, lon: f64, lat: f64, half: f64) -> String {
    format!(
        r#"{{"type":"Feature","properties":{{{props}}},"geometry":{{"type":"Polygon","coordinates":{}}}}}"#,
        square(lon, lat, half)
    )
}

fn point(props: &str, lon: f64, lat: f64) -> String {
    format!(
        r#"{{"type":"Feature","properties":{{{props}}},"geometry":{{"type":"Point","coordinates":[{lon},{lat}]}}}}"#
    )
}

fn truth_feature(id: &str, class: &str, mining: bool, context: &str, lon: f64, lat: f64) -> String {
    polygon(
        &format!(
            r#""truth_id":"{id}","class":"{class}","mining":{mining},"context":"{context}","expected_relation":"inside_closed_mine""#
        ),
        lon,
        lat,
        0.001,
    )
}

/// Truth: T1 spoil_heap, T2 leach_pond, T3 access_track (mining, closed mines); T4 at the active
/// mine; T5 a farm pond far from mines (confuser).
fn write_truth(dir: &TestDir) -> std::path::PathBuf {
    dir.write(
        "truth.geojson",
        &collection(&[
            truth_feature("T1", "spoil_heap", true, "closed_mine", 120.010, 37.310),
            truth_feature("T2", "leach_pond", true, "closed_mine", 120.020, 37.310),
            truth_feature("T3", "access_track", true, "closed_mine", 120.030, 37.310),
            truth_feature("T4", "spoil_heap", false, "active_mine", 120.050, 37.350),
            truth_feature("T5", "leach_pond", false, "far_from_mines", 120.080, 37.380),
        ]),
    )
}

/// One output: id, class, centre and half-size of its polygon (`None`: no polygon in objects.geojson).
struct Out {
    id: &'static str,
    rank: u32,
    class: &'static str,
    lon: f64,
    lat: f64,
    half: Option<f64>,
}

/// Outputs, by rank:
/// C1 spoil_heap on T1; C2 leach_pond on the confuser T5; C3 spoil_heap touching a corner of T2;
/// C4 other_change on nothing, point only, on a masked pixel; C5 leach_pond covering T2;
/// C6 spoil_heap on the active-mine T4.
fn outputs(active_rank: u32) -> Vec<Out> {
    vec![
        Out {
            id: "C1",
            rank: 1,
            class: "spoil_heap",
            lon: 120.0105,
            lat: 37.3105,
            half: Some(0.001),
        },
        Out {
            id: "C2",
            rank: 2,
            class: "leach_pond",
            lon: 120.080,
            lat: 37.380,
            half: Some(0.0005),
        },
        Out {
            id: "C3",
            rank: 3,
            class: "spoil_heap",
            lon: 120.0185,
            lat: 37.3085,
            half: Some(0.001),
        },
        Out {
            id: "C4",
            rank: 4,
            class: "other_change",
            lon: 120.0905,
            lat: 37.3105,
            half: None,
        },
        Out {
            id: "C5",
            rank: 5,
            class: "leach_pond",
            lon: 120.020,
            lat: 37.310,
            half: Some(0.0012),
        },
        Out {
            id: "C6",
            rank: active_rank,
            class: "spoil_heap",
            lon: 120.050,
            lat: 37.350,
            half: Some(0.0008),
        },
    ]
}

fn write_run(dir: &Path, outs: &[Out]) {
    let mut candidates: Vec<&Out> = outs.iter().collect();
    candidates.sort_by_key(|o| o.rank);
    let cand_features: Vec<String> = candidates
        .iter()
        .map(|o| {
            point(
                &format!(
                    r#""id":"{}","rank":{},"class":"{}","score":0.5,"relation":"inside_closed_mine""#,
                    o.id, o.rank, o.class
                ),
                o.lon,
                o.lat,
            )
        })
        .collect();
    let object_features: Vec<String> = outs
        .iter()
        .filter_map(|o| {
            o.half.map(|half| {
                polygon(
                    &format!(
                        r#""id":"{}","rank":{},"class":"{}","score":0.5"#,
                        o.id, o.rank, o.class
                    ),
                    o.lon,
                    o.lat,
                    half,
                )
            })
        })
        .collect();
    std::fs::write(dir.join("candidates.geojson"), collection(&cand_features)).unwrap();
    std::fs::write(dir.join("objects.geojson"), collection(&object_features)).unwrap();

    // Masked block: columns 85..95, rows 85..95 → lon 120.085..120.095, lat 37.305..37.315.
    let mut data = vec![0u8; 100 * 100];
    for row in 85..95 {
        for col in 85..95 {
            data[row * 100 + col] = 255;
        }
    }
    write_u8_flat(
        "GTiff",
        &dir.join("change.tif"),
        100,
        100,
        data,
        Some(Georef {
            transform: GRID,
            epsg: 4326,
        }),
    );
}

#[test]
fn hand_made_run_scores() {
    let dir = TestDir::new("obj_scores");
    let truth = write_truth(&dir);
    write_run(dir.path(), &outputs(6));
    let s = object_scores(dir.path(), &truth).unwrap();

    assert_eq!(s.truth_mining, 3);
    assert_eq!(s.found_mining, 2, "T1 and T2 found, T3 missed");
    assert!((s.recall - 2.0 / 3.0).abs() < 1e-12);
    // T2's best overlap is C5 (leach_pond, covers it), not C3 (spoil_heap, a corner).
    assert!((s.class_accuracy - 1.0).abs() < 1e-12);
    assert_eq!(s.candidates, 6);
    assert!(
        (s.precision - 5.0 / 6.0).abs() < 1e-12,
        "only C4 matches nothing"
    );
    assert_eq!(s.k, 3);
    assert!(
        (s.precision_at_k - 2.0 / 3.0).abs() < 1e-12,
        "top 3: C1, C2 (confuser), C3"
    );
    assert_eq!(s.confusers_in_top_k, 1);
    assert!(s.active_below_mining);
    assert_eq!(s.masked_candidates, 1);

    let access = &s.per_class["access_track"];
    assert_eq!(
        (access.truth, access.found, access.class_correct),
        (1, 0, 0)
    );
    let pond = &s.per_class["leach_pond"];
    assert_eq!((pond.truth, pond.found, pond.class_correct), (1, 1, 1));
    assert!((pond.recall - 1.0).abs() < 1e-12);
    assert_eq!(s.per_class.len(), 3);

    let table = format_object_table(&s);
    assert!(
        table.contains("access_track") && table.contains("0.6667"),
        "{table}"
    );
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["per_class"]["spoil_heap"]["found"], 1);
    assert_eq!(json["per_class"]["leach_pond"]["read_as"]["leach_pond"], 1);
    assert!(
        access.read_as.is_empty(),
        "a missed object is read as nothing"
    );
}

#[test]
fn a_misread_object_is_counted_under_the_class_it_was_read_as() {
    let dir = TestDir::new("obj_misread");
    let truth = write_truth(&dir);
    let mut outs = outputs(6);
    // C5, T2's best overlap, now reads the pond as a clearing.
    outs[4].class = "vegetation_loss";
    write_run(dir.path(), &outs);
    let s = object_scores(dir.path(), &truth).unwrap();

    assert!((s.class_accuracy - 0.5).abs() < 1e-12);
    let pond = &s.per_class["leach_pond"];
    assert_eq!((pond.found, pond.class_correct), (1, 0));
    assert_eq!(
        pond.read_as.iter().collect::<Vec<_>>(),
        [(&"vegetation_loss".to_string(), &1)]
    );
    let table = format_object_table(&s);
    let pond_row = table.lines().find(|l| l.starts_with("leach_pond")).unwrap();
    assert!(pond_row.ends_with("vegetation_loss 1"), "{table}");
    let heap_row = table.lines().find(|l| l.starts_with("spoil_heap")).unwrap();
    assert!(heap_row.ends_with("  -"), "{table}");
}

#[test]
fn active_mine_ranked_first_is_flagged() {
    let dir = TestDir::new("obj_active");
    let truth = write_truth(&dir);
    let mut outs = outputs(0);
    outs.retain(|o| o.id != "C6");
    outs.push(Out {
        id: "C6",
        rank: 0,
        class: "spoil_heap",
        lon: 120.050,
        lat: 37.350,
        half: Some(0.0008),
    });
    write_run(dir.path(), &outs);
    let s = object_scores(dir.path(), &truth).unwrap();
    assert!(!s.active_below_mining);
    // Top 3 are now C6 (active), C1, C2: one mining hit.
    assert!((s.precision_at_k - 1.0 / 3.0).abs() < 1e-12);
}

#[test]
fn reprojects_candidates_onto_a_utm_change_raster() {
    use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
    let dir = TestDir::new("obj_utm");
    let truth = write_truth(&dir);
    write_run(dir.path(), &outputs(6));
    // Replace change.tif by a UTM 51N raster masked only at the pixel under C1's point.
    let mut utm = SpatialRef::from_epsg(32651).unwrap();
    utm.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let mut wgs84 = SpatialRef::from_epsg(4326).unwrap();
    wgs84.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let (mut x, mut y) = ([120.0105], [37.3105]);
    CoordTransform::new(&wgs84, &utm)
        .unwrap()
        .transform_coords(&mut x, &mut y, &mut [])
        .unwrap();
    let origin = (
        (x[0] / 10.0).floor() * 10.0 - 500.0,
        (y[0] / 10.0).floor() * 10.0 + 510.0,
    );
    let mut data = vec![0u8; 100 * 100];
    data[50 * 100 + 50] = 255;
    std::fs::remove_file(dir.path().join("change.tif")).unwrap();
    write_u8_flat(
        "GTiff",
        &dir.path().join("change.tif"),
        100,
        100,
        data,
        Some(Georef {
            transform: [origin.0, 10.0, 0.0, origin.1, 0.0, -10.0],
            epsg: 32651,
        }),
    );
    let s = object_scores(dir.path(), &truth).unwrap();
    assert_eq!(s.masked_candidates, 1);
}

#[test]
fn broken_inputs_name_the_file() {
    let dir = TestDir::new("obj_errors");
    write_run(dir.path(), &outputs(6));

    let no_mining = dir.write(
        "truth_bad.geojson",
        &collection(&[polygon(
            r#""truth_id":"T1","class":"spoil_heap""#,
            120.01,
            37.31,
            0.001,
        )]),
    );
    let err = object_scores(dir.path(), &no_mining).unwrap_err();
    assert!(
        matches!(
            err,
            EvalError::MissingProperty {
                property: "mining",
                feature: 0,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("truth_bad.geojson"));

    let truth = write_truth(&dir);
    std::fs::write(
        dir.path().join("objects.geojson"),
        collection(&[point(r#""id":"C1","class":"spoil_heap""#, 120.0, 37.3)]),
    )
    .unwrap();
    let err = object_scores(dir.path(), &truth).unwrap_err().to_string();
    assert!(
        err.contains("objects.geojson") && err.contains("Point"),
        "{err}"
    );

    std::fs::remove_file(dir.path().join("candidates.geojson")).unwrap();
    let err = object_scores(dir.path(), &truth).unwrap_err();
    assert!(matches!(err, EvalError::MissingFile { .. }), "{err}");
    assert!(err.to_string().contains("candidates.geojson"));
}
