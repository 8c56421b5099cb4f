//! Words the field outputs use, in Chinese (the default, as bureau ledgers are kept) and
//! English: column headers, change classes, mine statuses, relations and yes/no.

use goldsweep_catalogue::{MineStatus, RelationKind};
use goldsweep_detect::ChangeClass;

/// Language of the ledger, the KML and the chip-free text fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Chinese headers and terms (台账 as county teams keep it).
    #[default]
    Zh,
    /// English headers and terms.
    En,
}

impl std::str::FromStr for Lang {
    type Err = String;

    /// `zh`/`cn`/`中文` or `en`/`english`, case-insensitive.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "zh" | "cn" | "zh-cn" | "chinese" | "中文" => Ok(Lang::Zh),
            "en" | "english" => Ok(Lang::En),
            other => Err(format!("{other:?}: not a language (use zh or en)")),
        }
    }
}

/// Ledger columns, in order, Chinese.
pub const HEADERS_ZH: [&str; 16] = [
    "序号",
    "编号",
    "县区",
    "经度",
    "纬度",
    "类型",
    "面积(亩)",
    "关联矿山",
    "矿山状态",
    "距离(米)",
    "评分",
    "是否需实地核查",
    "核查结论",
    "封堵情况",
    "责任主体",
    "备注",
];

/// Ledger columns, in order, English (same meaning as [`HEADERS_ZH`], position by position).
pub const HEADERS_EN: [&str; 16] = [
    "No.",
    "ID",
    "County",
    "Longitude",
    "Latitude",
    "Type",
    "Area (mu)",
    "Related mine",
    "Mine status",
    "Distance (m)",
    "Score",
    "Field check required",
    "Verdict",
    "Sealing",
    "Responsible party",
    "Remarks",
];

/// The ledger headers of a language.
pub fn headers(lang: Lang) -> [&'static str; 16] {
    match lang {
        Lang::Zh => HEADERS_ZH,
        Lang::En => HEADERS_EN,
    }
}

/// The name of a change class as the field team reads it.
pub fn class_label(class: ChangeClass, lang: Lang) -> &'static str {
    match (lang, class) {
        (Lang::Zh, ChangeClass::SpoilHeap) => "废石堆/渣堆",
        (Lang::Zh, ChangeClass::LeachPond) => "浸出池",
        (Lang::Zh, ChangeClass::AccessTrack) => "便道",
        (Lang::Zh, ChangeClass::VegetationLoss) => "植被破坏",
        (Lang::Zh, ChangeClass::OtherChange) => "其他变化",
        (Lang::En, ChangeClass::SpoilHeap) => "spoil heap",
        (Lang::En, ChangeClass::LeachPond) => "leach pond",
        (Lang::En, ChangeClass::AccessTrack) => "access track",
        (Lang::En, ChangeClass::VegetationLoss) => "vegetation loss",
        (Lang::En, ChangeClass::OtherChange) => "other change",
    }
}

/// The status of a catalogued mine as the ledger writes it.
pub fn status_label(status: MineStatus, lang: Lang) -> &'static str {
    match (lang, status) {
        (Lang::Zh, MineStatus::Active) => "在产",
        (Lang::Zh, MineStatus::PolicyClosed) => "政策性关闭",
        (Lang::Zh, MineStatus::ProtectedAreaExit) => "保护地内退出",
        (Lang::Zh, MineStatus::Closed) => "正常关闭",
        (Lang::Zh, MineStatus::IllegalSite) => "盗采点",
        (Lang::En, s) => s.as_str(),
    }
}

/// Every relation kind, most suspicious first (the order of [`RelationKind`]).
pub const RELATIONS: [RelationKind; 6] = [
    RelationKind::AtIllegalSite,
    RelationKind::InsideClosedMine,
    RelationKind::InsideActiveMine,
    RelationKind::NearClosedMine,
    RelationKind::NearActiveMine,
    RelationKind::OutsideCatalogue,
];

/// Parses the snake_case name written by [`RelationKind::as_str`].
pub fn parse_relation(s: &str) -> Option<RelationKind> {
    RELATIONS.into_iter().find(|r| r.as_str() == s.trim())
}

/// Parses the snake_case name written by [`ChangeClass::name`].
pub fn parse_class(s: &str) -> Option<ChangeClass> {
    ChangeClass::ALL.into_iter().find(|c| c.name() == s.trim())
}

/// A phrase on where the site lies relative to the catalogue, with the distance when near.
pub fn relation_phrase(kind: RelationKind, distance_m: Option<f64>, lang: Lang) -> String {
    let d = distance_m.filter(|d| *d > 0.0).map(|d| d.round());
    match (lang, kind) {
        (Lang::Zh, RelationKind::AtIllegalSite) => "位于已知盗采点".into(),
        (Lang::Zh, RelationKind::InsideClosedMine) => "位于关闭矿山范围内".into(),
        (Lang::Zh, RelationKind::InsideActiveMine) => "位于在产矿山范围内".into(),
        (Lang::Zh, RelationKind::NearClosedMine) => match d {
            Some(d) => format!("距关闭矿山{d:.0}米"),
            None => "邻近关闭矿山".into(),
        },
        (Lang::Zh, RelationKind::NearActiveMine) => match d {
            Some(d) => format!("距在产矿山{d:.0}米"),
            None => "邻近在产矿山".into(),
        },
        (Lang::Zh, RelationKind::OutsideCatalogue) => "名录矿山范围外".into(),
        (Lang::En, k) => match d {
            Some(d) => format!("{} ({d:.0} m)", k.as_str().replace('_', " ")),
            None => k.as_str().replace('_', " "),
        },
    }
}

/// "是"/"否" or "yes"/"no".
pub fn yes_no(b: bool, lang: Lang) -> &'static str {
    match (lang, b) {
        (Lang::Zh, true) => "是",
        (Lang::Zh, false) => "否",
        (Lang::En, true) => "yes",
        (Lang::En, false) => "no",
    }
}

/// The separator between items of a list inside one cell.
pub fn list_sep(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "、",
        Lang::En => ", ",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relation_names_round_trip() {
        for r in RELATIONS {
            assert_eq!(parse_relation(r.as_str()), Some(r));
        }
        assert_eq!(parse_relation("inside"), None);
    }

    #[test]
    fn class_names_round_trip() {
        for c in ChangeClass::ALL {
            assert_eq!(parse_class(c.name()), Some(c));
        }
    }

    #[test]
    fn lang_parses() {
        assert_eq!("EN".parse::<Lang>(), Ok(Lang::En));
        assert_eq!("zh".parse::<Lang>(), Ok(Lang::Zh));
        assert!("fr".parse::<Lang>().is_err());
    }

    #[test]
    fn near_phrase_has_distance() {
        let p = relation_phrase(RelationKind::NearClosedMine, Some(212.4), Lang::Zh);
        assert_eq!(p, "距关闭矿山212米");
        let e = relation_phrase(RelationKind::NearClosedMine, Some(212.4), Lang::En);
        assert_eq!(e, "near closed mine (212 m)");
    }
}
