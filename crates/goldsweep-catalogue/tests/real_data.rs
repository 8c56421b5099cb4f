//! Reads the public mining-polygon catalogues in ../shared/data/mines (skipped when absent).

use std::path::{Path, PathBuf};

use geo::{Area, BoundingRect};
use goldsweep_catalogue::{
    inspect, Catalogue, CrsTransform, FieldMap, MineStatus, ReadOptions, RelationKind,
};

fn data_dir() -> Option<PathBuf> {
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/mines"
    ));
    if dir.is_dir() {
        Some(dir.to_path_buf())
    } else {
        eprintln!("skipping: real data folder {} is absent", dir.display());
        None
    }
}

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[test]
fn ghana_geojson_into_utm30n() -> TestResult {
    let Some(dir) = data_dir() else { return Ok(()) };
    let path = dir.join("amw_ghana_ashanti_2017-2020.geojson");
    let fields = FieldMap::with_status_default(MineStatus::IllegalSite);
    let catalogue = Catalogue::read(&path, "EPSG:32630", &fields)?;
    assert_eq!(catalogue.mines().len(), 407);
    assert_eq!(catalogue.source_crs(), "EPSG:4326");
    assert!(catalogue
        .mines()
        .iter()
        .all(|m| m.status == MineStatus::IllegalSite));
    assert_eq!(catalogue.mines()[0].id, "row-1");
    assert_eq!(catalogue.mines()[406].row, 407);

    // Extent reported by ogrinfo: (-2.218362, 5.883894) - (-1.291149, 6.842948).
    let to_utm = CrsTransform::new("EPSG:4326", "EPSG:32630")?;
    let (min_x, min_y) = to_utm.convert(-2.218362, 5.883894)?;
    let (max_x, max_y) = to_utm.convert(-1.291149, 6.842948)?;
    for mine in catalogue.mines() {
        let rect = mine.geometry.bounding_rect().ok_or("empty geometry")?;
        // UTM grid lines are not parallel to meridians: allow 2 km of skew at the corners.
        assert!(rect.min().x > min_x - 2000.0 && rect.max().x < max_x + 2000.0);
        assert!(rect.min().y > min_y - 2000.0 && rect.max().y < max_y + 2000.0);
        let area = mine.geometry.unsigned_area();
        assert!(
            area > 100.0 && area < 5.0e7,
            "row {} area {area} m²",
            mine.row
        );
    }

    // A mine's own interior point relates as being at the (illegal) site.
    let first = &catalogue.mines()[0];
    let relation = catalogue.relate(&first.geometry, 0.0);
    assert_eq!(relation.kind, RelationKind::AtIllegalSite);
    let describe = catalogue.describe();
    assert_eq!(describe["feature_count"], 407);
    assert_eq!(describe["status_counts"]["illegal_site"], 407);
    Ok(())
}

#[test]
fn indigenous_territories_single_multipolygon() -> TestResult {
    let Some(dir) = data_dir() else { return Ok(()) };
    let path = dir.join("amw_indigenous_territories_new_mining_2019-2020.geojson");
    let fields = FieldMap::with_status_default(MineStatus::Closed);
    let catalogue = Catalogue::read(&path, "EPSG:32720", &fields)?;
    assert_eq!(catalogue.mines().len(), 1);
    assert!(matches!(
        catalogue.mines()[0].geometry,
        geo::Geometry::MultiPolygon(_)
    ));
    Ok(())
}

#[test]
fn maus_tang_geopackage_worldwide() -> TestResult {
    let Some(dir) = data_dir() else { return Ok(()) };
    let path = dir.join("maus_tang_combined_demo.gpkg");
    let fields = FieldMap::with_status_default(MineStatus::Active);
    // Mines on every continent: a single UTM zone cannot hold them, Web Mercator can.
    let catalogue = Catalogue::read(&path, "EPSG:3857", &fields)?;
    assert_eq!(catalogue.mines().len(), 100);
    assert_eq!(catalogue.source_crs(), "EPSG:4326");
    assert!(catalogue.mines().iter().all(|m| !m.id.starts_with("row-")));
    assert_eq!(
        catalogue.describe()["layer"],
        "mining_polygons_combined_demo"
    );
    Ok(())
}

#[test]
fn inspect_ghana_geojson() -> TestResult {
    let Some(dir) = data_dir() else { return Ok(()) };
    let path = dir.join("amw_ghana_ashanti_2017-2020.geojson");
    let fields = FieldMap::with_status_default(MineStatus::IllegalSite);
    let report = inspect(&path, &fields, &ReadOptions::default())?;
    assert_eq!(report.driver, "GeoJSON");
    assert_eq!(report.feature_count, 407);
    assert_eq!(report.source_crs.as_deref(), Some("EPSG:4326"));
    assert!(report.encoding.starts_with("UTF-8"), "{}", report.encoding);
    assert!(report.unused_fields.iter().any(|f| f == "year"));
    assert!(report.status_values.is_empty());
    assert_eq!(report.geometry_problems, 0);
    Ok(())
}
