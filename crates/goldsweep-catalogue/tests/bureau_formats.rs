//! Catalogues as provincial bureaus deliver them: GBK Shapefiles with and without `.cpg`,
//! corner-point tables (拐点坐标) in CSV and XLSX, `inspect`, and extra area layers.

use std::fs;
use std::path::{Path, PathBuf};

use gdal::spatial_ref::SpatialRef;
use gdal::vector::{Feature, Geometry as OgrGeometry, LayerAccess, LayerOptions, OGRFieldType};
use gdal::DriverManager;
use geo::{Coord, CoordsIter, Geometry, Point};
use goldsweep_catalogue::{
    inspect, AreaFields, AreaLayer, Catalogue, CatalogueError, FieldMap, GkZone, MineStatus,
    ReadOptions, Sealing,
};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Oracle: `printf "4130000 40535000\n4130000 40535200\n4130200 40535200\n4130200 40535000\n"
/// | cs2cs -f %.4f EPSG:4528 EPSG:32651` (PROJ 9.1.1; EPSG:4528 takes X northing first).
/// The same points without the prefix through EPSG:4549 (CM 120E) give the same values.
const ZONE40_SQUARE_UTM51: [(f64, f64); 4] = [
    (269_092.615_3, 4_131_457.528_5),
    (269_292.562_8, 4_131_451.179_5),
    (269_298.911_9, 4_131_651.126_8),
    (269_098.964_4, 4_131_657.476_1),
];

/// Oracle: `printf "3450000 20550000\n3450000 20550300\n3450300 20550300\n" | cs2cs -f %.4f
/// EPSG:4498 EPSG:32650` (6° zone 20, PROJ 9.1.1).
const SIX_DEGREE_ZONE20_UTM50: [(f64, f64); 3] = [
    (549_980.000_0, 3_448_620.000_1),
    (550_279.880_0, 3_448_620.000_1),
    (550_279.880_0, 3_448_919.880_1),
];

const GBK_FIELDS: [&str; 6] = [
    "矿山编号",
    "矿山名称",
    "矿山状态",
    "采矿权人",
    "封堵情况",
    "封堵责任主体",
];

/// Writes a Shapefile in EPSG:4490 whose `.dbf` text is GBK (GDAL recodes on write and writes a
/// `.cpg` saying so).
fn write_gbk_shapefile(path: &Path, rows: &[[&str; 6]]) -> TestResult {
    let driver = DriverManager::get_driver_by_name("ESRI Shapefile")?;
    let mut dataset = driver.create_vector_only(path)?;
    let srs = SpatialRef::from_epsg(4490)?;
    let layer = dataset.create_layer(LayerOptions {
        name: "mines",
        srs: Some(&srs),
        ty: gdal::vector::OGRwkbGeometryType::wkbPolygon,
        options: Some(&["ENCODING=GBK"]),
    })?;
    let defs: Vec<(&str, OGRFieldType::Type)> = GBK_FIELDS
        .iter()
        .map(|f| (*f, OGRFieldType::OFTString))
        .collect();
    layer.create_defn_fields(&defs)?;
    for (i, values) in rows.iter().enumerate() {
        let mut feature = Feature::new(layer.defn())?;
        let x = 120.4 + 0.02 * i as f64;
        let wkt = format!(
            "POLYGON (({x} 37.3,{x1} 37.3,{x1} 37.31,{x} 37.31,{x} 37.3))",
            x1 = x + 0.01
        );
        feature.set_geometry(OgrGeometry::from_wkt(&wkt)?)?;
        for (j, value) in values.iter().enumerate() {
            feature.set_field_string(j, value)?;
        }
        feature.create(&layer)?;
    }
    Ok(())
}

const GBK_ROWS: [[&str; 6]; 2] = [
    [
        "C3700002010",
        "招远金矿一分矿",
        "政策性关闭",
        "招远市某某矿业有限公司",
        "已封堵",
        "招远市自然资源局",
    ],
    [
        "C3700002011",
        "玲珑盗采点",
        "盗采点",
        "",
        "封堵不彻底",
        "玲珑镇",
    ],
];

fn check_gbk_mines(catalogue: &Catalogue) {
    let mines = catalogue.mines();
    assert_eq!(mines.len(), 2);
    assert_eq!(mines[0].id, "C3700002010");
    assert_eq!(mines[0].name, "招远金矿一分矿");
    assert_eq!(mines[0].status, MineStatus::PolicyClosed);
    assert_eq!(mines[0].holder.as_deref(), Some("招远市某某矿业有限公司"));
    assert_eq!(mines[0].sealing, Some(Sealing::Sealed));
    assert_eq!(mines[0].responsible.as_deref(), Some("招远市自然资源局"));
    assert_eq!(mines[1].status, MineStatus::IllegalSite);
    assert_eq!(mines[1].holder, None);
    assert_eq!(mines[1].sealing, Some(Sealing::PartlySealed));
}

#[test]
fn gbk_shapefile_with_cpg() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("mines.shp");
    write_gbk_shapefile(&path, &GBK_ROWS)?;
    assert_eq!(
        fs::read_to_string(dir.path().join("mines.cpg"))?.trim(),
        "GBK"
    );
    // The .dbf really holds GBK bytes: "招远" is D5 D0 D4 B6.
    let dbf = fs::read(dir.path().join("mines.dbf"))?;
    assert!(dbf.windows(4).any(|w| w == [0xD5, 0xD0, 0xD4, 0xB6]));

    let catalogue = Catalogue::read(&path, "EPSG:32651", &FieldMap::default())?;
    check_gbk_mines(&catalogue);
    let describe = catalogue.describe();
    assert!(describe["encoding"]
        .as_str()
        .is_some_and(|e| e.starts_with("GBK (from")));
    // The Shapefile cut 封堵责任主体 to 10 bytes.
    assert_eq!(describe["fields"]["responsible"], "封堵责任主");
    assert_eq!(describe["sealing_counts"]["sealed"], 1);
    Ok(())
}

#[test]
fn gbk_shapefile_without_cpg_is_detected() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("mines.shp");
    write_gbk_shapefile(&path, &GBK_ROWS)?;
    fs::remove_file(dir.path().join("mines.cpg"))?;

    let catalogue = Catalogue::read(&path, "EPSG:32651", &FieldMap::default())?;
    check_gbk_mines(&catalogue);
    let report = inspect(&path, &FieldMap::default(), &ReadOptions::default())?;
    assert_eq!(report.driver, "ESRI Shapefile");
    assert!(
        report.encoding.starts_with("gb18030"),
        "{}",
        report.encoding
    );
    assert!(report.encoding.contains("not valid UTF-8"));

    // A wrong declaration is obeyed (and shows as mojibake, not as an error).
    let latin = ReadOptions {
        encoding: Some("ISO-8859-1".into()),
        ..ReadOptions::default()
    };
    let report = inspect(&path, &FieldMap::default(), &latin)?;
    assert!(report.concepts.iter().all(|c| c.field.is_none()));
    let bad = ReadOptions {
        encoding: Some("klingon".into()),
        ..ReadOptions::default()
    };
    let err = Catalogue::read_with_options(&path, "EPSG:32651", &FieldMap::default(), &bad);
    assert!(
        matches!(err, Err(CatalogueError::Encoding { ref reason, .. }) if reason.contains("klingon")),
        "{err:?}"
    );
    Ok(())
}

#[test]
fn inspect_reports_fields_values_and_unused() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("mines.shp");
    let rows = [GBK_ROWS[0], GBK_ROWS[1], {
        let mut r = GBK_ROWS[0];
        r[2] = "停用";
        r
    }];
    write_gbk_shapefile(&path, &rows)?;
    let report = inspect(&path, &FieldMap::default(), &ReadOptions::default())?;
    assert_eq!(report.feature_count, 3);
    assert_eq!(report.source_crs.as_deref(), Some("EPSG:4490"));
    let field = |concept: &str| {
        report
            .concepts
            .iter()
            .find(|c| c.concept == concept)
            .and_then(|c| c.field.clone())
    };
    assert_eq!(field("id").as_deref(), Some("矿山编号"));
    assert_eq!(field("holder").as_deref(), Some("采矿权人"));
    assert!(report.unused_fields.is_empty());
    let unknown = report.status_values.iter().find(|v| v.value == "停用");
    assert!(unknown.is_some_and(|v| v.maps_to.is_none() && v.count == 1));
    let closed = report
        .status_values
        .iter()
        .find(|v| v.value == "政策性关闭");
    assert!(closed.is_some_and(|v| v.count == 1 && v.maps_to == Some(MineStatus::PolicyClosed)));
    let text = report.to_string();
    assert!(text.contains("status       ← 矿山状态"), "{text}");
    assert!(text.contains("停用"), "{text}");
    assert!(text.contains("UNKNOWN"), "{text}");
    // The same file fails to read, naming the row.
    let err = Catalogue::read(&path, "EPSG:32651", &FieldMap::default());
    assert!(
        matches!(err, Err(CatalogueError::UnknownStatus { row: 3, .. })),
        "{err:?}"
    );
    Ok(())
}

/// A corner-point CSV: a title line, mine cells blank below the first point (as merged cells
/// export), points out of order, the closing point repeated, a second mine.
fn corner_csv(prefix: bool) -> String {
    let y = |e: f64| if prefix { 40.0e6 + e } else { e };
    let mut text = String::from(
        "招远市金矿拐点坐标表,,,,,\n矿山编号,矿山名称,状态,封堵情况,点号,X坐标(m),Y坐标(m)\n",
    );
    let square = [
        ("J3", 4_130_200.0, 535_200.0),
        ("J1", 4_130_000.0, 535_000.0),
        ("J2", 4_130_000.0, 535_200.0),
        ("J4", 4_130_200.0, 535_000.0),
        ("J5", 4_130_000.0, 535_000.0),
    ];
    for (i, (label, x, e)) in square.iter().enumerate() {
        let mine = if i == 0 {
            "C37001,招远金矿,政策性关闭,未封堵"
        } else {
            ",,,"
        };
        text.push_str(&format!("{mine},{label},{x:.2},{:.2}\n", y(*e)));
    }
    for (label, x, e) in [
        ("1", 4_131_000.0, 536_000.0),
        ("2", 4_131_000.0, 536_100.0),
        ("3", 4_131_100.0, 536_100.0),
    ] {
        text.push_str(&format!(
            "C37002,玲珑金矿,在产,,{label},{x:.2},{:.2}\n",
            y(e)
        ));
    }
    text
}

fn assert_square_matches_proj(catalogue: &Catalogue) -> TestResult {
    let mine = &catalogue.mines()[0];
    let coords: Vec<Coord<f64>> = mine.geometry.coords_iter().collect();
    assert_eq!(coords.len(), 5, "{coords:?}");
    for (c, oracle) in coords.iter().zip(ZONE40_SQUARE_UTM51) {
        assert!(
            (c.x - oracle.0).abs() < 0.01 && (c.y - oracle.1).abs() < 0.01,
            "{c:?} vs {oracle:?}"
        );
    }
    assert_eq!(coords[0], coords[4]);
    Ok(())
}

#[test]
fn corner_point_csv_with_zone_prefix_matches_proj() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("拐点.csv");
    fs::write(&path, corner_csv(true))?;
    let catalogue = Catalogue::read(&path, "EPSG:32651", &FieldMap::default())?;
    assert_eq!(catalogue.source_crs(), "EPSG:4528");
    assert_eq!(catalogue.mines().len(), 2);
    let first = &catalogue.mines()[0];
    assert_eq!(first.id, "C37001");
    assert_eq!(first.status, MineStatus::PolicyClosed);
    assert_eq!(first.sealing, Some(Sealing::Unsealed));
    // The spreadsheet line of the mine's first point (line 1 is the title).
    assert_eq!(first.row, 3);
    assert_eq!(catalogue.mines()[1].status, MineStatus::Active);
    assert_square_matches_proj(&catalogue)?;

    let report = inspect(&path, &FieldMap::default(), &ReadOptions::default())?;
    assert_eq!(report.driver, "corner points (CSV)");
    assert_eq!(report.feature_count, 2);
    assert!(report.source_crs_note.contains("zone prefix"));
    assert_eq!(report.geometry_columns, ["点号", "X坐标(m)", "Y坐标(m)"]);
    Ok(())
}

#[test]
fn corner_point_csv_gbk_without_prefix_needs_a_zone() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("corners.csv");
    let text = corner_csv(false);
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    fs::write(&path, &gbk)?;

    let err = Catalogue::read(&path, "EPSG:32651", &FieldMap::default());
    assert!(
        matches!(err, Err(CatalogueError::SourceCrs { ref reason, .. }) if reason.contains("no zone prefix")),
        "{err:?}"
    );
    let report = inspect(&path, &FieldMap::default(), &ReadOptions::default())?;
    assert_eq!(report.source_crs, None);
    assert!(report.encoding.starts_with("gb18030"));

    let zone = ReadOptions {
        gk_zone: Some("40".parse::<GkZone>()?),
        ..ReadOptions::default()
    };
    let catalogue = Catalogue::read_with_options(&path, "EPSG:32651", &FieldMap::default(), &zone)?;
    assert_eq!(catalogue.source_crs(), "EPSG:4549");
    assert_eq!(catalogue.mines()[0].name, "招远金矿");
    assert_square_matches_proj(&catalogue)?;

    let declared = ReadOptions::with_source_crs("EPSG:4549");
    let catalogue =
        Catalogue::read_with_options(&path, "EPSG:32651", &FieldMap::default(), &declared)?;
    assert_square_matches_proj(&catalogue)?;
    let wrong = ReadOptions {
        gk_zone: Some("39".parse::<GkZone>()?),
        ..ReadOptions::default()
    };
    let catalogue =
        Catalogue::read_with_options(&path, "EPSG:32651", &FieldMap::default(), &wrong)?;
    let c = catalogue.mines()[0]
        .geometry
        .coords_iter()
        .next()
        .ok_or("no coords")?;
    assert!(
        (c.x - ZONE40_SQUARE_UTM51[0].0).abs() > 1000.0,
        "zone 39 must land elsewhere"
    );
    Ok(())
}

#[test]
fn corner_point_errors_name_the_line() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("bad.csv");
    fs::write(
        &path,
        "编号,状态,点号,X,Y\nA,关闭,1,4130000,40535000\nA,关闭,2,4130000,40535200\nA,关闭,2,4130100,40535200\n",
    )?;
    let err = Catalogue::read(&path, "EPSG:32651", &FieldMap::default());
    assert!(
        matches!(err, Err(CatalogueError::CornerPoint { row: 4, .. })),
        "{err:?}"
    );
    fs::write(&path, "编号,状态,点号,X,Y\nA,关闭,1,40535000,4130000\n")?;
    let err = Catalogue::read(&path, "EPSG:32651", &FieldMap::default());
    let message = err
        .as_ref()
        .map_err(|e| e.to_string())
        .err()
        .unwrap_or_default();
    assert!(
        message.contains("row 2") && message.contains("swapped"),
        "{message}"
    );
    fs::write(
        &path,
        "编号,状态,点号,X,Y\nA,关闭,1,4130000,40535000\nA,关闭,2,4130000,39535200\n",
    )?;
    let err = Catalogue::read(&path, "EPSG:32651", &FieldMap::default());
    assert!(
        matches!(err, Err(CatalogueError::CornerPoint { row: 3, ref reason, .. }) if reason.contains("one zone")),
        "{err:?}"
    );
    fs::write(
        &path,
        "编号,状态,点号,X,Y\nA,关闭,1,4130000,40535000\nA,关闭,2,4130000,40535200\n",
    )?;
    let err = Catalogue::read(&path, "EPSG:32651", &FieldMap::default());
    assert!(
        matches!(err, Err(CatalogueError::InvalidGeometry { row: 2, .. })),
        "{err:?}"
    );
    Ok(())
}

/// Writes a corner-point workbook with GDAL's XLSX driver (header on the first row).
fn write_xlsx(path: &Path, rows: &[[&str; 5]]) -> TestResult {
    let driver = DriverManager::get_driver_by_name("XLSX")?;
    let mut dataset = driver.create_vector_only(path)?;
    let layer = dataset.create_layer(LayerOptions {
        name: "拐点坐标",
        srs: None,
        ty: gdal::vector::OGRwkbGeometryType::wkbNone,
        options: None,
    })?;
    let header = ["许可证号", "矿山状态", "点号", "X", "Y"];
    let defs: Vec<(&str, OGRFieldType::Type)> = header
        .iter()
        .map(|f| {
            let ty = if matches!(*f, "X" | "Y") {
                OGRFieldType::OFTReal
            } else {
                OGRFieldType::OFTString
            };
            (*f, ty)
        })
        .collect();
    layer.create_defn_fields(&defs)?;
    for values in rows {
        let mut feature = Feature::new(layer.defn())?;
        for (j, value) in values.iter().enumerate() {
            if value.is_empty() {
                continue;
            }
            if j >= 3 {
                feature.set_field_double(j, value.parse()?)?;
            } else {
                feature.set_field_string(j, value)?;
            }
        }
        feature.create(&layer)?;
    }
    Ok(())
}

#[test]
fn corner_point_xlsx_six_degree_zone() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("corners.xlsx");
    write_xlsx(
        &path,
        &[
            ["C4100001", "闭坑", "1", "3450000", "20550000"],
            ["", "", "2", "3450000", "20550300"],
            ["", "", "3", "3450300", "20550300"],
        ],
    )?;
    let catalogue = Catalogue::read(&path, "EPSG:32650", &FieldMap::default())?;
    assert_eq!(catalogue.source_crs(), "EPSG:4498");
    let mine = &catalogue.mines()[0];
    assert_eq!(mine.id, "C4100001");
    assert_eq!(mine.status, MineStatus::Closed);
    let coords: Vec<Coord<f64>> = mine.geometry.coords_iter().collect();
    for (c, oracle) in coords.iter().zip(SIX_DEGREE_ZONE20_UTM50) {
        assert!(
            (c.x - oracle.0).abs() < 0.01 && (c.y - oracle.1).abs() < 0.01,
            "{c:?} vs {oracle:?}"
        );
    }
    let report = inspect(&path, &FieldMap::default(), &ReadOptions::default())?;
    assert_eq!(report.layer, "拐点坐标");
    assert!(report.encoding.contains("Unicode"));
    Ok(())
}

#[test]
fn workbook_without_corner_columns_is_an_error() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("other.xlsx");
    {
        let driver = DriverManager::get_driver_by_name("XLSX")?;
        let mut dataset = driver.create_vector_only(&path)?;
        let layer = dataset.create_layer(LayerOptions {
            name: "Sheet1",
            ty: gdal::vector::OGRwkbGeometryType::wkbNone,
            ..LayerOptions::default()
        })?;
        layer.create_defn_fields(&[("名称", OGRFieldType::OFTString)])?;
        let mut feature = Feature::new(layer.defn())?;
        feature.set_field_string(0, "x")?;
        feature.create(&layer)?;
    }
    let err = Catalogue::read(&path, "EPSG:32650", &FieldMap::default());
    assert!(
        matches!(err, Err(CatalogueError::CornerPoints { ref reason, .. }) if reason.contains("Sheet1")),
        "{err:?}"
    );
    Ok(())
}

fn write_geojson(dir: &Path, name: &str, body: &str) -> Result<PathBuf, std::io::Error> {
    let path = dir.join(name);
    fs::write(&path, body)?;
    Ok(path)
}

#[test]
fn county_layer_lookup_and_intersects() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = write_geojson(
        dir.path(),
        "counties.geojson",
        r#"{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"省":"山东省","县区":"招远市"},"geometry":{"type":"Polygon","coordinates":[[[120.0,37.0],[120.5,37.0],[120.5,37.5],[120.0,37.5],[120.0,37.0]]]}},
 {"type":"Feature","properties":{"省":"山东省","县区":"莱州市"},"geometry":{"type":"MultiPolygon","coordinates":[[[[119.5,37.0],[120.0,37.0],[120.0,37.5],[119.5,37.5],[119.5,37.0]]]]}}
]}"#,
    )?;
    let layer = AreaLayer::read(&path, "EPSG:32651", &AreaFields::counties())?;
    assert_eq!(layer.areas().len(), 2);
    let to_utm = goldsweep_catalogue::CrsTransform::new("EPSG:4326", "EPSG:32651")?;
    let (x, y) = to_utm.convert(120.4, 37.3)?;
    let area = layer.lookup(&Point::new(x, y)).ok_or("no county")?;
    assert_eq!(area.name, "招远市");
    assert_eq!(area.province.as_deref(), Some("山东省"));
    let (x, y) = to_utm.convert(119.7, 37.3)?;
    assert_eq!(
        layer.lookup(&Point::new(x, y)).map(|a| a.name.as_str()),
        Some("莱州市")
    );
    let (x, y) = to_utm.convert(121.0, 37.3)?;
    assert!(layer.lookup(&Point::new(x, y)).is_none());
    let (x, y) = to_utm.convert(120.6, 37.3)?;
    let line = Geometry::LineString(geo::LineString::from(vec![(x, y), (x - 20_000.0, y)]));
    assert_eq!(layer.intersects(&line).map(|a| a.row), Some(1));
    assert_eq!(layer.describe()["name_field"], "县区");
    Ok(())
}

#[test]
fn protected_area_layer_rejects_points() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = write_geojson(
        dir.path(),
        "reserves.geojson",
        r#"{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"NAME":"Reserve A"},"geometry":{"type":"Polygon","coordinates":[[[120.0,37.0],[120.1,37.0],[120.1,37.1],[120.0,37.0]]]}},
 {"type":"Feature","properties":{"NAME":"B"},"geometry":{"type":"Point","coordinates":[120.0,37.0]}}
]}"#,
    )?;
    let err = AreaLayer::read(&path, "EPSG:32651", &AreaFields::protected_areas());
    assert!(
        matches!(err, Err(CatalogueError::UnsupportedGeometry { row: 2, .. })),
        "{err:?}"
    );
    Ok(())
}

#[test]
fn unknown_sealing_value_names_the_row() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = write_geojson(
        dir.path(),
        "m.geojson",
        r#"{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"status":"closed","封堵情况":"已封"},"geometry":{"type":"Point","coordinates":[120.0,37.0]}}
]}"#,
    )?;
    let err = Catalogue::read(&path, "EPSG:32651", &FieldMap::default());
    let message = err.map(|_| String::new()).unwrap_or_else(|e| e.to_string());
    assert!(
        message.contains("row 1") && message.contains("'已封'") && message.contains("封堵不彻底"),
        "{message}"
    );
    Ok(())
}
