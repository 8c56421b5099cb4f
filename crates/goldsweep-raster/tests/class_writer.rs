//! Round trip of the change-class raster writer.

use gdal::{Dataset, Metadata};
use goldsweep_raster::{ClassRasterWriter, Grid, RasterError, Window};
use ndarray::Array2;

fn grid(width: usize, height: usize) -> Grid {
    let srs = gdal::spatial_ref::SpatialRef::from_epsg(32650).unwrap();
    Grid {
        crs_wkt: srs.to_wkt().unwrap(),
        geo_transform: [300_000.0, 10.0, 0.0, 2_500_000.0, 0.0, -10.0],
        width,
        height,
    }
}

#[test]
fn written_raster_is_georeferenced_tiled_compressed_and_exact() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("change.tif");
    let g = grid(600, 520);
    let mut w = ClassRasterWriter::create(&out, &g, 255, &["no change", "spoil", "pond"]).unwrap();
    let partial = dir.path().join(".change.tif.partial");
    assert!(partial.exists());
    assert!(!out.exists());
    let a = Array2::from_shape_fn((520, 300), |(r, c)| ((r + c) % 3) as u8);
    let b = Array2::from_elem((520, 300), 255u8);
    w.write(Window::new(0, 0, 300, 520), a.view()).unwrap();
    w.write(Window::new(300, 0, 300, 520), b.view()).unwrap();
    w.finish().unwrap();
    assert!(out.exists());
    assert!(!partial.exists());

    let ds = Dataset::open(&out).unwrap();
    assert_eq!(ds.raster_size(), (600, 520));
    assert_eq!(ds.geo_transform().unwrap(), g.geo_transform);
    assert_eq!(ds.spatial_ref().unwrap().auth_code().unwrap(), 32650);
    assert_eq!(
        ds.metadata_item("COMPRESSION", "IMAGE_STRUCTURE")
            .as_deref(),
        Some("DEFLATE")
    );
    let band = ds.rasterband(1).unwrap();
    assert_eq!(band.block_size(), (256, 256));
    assert_eq!(band.no_data_value(), Some(255.0));
    assert_eq!(band.overview_count().unwrap(), 1);
    let ct = band.color_table().unwrap();
    assert_eq!(ct.entry_as_rgb(255).map(|e| e.a), Some(0));
    assert_eq!(category_names(&ds), vec!["no change", "spoil", "pond"]);
    let back = band
        .read_as::<u8>((0, 0), (600, 520), (600, 520), None)
        .unwrap()
        .to_array()
        .unwrap();
    assert_eq!(back.slice(ndarray::s![.., ..300]), a);
    assert_eq!(back.slice(ndarray::s![.., 300..]), b);
}

#[test]
fn bad_windows_are_errors_and_dropping_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("change.tif");
    let mut w = ClassRasterWriter::create(&out, &grid(10, 10), 0, &[]).unwrap();
    let data = Array2::<u8>::zeros((5, 5));
    let err = w.write(Window::new(8, 0, 5, 5), data.view()).unwrap_err();
    assert!(matches!(err, RasterError::InvalidWindow { .. }), "{err}");
    let err = w.write(Window::new(0, 0, 4, 5), data.view()).unwrap_err();
    assert!(matches!(err, RasterError::ShapeMismatch { .. }), "{err}");
    drop(w);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

fn category_names(ds: &Dataset) -> Vec<String> {
    let mut out = Vec::new();
    // SAFETY: band 1 exists; the returned list is owned by the band and only read here.
    unsafe {
        let band = gdal_sys::GDALGetRasterBand(ds.c_dataset(), 1);
        let list = gdal_sys::GDALGetRasterCategoryNames(band);
        let mut i = 0;
        while !list.is_null() && !(*list.add(i)).is_null() {
            out.push(
                std::ffi::CStr::from_ptr(*list.add(i))
                    .to_string_lossy()
                    .into_owned(),
            );
            i += 1;
        }
    }
    out
}
