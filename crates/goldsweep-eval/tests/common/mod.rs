//! Fixtures shared by the integration tests: scratch directories and tiny rasters.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use gdal::raster::Buffer;
use gdal::spatial_ref::SpatialRef;
use gdal::DriverManager;

#[path = "../../src/test_dir.rs"]
mod test_dir;
pub(crate) use test_dir::TestDir;

/// A UTM 51N transform with 10 m pixels.
pub const UTM_TRANSFORM: [f64; 6] = [400000.0, 10.0, 0.0, 4140000.0, 0.0, -10.0];

/// Georeferencing of a fixture raster.
pub struct Georef {
    pub transform: [f64; 6],
    pub epsg: u32,
}

pub fn utm() -> Option<Georef> {
    Some(Georef {
        transform: UTM_TRANSFORM,
        epsg: 32651,
    })
}

/// Writes `rows` (row-major, equal lengths) as a one-band raster with `driver` ("GTiff", "BMP").
pub fn write_u8(driver: &str, path: &Path, rows: &[&[u8]], georef: Option<Georef>) -> PathBuf {
    let height = rows.len();
    let width = rows[0].len();
    let data: Vec<u8> = rows.iter().flat_map(|r| r.iter().copied()).collect();
    write_u8_flat(driver, path, width, height, data, georef)
}

/// Writes a `width` × `height` one-band Byte raster from row-major `data`.
pub fn write_u8_flat(
    driver: &str,
    path: &Path,
    width: usize,
    height: usize,
    data: Vec<u8>,
    georef: Option<Georef>,
) -> PathBuf {
    let driver = DriverManager::get_driver_by_name(driver).unwrap();
    let mut ds = driver
        .create_with_band_type::<u8, _>(path, width, height, 1)
        .unwrap();
    if let Some(g) = georef {
        ds.set_geo_transform(&g.transform).unwrap();
        ds.set_spatial_ref(&SpatialRef::from_epsg(g.epsg).unwrap())
            .unwrap();
    }
    let mut buffer = Buffer::new((width, height), data);
    ds.rasterband(1)
        .unwrap()
        .write((0, 0), (width, height), &mut buffer)
        .unwrap();
    ds.close().unwrap();
    path.to_path_buf()
}

/// `../shared/data` beside the project, or `None` (with a message) when absent.
pub fn shared_data(sub: &str) -> Option<PathBuf> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")).join(sub);
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: real data folder {} is absent", dir.display());
        None
    }
}
