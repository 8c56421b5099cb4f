//! `goldsweep plant`: known mining change planted into a real scene pair, written as a folder
//! with the same files as `goldsweep synth`.
//!
//! Both scenes are opened as `sweep` opens them (sensor profile, band roles, scale/offset); the
//! grid is a north-up square of 10 m pixels in the UTM zone of the before scene's centre, the
//! largest that fits inside both footprints (one pixel to spare on each side, at most
//! `MAX_SIZE`), snapped to whole 10 m like [`SceneGrid::centred_on`]; both dates are warped
//! onto it (bilinear) as reflectance and handed to [`goldsweep_synth::plant`].

use std::path::Path;

use anyhow::{anyhow, Result};
use clap::ValueEnum;
use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use goldsweep_detect::BandRole;
use goldsweep_raster::{Grid, RasterError, Scene};
use goldsweep_synth::grid::{SceneGrid, PIXEL_M};
use goldsweep_synth::plant::{Background, Provenance};
use goldsweep_synth::{LonLat, MAX_SIZE, MIN_SIZE};

use crate::args::{PlantArgs, SensorArg};
use crate::settings::scene_options;
use crate::BadInput;

/// Points per edge when tracing a footprint into another CRS.
const EDGE_POINTS: usize = 41;

pub fn run_plant(a: PlantArgs) -> Result<()> {
    let options = scene_options(&a.scene, None)?;
    let before = Scene::open(&a.before, &options)?;
    let after = Scene::open(&a.after, &options)?;
    for scene in [&before, &after] {
        require_six_roles(scene)?;
    }
    let grid = plant_grid(&before, &after)?;
    let target = Grid {
        crs_wkt: SpatialRef::from_epsg(grid.epsg)?.to_wkt()?,
        geo_transform: grid.geo_transform(),
        width: grid.size,
        height: grid.size,
    };
    let background = Background {
        grid,
        before: planes(&before, &target)?,
        after: planes(&after, &target)?,
        footprint_m: if a.sharp {
            [0.0; 6]
        } else {
            footprints(&after, grid.epsg)?
        },
    };
    let provenance = Provenance {
        before: a.before.clone(),
        after: a.after.clone(),
        dates: [date_hint(&a.before), date_hint(&a.after)],
        sensors: [before.sensor().name().into(), after.sensor().name().into()],
        reading: [reading(&before), reading(&after)],
        command: command_line(&a),
    };
    let summary = goldsweep_synth::plant::plant(&a.out, &background, a.seed, &provenance)?;
    println!(
        "planted into a {0}×{0} px pair (10 m, EPSG:{1}) in {2}: {3} mining objects at {4} mines, {5} inside the active mine, {6} far from mines; {7} px under the cloud",
        summary.size,
        summary.epsg,
        a.out.display(),
        summary.planted,
        summary.mines,
        summary.legal_activity,
        summary.confusers,
        summary.masked_pixels
    );
    for f in &summary.files {
        println!("  {}", f.display());
    }
    Ok(())
}

fn require_six_roles(scene: &Scene) -> Result<()> {
    let missing: Vec<&str> = BandRole::ALL
        .iter()
        .filter(|r| scene.bands().index(**r).is_none())
        .map(|r| r.name())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let have: Vec<&str> = scene.bands().roles().iter().map(|r| r.name()).collect();
    Err(anyhow!(BadInput(format!(
        "{}: goldsweep plant needs blue, green, red, nir, swir1 and swir2; the scene has {} (no {}); pass --sensor or --bands",
        scene.path().display(),
        have.join(", "),
        missing.join(", ")
    ))))
}

/// EPSG `epsg` in traditional GIS (x = easting/longitude) axis order, like [`Grid::spatial_ref`].
fn epsg_srs(epsg: u32) -> Result<SpatialRef> {
    let mut srs = SpatialRef::from_epsg(epsg)?;
    srs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    Ok(srs)
}

/// The largest axis-aligned rectangle `(min_x, min_y, max_x, max_y)` in EPSG `epsg` inside the
/// scene's footprint, for footprints that are near-rectangles there: each edge is traced with
/// [`EDGE_POINTS`] points and the innermost point of each side bounds the rectangle.
fn inner_bounds(scene: &Scene, epsg: u32) -> Result<[f64; 4]> {
    let g = scene.grid();
    let src = g.spatial_ref()?;
    let dst = epsg_srs(epsg)?;
    let t = CoordTransform::new(&src, &dst)?;
    let (w, h) = (g.width as f64, g.height as f64);
    let edge = |f: &dyn Fn(f64) -> (f64, f64)| -> Result<(Vec<f64>, Vec<f64>)> {
        let (mut xs, mut ys): (Vec<f64>, Vec<f64>) = (0..EDGE_POINTS)
            .map(|k| {
                let (c, r) = f(k as f64 / (EDGE_POINTS - 1) as f64);
                g.pixel_to_crs(c, r)
            })
            .unzip();
        t.transform_coords(&mut xs, &mut ys, &mut []).map_err(|e| {
            anyhow!(BadInput(format!(
                "{}: cannot project its footprint to EPSG:{epsg}: {e}",
                scene.path().display()
            )))
        })?;
        Ok((xs, ys))
    };
    let (west, _) = edge(&|u| (0.0, u * h))?;
    let (east, _) = edge(&|u| (w, u * h))?;
    let (_, north) = edge(&|u| (u * w, 0.0))?;
    let (_, south) = edge(&|u| (u * w, h))?;
    let max = |v: &[f64]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    Ok([max(&west), max(&south), min(&east), min(&north)])
}

/// The planting grid: UTM zone of the before scene's centre, the largest square inside both
/// footprints with a pixel to spare on each side, at most `MAX_SIZE` px, centred on the overlap.
fn plant_grid(before: &Scene, after: &Scene) -> Result<SceneGrid> {
    let g = before.grid();
    let (cx, cy) = g.pixel_to_crs(g.width as f64 / 2.0, g.height as f64 / 2.0);
    let to_wgs84 = CoordTransform::new(&g.spatial_ref()?, &epsg_srs(4326)?)?;
    let (mut xs, mut ys) = ([cx], [cy]);
    to_wgs84.transform_coords(&mut xs, &mut ys, &mut [])?;
    let centre = LonLat::new(xs[0], ys[0]).map_err(|e| {
        anyhow!(BadInput(format!(
            "{}: scene centre {e}",
            before.path().display()
        )))
    })?;
    let epsg = centre.utm_epsg();
    let b = inner_bounds(before, epsg)?;
    let a = inner_bounds(after, epsg)?;
    let (x0, y0, x1, y1) = (
        b[0].max(a[0]),
        b[1].max(a[1]),
        b[2].min(a[2]),
        b[3].min(a[3]),
    );
    if !(x0 < x1 && y0 < y1) {
        return Err(RasterError::NoOverlap {
            before: before.path().into(),
            after: after.path().into(),
        }
        .into());
    }
    let side_m = (x1 - x0).min(y1 - y0);
    let fits = ((side_m / PIXEL_M).floor() as usize).saturating_sub(2);
    if fits < MIN_SIZE {
        return Err(anyhow!(BadInput(format!(
            "{}: the square inside both scenes is {:.2} km ({fits} px at 10 m); goldsweep plant needs at least {MIN_SIZE} px ({:.2} km)",
            before.path().display(),
            side_m / 1000.0,
            MIN_SIZE as f64 * PIXEL_M / 1000.0
        ))));
    }
    let size = fits.min(MAX_SIZE);
    let half = size as f64 * PIXEL_M / 2.0;
    let snap = |v: f64| (v / PIXEL_M).round() * PIXEL_M;
    let (mx, my) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    Ok(SceneGrid {
        size,
        origin_e: snap(mx - half),
        origin_n: snap(my + half),
        epsg,
    })
}

/// The six role planes of `scene` on `target`, in band order blue … swir2.
fn planes(scene: &Scene, target: &Grid) -> Result<[Vec<f32>; 6]> {
    let mut bands = scene.reflectance_on(target)?;
    let mut out: [Vec<f32>; 6] = Default::default();
    for (slot, role) in out.iter_mut().zip(BandRole::ALL) {
        let k = bands
            .iter()
            .position(|(r, _)| *r == role)
            .ok_or_else(|| anyhow!("{}: no {} band", scene.path().display(), role.name()))?;
        *slot = std::mem::take(&mut bands[k].1);
    }
    Ok(out)
}

/// The side (m, in the planting grid's UTM zone `epsg`) of each role band's native pixel at
/// the scene's centre, in the order of [`BandRole::ALL`]: the after date's footprint, over which
/// the planted change is spread. The side is that of a square of the pixel's area.
fn footprints(scene: &Scene, epsg: u32) -> Result<[f64; 6]> {
    let dst = epsg_srs(epsg)?;
    let centre = scene.grid();
    let (cx, cy) = centre.pixel_to_crs(centre.width as f64 / 2.0, centre.height as f64 / 2.0);
    let grids = scene.band_grids()?;
    let mut out = [0.0; 6];
    for (slot, role) in out.iter_mut().zip(BandRole::ALL) {
        let (_, g) = grids
            .iter()
            .find(|(r, _)| *r == role)
            .ok_or_else(|| anyhow!("{}: no {} band", scene.path().display(), role.name()))?;
        let src = g.spatial_ref()?;
        let t = CoordTransform::new(&src, &dst)?;
        // The band pixel holding the scene's centre (the band's grid may differ from the
        // scene's), and its corners along both axes.
        let centre_t = CoordTransform::new(&centre.spatial_ref()?, &src)?;
        let (mut xs, mut ys) = (vec![cx], vec![cy]);
        centre_t.transform_coords(&mut xs, &mut ys, &mut [])?;
        let gt = g.geo_transform;
        let col = ((xs[0] - gt[0]) / gt[1]).floor();
        let row = ((ys[0] - gt[3]) / gt[5]).floor();
        let corners = [(col, row), (col + 1.0, row), (col, row + 1.0)];
        let (mut xs, mut ys): (Vec<f64>, Vec<f64>) =
            corners.iter().map(|&(c, r)| g.pixel_to_crs(c, r)).unzip();
        t.transform_coords(&mut xs, &mut ys, &mut []).map_err(|e| {
            anyhow!(BadInput(format!(
                "{}: cannot project its {} band's pixel to EPSG:{epsg}: {e}",
                scene.path().display(),
                role.name()
            )))
        })?;
        let (ax, ay) = (xs[1] - xs[0], ys[1] - ys[0]);
        let (bx, by) = (xs[2] - xs[0], ys[2] - ys[0]);
        *slot = (ax * by - ay * bx).abs().sqrt();
    }
    Ok(out)
}

/// Acquisition date (YYYY-MM-DD) of a scene when its name or folder says: an OSCD-style
/// `imgs_N` folder whose parent's `dates.txt` has `date_N: YYYYMMDD`, else the first plausible
/// YYYYMMDD in a file's name.
fn date_hint(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_string_lossy().to_string();
    if path.is_dir() {
        let n = name.strip_prefix("imgs_")?;
        let text = std::fs::read_to_string(path.parent()?.join("dates.txt")).ok()?;
        let key = format!("date_{n}:");
        let value = text
            .lines()
            .find_map(|l| l.trim().strip_prefix(&key).map(|v| v.trim().to_string()))?;
        return yyyymmdd(&value);
    }
    let bytes = name.as_bytes();
    (0..bytes.len().saturating_sub(7)).find_map(|i| {
        let run = &name[i..i + 8];
        let bounded = (i == 0 || !bytes[i - 1].is_ascii_digit())
            && !matches!(bytes.get(i + 8), Some(b) if b.is_ascii_digit());
        if bounded {
            yyyymmdd(run)
        } else {
            None
        }
    })
}

fn yyyymmdd(s: &str) -> Option<String> {
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (y, m, d): (u32, u32, u32) = (
        s[..4].parse().ok()?,
        s[4..6].parse().ok()?,
        s[6..].parse().ok()?,
    );
    ((1972..=2100).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// One line on how a scene was read: its bands and the reflectance conversion.
fn reading(scene: &Scene) -> String {
    let d = scene.describe();
    let bands: Vec<String> = d["bands"]
        .as_array()
        .map(|bands| {
            bands
                .iter()
                .map(|b| {
                    let file = b["file"].as_str().map(Path::new).and_then(Path::file_name);
                    format!(
                        "{}={}:{}",
                        b["role"].as_str().unwrap_or("?"),
                        file.map(|f| f.to_string_lossy().to_string())
                            .unwrap_or_default(),
                        b["band"]
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let first = &d["bands"][0];
    format!(
        "{}; reflectance = stored x {} + {} ({})",
        bands.join(" "),
        first["scale"],
        first["offset"],
        first["scale_source"].as_str().unwrap_or("")
    )
}

fn command_line(a: &PlantArgs) -> String {
    let mut s = format!(
        "goldsweep plant --before {} --after {} --out DIR --seed {}",
        a.before.display(),
        a.after.display(),
        a.seed
    );
    if a.sharp {
        s.push_str(" --sharp");
    }
    let o = &a.scene;
    if o.sensor != SensorArg::Auto {
        if let Some(v) = o.sensor.to_possible_value() {
            s.push_str(&format!(" --sensor {}", v.get_name()));
        }
    }
    if let Some(b) = &o.bands {
        s.push_str(&format!(" --bands {b}"));
    }
    if let Some(v) = o.scale {
        s.push_str(&format!(" --scale {v}"));
    }
    if let Some(v) = o.offset {
        s.push_str(&format!(" --offset {v}"));
    }
    s
}
