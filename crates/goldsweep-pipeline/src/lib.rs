//! The goldsweep pipeline: from an aligned scene pair and a mine catalogue to ranked,
//! explained candidates on disk.
//!
//! ```text
//! ScenePair ──► cloud_screen (whether clouds are screened spectrally)
//!           ──► fit_pass (stratified sample: normalisation + threshold)
//!           ──► detect_pass (tiles in parallel: focus mask → evidence → clean-up → fragments;
//!               the focus mask, from the catalogue's closed mines and illegal sites, lowers
//!               the change threshold there, adds the line evidence of faint tracks and
//!               splits thin strips into objects of their own — see [`focus`])
//!           ──► seam_stitch (union-find across tile seams → objects)
//!           ──► candidates (shadow shifts dropped, MMU — smaller at closed mines and illegal
//!               sites —, class — a wide stretch of a track strung back onto it, see
//!               [`track_beads`] —, outline, catalogue relation, score, rank, id)
//!           ──► outputs (candidates.geojson, objects.geojson, change.tif, run.json)
//! ```
//!
//! Results do not depend on the tile size or the thread count: tiles are read with a halo wide
//! enough for the neighbourhood operations, objects are stitched exactly, object features are
//! integer sums, and every collection is ordered by scene position before it is used.

pub mod candidates;
pub mod cloud_screen;
pub mod detect_pass;
pub mod error;
pub mod fit_pass;
pub mod focus;
pub mod footprint;
pub mod outputs;
pub mod score;
pub mod seam_stitch;
pub mod site_context;
#[cfg(test)]
mod test_objects;
pub mod tile_plan;
pub mod time_series;
pub mod track_beads;
pub mod track_pieces;
pub mod winding;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use goldsweep_catalogue::{AreaFields, AreaLayer, Catalogue, CrsTransform, FieldMap, ReadOptions};
use goldsweep_detect::classify::{is_shadow_shift, ClassParams};
use goldsweep_detect::evidence::EvidenceParams;
use goldsweep_detect::morphology::strips_fit;
use goldsweep_detect::normalise::{FitParams, SceneFit};
use goldsweep_raster::{Scene, SceneOptions, ScenePair};
use serde_json::json;

pub use candidates::{Candidate, M2_PER_MU};
pub use error::SweepError;
pub use outputs::Staging;

/// Receives the progress of the detect pass (the long one). Called from worker threads.
pub trait Progress: Send + Sync {
    /// The pass starts: `tiles` tiles covering `pixels` pixels.
    fn start(&self, _tiles: usize, _pixels: u64) {}
    /// One tile of `pixels` pixels is done.
    fn tile_done(&self, _pixels: u64) {}
    /// The pass is over.
    fn finish(&self) {}
}

/// A shared [`Progress`] receiver in [`SweepSettings`].
#[derive(Clone)]
pub struct ProgressHook(pub Arc<dyn Progress>);

impl std::fmt::Debug for ProgressHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressHook")
    }
}

/// A date of a time series besides before and after: its scene, and its own mask if any. It
/// is read with the after scene's band options.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtraDate {
    pub scene: PathBuf,
    pub mask: Option<PathBuf>,
}

impl ExtraDate {
    /// A date without a mask file.
    pub fn unmasked(scene: PathBuf) -> ExtraDate {
        ExtraDate { scene, mask: None }
    }
}

/// Everything a sweep needs, resolved.
#[derive(Debug, Clone)]
pub struct SweepSettings {
    pub before: PathBuf,
    pub after: PathBuf,
    /// Dates between before and after, oldest first: a time series (see [`time_series`]).
    pub intermediate: Vec<ExtraDate>,
    /// Dates older than before, oldest first, for re-activation (see [`time_series`]).
    pub history: Vec<ExtraDate>,
    pub before_options: SceneOptions,
    pub after_options: SceneOptions,
    pub catalogue: Option<PathBuf>,
    pub fields: FieldMap,
    /// CRS, Gauss–Krüger zone and text encoding for catalogue and area layers that need them.
    pub catalogue_options: ReadOptions,
    /// Protected areas: change inside one is flagged and scores higher.
    pub protected_areas: Option<PathBuf>,
    /// County boundaries: each candidate carries its county and province for dispatch.
    pub counties: Option<PathBuf>,
    pub out_dir: PathBuf,
    /// Tile side in pixels.
    pub tile_size: usize,
    /// Worker threads; 0 = one per core.
    pub threads: usize,
    /// Distance within which a mine counts as near, m.
    pub near_m: f64,
    /// Smallest object kept, m², unless it lies in a focus zone or is new water.
    pub min_area_m2: f64,
    /// Smallest object kept in a focus zone (at or near a closed mine or an illegal site), m².
    pub focus_min_area_m2: f64,
    /// Smallest object kept, pixels (new water at a closed mine or an illegal site needs only
    /// [`candidates::POND_MIN_PIXELS`]).
    pub min_pixels: u64,
    pub fit: FitParams,
    /// Evidence thresholds and whether the cloud screen is wanted (it runs only on pairs of
    /// reflectance, see [`cloud_screen`]).
    pub evidence: EvidenceParams,
    pub classes: ClassParams,
    pub context: site_context::ContextParams,
    /// Where to report progress, if anywhere.
    pub progress: Option<ProgressHook>,
}

impl SweepSettings {
    /// Settings with the defaults for everything but the inputs and the output folder.
    pub fn new(before: PathBuf, after: PathBuf, out_dir: PathBuf) -> SweepSettings {
        SweepSettings {
            before,
            after,
            intermediate: Vec::new(),
            history: Vec::new(),
            before_options: SceneOptions::default(),
            after_options: SceneOptions::default(),
            catalogue: None,
            fields: FieldMap::default(),
            catalogue_options: ReadOptions::default(),
            protected_areas: None,
            counties: None,
            out_dir,
            tile_size: 512,
            threads: 0,
            near_m: 300.0,
            min_area_m2: 1000.0,
            focus_min_area_m2: 200.0,
            min_pixels: 3,
            fit: FitParams::default(),
            evidence: EvidenceParams::default(),
            classes: ClassParams::default(),
            context: site_context::ContextParams::default(),
            progress: None,
        }
    }
}

/// What a finished sweep reports back.
#[derive(Debug, Clone)]
pub struct SweepReport {
    pub candidates: Vec<Candidate>,
    pub fit: SceneFit,
    /// The aligned scenes (paths and grids; cheap to clone, opens readers on demand).
    pub pair: ScenePair,
    pub catalogue: Arc<Catalogue>,
    /// Final paths of the outputs (written once the staging is committed).
    pub outputs: Vec<PathBuf>,
    pub manifest: serde_json::Value,
}

/// Runs a whole sweep and writes its outputs into `settings.out_dir`.
pub fn sweep(settings: &SweepSettings) -> Result<SweepReport, SweepError> {
    let (mut report, staging) = sweep_staged(settings)?;
    report.outputs = staging.commit()?;
    Ok(report)
}

/// Runs a whole sweep and stages its outputs without committing them, so that a caller can add
/// further files (field ledgers, chips) that appear together with the rest, or not at all.
pub fn sweep_staged(settings: &SweepSettings) -> Result<(SweepReport, Staging), SweepError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.threads)
        .build()
        .map_err(|e| SweepError::Internal(format!("cannot start worker threads: {e}")))?;
    pool.install(|| run(settings))
}

fn run(settings: &SweepSettings) -> Result<(SweepReport, Staging), SweepError> {
    let t0 = Instant::now();
    let before = Scene::open(&settings.before, &settings.before_options)?;
    let after = Scene::open(&settings.after, &settings.after_options)?;
    let pair = ScenePair::new(before.clone(), after.clone())?;
    let open_all = |dates: &[ExtraDate]| {
        dates
            .iter()
            .map(|d| {
                let options = SceneOptions {
                    mask: d.mask.clone(),
                    ..settings.after_options.clone()
                };
                Scene::open(&d.scene, &options)
            })
            .collect::<Result<Vec<_>, _>>()
    };
    let intermediate = open_all(&settings.intermediate)?;
    let history = open_all(&settings.history)?;
    let grid = pair.grid().clone();
    let work_crs = candidates::work_crs(&grid)?;
    let catalogue = match &settings.catalogue {
        Some(path) => Catalogue::read_with_options(
            path,
            &work_crs,
            &settings.fields,
            &settings.catalogue_options,
        )?,
        None => Catalogue::empty(),
    };
    let read_areas = |path: &Option<PathBuf>, fields: AreaFields| {
        path.as_ref()
            .map(|p| {
                AreaLayer::read_with_options(p, &work_crs, &fields, &settings.catalogue_options)
            })
            .transpose()
    };
    let areas = candidates::AreaContext {
        protected: read_areas(&settings.protected_areas, AreaFields::protected_areas())?,
        counties: read_areas(&settings.counties, AreaFields::counties())?,
    };
    let t_open = t0.elapsed();

    let (mut evidence, screen_use) = cloud_screen::evidence_for(&pair, &settings.evidence);
    // Strips three or four pixels wide are split from what they run out of only where they
    // can be tracks (see `EvidenceParams::strip_split`).
    let centre = (grid.width as f64 / 2.0, grid.height as f64 / 2.0);
    let (_, side_m) = candidates::pixel_metrics(
        &grid,
        &CrsTransform::new(&grid.crs_wkt, &work_crs)?,
        centre.0,
        centre.1,
    )?;
    evidence.strip_split &= strips_fit(side_m, settings.classes.track_max_width_m);
    // The other dates of a series are on the same grid; each screens clouds by its own data.
    let series_evidence = EvidenceParams {
        strip_split: evidence.strip_split,
        ..settings.evidence
    };
    let fit = fit_pass::fit_scene(&pair, &settings.fit, evidence.cloud_screen)?;
    let t_fit = t0.elapsed();

    let plan = detect_pass::plan(&pair, settings.tile_size);
    let progress = settings.progress.as_ref().map(|p| p.0.as_ref());
    let focus = focus::FocusZones::new(&catalogue, settings.near_m);
    let tiles = detect_pass::detect_all(&pair, &plan, &fit, &evidence, &focus, progress)?;
    let valid: u64 = tiles.iter().map(|t| t.valid_pixels).sum();
    if valid == 0 {
        return Err(SweepError::NoValidPixels {
            before: settings.before.clone(),
            after: settings.after.clone(),
            found: 0,
        });
    }
    let t_detect = t0.elapsed();

    let stitched = seam_stitch::stitch(&plan, &tiles);
    let object_settings = candidates::ObjectSettings {
        min_area_m2: settings.min_area_m2,
        focus_min_area_m2: settings.focus_min_area_m2,
        min_pixels: settings.min_pixels,
        near_m: settings.near_m,
        classes: ClassParams {
            swir: pair.bands().has_swir(),
            ..settings.classes
        },
        context: settings.context,
    };
    let (cands, class_of) = candidates::build_candidates(
        &grid,
        &work_crs,
        &tiles,
        &stitched,
        &catalogue,
        &areas,
        &fit,
        &object_settings,
        (!intermediate.is_empty() || !history.is_empty()).then_some(candidates::SeriesInputs {
            history: &history,
            before: &before,
            intermediate: &intermediate,
            after: &after,
            fit_params: &settings.fit,
            evidence: &series_evidence,
            focus: &focus,
            tile_size: settings.tile_size,
        }),
    )?;
    let t_objects = t0.elapsed();

    let mut staging = outputs::Staging::new(&settings.out_dir)?;
    staging.write_text(outputs::CANDIDATES, &outputs::candidates_geojson(&cands))?;
    staging.write_text(outputs::OBJECTS, &outputs::objects_geojson(&cands))?;
    outputs::write_change_raster(&mut staging, &grid, &tiles, &stitched, &class_of)?;
    let t_write = t0.elapsed();

    let mut per_class = serde_json::Map::new();
    for c in &cands {
        let e = per_class.entry(c.class.name()).or_insert(json!(0));
        *e = json!(e.as_u64().unwrap_or(0) + 1);
    }
    let manifest = json!({
        "goldsweep": env!("CARGO_PKG_VERSION"),
        "gdal": gdal::version::version_info("RELEASE_NAME"),
        "proj": goldsweep_catalogue::proj_version(),
        "inputs": {
            "before": before.describe(),
            "after": after.describe(),
            "intermediate": intermediate.iter().map(|s| s.describe()).collect::<Vec<_>>(),
            "history": history.iter().map(|s| s.describe()).collect::<Vec<_>>(),
            "catalogue": catalogue.describe(),
            "protected_areas": areas.protected.as_ref().map(|a| a.describe()),
            "counties": areas.counties.as_ref().map(|a| a.describe()),
        },
        "grid": {
            "width": grid.width,
            "height": grid.height,
            "geo_transform": grid.geo_transform,
            "crs_wkt": grid.crs_wkt,
            "work_crs": if work_crs == grid.crs_wkt { "scene CRS".to_string() } else { work_crs.clone() },
            "bands": pair.bands().roles().iter().map(|r| r.name()).collect::<Vec<_>>(),
            "swir": pair.bands().has_swir(),
        },
        "parameters": {
            "tile_size": plan.tile_size,
            "halo": plan.halo,
            "threads": rayon::current_num_threads(),
            "near_m": settings.near_m,
            "min_area_m2": settings.min_area_m2,
            "focus_min_area_m2": settings.focus_min_area_m2,
            "min_pixels": settings.min_pixels,
            "fit": settings.fit,
            "evidence": evidence,
            "cloud_screen": {
                "enabled": screen_use.enabled,
                "reason": screen_use.reason,
                "screened_sample_pixels": fit.cloud_screened_pixels,
            },
            "classes": object_settings.classes,
            "context": settings.context,
        },
        "fit": fit,
        "results": {
            "tiles": plan.len(),
            "valid_pixels": valid,
            "objects_before_mmu": stitched.objects.len(),
            "shadow_shift_objects": stitched.objects.iter().filter(|o| is_shadow_shift(o, &settings.classes)).count(),
            "candidates": cands.len(),
            "per_class": per_class,
        },
        "timings_s": {
            "open": t_open.as_secs_f64(),
            "fit": (t_fit - t_open).as_secs_f64(),
            "detect": (t_detect - t_fit).as_secs_f64(),
            "objects": (t_objects - t_detect).as_secs_f64(),
            "write": (t_write - t_objects).as_secs_f64(),
        },
    });
    let mut text = serde_json::to_string_pretty(&manifest).unwrap_or_default();
    text.push('\n');
    staging.write_text(outputs::MANIFEST, &text)?;
    let report = SweepReport {
        candidates: cands,
        fit,
        pair,
        catalogue: Arc::new(catalogue),
        outputs: Vec::new(),
        manifest,
    };
    Ok((report, staging))
}
