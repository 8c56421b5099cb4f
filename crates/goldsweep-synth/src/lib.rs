//! Synthetic scene pairs with planted gold-mining change and known truth.
//!
//! No public labelled imagery shows a closed Chinese gold mine being re-worked, so goldsweep is
//! tested on scenes where the truth is known. [`generate`] writes a Sentinel-2 L2A-like pair
//! (`before.tif`, `after.tif`) over a synthetic Zhaoyuan (Shandong) gold district, the cloud
//! mask of the after scene, a mine catalogue and the truth (polygons and a change raster).
//!
//! Concepts:
//! - **Land cover** ([`terrain`], [`parcels`], [`infrastructure`]): hills of forest, shrub, grass
//!   and rock from fBm fields ([`noise`]); cropland parcels with per-field phenology; roads, a
//!   river, a reservoir, a village. Spectra in [`spectra`].
//! - **Catalogue** ([`mines`]): eight mines — closed kinds, one active, one illegal site.
//! - **Planted change** ([`planted`], [`confusers`]): mining evidence at closed mines and the
//!   illegal site (spoil heaps, leach ponds, access tracks, clearings), legal growth inside the
//!   active mine, and non-mining change more than 1 km from any mine. Vocabulary in [`truth`].
//! - **Nuisances** ([`radiometry`], [`cloud`]): gain/offset, phenology, sensor noise, a cloud with
//!   its shadow over part of the planted change.
//!
//! Determinism: one `ChaCha8Rng` stream drawn in a fixed order plus counter-based noise fields,
//! single-threaded, so a seed gives byte-identical files. Files are written under a temporary
//! name and renamed.

pub mod cloud;
pub mod confusers;
pub mod error;
pub mod footprints;
pub mod grid;
pub mod infrastructure;
pub mod layout;
pub mod mines;
pub mod noise;
pub mod options;
pub mod parcels;
pub mod placement;
pub mod planted;
pub mod polygon_raster;
pub mod radiometry;
pub mod render;
pub mod shapes;
pub mod spectra;
pub mod static_maps;
pub mod terrain;
pub mod truth;
pub mod utm;

mod atomic_file;
mod geojson_out;
mod geotiff_out;
mod line_raster;
mod readme_text;

use std::path::{Path, PathBuf};

pub use error::SynthError;
pub use options::{SynthOptions, SynthSummary, DEFAULT_SIZE, MAX_SIZE, MIN_SIZE};
pub use readme_text::{AFTER_DATE, BEFORE_DATE};
pub use utm::{LonLat, LonLatError};

use crate::atomic_file::write_bytes;
use crate::geotiff_out::{write_geotiff, BandData, TiffSpec};
use crate::grid::PIXEL_M;
use crate::layout::Scene;
use crate::render::render;
use crate::spectra::BAND_NAMES;
use crate::truth::Context;

/// Names of the files [`generate`] writes, in writing order.
pub const OUTPUT_FILES: [&str; 7] = [
    "before.tif",
    "after.tif",
    "after_mask.tif",
    "truth_change.tif",
    "catalogue.geojson",
    "truth.geojson",
    "README.txt",
];

fn date_metadata(date: &str) -> Vec<(&'static str, String)> {
    vec![
        ("ACQUISITION_DATE", date.to_string()),
        (
            "TIFFTAG_DATETIME",
            format!("{} 02:50:00", date.replace('-', ":")),
        ),
        (
            "SENSOR",
            "synthetic Sentinel-2 L2A (goldsweep-synth)".to_string(),
        ),
        ("REFLECTANCE_SCALE", "10000".to_string()),
    ]
}

/// Generates a scene pair with planted change into `out_dir` (created if missing) and returns
/// what was written.
///
/// Files: `before.tif`, `after.tif` (6 × UInt16 reflectance × 10000, bands B02 B03 B04 B08 B11
/// B12, nodata 0), `after_mask.tif` (1 = cloud/shadow), `truth_change.tif` (0/1, 255 masked),
/// `catalogue.geojson`, `truth.geojson`, `README.txt` — all on one 10 m grid, EPSG:32651 west
/// of Zhaoyuan by default or centred on [`SynthOptions::centre`] in its UTM zone.
pub fn generate(out_dir: &Path, opts: &SynthOptions) -> Result<SynthSummary, SynthError> {
    opts.validate(out_dir)?;
    let grid = opts.grid(out_dir)?;
    std::fs::create_dir_all(out_dir).map_err(|source| SynthError::OutputDir {
        path: out_dir.to_path_buf(),
        source,
    })?;
    let scene = Scene::build(opts, grid);
    let rendered = render(&scene);
    let path = |name: &str| out_dir.join(name);
    let mut files: Vec<PathBuf> = Vec::new();

    let bands = |planes: [Vec<u16>; 6]| -> Vec<BandData<u16>> {
        planes
            .into_iter()
            .zip(BAND_NAMES)
            .map(|(data, description)| BandData { data, description })
            .collect()
    };
    let masked = rendered.mask.iter().filter(|&&m| m == 1).count();
    for (name, planes, date) in [
        ("before.tif", rendered.before, BEFORE_DATE),
        ("after.tif", rendered.after, AFTER_DATE),
    ] {
        let meta = date_metadata(date);
        let spec = TiffSpec {
            nodata: Some(0.0),
            metadata: &meta,
        };
        write_geotiff(&path(name), &grid, bands(planes), &spec)?;
        files.push(path(name));
    }
    let mask_meta = [("MASK_VALUES", "0=clear 1=cloud or cloud shadow".to_string())];
    write_geotiff(
        &path("after_mask.tif"),
        &grid,
        vec![BandData {
            data: rendered.mask,
            description: "cloud_shadow_mask",
        }],
        &TiffSpec {
            nodata: None,
            metadata: &mask_meta,
        },
    )?;
    files.push(path("after_mask.tif"));
    let truth_meta = [(
        "TRUTH_VALUES",
        "0=no change 1=planted change 255=masked (cloud/shadow)".to_string(),
    )];
    write_geotiff(
        &path("truth_change.tif"),
        &grid,
        vec![BandData {
            data: rendered.truth,
            description: "truth_change",
        }],
        &TiffSpec {
            nodata: Some(255.0),
            metadata: &truth_meta,
        },
    )?;
    files.push(path("truth_change.tif"));
    geojson_out::write_catalogue(&path("catalogue.geojson"), &scene)?;
    files.push(path("catalogue.geojson"));
    geojson_out::write_truth(&path("truth.geojson"), &scene)?;
    files.push(path("truth.geojson"));
    write_bytes(
        &path("README.txt"),
        readme_text::readme(&scene, masked).as_bytes(),
    )?;
    files.push(path("README.txt"));

    let count =
        |f: &dyn Fn(&truth::PlantedObject) -> bool| scene.objects.iter().filter(|o| f(o)).count();
    Ok(SynthSummary {
        files,
        planted: count(&|o| o.mining),
        confusers: count(&|o| o.context == Context::FarFromMines),
        legal_activity: count(&|o| o.context == Context::ActiveMine),
        truth_objects: scene.objects.len(),
        mines: scene.mines.len(),
        mines_in_scene: scene.mines.iter().filter(|m| m.in_scene).count(),
        masked_pixels: masked,
        seed: opts.seed,
        size: opts.size,
        epsg: grid.epsg,
        origin: [grid.origin_e, grid.origin_n],
        pixel_size_m: PIXEL_M,
    })
}
