//! GeoTIFF writing through GDAL: tiled 256 × 256, DEFLATE with horizontal predictor, written
//! under a temporary name and renamed when complete.

use std::path::Path;

use gdal::raster::{Buffer, GdalType, RasterCreationOptions};
use gdal::spatial_ref::SpatialRef;
use gdal::{DriverManager, Metadata};

use crate::atomic_file::{commit, discard, partial_path};
use crate::error::SynthError;
use crate::grid::SceneGrid;

/// One band to write.
pub struct BandData<T> {
    /// Pixel values, row-major.
    pub data: Vec<T>,
    /// Band description (e.g. "B04").
    pub description: &'static str,
}

/// Dataset-level settings of a GeoTIFF.
pub struct TiffSpec<'a> {
    /// Nodata value shared by every band, if any.
    pub nodata: Option<f64>,
    /// Dataset metadata items (default domain).
    pub metadata: &'a [(&'a str, String)],
    /// Band scale (offset 0) that turns the stored values into reflectance, written where
    /// every GDAL reader finds it.
    pub scale: Option<f64>,
}

/// Writes `bands` on `grid` to `path` atomically.
pub fn write_geotiff<T: GdalType + Copy>(
    path: &Path,
    grid: &SceneGrid,
    bands: Vec<BandData<T>>,
    spec: &TiffSpec<'_>,
) -> Result<(), SynthError> {
    let tmp = partial_path(path);
    let result = write_to(&tmp, path, grid, bands, spec);
    match result {
        Ok(()) => commit(&tmp, path),
        Err(e) => {
            discard(&tmp);
            Err(e)
        }
    }
}

fn write_to<T: GdalType + Copy>(
    tmp: &Path,
    path: &Path,
    grid: &SceneGrid,
    bands: Vec<BandData<T>>,
    spec: &TiffSpec<'_>,
) -> Result<(), SynthError> {
    let gdal_err = |call: &'static str| {
        move |source| SynthError::Gdal {
            path: path.to_path_buf(),
            call,
            source,
        }
    };
    let driver = DriverManager::get_driver_by_name("GTiff").map_err(gdal_err("GetDriverByName"))?;
    let mut options = RasterCreationOptions::new();
    for (k, v) in [
        ("TILED", "YES"),
        ("BLOCKXSIZE", "256"),
        ("BLOCKYSIZE", "256"),
        ("COMPRESS", "DEFLATE"),
        ("PREDICTOR", "2"),
        ("INTERLEAVE", "BAND"),
    ] {
        options
            .set_name_value(k, v)
            .map_err(gdal_err("CSLSetNameValue"))?;
    }
    let mut ds = driver
        .create_with_band_type_with_options::<T, _>(
            tmp,
            grid.size,
            grid.size,
            bands.len(),
            &options,
        )
        .map_err(gdal_err("Create"))?;
    ds.set_geo_transform(&grid.geo_transform())
        .map_err(gdal_err("SetGeoTransform"))?;
    let srs = SpatialRef::from_epsg(grid.epsg).map_err(gdal_err("ImportFromEPSG"))?;
    ds.set_spatial_ref(&srs)
        .map_err(gdal_err("SetSpatialRef"))?;
    for (k, v) in spec.metadata {
        ds.set_metadata_item(k, v, "")
            .map_err(gdal_err("SetMetadataItem"))?;
    }
    for (i, band) in bands.into_iter().enumerate() {
        let mut rb = ds.rasterband(i + 1).map_err(gdal_err("GetRasterBand"))?;
        rb.set_description(band.description)
            .map_err(gdal_err("SetDescription"))?;
        if let Some(scale) = spec.scale {
            rb.set_scale(scale).map_err(gdal_err("SetScale"))?;
            rb.set_offset(0.0).map_err(gdal_err("SetOffset"))?;
        }
        if let Some(nd) = spec.nodata {
            rb.set_no_data_value(Some(nd))
                .map_err(gdal_err("SetNoDataValue"))?;
        }
        let mut buf = Buffer::new((grid.size, grid.size), band.data);
        rb.write((0, 0), (grid.size, grid.size), &mut buf)
            .map_err(gdal_err("RasterIO write"))?;
    }
    ds.close().map_err(gdal_err("Close"))
}
