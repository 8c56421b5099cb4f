//! The `README.txt` written beside the scene: what it contains, how it was made, how to read it.

use std::fmt::Write;

use crate::grid::PIXEL_M;
use crate::layout::Scene;
use crate::truth::relation;

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
    let _ = writeln!(s, "Files");
    let _ = writeln!(s, "-----");
    let _ = writeln!(
        s,
        "before.tif, after.tif  6 bands UInt16, surface reflectance x 10000 (Sentinel-2 L2A-like),"
    );
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
    let _ = writeln!(s, "Catalogue");
    let _ = writeln!(s, "---------");
    for m in &scene.mines {
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
    let _ = writeln!(s, "\nPlanted change (after date only)");
    let _ = writeln!(s, "--------------------------------");
    for (i, o) in scene.objects.iter().enumerate() {
        let (rel, _) = relation(&o.polygon, &scene.mines);
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
    let c = &scene.cloud;
    let _ = writeln!(
        s,
        "\nCloud: centre E {:.0} N {:.0}, radius {:.0} m, shadow shifted {:.0} m E / {:.0} m N; {} px masked.",
        c.center.x, c.center.y, c.radius, c.shadow_shift.0, c.shadow_shift.1, masked
    );
    if let Some(t) = scene.cloud_target {
        let _ = writeln!(
            s,
            "The cloud edge crosses {} ({:.0} % of its pixels masked).",
            crate::geojson_out::truth_id(t),
            100.0 * scene.masked_fraction(&scene.objects[t])
        );
    }
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
