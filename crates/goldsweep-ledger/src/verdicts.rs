//! Verdicts returned by the field teams: what they found at each site, when, and who must seal it.
//!
//! Accepted files:
//! - **CSV** (UTF-8 with or without BOM, or GB18030 as Excel saves it), with a header row. Columns
//!   are found by name, English or Chinese: id (`id`, `site_id`, `编号`), verdict (`verdict`,
//!   `核查结论`), date (`date`, `verdict_date`, `核查日期`, `核查时间`), note (`note`,
//!   `verdict_note`, `核查备注`, `核查说明`), sealing (`sealing`, `封堵情况`) and responsible
//!   party (`responsible`, `责任主体`). Only id and verdict are required, so the ledger
//!   (`ledger.csv`) itself, filled in and saved, is a valid verdicts file. Rows with an empty
//!   verdict are skipped.
//! - **GeoJSON**: a FeatureCollection whose features carry the same keys as properties (the
//!   feature `id` member counts as the id), e.g. an edited `sites.geojson`, which writes the
//!   verdict as `verdict`, `verdict_date`, `verdict_note`.
//!
//! A verdict cell may hold the date after the verdict (`已封堵 2024-07-01`), as the ledger
//! writes it. When an id appears twice the later row wins.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use crate::error::LedgerError;
use crate::labels::Lang;
use crate::text_decode::decode_text;

/// What a field team concluded at a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Illegal mining confirmed (确认违法): to be sealed.
    ConfirmedIllegal,
    /// The change is lawful activity (合法活动): licensed works, construction, farming.
    LegalActivity,
    /// Nothing there (误报): a false alarm of the detector.
    FalseAlarm,
    /// Workings sealed (已封堵): any later change there is a breach of the seal.
    Sealed,
    /// Site restored (已整改): not re-sent unless it changes again.
    Remediated,
}

/// Chinese terms a team may write, and the verdict each one means.
const CHINESE_TERMS: &[(&str, Verdict)] = &[
    ("确认违法", Verdict::ConfirmedIllegal),
    ("违法开采", Verdict::ConfirmedIllegal),
    ("非法开采", Verdict::ConfirmedIllegal),
    ("属实", Verdict::ConfirmedIllegal),
    ("合法活动", Verdict::LegalActivity),
    ("合法", Verdict::LegalActivity),
    ("误报", Verdict::FalseAlarm),
    ("不属实", Verdict::FalseAlarm),
    ("排除", Verdict::FalseAlarm),
    ("已封堵", Verdict::Sealed),
    ("封堵", Verdict::Sealed),
    ("已整改", Verdict::Remediated),
    ("已修复", Verdict::Remediated),
    ("已复绿", Verdict::Remediated),
    ("已销号", Verdict::Remediated),
];

impl Verdict {
    pub const ALL: [Verdict; 5] = [
        Verdict::ConfirmedIllegal,
        Verdict::LegalActivity,
        Verdict::FalseAlarm,
        Verdict::Sealed,
        Verdict::Remediated,
    ];

    /// The snake_case name written in GeoJSON (`"false_alarm"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::ConfirmedIllegal => "confirmed_illegal",
            Verdict::LegalActivity => "legal_activity",
            Verdict::FalseAlarm => "false_alarm",
            Verdict::Sealed => "sealed",
            Verdict::Remediated => "remediated",
        }
    }

    /// The word the ledger writes.
    pub fn label(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.as_str(),
            Lang::Zh => match self {
                Verdict::ConfirmedIllegal => "确认违法",
                Verdict::LegalActivity => "合法活动",
                Verdict::FalseAlarm => "误报",
                Verdict::Sealed => "已封堵",
                Verdict::Remediated => "已整改",
            },
        }
    }

    /// Parses an English name (case, `_`, `-` and spaces ignored) or a Chinese term.
    ///
    /// ```
    /// use goldsweep_ledger::Verdict;
    /// assert_eq!(Verdict::parse("False alarm"), Some(Verdict::FalseAlarm));
    /// assert_eq!(Verdict::parse("已封堵"), Some(Verdict::Sealed));
    /// assert_eq!(Verdict::parse("maybe"), None);
    /// ```
    pub fn parse(s: &str) -> Option<Verdict> {
        let t = s.trim();
        if let Some((_, v)) = CHINESE_TERMS.iter().find(|(term, _)| *term == t) {
            return Some(*v);
        }
        let squashed: String = t
            .chars()
            .filter(|c| !matches!(c, '_' | '-' | ' '))
            .flat_map(char::to_lowercase)
            .collect();
        Verdict::ALL
            .into_iter()
            .find(|v| v.as_str().replace('_', "") == squashed)
    }

    /// Whether a site with this verdict is left out of the next ledger unless it grows.
    pub fn suppresses(self) -> bool {
        matches!(self, Verdict::FalseAlarm | Verdict::Remediated)
    }

    /// Whether the ledger item is closed (no visit needed unless the site changes again).
    pub fn closes_item(self) -> bool {
        !matches!(self, Verdict::ConfirmedIllegal)
    }
}

/// One site's verdict with what the team wrote beside it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerdictRecord {
    pub verdict: Verdict,
    /// As written (`2024-07-01`), not parsed.
    pub date: Option<String>,
    pub note: Option<String>,
    /// Sealing state as written (已封堵 / 未封堵 / 封堵不彻底 …).
    pub sealing: Option<String>,
    /// Who must seal or restore the site (封堵责任主体).
    pub responsible: Option<String>,
}

/// Verdicts by site id.
pub type Verdicts = BTreeMap<String, VerdictRecord>;

const ID_KEYS: &[&str] = &["id", "site_id", "编号"];
const VERDICT_KEYS: &[&str] = &["verdict", "核查结论"];
const DATE_KEYS: &[&str] = &["date", "verdict_date", "核查日期", "核查时间"];
const NOTE_KEYS: &[&str] = &["note", "verdict_note", "核查备注", "核查说明"];
const SEALING_KEYS: &[&str] = &["sealing", "封堵情况"];
const RESPONSIBLE_KEYS: &[&str] = &["responsible", "responsible party", "责任主体"];

/// Reads a verdicts file (CSV, or GeoJSON when the name ends in `.geojson`/`.json` or the text
/// starts with `{`).
pub fn read_verdicts(path: &Path) -> Result<Verdicts, LedgerError> {
    let fail = |reason: String| LedgerError::Verdicts {
        path: path.to_path_buf(),
        reason,
    };
    let bytes = std::fs::read(path).map_err(|e| fail(e.to_string()))?;
    let (text, _) = decode_text(&bytes)
        .ok_or_else(|| fail("not text (neither UTF-8 nor GB18030)".to_string()))?;
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if ext == "geojson" || ext == "json" || text.trim_start().starts_with('{') {
        parse_geojson(&text).map_err(fail)
    } else {
        parse_csv(&text).map_err(fail)
    }
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Splits `已封堵 2024-07-01` into the verdict and what follows it.
fn split_verdict_cell(cell: &str) -> Option<(Verdict, Option<String>)> {
    if let Some(v) = Verdict::parse(cell) {
        return Some((v, None));
    }
    let t = cell.trim();
    let (head, tail) = t.split_once(char::is_whitespace)?;
    Verdict::parse(head).map(|v| (v, non_empty(tail)))
}

/// Parses CSV text with a header row; errors name the 1-based line.
pub fn parse_csv(text: &str) -> Result<Verdicts, String> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| format!("header row: {e}"))?
        .clone();
    let find = |keys: &[&str]| {
        headers
            .iter()
            .position(|h| keys.iter().any(|k| h.trim().eq_ignore_ascii_case(k)))
    };
    let id_col = find(ID_KEYS).ok_or_else(|| {
        format!(
            "no id column (one of {}) in the header row",
            ID_KEYS.join(", ")
        )
    })?;
    let verdict_col = find(VERDICT_KEYS).ok_or_else(|| {
        format!(
            "no verdict column (one of {}) in the header row",
            VERDICT_KEYS.join(", ")
        )
    })?;
    let (date_col, note_col) = (find(DATE_KEYS), find(NOTE_KEYS));
    let (sealing_col, responsible_col) = (find(SEALING_KEYS), find(RESPONSIBLE_KEYS));
    let mut out = Verdicts::new();
    for (k, rec) in rdr.records().enumerate() {
        let line = k + 2;
        let rec = rec.map_err(|e| format!("line {line}: {e}"))?;
        let cell = |c: Option<usize>| c.and_then(|c| rec.get(c)).and_then(non_empty);
        let Some(verdict_text) = cell(Some(verdict_col)) else {
            continue;
        };
        let id = cell(Some(id_col)).ok_or_else(|| format!("line {line}: verdict without an id"))?;
        let (verdict, date_in_cell) = split_verdict_cell(&verdict_text).ok_or_else(|| {
            format!(
                "line {line}: verdict {verdict_text:?} for {id} is not one of {}",
                accepted()
            )
        })?;
        out.insert(
            id,
            VerdictRecord {
                verdict,
                date: cell(date_col).or(date_in_cell),
                note: cell(note_col),
                sealing: cell(sealing_col),
                responsible: cell(responsible_col),
            },
        );
    }
    Ok(out)
}

fn accepted() -> String {
    Verdict::ALL
        .iter()
        .map(|v| v.as_str())
        .chain(CHINESE_TERMS.iter().map(|(t, _)| *t))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parses a GeoJSON FeatureCollection; errors name the 1-based feature number.
pub fn parse_geojson(text: &str) -> Result<Verdicts, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let features = v
        .get("features")
        .and_then(Value::as_array)
        .ok_or("not a GeoJSON FeatureCollection (no \"features\" array)")?;
    let mut out = Verdicts::new();
    for (k, f) in features.iter().enumerate() {
        let n = k + 1;
        let props = f.get("properties").and_then(Value::as_object);
        let get = |keys: &[&str]| -> Option<String> {
            let props = props?;
            keys.iter().find_map(|key| match props.get(*key)? {
                Value::String(s) => non_empty(s),
                Value::Number(x) => Some(x.to_string()),
                _ => None,
            })
        };
        let Some(verdict_text) = get(VERDICT_KEYS) else {
            continue;
        };
        let id = get(ID_KEYS)
            .or_else(|| f.get("id").and_then(Value::as_str).and_then(non_empty))
            .ok_or_else(|| format!("feature {n}: verdict without an id"))?;
        let (verdict, date_in_cell) = split_verdict_cell(&verdict_text).ok_or_else(|| {
            format!(
                "feature {n}: verdict {verdict_text:?} for {id} is not one of {}",
                accepted()
            )
        })?;
        out.insert(
            id,
            VerdictRecord {
                verdict,
                date: get(DATE_KEYS).or(date_in_cell),
                note: get(NOTE_KEYS),
                sealing: get(SEALING_KEYS),
                responsible: get(RESPONSIBLE_KEYS),
            },
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_verdict_parses_from_its_name_and_label() {
        for v in Verdict::ALL {
            assert_eq!(Verdict::parse(v.as_str()), Some(v));
            assert_eq!(Verdict::parse(v.label(Lang::Zh)), Some(v));
        }
    }

    #[test]
    fn csv_with_chinese_headers_and_date_in_cell() -> Result<(), String> {
        let text = "序号,编号,核查结论,封堵情况,责任主体,备注\r\n\
                    1,ST-a,已封堵 2024-07-01,已封堵,某镇政府,x\r\n\
                    2,ST-b,,,,\r\n\
                    3,ST-c,false_alarm,,,\r\n";
        let v = parse_csv(text)?;
        assert_eq!(v.len(), 2);
        let a = &v["ST-a"];
        assert_eq!(a.verdict, Verdict::Sealed);
        assert_eq!(a.date.as_deref(), Some("2024-07-01"));
        assert_eq!(a.responsible.as_deref(), Some("某镇政府"));
        assert_eq!(a.note, None, "备注 is the ledger's own text, not a note");
        assert_eq!(v["ST-c"].verdict, Verdict::FalseAlarm);
        Ok(())
    }

    #[test]
    fn bad_verdict_names_the_line() {
        let err = parse_csv("id,verdict\nST-a,sealed\nST-b,unsure\n").unwrap_err();
        assert!(err.starts_with("line 3:"), "{err}");
        assert!(err.contains("unsure"), "{err}");
    }

    #[test]
    fn missing_columns_are_errors() {
        assert!(parse_csv("site,verdict\nA,sealed\n").is_err());
        assert!(parse_csv("id,result\nA,sealed\n").is_err());
    }

    #[test]
    fn geojson_uses_feature_id_and_site_keys() -> Result<(), String> {
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","id":"ST-x","geometry":null,
             "properties":{"verdict":"remediated","verdict_date":"2024-08-02","verdict_note":"复绿"}},
            {"type":"Feature","geometry":null,"properties":{"id":"ST-y"}}]}"#;
        let v = parse_geojson(text)?;
        assert_eq!(v.len(), 1);
        assert_eq!(v["ST-x"].verdict, Verdict::Remediated);
        assert_eq!(v["ST-x"].note.as_deref(), Some("复绿"));
        Ok(())
    }
}
