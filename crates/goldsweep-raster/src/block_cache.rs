//! GDAL's block cache, sized from what the open readers need instead of GDAL's default
//! (5 % of the machine's RAM, which on a large machine holds a whole scene and on a small one
//! too little).
//!
//! # Why the size matters
//!
//! A compressed block is decoded whole, and GDAL keeps decoded blocks in one least-recently-used
//! cache for the whole process (keyed by dataset, so two readers never share a block). A tile
//! read with a halo of a few pixels reaches into the neighbouring blocks; if those are evicted
//! before the neighbouring tile is read, they are decoded again.
//!
//! The detect pass therefore walks the scene in vertical strips (see
//! [`crate::PairReader::read_down`]): one reader goes down the columns `[col, col + width)` window
//! by window and keeps the rows the next window shares with the last one itself, so GDAL is
//! asked for each row of the strip once. When the rows it asks for start on a block row (the
//! tile plan shifts its rows by the halo to achieve this), it uses one row of blocks at a time;
//! otherwise a block is used twice (as the bottom halo of one tile row and as the core of the
//! next) with two rows of blocks touched in between. So for each date it needs
//!
//! ```text
//! walk_need = (block_rows × blocks_spanned + 4) × block_width × block_height × cached_bands × bytes_per_value
//! ```
//!
//! where `block_rows` is 1 or 2 as just said, `blocks_spanned` counts the block columns the
//! strip's read window (core and halo) touches, and `cached_bands` every band of a pixel-interleaved file (decoding one band of a
//! block decodes them all, and GDAL keeps them) but only the bands read otherwise. A reader that
//! reads scattered windows (the fit pass, field chips) needs [`RANDOM_BLOCKS`] blocks per date.
//!
//! # Policy
//!
//! Each set of open reader handles reserves its need while a reader uses it (a `CacheShare`;
//! idle handles in the pair's pool reserve nothing); the cache maximum is set to the sum of
//! the live reservations plus [`SLACK`] (masks, quality bands, warped VRTs), between
//! [`MIN_CACHE`] and [`MAX_CACHE`]. Walkers choose their strip width so that together they stay
//! within [`WALK_BUDGET`]. A user who sets `GDAL_CACHEMAX` (environment or GDAL configuration)
//! keeps their value: the cache is then never touched.

use std::sync::Mutex;

use gdal::{Dataset, Metadata};

/// Below this the cache is never set (small scenes, masks, overviews still want some).
pub const MIN_CACHE: u64 = 64 << 20;
/// Above this the cache is never set: it keeps a full Sentinel-2 tile pair, read by two
/// workers, under 1 GiB of peak memory (blocks beyond it are decoded again, not held).
pub const MAX_CACHE: u64 = 512 << 20;
/// Added to the readers' needs for quality bands, masks and warped VRT sources.
pub const SLACK: u64 = 16 << 20;
/// What all strip walkers together may reserve: the cache maximum less the slack.
pub const WALK_BUDGET: u64 = MAX_CACHE - SLACK;
/// Blocks per date a reader of scattered windows reserves: a window may straddle up to 3 × 3.
pub const RANDOM_BLOCKS: u64 = 9;

/// The shape of the blocks a scene is stored in (pixels), the unit GDAL decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockShape {
    pub width: usize,
    pub height: usize,
}

/// How the rows a strip walker asks GDAL for lie on the file's blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WalkRows {
    /// Each read starts on a block row: one row of blocks is in use at a time.
    BlockAligned,
    /// Reads straddle block rows: two rows of blocks are in use at a time.
    Straddling,
}

impl WalkRows {
    fn block_rows(self) -> u64 {
        match self {
            WalkRows::BlockAligned => 1,
            WalkRows::Straddling => 2,
        }
    }
}

/// Reserved bytes of all live shares.
static RESERVED: Mutex<u64> = Mutex::new(0);

/// The block layout of one layer a reader reads, as far as caching goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BlockLayout {
    pub block_width: usize,
    pub block_height: usize,
    /// Bands GDAL keeps per decoded block.
    pub cached_bands: usize,
    pub bytes_per_value: usize,
}

impl BlockLayout {
    /// The layout of `ds` when reading `bands_read` of its bands: the block shape and type of
    /// its first band; every band when the file is pixel-interleaved.
    pub(crate) fn of(ds: &Dataset, bands_read: usize) -> BlockLayout {
        let Ok(band) = ds.rasterband(1) else {
            return BlockLayout::assumed(bands_read);
        };
        let (bw, bh) = band.block_size();
        let pixel_interleaved = ds
            .metadata_item("INTERLEAVE", "IMAGE_STRUCTURE")
            .is_some_and(|v| v.eq_ignore_ascii_case("PIXEL"));
        BlockLayout {
            block_width: bw.max(1),
            block_height: bh.max(1),
            cached_bands: if pixel_interleaved {
                ds.raster_count().max(bands_read)
            } else {
                bands_read
            },
            bytes_per_value: band.band_type().bytes() as usize,
        }
    }

    /// What to assume when the files behind a layer are not known (a stack or warped VRT):
    /// 512 × 512 blocks of 16-bit values, only the bands read.
    pub(crate) fn assumed(bands_read: usize) -> BlockLayout {
        BlockLayout {
            block_width: 512,
            block_height: 512,
            cached_bands: bands_read,
            bytes_per_value: 2,
        }
    }

    /// Bytes of one decoded block, all cached bands.
    pub(crate) fn block_bytes(&self) -> u64 {
        (self.block_width * self.block_height * self.cached_bands * self.bytes_per_value) as u64
    }

    /// The block shape.
    pub(crate) fn shape(&self) -> BlockShape {
        BlockShape {
            width: self.block_width,
            height: self.block_height,
        }
    }

    /// Block columns that the pixel columns `[col, col + width)` touch (at least 1).
    pub(crate) fn blocks_spanned(&self, col: usize, width: usize) -> u64 {
        let first = col / self.block_width;
        let last = (col + width.max(1) - 1) / self.block_width;
        (last - first + 1) as u64
    }

    /// Bytes one reader needs cached to walk down the columns `[col, col + width)` carrying
    /// the shared rows itself, so that every block is decoded once (see the module docs).
    pub(crate) fn walk_need(&self, col: usize, width: usize, rows: WalkRows) -> u64 {
        (rows.block_rows() * self.blocks_spanned(col, width) + 4) * self.block_bytes()
    }

    /// Bytes a reader of scattered windows needs cached.
    pub(crate) fn random_need(&self) -> u64 {
        RANDOM_BLOCKS * self.block_bytes()
    }
}

/// Whether the user chose the cache size (`GDAL_CACHEMAX` in the environment or in GDAL's
/// configuration).
fn user_sized() -> bool {
    std::env::var_os("GDAL_CACHEMAX").is_some()
        || gdal::config::get_config_option("GDAL_CACHEMAX", "")
            .map(|v| !v.is_empty())
            .unwrap_or(false)
}

/// The cache maximum for `reserved` bytes of reader needs.
pub(crate) fn cache_for(reserved: u64) -> u64 {
    (reserved + SLACK).clamp(MIN_CACHE, MAX_CACHE)
}

fn apply(reserved: u64) {
    if user_sized() {
        return;
    }
    let bytes = i64::try_from(cache_for(reserved)).unwrap_or(i64::MAX);
    // SAFETY: GDALSetCacheMax64 only stores the limit (and flushes blocks above it) under
    // GDAL's own cache mutex; it may be called from any thread at any time.
    unsafe { gdal_sys::GDALSetCacheMax64(bytes) }
}

/// The current GDAL block cache maximum, bytes.
pub fn block_cache_max() -> u64 {
    // SAFETY: reads GDAL's cache limit under its own mutex.
    let v = unsafe { gdal_sys::GDALGetCacheMax64() };
    u64::try_from(v).unwrap_or(0)
}

/// A reservation of block cache for one set of reader handles; released on drop.
#[derive(Debug)]
pub(crate) struct CacheShare {
    bytes: u64,
}

impl CacheShare {
    pub(crate) fn reserve(bytes: u64) -> CacheShare {
        let mut share = CacheShare { bytes: 0 };
        share.set(bytes);
        share
    }

    /// Changes the reservation to `bytes` and resizes the cache.
    pub(crate) fn set(&mut self, bytes: u64) {
        if bytes == self.bytes {
            return;
        }
        let mut reserved = RESERVED.lock().unwrap_or_else(|p| p.into_inner());
        *reserved = reserved.saturating_sub(self.bytes) + bytes;
        self.bytes = bytes;
        apply(*reserved);
    }
}

impl Drop for CacheShare {
    fn drop(&mut self) {
        self.set(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_strip_walk_needs_two_rows_of_the_blocks_it_spans() {
        let layout = BlockLayout {
            block_width: 512,
            block_height: 512,
            cached_bands: 6,
            bytes_per_value: 2,
        };
        assert_eq!(layout.block_bytes(), 3 << 20);
        // Eleven 512 px tiles and a 3 px halo on each side span 13 block columns.
        assert_eq!(layout.blocks_spanned(512 - 3, 11 * 512 + 6), 13);
        assert_eq!(
            layout.walk_need(512 - 3, 11 * 512 + 6, WalkRows::Straddling),
            30 * (3 << 20)
        );
        // Reads that start on block rows use one row of blocks at a time.
        assert_eq!(
            layout.walk_need(512 - 3, 11 * 512 + 6, WalkRows::BlockAligned),
            17 * (3 << 20)
        );
        // A strip at the scene's left edge has no halo on that side.
        assert_eq!(layout.blocks_spanned(0, 512 + 3), 2);
        assert_eq!(layout.blocks_spanned(0, 512), 1);
        assert_eq!(layout.blocks_spanned(700, 0), 1);
        assert_eq!(layout.random_need(), 9 * (3 << 20));
    }

    #[test]
    fn the_cache_stays_between_its_bounds() {
        assert_eq!(cache_for(0), MIN_CACHE);
        assert_eq!(cache_for(100 << 20), (100 << 20) + SLACK);
        assert_eq!(cache_for(10 << 30), MAX_CACHE);
    }

    #[test]
    fn pixel_interleaved_files_cache_every_band() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.tif");
        let driver = gdal::DriverManager::get_driver_by_name("GTiff").unwrap();
        let options = gdal::raster::RasterCreationOptions::from_iter([
            "TILED=YES",
            "BLOCKXSIZE=32",
            "BLOCKYSIZE=16",
            "INTERLEAVE=PIXEL",
        ]);
        driver
            .create_with_band_type_with_options::<u16, _>(&path, 64, 64, 7, &options)
            .unwrap()
            .close()
            .unwrap();
        let ds = Dataset::open(&path).unwrap();
        let l = BlockLayout::of(&ds, 4);
        assert_eq!((l.block_width, l.block_height), (32, 16));
        assert_eq!((l.cached_bands, l.bytes_per_value), (7, 2));
    }
}
