//! Reading catalogues in the common vector formats, written to a temporary folder.

use std::fs;
use std::path::{Path, PathBuf};

use gdal::spatial_ref::SpatialRef;
use gdal::vector::{Feature, Geometry as OgrGeometry, LayerAccess, LayerOptions, OGRFieldType};
use gdal::DriverManager;
use geo::{Coord, CoordsIter, Geometry};
use goldsweep_catalogue::{Catalogue, CatalogueError, CrsTransform, FieldMap, MineStatus};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Oracle: `echo "31.2 117.5" | cs2cs -f %.4f EPSG:4490 EPSG:32650` (PROJ 9.1.1).
const CGCS2000_117_5_31_2_UTM50N: (f64, f64) = (547_633.400_0, 3_451_874.969_5);
/// Oracle: `echo "37.3 120.4" | cs2cs -f %.4f EPSG:4326 EPSG:32651` (PROJ 9.1.1).
const WGS84_120_4_37_3_UTM51N: (f64, f64) = (269_553.064_3, 4_131_322.948_8);

/// Writes one layer of string fields with OGR. `epsg = None` writes a layer without CRS.
fn write_layer(
    path: &Path,
    driver: &str,
    epsg: Option<u32>,
    layer_options: &[&str],
    fields: &[&str],
    rows: &[(&[&str], &str)],
) -> TestResult {
    let driver = DriverManager::get_driver_by_name(driver)?;
    let mut dataset = driver.create_vector_only(path)?;
    let srs = epsg.map(SpatialRef::from_epsg).transpose()?;
    let layer = dataset.create_layer(LayerOptions {
        name: "mines",
        srs: srs.as_ref(),
        ty: gdal::vector::OGRwkbGeometryType::wkbUnknown,
        options: Some(layer_options),
    })?;
    let defs: Vec<(&str, OGRFieldType::Type)> = fields
        .iter()
        .map(|f| (*f, OGRFieldType::OFTString))
        .collect();
    layer.create_defn_fields(&defs)?;
    for (values, wkt) in rows {
        let mut feature = Feature::new(layer.defn())?;
        feature.set_geometry(OgrGeometry::from_wkt(wkt)?)?;
        for (i, value) in values.iter().enumerate() {
            feature.set_field_string(i, value)?;
        }
        feature.create(&layer)?;
    }
    Ok(())
}

fn first_coord(g: &Geometry<f64>) -> Result<Coord<f64>, &'static str> {
    g.coords_iter().next().ok_or("geometry without coordinates")
}

fn close(a: Coord<f64>, b: (f64, f64), tolerance: f64) -> bool {
    (a.x - b.0).abs() < tolerance && (a.y - b.1).abs() < tolerance
}

fn geojson(dir: &Path, name: &str, features: &[(&str, &str)]) -> Result<PathBuf, std::io::Error> {
    let body: Vec<String> = features
        .iter()
        .map(|(props, geom)| {
            format!(r#"{{"type":"Feature","properties":{props},"geometry":{geom}}}"#)
        })
        .collect();
    let path = dir.join(name);
    fs::write(
        &path,
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            body.join(",")
        ),
    )?;
    Ok(path)
}

const SQUARE_120_4: &str = r#"{"type":"Polygon","coordinates":[[[120.4,37.3],[120.41,37.3],[120.41,37.31],[120.4,37.31],[120.4,37.3]]]}"#;

#[test]
fn geojson_wgs84_into_utm_matches_cs2cs() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = geojson(
        dir.path(),
        "mines.geojson",
        &[
            (
                r#"{"id":"A-1","name":"Jinshan","status":"政策性关闭"}"#,
                SQUARE_120_4,
            ),
            (
                r#"{"id":null,"status":"active"}"#,
                r#"{"type":"Point","coordinates":[120.5,37.2]}"#,
            ),
        ],
    )?;
    let catalogue = Catalogue::read(&path, "EPSG:32651", &FieldMap::default())?;
    assert_eq!(catalogue.source_crs(), "EPSG:4326");
    let mines = catalogue.mines();
    assert_eq!(mines.len(), 2);
    assert_eq!(
        (
            mines[0].id.as_str(),
            mines[0].name.as_str(),
            mines[0].status,
            mines[0].row
        ),
        ("A-1", "Jinshan", MineStatus::PolicyClosed, 1)
    );
    assert!(close(
        first_coord(&mines[0].geometry)?,
        WGS84_120_4_37_3_UTM51N,
        0.01
    ));
    assert_eq!(
        (mines[1].id.as_str(), mines[1].name.as_str()),
        ("row-2", "")
    );
    assert!(matches!(mines[1].geometry, Geometry::Point(_)));

    let describe = catalogue.describe();
    assert_eq!(describe["feature_count"], 2);
    assert_eq!(describe["status_counts"]["policy_closed"], 1);
    assert_eq!(describe["status_counts"]["active"], 1);
    assert_eq!(describe["status_counts"]["closed"], 0);
    assert_eq!(describe["source_crs"], "EPSG:4326");
    assert_eq!(describe["work_crs"], "EPSG:32651");
    Ok(())
}

#[test]
fn work_crs_given_as_wkt() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = geojson(
        dir.path(),
        "m.geojson",
        &[(r#"{"status":"closed"}"#, SQUARE_120_4)],
    )?;
    let wkt = SpatialRef::from_epsg(32651)?.to_wkt()?;
    let catalogue = Catalogue::read(&path, &wkt, &FieldMap::default())?;
    assert!(close(
        first_coord(&catalogue.mines()[0].geometry)?,
        WGS84_120_4_37_3_UTM51N,
        0.01
    ));
    Ok(())
}

#[test]
fn geographic_work_crs_is_refused() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = geojson(
        dir.path(),
        "m.geojson",
        &[(r#"{"status":"closed"}"#, SQUARE_120_4)],
    )?;
    let err = Catalogue::read(&path, "EPSG:4326", &FieldMap::default());
    assert!(
        matches!(err, Err(CatalogueError::WorkCrs { .. })),
        "{err:?}"
    );
    Ok(())
}

#[test]
fn geopackage_cgcs2000_and_utm50() -> TestResult {
    let dir = tempfile::tempdir()?;
    let square = "POLYGON ((117.5 31.2,117.51 31.2,117.51 31.21,117.5 31.21,117.5 31.2))";
    let geographic = dir.path().join("cgcs2000.gpkg");
    write_layer(
        &geographic,
        "GPKG",
        Some(4490),
        &[],
        &["mine_id", "mine_name", "mine_status"],
        &[(&["GD-7", "Hetai", "closed"], square)],
    )?;
    let catalogue = Catalogue::read(&geographic, "EPSG:32650", &FieldMap::default())?;
    assert_eq!(catalogue.source_crs(), "EPSG:4490");
    let mine = &catalogue.mines()[0];
    assert_eq!((mine.id.as_str(), mine.name.as_str()), ("GD-7", "Hetai"));
    assert!(close(
        first_coord(&mine.geometry)?,
        CGCS2000_117_5_31_2_UTM50N,
        0.01
    ));

    let projected = dir.path().join("utm50.gpkg");
    let (x, y) = CGCS2000_117_5_31_2_UTM50N;
    let wkt = format!(
        "MULTIPOLYGON ((({x} {y},{} {y},{} {},{x} {},{x} {y})))",
        x + 500.0,
        x + 500.0,
        y + 500.0,
        y + 500.0
    );
    write_layer(
        &projected,
        "GPKG",
        Some(32650),
        &[],
        &["status"],
        &[(&["在产"], &wkt)],
    )?;
    let catalogue = Catalogue::read(&projected, "EPSG:32650", &FieldMap::default())?;
    assert_eq!(catalogue.source_crs(), "EPSG:32650");
    let mine = &catalogue.mines()[0];
    assert_eq!(mine.status, MineStatus::Active);
    assert!(close(first_coord(&mine.geometry)?, (x, y), 1e-6));
    Ok(())
}

#[test]
fn geopackage_with_attribute_table_first() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("two_layers.gpkg");
    let driver = DriverManager::get_driver_by_name("GPKG")?;
    let mut dataset = driver.create_vector_only(&path)?;
    dataset.create_layer(LayerOptions {
        name: "notes",
        ty: gdal::vector::OGRwkbGeometryType::wkbNone,
        ..LayerOptions::default()
    })?;
    let srs = SpatialRef::from_epsg(4490)?;
    let layer = dataset.create_layer(LayerOptions {
        name: "outlines",
        srs: Some(&srs),
        ty: gdal::vector::OGRwkbGeometryType::wkbPolygon,
        ..LayerOptions::default()
    })?;
    layer.create_defn_fields(&[("status", OGRFieldType::OFTString)])?;
    let mut feature = Feature::new(layer.defn())?;
    feature.set_geometry(OgrGeometry::from_wkt(
        "POLYGON ((117.5 31.2,117.51 31.2,117.51 31.21,117.5 31.2))",
    )?)?;
    feature.set_field_string(0, "闭坑")?;
    feature.create(&layer)?;
    drop(feature);
    dataset.close()?;

    let catalogue = Catalogue::read(&path, "EPSG:32650", &FieldMap::default())?;
    assert_eq!(catalogue.mines().len(), 1);
    let describe = catalogue.describe();
    assert_eq!(describe["layer"], "outlines");
    assert_eq!(describe["skipped_layers"][0], "notes");
    Ok(())
}

#[test]
fn shapefile_with_chinese_fields() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("mines.shp");
    write_layer(
        &path,
        "ESRI Shapefile",
        Some(4490),
        &["ENCODING=UTF-8"],
        &["编号", "状态"],
        &[
            (
                &["采矿许可证 C3400", "保护地内退出"],
                "POLYGON ((117.5 31.2,117.5 31.21,117.51 31.21,117.51 31.2,117.5 31.2))",
            ),
            (
                &["", "盗采点"],
                "POLYGON ((117.52 31.22,117.52 31.23,117.53 31.23,117.52 31.22))",
            ),
        ],
    )?;
    let catalogue = Catalogue::read(&path, "EPSG:32650", &FieldMap::default())?;
    let mines = catalogue.mines();
    assert_eq!(mines.len(), 2);
    assert_eq!(mines[0].id, "采矿许可证 C3400");
    assert_eq!(mines[0].status, MineStatus::ProtectedAreaExit);
    assert!(close(
        first_coord(&mines[0].geometry)?,
        CGCS2000_117_5_31_2_UTM50N,
        0.01
    ));
    assert_eq!(mines[1].id, "row-2");
    assert_eq!(mines[1].status, MineStatus::IllegalSite);
    Ok(())
}

#[test]
fn shapefile_without_prj_is_a_missing_crs_error() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("nocrs.shp");
    write_layer(
        &path,
        "ESRI Shapefile",
        None,
        &[],
        &["status"],
        &[(&["closed"], "POINT (500000 3500000)")],
    )?;
    let err = Catalogue::read(&path, "EPSG:32650", &FieldMap::default());
    match err {
        Err(e @ CatalogueError::MissingCrs { .. }) => {
            let message = e.to_string();
            assert!(
                message.starts_with(&path.display().to_string()),
                "{message}"
            );
            assert!(!message.contains('\n'));
        }
        other => panic!("expected MissingCrs, got {other:?}"),
    }
    Ok(())
}

#[test]
fn csv_with_wkt_column_and_prj_sidecar() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("ledger.csv");
    fs::write(
        &path,
        "许可证号,矿山名称,矿山状态,WKT\n\
         C1,金山,正常关闭,\"POLYGON ((117.5 31.2,117.51 31.2,117.51 31.21,117.5 31.21,117.5 31.2))\"\n\
         C2,银山,在产,\"POINT (117.6 31.3)\"\n",
    )?;
    let missing = Catalogue::read(&path, "EPSG:32650", &FieldMap::default());
    assert!(
        matches!(missing, Err(CatalogueError::MissingCrs { .. })),
        "{missing:?}"
    );

    fs::write(
        dir.path().join("ledger.prj"),
        SpatialRef::from_epsg(4490)?.to_wkt()?,
    )?;
    let catalogue = Catalogue::read(&path, "EPSG:32650", &FieldMap::default())?;
    let mines = catalogue.mines();
    assert_eq!(mines.len(), 2);
    assert_eq!(
        (mines[0].id.as_str(), mines[0].name.as_str()),
        ("C1", "金山")
    );
    assert_eq!(mines[0].status, MineStatus::Closed);
    assert_eq!(mines[1].status, MineStatus::Active);
    assert!(close(
        first_coord(&mines[0].geometry)?,
        CGCS2000_117_5_31_2_UTM50N,
        0.01
    ));
    Ok(())
}

#[test]
fn csv_with_lon_lat_columns_and_declared_crs() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("points.csv");
    fs::write(&path, "id,status,lon,lat\nP1,illegal_site,120.4,37.3\n")?;
    let catalogue =
        Catalogue::read_with_source_crs(&path, "EPSG:32651", &FieldMap::default(), "EPSG:4326")?;
    let mine = &catalogue.mines()[0];
    assert_eq!(mine.status, MineStatus::IllegalSite);
    assert!(close(
        first_coord(&mine.geometry)?,
        WGS84_120_4_37_3_UTM51N,
        0.01
    ));
    Ok(())
}

#[test]
fn unknown_status_names_file_row_and_accepted_values() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = geojson(
        dir.path(),
        "bad_status.geojson",
        &[
            (r#"{"status":"closed"}"#, SQUARE_120_4),
            (r#"{"status":"关闭"}"#, SQUARE_120_4),
            (r#"{"status":"abandoned"}"#, SQUARE_120_4),
        ],
    )?;
    let err = Catalogue::read(&path, "EPSG:32651", &FieldMap::default());
    match err {
        Err(e @ CatalogueError::UnknownStatus { row: 3, .. }) => {
            let message = e.to_string();
            assert!(message.contains("bad_status.geojson: row 3"), "{message}");
            assert!(message.contains("'abandoned'") && message.contains("policy_closed"));
            assert!(message.contains("盗采点"));
        }
        other => panic!("expected UnknownStatus at row 3, got {other:?}"),
    }
    Ok(())
}

#[test]
fn missing_status_field_names_fields_tried() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = geojson(
        dir.path(),
        "nostatus.geojson",
        &[(r#"{"year":2020}"#, SQUARE_120_4)],
    )?;
    let err = Catalogue::read(&path, "EPSG:32651", &FieldMap::default());
    match err {
        Err(e @ CatalogueError::MissingStatusField { .. }) => {
            let message = e.to_string();
            assert!(
                message.contains("矿山状态") && message.contains("year"),
                "{message}"
            );
        }
        other => panic!("expected MissingStatusField, got {other:?}"),
    }
    let fields = FieldMap::with_status_default(MineStatus::Closed);
    let catalogue = Catalogue::read(&path, "EPSG:32651", &fields)?;
    assert_eq!(catalogue.mines()[0].status, MineStatus::Closed);
    Ok(())
}

#[test]
fn self_intersecting_polygon_names_file_and_row() -> TestResult {
    let dir = tempfile::tempdir()?;
    let bow_tie = r#"{"type":"Polygon","coordinates":[[[120.4,37.3],[120.41,37.31],[120.41,37.3],[120.4,37.31],[120.4,37.3]]]}"#;
    let path = geojson(
        dir.path(),
        "bowtie.geojson",
        &[
            (r#"{"status":"closed"}"#, SQUARE_120_4),
            (r#"{"status":"closed"}"#, bow_tie),
        ],
    )?;
    let err = Catalogue::read(&path, "EPSG:32651", &FieldMap::default());
    match err {
        Err(e @ CatalogueError::InvalidGeometry { row: 2, .. }) => {
            let message = e.to_string();
            assert!(
                message.contains("bowtie.geojson: row 2: invalid geometry"),
                "{message}"
            );
        }
        other => panic!("expected InvalidGeometry at row 2, got {other:?}"),
    }
    Ok(())
}

#[test]
fn empty_and_line_geometries_are_errors() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = geojson(
        dir.path(),
        "null.geojson",
        &[(r#"{"status":"closed"}"#, "null")],
    )?;
    let err = Catalogue::read(&path, "EPSG:32651", &FieldMap::default());
    assert!(
        matches!(err, Err(CatalogueError::EmptyGeometry { row: 1, .. })),
        "{err:?}"
    );

    let line = r#"{"type":"LineString","coordinates":[[120.4,37.3],[120.5,37.4]]}"#;
    let path = geojson(
        dir.path(),
        "line.geojson",
        &[(r#"{"status":"closed"}"#, line)],
    )?;
    let err = Catalogue::read(&path, "EPSG:32651", &FieldMap::default());
    assert!(
        matches!(err, Err(CatalogueError::UnsupportedGeometry { row: 1, .. })),
        "{err:?}"
    );
    Ok(())
}

#[test]
fn impossible_latitude_is_an_invalid_geometry() -> TestResult {
    let dir = tempfile::tempdir()?;
    let far = r#"{"type":"Point","coordinates":[120.4,95.0]}"#;
    let path = geojson(
        dir.path(),
        "far.geojson",
        &[(r#"{"status":"closed"}"#, far)],
    )?;
    let err = Catalogue::read(&path, "EPSG:32651", &FieldMap::default());
    assert!(
        matches!(err, Err(CatalogueError::InvalidGeometry { row: 1, .. })),
        "{err:?}"
    );
    Ok(())
}

#[test]
fn mines_outside_the_work_crs_domain_are_skipped_and_counted() -> TestResult {
    // A global catalogue read into a UTM zone: a mine on the far side of the globe cannot be
    // projected; it is counted, not fatal, and the nearby mine is kept.
    let dir = tempfile::tempdir()?;
    let near = r#"{"type":"Point","coordinates":[39.5,-7.7]}"#;
    let far = r#"{"type":"Point","coordinates":[-56.4,-1.8]}"#;
    let path = geojson(
        dir.path(),
        "global.geojson",
        &[
            (r#"{"status":"closed"}"#, near),
            (r#"{"status":"closed"}"#, far),
        ],
    )?;
    let cat = Catalogue::read(&path, "EPSG:32737", &FieldMap::default())?;
    assert_eq!(cat.mines().len(), 1);
    assert_eq!(cat.describe()["rows_outside_work_crs"], 1);
    Ok(())
}

#[test]
fn unreadable_path_is_an_open_error() {
    let path = Path::new("/nonexistent/catalogue.gpkg");
    let err = Catalogue::read(path, "EPSG:32650", &FieldMap::default());
    match err {
        Err(e @ CatalogueError::Open { .. }) => {
            assert!(e.to_string().starts_with("/nonexistent/catalogue.gpkg: "));
        }
        other => panic!("expected Open error, got {other:?}"),
    }
}

#[test]
fn transform_struct_agrees_with_catalogue() -> TestResult {
    let t = CrsTransform::new("EPSG:4490", "EPSG:32650")?;
    let (x, y) = t.convert(117.5, 31.2)?;
    assert!(close(Coord { x, y }, CGCS2000_117_5_31_2_UTM50N, 0.01));
    Ok(())
}

#[test]
fn kml_placemarks() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("sites.kml");
    fs::write(
        &path,
        r##"<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Schema name="sites" id="sites"><SimpleField name="status" type="string"/></Schema>
<Folder><name>sites</name>
<Placemark><name>东沟盗采点</name>
<ExtendedData><SchemaData schemaUrl="#sites"><SimpleData name="status">盗采点</SimpleData></SchemaData></ExtendedData>
<Point><coordinates>120.4,37.3</coordinates></Point></Placemark>
</Folder></Document></kml>"##,
    )?;
    let catalogue = Catalogue::read(&path, "EPSG:32651", &FieldMap::default())?;
    let mine = &catalogue.mines()[0];
    assert_eq!(mine.name, "东沟盗采点");
    assert_eq!(mine.status, MineStatus::IllegalSite);
    assert!(close(
        first_coord(&mine.geometry)?,
        WGS84_120_4_37_3_UTM51N,
        0.01
    ));
    Ok(())
}
