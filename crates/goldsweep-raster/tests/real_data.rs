//! Checks on the real public data in ../shared/data; each test skips when it is absent.

mod fixtures;

use fixtures::real_data;
use goldsweep_detect::BandRole;
use goldsweep_raster::{Scene, SceneOptions, ScenePair, Sensor, Window};

fn open(path: &std::path::Path) -> Scene {
    Scene::open(path, &SceneOptions::default())
        .unwrap_or_else(|e| panic!("opening {}: {e}", path.display()))
}

#[test]
fn taizhou_envi_opens_as_landsat_tm_stack() {
    let Some(data) = real_data() else { return };
    let s = open(&data.join("taizhou/2000TM"));
    assert_eq!(s.sensor(), Sensor::LandsatTm);
    assert_eq!((s.grid().width, s.grid().height), (400, 400));
    assert_eq!(s.bands().len(), 6);
    assert_eq!(s.grid().epsg(), Some(32651));
    assert_eq!(s.describe()["driver"], "ENVI");
    assert_eq!(s.describe()["bands"][0]["scale"], 1.0 / 255.0);
    let pair = ScenePair::new(s, open(&data.join("taizhou/2003TM"))).unwrap();
    let tile = pair
        .reader()
        .unwrap()
        .read(Window::new(100, 100, 64, 64))
        .unwrap();
    assert!(tile.valid.iter().all(|v| *v));
    assert!(tile.before.iter().all(|v| (0.0..=1.0).contains(v)));
    assert!(tile.before != tile.after);
}

#[test]
fn oscd_rennes_folder_opens_as_sentinel2_on_the_b02_grid() {
    let Some(data) = real_data() else { return };
    let dir = data.join("oscd/rennes/imgs_1");
    let s = open(&dir);
    assert_eq!(s.sensor(), Sensor::Sentinel2);
    assert!(s.bands().has_swir());
    let b02 = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with("_B02.tif"))
        .unwrap();
    let ds = gdal::Dataset::open(&b02).unwrap();
    assert_eq!((s.grid().width, s.grid().height), ds.raster_size());
    assert_eq!(s.grid().geo_transform, ds.geo_transform().unwrap());
    assert!(s.grid().is_geographic());
    let pair = ScenePair::new(s.clone(), s).unwrap();
    let tile = pair
        .reader()
        .unwrap()
        .read(Window::new(200, 100, 64, 64))
        .unwrap();
    let swir1 = pair.bands().index(BandRole::Swir1).unwrap();
    let mean: f32 = tile
        .before
        .index_axis(ndarray::Axis(0), swir1)
        .mean()
        .unwrap();
    assert!((0.01..0.8).contains(&mean), "SWIR1 reflectance mean {mean}");
}

#[test]
fn oscd_hongkong_pair_aligns_despite_the_smaller_second_date() {
    let Some(data) = real_data() else { return };
    let before = open(&data.join("oscd/hongkong/imgs_1"));
    let after = open(&data.join("oscd/hongkong/imgs_2"));
    assert_ne!(
        (before.grid().width, before.grid().height),
        (after.grid().width, after.grid().height)
    );
    let pair = ScenePair::new(before, after).unwrap();
    let g = pair.grid().clone();
    let mut reader = pair.reader().unwrap();
    let tile = reader.read(g.full_window()).unwrap();
    let valid = tile.valid.iter().filter(|v| **v).count();
    let total = g.width * g.height;
    // imgs_2 has 2 px fewer but larger pixels over the same extent: everything aligns.
    assert!(
        valid as f64 > 0.99 * total as f64,
        "{valid} of {total} valid"
    );
    // Same place, two dates: red reflectances are strongly correlated.
    let red = pair.bands().index(BandRole::Red).unwrap();
    let (mut n, mut sx, mut sy, mut sxx, mut syy, mut sxy) = (0.0f64, 0.0, 0.0, 0.0, 0.0, 0.0);
    ndarray::Zip::from(tile.before.index_axis(ndarray::Axis(0), red))
        .and(tile.after.index_axis(ndarray::Axis(0), red))
        .and(&tile.valid)
        .for_each(|&x, &y, &ok| {
            if ok {
                let (x, y) = (f64::from(x), f64::from(y));
                n += 1.0;
                sx += x;
                sy += y;
                sxx += x * x;
                syy += y * y;
                sxy += x * y;
            }
        });
    let cov = sxy / n - sx / n * sy / n;
    let r = cov / ((sxx / n - (sx / n).powi(2)) * (syy / n - (sy / n).powi(2))).sqrt();
    assert!(r > 0.5, "red correlation between dates {r}");
}

#[test]
fn naip_pair_aligns_as_four_band() {
    let Some(data) = real_data() else { return };
    let before = open(&data.join("naip/m_4709963_se_14_1_20090818.tif"));
    let after = open(&data.join("naip/m_4709963_se_14_1_20200831.tif"));
    assert_eq!(before.sensor(), Sensor::FourBand);
    assert!(!before.bands().has_swir());
    let pair = ScenePair::new(before, after).unwrap();
    assert_eq!((pair.grid().width, pair.grid().height), (934, 724));
    let tile = pair
        .reader()
        .unwrap()
        .read(Window::new(0, 0, 934, 724))
        .unwrap();
    let valid = tile.valid.iter().filter(|v| **v).count();
    assert!(valid > 900 * 700, "{valid} valid pixels");
}

#[test]
fn s2_tanzania_file_opens_from_band_descriptions() {
    let Some(data) = real_data() else { return };
    let dir = data.join("s2-tanzania-timeseries");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "tif"))
        .collect();
    files.sort();
    let s = open(&files[0]);
    assert_eq!(s.sensor(), Sensor::Sentinel2);
    assert_eq!(s.describe()["bands_from"], "band descriptions");
    let bands: Vec<u64> = s.describe()["bands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["band"].as_u64().unwrap())
        .collect();
    assert_eq!(bands, vec![1, 2, 3, 7, 9, 10]);
    assert_eq!(s.describe()["bands"][0]["nodata"], 1.0);
    let pair = ScenePair::new(s, open(&files[files.len() - 1])).unwrap();
    pair.reader()
        .unwrap()
        .read(pair.grid().full_window())
        .unwrap();
}

#[test]
fn trombetas_l2a_file_opens_from_band_descriptions() {
    let Some(data) = real_data() else { return };
    let s = open(&data.join("io/sen2_rstoolbox_trombetas_L2A.tif"));
    assert_eq!(s.sensor(), Sensor::Sentinel2);
    assert!(s.bands().has_swir());
    assert_eq!(s.describe()["bands"][3]["band"], 8);
    assert_eq!(s.describe()["bands"][3]["scale"], 1.0);
    assert_eq!((s.grid().width, s.grid().height), (247, 237));
}

#[test]
fn rgb_only_file_is_a_band_count_error() {
    let Some(data) = real_data() else { return };
    let err = Scene::open(&data.join("io/RGB.byte.tif"), &SceneOptions::default()).unwrap_err();
    assert!(err.to_string().contains("RGB.byte.tif"), "{err}");
    assert!(matches!(
        err,
        goldsweep_raster::RasterError::BandCount { found: 3, .. }
    ));
}
