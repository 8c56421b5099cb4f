//! The gold-mine catalogue for goldsweep: which mines exist, what their status is, and how a
//! detected change object relates to them.
//!
//! # Concepts
//!
//! * [`Catalogue`] — mines read from any OGR vector source (GeoPackage, Shapefile, GeoJSON,
//!   KML, CSV with WKT or X/Y columns), reprojected with PROJ into the *work CRS* (a projected
//!   CRS in metres, normally the scene's), indexed by an R-tree of envelopes.
//! * [`MineStatus`] — the status vocabulary, parsed from English or Chinese catalogue terms
//!   (在产, 政策性关闭, 保护地内退出, 闭坑, 盗采点, ...).
//! * [`FieldMap`] — which attribute fields hold id, name, status, holder, sealing state and
//!   responsible party, tried in order (Chinese and English names); [`Sealing`] — 已封堵 /
//!   未封堵 / 封堵不彻底.
//! * [`ReadOptions`] — what a file may not say: source CRS, [`GkZone`], attribute encoding.
//!   Shapefile text in GBK/GB18030 is decoded with or without a `.cpg` ([`AttributeEncoding`]).
//! * Corner-point tables (拐点坐标, CSV/XLSX): numbered X (northing) / Y (easting) points in
//!   CGCS2000 Gauss–Krüger zones, with or without the zone prefix in Y, grouped into mine
//!   boundaries.
//! * [`inspect`] → [`InspectReport`] — what was recognised in a file (driver, CRS, encoding,
//!   field per attribute, unused fields, status values and their meaning).
//! * [`AreaLayer`] — protected areas or county boundaries: which [`Area`] holds a point or
//!   meets a geometry.
//! * [`Catalogue::relate`] → [`Relation`] — the most suspicious [`RelationKind`] of an object:
//!   at an illegal site, inside a closed mine, inside an active mine, near a closed mine, near
//!   an active mine, or outside the catalogue.
//! * [`CrsTransform`] / [`utm_crs_for`] — PROJ transformations with lon/lat, easting/northing
//!   axis order everywhere, and the UTM zone for a location.
//!
//! # Threads
//!
//! A [`Catalogue`] is immutable and `Send + Sync`: build it once and share it. A
//! [`CrsTransform`] wraps a PROJ object bound to one thread: make one per worker.
//!
//! # Example
//!
//! ```
//! use geo::{polygon, Geometry};
//! use goldsweep_catalogue::{Catalogue, Mine, MineStatus, RelationKind};
//!
//! let closed = Mine {
//!     id: "C-1".into(),
//!     name: "old pit".into(),
//!     status: MineStatus::PolicyClosed,
//!     holder: None,
//!     sealing: None,
//!     responsible: None,
//!     geometry: Geometry::Polygon(polygon![(x: 0.0, y: 0.0), (x: 100.0, y: 0.0), (x: 100.0, y: 100.0), (x: 0.0, y: 100.0)]),
//!     row: 1,
//! };
//! let catalogue = Catalogue::from_mines(vec![closed], "EPSG:32650");
//! let heap = polygon![(x: 150.0, y: 10.0), (x: 160.0, y: 10.0), (x: 160.0, y: 20.0), (x: 150.0, y: 20.0)];
//! let relation = catalogue.relate(&heap, 300.0);
//! assert_eq!(relation.kind, RelationKind::NearClosedMine);
//! assert_eq!(relation.distance_m, Some(50.0));
//! ```

mod area_layer;
mod attribute_table;
mod catalogue;
mod catalogue_read;
mod corner_points;
mod crs_transform;
mod error;
mod field_map;
mod gauss_kruger;
mod inspect;
mod ogr_geometry;
mod ogr_table;
mod read_options;
mod relation;
mod ring_crossing;
mod sealing;
mod status;
mod text_encoding;

pub use area_layer::{Area, AreaFields, AreaLayer};
pub use catalogue::{Catalogue, Mine};
pub use crs_transform::{proj_version, utm_crs_for, CrsTransform};
pub use error::CatalogueError;
pub use field_map::{normalise_field_name, FieldMap};
pub use gauss_kruger::{GkZone, ZoneWidth};
pub use inspect::{inspect, ConceptMatch, InspectReport, ValueCount};
pub use read_options::ReadOptions;
pub use relation::{Relatable, Relation, RelationKind};
pub use sealing::Sealing;
pub use status::MineStatus;
pub use text_encoding::AttributeEncoding;
