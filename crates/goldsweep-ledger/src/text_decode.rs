//! Decoding text files that come back from the field: UTF-8 with or without a byte-order mark,
//! or GB18030 (a superset of GBK), which Excel on a Chinese Windows writes for "CSV (逗号分隔)".

use std::borrow::Cow;

/// Which encoding [`decode_text`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf8Bom,
    Gb18030,
}

/// Decodes `bytes`: a UTF-8 BOM wins; otherwise valid UTF-8 is UTF-8; anything else is read as
/// GB18030. Returns `None` when the bytes are not valid GB18030 either (a binary file).
///
/// ```
/// use goldsweep_ledger::text_decode::{decode_text, TextEncoding};
/// let (text, enc) = decode_text(b"\xEF\xBB\xBFid,verdict").unwrap();
/// assert_eq!((text.as_ref(), enc), ("id,verdict", TextEncoding::Utf8Bom));
/// // "误报" (false alarm) in GBK
/// let (text, enc) = decode_text(b"\xCE\xF3\xB1\xA8").unwrap();
/// assert_eq!((text.as_ref(), enc), ("误报", TextEncoding::Gb18030));
/// ```
pub fn decode_text(bytes: &[u8]) -> Option<(Cow<'_, str>, TextEncoding)> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .ok()
            .map(|s| (Cow::Borrowed(s), TextEncoding::Utf8Bom));
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Some((Cow::Borrowed(s), TextEncoding::Utf8));
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    (!had_errors).then_some((text, TextEncoding::Gb18030))
}
