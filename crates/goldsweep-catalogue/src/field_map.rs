//! Which attribute fields of a catalogue hold the mine id, name and status.

use crate::status::MineStatus;

/// Candidate field names for each mine attribute, tried in order, matched case-insensitively
/// against the layer's field names; the first one present is used.
///
/// * no id field, or an empty id value → the id is `"row-N"` (N = 1-based feature number);
/// * no name field → the name is `""`;
/// * no status field → [`FieldMap::status_default`] if set, otherwise
///   [`CatalogueError::MissingStatusField`](crate::CatalogueError::MissingStatusField);
///   an empty status value also falls back to `status_default` when it is set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldMap {
    /// Candidates for the mine identifier (licence number, catalogue code, ...).
    pub id: Vec<String>,
    /// Candidates for the mine name.
    pub name: Vec<String>,
    /// Candidates for the mine status (parsed with [`MineStatus::parse`]).
    pub status: Vec<String>,
    /// Status given to every mine when the layer has no status field (e.g. a catalogue that
    /// lists only closed mines, or a layer of known illegal sites).
    pub status_default: Option<MineStatus>,
}

impl Default for FieldMap {
    /// `id`: `id, mine_id, 编号, 许可证号`; `name`: `name, mine_name, 矿山名称`;
    /// `status`: `status, mine_status, 状态, 矿山状态`; no default status.
    fn default() -> Self {
        let strings = |names: &[&str]| names.iter().map(|s| s.to_string()).collect();
        FieldMap {
            id: strings(&["id", "mine_id", "编号", "许可证号"]),
            name: strings(&["name", "mine_name", "矿山名称"]),
            status: strings(&["status", "mine_status", "状态", "矿山状态"]),
            status_default: None,
        }
    }
}

impl FieldMap {
    /// The default field names with a fixed status for layers without a status field.
    pub fn with_status_default(status: MineStatus) -> Self {
        FieldMap {
            status_default: Some(status),
            ..FieldMap::default()
        }
    }

    /// Index of the first candidate present in `fields` (case-insensitive), if any.
    pub(crate) fn find(candidates: &[String], fields: &[String]) -> Option<usize> {
        candidates.iter().find_map(|candidate| {
            let wanted = candidate.trim().to_lowercase();
            fields
                .iter()
                .position(|field| field.trim().to_lowercase() == wanted)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn candidates_tried_in_order_case_insensitive() {
        let fields = names(&["FID", "Mine_Status", "STATUS"]);
        let map = FieldMap::default();
        assert_eq!(FieldMap::find(&map.status, &fields), Some(2));
        assert_eq!(FieldMap::find(&map.id, &fields), None);
    }

    #[test]
    fn chinese_field_names() {
        let fields = names(&["许可证号", "矿山名称", "矿山状态"]);
        let map = FieldMap::default();
        assert_eq!(FieldMap::find(&map.id, &fields), Some(0));
        assert_eq!(FieldMap::find(&map.name, &fields), Some(1));
        assert_eq!(FieldMap::find(&map.status, &fields), Some(2));
    }
}
