//! Single-file scenes: which band of the file plays which role.
//!
//! Order of precedence: explicit `--bands`; band descriptions that name bands (`B02_blue`,
//! `B8A`, `nir`); the sensor profile's band order for the file's band count.

use std::path::Path;

use goldsweep_detect::{BandRole, BandSet};

use crate::band_mapping::BandMapping;
use crate::error::RasterError;
use crate::sensor::{BandCode, QaKind, Sensor};

/// Bands of one file assigned to roles.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct FileRoles {
    pub sensor: Sensor,
    /// How the roles were decided, for the manifest.
    pub method: &'static str,
    /// `(role, 1-based band)` in canonical role order.
    pub roles: Vec<(BandRole, usize)>,
    pub qa: Option<(QaKind, usize)>,
}

/// Assigns the bands of a file with the given band `descriptions` (one per band) to roles.
pub(crate) fn file_roles(
    path: &Path,
    descriptions: &[String],
    sensor: Sensor,
    mapping: Option<&BandMapping>,
) -> Result<FileRoles, RasterError> {
    let count = descriptions.len();
    if let Some(m) = mapping {
        if m.max_band() > count {
            return Err(RasterError::BandCount {
                path: path.into(),
                found: count,
                needed: m.max_band(),
            });
        }
        return Ok(FileRoles {
            sensor: if sensor == Sensor::Auto {
                Sensor::Generic
            } else {
                sensor
            },
            method: "explicit band mapping",
            roles: m.roles(),
            qa: m.qa(),
        });
    }
    if let Some(found) = from_descriptions(descriptions, sensor) {
        return Ok(found);
    }
    let by_count = |sensor: Sensor, roles: Vec<usize>| FileRoles {
        sensor,
        method: "band count",
        roles: BandRole::ALL.into_iter().zip(roles).collect(),
        qa: None,
    };
    let too_few = |needed: usize| RasterError::BandCount {
        path: path.into(),
        found: count,
        needed,
    };
    match sensor {
        Sensor::Auto => match count {
            0..=3 => Err(too_few(4)),
            4 => Ok(by_count(Sensor::FourBand, vec![1, 2, 3, 4])),
            6 => Ok(by_count(Sensor::LandsatTm, vec![1, 2, 3, 4, 5, 6])),
            n => Err(RasterError::SensorUndetermined {
                path: path.into(),
                reason: format!("{n} bands whose descriptions do not name them"),
            }),
        },
        Sensor::Sentinel2 => match count {
            13 => Ok(by_count(sensor, vec![2, 3, 4, 8, 12, 13])),
            12 => Ok(by_count(sensor, vec![2, 3, 4, 8, 11, 12])),
            10 => Ok(by_count(sensor, vec![1, 2, 3, 7, 9, 10])),
            4 => Ok(by_count(sensor, vec![1, 2, 3, 4])),
            n => Err(RasterError::SensorUndetermined {
                path: path.into(),
                reason: format!(
                    "{n} Sentinel-2 bands without band descriptions (known stacks: 13 L1C, 12 L2A, 10 at 10/20 m, 4 at 10 m)"
                ),
            }),
        },
        Sensor::LandsatTm => match count {
            0..=5 => Err(too_few(6)),
            6 => Ok(by_count(sensor, vec![1, 2, 3, 4, 5, 6])),
            _ => Ok(by_count(sensor, vec![1, 2, 3, 4, 5, 7])),
        },
        Sensor::LandsatOli => match count {
            0..=5 => Err(too_few(6)),
            6 => Ok(by_count(sensor, vec![1, 2, 3, 4, 5, 6])),
            _ => Ok(by_count(sensor, vec![2, 3, 4, 5, 6, 7])),
        },
        Sensor::FourBand => match count {
            0..=3 => Err(too_few(4)),
            _ => Ok(by_count(sensor, vec![1, 2, 3, 4])),
        },
        Sensor::Generic => Err(RasterError::SensorUndetermined {
            path: path.into(),
            reason: "band descriptions do not name blue, green, red and nir".into(),
        }),
    }
}

/// Roles from band descriptions, if they name at least blue, green, red and NIR.
///
/// A description names a role by a colour word token (`blue`, `green`, `red`, `nir`, `swir1`,
/// `swir2`; not in red-edge descriptions) or by a band code (`B2`, `B02`, `B8A`). Band codes are
/// read with the given sensor's numbering, or, in auto mode, as Sentinel-2 codes when the file
/// uses the Sentinel-2 conventions (`B8A` present or zero-padded codes); otherwise codes are
/// ambiguous (Landsat TM and OLI number bands differently) and only colour words count.
/// A band with a code is assigned by its code. The first band claiming a role wins.
pub(crate) fn from_descriptions(descriptions: &[String], sensor: Sensor) -> Option<FileRoles> {
    let tokens: Vec<Vec<String>> = descriptions.iter().map(|d| tokenize(d)).collect();
    let codes: Vec<Option<(BandCode, bool)>> = tokens
        .iter()
        .map(|t| t.iter().find_map(|tok| BandCode::parse_token(tok)))
        .collect();
    let s2_like = codes
        .iter()
        .flatten()
        .any(|(c, padded)| *padded || *c == BandCode::B8A);
    let code_sensor = match sensor {
        Sensor::Auto | Sensor::Generic if s2_like => Some(Sensor::Sentinel2),
        Sensor::Auto | Sensor::Generic => None,
        s => Some(s),
    };
    let code_roles = code_sensor.and_then(|s| s.role_codes());

    let mut roles: Vec<(BandRole, usize)> = Vec::new();
    let mut qa: Option<(QaKind, usize)> = None;
    let mut used_codes = false;
    for (i, toks) in tokens.iter().enumerate() {
        let band = i + 1;
        if qa.is_none() {
            if let Some(kind) = qa_from_tokens(toks) {
                qa = Some((kind, band));
                continue;
            }
        }
        let role = match (code_roles, codes[i]) {
            (Some(table), Some((code, _))) => {
                used_codes = true;
                table.iter().find(|(_, c)| *c == code).map(|(r, _)| *r)
            }
            _ => colour_role(toks),
        };
        if let Some(role) = role {
            if !roles.iter().any(|(r, _)| *r == role) {
                roles.push((role, band));
            }
        }
    }
    BandSet::new(roles.iter().map(|(r, _)| *r))?;
    roles.sort_by_key(|(r, _)| *r);
    let resolved = match code_sensor {
        Some(s) if used_codes => s,
        _ if sensor == Sensor::Auto => Sensor::Generic,
        _ => sensor,
    };
    Some(FileRoles {
        sensor: resolved,
        method: "band descriptions",
        roles,
        qa,
    })
}

fn tokenize(description: &str) -> Vec<String> {
    description
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(|t| t.to_ascii_lowercase())
        .collect()
}

fn colour_role(tokens: &[String]) -> Option<BandRole> {
    if tokens.iter().any(|t| {
        t == "edge" || t == "rededge" || (t.starts_with("re") && t.len() <= 3 && t != "red")
    }) {
        return None;
    }
    tokens.iter().find_map(|t| BandRole::from_name(t))
}

fn qa_from_tokens(tokens: &[String]) -> Option<QaKind> {
    if tokens.iter().any(|t| t == "scl") {
        return Some(QaKind::Scl);
    }
    let qa_pixel = tokens.iter().any(|t| t == "qapixel")
        || tokens.windows(2).any(|w| w[0] == "qa" && w[1] == "pixel");
    qa_pixel.then_some(QaKind::LandsatQaPixel)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn tanzania_style_descriptions() {
        let d = strings(&[
            "B02_blue",
            "B03_green",
            "B04_red",
            "B05_re1",
            "B06_re2",
            "B07_re3",
            "B08_nir",
            "B8A_nir2",
            "B11_swir1",
            "B12_swir2",
        ]);
        let r = from_descriptions(&d, Sensor::Auto).expect("named bands");
        assert_eq!(r.sensor, Sensor::Sentinel2);
        let bands: Vec<usize> = r.roles.iter().map(|(_, b)| *b).collect();
        assert_eq!(bands, vec![1, 2, 3, 7, 9, 10]);
    }

    #[test]
    fn trombetas_style_descriptions() {
        let d = strings(&[
            "B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B8A", "B9", "B11", "B12",
        ]);
        let r = from_descriptions(&d, Sensor::Auto).expect("named bands");
        assert_eq!(r.sensor, Sensor::Sentinel2);
        let bands: Vec<usize> = r.roles.iter().map(|(_, b)| *b).collect();
        assert_eq!(bands, vec![2, 3, 4, 8, 11, 12]);
    }

    #[test]
    fn ambiguous_codes_fall_back_to_count() {
        let d = strings(&["B1", "B2", "B3", "B4", "B5", "B7"]);
        assert_eq!(from_descriptions(&d, Sensor::Auto), None);
        let r = file_roles(Path::new("x.tif"), &d, Sensor::Auto, None).expect("6-band stack");
        assert_eq!(r.sensor, Sensor::LandsatTm);
        assert_eq!(r.method, "band count");
        let r = file_roles(Path::new("x.tif"), &d, Sensor::LandsatTm, None).expect("TM codes");
        assert_eq!(r.method, "band descriptions");
        let bands: Vec<usize> = r.roles.iter().map(|(_, b)| *b).collect();
        assert_eq!(bands, vec![1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn colour_words_and_qa() {
        let d = strings(&["Red", "Green", "Blue", "NIR", "Red Edge 1", "SCL"]);
        let r = from_descriptions(&d, Sensor::Auto).expect("colour names");
        assert_eq!(r.sensor, Sensor::Generic);
        assert_eq!(
            r.roles,
            vec![
                (BandRole::Blue, 3),
                (BandRole::Green, 2),
                (BandRole::Red, 1),
                (BandRole::Nir, 4)
            ]
        );
        assert_eq!(r.qa, Some((QaKind::Scl, 6)));
    }

    #[test]
    fn counts() {
        let none = |n: usize| vec![String::new(); n];
        let p = Path::new("x.tif");
        assert_eq!(
            file_roles(p, &none(4), Sensor::Auto, None)
                .map(|r| r.sensor)
                .ok(),
            Some(Sensor::FourBand)
        );
        assert!(matches!(
            file_roles(p, &none(3), Sensor::Auto, None),
            Err(RasterError::BandCount {
                found: 3,
                needed: 4,
                ..
            })
        ));
        assert!(matches!(
            file_roles(p, &none(8), Sensor::Auto, None),
            Err(RasterError::SensorUndetermined { .. })
        ));
        assert!(matches!(
            file_roles(p, &none(5), Sensor::LandsatTm, None),
            Err(RasterError::BandCount {
                found: 5,
                needed: 6,
                ..
            })
        ));
        let m: BandMapping = "blue=1,green=2,red=3,nir=9".parse().expect("mapping");
        assert!(matches!(
            file_roles(p, &none(4), Sensor::Auto, Some(&m)),
            Err(RasterError::BandCount {
                found: 4,
                needed: 9,
                ..
            })
        ));
    }
}
