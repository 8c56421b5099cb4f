//! Whether the spectral cloud screen ([`goldsweep_detect::cloud`]) runs on a scene pair.
//!
//! The screen's thresholds are in reflectance, so it runs only where both scenes hold
//! calibrated reflectance (see `goldsweep_raster`'s radiometry rules); on an 8-bit fraction of
//! full scale it would screen by accident (integers of unknown scale are refused when read).
//! Given masks, nodata and Sentinel-2 SCL / Landsat QA_PIXEL bands still apply: the screen
//! only adds the clouds they miss (a pixel already invalid is neither screened nor a seed).

use goldsweep_detect::evidence::EvidenceParams;
use goldsweep_raster::ScenePair;

/// Whether the screen runs on a pair, and why, as recorded in the run manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreenUse {
    pub enabled: bool,
    pub reason: String,
}

/// The evidence parameters `pair` is swept with: `requested`, with the cloud screen kept only
/// when both scenes are reflectance; and what was decided.
pub fn evidence_for(pair: &ScenePair, requested: &EvidenceParams) -> (EvidenceParams, ScreenUse) {
    let uncalibrated = [("before", pair.before()), ("after", pair.after())]
        .into_iter()
        .find_map(|(date, scene)| scene.uncalibrated_band().map(|b| (date, b)));
    let decision = match (requested.cloud_screen, uncalibrated) {
        (false, _) => ScreenUse {
            enabled: false,
            reason: "off: switched off (--no-cloud-screen)".into(),
        },
        (true, Some((date, (role, source)))) => ScreenUse {
            enabled: false,
            reason: format!(
                "off: the {date} scene's {} band is not calibrated reflectance ({source})",
                role.name()
            ),
        },
        (true, None) => ScreenUse {
            enabled: true,
            reason: "on: both dates are reflectance; masks and QA bands apply as well".into(),
        },
    };
    let evidence = EvidenceParams {
        cloud_screen: decision.enabled,
        ..*requested
    };
    (evidence, decision)
}
