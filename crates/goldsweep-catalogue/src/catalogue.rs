//! The catalogue in memory: mines in the work CRS, an R-tree of their envelopes, and the
//! relation query.

use std::path::{Path, PathBuf};

use geo::{BoundingRect, Geometry};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

use crate::error::Result;
use crate::field_map::FieldMap;
use crate::read_options::ReadOptions;
use crate::relation::{Relatable, Relation, RelationKind};
use crate::sealing::Sealing;
use crate::status::MineStatus;

/// One catalogued mine.
#[derive(Clone, Debug, PartialEq)]
pub struct Mine {
    /// Identifier from the id field, or `"row-N"` when the file has none.
    pub id: String,
    /// Name from the name field, or `""`.
    pub name: String,
    /// Normalised status.
    pub status: MineStatus,
    /// Mining-right holder (采矿权人), when the catalogue has that field and a value.
    pub holder: Option<String>,
    /// Sealing state of the workings (封堵情况), when recorded.
    pub sealing: Option<Sealing>,
    /// Party responsible for sealing (封堵责任主体), when recorded.
    pub responsible: Option<String>,
    /// Outline (Polygon/MultiPolygon) or location (Point/MultiPoint) in the work CRS (metres).
    pub geometry: Geometry<f64>,
    /// 1-based feature number in the source layer, for pointing users back at the file.
    pub row: usize,
}

impl Mine {
    /// True when the mine has an area (polygon parts) that an object can be inside; mines given
    /// only as points are related by distance alone.
    pub fn is_areal(&self) -> bool {
        has_area(&self.geometry)
    }
}

fn has_area(g: &Geometry<f64>) -> bool {
    match g {
        Geometry::Polygon(_) | Geometry::MultiPolygon(_) | Geometry::Rect(_) => true,
        Geometry::Triangle(_) => true,
        Geometry::GeometryCollection(items) => items.iter().any(has_area),
        _ => false,
    }
}

/// An R-tree entry: a mine's envelope and its index in [`Catalogue::mines`].
type Envelope = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// Where a catalogue came from, for [`Catalogue::describe`].
#[derive(Clone, Debug, Default)]
pub(crate) struct Provenance {
    pub path: Option<PathBuf>,
    pub layer: String,
    pub skipped_layers: Vec<String>,
    /// Rows (1-based) of mines too far from the work CRS's domain to be transformed into it.
    pub outside_work_crs: Vec<usize>,
    pub source_crs: String,
    pub work_crs: String,
    /// OGR driver or corner-point reader.
    pub driver: String,
    /// The attribute encoding and why it was chosen.
    pub encoding: String,
    /// Each mine attribute and the field it was read from (`None`: not found).
    pub field_mapping: Vec<(&'static str, Option<String>)>,
}

/// The mine catalogue, reprojected into the work CRS and indexed for fast relation queries.
///
/// Immutable once built, `Send + Sync`: share one catalogue between all worker threads.
#[derive(Debug)]
pub struct Catalogue {
    mines: Vec<Mine>,
    tree: RTree<Envelope>,
    provenance: Provenance,
}

impl Catalogue {
    /// Reads the first layer with geometries of any OGR vector dataset (GeoPackage, Shapefile,
    /// GeoJSON, KML, CSV with a WKT column or X/Y columns, ...) and transforms it into
    /// `work_crs`, which must be a projected CRS in metres (WKT, `"EPSG:n"` or PROJ string).
    ///
    /// The source CRS is the layer's own; GeoJSON without a `crs` member is EPSG:4326 (RFC 7946);
    /// a layer without CRS may take one from a `.prj` file beside it (same stem); otherwise the
    /// read fails with [`CatalogueError::MissingCrs`](crate::CatalogueError::MissingCrs). Other
    /// layers of the dataset are skipped and listed by [`Catalogue::describe`].
    ///
    /// Attribute text is decoded as described in [`ReadOptions::encoding`] (GBK Shapefiles with
    /// or without `.cpg`); `.xlsx`/`.xls`/`.ods` workbooks and CSV files with a point-number,
    /// X and Y column are read as corner-point tables (拐点坐标, see
    /// [`Catalogue::read_with_options`]).
    pub fn read(path: &Path, work_crs: &str, fields: &FieldMap) -> Result<Catalogue> {
        crate::catalogue_read::read(path, work_crs, fields, &ReadOptions::default())
    }

    /// Like [`Catalogue::read`], with declarations the file may lack: source CRS,
    /// Gauss–Krüger zone of corner points written without the zone prefix, attribute encoding.
    ///
    /// Corner-point tables: X is the northing and Y the easting; Y with a two-digit zone prefix
    /// (`39512345.67`) is in CGCS2000 3° zone 39 (EPSG:4527) unless a CRS is declared; Y
    /// without it needs [`ReadOptions::gk_zone`] or [`ReadOptions::source_crs`], else the read
    /// fails with [`CatalogueError::SourceCrs`](crate::CatalogueError::SourceCrs).
    pub fn read_with_options(
        path: &Path,
        work_crs: &str,
        fields: &FieldMap,
        options: &ReadOptions,
    ) -> Result<Catalogue> {
        crate::catalogue_read::read(path, work_crs, fields, options)
    }

    /// Like [`Catalogue::read`], with a CRS declared by the user for layers that carry none
    /// (typically a CSV of coordinates). A CRS stored in the layer or in a `.prj` file wins.
    pub fn read_with_source_crs(
        path: &Path,
        work_crs: &str,
        fields: &FieldMap,
        declared_crs: &str,
    ) -> Result<Catalogue> {
        crate::catalogue_read::read(
            path,
            work_crs,
            fields,
            &ReadOptions::with_source_crs(declared_crs),
        )
    }

    /// A catalogue with no mines: every object relates as outside the catalogue.
    pub fn empty() -> Catalogue {
        Catalogue::from_mines(Vec::new(), "")
    }

    /// Builds a catalogue from mines whose geometries are already in `work_crs`.
    ///
    /// Mines with an empty geometry are kept in [`Catalogue::mines`] but never match.
    pub fn from_mines(mines: Vec<Mine>, work_crs: &str) -> Catalogue {
        Catalogue::with_provenance(
            mines,
            Provenance {
                work_crs: work_crs.to_string(),
                ..Provenance::default()
            },
        )
    }

    pub(crate) fn with_provenance(mines: Vec<Mine>, provenance: Provenance) -> Catalogue {
        let envelopes = mines
            .iter()
            .enumerate()
            .filter_map(|(i, mine)| {
                let rect = mine.geometry.bounding_rect()?;
                let (min, max) = (rect.min(), rect.max());
                Some(Envelope::new(
                    Rectangle::from_corners([min.x, min.y], [max.x, max.y]),
                    i,
                ))
            })
            .collect();
        Catalogue {
            mines,
            tree: RTree::bulk_load(envelopes),
            provenance,
        }
    }

    /// All mines, in source order; [`Relation::mine`] indexes into this slice.
    pub fn mines(&self) -> &[Mine] {
        &self.mines
    }

    /// The source layer's CRS as given to PROJ (`"EPSG:n"` when the authority code is known,
    /// WKT otherwise); `""` for a catalogue not read from a file.
    pub fn source_crs(&self) -> &str {
        &self.provenance.source_crs
    }

    /// The work CRS the geometries are in.
    pub fn work_crs(&self) -> &str {
        &self.provenance.work_crs
    }

    /// Summary for run manifests: `path`, `driver`, `layer`, `skipped_layers`,
    /// `feature_count`, `status_counts` (every status, including zeros), `sealing_counts`
    /// (every state, plus `unknown` for mines without one), `source_crs`, `work_crs`,
    /// `encoding`, `fields` (each mine attribute → the field it was read from, or null).
    pub fn describe(&self) -> serde_json::Value {
        let mut counts = serde_json::Map::new();
        for status in MineStatus::ALL {
            let n = self.mines.iter().filter(|m| m.status == status).count();
            counts.insert(status.as_str().to_string(), n.into());
        }
        let path = self
            .provenance
            .path
            .as_ref()
            .map(|p| serde_json::Value::from(p.display().to_string()))
            .unwrap_or(serde_json::Value::Null);
        let mut sealing = serde_json::Map::new();
        for state in Sealing::ALL {
            let n = self
                .mines
                .iter()
                .filter(|m| m.sealing == Some(state))
                .count();
            sealing.insert(state.as_str().to_string(), n.into());
        }
        let unknown = self.mines.iter().filter(|m| m.sealing.is_none()).count();
        sealing.insert("unknown".to_string(), unknown.into());
        let fields: serde_json::Map<String, serde_json::Value> = self
            .provenance
            .field_mapping
            .iter()
            .map(|(concept, field)| (concept.to_string(), field.clone().into()))
            .collect();
        serde_json::json!({
            "path": path,
            "driver": self.provenance.driver,
            "encoding": self.provenance.encoding,
            "fields": fields,
            "sealing_counts": sealing,
            "layer": self.provenance.layer,
            "skipped_layers": self.provenance.skipped_layers,
            "rows_outside_work_crs": self.provenance.outside_work_crs.len(),
            "feature_count": self.mines.len(),
            "status_counts": counts,
            "source_crs": self.provenance.source_crs,
            "work_crs": self.provenance.work_crs,
        })
    }

    /// Relates one object (in the work CRS) to the catalogue.
    ///
    /// Candidate mines come from the R-tree: those whose envelope meets the object's envelope
    /// grown by `near_m` on every side (O(log n + k)). Each candidate is then tested exactly:
    /// the object is *inside* an areal mine when the two intersect (touching or straddling the
    /// boundary counts), otherwise *near* when the Euclidean distance is ≤ `near_m`. Point mines
    /// are only ever near (distance 0 when the object covers the point).
    ///
    /// When several mines qualify, the result is the first by: kind priority
    /// (see [`RelationKind`]; illegal sites inside or near come first), then smallest distance,
    /// then lowest mine index. A negative or non-finite `near_m` counts as 0.
    pub fn relate<O: Relatable + ?Sized>(&self, object: &O, near_m: f64) -> Relation {
        let near = if near_m.is_finite() && near_m > 0.0 {
            near_m
        } else {
            0.0
        };
        let Some(rect) = object.envelope() else {
            return Relation::outside();
        };
        let (min, max) = (rect.min(), rect.max());
        let query = AABB::from_corners([min.x - near, min.y - near], [max.x + near, max.y + near]);

        let mut best: Option<(RelationKind, f64, usize)> = None;
        for entry in self.tree.locate_in_envelope_intersecting(&query) {
            let index = entry.data;
            let mine = &self.mines[index];
            let areal = mine.is_areal();
            let best_possible = RelationKind::for_mine(mine.status, areal);
            if let Some(current) = best {
                if !ranks_before((best_possible, 0.0, index), current) {
                    continue;
                }
            }
            let candidate = if areal && object.intersects_mine(&mine.geometry) {
                (RelationKind::for_mine(mine.status, true), 0.0, index)
            } else {
                let distance = object.distance_to_mine(&mine.geometry);
                // NaN (degenerate geometry) never qualifies.
                if distance.is_nan() || distance > near {
                    continue;
                }
                (RelationKind::for_mine(mine.status, false), distance, index)
            };
            best = match best {
                Some(current) if !ranks_before(candidate, current) => Some(current),
                _ => Some(candidate),
            };
        }
        match best {
            Some((kind, distance, index)) => Relation {
                kind,
                mine: Some(index),
                distance_m: Some(distance),
            },
            None => Relation::outside(),
        }
    }
}

/// Strict ordering of candidate relations: kind priority, then distance, then mine index.
fn ranks_before(a: (RelationKind, f64, usize), b: (RelationKind, f64, usize)) -> bool {
    a.0.cmp(&b.0)
        .then(a.1.total_cmp(&b.1))
        .then(a.2.cmp(&b.2))
        .is_lt()
}

impl Default for Catalogue {
    fn default() -> Self {
        Catalogue::empty()
    }
}
