//! What the user declares about a catalogue file that the file itself may not say.

use crate::gauss_kruger::GkZone;
use crate::text_encoding::{encoding_for_label, AttributeEncoding, EncodingSource};

/// Declarations for reading a vector layer or a corner-point spreadsheet.
///
/// Everything is optional; what the file states (a CRS in the layer or a `.prj`, a `.cpg`)
/// wins over `source_crs`, while `encoding` wins over what the file states (it is the way to
/// fix a wrong `.cpg`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReadOptions {
    /// CRS of layers that carry none (a CSV of coordinates, a Shapefile without `.prj`, a
    /// corner-point table): `"EPSG:4490"`, WKT or a PROJ string.
    pub source_crs: Option<String>,
    /// Gauss–Krüger zone of coordinates written without the zone prefix (corner points); for
    /// other layers it stands for the zone's CGCS2000 CRS without prefix. Not together with
    /// `source_crs`.
    pub gk_zone: Option<GkZone>,
    /// Encoding of attribute text (`"GBK"`, `"GB18030"`, `"UTF-8"`, `"936"` …), overriding a
    /// `.cpg`, the `.dbf` header and detection. When unset, GDAL's `SHAPE_ENCODING` config
    /// option (or environment variable), if non-empty, is used the same way.
    pub encoding: Option<String>,
}

impl ReadOptions {
    /// Options with just a declared source CRS.
    pub fn with_source_crs(crs: &str) -> Self {
        ReadOptions {
            source_crs: Some(crs.to_string()),
            ..ReadOptions::default()
        }
    }

    /// The CRS declared for vector layers without one: `source_crs`, or the zone's CRS.
    pub(crate) fn declared_layer_crs(&self) -> Result<Option<String>, String> {
        match (&self.source_crs, self.gk_zone) {
            (Some(_), Some(_)) => {
                Err("give either a source CRS or a Gauss-Kruger zone, not both".to_string())
            }
            (Some(crs), None) => Ok(Some(crs.clone())),
            (None, Some(zone)) => Ok(Some(zone.crs_without_prefix())),
            (None, None) => Ok(None),
        }
    }

    /// The declared encoding, if any; `Err` names a label that cannot be decoded.
    pub(crate) fn declared_encoding(&self) -> Result<Option<AttributeEncoding>, String> {
        let label = match &self.encoding {
            Some(label) => Some(label.clone()),
            None => gdal::config::get_config_option("SHAPE_ENCODING", "")
                .ok()
                .filter(|v| !v.trim().is_empty()),
        };
        match label {
            None => Ok(None),
            Some(label) => encoding_for_label(&label)
                .map(|e| Some(AttributeEncoding::new(e, EncodingSource::Declared)))
                .ok_or_else(|| format!("unknown encoding '{}'", label.trim())),
        }
    }
}
