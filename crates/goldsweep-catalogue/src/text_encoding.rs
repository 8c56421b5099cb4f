//! The character encoding of a layer's attribute text, and decoding raw bytes with it.
//!
//! Chinese catalogues are often Shapefiles written by desktop GIS on Windows: their `.dbf`
//! holds GBK/GB18030 bytes, declared by a `.cpg` sidecar, by the language-driver byte of the
//! `.dbf` header, or not at all. The rule, first match wins:
//!
//! 1. an encoding declared by the caller ([`ReadOptions::encoding`](crate::ReadOptions));
//! 2. the `.cpg` file beside a Shapefile (`GBK`, `936`, `UTF-8`, `CP936`, `ANSI 936` …);
//! 3. the `.dbf` language driver id (byte 29: `0x4D`/`0x7A` → GBK, `0x4F`/`0x78` → Big5 …);
//! 4. a UTF-8 byte-order mark (CSV saved by Excel as "CSV UTF-8");
//! 5. detection: UTF-8 when every field name and value is valid UTF-8, GB18030 otherwise
//!    (GB18030 is a superset of GBK and GB2312, so it decodes all three).

use std::path::{Path, PathBuf};

use encoding_rs::{Encoding, GB18030, UTF_8};
use serde::Serialize;

/// Why an encoding was chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum EncodingSource {
    /// Given by the caller.
    Declared,
    /// Read from this `.cpg` file.
    Cpg(PathBuf),
    /// The `.dbf` header's language driver id.
    DbfLanguageId(u8),
    /// A UTF-8 byte-order mark at the start of the file.
    ByteOrderMark,
    /// The format stores text as Unicode (XLSX).
    UnicodeFormat,
    /// Nothing declared; every byte sequence was valid UTF-8.
    ValidUtf8,
    /// Nothing declared; some bytes were not UTF-8, so GB18030 was used.
    NotUtf8,
}

/// The encoding used for a layer's attribute text, and why: shown by `inspect`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttributeEncoding {
    encoding: &'static Encoding,
    source: EncodingSource,
}

impl AttributeEncoding {
    pub(crate) fn new(encoding: &'static Encoding, source: EncodingSource) -> Self {
        AttributeEncoding { encoding, source }
    }

    /// The WHATWG name of the encoding (`"UTF-8"`, `"GBK"`, `"gb18030"`, `"Big5"` …).
    pub fn name(&self) -> &'static str {
        self.encoding.name()
    }

    /// Decodes raw attribute bytes (no BOM handling; malformed sequences become U+FFFD).
    pub(crate) fn decode(&self, bytes: &[u8]) -> String {
        self.encoding
            .decode_without_bom_handling(bytes)
            .0
            .into_owned()
    }

    /// Chooses the encoding for a layer from what was declared and the raw text itself.
    ///
    /// `declared` and `sidecar` are steps 1–4 of the module rule, already resolved; `samples`
    /// are every raw field name and value, used only when nothing was declared.
    pub(crate) fn choose<'a>(
        declared: Option<AttributeEncoding>,
        samples: impl IntoIterator<Item = &'a [u8]>,
    ) -> AttributeEncoding {
        if let Some(declared) = declared {
            return declared;
        }
        let all_utf8 = samples
            .into_iter()
            .all(|bytes| std::str::from_utf8(bytes).is_ok());
        if all_utf8 {
            AttributeEncoding::new(UTF_8, EncodingSource::ValidUtf8)
        } else {
            AttributeEncoding::new(GB18030, EncodingSource::NotUtf8)
        }
    }
}

impl std::fmt::Display for AttributeEncoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = self.name();
        match &self.source {
            EncodingSource::Declared => write!(f, "{name} (declared)"),
            EncodingSource::Cpg(path) => write!(f, "{name} (from {})", path.display()),
            EncodingSource::DbfLanguageId(id) => {
                write!(f, "{name} (from the .dbf language driver id 0x{id:02X})")
            }
            EncodingSource::ByteOrderMark => write!(f, "{name} (byte-order mark)"),
            EncodingSource::UnicodeFormat => write!(f, "{name} (the format stores Unicode)"),
            EncodingSource::ValidUtf8 => {
                write!(f, "{name} (nothing declared; all attribute text is valid UTF-8)")
            }
            EncodingSource::NotUtf8 => write!(
                f,
                "{name} (nothing declared; attribute text is not valid UTF-8, read as Chinese GB18030)"
            ),
        }
    }
}

impl Serialize for AttributeEncoding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

/// The encoding named by a label as found in `.cpg` files, GDAL options and code-page numbers.
///
/// Accepts WHATWG labels (`GBK`, `gb18030`, `utf-8`, `Big5`, `windows-1252`, `ISO-8859-1` …),
/// Windows code-page numbers alone or prefixed (`936`, `CP936`, `ANSI 936`, `Windows-936`,
/// `54936`, `65001`) and GDAL's `UTF8`. `None` for anything encoding_rs cannot decode.
pub(crate) fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    let trimmed = label.trim();
    if let Some(encoding) = Encoding::for_label(trimmed.as_bytes()) {
        return Some(encoding);
    }
    let upper = trimmed.to_ascii_uppercase();
    let number = ["ANSI ", "CP", "WINDOWS-", "MS"]
        .iter()
        .find_map(|prefix| upper.strip_prefix(prefix))
        .unwrap_or(&upper)
        .trim();
    match number.parse::<u32>().ok()? {
        936 => Some(encoding_rs::GBK),
        54936 => Some(GB18030),
        65001 => Some(UTF_8),
        950 => Some(encoding_rs::BIG5),
        932 => Some(encoding_rs::SHIFT_JIS),
        949 => Some(encoding_rs::EUC_KR),
        page @ 874 | page @ 1250..=1258 => {
            Encoding::for_label(format!("windows-{page}").as_bytes())
        }
        _ => None,
    }
}

/// The encoding a `.dbf` language driver id stands for, for the ids that carry an encoding
/// encoding_rs can decode; `None` for 0 (not set) and the DOS code pages.
pub(crate) fn encoding_for_ldid(id: u8) -> Option<&'static Encoding> {
    match id {
        0x4D | 0x7A => Some(encoding_rs::GBK),
        0x4F | 0x78 => Some(encoding_rs::BIG5),
        0x4E | 0x79 => Some(encoding_rs::EUC_KR),
        0x13 | 0x7B => Some(encoding_rs::SHIFT_JIS),
        0x03 | 0x57 => Some(encoding_rs::WINDOWS_1252),
        _ => None,
    }
}

/// The encoding declared beside a Shapefile: its `.cpg`, else the `.dbf` language driver id.
///
/// `Err` holds a one-line reason when the `.cpg` names an encoding that cannot be decoded.
pub(crate) fn shapefile_declared(path: &Path) -> Result<Option<AttributeEncoding>, String> {
    let cpg = path.with_extension("cpg");
    if let Ok(label) = std::fs::read_to_string(&cpg) {
        return match encoding_for_label(&label) {
            Some(encoding) => Ok(Some(AttributeEncoding::new(
                encoding,
                EncodingSource::Cpg(cpg),
            ))),
            None => Err(format!(
                "{}: unknown encoding '{}' (declare the encoding explicitly)",
                cpg.display(),
                label.trim()
            )),
        };
    }
    let dbf = path.with_extension("dbf");
    let header = std::fs::read(&dbf).ok();
    let id = header.as_deref().and_then(|h| h.get(29)).copied();
    Ok(id.and_then(|id| {
        encoding_for_ldid(id)
            .map(|encoding| AttributeEncoding::new(encoding, EncodingSource::DbfLanguageId(id)))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_code_pages() {
        let name = |l: &str| encoding_for_label(l).map(|e| e.name());
        assert_eq!(name("GBK"), Some("GBK"));
        assert_eq!(name("936"), Some("GBK"));
        assert_eq!(name("CP936"), Some("GBK"));
        assert_eq!(name("ANSI 936\n"), Some("GBK"));
        assert_eq!(name("GB18030"), Some("gb18030"));
        assert_eq!(name("UTF-8"), Some("UTF-8"));
        assert_eq!(name("UTF8"), Some("UTF-8"));
        assert_eq!(name("65001"), Some("UTF-8"));
        assert_eq!(name("1252"), Some("windows-1252"));
        assert_eq!(name("klingon"), None);
        assert_eq!(name("437"), None);
    }

    #[test]
    fn detection_falls_back_to_gb18030() {
        // "招远" in GBK.
        let gbk: &[u8] = &[0xD5, 0xD0, 0xD4, 0xB6];
        let chosen = AttributeEncoding::choose(None, [b"id".as_slice(), gbk]);
        assert_eq!(chosen.name(), "gb18030");
        assert_eq!(chosen.decode(gbk), "招远");
        let utf8 = AttributeEncoding::choose(None, ["招远".as_bytes()]);
        assert_eq!(utf8.name(), "UTF-8");
        assert!(utf8.to_string().contains("valid UTF-8"));
    }

    #[test]
    fn declared_wins_over_detection() {
        let declared = AttributeEncoding::new(encoding_rs::BIG5, EncodingSource::Declared);
        let chosen = AttributeEncoding::choose(Some(declared.clone()), [[0xFFu8].as_slice()]);
        assert_eq!(chosen, declared);
    }
}
