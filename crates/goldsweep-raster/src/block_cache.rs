//! GDAL's block cache, sized from what the open readers need instead of GDAL's default
//! (5 % of the machine's RAM, which on a large machine holds a whole scene and on a small one
//! too little).
//!
//! # Why the size matters
//!
//! A tile is read with a halo of a few pixels, so its window reaches into the neighbouring
//! blocks of the file; a compressed block is decoded whole. Tiles are handed out row by row, so
//! a block decoded for one tile row is needed again by the next (as core, or as halo). GDAL
//! keeps decoded blocks in a least-recently-used cache, per dataset; between two uses of a
//! block, one reader touches about three rows of blocks (the row above, its own, the row
//! below). A reader therefore needs, for each date,
//!
//! ```text
//! need = (3 × blocks_across + 9) × block_width × block_height × cached_bands × bytes_per_value
//! ```
//!
//! where `cached_bands` counts every band of a pixel-interleaved file (decoding one band of a
//! block decodes them all, and GDAL keeps them) and only the bands read otherwise. With less,
//! every halo costs a fresh decode of a neighbouring block (up to nine decodes per tile).
//!
//! # Policy
//!
//! Each set of reader handles reserves its `need` while it lives (a `CacheShare`); the cache
//! maximum is set to the sum of the live reservations plus [`SLACK`] (masks, quality bands,
//! warped VRTs), between [`MIN_CACHE`] and [`MAX_CACHE`]. A user who sets `GDAL_CACHEMAX`
//! (environment or GDAL configuration) keeps their value: the cache is then never touched.

use std::sync::Mutex;

use gdal::{Dataset, Metadata};

/// Below this the cache is never set (small scenes, masks, overviews still want some).
pub const MIN_CACHE: u64 = 64 << 20;
/// Above this the cache is never set: it keeps a full Sentinel-2 tile pair, read by two
/// workers, under 1 GiB of peak memory (blocks beyond it are decoded again, not held).
pub const MAX_CACHE: u64 = 512 << 20;
/// Added to the readers' needs for quality bands, masks and warped VRT sources.
pub const SLACK: u64 = 16 << 20;

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

    /// Bytes one reader needs cached so that a row-by-row walk over a grid `width` pixels wide
    /// decodes every block once (see the module docs).
    pub(crate) fn reader_need(&self, width: usize) -> u64 {
        let across = width.div_ceil(self.block_width) as u64;
        (3 * across + 9) * self.block_bytes()
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
        let mut reserved = RESERVED.lock().unwrap_or_else(|p| p.into_inner());
        *reserved += bytes;
        apply(*reserved);
        CacheShare { bytes }
    }
}

impl Drop for CacheShare {
    fn drop(&mut self) {
        let mut reserved = RESERVED.lock().unwrap_or_else(|p| p.into_inner());
        *reserved = reserved.saturating_sub(self.bytes);
        apply(*reserved);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_sentinel2_row_walk_needs_three_block_rows() {
        let layout = BlockLayout {
            block_width: 512,
            block_height: 512,
            cached_bands: 6,
            bytes_per_value: 2,
        };
        assert_eq!(layout.block_bytes(), 3 << 20);
        // 10980 px = 22 blocks across: (66 + 9) blocks of 3 MiB.
        assert_eq!(layout.reader_need(10980), 75 * (3 << 20));
        assert_eq!(layout.reader_need(512), 12 * (3 << 20));
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
