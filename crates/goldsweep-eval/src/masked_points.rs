//! Which lon/lat points fall on masked (255) pixels of a georeferenced `change.tif`.

use std::path::Path;

use gdal::raster::GdalDataType;
use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use gdal::GeoTransformEx;
use geo::Point;

use crate::change_codes::MASKED;
use crate::raster_input::{first_band, open_raster};
use crate::EvalError;

/// Counts the `points` (lon/lat, EPSG:4326) whose pixel in `change_tif` holds 255 (masked).
///
/// Each point is reprojected to the raster CRS (traditional x/y axis order on both sides) and mapped
/// to a pixel with the inverse geotransform (`floor` of the fractional column and row). Points that
/// fall outside the raster, or cannot be reprojected, are not masked.
pub(crate) fn count_masked_points(
    change_tif: &Path,
    points: &[Point<f64>],
) -> Result<usize, EvalError> {
    let dataset = open_raster(change_tif)?;
    let band = first_band(&dataset, change_tif)?;
    if band.band_type() != GdalDataType::UInt8 {
        return Err(EvalError::WrongBandType {
            path: change_tif.to_path_buf(),
            found: band.band_type().name(),
            expected: "UInt8",
        });
    }
    let not_georef = |missing| EvalError::NotGeoreferenced {
        path: change_tif.to_path_buf(),
        missing,
    };
    let gdal_err = |operation| {
        move |source| EvalError::Gdal {
            path: change_tif.to_path_buf(),
            operation,
            source,
        }
    };
    let geo_transform = dataset
        .geo_transform()
        .map_err(|_| not_georef("geotransform"))?;
    let inverse = geo_transform
        .invert()
        .map_err(gdal_err("inverting the geotransform"))?;
    let mut target = dataset.spatial_ref().map_err(|_| not_georef("CRS"))?;
    target.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let mut lonlat = SpatialRef::from_epsg(4326).map_err(gdal_err("creating EPSG:4326"))?;
    lonlat.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let to_raster =
        CoordTransform::new(&lonlat, &target).map_err(gdal_err("creating a lon/lat transform"))?;
    let (width, height) = dataset.raster_size();

    let mut masked = 0;
    for point in points {
        let (mut x, mut y) = ([point.x()], [point.y()]);
        if to_raster.transform_coords(&mut x, &mut y, &mut []).is_err() {
            continue;
        }
        let (col, row) = inverse.apply(x[0], y[0]);
        let (col, row) = (col.floor(), row.floor());
        if !(col >= 0.0 && row >= 0.0 && col < width as f64 && row < height as f64) {
            continue;
        }
        let value = band
            .read_as::<u8>((col as isize, row as isize), (1, 1), (1, 1), None)
            .map_err(gdal_err("reading a pixel"))?;
        if value.data().first() == Some(&MASKED) {
            masked += 1;
        }
    }
    Ok(masked)
}
