//! Folder scenes: one single-band file per band, recognised by the band code in the file name
//! (`…_B04.tif`, `…_B8A.tif`, `…_SR_B4.TIF`, `…_SCL.tif`, `…_QA_PIXEL.TIF`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use goldsweep_detect::BandRole;

use crate::band_mapping::BandMapping;
use crate::error::RasterError;
use crate::sensor::{BandCode, QaKind, Sensor};

/// File extensions taken as rasters inside a scene folder (case-insensitive).
const RASTER_EXTENSIONS: [&str; 6] = ["tif", "tiff", "jp2", "vrt", "img", "kea"];

/// One band file found in a folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BandFile {
    pub path: PathBuf,
    /// Landsat Collection 2 surface reflectance (`_SR_B*`) naming.
    pub surface_reflectance: bool,
}

/// What a scan of a scene folder found.
#[derive(Clone, Debug, Default)]
pub(crate) struct FolderBands {
    pub bands: BTreeMap<BandCode, BandFile>,
    pub scl: Option<PathBuf>,
    pub qa_pixel: Option<PathBuf>,
    /// Some band code was written with a leading zero (`B02`), the Sentinel-2 convention.
    pub zero_padded: bool,
    /// Landsat generation told by the product name prefix (`LC08…` → OLI, `LT05…`/`LE07…` → TM).
    pub landsat: Option<Sensor>,
}

/// The files of a folder scene assigned to roles.
#[derive(Clone, Debug)]
pub(crate) struct FolderRoles {
    pub sensor: Sensor,
    /// How the sensor was decided, for the manifest.
    pub method: &'static str,
    /// `(role, band code, file)` in canonical role order.
    pub roles: Vec<(BandRole, BandCode, BandFile)>,
    pub qa: Option<(QaKind, PathBuf)>,
}

/// Lists `dir` (not recursively) and classifies the raster files by band code.
pub(crate) fn scan_folder(dir: &Path) -> Result<FolderBands, RasterError> {
    let entries = std::fs::read_dir(dir).map_err(|source| RasterError::Io {
        path: dir.into(),
        operation: "listing the folder",
        source,
    })?;
    let mut paths: Vec<PathBuf> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| RasterError::Io {
            path: dir.into(),
            operation: "listing the folder",
            source,
        })?;
        let path = entry.path();
        let is_raster = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| RASTER_EXTENSIONS.iter().any(|r| r.eq_ignore_ascii_case(e)));
        if is_raster && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();

    let mut found = FolderBands::default();
    for path in paths {
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let kind = classify_stem(stem);
        if found.landsat.is_none() {
            found.landsat = landsat_generation(stem);
        }
        match kind {
            StemKind::Band {
                code,
                zero_padded,
                surface_reflectance,
            } => {
                found.zero_padded |= zero_padded;
                if let Some(first) = found.bands.get(&code) {
                    return Err(RasterError::AmbiguousBandFile {
                        path: dir.into(),
                        band: code.to_string(),
                        first: first.path.clone(),
                        second: path,
                    });
                }
                found.bands.insert(
                    code,
                    BandFile {
                        path,
                        surface_reflectance,
                    },
                );
            }
            StemKind::Qa(QaKind::Scl) => set_once(dir, &mut found.scl, path, "SCL")?,
            StemKind::Qa(QaKind::LandsatQaPixel) => {
                set_once(dir, &mut found.qa_pixel, path, "QA_PIXEL")?
            }
            StemKind::Other => {}
        }
    }
    Ok(found)
}

fn set_once(
    dir: &Path,
    slot: &mut Option<PathBuf>,
    path: PathBuf,
    band: &str,
) -> Result<(), RasterError> {
    if let Some(first) = slot {
        return Err(RasterError::AmbiguousBandFile {
            path: dir.into(),
            band: band.into(),
            first: first.clone(),
            second: path,
        });
    }
    *slot = Some(path);
    Ok(())
}

#[derive(Debug, PartialEq, Eq)]
enum StemKind {
    Band {
        code: BandCode,
        zero_padded: bool,
        surface_reflectance: bool,
    },
    Qa(QaKind),
    Other,
}

/// Classifies a file stem by its `_`-separated tokens; the last band token wins.
/// Landsat surface-temperature files (`_ST_B10`) are ignored.
fn classify_stem(stem: &str) -> StemKind {
    let tokens: Vec<&str> = stem.split('_').collect();
    let mut kind = StemKind::Other;
    for (i, token) in tokens.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| tokens[p].to_ascii_uppercase());
        if token.eq_ignore_ascii_case("SCL") {
            kind = StemKind::Qa(QaKind::Scl);
        } else if token.eq_ignore_ascii_case("PIXEL") && prev.as_deref() == Some("QA") {
            kind = StemKind::Qa(QaKind::LandsatQaPixel);
        } else if let Some((code, zero_padded)) = BandCode::parse_token(token) {
            if prev.as_deref() == Some("ST") {
                kind = StemKind::Other;
                continue;
            }
            kind = StemKind::Band {
                code,
                zero_padded,
                surface_reflectance: prev.as_deref() == Some("SR"),
            };
        }
    }
    kind
}

/// Landsat generation from a Collection 1/2 product name prefix.
fn landsat_generation(stem: &str) -> Option<Sensor> {
    let head: String = stem
        .chars()
        .take(4)
        .collect::<String>()
        .to_ascii_uppercase();
    if ["LC08", "LC09", "LO08", "LO09"].contains(&head.as_str()) {
        Some(Sensor::LandsatOli)
    } else if ["LT04", "LT05", "LE07"].contains(&head.as_str()) {
        Some(Sensor::LandsatTm)
    } else {
        None
    }
}

/// Assigns the files of a scanned folder to roles, by explicit mapping or sensor profile.
pub(crate) fn folder_roles(
    dir: &Path,
    found: &FolderBands,
    sensor: Sensor,
    mapping: Option<&BandMapping>,
) -> Result<FolderRoles, RasterError> {
    let (sensor, method) = match (sensor, mapping) {
        (Sensor::Auto, Some(_)) => (Sensor::Generic, "explicit band mapping"),
        (Sensor::Auto, None) => (detect_sensor(dir, found)?, "file names"),
        (s, Some(_)) => (s, "explicit band mapping"),
        (s, None) => (s, "sensor profile"),
    };
    let wanted: Vec<(BandRole, BandCode, bool)> = match mapping {
        Some(m) => m
            .roles()
            .into_iter()
            .map(|(role, n)| {
                let code = u8::try_from(n).map(BandCode::Number);
                // An index above 255 can never match a file name: report it as missing.
                (role, code.unwrap_or(BandCode::Number(0)), true)
            })
            .collect(),
        None => {
            let codes = sensor
                .role_codes()
                .ok_or_else(|| RasterError::SensorUndetermined {
                    path: dir.into(),
                    reason: format!("sensor {sensor} has no band file naming"),
                })?;
            codes
                .iter()
                .map(|(role, code)| {
                    (
                        *role,
                        *code,
                        !matches!(role, BandRole::Swir1 | BandRole::Swir2),
                    )
                })
                .collect()
        }
    };
    let mut roles = Vec::new();
    for (role, code, required) in wanted {
        match found.bands.get(&code) {
            Some(file) => roles.push((role, code, file.clone())),
            None if required => {
                return Err(RasterError::MissingBandFile {
                    path: dir.into(),
                    band: code.to_string(),
                    role: role.name(),
                })
            }
            None => {}
        }
    }
    // SWIR is used only as a pair.
    let swir = roles
        .iter()
        .filter(|(r, _, _)| matches!(r, BandRole::Swir1 | BandRole::Swir2))
        .count();
    if swir == 1 && mapping.is_none() {
        roles.retain(|(r, _, _)| !matches!(r, BandRole::Swir1 | BandRole::Swir2));
    }
    let qa = match mapping.and_then(|m| m.qa()) {
        Some((kind, n)) => {
            let code = u8::try_from(n)
                .map(BandCode::Number)
                .unwrap_or(BandCode::Number(0));
            let file = found
                .bands
                .get(&code)
                .ok_or_else(|| RasterError::MissingBandFile {
                    path: dir.into(),
                    band: code.to_string(),
                    role: kind.name(),
                })?;
            Some((kind, file.path.clone()))
        }
        None => match sensor.qa_kind() {
            Some(QaKind::Scl) => found.scl.clone().map(|p| (QaKind::Scl, p)),
            Some(QaKind::LandsatQaPixel) => {
                found.qa_pixel.clone().map(|p| (QaKind::LandsatQaPixel, p))
            }
            None => None,
        },
    };
    Ok(FolderRoles {
        sensor,
        method,
        roles,
        qa,
    })
}

fn detect_sensor(dir: &Path, found: &FolderBands) -> Result<Sensor, RasterError> {
    if found.bands.is_empty() {
        return Err(RasterError::SensorUndetermined {
            path: dir.into(),
            reason: "no file named by band (…_B04.tif, …_SR_B4.TIF) in the folder".into(),
        });
    }
    if found.scl.is_some() || found.zero_padded || found.bands.contains_key(&BandCode::B8A) {
        return Ok(Sensor::Sentinel2);
    }
    if let Some(s) = found.landsat {
        return Ok(s);
    }
    Err(RasterError::SensorUndetermined {
        path: dir.into(),
        reason: "band files named B1…B7 without a Landsat product prefix (LC08, LT05, LE07…)"
            .into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems() {
        assert_eq!(
            classify_stem("S2A_OPER_MSI_L1C_TL_EPA__20160706T155721_A000849_T30UWU_B8A"),
            StemKind::Band {
                code: BandCode::B8A,
                zero_padded: false,
                surface_reflectance: false
            }
        );
        assert_eq!(
            classify_stem("T30UWU_20200101T000000_B02_10m"),
            StemKind::Band {
                code: BandCode::Number(2),
                zero_padded: true,
                surface_reflectance: false
            }
        );
        assert_eq!(
            classify_stem("LC08_L2SP_044034_20200101_20200113_02_T1_SR_B4"),
            StemKind::Band {
                code: BandCode::Number(4),
                zero_padded: false,
                surface_reflectance: true
            }
        );
        assert_eq!(
            classify_stem("LC08_L2SP_044034_20200101_20200113_02_T1_ST_B10"),
            StemKind::Other
        );
        assert_eq!(
            classify_stem("LC08_L2SP_044034_20200101_20200113_02_T1_QA_PIXEL"),
            StemKind::Qa(QaKind::LandsatQaPixel)
        );
        assert_eq!(
            classify_stem("T30UWU_20200101_SCL_20m"),
            StemKind::Qa(QaKind::Scl)
        );
        assert_eq!(classify_stem("preview"), StemKind::Other);
        assert_eq!(
            landsat_generation("LE07_L2SP_119038_20000317"),
            Some(Sensor::LandsatTm)
        );
        assert_eq!(landsat_generation("S2A_MSI"), None);
    }
}
