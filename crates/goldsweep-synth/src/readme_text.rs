//! The `README.txt` written beside the scene: what it contains, how it was made, how to read it.

use std::fmt::Write;

use crate::cloud::Cloud;
use crate::grid::{SceneGrid, PIXEL_M};
use crate::layout::Scene;
use crate::mines::Mine;
use crate::plant::{Plan, Provenance};
use crate::truth::{relation, PlantedObject};

/// Acquisition date of the before scene (winter wheat green).
pub const BEFORE_DATE: &str = "2023-05-20";
/// Acquisition date of the after scene (wheat ripening, some fields harvested).
pub const AFTER_DATE: &str = "2024-06-12";

/// README text for `scene` with `masked` cloud/shadow pixels.
pub fn readme(scene: &Scene, masked: usize) -> String {
    let g = &scene.grid;
    let mut s = String::new();
    let _ = writeln!(s, "goldsweep synthetic scene pair (goldsweep-synth)");
    let _ = writeln!(s, "================================================\n");
    let _ = writeln!(s, "seed: {}", scene.seed);
    let zone = g.epsg % 100;
    let hemisphere = if g.epsg / 100 == 327 { 'S' } else { 'N' };
    let _ = writeln!(
        s,
        "size: {0} x {0} px at {PIXEL_M} m ({1:.2} km side), EPSG:{2} (WGS 84 / UTM {zone}{hemisphere})",
        g.size,
        g.side_m() / 1000.0,
        g.epsg
    );
    let e = g.extent();
    let place = match scene.centre {
        None => "west of Zhaoyuan, Shandong; synthetic content".to_string(),
        Some(at) => format!(
            "centred on lon {}, lat {}; synthetic Zhaoyuan-like content",
            at.lon(),
            at.lat()
        ),
    };
    let _ = writeln!(
        s,
        "extent: E {:.0}..{:.0}, N {:.0}..{:.0} ({place})",
        e.min().x,
        e.max().x,
        e.min().y,
        e.max().y
    );
    let _ = writeln!(s, "dates: before {BEFORE_DATE}, after {AFTER_DATE}\n");
    files_section(&mut s, "surface reflectance x 10000 (Sentinel-2 L2A-like),");
    let _ = writeln!(s, "Landscape");
    let _ = writeln!(s, "---------");
    let _ = writeln!(s, "Granite hills (forest, shrub, grass, rock from fBm fields) in the west with a valley road;");
    let _ = writeln!(
        s,
        "a river at the foot of the hills; cropland parcels (wheat, sown maize/peanut, orchards,"
    );
    let _ = writeln!(
        s,
        "vegetables, fallow) on the plain in the east with a road and a village; a reservoir."
    );
    let _ = writeln!(
        s,
        "Not change: per-band gain/offset between dates, crop and forest phenology, sensor noise"
    );
    let _ = writeln!(s, "(sigma 0.006-0.008), faint date texture.\n");
    catalogue_section(&mut s, &scene.mines);
    planted_section(&mut s, &scene.mines, &scene.objects);
    let target = scene
        .cloud_target
        .map(|t| (t, scene.masked_fraction(&scene.objects[t])));
    cloud_section(&mut s, &scene.cloud, masked, target);
    let at = scene
        .centre
        .map(|at| format!(" --at={at}"))
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "\nRegenerate with: goldsweep synth --out DIR --seed {} --size {}{at}",
        scene.seed, g.size
    );
    s
}

/// The "Files" section; `values` says what the six-band scenes hold.
fn files_section(s: &mut String, values: &str) {
    let _ = writeln!(s, "Files");
    let _ = writeln!(s, "-----");
    let _ = writeln!(s, "before.tif, after.tif  6 bands UInt16, {values}");
    let _ = writeln!(
        s,
        "                       bands B02 B03 B04 B08 B11 B12, nodata 0, same grid"
    );
    let _ = writeln!(
        s,
        "after_mask.tif         UInt8: 1 = cloud or cloud shadow in after.tif, 0 = clear"
    );
    let _ = writeln!(s, "truth_change.tif       UInt8: 0 no change, 1 planted change (any kind), 255 under the mask");
    let _ = writeln!(
        s,
        "catalogue.geojson      mine polygons (lon/lat): id, name, status"
    );
    let _ = writeln!(s, "truth.geojson          planted change polygons (lon/lat): truth_id, class, mining, context,");
    let _ = writeln!(
        s,
        "                       expected_relation, mine_id, area_m2, masked_fraction\n"
    );
}

/// The "Catalogue" section.
fn catalogue_section(s: &mut String, mines: &[Mine]) {
    let _ = writeln!(s, "Catalogue");
    let _ = writeln!(s, "---------");
    for m in mines {
        let _ = writeln!(
            s,
            "{}  {:<20} {}  {}",
            m.id,
            m.status.as_str(),
            if m.in_scene {
                "in scene     "
            } else {
                "outside scene"
            },
            m.name
        );
    }
}

/// The "Planted change" section: one line per truth object.
fn planted_section(s: &mut String, mines: &[Mine], objects: &[PlantedObject]) {
    let _ = writeln!(s, "\nPlanted change (after date only)");
    let _ = writeln!(s, "--------------------------------");
    for (i, o) in objects.iter().enumerate() {
        let (rel, _) = relation(&o.polygon, mines);
        let _ = writeln!(
            s,
            "{}  {:<16} mining={:<5} {:<20} {}",
            crate::geojson_out::truth_id(i),
            o.class.as_str(),
            o.mining,
            rel.as_str(),
            o.description
        );
    }
}

/// The cloud line, and which object its edge crosses (index, masked fraction).
fn cloud_section(s: &mut String, c: &Cloud, masked: usize, target: Option<(usize, f64)>) {
    let _ = writeln!(
        s,
        "\nCloud: centre E {:.0} N {:.0}, radius {:.0} m, shadow shifted {:.0} m E / {:.0} m N; {} px masked.",
        c.center.x, c.center.y, c.radius, c.shadow_shift.0, c.shadow_shift.1, masked
    );
    if let Some((t, f)) = target {
        let _ = writeln!(
            s,
            "The cloud edge crosses {} ({:.0} % of its pixels masked).",
            crate::geojson_out::truth_id(t),
            100.0 * f
        );
    }
}

/// README text of a folder written by [`crate::plant::plant`]: provenance of the real pair,
/// the grid, how the change was painted, the catalogue and the planted set.
pub fn plant_readme(
    g: &SceneGrid,
    plan: &Plan,
    p: &Provenance,
    masked_fraction: &[f64],
    masked: usize,
    footprint_m: &[f64; 6],
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "goldsweep planted scene pair: real background, planted change (goldsweep plant)"
    );
    let _ = writeln!(
        s,
        "==============================================================================\n"
    );
    let _ = writeln!(s, "seed: {}", plan.seed);
    let date = |d: &Option<String>| d.clone().unwrap_or_else(|| "unknown".to_string());
    for (label, path, d, sensor, reading) in [
        (
            "before",
            &p.before,
            &p.dates[0],
            &p.sensors[0],
            &p.reading[0],
        ),
        ("after", &p.after, &p.dates[1], &p.sensors[1], &p.reading[1]),
    ] {
        let _ = writeln!(
            s,
            "{label}: {} (date {}, {sensor})",
            path.display(),
            date(d)
        );
        let _ = writeln!(s, "        {reading}");
    }
    let zone = g.epsg % 100;
    let hemisphere = if g.epsg / 100 == 327 { 'S' } else { 'N' };
    let _ = writeln!(
        s,
        "grid: {0} x {0} px at {PIXEL_M} m ({1:.2} km side), EPSG:{2} (WGS 84 / UTM {zone}{hemisphere})",
        g.size,
        g.side_m() / 1000.0,
        g.epsg
    );
    let e = g.extent();
    let _ = writeln!(
        s,
        "extent: E {:.0}..{:.0}, N {:.0}..{:.0} (the largest square inside both scenes' footprints)\n",
        e.min().x,
        e.max().x,
        e.min().y,
        e.max().y
    );
    files_section(
        &mut s,
        "reflectance x 10000 of the real scenes resampled (bilinear),",
    );
    let _ = writeln!(s, "How it was made");
    let _ = writeln!(s, "---------------");
    let _ = writeln!(
        s,
        "Both real dates were resampled onto the grid above; before.tif is the real before date."
    );
    let _ = writeln!(
        s,
        "after.tif is the real after date with the planted objects painted in: each pixel becomes"
    );
    let _ = writeln!(
        s,
        "(1 - f) * after + f * library spectrum (with texture and noise), f = the pixel's share of"
    );
    let _ = writeln!(
        s,
        "the object polygon (7 x 7 sub-samples; tracks narrower than a pixel are mixtures); the"
    );
    let sides: Vec<String> = footprint_m.iter().map(|m| format!("{m:.0}")).collect();
    let _ = writeln!(
        s,
        "change is then spread over each band's recorded pixel (Gaussian, sigma = side / 2 grid px;"
    );
    let _ = writeln!(
        s,
        "sides blue, green, red, NIR, SWIR1, SWIR2: {} m), as the sensor and the warp spread the",
        sides.join(", ")
    );
    let _ = writeln!(
        s,
        "background's own detail (zero: painted sharp). Then a synthetic cloud and its shadow."
    );
    let _ = writeln!(s, "Mines sit on land (no water, MNDWI > 0, on either date)");
    let _ = writeln!(
        s,
        "where the real pair changed least; nearest mine centres {:.0} m apart, pond lattice {:.0} m",
        plan.mine_spacing_m, plan.lattice_distance_m
    );
    let _ = writeln!(
        s,
        "from the nearest mine. The spectra are surface-reflectance library values: painted into a"
    );
    let _ = writeln!(
        s,
        "top-of-atmosphere (L1C) background they lack the path radiance (too dark, most in blue). The real"
    );
    let _ = writeln!(
        s,
        "change of the pair (construction, crops, water) is unlabelled change, not truth.\n"
    );
    catalogue_section(&mut s, &plan.mines);
    planted_section(&mut s, &plan.mines, &plan.objects);
    let target = plan
        .cloud_target
        .map(|t| (t, masked_fraction.get(t).copied().unwrap_or(0.0)));
    cloud_section(&mut s, &plan.cloud, masked, target);
    let _ = writeln!(s, "\nRegenerate with: {}", p.command);
    s
}
