//! Object-level scores: truth polygons against a run's objects and ranked candidates.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use geo::{Area, BooleanOps, BoundingRect, Intersects, MultiPolygon, Point, Rect};
use serde::Serialize;

use crate::confusion::ratio;
use crate::geojson_features::{read_features, Feature, Shape};
use crate::masked_points::count_masked_points;
use crate::EvalError;

/// `context` of truth objects that are legal activity inside a licensed mine.
pub const ACTIVE_MINE_CONTEXT: &str = "active_mine";

/// Recall of one class of mining truth objects.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassRecall {
    /// Mining truth objects of this class.
    pub truth: usize,
    /// Of those, how many some output object intersects.
    pub found: usize,
    /// found / truth.
    pub recall: f64,
    /// Of the found ones, how many have a best-overlapping output of the same class.
    pub class_correct: usize,
    /// Of the found ones, how many each output class read them as (the class of the
    /// best-overlapping output, this class included): where the misread ones went.
    pub read_as: BTreeMap<String, usize>,
}

/// Object scores of one run. Ratios are 0.0 when their denominator is 0.
///
/// A truth object is *matched* by an output when their geometries intersect (`geo::Intersects`, in
/// lon/lat). A candidate's geometry is its polygon in `objects.geojson` (same `id`), or its point
/// when that file has no polygon with its id. *Mining* truth has `mining: true`; *active mine* truth
/// has `context: "active_mine"`; a *confuser* is any other truth with `mining: false`
/// (farm ponds, buildings, harvested fields).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectScores {
    /// Truth objects with `mining: true`.
    pub truth_mining: usize,
    /// Mining truth objects intersected by at least one output object polygon.
    pub found_mining: usize,
    /// found_mining / truth_mining.
    pub recall: f64,
    /// Among found mining truth objects, the fraction whose best-overlapping output (largest
    /// intersection area, then best rank) has the truth's class.
    pub class_accuracy: f64,
    /// Number of candidates.
    pub candidates: usize,
    /// Fraction of candidates matching any truth object (mining, active mine or confuser).
    pub precision: f64,
    /// k = truth_mining.
    pub k: usize,
    /// Of the k best-ranked candidates, the number matching a mining truth object, divided by k.
    pub precision_at_k: f64,
    /// Recall by truth class, mining objects only.
    pub per_class: BTreeMap<String, ClassRecall>,
    /// True when every candidate matching active-mine truth ranks strictly below (larger `rank`)
    /// every candidate matching mining truth; true when either set is empty.
    pub active_below_mining: bool,
    /// Candidates whose point falls on a masked (255) pixel of `change.tif`.
    pub masked_candidates: usize,
    /// Of the k best-ranked candidates, the number matching a confuser.
    pub confusers_in_top_k: usize,
}

/// Scores the run in `run_dir` (`objects.geojson`, `candidates.geojson`, `change.tif`) against
/// the truth polygons in `truth_geojson` (properties `truth_id`, `class`, `mining`, optional
/// `context`, `expected_relation`).
///
/// Errors: a missing file, a file that is not a FeatureCollection of the expected geometries,
/// a missing or mistyped property, a duplicate `id`, or a `change.tif` that is not georeferenced.
pub fn object_scores(run_dir: &Path, truth_geojson: &Path) -> Result<ObjectScores, EvalError> {
    let truth = read_truth(truth_geojson)?;
    let candidates = read_candidates(&run_dir.join("candidates.geojson"))?;
    let objects = read_objects(&run_dir.join("objects.geojson"))?;
    let points: Vec<Point<f64>> = candidates.iter().map(|c| c.point).collect();
    let masked_candidates = count_masked_points(&run_dir.join("change.tif"), &points)?;
    let outputs = Outputs::assemble(candidates, objects);
    let mut scores = score(&truth, &outputs);
    scores.masked_candidates = masked_candidates;
    Ok(scores)
}

/// One truth polygon.
struct TruthObject {
    class: String,
    mining: bool,
    context: Option<String>,
    area: MultiPolygon<f64>,
    bbox: Option<Rect<f64>>,
}

impl TruthObject {
    fn is_active_mine(&self) -> bool {
        self.context.as_deref() == Some(ACTIVE_MINE_CONTEXT)
    }

    fn is_confuser(&self) -> bool {
        !self.mining && !self.is_active_mine()
    }
}

/// One ranked candidate point from `candidates.geojson`.
struct Candidate {
    id: String,
    rank: u64,
    class: String,
    point: Point<f64>,
}

/// One output polygon from `objects.geojson`.
struct OutputObject {
    class: String,
    area: MultiPolygon<f64>,
}

/// Where an output lies: its object polygon, or its point when it has none.
enum Footprint {
    Area(MultiPolygon<f64>),
    Point(Point<f64>),
}

impl Footprint {
    fn bbox(&self) -> Option<Rect<f64>> {
        match self {
            Footprint::Area(a) => a.bounding_rect(),
            Footprint::Point(p) => Some(Rect::new(p.0, p.0)),
        }
    }

    fn intersects(&self, other: &MultiPolygon<f64>) -> bool {
        match self {
            Footprint::Area(a) => a.intersects(other),
            Footprint::Point(p) => p.intersects(other),
        }
    }

    /// Intersection area in square degrees (0 for a point); only used to compare overlaps.
    fn overlap_area(&self, other: &MultiPolygon<f64>) -> f64 {
        match self {
            Footprint::Area(a) => a.intersection(other).unsigned_area(),
            Footprint::Point(_) => 0.0,
        }
    }
}

/// An output object: every candidate (in rank order) first, then objects without a candidate.
struct Output {
    class: String,
    /// `None` for an object with no candidate.
    rank: Option<u64>,
    footprint: Footprint,
    bbox: Option<Rect<f64>>,
}

struct Outputs {
    all: Vec<Output>,
    /// `all[..candidates]` are the candidates, in rank order.
    candidates: usize,
}

impl Outputs {
    fn assemble(
        mut candidates: Vec<Candidate>,
        mut objects: HashMap<String, OutputObject>,
    ) -> Outputs {
        candidates.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.id.cmp(&b.id)));
        let count = candidates.len();
        let mut all: Vec<Output> = candidates
            .into_iter()
            .map(|c| {
                let footprint = match objects.remove(&c.id) {
                    Some(object) => Footprint::Area(object.area),
                    None => Footprint::Point(c.point),
                };
                Output {
                    class: c.class,
                    rank: Some(c.rank),
                    bbox: footprint.bbox(),
                    footprint,
                }
            })
            .collect();
        let mut rest: Vec<(String, OutputObject)> = objects.into_iter().collect();
        rest.sort_by(|a, b| a.0.cmp(&b.0));
        all.extend(rest.into_iter().map(|(_, object)| {
            let footprint = Footprint::Area(object.area);
            Output {
                class: object.class,
                rank: None,
                bbox: footprint.bbox(),
                footprint,
            }
        }));
        Outputs {
            all,
            candidates: count,
        }
    }
}

/// Whether `output` matches `truth`: bounding boxes first, then the exact test.
fn matches(output: &Output, truth: &TruthObject) -> bool {
    match (output.bbox, truth.bbox) {
        (Some(a), Some(b)) if a.intersects(&b) => output.footprint.intersects(&truth.area),
        _ => false,
    }
}

fn score(truth: &[TruthObject], outputs: &Outputs) -> ObjectScores {
    // hits[o] = indices of truth objects that output o matches.
    let hits: Vec<Vec<usize>> = outputs
        .all
        .iter()
        .map(|o| {
            (0..truth.len())
                .filter(|&t| matches(o, &truth[t]))
                .collect()
        })
        .collect();
    let hits_where =
        |o: usize, pred: &dyn Fn(&TruthObject) -> bool| hits[o].iter().any(|&t| pred(&truth[t]));

    let mut per_class: BTreeMap<String, ClassRecall> = BTreeMap::new();
    let (mut truth_mining, mut found_mining, mut class_correct) = (0, 0, 0);
    for (t, object) in truth.iter().enumerate().filter(|(_, o)| o.mining) {
        truth_mining += 1;
        let entry = per_class
            .entry(object.class.clone())
            .or_insert(ClassRecall {
                truth: 0,
                found: 0,
                recall: 0.0,
                class_correct: 0,
                read_as: BTreeMap::new(),
            });
        entry.truth += 1;
        let Some(best) = best_overlap(t, object, outputs, &hits) else {
            continue;
        };
        found_mining += 1;
        entry.found += 1;
        let read = &outputs.all[best].class;
        *entry.read_as.entry(read.clone()).or_insert(0) += 1;
        if *read == object.class {
            class_correct += 1;
            entry.class_correct += 1;
        }
    }
    for entry in per_class.values_mut() {
        entry.recall = ratio(entry.found as u64, entry.truth as u64);
    }

    let n = outputs.candidates;
    let matched_any = (0..n).filter(|&o| !hits[o].is_empty()).count();
    let k = truth_mining;
    let top = 0..k.min(n);
    let mining_in_top = top
        .clone()
        .filter(|&o| hits_where(o, &|t| t.mining))
        .count();
    let confusers_in_top_k = top
        .filter(|&o| hits_where(o, &TruthObject::is_confuser))
        .count();

    let ranks_where = |pred: &dyn Fn(&TruthObject) -> bool| {
        (0..n)
            .filter(|&o| hits_where(o, pred))
            .filter_map(|o| outputs.all[o].rank)
            .collect::<Vec<_>>()
    };
    let worst_mining = ranks_where(&|t| t.mining).into_iter().max();
    let best_active = ranks_where(&TruthObject::is_active_mine).into_iter().min();
    let active_below_mining = match (worst_mining, best_active) {
        (Some(m), Some(a)) => a > m,
        _ => true,
    };

    ObjectScores {
        truth_mining,
        found_mining,
        recall: ratio(found_mining as u64, truth_mining as u64),
        class_accuracy: ratio(class_correct as u64, found_mining as u64),
        candidates: n,
        precision: ratio(matched_any as u64, n as u64),
        k,
        precision_at_k: ratio(mining_in_top as u64, k as u64),
        per_class,
        active_below_mining,
        masked_candidates: 0,
        confusers_in_top_k,
    }
}

/// The output matching truth `t` with the largest intersection area; ties go to the better rank
/// (candidates before rank-less objects), then to file order.
fn best_overlap(
    t: usize,
    object: &TruthObject,
    outputs: &Outputs,
    hits: &[Vec<usize>],
) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (o, output) in outputs.all.iter().enumerate() {
        if !hits[o].contains(&t) {
            continue;
        }
        let area = output.footprint.overlap_area(&object.area);
        let better = match best {
            None => true,
            Some((b, best_area)) => {
                area > best_area
                    || (area == best_area
                        && output.rank.unwrap_or(u64::MAX)
                            < outputs.all[b].rank.unwrap_or(u64::MAX))
            }
        };
        if better {
            best = Some((o, area));
        }
    }
    best.map(|(o, _)| o)
}

fn require_area(path: &Path, feature: &Feature) -> Result<MultiPolygon<f64>, EvalError> {
    match &feature.shape {
        Shape::Area(area) => Ok(area.clone()),
        Shape::Point(_) => Err(bad_geojson(
            path,
            format!(
                "feature {} is a Point, expected a Polygon or MultiPolygon",
                feature.index
            ),
        )),
    }
}

fn bad_geojson(path: &Path, detail: String) -> EvalError {
    EvalError::BadGeoJson {
        path: PathBuf::from(path),
        detail,
    }
}

fn read_truth(path: &Path) -> Result<Vec<TruthObject>, EvalError> {
    read_features(path)?
        .iter()
        .map(|f| {
            f.identifier(path, "truth_id")?;
            let area = require_area(path, f)?;
            Ok(TruthObject {
                class: f.string(path, "class")?,
                mining: f.boolean(path, "mining")?,
                context: f.optional_string(path, "context")?,
                bbox: area.bounding_rect(),
                area,
            })
        })
        .collect()
}

fn read_candidates(path: &Path) -> Result<Vec<Candidate>, EvalError> {
    let mut seen = HashMap::new();
    read_features(path)?
        .iter()
        .map(|f| {
            let id = f.identifier(path, "id")?;
            if let Some(first) = seen.insert(id.clone(), f.index) {
                return Err(bad_geojson(
                    path,
                    format!("features {first} and {} share id {id}", f.index),
                ));
            }
            let Shape::Point(point) = f.shape else {
                return Err(bad_geojson(
                    path,
                    format!("feature {} is not a Point", f.index),
                ));
            };
            Ok(Candidate {
                rank: f.unsigned(path, "rank")?,
                class: f.string(path, "class")?,
                id,
                point,
            })
        })
        .collect()
}

fn read_objects(path: &Path) -> Result<HashMap<String, OutputObject>, EvalError> {
    let mut objects = HashMap::new();
    for f in read_features(path)? {
        let id = f.identifier(path, "id")?;
        let object = OutputObject {
            class: f.string(path, "class")?,
            area: require_area(path, &f)?,
        };
        if objects.insert(id.clone(), object).is_some() {
            return Err(bad_geojson(
                path,
                format!("feature {} repeats id {id}", f.index),
            ));
        }
    }
    Ok(objects)
}
