//! Relation priority, distances and the R-tree query, on hand-made catalogues in metres.

use geo::{polygon, Geometry, Point, Polygon};
use goldsweep_catalogue::{Catalogue, Mine, MineStatus, Relation, RelationKind};

/// Axis-aligned square with lower-left corner (x, y) and side `size`.
fn square(x: f64, y: f64, size: f64) -> Polygon<f64> {
    polygon![
        (x: x, y: y),
        (x: x + size, y: y),
        (x: x + size, y: y + size),
        (x: x, y: y + size),
    ]
}

fn mine(status: MineStatus, geometry: Geometry<f64>) -> Mine {
    Mine {
        id: String::new(),
        name: String::new(),
        status,
        holder: None,
        sealing: None,
        responsible: None,
        geometry,
        row: 0,
    }
}

fn catalogue(mines: Vec<Mine>) -> Catalogue {
    let mines = mines
        .into_iter()
        .enumerate()
        .map(|(i, m)| Mine {
            id: format!("m{i}"),
            row: i + 1,
            ..m
        })
        .collect();
    Catalogue::from_mines(mines, "EPSG:32650")
}

fn expect(relation: Relation, kind: RelationKind, mine: usize, distance: f64) {
    assert_eq!(relation.kind, kind, "{relation:?}");
    assert_eq!(relation.mine, Some(mine), "{relation:?}");
    let d = relation.distance_m.unwrap_or(f64::NAN);
    assert!((d - distance).abs() < 1e-9, "{relation:?}");
}

#[test]
fn illegal_site_nearby_beats_inside_closed() {
    let c = catalogue(vec![
        mine(MineStatus::Closed, square(0.0, 0.0, 1000.0).into()),
        mine(MineStatus::IllegalSite, Point::new(1200.0, 500.0).into()),
    ]);
    let heap = square(900.0, 450.0, 50.0);
    expect(
        c.relate(&heap, 300.0),
        RelationKind::AtIllegalSite,
        1,
        250.0,
    );
    // Out of range of the illegal site: inside the closed mine.
    expect(
        c.relate(&heap, 100.0),
        RelationKind::InsideClosedMine,
        0,
        0.0,
    );
}

#[test]
fn inside_closed_beats_inside_active() {
    let c = catalogue(vec![
        mine(MineStatus::Active, square(0.0, 0.0, 1000.0).into()),
        mine(MineStatus::PolicyClosed, square(400.0, 400.0, 200.0).into()),
    ]);
    let heap = square(450.0, 450.0, 20.0);
    expect(
        c.relate(&heap, 300.0),
        RelationKind::InsideClosedMine,
        1,
        0.0,
    );
}

#[test]
fn inside_active_beats_near_closed() {
    let c = catalogue(vec![
        mine(
            MineStatus::ProtectedAreaExit,
            square(1100.0, 0.0, 500.0).into(),
        ),
        mine(MineStatus::Active, square(0.0, 0.0, 1000.0).into()),
    ]);
    let heap = square(950.0, 100.0, 20.0);
    expect(
        c.relate(&heap, 300.0),
        RelationKind::InsideActiveMine,
        1,
        0.0,
    );
}

#[test]
fn near_closed_beats_nearer_active() {
    let c = catalogue(vec![
        mine(MineStatus::Active, square(0.0, 0.0, 100.0).into()),
        mine(MineStatus::Closed, square(0.0, 400.0, 100.0).into()),
    ]);
    let heap = square(0.0, 150.0, 50.0); // 50 m above the active mine, 200 m below the closed one
    expect(
        c.relate(&heap, 300.0),
        RelationKind::NearClosedMine,
        1,
        200.0,
    );
    expect(
        c.relate(&heap, 100.0),
        RelationKind::NearActiveMine,
        0,
        50.0,
    );
    assert_eq!(c.relate(&heap, 10.0), Relation::outside());
}

#[test]
fn straddling_the_boundary_counts_as_inside() {
    let c = catalogue(vec![mine(
        MineStatus::Closed,
        square(0.0, 0.0, 100.0).into(),
    )]);
    let heap = square(90.0, 40.0, 30.0);
    expect(c.relate(&heap, 0.0), RelationKind::InsideClosedMine, 0, 0.0);
    let touching = square(100.0, 40.0, 30.0);
    expect(
        c.relate(&touching, 0.0),
        RelationKind::InsideClosedMine,
        0,
        0.0,
    );
}

#[test]
fn ties_go_to_the_nearest_then_the_lowest_index() {
    let c = catalogue(vec![
        mine(MineStatus::Closed, square(500.0, 0.0, 100.0).into()),
        mine(MineStatus::Closed, square(0.0, 0.0, 100.0).into()),
        mine(MineStatus::Closed, square(0.0, 0.0, 100.0).into()),
        mine(MineStatus::Closed, square(250.0, 0.0, 100.0).into()),
    ]);
    // Inside mines 1 and 2 (identical): lowest index wins.
    expect(
        c.relate(&square(10.0, 10.0, 5.0), 1000.0),
        RelationKind::InsideClosedMine,
        1,
        0.0,
    );
    // Between mines 3 (50 m) and 0 (100 m): nearest wins.
    expect(
        c.relate(&square(390.0, 10.0, 10.0), 1000.0),
        RelationKind::NearClosedMine,
        3,
        40.0,
    );
}

#[test]
fn point_mines_relate_by_distance_only() {
    let c = catalogue(vec![
        mine(MineStatus::Closed, Point::new(0.0, 0.0).into()),
        mine(MineStatus::Active, Point::new(1000.0, 0.0).into()),
    ]);
    // The object covers the closed mine's location: near at distance 0, never "inside".
    expect(
        c.relate(&square(-10.0, -10.0, 20.0), 300.0),
        RelationKind::NearClosedMine,
        0,
        0.0,
    );
    expect(
        c.relate(&square(800.0, 0.0, 100.0), 300.0),
        RelationKind::NearActiveMine,
        1,
        100.0,
    );
    assert_eq!(
        c.relate(&square(400.0, 0.0, 10.0), 300.0).kind,
        RelationKind::OutsideCatalogue
    );
}

#[test]
fn other_object_types() {
    let c = catalogue(vec![mine(
        MineStatus::Closed,
        square(0.0, 0.0, 100.0).into(),
    )]);
    expect(
        c.relate(&Point::new(50.0, 50.0), 0.0),
        RelationKind::InsideClosedMine,
        0,
        0.0,
    );
    let g: Geometry<f64> = Point::new(130.0, 50.0).into();
    expect(c.relate(&g, 50.0), RelationKind::NearClosedMine, 0, 30.0);
    let multi = geo::MultiPolygon::new(vec![square(300.0, 0.0, 10.0), square(105.0, 0.0, 10.0)]);
    expect(c.relate(&multi, 50.0), RelationKind::NearClosedMine, 0, 5.0);
}

#[test]
fn empty_catalogue_and_odd_distances() {
    let empty = Catalogue::empty();
    assert!(empty.mines().is_empty());
    assert_eq!(
        empty.relate(&square(0.0, 0.0, 1.0), 300.0),
        Relation::outside()
    );
    assert_eq!(empty.describe()["feature_count"], 0);

    let c = catalogue(vec![mine(
        MineStatus::Closed,
        square(0.0, 0.0, 100.0).into(),
    )]);
    let away = square(110.0, 0.0, 10.0);
    for near in [f64::NAN, -5.0, f64::NEG_INFINITY] {
        assert_eq!(c.relate(&away, near), Relation::outside());
    }
    let empty_polygon = Polygon::new(geo::LineString::new(vec![]), vec![]);
    assert_eq!(c.relate(&empty_polygon, 300.0), Relation::outside());
}

#[test]
fn catalogue_is_shareable_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Catalogue>();
}

/// Brute-force oracle: test every mine, same priority rule.
fn relate_brute_force(c: &Catalogue, object: &Polygon<f64>, near: f64) -> Relation {
    use geo::{Distance, Euclidean, Intersects};
    let mut best: Option<(RelationKind, f64, usize)> = None;
    for (i, m) in c.mines().iter().enumerate() {
        let candidate = if m.is_areal() && object.intersects(&m.geometry) {
            let kind = match m.status {
                MineStatus::IllegalSite => RelationKind::AtIllegalSite,
                MineStatus::Active => RelationKind::InsideActiveMine,
                _ => RelationKind::InsideClosedMine,
            };
            (kind, 0.0, i)
        } else {
            let d = Euclidean.distance(&m.geometry, object);
            if d > near {
                continue;
            }
            let kind = match m.status {
                MineStatus::IllegalSite => RelationKind::AtIllegalSite,
                MineStatus::Active => RelationKind::NearActiveMine,
                _ => RelationKind::NearClosedMine,
            };
            (kind, d, i)
        };
        // Mines are visited in index order, so equal (kind, distance) keeps the lower index.
        let better = match best {
            None => true,
            Some(b) => candidate.0 < b.0 || (candidate.0 == b.0 && candidate.1 < b.1),
        };
        if better {
            best = Some(candidate);
        }
    }
    match best {
        Some((kind, d, i)) => Relation {
            kind,
            mine: Some(i),
            distance_m: Some(d),
        },
        None => Relation::outside(),
    }
}

#[test]
fn tree_query_agrees_with_brute_force() {
    // Deterministic pseudo-random layout (64-bit LCG): 2000 mines of mixed status and shape.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut mines = Vec::new();
    for _ in 0..2000 {
        let status = MineStatus::ALL[(next() * 5.0) as usize % 5];
        let (x, y) = (next() * 50_000.0, next() * 50_000.0);
        let geometry: Geometry<f64> = if next() < 0.2 {
            Point::new(x, y).into()
        } else {
            square(x, y, 50.0 + next() * 500.0).into()
        };
        mines.push(mine(status, geometry));
    }
    let c = catalogue(mines);
    for _ in 0..500 {
        let object = square(next() * 50_000.0, next() * 50_000.0, 5.0 + next() * 100.0);
        let near = next() * 1000.0;
        assert_eq!(
            c.relate(&object, near),
            relate_brute_force(&c, &object, near)
        );
    }
}
