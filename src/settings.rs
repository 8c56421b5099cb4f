//! Arguments → resolved settings, in one place. Everything the user can get wrong here is a
//! bad-input error (exit code 2).

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Result};
use goldsweep_catalogue::{FieldMap, GkZone, MineStatus, ReadOptions};
use goldsweep_ledger::LedgerOptions;
use goldsweep_pipeline::SweepSettings;
use goldsweep_raster::{BandMapping, SceneOptions, Sensor};

use crate::args::{SceneArgs, SensorArg, SweepOptions};
use crate::BadInput;

fn sensor(s: SensorArg) -> Sensor {
    match s {
        SensorArg::Auto => Sensor::Auto,
        SensorArg::Sentinel2 => Sensor::Sentinel2,
        SensorArg::LandsatTm => Sensor::LandsatTm,
        SensorArg::LandsatOli => Sensor::LandsatOli,
        SensorArg::FourBand => Sensor::FourBand,
        SensorArg::Generic => Sensor::Generic,
    }
}

/// How to open a scene: sensor, band map, scale and offset from the arguments, and `mask`.
pub fn scene_options(a: &SceneArgs, mask: Option<PathBuf>) -> Result<SceneOptions> {
    let bands = a
        .bands
        .as_deref()
        .map(|b| b.parse::<BandMapping>())
        .transpose()
        .map_err(|e| anyhow!(BadInput(format!("--bands: {e}"))))?;
    Ok(SceneOptions {
        sensor: sensor(a.sensor),
        bands,
        scale: a.scale,
        offset: a.offset,
        mask,
    })
}

/// Resolves the shared sweep options for a pair of scenes.
pub fn sweep_settings(
    before: &Path,
    after: &Path,
    catalogue: Option<PathBuf>,
    out: &Path,
    o: &SweepOptions,
) -> Result<SweepSettings> {
    let mut s = SweepSettings::new(before.to_path_buf(), after.to_path_buf(), out.to_path_buf());
    s.before_options = scene_options(&o.scene, o.mask_before.clone())?;
    s.after_options = scene_options(&o.scene, o.mask_after.last().cloned())?;
    s.evidence.cloud_screen = !o.no_cloud_screen;
    s.catalogue = catalogue;
    if o.tile < 16 {
        return Err(anyhow!(BadInput(format!(
            "--tile {}: must be at least 16 pixels",
            o.tile
        ))));
    }
    s.tile_size = o.tile;
    s.threads = o.threads;
    if !(o.near.is_finite() && o.near >= 0.0) {
        return Err(anyhow!(BadInput(format!(
            "--near {}: must be a distance in metres ≥ 0",
            o.near
        ))));
    }
    s.near_m = o.near;
    for (flag, area) in [
        ("--min-area", o.min_area),
        ("--focus-min-area", o.focus_min_area),
    ] {
        if !(area.is_finite() && area >= 0.0) {
            return Err(anyhow!(BadInput(format!(
                "{flag} {area}: must be an area in m² ≥ 0"
            ))));
        }
    }
    s.min_area_m2 = o.min_area;
    s.focus_min_area_m2 = o.focus_min_area;
    s.fields = field_map(o)?;
    s.catalogue_options = read_options(o)?;
    s.protected_areas = o.protected_areas.clone();
    s.counties = o.counties.clone();
    Ok(s)
}

/// How catalogue and area layers are read (CRS, Gauss–Krüger zone, encoding).
pub fn read_options(o: &SweepOptions) -> Result<ReadOptions> {
    let gk_zone = o
        .gk_zone
        .as_deref()
        .map(|z| {
            z.parse::<GkZone>()
                .map_err(|e| anyhow!(BadInput(format!("--gk-zone {z:?}: {e}"))))
        })
        .transpose()?;
    Ok(ReadOptions {
        source_crs: o.source_crs.clone(),
        gk_zone,
        encoding: o.encoding.clone(),
    })
}

/// Field-site, ledger and repeat-sweep options.
pub fn ledger_options(o: &SweepOptions) -> Result<LedgerOptions> {
    if !(o.site_distance.is_finite() && o.site_distance >= 0.0) {
        return Err(anyhow!(BadInput(format!(
            "--site-distance {}: must be a distance in metres ≥ 0",
            o.site_distance
        ))));
    }
    Ok(LedgerOptions {
        site_distance_m: o.site_distance,
        chips: o.chips,
        lang: o
            .lang
            .parse()
            .map_err(|e: String| anyhow!(BadInput(format!("--lang {}: {e}", o.lang))))?,
        previous: o.previous.clone(),
        verdicts: o.verdicts.clone(),
        ..LedgerOptions::default()
    })
}

pub fn field_map(o: &SweepOptions) -> Result<FieldMap> {
    let mut f = FieldMap::default();
    if let Some(id) = &o.id_field {
        f.id = vec![id.clone()];
    }
    if let Some(name) = &o.name_field {
        f.name = vec![name.clone()];
    }
    if let Some(status) = &o.status_field {
        f.status = vec![status.clone()];
    }
    for (field, list) in [
        (&o.holder_field, &mut f.holder),
        (&o.sealing_field, &mut f.sealing),
        (&o.responsible_field, &mut f.responsible),
    ] {
        if let Some(name) = field {
            list.insert(0, name.clone());
        }
    }
    if let Some(d) = &o.default_status {
        f.status_default = Some(MineStatus::parse(d).ok_or_else(|| {
            anyhow!(BadInput(format!(
                "--default-status {d:?}: not a status (use one of {})",
                MineStatus::accepted_values().join(", ")
            )))
        })?);
    }
    Ok(f)
}
