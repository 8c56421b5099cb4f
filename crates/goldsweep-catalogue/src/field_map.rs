//! Which attribute fields of a catalogue hold each mine attribute.

use crate::status::MineStatus;

/// Candidate field names for each mine attribute, tried in order; the first one present in the
/// layer is used. Names match after [`normalise_field_name`]: case, surrounding and inner
/// spaces and a bracketed unit suffix are ignored (`"X坐标（m）"` matches `"x坐标"`).
///
/// * no id field, or an empty id value → the id is `"row-N"` (N = the row, see
///   [`Mine::row`](crate::Mine::row));
/// * no name field → the name is `""`; no holder/sealing/responsible field → `None`;
/// * no status field → [`FieldMap::status_default`] if set, otherwise
///   [`CatalogueError::MissingStatusField`](crate::CatalogueError::MissingStatusField);
///   an empty status value also falls back to `status_default` when it is set.
///
/// Shapefile field names hold at most 10 bytes, i.e. 5 Chinese characters in GBK: the
/// defaults include the truncated forms desktop GIS writes (`封堵责任主` for `封堵责任主体`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldMap {
    /// Candidates for the mine identifier (licence number, catalogue code, ...).
    pub id: Vec<String>,
    /// Candidates for the mine name.
    pub name: Vec<String>,
    /// Candidates for the mine status (parsed with [`MineStatus::parse`]).
    pub status: Vec<String>,
    /// Candidates for the mining-right holder (采矿权人).
    pub holder: Vec<String>,
    /// Candidates for the sealing state (parsed with [`Sealing::parse`](crate::Sealing::parse)).
    pub sealing: Vec<String>,
    /// Candidates for the party responsible for sealing (封堵责任主体).
    pub responsible: Vec<String>,
    /// Status given to every mine when the layer has no status field (e.g. a catalogue that
    /// lists only closed mines, or a layer of known illegal sites).
    pub status_default: Option<MineStatus>,
}

impl Default for FieldMap {
    /// `id`: `id, mine_id, 矿山编号, 许可证号, 采矿许可证号, 许可证编号, 编号`;
    /// `name`: `name, mine_name, 矿山名称, 名称`;
    /// `status`: `status, mine_status, 状态, 矿山状态`;
    /// `holder`: `holder, owner, 采矿权人, 矿业权人`;
    /// `sealing`: `sealing, 封堵情况, 封堵状态`;
    /// `responsible`: `responsible, 封堵责任主体, 封堵责任主, 责任主体, 责任单位`;
    /// no default status.
    fn default() -> Self {
        let strings = |names: &[&str]| names.iter().map(|s| s.to_string()).collect();
        FieldMap {
            id: strings(&[
                "id",
                "mine_id",
                "矿山编号",
                "许可证号",
                "采矿许可证号",
                "许可证编号",
                "编号",
            ]),
            name: strings(&["name", "mine_name", "矿山名称", "名称"]),
            status: strings(&["status", "mine_status", "状态", "矿山状态"]),
            holder: strings(&["holder", "owner", "采矿权人", "矿业权人"]),
            sealing: strings(&["sealing", "封堵情况", "封堵状态"]),
            responsible: strings(&[
                "responsible",
                "封堵责任主体",
                "封堵责任主",
                "责任主体",
                "责任单位",
            ]),
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

    /// Index of the first candidate present in `fields` (after [`normalise_field_name`]).
    pub(crate) fn find(candidates: &[String], fields: &[String]) -> Option<usize> {
        let normalised: Vec<String> = fields.iter().map(|f| normalise_field_name(f)).collect();
        candidates.iter().find_map(|candidate| {
            let wanted = normalise_field_name(candidate);
            normalised.iter().position(|field| *field == wanted)
        })
    }
}

/// A field name reduced for matching: lower case, whitespace removed, and a trailing
/// bracketed part (`(m)`, `（米）`, `[m]`) dropped.
///
/// ```
/// use goldsweep_catalogue::normalise_field_name;
/// assert_eq!(normalise_field_name(" X 坐标（m） "), "x坐标");
/// assert_eq!(normalise_field_name("Mine_ID"), "mine_id");
/// ```
pub fn normalise_field_name(name: &str) -> String {
    let squashed: String = name
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    let cut = squashed
        .char_indices()
        .find(|(i, c)| *i > 0 && matches!(c, '(' | '（' | '['))
        .map(|(i, _)| i);
    match cut {
        Some(i) if squashed.ends_with([')', '）', ']']) => squashed[..i].to_string(),
        _ => squashed,
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
        let fields = names(&[
            "许可证号",
            "矿山名称",
            "矿山状态",
            "采矿权人",
            "封堵情况",
            "封堵责任主",
        ]);
        let map = FieldMap::default();
        assert_eq!(FieldMap::find(&map.id, &fields), Some(0));
        assert_eq!(FieldMap::find(&map.name, &fields), Some(1));
        assert_eq!(FieldMap::find(&map.status, &fields), Some(2));
        assert_eq!(FieldMap::find(&map.holder, &fields), Some(3));
        assert_eq!(FieldMap::find(&map.sealing, &fields), Some(4));
        assert_eq!(FieldMap::find(&map.responsible, &fields), Some(5));
    }

    #[test]
    fn units_and_spaces_are_ignored() {
        let fields = names(&["点 号", "X坐标(m)", "Y坐标（米）"]);
        assert_eq!(FieldMap::find(&names(&["x坐标"]), &fields), Some(1));
        assert_eq!(FieldMap::find(&names(&["y坐标"]), &fields), Some(2));
        assert_eq!(FieldMap::find(&names(&["点号"]), &fields), Some(0));
        assert_eq!(normalise_field_name("(m)"), "(m)");
    }
}
