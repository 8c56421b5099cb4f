//! `inspect`: what goldsweep recognises in a catalogue file, before any sweep.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::attribute_table::AttributeTable;
use crate::catalogue_read::{mine_group_columns, ResolvedFields};
use crate::error::Result;
use crate::field_map::FieldMap;
use crate::read_options::ReadOptions;
use crate::sealing::Sealing;
use crate::status::MineStatus;

/// One mine attribute and the field it was recognised from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConceptMatch {
    /// `id`, `name`, `status`, `holder`, `sealing` or `responsible`.
    pub concept: &'static str,
    /// The layer's field, or `None` when no candidate was present.
    pub field: Option<String>,
    /// The candidates tried, in order.
    pub tried: Vec<String>,
}

/// One distinct value of a vocabulary field, how often it occurs and what it means.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ValueCount<T> {
    pub value: String,
    pub count: usize,
    /// The parsed meaning; `None` for a value outside the vocabulary (reading would fail).
    pub maps_to: Option<T>,
}

/// What [`inspect`] found. `Display` prints it for a terminal; `Serialize` gives JSON.
#[derive(Clone, Debug, Serialize)]
pub struct InspectReport {
    pub path: PathBuf,
    /// OGR driver short name, or the corner-point reader.
    pub driver: String,
    /// Layer (or sheet) read.
    pub layer: String,
    /// Other layers (or sheets), not read.
    pub skipped_layers: Vec<String>,
    /// Features (or, for corner-point tables, mines).
    pub feature_count: usize,
    /// Source CRS definition, or `None` when unknown.
    pub source_crs: Option<String>,
    /// Where the CRS came from, or why it is unknown.
    pub source_crs_note: String,
    /// The attribute encoding and why it was chosen.
    pub encoding: String,
    /// Every mine attribute → field.
    pub concepts: Vec<ConceptMatch>,
    /// Columns turned into geometry (corner-point tables).
    pub geometry_columns: Vec<String>,
    /// Fields no attribute was read from.
    pub unused_fields: Vec<String>,
    /// Status values with counts (blank values counted as `""`), most frequent first.
    pub status_values: Vec<ValueCount<MineStatus>>,
    /// The status given to mines without a status value.
    pub status_default: Option<MineStatus>,
    /// Sealing values with counts, most frequent first.
    pub sealing_values: Vec<ValueCount<Sealing>>,
    /// Features without a usable geometry, and the first such row with its problem.
    pub geometry_problems: usize,
    pub first_geometry_problem: Option<String>,
}

/// Reads a catalogue file as [`Catalogue::read_with_options`](crate::Catalogue::read_with_options)
/// would, and reports what was recognised instead of failing on the first bad value.
///
/// Only problems that stop the file from being read at all are errors (cannot open, no
/// geometry layer, a corner-point table without its columns, an unknown declared encoding); a
/// missing CRS, unknown status values and bad geometries are reported.
pub fn inspect(path: &Path, fields: &FieldMap, options: &ReadOptions) -> Result<InspectReport> {
    let table = AttributeTable::load(path, options, &mine_group_columns(fields))?;
    let resolved = ResolvedFields::resolve(fields, &table.fields);
    let concepts: Vec<ConceptMatch> = resolved
        .concepts(fields)
        .iter()
        .map(|(concept, index, tried)| ConceptMatch {
            concept,
            field: index.map(|i| table.fields[i].clone()),
            tried: tried.to_vec(),
        })
        .collect();
    let used: Vec<usize> = resolved
        .concepts(fields)
        .iter()
        .filter_map(|(_, index, _)| *index)
        .collect();
    let unused_fields = (0..table.fields.len())
        .filter(|i| !used.contains(i))
        .map(|i| table.fields[i].clone())
        .collect();

    let status_values = value_counts(&table, resolved.status, MineStatus::parse);
    let sealing_values = value_counts(&table, resolved.sealing, Sealing::parse);
    let mut problems = table
        .rows
        .iter()
        .filter_map(|r| r.geometry.as_ref().err().map(|p| (r.row, p)));
    let first_geometry_problem = problems.next().map(|(row, problem)| {
        crate::catalogue_read::geometry_error(path.to_path_buf(), row, problem.clone()).to_string()
    });
    let geometry_problems = first_geometry_problem.iter().count() + problems.count();
    let (source_crs, source_crs_note) = match &table.source_crs {
        Ok(crs) => (Some(crs.definition.clone()), crs.explanation.clone()),
        Err(e) => (None, e.to_string()),
    };

    Ok(InspectReport {
        path: path.to_path_buf(),
        driver: table.driver.clone(),
        layer: table.layer.clone(),
        skipped_layers: table.skipped_layers.clone(),
        feature_count: table.rows.len(),
        source_crs,
        source_crs_note,
        encoding: table.encoding.to_string(),
        concepts,
        geometry_columns: table.geometry_columns.clone(),
        unused_fields,
        status_values,
        status_default: fields.status_default,
        sealing_values,
        geometry_problems,
        first_geometry_problem,
    })
}

/// Distinct values of one field with counts, most frequent first, then by value.
fn value_counts<T>(
    table: &AttributeTable,
    index: Option<usize>,
    parse: impl Fn(&str) -> Option<T>,
) -> Vec<ValueCount<T>> {
    let Some(index) = index else {
        return Vec::new();
    };
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for row in &table.rows {
        let value = row.values.get(index).cloned().flatten().unwrap_or_default();
        *counts.entry(value).or_default() += 1;
    }
    let mut out: Vec<ValueCount<T>> = counts
        .into_iter()
        .map(|(value, count)| ValueCount {
            maps_to: parse(&value),
            value,
            count,
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    out
}

impl fmt::Display for InspectReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "file        {}", self.path.display())?;
        writeln!(
            f,
            "driver      {}, layer '{}', {} feature(s)",
            self.driver, self.layer, self.feature_count
        )?;
        if !self.skipped_layers.is_empty() {
            writeln!(f, "not read    {}", self.skipped_layers.join(", "))?;
        }
        match &self.source_crs {
            Some(crs) => writeln!(f, "source CRS  {crs} ({})", self.source_crs_note)?,
            None => writeln!(f, "source CRS  unknown: {}", self.source_crs_note)?,
        }
        writeln!(f, "encoding    {}", self.encoding)?;
        writeln!(f, "fields")?;
        for concept in &self.concepts {
            match &concept.field {
                Some(field) => writeln!(f, "  {:<12} ← {field}", concept.concept)?,
                None => writeln!(
                    f,
                    "  {:<12} not found (tried {})",
                    concept.concept,
                    concept.tried.join(", ")
                )?,
            }
        }
        if !self.geometry_columns.is_empty() {
            writeln!(
                f,
                "  {:<12} ← {}",
                "boundary",
                self.geometry_columns.join(", ")
            )?;
        }
        let unused = if self.unused_fields.is_empty() {
            "none".to_string()
        } else {
            self.unused_fields.join(", ")
        };
        writeln!(f, "not used    {unused}")?;
        write_values(f, "status", &self.status_values)?;
        match (self.status_default, self.status_values.is_empty()) {
            (Some(default), _) => writeln!(f, "  (blank or no status field → {default})")?,
            (None, true) => writeln!(
                f,
                "  no status field and no default status: reading will fail"
            )?,
            (None, false) => {}
        }
        write_values(f, "sealing", &self.sealing_values)?;
        match &self.first_geometry_problem {
            Some(first) => write!(
                f,
                "geometry    {} unusable, first: {first}",
                self.geometry_problems
            ),
            None => write!(f, "geometry    all usable"),
        }
    }
}

fn write_values<T: fmt::Display>(
    f: &mut fmt::Formatter<'_>,
    title: &str,
    values: &[ValueCount<T>],
) -> fmt::Result {
    if values.is_empty() {
        return Ok(());
    }
    writeln!(f, "{title} values")?;
    for v in values {
        let shown = if v.value.is_empty() {
            "(blank)"
        } else {
            &v.value
        };
        // Count first: Chinese values are two columns wide, so padding them misaligns.
        let count = v.count;
        match &v.maps_to {
            Some(meaning) => writeln!(f, "  {count:>6}  {shown} → {meaning}")?,
            None if v.value.is_empty() => writeln!(f, "  {count:>6}  {shown}")?,
            None => writeln!(f, "  {count:>6}  {shown} → UNKNOWN (reading will fail)")?,
        }
    }
    Ok(())
}
