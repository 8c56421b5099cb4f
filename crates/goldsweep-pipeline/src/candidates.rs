//! From stitched objects to ranked, explained candidates: minimum mapping unit, class, outline,
//! area, catalogue relation, score, rank and a stable id.

use geo::{InteriorPoint, MultiPolygon};
use goldsweep_catalogue::{AreaLayer, Catalogue, CrsTransform, MineStatus, Relation, RelationKind};
use goldsweep_detect::classify::{
    is_bright_surface, is_open_pond, is_pond_mixture, is_shadow_shift, is_wetted, judge, Certainty,
    ClassParams,
};
use goldsweep_detect::evidence::{group, EvidenceParams};
use goldsweep_detect::normalise::{FitParams, SceneFit};
use goldsweep_detect::object_stats::{Evidence, ObjectStats, Shape};
use goldsweep_detect::ChangeClass;
use goldsweep_raster::{Grid, Scene};
use rayon::prelude::*;

use crate::detect_pass::{Run, TileOutput};
use crate::error::SweepError;
use crate::focus::FocusZones;
use crate::footprint::{outline_to_crs, pixel_to_crs, runs_outline};
use crate::score::{at_closed_or_illegal, proximity, score, tier, Context};
use crate::seam_stitch::Stitched;
use crate::site_context::{contexts, ContextParams, Placed};
use crate::time_series::analyse;
use crate::track_beads::string_beads;
use crate::track_pieces::join_track_pieces;
use crate::winding::follow_windings;

/// Square metres in one 亩 (mu): 1/15 hectare.
pub const M2_PER_MU: f64 = 10_000.0 / 15.0;

/// A ranked candidate point with everything a field team and an analyst need.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Index of the stitched object (scene order).
    pub object: usize,
    pub id: String,
    pub rank: usize,
    pub score: f64,
    pub tier: u8,
    pub class: ChangeClass,
    /// How firmly the evidence supports the class (a spoil heap by its core alone, on ground
    /// already bare, where no vegetation was lost or on ground neither vegetated nor bare, a
    /// track on bare ground or thinly cleared, and new water of one open-water pixel or none,
    /// are tentative; see [`Certainty`]).
    pub certainty: Certainty,
    pub pixels: u64,
    pub area_m2: f64,
    pub length_m: f64,
    pub width_m: f64,
    pub evidence: Evidence,
    /// Mean visible reflectance of the after date over the object's brightest pixels
    /// ([`goldsweep_detect::object_stats::ObjectStats::core_visible`]).
    pub core_visible: f32,
    /// Mean brightening over the same pixels
    /// ([`goldsweep_detect::object_stats::ObjectStats::core_brightening`]).
    pub core_brightening: f32,
    pub relation: RelationKind,
    pub mine_id: Option<String>,
    pub mine_name: Option<String>,
    pub mine_status: Option<MineStatus>,
    pub distance_m: Option<f64>,
    /// Protected area the object intersects, if any.
    pub protected_area: Option<String>,
    /// County (县/区) and province holding the candidate point, when county boundaries were given.
    pub county: Option<String>,
    pub province: Option<String>,
    /// Representative point on the object, WGS84 lon/lat.
    pub lon: f64,
    pub lat: f64,
    /// Outline, WGS84 lon/lat.
    pub outline: MultiPolygon<f64>,
    /// Outline in the metric work CRS (for distances between candidates).
    pub outline_work: MultiPolygon<f64>,
    /// What the neighbourhood says (leach-site layout, pond lattice, protected area).
    pub context: Context,
    /// The object's pixels as row runs (scene grid).
    pub runs: Vec<Run>,
    /// Over a time series: fraction of the pixels in objects kept at the previous date, and
    /// the mean NDVI of the pixels on every date (oldest first).
    pub persistence: Option<f64>,
    pub ndvi_series: Vec<Option<f32>>,
    /// Classified without SWIR (four-band sensor): spoil vs. built-up and water vs. shadow are
    /// less certain.
    pub degraded: bool,
    pub reason: String,
}

impl Candidate {
    pub fn area_mu(&self) -> f64 {
        self.area_m2 / M2_PER_MU
    }
}

/// Settings of the object stage.
#[derive(Debug, Clone, Copy)]
pub struct ObjectSettings {
    /// Smallest object kept, m², unless it relates to a closed mine or an illegal site or is
    /// new water.
    pub min_area_m2: f64,
    /// Smallest object kept at or near a closed mine or an illegal site, m².
    pub focus_min_area_m2: f64,
    /// Smallest object kept, pixels (whatever the pixel size); new water at a closed mine or
    /// an illegal site needs only [`POND_MIN_PIXELS`].
    pub min_pixels: u64,
    /// Distance within which a mine counts as near, m.
    pub near_m: f64,
    /// Class rules; their `swir` says whether both dates have SWIR. Without it the bare-soil
    /// and water evidence comes from visible and NIR bands only and every candidate says so.
    pub classes: ClassParams,
    pub context: ContextParams,
}

/// The scenes of a time series (more than two dates), for [`crate::time_series::analyse`].
#[derive(Debug, Clone, Copy)]
pub struct SeriesInputs<'a> {
    /// Dates older than before, oldest first (only for re-activation).
    pub history: &'a [Scene],
    pub before: &'a Scene,
    /// Dates between before and after, oldest first.
    pub intermediate: &'a [Scene],
    pub after: &'a Scene,
    pub fit_params: &'a FitParams,
    pub evidence: &'a EvidenceParams,
    /// The main sweep's focus zones: the previous date is swept with them too.
    pub focus: &'a FocusZones,
    pub tile_size: usize,
}

/// Optional area layers the candidates are placed in (all in the work CRS).
#[derive(Debug, Default)]
pub struct AreaContext {
    pub protected: Option<AreaLayer>,
    pub counties: Option<AreaLayer>,
}

/// Area (m²) and side (m) of the pixel at `(col, row)` of `grid` (fractional pixel
/// coordinates), measured in the metric work CRS that `to_work` converts to.
pub fn pixel_metrics(
    grid: &Grid,
    to_work: &CrsTransform,
    col: f64,
    row: f64,
) -> Result<(f64, f64), SweepError> {
    let gt = grid.geo_transform;
    if !grid.is_geographic() {
        let a = (gt[1] * gt[5] - gt[2] * gt[4]).abs();
        return Ok((a, a.sqrt()));
    }
    let p = |c: f64, r: f64| -> Result<(f64, f64), SweepError> {
        let (x, y) = pixel_to_crs(&gt, c, r);
        Ok(to_work.convert(x, y)?)
    };
    let (o, e, s) = (p(col, row)?, p(col + 1.0, row)?, p(col, row + 1.0)?);
    let a = ((e.0 - o.0) * (s.1 - o.1) - (e.1 - o.1) * (s.0 - o.0)).abs();
    Ok((a, a.sqrt()))
}

/// The CRS in which distances and areas are measured: the scene's own if projected, else the
/// UTM zone of the scene centre.
pub fn work_crs(grid: &Grid) -> Result<String, SweepError> {
    if !grid.is_geographic() {
        return Ok(grid.crs_wkt.clone());
    }
    let to_ll = CrsTransform::new(&grid.crs_wkt, "EPSG:4326")?;
    let (x, y) = pixel_to_crs(
        &grid.geo_transform,
        grid.width as f64 / 2.0,
        grid.height as f64 / 2.0,
    );
    let (lon, lat) = to_ll.convert(x, y)?;
    Ok(goldsweep_catalogue::utm_crs_for(lon, lat))
}

/// An object a sweep keeps (see [`keep_objects`]), with what placing it on the ground took.
#[derive(Debug, Clone)]
pub struct KeptObject {
    /// Index of the stitched object (scene order).
    pub object: usize,
    pub class: ChangeClass,
    pub certainty: Certainty,
    pub area_m2: f64,
    /// Side of a pixel at the object, m.
    pub side_m: f64,
    /// The object's pixels as row runs (scene grid), by row then column.
    pub runs: Vec<Run>,
    /// Outline in the scene CRS and in the metric work CRS.
    pub outline_crs: MultiPolygon<f64>,
    pub outline_work: MultiPolygon<f64>,
    pub relation: Relation,
}

/// Objects of a sweep that a change map shows: the kept objects in scene order, and per
/// stitched object its class if kept.
#[derive(Debug, Clone)]
pub struct KeptObjects {
    pub kept: Vec<KeptObject>,
    pub class_of: Vec<Option<ChangeClass>>,
}

/// Fewest pixels of new water kept at a closed mine or an illegal site, where a leach pond
/// of 150–300 m², or the part of one a cloud leaves visible, covers two Sentinel-2 pixels.
pub const POND_MIN_PIXELS: u64 = 2;

/// The first cut of [`keeps`], before the object is related to the catalogue.
fn may_keep(o: &ObjectStats, area_m2: f64, fit: &SceneFit, settings: &ObjectSettings) -> bool {
    let min_pixels = if o.group == group::WATER {
        settings.min_pixels.min(POND_MIN_PIXELS)
    } else {
        settings.min_pixels
    };
    // Open water that was not there before is evidence of its own, beyond the magnitude: a
    // pond of a few pixels keeps little of its change once the magnitude is smoothed over each
    // pixel's neighbourhood.
    let strongest = if is_open_pond(o, &settings.classes) {
        fit.focus_threshold
    } else {
        fit.focus_strong_threshold
    };
    o.pixels >= min_pixels
        && area_m2 >= settings.focus_min_area_m2.min(settings.min_area_m2)
        && o.max_magnitude() >= strongest
        && !is_shadow_shift(o, &settings.classes)
}

/// The class of an object ([`judge`]), made tentative when the object's mean change magnitude
/// is below the focus strong threshold — the one pixel an object at a closed mine must reach:
/// on average it is no stronger than that. Such objects are mostly faint change found through
/// weaker lines chained into a track ([`goldsweep_detect::line_chains`]) — on real ground as
/// often the edge of a field or a path as a track graded —, and, in a scene whose thresholds are
/// at their floor, weak change anywhere; they rank below the objects that show their change in
/// full.
fn judge_faint(
    o: &ObjectStats,
    pixel_side_m: f64,
    fit: &SceneFit,
    settings: &ObjectSettings,
) -> (ChangeClass, Certainty) {
    let (class, certainty) = judge(o, pixel_side_m, &settings.classes);
    if o.mean().magnitude < fit.focus_strong_threshold {
        (class, Certainty::Tentative)
    } else {
        (class, certainty)
    }
}

/// The keep rule. An object needs `min_pixels` pixels, the focus minimum area (or the minimum
/// area, if smaller) and the focus strong threshold — new water with open water enough for a
/// firm pond ([`is_open_pond`]) only the focus threshold —, and must not be a
/// shadow that moved between the dates; then it is kept at a closed mine or an illegal site,
/// and elsewhere only if it is strong by the scene threshold and as large as the minimum
/// mapping unit. New water
/// is rarely noise, and a lattice of farm ponds must be seen to be told from leach ponds: it
/// needs only the focus minimum area anywhere, and at a closed mine or an illegal site only
/// [`POND_MIN_PIXELS`] pixels.
pub fn keeps(
    o: &ObjectStats,
    area_m2: f64,
    class: ChangeClass,
    relation: RelationKind,
    fit: &SceneFit,
    settings: &ObjectSettings,
) -> bool {
    may_keep(o, area_m2, fit, settings) && keeps_where(o, area_m2, class, relation, fit, settings)
}

/// The second cut of [`keeps`], for an object past the first, once it is related to the
/// catalogue.
fn keeps_where(
    o: &ObjectStats,
    area_m2: f64,
    class: ChangeClass,
    relation: RelationKind,
    fit: &SceneFit,
    settings: &ObjectSettings,
) -> bool {
    let strong = o.max_magnitude() >= fit.strong_threshold;
    let large = area_m2 >= settings.min_area_m2 || class == ChangeClass::LeachPond;
    at_closed_or_illegal(relation) || (o.pixels >= settings.min_pixels && strong && large)
}

/// Decides which stitched objects of a sweep are kept ([`keeps`]): measures, classifies,
/// outlines and relates to the catalogue every object that passes the first cut. The main
/// sweep and the previous date of a time series ([`crate::time_series`]) both keep their
/// objects by it.
pub fn keep_objects(
    grid: &Grid,
    work_crs: &str,
    tiles: &[TileOutput],
    stitched: &Stitched,
    catalogue: &Catalogue,
    fit: &SceneFit,
    settings: &ObjectSettings,
) -> Result<KeptObjects, SweepError> {
    let gt = grid.geo_transform;
    let projected = !grid.is_geographic();
    let pixel_metrics =
        |to_work: &CrsTransform, col: f64, row: f64| pixel_metrics(grid, to_work, col, row);

    // Class and area of every object that passes the first cut. Objects only strong enough by
    // the (lower) focus threshold, or only large enough by the (smaller) focus minimum area,
    // are kept for now and dropped below unless they relate to a closed mine or an illegal
    // site.
    let probe = CrsTransform::new(&grid.crs_wkt, work_crs)?;
    let mut judged = Vec::with_capacity(stitched.objects.len());
    let mut area_of = Vec::with_capacity(stitched.objects.len());
    for o in &stitched.objects {
        let (r, c) = o.centroid();
        let (pa, side) = pixel_metrics(&probe, c + 0.5, r + 0.5)?;
        let area = o.pixels as f64 * pa;
        judged.push(may_keep(o, area, fit, settings).then(|| judge_faint(o, side, fit, settings)));
        area_of.push((area, side));
    }

    // Runs of each such object.
    let mut runs_of: Vec<Vec<Run>> = vec![Vec::new(); stitched.objects.len()];
    for (t, tile) in tiles.iter().enumerate() {
        for run in &tile.change_runs {
            let obj = stitched.object_of[t][run.label as usize - 1];
            if judged[obj].is_some() {
                runs_of[obj].push(*run);
            }
        }
    }
    let sides: Vec<f64> = area_of.iter().map(|&(_, side)| side).collect();
    follow_windings(
        &stitched.objects,
        &mut judged,
        &runs_of,
        &sides,
        &settings.classes,
    );
    join_track_pieces(
        &stitched.objects,
        &mut judged,
        &runs_of,
        &sides,
        &settings.classes,
    );
    string_beads(
        &stitched.objects,
        &mut judged,
        &runs_of,
        &sides,
        &settings.classes,
    );
    let shortlist: Vec<(usize, (ChangeClass, Certainty))> = judged
        .iter()
        .enumerate()
        .filter_map(|(i, j)| j.map(|j| (i, j)))
        .collect();

    // Outline and catalogue relation; one job per thread, each with PROJ transforms of its own.
    let per_job = shortlist
        .len()
        .div_ceil(rayon::current_num_threads().max(1));
    let related: Vec<KeptObject> = shortlist
        .par_iter()
        .with_min_len(per_job.max(1))
        .map_init(
            || CrsTransform::new(&grid.crs_wkt, work_crs),
            |to_work, &(i, (class, certainty))| -> Result<KeptObject, SweepError> {
                let to_work = to_work
                    .as_ref()
                    .map_err(|e| SweepError::Transform(e.to_string()))?;
                let mut runs = runs_of[i].clone();
                let outline_px = runs_outline(&mut runs);
                runs.sort_by_key(|r| (r.row, r.col_start));
                let outline_crs = outline_to_crs(&outline_px, &gt);
                let outline_work = if projected {
                    outline_crs.clone()
                } else {
                    multipolygon(to_work.convert_geometry(&outline_crs.clone().into())?)
                };
                let relation = catalogue.relate(&outline_work, settings.near_m);
                let (area_m2, side_m) = area_of[i];
                Ok(KeptObject {
                    object: i,
                    class,
                    certainty,
                    area_m2,
                    side_m,
                    runs,
                    outline_crs,
                    outline_work,
                    relation,
                })
            },
        )
        .collect::<Result<_, _>>()?;

    let kept: Vec<KeptObject> = related
        .into_iter()
        .filter(|k| {
            let o = &stitched.objects[k.object];
            keeps_where(o, k.area_m2, k.class, k.relation.kind, fit, settings)
        })
        .collect();
    let mut class_of = vec![None; stitched.objects.len()];
    for k in &kept {
        class_of[k.object] = Some(k.class);
    }
    Ok(KeptObjects { kept, class_of })
}

/// Builds, relates, scores and ranks the candidates.
#[allow(clippy::too_many_arguments)]
pub fn build_candidates(
    grid: &Grid,
    work_crs: &str,
    tiles: &[TileOutput],
    stitched: &Stitched,
    catalogue: &Catalogue,
    areas: &AreaContext,
    fit: &SceneFit,
    settings: &ObjectSettings,
    series: Option<SeriesInputs<'_>>,
) -> Result<(Vec<Candidate>, Vec<Option<ChangeClass>>), SweepError> {
    let gt = grid.geo_transform;
    let projected = !grid.is_geographic();
    let KeptObjects { kept, class_of } =
        keep_objects(grid, work_crs, tiles, stitched, catalogue, fit, settings)?;

    // One job per thread: each job creates its own PROJ transforms, which costs more than
    // building many candidates.
    let per_job = kept.len().div_ceil(rayon::current_num_threads().max(1));
    let mut candidates: Vec<Candidate> = kept
        .into_par_iter()
        .with_min_len(per_job.max(1))
        .map_init(
            || {
                (
                    CrsTransform::new(&grid.crs_wkt, "EPSG:4326"),
                    CrsTransform::new(&grid.crs_wkt, work_crs),
                )
            },
            |(to_ll, to_work), k| -> Result<Candidate, SweepError> {
                let to_ll = to_ll
                    .as_ref()
                    .map_err(|e| SweepError::Transform(e.to_string()))?;
                let to_work = to_work
                    .as_ref()
                    .map_err(|e| SweepError::Transform(e.to_string()))?;
                let KeptObject {
                    object: i,
                    class,
                    certainty,
                    area_m2,
                    side_m: side,
                    runs,
                    outline_crs,
                    outline_work,
                    relation,
                } = k;
                let stats = &stitched.objects[i];
                let mine = relation.mine.map(|m| &catalogue.mines()[m]);
                let point = outline_crs
                    .interior_point()
                    .map(|p| (p.x(), p.y()))
                    .unwrap_or_else(|| {
                        let (r, c) = stats.centroid();
                        pixel_to_crs(&gt, c + 0.5, r + 0.5)
                    });
                let (lon, lat) = to_ll.convert(point.0, point.1)?;
                let point_work = if projected {
                    point
                } else {
                    to_work.convert(point.0, point.1)?
                };
                let protected_area = areas.protected.as_ref().and_then(|l| {
                    l.intersects(&geo::Geometry::MultiPolygon(outline_work.clone()))
                        .map(|a| a.name.clone())
                });
                let county = areas
                    .counties
                    .as_ref()
                    .and_then(|l| l.lookup(&geo::Point::new(point_work.0, point_work.1)));
                let outline = multipolygon(to_ll.convert_geometry(&outline_crs.into())?);
                let evidence = stats.mean();
                let shape: Shape = stats.shape();
                let c = Candidate {
                    object: i,
                    id: String::new(),
                    rank: 0,
                    score: 0.0,
                    tier: 0,
                    class,
                    certainty,
                    pixels: stats.pixels,
                    area_m2,
                    length_m: shape.length * side,
                    width_m: shape.width * side,
                    evidence,
                    core_visible: stats.core_visible(),
                    core_brightening: stats.core_brightening(),
                    relation: relation.kind,
                    mine_id: mine.map(|m| m.id.clone()),
                    mine_name: mine.map(|m| m.name.clone()),
                    mine_status: mine.map(|m| m.status),
                    distance_m: relation.distance_m,
                    protected_area,
                    county: county.map(|c| c.name.clone()),
                    province: county.and_then(|c| c.province.clone()),
                    lon,
                    lat,
                    outline,
                    outline_work,
                    context: Context::default(),
                    degraded: !settings.classes.swir,
                    runs,
                    persistence: None,
                    ndvi_series: Vec::new(),
                    reason: String::new(),
                };
                Ok(c)
            },
        )
        .collect::<Result<_, _>>()?;

    let placed: Vec<Placed> = candidates
        .iter()
        .map(|c| Placed {
            class: c.class,
            certainty: c.certainty,
            area_m2: c.area_m2,
            outline: &c.outline_work,
        })
        .collect();
    let mut ctx = contexts(&placed, &settings.context);
    drop(placed);
    if let Some(s) = series {
        let evidence = analyse(&s, &candidates, work_crs, catalogue, settings)?;
        for ((c, context), e) in candidates.iter_mut().zip(&mut ctx).zip(evidence) {
            context.confirmed = e.confirmed;
            context.reactivated = e.reactivated && at_closed_or_illegal(c.relation);
            c.persistence = Some(e.persistence);
            c.ndvi_series = e.ndvi;
        }
    }
    for (c, mut context) in candidates.iter_mut().zip(ctx) {
        context.in_protected_area = c.protected_area.is_some();
        c.context = context;
        c.tier = tier(c.class, c.relation, context);
        c.score = score(
            c.class,
            c.certainty,
            c.relation,
            proximity(c.relation, c.distance_m, settings.near_m),
            &c.evidence,
            fit.magnitude_threshold,
            c.area_m2,
            context,
        );
        c.reason = explain(c, fit, &settings.classes);
    }
    candidates.sort_by(|a, b| {
        b.score.total_cmp(&a.score).then(
            stitched.objects[a.object]
                .first
                .cmp(&stitched.objects[b.object].first),
        )
    });
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    for (k, c) in candidates.iter_mut().enumerate() {
        c.rank = k + 1;
        let base = format!("GS-{}", geohash_id(c.lon, c.lat));
        let n = seen.entry(base.clone()).or_insert(0);
        *n += 1;
        c.id = if *n == 1 { base } else { format!("{base}-{n}") };
    }
    Ok((candidates, class_of))
}

fn multipolygon(g: geo::Geometry<f64>) -> MultiPolygon<f64> {
    match g {
        geo::Geometry::MultiPolygon(m) => m,
        geo::Geometry::Polygon(p) => MultiPolygon(vec![p]),
        _ => MultiPolygon(vec![]),
    }
}

/// A 9-character geohash (≈ 5 m cell) of the candidate point: the same object in a rerun of
/// the same inputs gets the same id, and nearby ids share a prefix.
fn geohash_id(lon: f64, lat: f64) -> String {
    geohash::encode(geo_types::Coord { x: lon, y: lat }, 9)
        .unwrap_or_else(|_| format!("{lon:.6}_{lat:.6}"))
}

/// One sentence on why the candidate is where it is in the ranking.
fn explain(c: &Candidate, fit: &SceneFit, classes: &ClassParams) -> String {
    let tentative = c.certainty == Certainty::Tentative;
    let open_water = (c.evidence.open_water as f64 * c.pixels as f64).round() as u64;
    let what = match c.class {
        ChangeClass::SpoilHeap if tentative && is_bright_surface(&c.evidence, classes) => {
            "bright new surface that does not read as bare: fresh rock on built or trodden \
             ground, or a light new roof (tentative spoil heap)"
        }
        ChangeClass::SpoilHeap
            if tentative
                && c.evidence.d_ndvi > -classes.heap_ndvi_drop
                && c.evidence.d_bright >= classes.brightening =>
        {
            "bright new bare ground where no vegetation was lost (tentative spoil heap)"
        }
        ChangeClass::SpoilHeap
            if tentative && c.evidence.magnitude < fit.focus_strong_threshold =>
        {
            "faint brightening of bare ground (tentative spoil heap)"
        }
        ChangeClass::SpoilHeap if tentative => {
            "bare ground brightened, by less than fresh spoil (tentative spoil heap)"
        }
        ChangeClass::SpoilHeap => "new bright bare ground (spoil heap / waste rock)",
        ChangeClass::LeachPond if open_water == 0 && is_wetted(&c.evidence, classes) => {
            "water index rose without open water: wetted ground (tentative pond)"
        }
        ChangeClass::LeachPond if open_water == 0 && is_pond_mixture(&c.evidence, classes) => {
            "vegetation lost, water index up, SWIR held: \
             water mixed with its banks (tentative pond)"
        }
        ChangeClass::LeachPond if tentative && open_water < classes.pond_min_open_water => {
            "one pixel of new open water (tentative pond)"
        }
        ChangeClass::LeachPond if tentative => "faint new open water (tentative pond)",
        ChangeClass::LeachPond => "new open water (pond)",
        ChangeClass::AccessTrack if tentative => {
            "faint, bare-ground or thinly cleared strip (tentative track)"
        }
        ChangeClass::AccessTrack => "new narrow bare strip (track)",
        ChangeClass::VegetationLoss => "vegetation removed",
        ChangeClass::OtherChange => "other surface change",
    };
    let e = &c.evidence;
    let where_ = match (&c.mine_id, c.relation) {
        (_, RelationKind::OutsideCatalogue) => "outside any catalogued mine".to_string(),
        (Some(id), rel) => format!(
            "{} {} ({}{})",
            rel.as_str().replace('_', " "),
            id,
            c.mine_status.map(|s| s.as_str()).unwrap_or(""),
            c.distance_m
                .filter(|d| *d > 0.0)
                .map(|d| format!(", {d:.0} m"))
                .unwrap_or_default()
        ),
        (None, rel) => rel.as_str().replace('_', " "),
    };
    let mut notes = String::new();
    if let Some(p) = &c.protected_area {
        notes.push_str(&format!("; inside protected area {p}"));
    }
    if c.context.leach_site {
        notes.push_str("; pond and fresh heap side by side (heap-leach layout)");
    }
    if c.context.pond_lattice {
        notes.push_str("; one of a regular group of similar ponds (aquaculture layout)");
    }
    if c.context.reactivated {
        notes.push_str("; RE-ACTIVATED: bare, grown over, bare again over the time series");
    } else if c.context.confirmed {
        notes.push_str("; already changed at the previous date");
    }
    if c.degraded {
        notes.push_str("; no SWIR: bare and water evidence from visible and NIR only");
    }
    let threshold =
        if at_closed_or_illegal(c.relation) && fit.focus_threshold < fit.magnitude_threshold {
            format!(
                "threshold {:.1}, {:.1} around closed mines and illegal sites",
                fit.magnitude_threshold, fit.focus_threshold
            )
        } else {
            format!("threshold {:.1}", fit.magnitude_threshold)
        };
    format!(
        "{what}: {:.0} m² ({:.1} mu), magnitude {:.1} ({threshold}), ΔNDVI {:+.2}, Δbare {:+.2}, Δwater {:+.2}; {where_}{notes}",
        c.area_m2,
        c.area_mu(),
        e.magnitude,
        e.d_ndvi,
        e.d_bare,
        e.d_water
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fit() -> SceneFit {
        SceneFit {
            bands: Vec::new(),
            magnitude_threshold: 4.0,
            otsu_threshold: None,
            strong_threshold: 6.0,
            focus_threshold: 2.4,
            focus_strong_threshold: 3.6,
            line_noise: Vec::new(),
            sampled_pixels: 0,
            cloud_screened_pixels: 0,
        }
    }

    fn settings() -> ObjectSettings {
        ObjectSettings {
            min_area_m2: 1000.0,
            focus_min_area_m2: 200.0,
            min_pixels: 3,
            near_m: 300.0,
            classes: ClassParams::default(),
            context: ContextParams::default(),
        }
    }

    /// A row of `pixels` pixels of group `g`, each changed by `magnitude`.
    fn object(g: u8, pixels: u64, magnitude: f32) -> ObjectStats {
        let ev = Evidence {
            magnitude,
            ..Evidence::default()
        };
        ObjectStats::uniform(g, (0..pixels).map(|c| (10, 10 + c)), ev).expect("pixels")
    }

    #[test]
    fn two_pixels_of_new_water_are_kept_only_at_closed_mines_and_illegal_sites() {
        use ChangeClass::{LeachPond, SpoilHeap};
        use RelationKind::*;
        let (fit, s) = (fit(), settings());
        let kept =
            |o: &ObjectStats, class, rel| keeps(o, o.pixels as f64 * 100.0, class, rel, &fit, &s);
        let pond = object(group::WATER, 2, 8.0);
        for rel in [InsideClosedMine, NearClosedMine, AtIllegalSite] {
            assert!(kept(&pond, LeachPond, rel), "{rel:?}");
        }
        for rel in [OutsideCatalogue, NearActiveMine, InsideActiveMine] {
            assert!(!kept(&pond, LeachPond, rel), "{rel:?}");
        }
        // Three pixels of new water are kept anywhere; two of land change nowhere.
        assert!(kept(
            &object(group::WATER, 3, 8.0),
            LeachPond,
            OutsideCatalogue
        ));
        assert!(!kept(
            &object(group::LAND, 2, 8.0),
            SpoilHeap,
            InsideClosedMine
        ));
        // Weak by the focus threshold: not kept.
        assert!(!kept(
            &object(group::WATER, 2, 3.0),
            LeachPond,
            InsideClosedMine
        ));
    }

    #[test]
    fn open_water_at_a_closed_mine_needs_only_the_focus_threshold() {
        use ChangeClass::LeachPond;
        use RelationKind::{InsideClosedMine, OutsideCatalogue};
        let (fit, s) = (fit(), settings());
        let kept =
            |o: &ObjectStats, rel| keeps(o, o.pixels as f64 * 100.0, LeachPond, rel, &fit, &s);
        // A pond of a few pixels whose magnitude, smoothed over each pixel's neighbourhood,
        // reaches the focus threshold but not the focus strong one.
        let pond = |pixels: u64, magnitude: f32, open_water: f32| {
            let ev = Evidence {
                magnitude,
                open_water,
                ..Evidence::default()
            };
            ObjectStats::uniform(group::WATER, (0..pixels).map(|c| (10, 10 + c)), ev)
                .expect("pixels")
        };
        let between = (fit.focus_threshold + fit.focus_strong_threshold) / 2.0;
        assert!(kept(&pond(3, between, 1.0), InsideClosedMine));
        // Without open water (the water index rose, no pixel reads as open water), or with a
        // single open-water pixel, it needs the focus strong threshold.
        assert!(!kept(&pond(3, between, 0.0), InsideClosedMine));
        assert!(!kept(&pond(3, between, 1.0 / 3.0), InsideClosedMine));
        // Below the focus threshold, or away from the mines, open water does not help.
        assert!(!kept(
            &pond(3, fit.focus_threshold * 0.9, 1.0),
            InsideClosedMine
        ));
        assert!(!kept(&pond(3, between, 1.0), OutsideCatalogue));
    }

    #[test]
    fn an_object_weaker_on_average_than_the_focus_strong_threshold_is_tentative() {
        let (fit, s) = (fit(), settings());
        // A strip of thin change 300 m long: a track whatever its evidence's strength.
        let track = |magnitude| {
            let ev = Evidence {
                magnitude,
                d_ndvi: -0.3,
                ..Evidence::default()
            };
            ObjectStats::uniform(group::THIN, (0..30).map(|c| (10, 10 + c)), ev).expect("pixels")
        };
        let faint = judge_faint(&track(3.0), 10.0, &fit, &s);
        let firm = judge_faint(&track(fit.focus_strong_threshold), 10.0, &fit, &s);
        assert_eq!(faint, (ChangeClass::AccessTrack, Certainty::Tentative));
        assert_eq!(firm, (ChangeClass::AccessTrack, Certainty::Firm));
    }
}
