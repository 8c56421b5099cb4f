//! GDAL raster I/O for goldsweep: scenes, sensor band maps, grids and windows, masks,
//! alignment of two dates, and the change-class raster writer.
//!
//! # Concepts
//!
//! - **[`Scene`]**: one date, opened from anything GDAL reads (GeoTIFF, ENVI, VRT, JP2 …) or from
//!   a folder of single-band files named by band (`*_B04.tif`, `*_B8A.tif`, `*_SR_B4.TIF`, plus
//!   `*_SCL.tif` / `*_QA_PIXEL.TIF`). Bands are mapped once to roles (blue, green, red, NIR,
//!   SWIR1, SWIR2) by an explicit [`BandMapping`], the band descriptions, or a [`Sensor`]
//!   profile, and stacked into one in-memory VRT on the scene's finest grid.
//! - **Reflectance**: `stored * scale + offset`; explicit options win, then band metadata,
//!   then a dataset `REFLECTANCE_SCALE=N` item (÷ N), then sensor defaults (Sentinel-2 integers ÷ 10000, Landsat C2 `SR` files ×2.75e-5 − 0.2),
//!   8-bit data ÷ 255, floats as stored; integers wider than 8 bits with no scale from any of
//!   these are refused ([`RasterError::UnknownScale`]). [`Scene::describe`] records what was
//!   chosen.
//! - **Validity**: a pixel is invalid when any band equals its nodata value or is NaN/∞, when
//!   the quality band flags it ([`QaKind`]), when the mask file is non-zero, or when it lies
//!   outside the other date's footprint. Invalid in either date → invalid in the tile.
//! - **[`ScenePair`]**: the after scene aligned onto the before [`Grid`] through GDAL warped
//!   VRTs (bilinear for reflectance, nearest for QA and masks), read lazily window by window.
//! - **[`PairReader`]**: per-thread GDAL handles; [`PairReader::read`] returns a
//!   [`goldsweep_detect::TileData`] for a [`Window`]. A single-file scene on the pair grid is
//!   read directly, all role bands in one `GDALDatasetRasterIO` call (one decode per block of a
//!   pixel-interleaved file); other dates go through their stack or warped VRT band by band.
//!   Dropped readers hand their handles (and so their cached blocks) to the next reader.
//!   [`PairReader::read_into`] reuses the caller's buffers; [`PairReader::read_down`] walks
//!   down a strip, copying the halo rows a window shares with the one above from a
//!   [`RowCarry`] instead of reading them again.
//! - **[`block_cache`]**: GDAL's block cache sized from the readers' block layouts and walks
//!   ([`ScenePair::walk_cache_need`], [`PairReader::walk_columns`]), unless the user set
//!   `GDAL_CACHEMAX`; [`ScenePair::block_shape`] is the unit GDAL decodes.
//! - **[`ClassRasterWriter`]**: the UInt8 change raster, written to a temporary name and renamed
//!   when complete.
//!
//! Thread safety: `Scene` and `ScenePair` hold only paths and numbers (`Send + Sync`);
//! `PairReader` and `ClassRasterWriter` own GDAL datasets (`Send`, not `Sync`).

mod band_files;
mod band_mapping;
pub mod block_cache;
mod class_writer;
mod error;
mod file_roles;
mod grid;
mod multiband_read;
mod pair;
mod pair_reader;
mod radiometry;
mod resample;
mod row_carry;
mod scene;
mod sensor;
mod stack_vrt;
mod vsimem;
mod warp_vrt;

pub use band_mapping::BandMapping;
pub use class_writer::{ClassRasterWriter, CLASS_RASTER_BLOCK};
pub use error::RasterError;
pub use grid::{Grid, Window};
pub use pair::ScenePair;
pub use pair_reader::PairReader;
pub use row_carry::RowCarry;
pub use scene::{Scene, SceneOptions};
pub use sensor::{QaKind, Sensor};
pub use vsimem::VSIMEM_DIR;
