//! Dropping scenes and pairs removes every in-memory VRT they created.
//! (Own test binary: `/vsimem/` is process-global and other tests would share it.)

mod fixtures;

use fixtures::{four_band_ramps, gt, write_tif};
use goldsweep_raster::{Scene, SceneOptions, ScenePair, Window};

fn vsimem_files() -> Vec<std::path::PathBuf> {
    gdal::vsi::read_dir("/vsimem/goldsweep-raster", true)
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.extension().is_some())
        .collect()
}

#[test]
fn in_memory_files_live_exactly_as_long_as_their_owners() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.tif"), dir.path().join("b.tif"));
    write_tif(
        &a,
        Some(32633),
        gt(500_000.0, 4_000_000.0, 10.0),
        6,
        6,
        four_band_ramps(6, 6),
    );
    write_tif(
        &b,
        Some(32633),
        gt(500_003.0, 4_000_000.0, 10.0),
        6,
        6,
        four_band_ramps(6, 6),
    );
    let opts = SceneOptions::default();
    let pair = ScenePair::new(
        Scene::open(&a, &opts).unwrap(),
        Scene::open(&b, &opts).unwrap(),
    )
    .unwrap();
    let mut reader = pair.reader().unwrap();
    // Two stacks and one warped VRT.
    assert_eq!(vsimem_files().len(), 3, "{:?}", vsimem_files());
    drop(pair);
    // The reader keeps what it reads from alive.
    reader.read(Window::new(0, 0, 6, 6)).unwrap();
    drop(reader);
    assert!(vsimem_files().is_empty(), "{:?}", vsimem_files());
}
