//! Bad input end to end: every case runs the real binary and expects exit code 2, exactly one
//! `goldsweep: error: ` line on stderr naming the offending file or argument, no panic, and no
//! output (final or `*.partial`) left in the output folder.

mod common;
use common::*;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use gdal::raster::Buffer;
use gdal::{Dataset, DriverManager, Metadata};

const OUTPUTS: [&str; 4] = [
    "candidates.geojson",
    "objects.geojson",
    "change.tif",
    "run.json",
];
const PREFIX: &str = "goldsweep: error: ";

fn demo(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/demo")
        .join(name)
}

fn shared_data() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data"));
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("skipping the real-data part: {} is absent", dir.display());
        None
    }
}

fn s(p: &Path) -> String {
    p.to_str()
        .unwrap_or_else(|| panic!("non-UTF-8 path {}", p.display()))
        .to_string()
}

fn goldsweep(args: &[OsString]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_goldsweep"))
        .args(args)
        .env_remove("GOLDSWEEP_GDAL_MESSAGES")
        .env_remove("GOLDSWEEP_THREADS")
        .env_remove("GOLDSWEEP_DEMO_DATA")
        .output()
        .unwrap_or_else(|e| panic!("cannot run goldsweep: {e}"))
}

/// `goldsweep sweep --before B --after A [--catalogue C] --out OUT --threads 2 EXTRA…`
fn sweep(
    before: &Path,
    after: &Path,
    catalogue: Option<&Path>,
    out: &Path,
    extra: &[&str],
) -> Output {
    let mut args: Vec<OsString> = vec![
        "sweep".into(),
        "--before".into(),
        before.into(),
        "--after".into(),
        after.into(),
        "--out".into(),
        out.into(),
        "--threads".into(),
        "2".into(),
    ];
    if let Some(c) = catalogue {
        args.push("--catalogue".into());
        args.push(c.into());
    }
    args.extend(extra.iter().map(OsString::from));
    goldsweep(&args)
}

/// The spellings under which a path may legitimately appear in a message: as given, or
/// canonicalised when it exists.
fn path_forms(p: &Path) -> Vec<String> {
    let mut forms = vec![s(p)];
    if let Ok(c) = fs::canonicalize(p) {
        forms.push(s(&c));
    }
    forms
}

/// Checks the contract of a bad-input failure and returns the error line.
/// `names`: each entry is a list of alternatives, at least one of which must appear in the line.
fn assert_bad_input(
    what: &str,
    out: &Output,
    out_dir: Option<&Path>,
    names: &[Vec<String>],
) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let ctx = format!(
        "[{what}] status {:?}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        out.status
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "exit code must be exactly 2 {ctx}"
    );
    for bad in ["panicked", "RUST_BACKTRACE"] {
        assert!(
            !stderr.contains(bad) && !stdout.contains(bad),
            "panic text {bad:?} {ctx}"
        );
    }
    assert!(
        stderr.ends_with('\n'),
        "stderr must be one terminated line {ctx}"
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "stderr must be exactly one line {ctx}");
    let line = lines[0];
    assert!(
        line.starts_with(PREFIX),
        "stderr must start with {PREFIX:?} {ctx}"
    );
    assert!(
        !line[PREFIX.len()..].trim().is_empty(),
        "the error line must say something {ctx}"
    );
    for alternatives in names {
        assert!(
            alternatives.iter().any(|a| line.contains(a.as_str())),
            "the error line must name one of {alternatives:?} {ctx}"
        );
    }
    if let Some(dir) = out_dir {
        assert_no_outputs(dir, &ctx);
    }
    line.to_string()
}

fn assert_no_outputs(dir: &Path, ctx: &str) {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
        Err(e) => panic!("cannot list {}: {e} {ctx}", dir.display()),
    };
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| panic!("cannot list {}: {e} {ctx}", dir.display()));
        let name = entry.file_name().to_string_lossy().to_string();
        assert!(
            !OUTPUTS.contains(&name.as_str()),
            "output {name} left in {} after a bad-input failure {ctx}",
            dir.display()
        );
        assert!(
            !name.contains(".partial"),
            "partial output {name} left in {} after a bad-input failure {ctx}",
            dir.display()
        );
    }
}

fn one(p: &Path) -> Vec<String> {
    path_forms(p)
}

fn text(t: &str) -> Vec<String> {
    vec![t.to_string()]
}

/// Copies bands `1..=bands` of the demo before.tif into a new GeoTIFF, with or without its CRS;
/// `zero` writes all-zero pixels instead of the data. Nodata is 0 on every band, and the band
/// metadata holds the scale 1/10000 ([`write_fixture_scaled`]: the given scale, or none): the
/// copy has no band names, so no sensor default applies.
fn write_fixture(dst: &Path, bands: usize, with_crs: bool, zero: bool) {
    write_fixture_scaled(dst, bands, with_crs, zero, Some(1e-4));
}

fn write_fixture_scaled(dst: &Path, bands: usize, with_crs: bool, zero: bool, scale: Option<f64>) {
    let src = Dataset::open(demo("before.tif")).expect("open demo before.tif");
    let (w, h) = src.raster_size();
    let driver = DriverManager::get_driver_by_name("GTiff").expect("GTiff driver");
    let mut ds = driver
        .create_with_band_type::<u16, _>(dst, w, h, bands)
        .expect("create fixture");
    ds.set_geo_transform(&src.geo_transform().expect("geotransform"))
        .expect("set geotransform");
    if with_crs {
        ds.set_projection(&src.projection())
            .expect("set projection");
    }
    for b in 1..=bands {
        let data: Vec<u16> = if zero {
            vec![0; w * h]
        } else {
            src.rasterband(b)
                .expect("source band")
                .read_as::<u16>((0, 0), (w, h), (w, h), None)
                .expect("read source band")
                .data()
                .to_vec()
        };
        let mut band = ds.rasterband(b).expect("fixture band");
        band.set_no_data_value(Some(0.0)).expect("set nodata");
        if let Some(scale) = scale {
            band.set_scale(scale).expect("set scale");
        }
        band.write((0, 0), (w, h), &mut Buffer::new((w, h), data))
            .expect("write fixture band");
    }
    drop(ds);
    // The fixture really is what the case needs.
    let check = Dataset::open(dst).expect("reopen fixture");
    assert_eq!(check.raster_count(), bands);
    assert_eq!(check.raster_size(), (w, h));
    assert_eq!(check.projection().is_empty(), !with_crs, "fixture CRS");
    let stored = check.rasterband(1).expect("fixture band").scale();
    assert_eq!(stored.unwrap_or(1.0), scale.unwrap_or(1.0), "fixture scale");
}

fn demo_catalogue_json() -> serde_json::Value {
    let text = fs::read_to_string(demo("catalogue.geojson")).expect("read demo catalogue");
    serde_json::from_str(&text).expect("parse demo catalogue")
}

#[test]
fn missing_before_after_catalogue_and_mask_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let missing = tmp.path().join("missing.tif");
    let missing_cat = tmp.path().join("missing.geojson");
    let (before, after, cat) = (
        demo("before.tif"),
        demo("after.tif"),
        demo("catalogue.geojson"),
    );

    let o = sweep(&missing, &after, Some(&cat), &out, &[]);
    assert_bad_input("missing before", &o, Some(&out), &[one(&missing)]);
    let o = sweep(&before, &missing, Some(&cat), &out, &[]);
    assert_bad_input("missing after", &o, Some(&out), &[one(&missing)]);
    let o = sweep(&before, &after, Some(&missing_cat), &out, &[]);
    assert_bad_input("missing catalogue", &o, Some(&out), &[one(&missing_cat)]);
    for flag in ["--mask-before", "--mask-after"] {
        let o = sweep(&before, &after, Some(&cat), &out, &[flag, &s(&missing)]);
        assert_bad_input(flag, &o, Some(&out), &[one(&missing)]);
    }
}

#[test]
fn demo_with_a_folder_lacking_the_scene() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("empty");
    fs::create_dir(&data).expect("mkdir");
    let out = tmp.path().join("out");
    let o = goldsweep(&[
        "demo".into(),
        "--data".into(),
        data.clone().into(),
        "--out".into(),
        out.clone().into(),
        "--threads".into(),
        "2".into(),
    ]);
    assert_bad_input("demo --data empty", &o, Some(&out), &[one(&data)]);
}

#[test]
fn text_file_as_before_scene() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let bogus = tmp.path().join("before.tif");
    fs::write(&bogus, "this is not a raster\njust some text\n").expect("write");
    let o = sweep(&bogus, &demo("after.tif"), None, &out, &[]);
    assert_bad_input("text as before", &o, Some(&out), &[one(&bogus)]);
}

#[test]
fn truncated_geotiff_as_before_scene() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let bytes = fs::read(demo("before.tif")).expect("read demo before.tif");
    assert!(bytes.len() > 2000, "demo before.tif is larger than the cut");
    let cut = tmp.path().join("truncated.tif");
    fs::write(&cut, &bytes[..2000]).expect("write");
    let o = sweep(&cut, &demo("after.tif"), None, &out, &[]);
    assert_bad_input("truncated GeoTIFF", &o, Some(&out), &[one(&cut)]);
}

#[test]
fn three_band_raster_with_the_default_sensor() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let rgb = tmp.path().join("three_bands.tif");
    write_fixture(&rgb, 3, true, false);
    let o = sweep(&rgb, &demo("after.tif"), None, &out, &[]);
    assert_bad_input("3-band fixture", &o, Some(&out), &[one(&rgb)]);

    if let Some(shared) = shared_data() {
        let real = shared.join("io/RGB.byte.tif");
        assert!(
            real.is_file(),
            "{} missing from the shared data",
            real.display()
        );
        let o = sweep(&real, &real, None, &out, &[]);
        assert_bad_input("RGB.byte.tif", &o, Some(&out), &[one(&real)]);
    }
}

#[test]
fn integers_of_unknown_scale() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let dn = tmp.path().join("digital_numbers.tif");
    write_fixture_scaled(&dn, 6, true, false, None);
    let o = sweep(&dn, &demo("after.tif"), None, &out, &[]);
    let line = assert_bad_input("UInt16 without a scale", &o, Some(&out), &[one(&dn)]);
    assert!(
        line.contains("--scale"),
        "the line should say what to give: {line}"
    );
    // With the scale given, the same file is swept.
    let o = sweep(&dn, &demo("after.tif"), None, &out, &["--scale", "0.0001"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Sets the dataset metadata item `REFLECTANCE_SCALE` of the GeoTIFF at `path` to `value`.
fn set_reflectance_scale(path: &Path, value: &str) {
    let mut ds = Dataset::open_ex(
        path,
        gdal::DatasetOptions {
            open_flags: gdal::GdalOpenFlags::GDAL_OF_UPDATE,
            ..Default::default()
        },
    )
    .expect("open fixture for update");
    ds.set_metadata_item("REFLECTANCE_SCALE", value, "")
        .expect("set metadata");
}

#[test]
fn reflectance_scale_metadata_is_read_and_checked() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let dn = tmp.path().join("digital_numbers.tif");
    write_fixture_scaled(&dn, 6, true, false, None);
    set_reflectance_scale(&dn, "ten thousand");
    let o = sweep(&dn, &demo("after.tif"), None, &out, &[]);
    let line = assert_bad_input(
        "REFLECTANCE_SCALE not a number",
        &o,
        Some(&out),
        &[one(&dn)],
    );
    assert!(line.contains("REFLECTANCE_SCALE"), "{line}");
    // The same integers with REFLECTANCE_SCALE=10000 are reflectance × 10000.
    set_reflectance_scale(&dn, "10000");
    let o = sweep(&dn, &demo("after.tif"), None, &out, &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn band_out_of_range_in_bands_map() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let before = demo("before.tif");
    let o = sweep(
        &before,
        &demo("after.tif"),
        None,
        &out,
        &["--bands", "blue=1,green=2,red=3,nir=9"],
    );
    let mut names = one(&before);
    names.push("--bands".into());
    let line = assert_bad_input("nir=9 on 6 bands", &o, Some(&out), &[names]);
    assert!(line.contains('9'), "the line should say which band: {line}");
}

#[test]
fn unparsable_bands_map() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let o = sweep(
        &demo("before.tif"),
        &demo("after.tif"),
        None,
        &out,
        &["--bands", "red=x"],
    );
    assert_bad_input(
        "--bands red=x",
        &o,
        Some(&out),
        &[text("--bands"), text("red=x")],
    );
}

#[test]
fn scenes_that_do_not_overlap() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let far = tmp.path().join("after_far.tif");
    // The demo grid is E 266000..270800, N 4137200..4142000; move the after scene 1000 km north.
    tool(
        "gdal_translate",
        &[
            "-q",
            "-a_ullr",
            "266000",
            "5142000",
            "270800",
            "5137200",
            &s(&demo("after.tif")),
            &s(&far),
        ],
    );
    let o = sweep(&demo("before.tif"), &far, None, &out, &[]);
    assert_bad_input("no overlap", &o, Some(&out), &[one(&far)]);
}

#[test]
fn raster_without_crs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let nocrs = tmp.path().join("no_crs.tif");
    write_fixture(&nocrs, 6, false, false);
    let o = sweep(&nocrs, &demo("after.tif"), None, &out, &[]);
    assert_bad_input("before without CRS", &o, Some(&out), &[one(&nocrs)]);
    let o = sweep(&demo("before.tif"), &nocrs, None, &out, &[]);
    assert_bad_input("after without CRS", &o, Some(&out), &[one(&nocrs)]);
}

#[test]
fn after_scene_entirely_nodata() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let empty = tmp.path().join("after_nodata.tif");
    write_fixture(&empty, 6, true, true);
    let o = sweep(&demo("before.tif"), &empty, None, &out, &[]);
    assert_bad_input("all nodata", &o, Some(&out), &[one(&empty)]);
}

#[test]
fn catalogue_with_an_unknown_status() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let mut cat = demo_catalogue_json();
    let feature = &mut cat["features"][5];
    assert_eq!(
        feature["properties"]["id"], "SD-ZY-006",
        "demo catalogue row 6"
    );
    feature["properties"]["status"] = "maybe_closed".into();
    let path = tmp.path().join("catalogue.geojson");
    fs::write(&path, serde_json::to_string(&cat).expect("json")).expect("write");
    let o = sweep(
        &demo("before.tif"),
        &demo("after.tif"),
        Some(&path),
        &out,
        &[],
    );
    assert_bad_input(
        "unknown status",
        &o,
        Some(&out),
        &[
            one(&path),
            text("maybe_closed"),
            vec!["row 6".into(), "SD-ZY-006".into()],
        ],
    );
}

#[test]
fn catalogue_with_a_bow_tie_polygon() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let mut cat = demo_catalogue_json();
    cat["features"][1]["geometry"] = serde_json::json!({
        "type": "Polygon",
        "coordinates": [[[120.38, 37.39], [120.385, 37.395], [120.385, 37.39], [120.38, 37.395], [120.38, 37.39]]]
    });
    let path = tmp.path().join("bowtie.geojson");
    fs::write(&path, serde_json::to_string(&cat).expect("json")).expect("write");
    let o = sweep(
        &demo("before.tif"),
        &demo("after.tif"),
        Some(&path),
        &out,
        &[],
    );
    assert_bad_input("bow-tie polygon", &o, Some(&out), &[one(&path)]);
}

#[test]
fn catalogue_that_is_not_a_vector() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    // Deterministic "random" text (a small LCG), under two extensions.
    let alphabet: Vec<char> = "abcdefghijklmnop qrstuvwxyz0123456789;:,.{}[]\""
        .chars()
        .collect();
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut junk = String::new();
    for i in 0..1500 {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        junk.push(alphabet[((x >> 33) % alphabet.len() as u64) as usize]);
        if i % 60 == 59 {
            junk.push('\n');
        }
    }
    for name in ["junk.txt", "junk.geojson"] {
        let path = tmp.path().join(name);
        fs::write(&path, &junk).expect("write");
        let o = sweep(
            &demo("before.tif"),
            &demo("after.tif"),
            Some(&path),
            &out,
            &[],
        );
        assert_bad_input(name, &o, Some(&out), &[one(&path)]);
    }
}

#[test]
fn catalogue_shapefile_without_prj() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let shp_dir = tmp.path().join("shp");
    tool(
        "ogr2ogr",
        &[
            "-f",
            "ESRI Shapefile",
            &s(&shp_dir),
            &s(&demo("catalogue.geojson")),
        ],
    );
    let prj = shp_dir.join("catalogue.prj");
    assert!(prj.is_file(), "ogr2ogr wrote {}", prj.display());
    fs::remove_file(&prj).expect("remove .prj");
    let shp = shp_dir.join("catalogue.shp");
    let o = sweep(
        &demo("before.tif"),
        &demo("after.tif"),
        Some(&shp),
        &out,
        &[],
    );
    assert_bad_input("shapefile without .prj", &o, Some(&out), &[one(&shp)]);
}

#[test]
fn catalogue_geopackage_without_crs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let shp_dir = tmp.path().join("shp");
    tool(
        "ogr2ogr",
        &[
            "-f",
            "ESRI Shapefile",
            &s(&shp_dir),
            &s(&demo("catalogue.geojson")),
        ],
    );
    fs::remove_file(shp_dir.join("catalogue.prj")).expect("remove .prj");
    // A CRS-less layer written to GeoPackage: GDAL records srs_id 0 ("undefined geographic").
    let gpkg = tmp.path().join("catalogue.gpkg");
    tool(
        "ogr2ogr",
        &["-f", "GPKG", &s(&gpkg), &s(&shp_dir.join("catalogue.shp"))],
    );
    let o = sweep(
        &demo("before.tif"),
        &demo("after.tif"),
        Some(&gpkg),
        &out,
        &[],
    );
    assert_bad_input("GeoPackage without CRS", &o, Some(&out), &[one(&gpkg)]);
}

#[test]
fn tile_below_minimum() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let o = sweep(
        &demo("before.tif"),
        &demo("after.tif"),
        None,
        &out,
        &["--tile", "4"],
    );
    assert_bad_input("--tile 4", &o, Some(&out), &[text("--tile")]);
}

#[test]
fn more_after_masks_than_after_dates() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let mask = s(&demo("after_mask.tif"));
    let o = sweep(
        &demo("before.tif"),
        &demo("after.tif"),
        None,
        &out,
        &["--mask-after", &mask, "--mask-after", &mask],
    );
    assert_bad_input(
        "two --mask-after for one --after",
        &o,
        Some(&out),
        &[text("--mask-after")],
    );
}

fn demo_sweep(out: &Path) -> Output {
    let mask = demo("after_mask.tif");
    sweep(
        &demo("before.tif"),
        &demo("after.tif"),
        Some(&demo("catalogue.geojson")),
        out,
        &["--mask-after", &s(&mask)],
    )
}

fn assert_success_with_outputs(o: &Output, out: &Path) {
    assert_eq!(
        o.status.code(),
        Some(0),
        "demo sweep failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    for name in OUTPUTS {
        let meta = fs::metadata(out.join(name))
            .unwrap_or_else(|e| panic!("{name} missing after a good sweep: {e}"));
        assert!(meta.len() > 0, "{name} is empty");
    }
    for entry in fs::read_dir(out).expect("list out") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .to_string();
        assert!(!name.contains(".partial"), "{name} left after a good sweep");
    }
}

#[test]
fn positive_control_demo_sweep_writes_all_outputs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let o = demo_sweep(&out);
    assert_success_with_outputs(&o, &out);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        !stderr.contains(PREFIX),
        "no error line on success: {stderr}"
    );
}

#[test]
fn eval_labels_of_a_different_size() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let run = tmp.path().join("run");
    let o = demo_sweep(&run);
    assert_success_with_outputs(&o, &run);
    let labels = tmp.path().join("labels_100.tif");
    tool(
        "gdal_translate",
        &[
            "-q",
            "-srcwin",
            "0",
            "0",
            "100",
            "100",
            &s(&demo("truth_change.tif")),
            &s(&labels),
        ],
    );
    let o = goldsweep(&[
        "eval".into(),
        "--run".into(),
        run.clone().into(),
        "--labels".into(),
        labels.clone().into(),
    ]);
    assert_bad_input("eval labels size", &o, None, &[one(&labels)]);
    // The run's outputs are untouched by a failed eval.
    for name in OUTPUTS {
        assert!(run.join(name).is_file(), "{name} vanished after eval");
    }
}
