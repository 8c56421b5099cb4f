//! Command-line arguments: plain clap types, no logic.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// goldsweep — find suspected illegal (re-)mining at closed gold mines in multi-date
/// multispectral imagery, and rank the points a field team should visit.
#[derive(Debug, Parser)]
#[command(name = "goldsweep", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Sweep a before/after scene pair against a mine catalogue.
    Sweep(SweepArgs),
    /// Run the sweep on the demo scene shipped in data/demo and print the top candidates.
    Demo(DemoArgs),
    /// Write a synthetic scene pair with planted mining change, a catalogue and the truth.
    Synth(SynthArgs),
    /// Plant known mining change into a real scene pair: writes the same files as synth.
    Plant(PlantArgs),
    /// Score a sweep's output folder against truth.
    Eval(EvalArgs),
    /// Show how a mine catalogue is read: fields recognised, statuses, CRS, encoding.
    Inspect(InspectArgs),
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The catalogue (any vector OGR opens, or a corner-point CSV/XLSX).
    #[arg(long, value_name = "VECTOR")]
    pub catalogue: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub options: SweepOptions,
}

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Before scene: any raster GDAL opens, or a folder of per-band files (Sentinel-2 *_B04.tif, Landsat *_B4.TIF).
    #[arg(long, value_name = "SCENE")]
    pub before: PathBuf,
    /// After scene (resampled onto the before scene's grid when the grids differ). Give it
    /// several times, oldest first, for a time series: change is detected between before and the
    /// last date; the dates in between confirm it and reveal re-activation.
    #[arg(long, value_name = "SCENE", required = true)]
    pub after: Vec<PathBuf>,
    /// A date older than before (give it several times, oldest first): with a before date from
    /// the quiet period after closure, a mine bare in the history, grown over at before and bare
    /// again now is flagged re-activated.
    #[arg(long, value_name = "SCENE")]
    pub history: Vec<PathBuf>,
    /// Mine catalogue: any vector OGR opens (GeoPackage, Shapefile, GeoJSON, CSV with WKT), in any CRS.
    #[arg(long, value_name = "VECTOR")]
    pub catalogue: Option<PathBuf>,
    /// Output folder (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub options: SweepOptions,
}

/// How scenes are read: band roles and reflectance (shared by `sweep`, `demo` and `plant`).
#[derive(Debug, Args, Clone)]
pub struct SceneArgs {
    /// Sensor profile that maps bands to roles and sets the default reflectance scale.
    #[arg(long, value_enum, default_value_t = SensorArg::Auto)]
    pub sensor: SensorArg,
    /// Explicit band roles (1-based), e.g. blue=1,green=2,red=3,nir=4,swir1=5,swir2=6[,scl=7|qa_pixel=7].
    #[arg(long, value_name = "MAP")]
    pub bands: Option<String>,
    /// Multiply digital numbers by F to get reflectance (default: band metadata, else by sensor profile; integers of unknown scale are refused).
    #[arg(long, value_name = "F", allow_negative_numbers = true)]
    pub scale: Option<f64>,
    /// Add F after scaling (default: by sensor profile).
    #[arg(long, value_name = "F", allow_negative_numbers = true)]
    pub offset: Option<f64>,
}

/// Options shared by `sweep` and `demo`.
#[derive(Debug, Args, Clone)]
pub struct SweepOptions {
    #[command(flatten)]
    pub scene: SceneArgs,
    /// Mask for the before scene: any raster, non-zero = cloud/shadow/invalid.
    #[arg(long, value_name = "RASTER")]
    pub mask_before: Option<PathBuf>,
    /// Mask for the after scene: any raster, non-zero = cloud/shadow/invalid. With a time
    /// series, give it once for the last date only, or once per --after in the same order.
    #[arg(long, value_name = "RASTER")]
    pub mask_after: Vec<PathBuf>,
    /// Do not screen clouds spectrally. By default, on reflectance data, thick cloud and its
    /// thin edge in either date are never change, in addition to masks and QA bands.
    #[arg(long)]
    pub no_cloud_screen: bool,
    /// Tile side in pixels (results do not depend on it).
    #[arg(long, value_name = "N", default_value_t = 512)]
    pub tile: usize,
    /// Worker threads (0 = one per core; results do not depend on it).
    #[arg(long, value_name = "N", default_value_t = 0, env = "GOLDSWEEP_THREADS")]
    pub threads: usize,
    /// Distance (m) within which a change counts as near a mine. Within it of a closed mine or
    /// illegal site (the focus zone) change is detected from 0.6× the scene threshold, faint
    /// tracks by their consistent change along a line, tracks are split from the heaps and
    /// clearings they run into (also where the sensor spreads them over 3–4 pixels, on grids of
    /// 11 m or finer), and heaps from the clearings they lie on.
    #[arg(long, value_name = "M", default_value_t = 300.0)]
    pub near: f64,
    /// Smallest change object kept (m²) away from the focus zones: the minimum mapping unit of
    /// the whole scene (new water keeps --focus-min-area everywhere).
    #[arg(long, value_name = "M2", default_value_t = 1000.0)]
    pub min_area: f64,
    /// Smallest change object kept (m²) in the focus zones (within --near of a closed mine or
    /// an illegal site), where a small new heap or pond is worth a visit.
    #[arg(long, value_name = "M2", default_value_t = 200.0)]
    pub focus_min_area: f64,
    /// Catalogue field holding the mine id (default: id, mine_id, 编号, 许可证号).
    #[arg(long, value_name = "FIELD")]
    pub id_field: Option<String>,
    /// Catalogue field holding the mine name (default: name, mine_name, 矿山名称).
    #[arg(long, value_name = "FIELD")]
    pub name_field: Option<String>,
    /// Catalogue field holding the status (default: status, mine_status, 状态, 矿山状态).
    #[arg(long, value_name = "FIELD")]
    pub status_field: Option<String>,
    /// Status given to every mine when the catalogue has no status field
    /// (active, policy_closed, protected_area_exit, closed, illegal_site).
    #[arg(long, value_name = "STATUS")]
    pub default_status: Option<String>,
    /// CRS of catalogue or area layers that carry none (CSV of coordinates, Shapefile without
    /// .prj, corner-point tables without zone prefix), e.g. EPSG:4490 or EPSG:4528.
    #[arg(long, value_name = "CRS")]
    pub source_crs: Option<String>,
    /// Gauss–Krüger zone of corner-point coordinates written without the zone prefix:
    /// 25–45 (3° zones), 13–23 (6° zones), or 3:N / 6:N.
    #[arg(long, value_name = "ZONE")]
    pub gk_zone: Option<String>,
    /// Text encoding of catalogue attributes when the file does not say (GBK, GB18030, UTF-8).
    #[arg(long, value_name = "LABEL")]
    pub encoding: Option<String>,
    /// Catalogue field holding the mining-right holder (default: holder, 采矿权人).
    #[arg(long, value_name = "FIELD")]
    pub holder_field: Option<String>,
    /// Catalogue field holding the sealing state (default: sealing, 封堵情况).
    #[arg(long, value_name = "FIELD")]
    pub sealing_field: Option<String>,
    /// Catalogue field holding the party responsible for sealing (default: responsible, 封堵责任主体).
    #[arg(long, value_name = "FIELD")]
    pub responsible_field: Option<String>,
    /// Protected areas (any vector): change inside one is flagged and scores higher.
    #[arg(long, value_name = "VECTOR")]
    pub protected_areas: Option<PathBuf>,
    /// County boundaries (any vector): each candidate and site carries its county for dispatch.
    #[arg(long, value_name = "VECTOR")]
    pub counties: Option<PathBuf>,
    /// An earlier run folder: sites keep their ids and get a state (new, persisting, grown, gone).
    #[arg(long, value_name = "DIR")]
    pub previous: Option<PathBuf>,
    /// Field verdicts, CSV or GeoJSON (id, verdict, date, note; Chinese headers accepted).
    #[arg(long, value_name = "FILE")]
    pub verdicts: Option<PathBuf>,
    /// Language of ledger.csv and sites.kml: zh or en.
    #[arg(long, value_name = "LANG", default_value = "zh")]
    pub lang: String,
    /// Candidates within this distance (m) of each other form one field site.
    #[arg(long, value_name = "M", default_value_t = 300.0)]
    pub site_distance: f64,
    /// Top sites that get before / after / false-colour PNG chips.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub chips: usize,
    /// Progress bar on stderr: auto = only on a terminal; always = also in logs (a line per tenth); never.
    #[arg(long, value_enum, default_value_t = ProgressArg::Auto)]
    pub progress: ProgressArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProgressArg {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SensorArg {
    Auto,
    Sentinel2,
    LandsatTm,
    LandsatOli,
    FourBand,
    Generic,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Output folder.
    #[arg(long, value_name = "DIR", default_value = "out/demo")]
    pub out: PathBuf,
    /// Folder holding the demo scene (before.tif, after.tif, after_mask.tif, catalogue.geojson).
    #[arg(long, value_name = "DIR", env = "GOLDSWEEP_DEMO_DATA")]
    pub data: Option<PathBuf>,
    /// Candidates printed.
    #[arg(long, value_name = "N", default_value_t = 15)]
    pub top: usize,
    #[command(flatten)]
    pub options: SweepOptions,
}

#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Random seed (same seed → identical files).
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Scene side in pixels (10 m pixels).
    #[arg(long, value_name = "PX", default_value_t = 480)]
    pub size: usize,
    /// Centre the scene on this WGS 84 location (decimal degrees, e.g. `--at=-1.62,6.21`), in
    /// its UTM zone (EPSG:326zz north, 327zz south); default: west of Zhaoyuan, EPSG:32651.
    #[arg(long, value_name = "LON,LAT", allow_hyphen_values = true)]
    pub at: Option<goldsweep_synth::LonLat>,
}

#[derive(Debug, Args)]
pub struct PlantArgs {
    /// Real before scene (read as by sweep: any raster GDAL opens, or a folder of per-band
    /// files); it needs blue, green, red, nir, swir1 and swir2.
    #[arg(long, value_name = "SCENE")]
    pub before: PathBuf,
    /// Real after scene (same options); the planted change is painted into it.
    #[arg(long, value_name = "SCENE")]
    pub after: PathBuf,
    /// Output folder: before.tif, after.tif, after_mask.tif, truth_change.tif,
    /// catalogue.geojson, truth.geojson, README.txt, on a 10 m UTM grid, the largest square
    /// inside both scenes (at most 4096 px, at least 128 px).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Random seed (same inputs and seed → identical files).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Paint the change sharp on the 10 m grid instead of spreading it over each band's
    /// recorded pixel (Sentinel-2's 20 m SWIR, a 20 m product): sharper than the sensor
    /// records it, for comparison with scenes painted that way.
    #[arg(long)]
    pub sharp: bool,
    #[command(flatten)]
    pub scene: SceneArgs,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// A sweep's output folder (holding change.tif, candidates.geojson, objects.geojson).
    #[arg(long, value_name = "DIR")]
    pub run: PathBuf,
    /// Truth objects (truth.geojson from `goldsweep synth`): object-level recall, class accuracy, precision@k, and per mining class what the misread objects were read as.
    #[arg(long, value_name = "GEOJSON")]
    pub truth: Option<PathBuf>,
    /// Pixel truth raster on the change raster's grid.
    #[arg(long, value_name = "RASTER")]
    pub labels: Option<PathBuf>,
    /// How --labels encodes change: oscd (1 = no change, 2 = change) or binary (0 / non-zero).
    #[arg(long, value_enum, default_value_t = ConventionArg::Binary)]
    pub convention: ConventionArg,
    /// Sampled change pixels (255 = changed), e.g. Taizhou change.bmp; needs --unchanged.
    #[arg(long, value_name = "RASTER", requires = "unchanged")]
    pub changed: Option<PathBuf>,
    /// Sampled no-change pixels (255 = unchanged), e.g. Taizhou unchanged.bmp; needs --changed.
    #[arg(long, value_name = "RASTER", requires = "changed")]
    pub unchanged: Option<PathBuf>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConventionArg {
    Oscd,
    Binary,
}
