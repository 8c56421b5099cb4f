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
//!   its shadow whose edge crosses one planted mining object, drawn again (up to 12 times) while
//!   it hides more than a quarter of any other object.
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
pub mod plant;
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
use crate::grid::{SceneGrid, PIXEL_M};
use crate::layout::Scene;
use crate::mines::Mine;
use crate::render::render;
use crate::spectra::BAND_NAMES;
use crate::truth::Context;

/// `SENSOR` metadata of the synthetic scenes.
const SYNTH_SENSOR: &str = "synthetic Sentinel-2 L2A (goldsweep-synth)";

/// Stored values per unit reflectance of the before and after images: written as their band
/// scale (1 / 10000) and as the dataset item `REFLECTANCE_SCALE`.
const REFLECTANCE_SCALE: f64 = 10000.0;

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

/// Dataset metadata of a scene file: acquisition date (when known), sensor, reflectance scale.
fn date_metadata(date: Option<&str>, sensor: &str) -> Vec<(&'static str, String)> {
    let mut meta = Vec::new();
    if let Some(date) = date {
        meta.push(("ACQUISITION_DATE", date.to_string()));
        meta.push((
            "TIFFTAG_DATETIME",
            format!("{} 02:50:00", date.replace('-', ":")),
        ));
    }
    meta.push(("SENSOR", sensor.to_string()));
    meta.push(("REFLECTANCE_SCALE", REFLECTANCE_SCALE.to_string()));
    meta
}

/// Everything written to an output folder, on one grid.
pub(crate) struct OutputSet<'a> {
    /// The grid of every raster.
    pub grid: SceneGrid,
    /// Before scene, six bands of DN (B02 B03 B04 B08 B11 B12, reflectance × 10000, 0 = nodata).
    pub before: [Vec<u16>; 6],
    /// After scene, same bands.
    pub after: [Vec<u16>; 6],
    /// 1 = cloud or shadow in the after scene.
    pub mask: Vec<u8>,
    /// 0 no change, 1 change, 255 masked.
    pub truth: Vec<u8>,
    /// Acquisition dates (YYYY-MM-DD) of before and after, when known.
    pub dates: [Option<&'a str>; 2],
    /// `SENSOR` metadata of before.tif and after.tif.
    pub sensor: [&'a str; 2],
    /// Catalogue.
    pub mines: &'a [Mine],
    /// `county` of every catalogue mine.
    pub county: &'a str,
    /// Truth objects, in truth-id order.
    pub objects: &'a [truth::PlantedObject],
    /// Fraction of each object's truth pixels under the mask.
    pub masked_fraction: Vec<f64>,
    /// Text of README.txt.
    pub readme: String,
}

/// Writes the seven [`OUTPUT_FILES`] into `out_dir` (which must exist), each atomically, and
/// returns their paths in writing order.
pub(crate) fn write_outputs(out_dir: &Path, o: OutputSet<'_>) -> Result<Vec<PathBuf>, SynthError> {
    let path = |name: &str| out_dir.join(name);
    let grid = o.grid;
    let mut files: Vec<PathBuf> = Vec::new();
    let bands = |planes: [Vec<u16>; 6]| -> Vec<BandData<u16>> {
        planes
            .into_iter()
            .zip(BAND_NAMES)
            .map(|(data, description)| BandData { data, description })
            .collect()
    };
    for (name, planes, date, sensor) in [
        ("before.tif", o.before, o.dates[0], o.sensor[0]),
        ("after.tif", o.after, o.dates[1], o.sensor[1]),
    ] {
        let meta = date_metadata(date, sensor);
        let spec = TiffSpec {
            nodata: Some(0.0),
            metadata: &meta,
            scale: Some(1.0 / REFLECTANCE_SCALE),
        };
        write_geotiff(&path(name), &grid, bands(planes), &spec)?;
        files.push(path(name));
    }
    let mask_meta = [("MASK_VALUES", "0=clear 1=cloud or cloud shadow".to_string())];
    write_geotiff(
        &path("after_mask.tif"),
        &grid,
        vec![BandData {
            data: o.mask,
            description: "cloud_shadow_mask",
        }],
        &TiffSpec {
            nodata: None,
            metadata: &mask_meta,
            scale: None,
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
            data: o.truth,
            description: "truth_change",
        }],
        &TiffSpec {
            nodata: Some(255.0),
            metadata: &truth_meta,
            scale: None,
        },
    )?;
    files.push(path("truth_change.tif"));
    geojson_out::write_catalogue(&path("catalogue.geojson"), grid.epsg, o.mines, o.county)?;
    files.push(path("catalogue.geojson"));
    geojson_out::write_truth(
        &path("truth.geojson"),
        grid.epsg,
        o.mines,
        o.objects,
        &o.masked_fraction,
    )?;
    files.push(path("truth.geojson"));
    write_bytes(&path("README.txt"), o.readme.as_bytes())?;
    files.push(path("README.txt"));
    Ok(files)
}

/// Creates `out_dir` if missing.
pub(crate) fn create_out_dir(out_dir: &Path) -> Result<(), SynthError> {
    std::fs::create_dir_all(out_dir).map_err(|source| SynthError::OutputDir {
        path: out_dir.to_path_buf(),
        source,
    })
}

/// The summary of a written folder.
pub(crate) fn summary(
    files: Vec<PathBuf>,
    grid: &SceneGrid,
    seed: u64,
    mines: &[Mine],
    objects: &[truth::PlantedObject],
    masked_pixels: usize,
) -> SynthSummary {
    let count = |f: &dyn Fn(&truth::PlantedObject) -> bool| objects.iter().filter(|o| f(o)).count();
    SynthSummary {
        files,
        planted: count(&|o| o.mining),
        confusers: count(&|o| o.context == Context::FarFromMines),
        legal_activity: count(&|o| o.context == Context::ActiveMine),
        truth_objects: objects.len(),
        mines: mines.len(),
        mines_in_scene: mines.iter().filter(|m| m.in_scene).count(),
        masked_pixels,
        seed,
        size: grid.size,
        epsg: grid.epsg,
        origin: [grid.origin_e, grid.origin_n],
        pixel_size_m: PIXEL_M,
    }
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
    create_out_dir(out_dir)?;
    let scene = Scene::build(opts, grid);
    let rendered = render(&scene);
    let masked = rendered.mask.iter().filter(|&&m| m == 1).count();
    let readme = readme_text::readme(&scene, masked);
    let masked_fraction = scene
        .objects
        .iter()
        .map(|o| scene.masked_fraction(o))
        .collect();
    let files = write_outputs(
        out_dir,
        OutputSet {
            grid,
            before: rendered.before,
            after: rendered.after,
            mask: rendered.mask,
            truth: rendered.truth,
            dates: [Some(BEFORE_DATE), Some(AFTER_DATE)],
            sensor: [SYNTH_SENSOR; 2],
            mines: &scene.mines,
            county: "招远市",
            objects: &scene.objects,
            masked_fraction,
            readme,
        },
    )?;
    Ok(summary(
        files,
        &grid,
        opts.seed,
        &scene.mines,
        &scene.objects,
        masked,
    ))
}
