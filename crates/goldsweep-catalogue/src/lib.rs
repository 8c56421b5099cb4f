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
//! * [`FieldMap`] — which attribute fields hold id, name and status, tried in order.
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
//!     geometry: Geometry::Polygon(polygon![(x: 0.0, y: 0.0), (x: 100.0, y: 0.0), (x: 100.0, y: 100.0), (x: 0.0, y: 100.0)]),
//!     row: 1,
//! };
//! let catalogue = Catalogue::from_mines(vec![closed], "EPSG:32650");
//! let heap = polygon![(x: 150.0, y: 10.0), (x: 160.0, y: 10.0), (x: 160.0, y: 20.0), (x: 150.0, y: 20.0)];
//! let relation = catalogue.relate(&heap, 300.0);
//! assert_eq!(relation.kind, RelationKind::NearClosedMine);
//! assert_eq!(relation.distance_m, Some(50.0));
//! ```

mod catalogue;
mod catalogue_read;
mod crs_transform;
mod error;
mod field_map;
mod ogr_geometry;
mod relation;
mod ring_crossing;
mod status;

pub use catalogue::{Catalogue, Mine};
pub use crs_transform::{proj_version, utm_crs_for, CrsTransform};
pub use error::CatalogueError;
pub use field_map::FieldMap;
pub use relation::{Relatable, Relation, RelationKind};
pub use status::MineStatus;
