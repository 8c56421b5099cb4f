//! Corner-point tables (拐点坐标): a mine boundary listed as numbered points, one per row, in a
//! CSV or a spreadsheet, as mining-right registers are delivered.
//!
//! ```text
//! 矿山编号,矿山名称,状态,点号,X,Y
//! C37001,招远金矿,政策性关闭,1,4130000.00,40535000.00
//! ,,,2,4130000.00,40535200.00          ← blank mine cells continue the mine above
//! ,,,3,4130200.00,40535200.00             (merged cells in Excel read this way)
//! ```
//!
//! * The header is the first of the first 20 rows holding a point-number, an X and a Y column
//!   (title rows above it are skipped). X is the **northing**, Y the **easting**, in metres.
//! * Rows are grouped into mines by the first id column found (else the name column); a blank
//!   id continues the mine above. An optional part column (圈号, 区块号, part) splits a mine
//!   into several polygons of a multipolygon.
//! * Within a part, points are ordered by the number in their point label (`1`, `J1`, `3.0`),
//!   not by row order; a repeated label with the same coordinates is dropped, with other
//!   coordinates it is an error. The ring is closed if the list does not repeat its first point.
//! * A mine's attributes are the first non-blank value of each other column in its rows; its
//!   row number is the spreadsheet line of its first point.
//! * The CRS comes from [`gauss_kruger::corner_crs`](crate::gauss_kruger): zone prefix in Y,
//!   declared zone or declared CRS.

use std::collections::HashMap;
use std::path::Path;

use calamine::{open_workbook_auto, Data, Reader};
use geo::{Coord, Geometry, LineString, MultiPolygon, Polygon};

use crate::attribute_table::{AttributeTable, SourceCrs, TableRow};
use crate::error::{CatalogueError, Result};
use crate::field_map::FieldMap;
use crate::gauss_kruger::{corner_crs, easting_prefix};
use crate::ogr_geometry::{check_polygon, GeometryProblem};
use crate::read_options::ReadOptions;
use crate::text_encoding::{AttributeEncoding, EncodingSource};

/// Column candidates for the point label.
pub(crate) const POINT_COLUMNS: &[&str] = &[
    "点号",
    "拐点号",
    "拐点编号",
    "拐点序号",
    "界址点号",
    "point",
    "point_no",
    "pt",
    "序号",
];
/// Column candidates for X, the northing.
pub(crate) const X_COLUMNS: &[&str] = &["x", "x坐标", "纵坐标", "北坐标", "northing"];
/// Column candidates for Y, the easting (possibly zone-prefixed).
pub(crate) const Y_COLUMNS: &[&str] = &["y", "y坐标", "横坐标", "东坐标", "easting"];
/// Column candidates for the part (ring) of a multi-part mine.
pub(crate) const PART_COLUMNS: &[&str] = &["圈号", "块号", "区块号", "part", "ring"];

/// How many leading rows may precede the header (titles, notes).
const HEADER_SEARCH_ROWS: usize = 20;

/// A sheet of text cells, each row with its 1-based spreadsheet line.
struct Grid {
    rows: Vec<(usize, Vec<String>)>,
}

/// Columns of a recognised corner-point header.
struct Header {
    /// Index into `Grid::rows` of the header row.
    at: usize,
    names: Vec<String>,
    point: usize,
    x: usize,
    y: usize,
    part: Option<usize>,
}

/// One parsed corner point.
struct CornerPoint {
    line: usize,
    label: String,
    number: f64,
    northing: f64,
    easting: f64,
}

/// Reads a CSV as a corner-point table; `Ok(None)` when it has no corner-point header (the
/// caller then reads it with OGR, as a table of WKT or lon/lat points).
pub(crate) fn read_csv(
    path: &Path,
    options: &ReadOptions,
    group_by: &[&[String]],
) -> Result<Option<AttributeTable>> {
    let bytes = std::fs::read(path).map_err(|e| CatalogueError::Open {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let declared = options
        .declared_encoding()
        .map_err(|reason| CatalogueError::Encoding {
            path: path.to_path_buf(),
            reason,
        })?;
    let (body, bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, true),
        None => (bytes.as_slice(), false),
    };
    let declared = declared.or_else(|| {
        bom.then(|| AttributeEncoding::new(encoding_rs::UTF_8, EncodingSource::ByteOrderMark))
    });
    let encoding = AttributeEncoding::choose(declared, [body]);
    let text = encoding.decode(body);
    let grid = parse_csv(path, &text)?;
    let Some(header) = find_header(&grid) else {
        return Ok(None);
    };
    build(
        path,
        "corner points (CSV)",
        layer_name(path),
        Vec::new(),
        &grid,
        &header,
        encoding,
        options,
        group_by,
    )
    .map(Some)
}

/// Reads the first sheet of a workbook (XLSX, XLS, ODS) with a corner-point header.
pub(crate) fn read_workbook(
    path: &Path,
    options: &ReadOptions,
    group_by: &[&[String]],
) -> Result<AttributeTable> {
    let fail = |reason: String| CatalogueError::CornerPoints {
        path: path.to_path_buf(),
        reason,
    };
    if !path.exists() {
        return Err(CatalogueError::Open {
            path: path.to_path_buf(),
            reason: "no such file or directory".to_string(),
        });
    }
    let mut workbook =
        open_workbook_auto(path).map_err(|e| fail(format!("cannot read the workbook: {e}")))?;
    let sheets = workbook.sheet_names();
    for (index, sheet) in sheets.iter().enumerate() {
        let range = workbook
            .worksheet_range(sheet)
            .map_err(|e| fail(format!("sheet '{sheet}': {e}")))?;
        let first_line = range.start().map_or(1, |(row, _)| row as usize + 1);
        let first_column = range.start().map_or(0, |(_, col)| col as usize);
        let rows = range
            .rows()
            .enumerate()
            .map(|(i, cells)| {
                let mut texts = vec![String::new(); first_column];
                texts.extend(cells.iter().map(cell_text));
                (first_line + i, texts)
            })
            .collect();
        let grid = Grid { rows };
        if let Some(header) = find_header(&grid) {
            let skipped = sheets
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != index)
                .map(|(_, s)| s.clone())
                .collect();
            let encoding =
                AttributeEncoding::new(encoding_rs::UTF_8, EncodingSource::UnicodeFormat);
            return build(
                path,
                "corner points (spreadsheet)",
                sheet.clone(),
                skipped,
                &grid,
                &header,
                encoding,
                options,
                group_by,
            );
        }
    }
    Err(fail(format!(
        "no sheet has a corner-point header in its first {HEADER_SEARCH_ROWS} rows (need a point \
         number column such as 点号, an X column such as X坐标 and a Y column such as Y坐标; \
         sheets: {})",
        sheets.join(", ")
    )))
}

fn layer_name(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        other => other.to_string().trim().to_string(),
    }
}

/// Splits CSV text into rows; the delimiter is a comma, or a tab or semicolon when the first
/// line has one of those and no comma.
fn parse_csv(path: &Path, text: &str) -> Result<Grid> {
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = if first_line.contains(',') {
        b','
    } else if first_line.contains('\t') {
        b'\t'
    } else if first_line.contains(';') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| CatalogueError::CornerPoints {
            path: path.to_path_buf(),
            reason: format!("not a readable CSV: {e}"),
        })?;
        let line = record
            .position()
            .map_or(rows.len() + 1, |p| p.line() as usize);
        rows.push((line, record.iter().map(|c| c.trim().to_string()).collect()));
    }
    Ok(Grid { rows })
}

fn candidates(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn find_header(grid: &Grid) -> Option<Header> {
    let (point_c, x_c, y_c, part_c) = (
        candidates(POINT_COLUMNS),
        candidates(X_COLUMNS),
        candidates(Y_COLUMNS),
        candidates(PART_COLUMNS),
    );
    grid.rows
        .iter()
        .take(HEADER_SEARCH_ROWS)
        .enumerate()
        .find_map(|(at, (_, names))| {
            Some(Header {
                at,
                names: names.clone(),
                point: FieldMap::find(&point_c, names)?,
                x: FieldMap::find(&x_c, names)?,
                y: FieldMap::find(&y_c, names)?,
                part: FieldMap::find(&part_c, names),
            })
        })
}

/// Parses a coordinate cell: digits with an optional sign, decimal point, thousands commas or
/// spaces.
fn parse_coordinate(cell: &str) -> Option<f64> {
    let cleaned: String = cell.chars().filter(|c| !matches!(c, ',' | ' ')).collect();
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// The number in a point label: the whole label when numeric (`3`, `3.0`), otherwise its last
/// run of digits (`J12` → 12, `12a` → 12).
fn point_number(label: &str) -> Option<f64> {
    if let Ok(n) = label.trim().parse::<f64>() {
        return n.is_finite().then_some(n);
    }
    let digits: String = label
        .chars()
        .rev()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits.parse::<f64>().ok()
}

/// One mine being collected: its attribute values and its parts' points.
struct MineRows {
    line: usize,
    values: Vec<Option<String>>,
    parts: Vec<(String, Vec<CornerPoint>)>,
}

#[allow(clippy::too_many_arguments)]
fn build(
    path: &Path,
    driver: &str,
    layer: String,
    skipped_layers: Vec<String>,
    grid: &Grid,
    header: &Header,
    encoding: AttributeEncoding,
    options: &ReadOptions,
    group_by: &[&[String]],
) -> Result<AttributeTable> {
    let row_error = |row: usize, reason: String| CatalogueError::CornerPoint {
        path: path.to_path_buf(),
        row,
        reason,
    };
    let geometry_columns: Vec<usize> = [Some(header.point), Some(header.x), Some(header.y)]
        .into_iter()
        .chain([header.part])
        .flatten()
        .collect();
    // Attribute columns: every named column that is not a geometry column.
    let attribute_columns: Vec<usize> = (0..header.names.len())
        .filter(|i| !geometry_columns.contains(i) && !header.names[*i].is_empty())
        .collect();
    let fields: Vec<String> = attribute_columns
        .iter()
        .map(|&i| header.names[i].clone())
        .collect();
    let group_column = group_by
        .iter()
        .find_map(|list| FieldMap::find(list, &fields))
        .map(|i| attribute_columns[i]);
    let Some(group_column) = group_column else {
        return Err(CatalogueError::CornerPoints {
            path: path.to_path_buf(),
            reason: format!(
                "no mine id or name column to group the points by (tried {}; columns: {})",
                group_by
                    .iter()
                    .flat_map(|l| l.iter())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
                header.names.join(", ")
            ),
        });
    };

    let cell = |cells: &[String], i: usize| -> Option<String> {
        cells
            .get(i)
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
    };
    let mut mines: Vec<MineRows> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut current: Option<usize> = None;
    let mut part = String::new();
    let mut prefixes: Vec<(Option<u32>, usize)> = Vec::new();
    for (line, cells) in grid.rows.iter().skip(header.at + 1) {
        let line = *line;
        let label = cell(cells, header.point);
        let x = cell(cells, header.x);
        let y = cell(cells, header.y);
        if label.is_none() && x.is_none() && y.is_none() {
            // Blank line, or a note row under the table.
            continue;
        }
        let (Some(label), Some(x_text), Some(y_text)) = (label, x, y) else {
            return Err(row_error(
                line,
                "a corner point needs a point number, X and Y".to_string(),
            ));
        };
        let number = point_number(&label)
            .ok_or_else(|| row_error(line, format!("point label '{label}' has no number")))?;
        let northing = parse_coordinate(&x_text)
            .ok_or_else(|| row_error(line, format!("X '{x_text}' is not a number")))?;
        let easting = parse_coordinate(&y_text)
            .ok_or_else(|| row_error(line, format!("Y '{y_text}' is not a number")))?;
        if northing >= 1.0e7 && easting < 1.0e7 {
            return Err(row_error(
                line,
                format!(
                    "X {x_text} looks like a zone-prefixed easting; X is the northing and Y the \
                     easting in corner-point tables (are the columns swapped?)"
                ),
            ));
        }
        let prefix = easting_prefix(easting).map_err(|reason| row_error(line, reason))?;
        prefixes.push((prefix, line));

        let index = match cell(cells, group_column) {
            Some(key) => {
                let next = mines.len();
                let index = *by_key.entry(key).or_insert(next);
                if index == next {
                    mines.push(MineRows {
                        line,
                        values: vec![None; attribute_columns.len()],
                        parts: Vec::new(),
                    });
                }
                if current != Some(index) {
                    part.clear();
                }
                index
            }
            None => current.ok_or_else(|| {
                row_error(
                    line,
                    format!(
                        "the first corner point has no value in column '{}'",
                        header.names[group_column]
                    ),
                )
            })?,
        };
        current = Some(index);
        if let Some(p) = header.part.and_then(|i| cell(cells, i)) {
            part = p;
        }
        let mine = &mut mines[index];
        for (value, &column) in mine.values.iter_mut().zip(&attribute_columns) {
            if value.is_none() {
                *value = cell(cells, column);
            }
        }
        let point = CornerPoint {
            line,
            label,
            number,
            northing,
            easting,
        };
        match mine.parts.iter_mut().find(|(name, _)| *name == part) {
            Some((_, points)) => points.push(point),
            None => mine.parts.push((part.clone(), vec![point])),
        }
    }
    if mines.is_empty() {
        return Err(CatalogueError::CornerPoints {
            path: path.to_path_buf(),
            reason: "the table lists no corner points".to_string(),
        });
    }

    let prefix = prefixes.first().map(|(p, _)| *p).unwrap_or(None);
    if let Some((other, line)) = prefixes.iter().find(|(p, _)| *p != prefix) {
        let describe = |p: &Option<u32>| match p {
            Some(n) => format!("zone prefix {n}"),
            None => "no zone prefix".to_string(),
        };
        return Err(row_error(
            *line,
            format!(
                "Y has {} but earlier points have {}; one table must use one zone",
                describe(other),
                describe(&prefix)
            ),
        ));
    }
    let crs = corner_crs(prefix, options.source_crs.as_deref(), options.gk_zone);
    let y_offset = crs.as_ref().map_or(0.0, |c| c.y_offset);
    let source_crs = crs
        .map(|c| SourceCrs {
            definition: c.definition,
            explanation: c.explanation,
        })
        .map_err(|reason| CatalogueError::SourceCrs {
            path: path.to_path_buf(),
            reason,
        });

    let mut rows = Vec::with_capacity(mines.len());
    for mine in mines {
        let mut polygons = Vec::with_capacity(mine.parts.len());
        let mut problem = None;
        for (_, points) in mine.parts {
            match ring(path, points, y_offset)? {
                Ok(polygon) => polygons.push(polygon),
                Err(p) => {
                    problem = Some(p);
                    break;
                }
            }
        }
        let geometry = match (problem, polygons.len()) {
            (Some(p), _) => Err(p),
            (None, 1) => Ok(Geometry::Polygon(polygons.remove(0))),
            (None, _) => Ok(Geometry::MultiPolygon(MultiPolygon::new(polygons))),
        };
        rows.push(TableRow {
            row: mine.line,
            values: mine.values,
            geometry,
        });
    }

    Ok(AttributeTable {
        driver: driver.to_string(),
        layer,
        skipped_layers,
        fields,
        geometry_columns: geometry_columns
            .iter()
            .map(|&i| header.names[i].clone())
            .collect(),
        rows,
        encoding,
        source_crs,
    })
}

/// Orders one part's points by number and closes the ring. The outer `Result` is a table error
/// (conflicting duplicate labels); the inner one a geometry problem of this mine.
fn ring(
    path: &Path,
    mut points: Vec<CornerPoint>,
    y_offset: f64,
) -> Result<std::result::Result<Polygon<f64>, GeometryProblem>> {
    points.sort_by(|a, b| a.number.total_cmp(&b.number));
    let mut coords: Vec<Coord<f64>> = Vec::with_capacity(points.len() + 1);
    for pair in points.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if a.number == b.number && (a.northing != b.northing || a.easting != b.easting) {
            return Err(CatalogueError::CornerPoint {
                path: path.to_path_buf(),
                row: b.line,
                reason: format!(
                    "point '{}' is listed again (line {}) with other coordinates",
                    b.label, a.line
                ),
            });
        }
    }
    points.dedup_by(|b, a| a.number == b.number);
    for p in &points {
        coords.push(Coord {
            x: p.easting - y_offset,
            y: p.northing,
        });
    }
    if let (Some(&first), Some(&last)) = (coords.first(), coords.last()) {
        if first != last {
            coords.push(first);
        }
    }
    if coords.len() < 4 {
        return Ok(Err(GeometryProblem::Invalid(format!(
            "{} distinct corner point(s); a boundary needs at least 3",
            coords.len().saturating_sub(1)
        ))));
    }
    Ok(check_polygon(Polygon::new(
        LineString::new(coords),
        Vec::new(),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn point_numbers() {
        assert_eq!(point_number("3"), Some(3.0));
        assert_eq!(point_number("3.0"), Some(3.0));
        assert_eq!(point_number("J12"), Some(12.0));
        assert_eq!(point_number("12a"), Some(12.0));
        assert_eq!(point_number("J"), None);
    }

    #[test]
    fn coordinates() {
        assert_eq!(parse_coordinate("4,130,000.5"), Some(4_130_000.5));
        assert_eq!(parse_coordinate(" 40535000 "), Some(40_535_000.0));
        assert_eq!(parse_coordinate("北"), None);
        assert_eq!(parse_coordinate("inf"), None);
    }
}
