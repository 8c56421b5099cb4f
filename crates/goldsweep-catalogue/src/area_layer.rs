//! Extra polygon layers a sweep can consult: protected areas and administrative boundaries.

use std::path::{Path, PathBuf};

use geo::{BoundingRect, Geometry, Intersects, MultiPolygon, Point};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

use crate::attribute_table::AttributeTable;
use crate::catalogue_read::{check_work_crs, geometry_error};
use crate::crs_transform::CrsTransform;
use crate::error::{CatalogueError, Result};
use crate::field_map::FieldMap;
use crate::read_options::ReadOptions;

/// Which fields name an area (and, for counties, its province), tried in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AreaFields {
    /// Candidates for the area's name.
    pub name: Vec<String>,
    /// Candidates for the province; empty when the layer has none.
    pub province: Vec<String>,
}

impl AreaFields {
    /// Protected areas (nature reserves, parks …): name from `名称, 保护地名称, 保护区名称,
    /// NAME, name`; no province.
    pub fn protected_areas() -> Self {
        AreaFields {
            name: strings(&["名称", "保护地名称", "保护区名称", "name"]),
            province: Vec::new(),
        }
    }

    /// County boundaries: name from `县区, 县, 区, 县名, 区县, NAME_3, NAME_2, name`; province
    /// from `省, 省名, 省份, NAME_1, province`.
    pub fn counties() -> Self {
        AreaFields {
            name: strings(&[
                "县区", "县", "区", "县名", "区县", "name_3", "name_2", "name",
            ]),
            province: strings(&["省", "省名", "省份", "name_1", "province"]),
        }
    }
}

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// One area of a layer, in the work CRS.
#[derive(Clone, Debug, PartialEq)]
pub struct Area {
    /// Name from the name field, or `""` when the layer has none or the value is blank.
    pub name: String,
    /// Province, for layers with a province field.
    pub province: Option<String>,
    /// Outline in the work CRS (metres).
    pub geometry: MultiPolygon<f64>,
    /// 1-based feature number in the source layer.
    pub row: usize,
}

type Envelope = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// A polygon layer reprojected into the work CRS, indexed by an R-tree of envelopes.
///
/// Immutable and `Send + Sync`. Queries filter by envelope first (O(log n + k)), then test the
/// exact outline; when areas overlap (or a point lies on a shared border) the area read first
/// wins.
#[derive(Debug)]
pub struct AreaLayer {
    areas: Vec<Area>,
    tree: RTree<Envelope>,
    path: PathBuf,
    source_crs: String,
    name_field: Option<String>,
    province_field: Option<String>,
}

impl AreaLayer {
    /// Reads the first polygon layer of any OGR dataset into `work_crs` (a projected CRS in
    /// metres). Attribute text is decoded like a catalogue's (GBK Shapefiles included).
    ///
    /// Every feature must be a valid Polygon or MultiPolygon; the error names the row.
    pub fn read(path: &Path, work_crs: &str, fields: &AreaFields) -> Result<AreaLayer> {
        AreaLayer::read_with_options(path, work_crs, fields, &ReadOptions::default())
    }

    /// Like [`AreaLayer::read`], with a declared source CRS or encoding.
    pub fn read_with_options(
        path: &Path,
        work_crs: &str,
        fields: &AreaFields,
        options: &ReadOptions,
    ) -> Result<AreaLayer> {
        check_work_crs(work_crs)?;
        let table = AttributeTable::load(path, options, &[&fields.name])?;
        let AttributeTable {
            fields: field_names,
            rows,
            source_crs,
            ..
        } = table;
        let source_crs = source_crs?;
        let transform = CrsTransform::new(&source_crs.definition, work_crs)?;
        let name_index = FieldMap::find(&fields.name, &field_names);
        let province_index = FieldMap::find(&fields.province, &field_names);

        let mut areas = Vec::with_capacity(rows.len());
        for table_row in rows {
            let row = table_row.row;
            let geometry = table_row
                .geometry
                .map_err(|p| geometry_error(path.to_path_buf(), row, p))?;
            let polygons = match geometry {
                Geometry::Polygon(p) => MultiPolygon::new(vec![p]),
                Geometry::MultiPolygon(m) => m,
                other => {
                    return Err(CatalogueError::UnsupportedGeometry {
                        path: path.to_path_buf(),
                        row,
                        kind: geometry_kind(&other).to_string(),
                    })
                }
            };
            let converted = transform
                .convert_geometry(&Geometry::MultiPolygon(polygons))
                .map_err(|e| CatalogueError::FeatureTransform {
                    path: path.to_path_buf(),
                    row,
                    reason: e.to_string(),
                })?;
            let Geometry::MultiPolygon(geometry) = converted else {
                continue;
            };
            let text =
                |i: Option<usize>| i.and_then(|i| table_row.values.get(i).cloned().flatten());
            areas.push(Area {
                name: text(name_index).unwrap_or_default(),
                province: text(province_index),
                geometry,
                row,
            });
        }
        Ok(AreaLayer::from_areas(
            areas,
            path,
            source_crs.definition,
            name_index.map(|i| field_names[i].clone()),
            province_index.map(|i| field_names[i].clone()),
        ))
    }

    fn from_areas(
        areas: Vec<Area>,
        path: &Path,
        source_crs: String,
        name_field: Option<String>,
        province_field: Option<String>,
    ) -> AreaLayer {
        let envelopes = areas
            .iter()
            .enumerate()
            .filter_map(|(i, area)| {
                let rect = area.geometry.bounding_rect()?;
                let (min, max) = (rect.min(), rect.max());
                Some(Envelope::new(
                    Rectangle::from_corners([min.x, min.y], [max.x, max.y]),
                    i,
                ))
            })
            .collect();
        AreaLayer {
            areas,
            tree: RTree::bulk_load(envelopes),
            path: path.to_path_buf(),
            source_crs,
            name_field,
            province_field,
        }
    }

    /// All areas, in source order.
    pub fn areas(&self) -> &[Area] {
        &self.areas
    }

    /// The area containing a point (work CRS); a point on a boundary belongs to the area.
    pub fn lookup(&self, point: &Point<f64>) -> Option<&Area> {
        self.tree
            .locate_all_at_point(&[point.x(), point.y()])
            .map(|entry| entry.data)
            .filter(|&i| self.areas[i].geometry.intersects(point))
            .min()
            .map(|i| &self.areas[i])
    }

    /// The first area (in source order) that shares at least one point with `geometry`.
    pub fn intersects(&self, geometry: &Geometry<f64>) -> Option<&Area> {
        let rect = geometry.bounding_rect()?;
        let (min, max) = (rect.min(), rect.max());
        let query = AABB::from_corners([min.x, min.y], [max.x, max.y]);
        self.tree
            .locate_in_envelope_intersecting(&query)
            .map(|entry| entry.data)
            .filter(|&i| self.areas[i].geometry.intersects(geometry))
            .min()
            .map(|i| &self.areas[i])
    }

    /// Summary for run manifests: `path`, `area_count`, `source_crs`, `name_field`,
    /// `province_field`.
    pub fn describe(&self) -> serde_json::Value {
        serde_json::json!({
            "path": self.path.display().to_string(),
            "area_count": self.areas.len(),
            "source_crs": self.source_crs,
            "name_field": self.name_field,
            "province_field": self.province_field,
        })
    }
}

fn geometry_kind(g: &Geometry<f64>) -> &'static str {
    match g {
        Geometry::Point(_) => "Point",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::GeometryCollection(_) => "GeometryCollection",
        Geometry::LineString(_) | Geometry::MultiLineString(_) | Geometry::Line(_) => "LineString",
        _ => "non-polygon",
    }
}
