//! Explicit band → role mapping as given on the command line (`--bands`).

use std::fmt;
use std::str::FromStr;

use goldsweep_detect::{BandRole, BandSet};

use crate::error::RasterError;
use crate::sensor::QaKind;

/// An explicit band map: `(role, 1-based band)` pairs and an optional quality band.
///
/// Text form: `blue=1,green=2,red=3,nir=4,swir1=5,swir2=6[,scl=7|qa_pixel=7]`.
/// For a single-file scene the numbers are band indices in the file; for a folder of per-band
/// files they are the band numbers in the file names (`red=4` → `*_B4.TIF` or `*_B04.tif`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BandMapping(pub Vec<(BandRole, usize)>, pub Option<(QaKind, usize)>);

impl BandMapping {
    /// The role bands, sorted in canonical role order.
    pub fn roles(&self) -> Vec<(BandRole, usize)> {
        let mut v = self.0.clone();
        v.sort_by_key(|(r, _)| *r);
        v
    }

    /// The quality band, if any.
    pub fn qa(&self) -> Option<(QaKind, usize)> {
        self.1
    }

    /// Highest band index the mapping refers to.
    pub fn max_band(&self) -> usize {
        self.0
            .iter()
            .map(|(_, b)| *b)
            .chain(self.1.map(|(_, b)| b))
            .max()
            .unwrap_or(0)
    }
}

impl FromStr for BandMapping {
    type Err = RasterError;

    /// Parses the text form; roles must be unique, indices ≥ 1, and blue, green, red, nir present.
    fn from_str(text: &str) -> Result<BandMapping, RasterError> {
        let fail = |reason: String| RasterError::InvalidBandMapping {
            text: text.to_string(),
            reason,
        };
        let mut roles: Vec<(BandRole, usize)> = Vec::new();
        let mut qa: Option<(QaKind, usize)> = None;
        for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (name, index) = item
                .split_once('=')
                .ok_or_else(|| fail(format!("\"{item}\" is not name=band")))?;
            let index: usize = index
                .trim()
                .parse()
                .ok()
                .filter(|i| *i >= 1)
                .ok_or_else(|| fail(format!("\"{item}\": band must be a number ≥ 1")))?;
            if let Some(role) = BandRole::from_name(name) {
                if roles.iter().any(|(r, _)| *r == role) {
                    return Err(fail(format!("{} given twice", role.name())));
                }
                roles.push((role, index));
            } else if let Some(kind) = QaKind::from_name(name) {
                if qa.is_some() {
                    return Err(fail("more than one quality band".into()));
                }
                qa = Some((kind, index));
            } else {
                return Err(fail(format!(
                    "unknown name \"{}\" (expected blue, green, red, nir, swir1, swir2, scl or qa_pixel)",
                    name.trim()
                )));
            }
        }
        if BandSet::new(roles.iter().map(|(r, _)| *r)).is_none() {
            return Err(fail("blue, green, red and nir are all required".into()));
        }
        Ok(BandMapping(roles, qa))
    }
}

impl fmt::Display for BandMapping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = self
            .roles()
            .iter()
            .map(|(r, b)| format!("{}={b}", r.name()))
            .collect();
        if let Some((k, b)) = self.1 {
            parts.push(format!("{}={b}", k.name()));
        }
        f.write_str(&parts.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_full_mapping() {
        let m: BandMapping = "blue=1, green=2,red=3,nir=4,swir1=5,swir2=6,scl=7"
            .parse()
            .expect("valid mapping");
        assert_eq!(m.roles().len(), 6);
        assert_eq!(m.qa(), Some((QaKind::Scl, 7)));
        assert_eq!(m.max_band(), 7);
        assert_eq!(
            m.to_string(),
            "blue=1,green=2,red=3,nir=4,swir1=5,swir2=6,scl=7"
        );
    }

    #[test]
    fn rejects_bad_text() {
        for bad in [
            "blue=1,green=2,red=3",
            "blue=1,green=2,red=3,nir=0",
            "blue=1,green=2,red=3,nir=x",
            "blue=1,green=2,red=3,nir=4,blue=5",
            "blue=1,green=2,red=3,nir=4,thermal=6",
            "blue=1,green=2,red=3,nir=4,scl=5,qa_pixel=6",
            "blue1",
        ] {
            let err = bad.parse::<BandMapping>().expect_err(bad);
            assert!(err.to_string().contains("--bands"), "{err}");
        }
    }
}
