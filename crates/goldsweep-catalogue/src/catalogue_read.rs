//! Building mines from a layer read into memory: field mapping, vocabulary, geometry checks and
//! reprojection into the work CRS.

use std::path::{Path, PathBuf};

use gdal::spatial_ref::SpatialRef;

use crate::attribute_table::{AttributeTable, TableRow};
use crate::catalogue::{Catalogue, Mine, Provenance};
use crate::crs_transform::{short_crs, CrsTransform};
use crate::error::{CatalogueError, Result};
use crate::field_map::FieldMap;
use crate::ogr_geometry::GeometryProblem;
use crate::read_options::ReadOptions;
use crate::sealing::Sealing;
use crate::status::MineStatus;

/// Each mine attribute with the index of the field it is read from, resolved once per layer.
#[derive(Clone, Debug)]
pub(crate) struct ResolvedFields {
    pub id: Option<usize>,
    pub name: Option<usize>,
    pub status: Option<usize>,
    pub holder: Option<usize>,
    pub sealing: Option<usize>,
    pub responsible: Option<usize>,
}

impl ResolvedFields {
    pub(crate) fn resolve(map: &FieldMap, fields: &[String]) -> Self {
        ResolvedFields {
            id: FieldMap::find(&map.id, fields),
            name: FieldMap::find(&map.name, fields),
            status: FieldMap::find(&map.status, fields),
            holder: FieldMap::find(&map.holder, fields),
            sealing: FieldMap::find(&map.sealing, fields),
            responsible: FieldMap::find(&map.responsible, fields),
        }
    }

    /// `(attribute, field index, candidates)` for every attribute, in a fixed order.
    pub(crate) fn concepts<'m>(
        &self,
        map: &'m FieldMap,
    ) -> [(&'static str, Option<usize>, &'m [String]); 6] {
        [
            ("id", self.id, &map.id),
            ("name", self.name, &map.name),
            ("status", self.status, &map.status),
            ("holder", self.holder, &map.holder),
            ("sealing", self.sealing, &map.sealing),
            ("responsible", self.responsible, &map.responsible),
        ]
    }
}

/// The candidate columns corner points are grouped by: mine id, then name.
pub(crate) fn mine_group_columns(map: &FieldMap) -> [&[String]; 2] {
    [&map.id, &map.name]
}

pub(crate) fn read(
    path: &Path,
    work_crs: &str,
    fields: &FieldMap,
    options: &ReadOptions,
) -> Result<Catalogue> {
    check_work_crs(work_crs)?;
    let table = AttributeTable::load(path, options, &mine_group_columns(fields))?;
    let AttributeTable {
        driver,
        layer,
        skipped_layers,
        fields: field_names,
        rows,
        encoding,
        source_crs,
        ..
    } = table;
    let source_crs = source_crs?;
    let transform = CrsTransform::new(&source_crs.definition, work_crs)?;
    let geographic = gdal::spatial_ref::SpatialRef::from_definition(&source_crs.definition)
        .map(|s| s.is_geographic())
        .unwrap_or(false);
    let resolved = ResolvedFields::resolve(fields, &field_names);
    if resolved.status.is_none() && fields.status_default.is_none() {
        return Err(CatalogueError::MissingStatusField {
            path: path.to_path_buf(),
            tried: fields.status.clone(),
            available: field_names,
        });
    }

    let mut mines = Vec::with_capacity(rows.len());
    let mut outside_work_crs = Vec::new();
    for row in rows {
        match read_mine(path, row, &resolved, fields, &transform, geographic) {
            Ok(mine) => mines.push(mine),
            // A mine PROJ cannot express in the scene's CRS lies far outside the projection's
            // domain (another continent for a UTM zone): it cannot relate to anything in the
            // scene, so a national or global catalogue is not refused for it. Counted in the
            // manifest.
            Err(CatalogueError::FeatureTransform { row, .. }) => outside_work_crs.push(row),
            Err(e) => return Err(e),
        }
    }
    let field_mapping = resolved
        .concepts(fields)
        .iter()
        .map(|(concept, index, _)| (*concept, index.map(|i| field_names[i].clone())))
        .collect();

    Ok(Catalogue::with_provenance(
        mines,
        Provenance {
            path: Some(path.to_path_buf()),
            layer,
            skipped_layers,
            source_crs: source_crs.definition,
            work_crs: work_crs.to_string(),
            driver,
            encoding: encoding.to_string(),
            field_mapping,
            outside_work_crs,
        },
    ))
}

/// The work CRS must be projected with metre units: distances and areas are taken in it.
pub(crate) fn check_work_crs(work_crs: &str) -> Result<()> {
    let fail = |reason: String| CatalogueError::WorkCrs {
        crs: short_crs(work_crs),
        reason,
    };
    let srs = SpatialRef::from_definition(work_crs).map_err(|e| fail(e.to_string()))?;
    if !srs.is_projected() {
        return Err(fail(
            "not a projected CRS (distances must be in metres)".into(),
        ));
    }
    let unit = srs.linear_units();
    if (unit - 1.0).abs() > 1e-9 {
        return Err(fail(format!(
            "linear unit is {} m, not metres",
            short_crs(&unit.to_string())
        )));
    }
    Ok(())
}

fn read_mine(
    path: &Path,
    row: TableRow,
    resolved: &ResolvedFields,
    fields: &FieldMap,
    transform: &CrsTransform,
    geographic: bool,
) -> Result<Mine> {
    let TableRow {
        row,
        values,
        geometry,
    } = row;
    let text = |index: Option<usize>| index.and_then(|i| values.get(i).cloned().flatten());

    let id = text(resolved.id).unwrap_or_else(|| format!("row-{row}"));
    let name = text(resolved.name).unwrap_or_default();
    let status = match (text(resolved.status), fields.status_default) {
        (Some(value), _) => MineStatus::parse(&value).ok_or(CatalogueError::UnknownStatus {
            path: path.to_path_buf(),
            row,
            value,
        })?,
        (None, Some(default)) => default,
        (None, None) => {
            return Err(CatalogueError::UnknownStatus {
                path: path.to_path_buf(),
                row,
                value: String::new(),
            })
        }
    };
    let sealing = match text(resolved.sealing) {
        Some(value) => Some(
            Sealing::parse(&value).ok_or(CatalogueError::UnknownSealing {
                path: path.to_path_buf(),
                row,
                value,
            })?,
        ),
        None => None,
    };

    let geometry = geometry.map_err(|problem| geometry_error(path.to_path_buf(), row, problem))?;
    if geographic {
        use geo::CoordsIter;
        if let Some(c) = geometry
            .coords_iter()
            .find(|c| !(-180.0..=180.0).contains(&c.x) || !(-90.0..=90.0).contains(&c.y))
        {
            return Err(CatalogueError::InvalidGeometry {
                path: path.to_path_buf(),
                row,
                reason: format!(
                    "coordinate ({}, {}) is not a longitude/latitude in the layer's geographic CRS",
                    c.x, c.y
                ),
            });
        }
    }
    let geometry =
        transform
            .convert_geometry(&geometry)
            .map_err(|e| CatalogueError::FeatureTransform {
                path: path.to_path_buf(),
                row,
                reason: e.to_string(),
            })?;

    Ok(Mine {
        id,
        name,
        status,
        holder: text(resolved.holder),
        sealing,
        responsible: text(resolved.responsible),
        geometry,
        row,
    })
}

pub(crate) fn geometry_error(
    path: PathBuf,
    row: usize,
    problem: GeometryProblem,
) -> CatalogueError {
    match problem {
        GeometryProblem::Empty => CatalogueError::EmptyGeometry { path, row },
        GeometryProblem::Unsupported(kind) => {
            CatalogueError::UnsupportedGeometry { path, row, kind }
        }
        GeometryProblem::Invalid(reason) => CatalogueError::InvalidGeometry { path, row, reason },
    }
}
