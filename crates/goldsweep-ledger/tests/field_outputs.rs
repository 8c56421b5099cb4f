//! The demo scene through the sweep and the field outputs: every file is there after the
//! commit and opens in the tools bureaus use (GDAL/OGR for the GeoPackage and the KML, a CSV
//! parser for the ledger with its BOM and Chinese headers); then two repeat sweeps with a
//! verdicts file saved by Excel in GBK show every state transition.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use gdal::vector::LayerAccess;
use gdal::Dataset;
use goldsweep_ledger::labels::{HEADERS_EN, HEADERS_ZH};
use goldsweep_ledger::{write_field_outputs, Lang, LedgerOptions, LedgerSummary};
use goldsweep_pipeline::{sweep_staged, Staging, SweepReport, SweepSettings};
use serde_json::Value;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A parsed ledger: headers and rows of cells.
type Ledger = (Vec<String>, Vec<Vec<String>>);

fn demo_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/demo"))
}

/// The first run, shared by the tests: the demo sweep and its field outputs, committed.
struct FirstRun {
    report: SweepReport,
    summary: LedgerSummary,
    _dir: tempfile::TempDir,
    out: PathBuf,
}

fn first_run() -> &'static FirstRun {
    static RUN: OnceLock<FirstRun> = OnceLock::new();
    RUN.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("run1");
        let demo = demo_dir();
        let mut s =
            SweepSettings::new(demo.join("before.tif"), demo.join("after.tif"), out.clone());
        s.after_options.mask = Some(demo.join("after_mask.tif"));
        s.catalogue = Some(demo.join("catalogue.geojson"));
        s.threads = 2;
        let (report, mut staging) = sweep_staged(&s).expect("demo sweep");
        let summary = write_field_outputs(&report, &mut staging, &LedgerOptions::default())
            .expect("field outputs");
        staging.commit().expect("commit");
        FirstRun {
            report,
            summary,
            _dir: dir,
            out,
        }
    })
}

fn read_json(path: &Path) -> Result<Value, Box<dyn std::error::Error>> {
    Ok(serde_json::from_str(&std::fs::read_to_string(path)?)?)
}

fn features(v: &Value) -> Vec<Value> {
    v["features"].as_array().cloned().unwrap_or_default()
}

/// Parses a ledger: checks the BOM and CRLF, returns the headers and the rows.
fn read_ledger(path: &Path) -> Result<Ledger, Box<dyn std::error::Error>> {
    let bytes = std::fs::read(path)?;
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "ledger starts with a UTF-8 BOM"
    );
    let text = std::str::from_utf8(&bytes[3..])?;
    assert!(text.ends_with("\r\n"), "CRLF line ends");
    assert_eq!(
        text.matches('\n').count(),
        text.matches("\r\n").count(),
        "every line ends in CRLF"
    );
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers = rdr.headers()?.iter().map(str::to_string).collect();
    let rows = rdr
        .records()
        .map(|r| r.map(|r| r.iter().map(str::to_string).collect()))
        .collect::<Result<_, _>>()?;
    Ok((headers, rows))
}

fn text_field(
    f: &gdal::vector::Feature<'_>,
    name: &str,
) -> Result<Option<String>, gdal::errors::GdalError> {
    f.field_as_string(f.field_index(name)?)
}

#[test]
fn first_run_writes_every_field_output() -> TestResult {
    let run = first_run();
    let (out, summary, cands) = (&run.out, &run.summary, &run.report.candidates);
    assert!(!cands.is_empty());
    for name in ["sites.geojson", "ledger.csv", "sites.kml", "goldsweep.gpkg"] {
        assert!(out.join(name).is_file(), "{name} missing");
    }
    let leftovers: Vec<String> = std::fs::read_dir(out)?
        .chain(std::fs::read_dir(out.join("chips"))?)
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

    // Sites: every candidate in exactly one site, ranks 1.. in file order, all new.
    let sites = features(&read_json(&out.join("sites.geojson"))?);
    assert_eq!(sites.len(), summary.sites);
    assert!(
        sites.len() < cands.len(),
        "the demo's objects group into fewer sites"
    );
    let mut members = Vec::new();
    for (k, f) in sites.iter().enumerate() {
        let p = &f["properties"];
        assert_eq!(f["geometry"]["type"], "Point");
        assert_eq!(p["rank"].as_u64(), Some(k as u64 + 1));
        assert_eq!(p["state"], "new");
        let area_mu = p["area_mu"].as_f64().unwrap_or(-1.0);
        let score = p["score"].as_f64().unwrap_or(-1.0);
        assert_eq!(
            p["mandatory_check"].as_bool(),
            Some(area_mu >= 10.0 || score >= 0.75),
            "mandatory rule for {}",
            p["id"]
        );
        members.extend(
            p["members"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|m| m.as_str().map(str::to_string)),
        );
    }
    let all: BTreeSet<String> = cands.iter().map(|c| c.id.clone()).collect();
    assert_eq!(members.len(), cands.len(), "no candidate in two sites");
    assert_eq!(members.into_iter().collect::<BTreeSet<_>>(), all);

    // Chips: the top 20 (or all) sites, three PNGs each, referenced by relative paths.
    assert_eq!(summary.chips, sites.len().min(20));
    for f in sites.iter().take(summary.chips) {
        for key in ["before", "after", "false_colour"] {
            let rel = f["properties"]["chips"][key].as_str().ok_or("chip path")?;
            let img = image::open(out.join(rel))?;
            assert!((64..=128).contains(&img.width()), "{rel}: {}", img.width());
        }
    }

    // Ledger: BOM, CRLF, Chinese headers, one row per site, in rank order.
    let (headers, rows) = read_ledger(&out.join("ledger.csv"))?;
    assert_eq!(headers, HEADERS_ZH);
    assert_eq!(rows.len(), summary.ledger_rows);
    assert_eq!(rows.len(), sites.len());
    let grid = run.report.pair.grid();
    assert!(grid.width > 0);
    for (k, row) in rows.iter().enumerate() {
        assert_eq!(row[0], (k + 1).to_string(), "序号");
        assert_eq!(Some(row[1].as_str()), sites[k]["id"].as_str(), "编号");
        let lon: f64 = row[3].parse()?;
        let lat: f64 = row[4].parse()?;
        assert!(
            (120.0..121.0).contains(&lon) && (37.0..38.0).contains(&lat),
            "{lon} {lat}"
        );
        assert!(["是", "否"].contains(&row[11].as_str()));
        assert!(row[12].is_empty(), "no verdicts yet");
        assert!(row[15].contains("新增"), "备注 says new: {}", row[15]);
    }
    assert!(rows[0][15].contains("影像：chips/"), "备注 names the chips");

    // GeoPackage: three layers with the right counts and typed fields.
    let ds = Dataset::open(out.join("goldsweep.gpkg"))?;
    let count = |name: &str| -> Result<u64, gdal::errors::GdalError> {
        Ok(ds.layer_by_name(name)?.feature_count())
    };
    assert_eq!(count("candidates")?, cands.len() as u64);
    assert_eq!(count("objects")?, cands.len() as u64);
    assert_eq!(count("sites")?, sites.len() as u64);
    let mut layer = ds.layer_by_name("candidates")?;
    let types: BTreeMap<String, u32> = layer
        .defn()
        .fields()
        .map(|f| (f.name(), f.field_type()))
        .collect();
    assert_eq!(types["rank"], gdal::vector::OGRFieldType::OFTInteger64);
    assert_eq!(types["score"], gdal::vector::OGRFieldType::OFTReal);
    let first = layer.features().next().ok_or("a candidate feature")?;
    let site_id = text_field(&first, "site_id")?;
    assert!(site_id.is_some_and(|s| s.starts_with("ST-")));
    let objects = ds.layer_by_name("objects")?;
    assert!(objects
        .spatial_ref()
        .and_then(|s| s.auth_code().ok())
        .is_some_and(|c| c == 4326));

    // KML: OGR reads one placemark per ledger row, named rank + type.
    let kml = Dataset::open(out.join("sites.kml"))?;
    let mut placemarks = kml.layer(0)?;
    assert_eq!(placemarks.feature_count(), rows.len() as u64);
    let f = placemarks.features().next().ok_or("a placemark")?;
    let name = text_field(&f, "Name")?.unwrap_or_default();
    assert!(name.starts_with("1 "), "{name}");
    let description = text_field(&f, "Description")?.unwrap_or_default();
    assert!(
        description.contains("亩") && description.contains("geo:"),
        "{description}"
    );
    Ok(())
}

#[test]
fn stale_chips_of_an_earlier_run_are_removed_and_other_files_kept() -> TestResult {
    let run = first_run();
    let dir = tempfile::tempdir()?;
    let chips = dir.path().join("chips");
    std::fs::create_dir_all(&chips)?;
    for name in [
        "OLD-1_before.png",
        "OLD-1_after.png",
        "OLD-1_false.png",
        "notes.txt",
    ] {
        std::fs::write(chips.join(name), b"from an earlier run")?;
    }
    let mut staging = Staging::new(dir.path())?;
    let options = LedgerOptions {
        chips: 2,
        ..LedgerOptions::default()
    };
    let summary = write_field_outputs(&run.report, &mut staging, &options)?;
    staging.commit()?;
    let mut left: Vec<String> = std::fs::read_dir(&chips)?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(summary.chips, 2);
    assert_eq!(left.len(), 3 * 2 + 1, "{left:?}");
    assert!(left.contains(&"notes.txt".to_string()));
    assert!(left.iter().all(|n| !n.starts_with("OLD-1")), "{left:?}");
    Ok(())
}

#[test]
fn english_ledger_has_english_headers() -> TestResult {
    let run = first_run();
    let dir = tempfile::tempdir()?;
    let mut staging = Staging::new(dir.path())?;
    let options = LedgerOptions {
        lang: Lang::En,
        chips: 0,
        ..LedgerOptions::default()
    };
    let summary = write_field_outputs(&run.report, &mut staging, &options)?;
    staging.commit()?;
    assert_eq!(summary.chips, 0);
    assert!(!dir.path().join("chips").exists());
    let (headers, rows) = read_ledger(&dir.path().join("ledger.csv"))?;
    assert_eq!(headers, HEADERS_EN);
    assert!(["yes", "no"].contains(&rows[0][11].as_str()));
    Ok(())
}

#[test]
fn dropped_staging_leaves_no_field_outputs() -> TestResult {
    let run = first_run();
    let dir = tempfile::tempdir()?;
    {
        let mut staging = Staging::new(dir.path())?;
        write_field_outputs(&run.report, &mut staging, &LedgerOptions::default())?;
    }
    let mut left: Vec<String> = Vec::new();
    for e in std::fs::read_dir(dir.path())? {
        let e = e?;
        if e.path().is_dir() {
            left.extend(
                std::fs::read_dir(e.path())?
                    .filter_map(|f| f.ok())
                    .map(|f| f.file_name().to_string_lossy().into_owned()),
            );
        } else {
            left.push(e.file_name().to_string_lossy().into_owned());
        }
    }
    assert!(left.is_empty(), "left behind: {left:?}");
    Ok(())
}

#[test]
fn bad_previous_and_verdicts_are_bad_input() -> TestResult {
    let run = first_run();
    let dir = tempfile::tempdir()?;
    let mut staging = Staging::new(&dir.path().join("out"))?;
    let options = LedgerOptions {
        previous: Some(dir.path().join("nowhere")),
        ..LedgerOptions::default()
    };
    let err = write_field_outputs(&run.report, &mut staging, &options)
        .err()
        .ok_or("error")?;
    assert!(err.is_bad_input());
    assert!(err.to_string().contains("nowhere"), "{err}");

    let verdicts = dir.path().join("v.csv");
    std::fs::write(&verdicts, "编号,核查结论\nST-x,也许\n")?;
    let options = LedgerOptions {
        verdicts: Some(verdicts),
        ..LedgerOptions::default()
    };
    let err = write_field_outputs(&run.report, &mut staging, &options)
        .err()
        .ok_or("error")?;
    assert!(err.is_bad_input());
    let msg = err.to_string();
    assert!(
        msg.contains("v.csv") && msg.contains("line 2") && !msg.contains('\n'),
        "{msg}"
    );
    Ok(())
}

/// Site properties by id.
fn by_id(path: &Path) -> Result<BTreeMap<String, Value>, Box<dyn std::error::Error>> {
    Ok(features(&read_json(path)?)
        .into_iter()
        .filter_map(|f| Some((f["properties"]["id"].as_str()?.to_string(), f)))
        .collect())
}

#[test]
fn repeat_sweeps_with_verdicts_show_every_transition() -> TestResult {
    let run = first_run();
    let dir = tempfile::tempdir()?;
    let mut first = read_json(&run.out.join("sites.geojson"))?;
    let sites = features(&first);
    assert!(
        sites.len() >= 5,
        "the demo has enough sites ({})",
        sites.len()
    );
    let id = |k: usize| {
        sites[k]["properties"]["id"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };

    // A site at a closed mine that no other site shares: removed from the previous run, it is
    // new there, and the mine is active again after a quiet period.
    let mine_of = |f: &Value| f["properties"]["mine_id"].as_str().map(str::to_string);
    let mut per_mine: BTreeMap<String, usize> = BTreeMap::new();
    for f in &sites {
        if let Some(m) = mine_of(f) {
            *per_mine.entry(m).or_default() += 1;
        }
    }
    let closed = [
        "policy_closed",
        "protected_area_exit",
        "closed",
        "illegal_site",
    ];
    let quiet = (3..sites.len())
        .find(|&k| {
            let p = &sites[k]["properties"];
            closed.contains(&p["mine_status"].as_str().unwrap_or(""))
                && mine_of(&sites[k]).is_some_and(|m| per_mine[&m] == 1)
        })
        .ok_or("a closed mine with a single site")?;
    let (sealed, grown, false_alarm) = (id(2), id(1), id(3).clone());
    let quiet_id = id(quiet);
    let false_alarm = if quiet == 3 { id(4) } else { false_alarm };

    // The previous run as the bureau kept it: one site smaller, one removed, two sites that
    // this sweep will not see (far away), one of them already remediated.
    let fs = first["features"].as_array_mut().ok_or("features")?;
    for f in fs.iter_mut() {
        if f["properties"]["id"] == grown.as_str() {
            let a = f["properties"]["area_m2"].as_f64().ok_or("area")?;
            f["properties"]["area_m2"] = Value::from(a / 2.0);
        }
    }
    fs.retain(|f| f["properties"]["id"] != quiet_id.as_str());
    let mut far = fs[0].clone();
    far["id"] = "ST-far-open".into();
    far["properties"]["id"] = "ST-far-open".into();
    far["geometry"]["coordinates"] = serde_json::json!([120.9, 37.9]);
    let mut far_done = far.clone();
    far_done["id"] = "ST-far-done".into();
    far_done["properties"]["id"] = "ST-far-done".into();
    far_done["properties"]["verdict"] = "remediated".into();
    far_done["geometry"]["coordinates"] = serde_json::json!([120.95, 37.95]);
    fs.push(far);
    fs.push(far_done);
    let prev = dir.path().join("prev");
    std::fs::create_dir_all(&prev)?;
    std::fs::write(prev.join("sites.geojson"), serde_json::to_string(&first)?)?;

    // Verdicts as a team returns them: Chinese headers, saved by Excel in GBK.
    let verdicts_text = format!(
        "编号,核查结论,核查日期,责任主体,核查备注\r\n\
         {sealed},已封堵,2024-07-01,某镇人民政府,洞口已回填\r\n\
         {grown},误报,2024-07-02,,\r\n\
         {false_alarm},误报,2024-07-02,,农户取土\r\n\
         ST-far-open,确认违法,2024-07-03,,\r\n\
         ST-nothere,误报,,,\r\n"
    );
    let (gbk, _, bad) = encoding_rs::GBK.encode(&verdicts_text);
    assert!(!bad);
    let verdicts = dir.path().join("verdicts.csv");
    std::fs::write(&verdicts, &gbk)?;

    // Second sweep.
    let out2 = dir.path().join("run2");
    let mut staging = Staging::new(&out2)?;
    let options = LedgerOptions {
        previous: Some(prev),
        verdicts: Some(verdicts),
        ..LedgerOptions::default()
    };
    let summary = write_field_outputs(&run.report, &mut staging, &options)?;
    staging.commit()?;
    let s2 = by_id(&out2.join("sites.geojson"))?;
    let state = |m: &BTreeMap<String, Value>, id: &str| -> String {
        m.get(id)
            .and_then(|f| f["properties"]["state"].as_str())
            .unwrap_or("missing")
            .to_string()
    };
    let flag = |m: &BTreeMap<String, Value>, id: &str, key: &str| {
        m.get(id).and_then(|f| f["properties"][key].as_bool()) == Some(true)
    };
    assert_eq!(summary.unknown_verdict_ids, vec!["ST-nothere".to_string()]);
    assert_eq!(state(&s2, &id(0)), "persisting");
    assert_eq!(
        state(&s2, &grown),
        "grown",
        "a false alarm that grew is sent again"
    );
    assert_eq!(state(&s2, &false_alarm), "suppressed");
    assert_eq!(state(&s2, &quiet_id), "new");
    assert!(flag(&s2, &quiet_id, "reactivated"));
    assert!(!flag(&s2, &id(0), "reactivated"));
    assert_eq!(state(&s2, "ST-far-open"), "gone");
    assert_eq!(state(&s2, "ST-far-done"), "gone");
    assert_eq!(
        s2["ST-far-open"]["geometry"]["coordinates"],
        serde_json::json!([120.9, 37.9]),
        "gone sites keep their geometry"
    );
    assert_eq!(state(&s2, &sealed), "persisting");
    assert!(flag(&s2, &sealed, "resealing_breach"));
    assert_eq!(
        s2[&sealed]["properties"]["rank"].as_u64(),
        Some(1),
        "breach first"
    );
    assert!(flag(&s2, &sealed, "mandatory_check"));
    assert_eq!(summary.gone, 2);
    assert_eq!(summary.suppressed, 1);
    assert_eq!(summary.resealing_breaches, 1);
    assert!(
        s2[&false_alarm]["properties"]["chips"].is_null(),
        "no chips for suppressed"
    );

    let (_, rows) = read_ledger(&out2.join("ledger.csv"))?;
    let row_of = |id: &str| rows.iter().find(|r| r[1] == id).cloned();
    assert!(
        row_of(&false_alarm).is_none(),
        "suppressed sites are not re-sent"
    );
    assert!(
        row_of("ST-far-done").is_none(),
        "closed gone sites drop out"
    );
    let open = row_of("ST-far-open").ok_or("open gone site stays in the ledger")?;
    assert!(open[12].starts_with("确认违法"), "{:?}", open[12]);
    assert!(open[15].contains("本期未再检出"));
    let first_row = &rows[0];
    assert_eq!(first_row[1], sealed);
    assert_eq!(first_row[12], "已封堵 2024-07-01");
    assert_eq!(first_row[13], "已封堵");
    assert_eq!(first_row[14], "某镇人民政府");
    assert!(first_row[15].contains("洞口已回填") && first_row[15].contains("封堵后"));
    assert_eq!(rows.len(), summary.ledger_rows);

    // Third sweep from the second, without a verdicts file: verdicts are remembered.
    let out3 = dir.path().join("run3");
    let mut staging = Staging::new(&out3)?;
    let options = LedgerOptions {
        previous: Some(out2.clone()),
        chips: 0,
        ..LedgerOptions::default()
    };
    let summary3 = write_field_outputs(&run.report, &mut staging, &options)?;
    staging.commit()?;
    let s3 = by_id(&out3.join("sites.geojson"))?;
    assert_eq!(
        state(&s3, &grown),
        "suppressed",
        "same size now: the false alarm holds"
    );
    assert_eq!(state(&s3, &false_alarm), "suppressed");
    assert_eq!(state(&s3, &quiet_id), "persisting");
    assert!(!flag(&s3, &quiet_id, "reactivated"));
    assert!(flag(&s3, &sealed, "resealing_breach"));
    assert_eq!(state(&s3, "ST-far-open"), "gone");
    assert_eq!(summary3.new, 0);
    let ids2: BTreeSet<&String> = s2.keys().collect();
    let ids3: BTreeSet<&String> = s3.keys().collect();
    assert_eq!(ids2, ids3, "ids are stable across runs");
    Ok(())
}
