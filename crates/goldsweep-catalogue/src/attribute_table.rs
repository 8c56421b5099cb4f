//! A layer read into memory as decoded text attributes and source-CRS geometries: the common
//! ground of OGR layers and corner-point spreadsheets, before any field mapping.

use std::path::Path;

use geo::Geometry;

use crate::error::Result;
use crate::ogr_geometry::GeometryProblem;
use crate::read_options::ReadOptions;
use crate::text_encoding::AttributeEncoding;

/// The CRS of a table's geometries and where it came from.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SourceCrs {
    /// Definition for PROJ (`"EPSG:n"`, WKT …).
    pub definition: String,
    /// One line for `inspect` ("from the layer", "declared", "from the zone prefix of Y" …).
    pub explanation: String,
}

/// One feature (or one mine of a corner-point table).
#[derive(Debug)]
pub(crate) struct TableRow {
    /// The row users look up: the 1-based feature number, or for spreadsheets the line of the
    /// mine's first corner point.
    pub row: usize,
    /// Decoded, trimmed attribute values, one per [`AttributeTable::fields`]; `None` when null
    /// or blank.
    pub values: Vec<Option<String>>,
    /// Geometry in the source CRS, or why there is none.
    pub geometry: std::result::Result<Geometry<f64>, GeometryProblem>,
}

/// A whole layer, read and decoded.
#[derive(Debug)]
pub(crate) struct AttributeTable {
    /// OGR driver short name, or `"corner points (CSV)"` / `"corner points (XLSX)"`.
    pub driver: String,
    /// Layer (or sheet) name.
    pub layer: String,
    /// Other layers (or sheets) of the dataset, not read.
    pub skipped_layers: Vec<String>,
    /// Attribute field names, decoded.
    pub fields: Vec<String>,
    /// Columns turned into geometry (corner-point number, X, Y, part); empty for OGR layers.
    pub geometry_columns: Vec<String>,
    pub rows: Vec<TableRow>,
    pub encoding: AttributeEncoding,
    /// The source CRS, or why it is unknown (reported by `inspect`, raised by `read`).
    pub source_crs: Result<SourceCrs>,
}

impl AttributeTable {
    /// Reads any supported catalogue file: workbooks (XLSX/XLS/ODS) and CSV files with a
    /// corner-point header through the corner-point reader, everything else through OGR.
    ///
    /// `group_by` lists the candidate columns corner points are grouped by, tried in order
    /// (mine id, then name).
    pub(crate) fn load(
        path: &Path,
        options: &ReadOptions,
        group_by: &[&[String]],
    ) -> Result<AttributeTable> {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        match extension.as_str() {
            "xlsx" | "xlsm" | "xls" | "ods" => {
                crate::corner_points::read_workbook(path, options, group_by)
            }
            "csv" => match crate::corner_points::read_csv(path, options, group_by)? {
                Some(table) => Ok(table),
                None => crate::ogr_table::read(path, options),
            },
            _ => crate::ogr_table::read(path, options),
        }
    }
}
