//! Writing the run's outputs: all files are written under temporary names and renamed into
//! place only when every one of them is complete, so a failed run never leaves a file that
//! looks finished.

use std::fs;
use std::path::{Path, PathBuf};

use geo::MultiPolygon;
use goldsweep_detect::classify::Certainty;
use goldsweep_detect::evidence::group;
use goldsweep_detect::ChangeClass;
use goldsweep_raster::{ClassRasterWriter, Grid};
use ndarray::Array2;
use serde_json::{json, Value};

use crate::candidates::Candidate;
use crate::detect_pass::TileOutput;
use crate::error::SweepError;
use crate::seam_stitch::Stitched;

/// Names of the files a sweep writes.
pub const CANDIDATES: &str = "candidates.geojson";
pub const OBJECTS: &str = "objects.geojson";
pub const CHANGE_RASTER: &str = "change.tif";
pub const MANIFEST: &str = "run.json";

/// Whether a file name is of a kind of output (see [`Staging::own_folder`]).
pub type FileKind = fn(&str) -> bool;

/// Files being written: temporary paths and the final names they get on [`Staging::commit`].
/// Dropping an uncommitted staging removes the temporary files.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    pending: Vec<(PathBuf, PathBuf)>,
    /// Sub-folders whose files of the run's own kind are replaced as a whole on commit.
    owned: Vec<(PathBuf, FileKind)>,
    committed: bool,
}

impl Staging {
    pub fn new(dir: &Path) -> Result<Staging, SweepError> {
        fs::create_dir_all(dir).map_err(|e| SweepError::Output {
            path: dir.to_path_buf(),
            reason: e.to_string(),
        })?;
        Ok(Staging {
            dir: dir.to_path_buf(),
            pending: Vec::new(),
            owned: Vec::new(),
            committed: false,
        })
    }

    /// Final path of an output.
    pub fn final_path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Writes a whole text file under a temporary name.
    pub fn write_text(&mut self, name: &str, text: &str) -> Result<(), SweepError> {
        let tmp = self.dir.join(format!(".{name}.partial"));
        fs::write(&tmp, text).map_err(|e| SweepError::Output {
            path: tmp.clone(),
            reason: e.to_string(),
        })?;
        self.pending.push((tmp, self.dir.join(name)));
        Ok(())
    }

    /// Registers a file that a writer renames into place itself (the change raster).
    pub fn adopt(&mut self, final_path: PathBuf) {
        self.pending.push((PathBuf::new(), final_path));
    }

    /// Writes a whole binary file (a PNG chip) under a temporary name. `name` may name a file
    /// in a subfolder (`chips/ST-wx4g0ec1_before.png`); the folder is created as needed.
    pub fn write_bytes(&mut self, name: &str, bytes: &[u8]) -> Result<(), SweepError> {
        let tmp = self.reserve(name)?;
        fs::write(&tmp, bytes).map_err(|e| SweepError::Output {
            path: tmp.clone(),
            reason: e.to_string(),
        })
    }

    /// Registers a file that a writer produces itself (a GeoPackage written by GDAL) and
    /// returns the temporary path to write it at. The file is renamed to `name` on
    /// [`Staging::commit`] and removed if the staging is dropped uncommitted. The temporary
    /// name keeps the extension (`.goldsweep.partial.gpkg`), for drivers that pick the format
    /// by it. `name` may name a file in a subfolder, which is created now (an empty folder may
    /// remain if the run fails later).
    pub fn reserve(&mut self, name: &str) -> Result<PathBuf, SweepError> {
        let dst = self.dir.join(name);
        let parent = dst.parent().unwrap_or(&self.dir).to_path_buf();
        fs::create_dir_all(&parent).map_err(|e| SweepError::Output {
            path: parent.clone(),
            reason: e.to_string(),
        })?;
        let file = Path::new(name)
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_else(|| name.to_string());
        let tmp_name = match file.rsplit_once('.') {
            Some((stem, ext)) if !stem.is_empty() => format!(".{stem}.partial.{ext}"),
            _ => format!(".{file}.partial"),
        };
        let tmp = parent.join(tmp_name);
        self.pending.push((tmp.clone(), dst));
        Ok(tmp)
    }

    /// Declares that this run owns the files of sub-folder `name` for which `ours(file_name)`
    /// holds: on [`Staging::commit`], those that this run did not write (left by an earlier run
    /// into the same folder) are removed, so the folder shows this run's files only. Other
    /// files in it are never touched.
    pub fn own_folder(&mut self, name: &str, ours: FileKind) {
        self.owned.push((self.dir.join(name), ours));
    }

    /// Renames every staged file into place, then removes the stale files of owned folders.
    pub fn commit(mut self) -> Result<Vec<PathBuf>, SweepError> {
        let mut done = Vec::new();
        for (tmp, dst) in &self.pending {
            if !tmp.as_os_str().is_empty() {
                fs::rename(tmp, dst).map_err(|e| SweepError::Output {
                    path: dst.clone(),
                    reason: e.to_string(),
                })?;
            }
            done.push(dst.clone());
        }
        self.committed = true;
        for (folder, ours) in &self.owned {
            let Ok(entries) = fs::read_dir(folder) else {
                continue;
            };
            for path in entries.flatten().map(|e| e.path()) {
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if path.is_file() && ours(name) && !done.contains(&path) {
                    fs::remove_file(&path).map_err(|e| SweepError::Output {
                        path: path.clone(),
                        reason: format!("cannot remove the stale file of an earlier run: {e}"),
                    })?;
                }
            }
        }
        Ok(done)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            for (tmp, dst) in &self.pending {
                if tmp.as_os_str().is_empty() {
                    let _ = fs::remove_file(dst);
                } else {
                    let _ = fs::remove_file(tmp);
                }
            }
        }
    }
}

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

fn ring_coords(ls: &geo::LineString<f64>) -> Value {
    Value::Array(
        ls.coords()
            .map(|c| json!([round(c.x, 7), round(c.y, 7)]))
            .collect(),
    )
}

/// RFC 7946 geometry of a lon/lat multipolygon (a Polygon when it has one part). Exterior rings
/// are counter-clockwise and holes clockwise, as the RFC asks.
fn polygon_geometry(m: &MultiPolygon<f64>) -> Value {
    use geo::orient::{Direction, Orient};
    let m = m.orient(Direction::Default);
    let polys: Vec<Value> =
        m.0.iter()
            .map(|p| {
                let mut rings = vec![ring_coords(p.exterior())];
                rings.extend(p.interiors().iter().map(ring_coords));
                Value::Array(rings)
            })
            .collect();
    if polys.len() == 1 {
        json!({"type": "Polygon", "coordinates": polys[0]})
    } else {
        json!({"type": "MultiPolygon", "coordinates": polys})
    }
}

fn opt<T: serde::Serialize>(v: Option<T>) -> Value {
    v.map(|x| json!(x)).unwrap_or(Value::Null)
}

/// Properties shared by the point and polygon layers.
fn candidate_properties(c: &Candidate) -> serde_json::Map<String, Value> {
    let e = &c.evidence;
    let v = json!({
        "id": c.id,
        "rank": c.rank,
        "score": round(c.score, 4),
        "tier": c.tier,
        "class": c.class.name(),
        "tentative": c.certainty == Certainty::Tentative,
        "area_m2": round(c.area_m2, 1),
        "area_mu": round(c.area_mu(), 2),
        "pixels": c.pixels,
        "length_m": round(c.length_m, 1),
        "width_m": round(c.width_m, 1),
        "relation": c.relation.as_str(),
        "mine_id": opt(c.mine_id.as_deref()),
        "mine_name": opt(c.mine_name.as_deref()),
        "mine_status": opt(c.mine_status.map(|s| s.as_str())),
        "distance_m": opt(c.distance_m.map(|d| round(d, 1))),
        "protected_area": opt(c.protected_area.as_deref()),
        "leach_site": c.context.leach_site,
        "pond_lattice": c.context.pond_lattice,
        "degraded_no_swir": c.degraded,
        "confirmed": c.context.confirmed,
        "reactivated": c.context.reactivated,
        "persistence": opt(c.persistence.map(|p| round(p, 3))),
        "ndvi_series": c.ndvi_series.iter().map(|v| opt(v.map(|x| round(f64::from(x), 3)))).collect::<Vec<_>>(),
        "county": opt(c.county.as_deref()),
        "province": opt(c.province.as_deref()),
        "magnitude": round(e.magnitude as f64, 3),
        "d_ndvi": round(e.d_ndvi as f64, 4),
        "d_bsi": round(e.d_bare as f64, 4),
        "d_mndwi": round(e.d_water as f64, 4),
        "bsi_after": round(e.bare_after as f64, 4),
        "mndwi_after": round(e.water_after as f64, 4),
        "d_brightness": round(e.d_bright as f64, 4),
        "d_swir": round(e.d_swir as f64, 4),
        "visible_after": round(e.visible_after as f64, 4),
        "core_visible": round(c.core_visible as f64, 4),
        "core_d_brightness": round(c.core_brightening as f64, 4),
        "reason": c.reason,
    });
    match v {
        Value::Object(m) => m,
        _ => serde_json::Map::new(),
    }
}

fn collection(name: &str, features: Vec<Value>) -> String {
    let fc = json!({
        "type": "FeatureCollection",
        "name": name,
        "features": features,
    });
    let mut s = serde_json::to_string_pretty(&fc).unwrap_or_default();
    s.push('\n');
    s
}

/// One feature per candidate, by rank, with the given geometry.
fn candidate_collection(
    name: &str,
    cands: &[Candidate],
    geometry: impl Fn(&Candidate) -> Value,
) -> String {
    let features = cands
        .iter()
        .map(|c| {
            json!({
                "type": "Feature",
                "id": c.id,
                "geometry": geometry(c),
                "properties": candidate_properties(c),
            })
        })
        .collect();
    collection(name, features)
}

/// `candidates.geojson`: one point per candidate, by rank.
pub fn candidates_geojson(cands: &[Candidate]) -> String {
    candidate_collection(
        "candidates",
        cands,
        |c| json!({"type": "Point", "coordinates": [round(c.lon, 7), round(c.lat, 7)]}),
    )
}

/// `objects.geojson`: the outline of every candidate, by rank.
pub fn objects_geojson(cands: &[Candidate]) -> String {
    candidate_collection("objects", cands, |c| polygon_geometry(&c.outline))
}

/// Category names of the change raster, by value 0..=5.
pub const CATEGORY_NAMES: [&str; 6] = [
    "no_change",
    "spoil_heap",
    "leach_pond",
    "access_track",
    "vegetation_loss",
    "other_change",
];

/// `change.tif`: per pixel the class of the kept object it belongs to, 255 where masked.
pub fn write_change_raster(
    staging: &mut Staging,
    grid: &Grid,
    tiles: &[TileOutput],
    stitched: &Stitched,
    class_of: &[Option<ChangeClass>],
) -> Result<(), SweepError> {
    let path = staging.final_path(CHANGE_RASTER);
    let mut w = ClassRasterWriter::create(&path, grid, group::INVALID, &CATEGORY_NAMES)?;
    for (t, tile) in tiles.iter().enumerate() {
        let core = tile.spec.core;
        let mut a = Array2::<u8>::zeros((core.height, core.width));
        let (r0, c0) = (core.row as u32, core.col as u32);
        for run in &tile.invalid_runs {
            a.row_mut((run.row - r0) as usize)
                .slice_mut(ndarray::s![
                    (run.col_start - c0) as usize..(run.col_end - c0) as usize
                ])
                .fill(group::INVALID);
        }
        for run in &tile.change_runs {
            let obj = stitched.object_of[t][run.label as usize - 1];
            if let Some(class) = class_of[obj] {
                a.row_mut((run.row - r0) as usize)
                    .slice_mut(ndarray::s![
                        (run.col_start - c0) as usize..(run.col_end - c0) as usize
                    ])
                    .fill(class.code());
            }
        }
        w.write(core, a.view())?;
    }
    w.finish()?;
    staging.adopt(path);
    Ok(())
}
