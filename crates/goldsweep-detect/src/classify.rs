//! Rule-based classes of change objects, from their mean evidence and shape.

use crate::evidence::group;
use crate::object_stats::{Evidence, ObjectStats, Shape};

/// What a change object most likely is on the ground. The numeric codes are the values of
/// the change raster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeClass {
    /// Fresh bare rock or soil that brightened: waste rock, tailings, a heap of leached ore.
    SpoilHeap = 1,
    /// New open water: a leach or settling pond, a flooded pit (or, away from mines, a farm pond);
    /// tentatively, wetted ground or water mixed with its banks where no pixel is open water
    /// ([`is_wetted`], [`is_pond_mixture`]).
    LeachPond = 2,
    /// A long, narrow strip turned bare: a new track or haul road.
    AccessTrack = 3,
    /// Vegetation removed without a bright bare surface: clearing, topsoil stripping.
    VegetationLoss = 4,
    /// Any other significant change (built-up, crops, water loss, unexplained).
    OtherChange = 5,
}

impl ChangeClass {
    pub const ALL: [ChangeClass; 5] = [
        ChangeClass::SpoilHeap,
        ChangeClass::LeachPond,
        ChangeClass::AccessTrack,
        ChangeClass::VegetationLoss,
        ChangeClass::OtherChange,
    ];

    /// Value in the change raster.
    pub fn code(self) -> u8 {
        self as u8
    }

    pub fn name(self) -> &'static str {
        match self {
            ChangeClass::SpoilHeap => "spoil_heap",
            ChangeClass::LeachPond => "leach_pond",
            ChangeClass::AccessTrack => "access_track",
            ChangeClass::VegetationLoss => "vegetation_loss",
            ChangeClass::OtherChange => "other_change",
        }
    }

    /// Whether the class is typical evidence of mining (everything but `other_change`).
    pub fn is_mining_evidence(self) -> bool {
        self != ChangeClass::OtherChange
    }
}

/// Thresholds of the class rules.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct ClassParams {
    /// ΔNDVI at or below which vegetation counts as lost.
    pub ndvi_loss: f32,
    /// Rise of the bare-soil index that counts as loss of cover.
    pub bare_gain: f32,
    /// Rise of the bare-soil index that counts as new bare ground even where the after-date
    /// index stays below `bare_after` (mixed pixels of small objects).
    pub strong_bare_gain: f32,
    /// Bare-soil index of the after date above which the surface is bare.
    pub bare_after: f32,
    /// Brightening (mean reflectance) that separates fresh spoil from cleared ground.
    pub brightening: f32,
    /// Fall of the NDVI below which a spoil heap is tentative ([`Certainty::Tentative`]): the
    /// ground had no vegetation to lose, so its bare index rose on ground already nearly bare.
    pub heap_ndvi_drop: f32,
    /// Mean visible reflectance of the after date that fresh spoil reaches: crushed rock,
    /// waste rock and tailings are bright, topsoil and stubble are not.
    pub spoil_visible: f32,
    /// Mean visible reflectance of the after date over an object's most changed pixels
    /// ([`ObjectStats::core_visible`]) that marks a heap's core, when the object's means are
    /// diluted by the rim around a small heap.
    pub spoil_core_visible: f32,
    /// Brightening over the same pixels ([`ObjectStats::core_brightening`]) that such a core
    /// must show: in a top-of-atmosphere scene the path radiance lifts cleared soil to the
    /// brightness of rock, but not its brightening.
    pub spoil_core_brightening: f32,
    /// Widest object (metres) that can be a track: a track or haul road 5–15 m wide, its
    /// graded verges, and the spread of the sensor either side — more where the imagery is
    /// coarser than its grid (Sentinel-2's 20 m bands, or a 20 m product, on a 10 m grid: a
    /// 10 m track then reads 35–45 m wide).
    pub track_max_width_m: f64,
    /// Fall of the NDVI that a track-shaped object with no other loss of cover must show to be
    /// a tentative track: half of `ndvi_loss`, since a track a few metres wide clears only part
    /// of each pixel it crosses, and its mixed pixels dilute the object's mean further.
    pub track_ndvi_loss: f32,
    /// Shortest track (metres).
    pub track_min_length_m: f64,
    /// Shortest strip of thin change ([`group::THIN`]) that is a track (metres): a strip under
    /// three pixels wide is already track-shaped, and a faint track is often found in pieces.
    pub thin_track_min_length_m: f64,
    /// Lowest length / width ratio of a track.
    pub track_min_elongation: f64,
    /// Lowest length / width ratio of a strip of thin change that is a track (the width being
    /// its area over its length, so a winding strip one pixel wide still has it): where
    /// pixels are coarse (20–30 m), a small clearing or heap is under three pixels wide too,
    /// and only its compact shape tells it from a track.
    pub thin_track_min_elongation: f64,
    /// Brightening of ground that was bare on both dates that counts as a graded or compacted
    /// track (with the track's shape; a strip of thin change needs none), or — with
    /// `spoil_on_bare_visible` — as spoil tipped on bare ground.
    pub bare_brightening: f32,
    /// Mean visible reflectance of the after date that spoil tipped on ground already bare
    /// must reach: brighter than `spoil_visible`, since the brightening it rests on is smaller.
    pub spoil_on_bare_visible: f32,
    /// Pixels of open water ([`ObjectStats::open_water_pixels`]: not counting the bank and
    /// liner pixels a pond takes in) below which new water is tentative.
    pub pond_min_open_water: u64,
    /// Fraction of shadow-shift pixels ([`crate::shadow`]) from which a land-change object is
    /// a shadow that moved, not a change of the ground (see [`is_shadow_shift`]).
    pub shadow_shift_min: f32,
    /// Rise of the water index (MNDWI) — and of the water index over the bare-soil index —
    /// from which land change that did not brighten is wetted ground: new water that no pixel
    /// shows as open water (a pond narrower than the 20 m SWIR pixel, or where the imagery is
    /// coarser than its grid), a tentative pond. Only with SWIR (see `swir`).
    pub wet_water_gain: f32,
    /// Rise of the water index (MNDWI) from which land change that lost its vegetation, did not
    /// brighten and whose short-wave infrared rose by at most `pond_swir_rise_max` holds water:
    /// a pond with its banks, mixed in its pixels ([`is_pond_mixture`]). Only with SWIR.
    pub pond_mixture_water_gain: f32,
    /// Largest rise of the mean SWIR reflectance ([`Evidence::d_swir`]) of such a pond mixture.
    /// Soil and rock laid bare raise it, water nearly black there holds it down, and the two
    /// overlap at the margins: over the cross-check scenes' objects, 90 % of the planted
    /// clearings rose by more than +0.04 (tracks by +0.01 and more, heaps more still), while
    /// the ponds then misread as clearings or tracks — a pond with its berm, mixed over a few
    /// pixels — rose by −0.01 to +0.05 (outside Taizhou's 30 m blobs), half of them by +0.03
    /// or less. 0.04 takes most of those ponds and no planted clearing; tracks are judged
    /// first.
    pub pond_swir_rise_max: f32,
    /// Whether the stacks have SWIR, so that the water and bare-soil indices are MNDWI and
    /// BSI. Without it they are NDWI (green against near infrared) and a visible proxy, and
    /// NDWI rises wherever vegetation is lost: no object is judged wetted ground.
    pub swir: bool,
}

impl Default for ClassParams {
    fn default() -> ClassParams {
        ClassParams {
            ndvi_loss: -0.12,
            bare_gain: 0.05,
            strong_bare_gain: 0.2,
            bare_after: 0.0,
            brightening: 0.07,
            heap_ndvi_drop: 0.05,
            spoil_visible: 0.12,
            spoil_core_visible: 0.16,
            spoil_core_brightening: 0.05,
            track_max_width_m: 45.0,
            track_ndvi_loss: -0.06,
            track_min_length_m: 100.0,
            track_min_elongation: 5.0,
            thin_track_min_length_m: 50.0,
            thin_track_min_elongation: 2.0,
            bare_brightening: 0.03,
            spoil_on_bare_visible: 0.15,
            shadow_shift_min: 0.3,
            pond_min_open_water: 2,
            wet_water_gain: 0.3,
            pond_mixture_water_gain: 0.09,
            pond_swir_rise_max: 0.04,
            swir: true,
        }
    }
}

/// Whether an object is new water with open water enough for a firm pond: at least
/// `p.pond_min_open_water` pixels of it ([`ObjectStats::open_water_pixels`]). One pixel of open
/// water, with the bank pixels grown around it, may be a wet or shaded spot, a dark new surface
/// or a single noisy pixel as well as a small pond.
pub fn is_open_pond(stats: &ObjectStats, p: &ClassParams) -> bool {
    stats.group == group::WATER && stats.open_water_pixels() >= p.pond_min_open_water
}

/// Whether a land-change object is an illumination change: at least `p.shadow_shift_min` of
/// its pixels are in shade on one date and lit on the other ([`crate::shadow`]). Such objects
/// are shadows of buildings or slopes that moved with the sun or the viewing angle; the pixels
/// between the shade and the lit ground around them (mixed, smoothed) make up the rest, so
/// the fraction need not approach one. New water is never one, nor is a bright patch of a
/// focus zone ([`group::BRIGHT`]): fresh rock tipped on dark ground — asphalt, a dark roof, a
/// shaded yard — reads pixel by pixel as shade that was lit, and at a closed mine a heap
/// missed costs more than a shadow visited.
pub fn is_shadow_shift(stats: &ObjectStats, p: &ClassParams) -> bool {
    !matches!(stats.group, group::WATER | group::BRIGHT)
        && stats.mean().shadow_shift >= p.shadow_shift_min
}

/// How firmly an object's evidence supports its class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Certainty {
    /// The class's defining evidence, in full.
    #[default]
    Firm,
    /// A weaker form of it only: a spoil heap recognised by its bright core alone, on ground
    /// that was bare already, or where the NDVI hardly fell (no vegetation was buried); a
    /// track on ground that was bare already (brightened, no cover lost), or whose NDVI fell
    /// by less than a clearing's but by at least `ClassParams::track_ndvi_loss`; fresh rock on
    /// ground that was neither vegetated nor bare ([`is_bright_surface`]); new water with a
    /// single pixel of open water, or with none (wetted ground, [`is_wetted`], or water mixed
    /// with its banks in a patch cleared of vegetation, [`is_pond_mixture`]). Ground was
    /// laid bare or brightened, but that rock was tipped or a track graded there is less
    /// certain — ploughed, harrowed or drying fields, building sites and the paths across
    /// them read the same way; one pixel of water may be a wet or shaded spot, wetted ground
    /// a flooded field. The sweep also makes tentative any object whose mean change magnitude
    /// is below the focus strong threshold (faint change, mostly weaker lines chained into a
    /// track: [`crate::line_chains`]).
    Tentative,
}

/// Classifies an object. `pixel_size_m` is the side of a pixel in metres.
pub fn classify(stats: &ObjectStats, pixel_size_m: f64, p: &ClassParams) -> ChangeClass {
    judge(stats, pixel_size_m, p).0
}

/// Classifies an object and says how firmly its evidence supports the class (see
/// [`classify`]).
pub fn judge(stats: &ObjectStats, pixel_size_m: f64, p: &ClassParams) -> (ChangeClass, Certainty) {
    judge_shaped(stats, stats.shape(), pixel_size_m, p)
}

/// [`judge`] with the object's shape measured otherwise than by its second moments: along a
/// winding object ([`Shape::along`]), whose axis is shorter than the object.
pub fn judge_shaped(
    stats: &ObjectStats,
    shape: Shape,
    pixel_size_m: f64,
    p: &ClassParams,
) -> (ChangeClass, Certainty) {
    use Certainty::{Firm, Tentative};
    if stats.group == group::WATER {
        let open = is_open_pond(stats, p);
        return (ChangeClass::LeachPond, if open { Firm } else { Tentative });
    }
    let e = stats.mean();
    if is_wetted(&e, p) {
        return (ChangeClass::LeachPond, Tentative);
    }
    let vegetation_lost = e.d_ndvi <= p.ndvi_loss;
    let cover_lost = lost_cover(&e, p);
    let bare_before = e.bare_after - e.d_bare >= p.bare_after;
    // Ground bare on both dates that brightened: graded, compacted or covered with fresh rock.
    let stayed_bare = bare_before && e.bare_after >= p.bare_after;
    let bare_brightened = stayed_bare && e.d_bright >= p.bare_brightening;
    // A strip of thin change ([`group::THIN`]) on bare ground is a track however its
    // brightness changed: grading exposes other material, darker as often as lighter (grey
    // gravel on red laterite), and a track narrower than a pixel changes only part of each
    // pixel it crosses. A wider object must have brightened.
    let track_brightened = stayed_bare && (stats.group == group::THIN || bare_brightened);
    // Tracks are often narrower than a pixel: their pixels are mixtures that need not read as
    // bare, so the shape and the change of cover decide, not the after-date bare index.
    // A track narrower than a pixel clears only part of each pixel it crosses.
    let partly_cleared = e.d_ndvi <= p.track_ndvi_loss;
    if (cover_lost || partly_cleared || track_brightened)
        && is_track_shaped(stats, shape, pixel_size_m, p)
    {
        return (
            ChangeClass::AccessTrack,
            if cover_lost { Firm } else { Tentative },
        );
    }
    let turned_bare = e.bare_after >= p.bare_after && cover_lost;
    // Spoil: ground that turned bare and markedly, absolutely bright (fresh rock and tailings
    // are; cleared topsoil is not). A small heap's pixels are mixed with the vegetation around
    // it, so its bare index may stay below that of bare ground: a strong rise of it is enough.
    let bare = turned_bare || e.d_bare >= p.strong_bare_gain;
    if bare && e.d_bright >= p.brightening && e.visible_after >= p.spoil_visible {
        // Where the NDVI hardly fell there was no vegetation to bury: the bare index rose on
        // ground that was bare or nearly so, which a field harrowed or drying and a yard
        // graded do as well as rock tipped there.
        let buried_vegetation = e.d_ndvi <= -p.heap_ndvi_drop;
        return (
            ChangeClass::SpoilHeap,
            if buried_vegetation { Firm } else { Tentative },
        );
    }
    // A small heap is found as a larger object — the smoothing and the mixed pixels around
    // it —, and that rim dilutes its mean brightening and brightness; its core stays as bright
    // as any heap's and brightened as one, and cleared topsoil has no such core (in haze or
    // top-of-atmosphere data it may be as bright, but it brightened less).
    if cover_lost
        && e.d_bright >= p.bare_brightening
        && stats.core_visible() >= p.spoil_core_visible
        && stats.core_brightening() >= p.spoil_core_brightening
    {
        return (ChangeClass::SpoilHeap, Tentative);
    }
    // Spoil tipped on ground already bare brightens it less, and its bare index may even fall
    // (rock is flatter across the spectrum than red soil): it must be brighter still.
    // It does not green either: a brightening led by the near infrared is regrowth.
    if bare_brightened && e.visible_after >= p.spoil_on_bare_visible && e.d_ndvi < 0.0 {
        return (ChangeClass::SpoilHeap, Tentative);
    }
    // A patch of the bright cores of a focus zone that neither lost cover nor was bare: rock
    // tipped on a yard, a road or built ground. Quartz and grey rock are flat across the
    // spectrum, so the bare index stays below zero, above all in top-of-atmosphere data.
    if stats.group == group::BRIGHT && is_bright_surface(&e, p) {
        return (ChangeClass::SpoilHeap, Tentative);
    }
    if is_pond_mixture(&e, p) {
        return (ChangeClass::LeachPond, Tentative);
    }
    if turned_bare || vegetation_lost {
        return (ChangeClass::VegetationLoss, Firm);
    }
    (ChangeClass::OtherChange, Firm)
}

/// Whether land change that lost its vegetation holds water: a pond and its banks mixed in
/// pixels none of which is open water — a pond of a few 10 m pixels with an earth berm, a
/// lined pond part full. Its water index rose by `p.pond_mixture_water_gain`, it did not
/// brighten (`p.bare_brightening`), and its short-wave infrared rose by no more than
/// `p.pond_swir_rise_max`: soil or rock laid bare in place of vegetation is brighter in the
/// SWIR than the vegetation was, water nearly black. Judged after the track and heap rules: a
/// strip is a track, a bright core a heap. A field flooded, or a clearing left waterlogged,
/// reads the same way: the pond is tentative.
pub fn is_pond_mixture(e: &Evidence, p: &ClassParams) -> bool {
    p.swir
        && e.d_ndvi <= p.ndvi_loss
        && e.d_water >= p.pond_mixture_water_gain
        && e.d_swir <= p.pond_swir_rise_max
        && e.d_bright < p.bare_brightening
}

/// Whether land change lost its cover: the NDVI fell by `p.ndvi_loss` or the bare-soil index
/// rose by `p.bare_gain`.
fn lost_cover(e: &Evidence, p: &ClassParams) -> bool {
    e.d_ndvi <= p.ndvi_loss || e.d_bare >= p.bare_gain
}

/// Whether land change that lost no cover and does not read as bare (bare-soil index below
/// `p.bare_after`) brightened as fresh spoil does (`p.brightening`), is as bright in the
/// visible as spoil tipped on bare ground must be (`p.spoil_on_bare_visible`) and did not
/// green. In a focus zone such a patch of bright cores ([`group::BRIGHT`]) is a tentative heap:
/// fresh quartz or grey rock tipped on a yard, a road or built ground, flat across the
/// spectrum. A new light roof or a concrete slab reads the same way.
pub fn is_bright_surface(e: &Evidence, p: &ClassParams) -> bool {
    !lost_cover(e, p)
        && e.bare_after < p.bare_after
        && e.d_bright >= p.brightening
        && e.visible_after >= p.spoil_on_bare_visible
        && e.d_ndvi < 0.0
}

/// Whether land change is wetted ground (`p.wet_water_gain`): its water index rose, and by
/// that much more than its bare-soil index, and it did not brighten. Water darkens the SWIR
/// far below the green: a clearing or a heap raises the bare-soil index with the water index
/// (Tanzania: ΔMNDWI +0.1 to +0.3 over a ΔBSI of +0.2 to +0.4), a pond smaller than the SWIR
/// pixel raises the water index alone (+0.35 to +0.55 over a ΔBSI within ±0.1), and open water
/// and wet ground do not brighten. A field flooded for rice reads the same way.
pub fn is_wetted(e: &Evidence, p: &ClassParams) -> bool {
    p.swir
        && e.d_water >= p.wet_water_gain
        && e.d_water - e.d_bare >= p.wet_water_gain
        && e.d_bright < p.bare_brightening
}

/// Whether an object has the shape of a track: a [`group::THIN`] strip at least
/// `thin_track_min_length_m` long and not compact (`thin_track_min_elongation`), or any object
/// narrow (`track_max_width_m`, at least three pixels where pixels are coarse), long and
/// elongated enough. A strip's length is taken as the larger of its major axis and its area
/// over two pixels of width, so that a winding track, whose axis is short, still counts.
fn is_track_shaped(stats: &ObjectStats, shape: Shape, pixel_size_m: f64, p: &ClassParams) -> bool {
    let length_m = shape.length * pixel_size_m;
    if stats.group == group::THIN {
        let along_m = stats.pixels as f64 * pixel_size_m / 2.0;
        return shape.elongation >= p.thin_track_min_elongation
            && length_m.max(along_m) >= p.thin_track_min_length_m;
    }
    // A track a few metres wide changes the pixels it crosses and, through their mixing, up to
    // one pixel either side: allow three pixels where they are coarse.
    let max_width_m = p.track_max_width_m.max(3.0 * pixel_size_m);
    shape.width * pixel_size_m <= max_width_m
        && length_m >= p.track_min_length_m
        && shape.elongation >= p.track_min_elongation
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(cells: &[(u64, u64)], g: u8, ev: Evidence) -> ObjectStats {
        ObjectStats::uniform(g, cells.iter().copied(), ev).expect("cells")
    }

    const SPOIL: Evidence = Evidence {
        magnitude: 8.0,
        d_ndvi: -0.5,
        d_bare: 0.4,
        d_water: -0.1,
        bare_after: 0.1,
        water_after: -0.3,
        d_bright: 0.12,
        d_swir: 0.12,
        visible_after: 0.24,
        shadow_shift: 0.0,
        open_water: 0.0,
    };

    #[test]
    fn an_object_mostly_of_moved_shade_is_a_shadow_shift() {
        let p = ClassParams::default();
        let shade = Evidence {
            shadow_shift: 1.0,
            ..SPOIL
        };
        // 4 of 10 pixels moved from shade to light: the object is a shadow that moved.
        let mut o = object(&[(0, 0), (0, 1), (0, 2), (0, 3)], 1, shade);
        let rest: Vec<_> = (4..10).map(|c| (0, c)).collect();
        o.merge(&object(&rest, 1, SPOIL));
        assert!(is_shadow_shift(&o, &p));
        // 2 of 10: a changed surface with a little shade at its edge.
        let mut o = object(&[(0, 0), (0, 1)], 1, shade);
        let rest: Vec<_> = (2..10).map(|c| (0, c)).collect();
        o.merge(&object(&rest, 1, SPOIL));
        assert!(!is_shadow_shift(&o, &p));
        // New water is never one, nor a bright patch at a closed mine.
        assert!(!is_shadow_shift(
            &object(&[(0, 0)], group::WATER, shade),
            &p
        ));
        assert!(!is_shadow_shift(
            &object(&[(0, 0)], group::BRIGHT, shade),
            &p
        ));
    }

    #[test]
    fn blob_is_spoil_and_line_is_track() {
        let blob: Vec<_> = (0..6).flat_map(|r| (0..6).map(move |c| (r, c))).collect();
        assert_eq!(
            judge(&object(&blob, 1, SPOIL), 10.0, &ClassParams::default()),
            (ChangeClass::SpoilHeap, Certainty::Firm)
        );
        let line: Vec<_> = (0..30).map(|c| (3, c)).collect();
        assert_eq!(
            judge(&object(&line, 1, SPOIL), 10.0, &ClassParams::default()),
            (ChangeClass::AccessTrack, Certainty::Firm)
        );
        // The same line at 1 m pixels is only 30 m long: not a track.
        assert_ne!(
            classify(&object(&line, 1, SPOIL), 1.0, &ClassParams::default()),
            ChangeClass::AccessTrack
        );
    }

    #[test]
    fn water_clearing_and_other() {
        let blob: Vec<_> = (0..4).flat_map(|r| (0..4).map(move |c| (r, c))).collect();
        assert_eq!(
            classify(&object(&blob, 2, SPOIL), 10.0, &ClassParams::default()),
            ChangeClass::LeachPond
        );
        let clearing = Evidence {
            d_bright: 0.0,
            ..SPOIL
        };
        assert_eq!(
            classify(&object(&blob, 1, clearing), 10.0, &ClassParams::default()),
            ChangeClass::VegetationLoss
        );
        let greening = Evidence {
            d_ndvi: 0.3,
            d_bare: -0.2,
            bare_after: -0.2,
            ..SPOIL
        };
        assert_eq!(
            classify(&object(&blob, 1, greening), 10.0, &ClassParams::default()),
            ChangeClass::OtherChange
        );
    }

    #[test]
    fn new_water_of_one_open_water_pixel_is_a_tentative_pond() {
        // OSCD Rennes, 160–265 m from a planted mine in five of seven seeds: one pixel passed
        // the water test (NIR 0.09 after, SWIR1 0.16 above it), five dark pixels around it the
        // pond-edge test.
        let p = ClassParams::default();
        let open = Evidence {
            open_water: 1.0,
            ..SPOIL
        };
        let pond = |open_pixels: usize| {
            let cells: Vec<_> = (0..6).map(|c| (0, c)).collect();
            let mut o = object(&cells[..open_pixels], group::WATER, open);
            if open_pixels < cells.len() {
                o.merge(&object(&cells[open_pixels..], group::WATER, SPOIL));
            }
            o
        };
        assert_eq!(pond(1).open_water_pixels(), 1);
        assert_eq!(
            judge(&pond(1), 10.0, &p),
            (ChangeClass::LeachPond, Certainty::Tentative)
        );
        for n in [2, 6] {
            assert_eq!(pond(n).open_water_pixels(), n as u64);
            assert_eq!(
                judge(&pond(n), 10.0, &p),
                (ChangeClass::LeachPond, Certainty::Firm),
                "{n} open-water pixels"
            );
        }
    }

    #[test]
    fn land_change_wetted_without_open_water_is_a_tentative_pond_only_with_swir() {
        // OSCD Tanzania (20 m imagery on a 10 m grid), planted ponds of 500–1300 m²: no pixel
        // passes the water test, the object's means are those of mixed wet pixels.
        let wet = Evidence {
            magnitude: 10.0,
            d_ndvi: -0.2,
            d_bare: 0.02,
            d_water: 0.44,
            bare_after: -0.43,
            water_after: -0.13,
            d_bright: 0.0,
            d_swir: -0.04,
            visible_after: 0.05,
            shadow_shift: 0.0,
            open_water: 0.0,
        };
        let blob: Vec<_> = (0..4).flat_map(|r| (0..5).map(move |c| (r, c))).collect();
        let strip: Vec<_> = (0..2).flat_map(|r| (0..12).map(move |c| (r, c))).collect();
        let p = ClassParams::default();
        let pond = (ChangeClass::LeachPond, Certainty::Tentative);
        assert!(is_wetted(&wet, &p));
        assert_eq!(judge(&object(&blob, group::LAND, wet), 10.0, &p), pond);
        // The strip shape of a track does not make wetted ground a track.
        assert_eq!(judge(&object(&strip, group::THIN, wet), 10.0, &p), pond);
        // A heap and a clearing of the same scene raise the water index too, but the bare
        // index with it, and a heap brightens.
        let heap = Evidence {
            d_ndvi: -0.46,
            d_bare: 0.31,
            d_water: 0.3,
            d_bright: 0.07,
            visible_after: 0.11,
            ..wet
        };
        let clearing = Evidence {
            d_ndvi: -0.25,
            d_bare: 0.25,
            d_water: 0.15,
            d_bright: 0.03,
            ..wet
        };
        for e in [heap, clearing] {
            assert!(!is_wetted(&e, &p));
            assert_ne!(judge(&object(&blob, group::LAND, e), 10.0, &p).0, pond.0);
        }
        // Wet ground that brightened is not water.
        assert!(!is_wetted(
            &Evidence {
                d_bright: 0.05,
                ..wet
            },
            &p
        ));
        // Without SWIR the water index is NDWI, which any loss of vegetation raises.
        let no_swir = ClassParams { swir: false, ..p };
        assert!(!is_wetted(&wet, &no_swir));
        assert_eq!(
            judge(&object(&blob, group::LAND, wet), 10.0, &no_swir),
            (ChangeClass::VegetationLoss, Certainty::Firm)
        );
    }

    #[test]
    fn a_clearing_whose_swir_held_holds_water_mixed_with_its_banks() {
        // Cross-check Tanzania: a 29 × 57 m lined pond with a 5 m gravel berm, four 20 m SWIR
        // pixels — none open water. Its NDVI and its bare index fell and rose as a clearing's
        // do; its water index rose, its SWIR did not.
        let pond = Evidence {
            magnitude: 12.0,
            d_ndvi: -0.28,
            d_bare: 0.24,
            d_water: 0.2,
            bare_after: 0.05,
            water_after: -0.37,
            d_bright: 0.02,
            d_swir: 0.036,
            visible_after: 0.05,
            shadow_shift: 0.0,
            open_water: 0.0,
        };
        // A clearing of the same scene: soil laid bare brightens the SWIR.
        let clearing = Evidence {
            d_water: 0.08,
            d_swir: 0.09,
            d_bright: 0.04,
            ..pond
        };
        let p = ClassParams::default();
        let blob: Vec<_> = (0..6).flat_map(|r| (0..6).map(move |c| (r, c))).collect();
        assert!(is_pond_mixture(&pond, &p) && !is_wetted(&pond, &p));
        assert_eq!(
            judge(&object(&blob, group::LAND, pond), 10.0, &p),
            (ChangeClass::LeachPond, Certainty::Tentative)
        );
        assert!(!is_pond_mixture(&clearing, &p));
        assert_eq!(
            classify(&object(&blob, group::LAND, clearing), 10.0, &p),
            ChangeClass::VegetationLoss
        );
        // Each condition on its own keeps a clearing a clearing: the SWIR rose, the water index
        // hardly did, the patch brightened, or the vegetation was not lost.
        for e in [
            Evidence {
                d_swir: 0.05,
                ..pond
            },
            Evidence {
                d_water: 0.08,
                ..pond
            },
            Evidence {
                d_bright: 0.03,
                ..pond
            },
            Evidence {
                d_ndvi: -0.1,
                ..pond
            },
        ] {
            assert!(!is_pond_mixture(&e, &p), "{e:?}");
        }
        // A strip with the same evidence is a track (judged first), and without SWIR there is
        // no SWIR change to read.
        let strip: Vec<_> = (0..3).flat_map(|r| (0..30).map(move |c| (r, c))).collect();
        assert_eq!(
            classify(&object(&strip, group::LAND, pond), 10.0, &p),
            ChangeClass::AccessTrack
        );
        let no_swir = ClassParams { swir: false, ..p };
        assert_eq!(
            classify(&object(&blob, group::LAND, pond), 10.0, &no_swir),
            ChangeClass::VegetationLoss
        );
    }

    /// Bare red soil on both dates (bare index 0.1) that brightened by `d_bright`.
    fn bare_ground(d_bright: f32, visible_after: f32, d_ndvi: f32) -> Evidence {
        Evidence {
            magnitude: 4.0,
            d_ndvi,
            d_bare: 0.0,
            d_water: 0.0,
            bare_after: 0.1,
            water_after: -0.3,
            d_bright,
            d_swir: d_bright,
            visible_after,
            shadow_shift: 0.0,
            open_water: 0.0,
        }
    }

    #[test]
    fn a_compact_thin_strip_is_not_a_track_where_pixels_are_coarse() {
        let p = ClassParams::default();
        let cleared = bare_ground(0.04, 0.09, -0.25);
        // A clearing of 50–60 m at 30 m pixels: two pixels across, no 3 × 3 square of change,
        // so a strip of thin change, 90 m long by the two-pixel rule.
        let compact = [(0, 0), (0, 1), (1, 0), (1, 1), (2, 1), (1, 2)];
        assert_eq!(
            classify(&object(&compact, group::THIN, cleared), 30.0, &p),
            ChangeClass::VegetationLoss
        );
        // Six pixels in a row are a track at either size.
        let row: Vec<_> = (0..6).map(|c| (0, c)).collect();
        for side in [10.0, 30.0] {
            assert_eq!(
                classify(&object(&row, group::THIN, cleared), side, &p),
                ChangeClass::AccessTrack
            );
        }
    }

    #[test]
    fn a_strip_that_lost_part_of_its_cover_is_a_tentative_track_and_a_patch_of_it_is_not() {
        // A track 5 m wide graded through grass: each 10 m pixel it crosses keeps half its
        // cover, so the NDVI falls by less than a clearing's and the ground does not read bare.
        let p = ClassParams::default();
        let thin = Evidence {
            magnitude: 4.0,
            d_ndvi: -0.08,
            d_bare: 0.02,
            d_water: 0.0,
            bare_after: -0.05,
            water_after: -0.3,
            d_bright: 0.02,
            d_swir: 0.02,
            visible_after: 0.1,
            shadow_shift: 0.0,
            open_water: 0.0,
        };
        let long: Vec<_> = (0..3).flat_map(|r| (0..30).map(move |c| (r, c))).collect();
        assert_eq!(
            judge(&object(&long, group::LAND, thin), 10.0, &p),
            (ChangeClass::AccessTrack, Certainty::Tentative)
        );
        let patch: Vec<_> = (0..9).flat_map(|r| (0..10).map(move |c| (r, c))).collect();
        assert_eq!(
            classify(&object(&patch, group::LAND, thin), 10.0, &p),
            ChangeClass::OtherChange
        );
        // Where the NDVI hardly fell, the strip is not a track.
        let faint = Evidence {
            d_ndvi: -0.03,
            ..thin
        };
        assert_eq!(
            classify(&object(&long, group::LAND, faint), 10.0, &p),
            ChangeClass::OtherChange
        );
    }

    #[test]
    fn bright_rock_on_ground_neither_vegetated_nor_bare_is_a_tentative_heap_in_a_focus_zone() {
        // Quartz waste rock tipped on a yard in top-of-atmosphere data: much brighter, the NDVI
        // down a little from a low start, the bare index below zero on both dates.
        let p = ClassParams::default();
        let quartz = Evidence {
            magnitude: 8.0,
            d_ndvi: -0.08,
            d_bare: 0.01,
            d_water: -0.04,
            bare_after: -0.03,
            water_after: -0.3,
            d_bright: 0.1,
            d_swir: 0.1,
            visible_after: 0.21,
            shadow_shift: 0.0,
            open_water: 0.0,
        };
        let blob: Vec<_> = (0..6).flat_map(|r| (0..6).map(move |c| (r, c))).collect();
        assert_eq!(
            judge(&object(&blob, group::BRIGHT, quartz), 10.0, &p),
            (ChangeClass::SpoilHeap, Certainty::Tentative)
        );
        // Outside the focus zones, where no pixel is labelled bright, it stays other change, and
        // so does a surface that brightened less than spoil or greened.
        assert_eq!(
            classify(&object(&blob, group::LAND, quartz), 10.0, &p),
            ChangeClass::OtherChange
        );
        // Cleared ground without a heap's bright core stays a clearing: the rule is for ground
        // that lost no cover.
        let cleared = Evidence {
            d_ndvi: -0.3,
            visible_after: 0.155,
            ..quartz
        };
        assert_eq!(
            classify(&object(&blob, group::BRIGHT, cleared), 10.0, &p),
            ChangeClass::VegetationLoss
        );
        for e in [
            Evidence {
                d_bright: 0.05,
                ..quartz
            },
            Evidence {
                d_ndvi: 0.02,
                ..quartz
            },
        ] {
            assert_eq!(
                classify(&object(&blob, group::BRIGHT, e), 10.0, &p),
                ChangeClass::OtherChange
            );
        }
    }

    #[test]
    fn a_wider_strip_is_judged_as_land_change() {
        // `group::STRIP` only labels a strip apart from what it runs out of: a 4-pixel-wide
        // strip 30 pixels long is a track as land change is, and a stub of it that is not long
        // enough stays a clearing, where a thin strip's looser rule would make it a track.
        let p = ClassParams::default();
        let cleared = bare_ground(0.04, 0.09, -0.25);
        let strip = |len: u64| -> Vec<(u64, u64)> {
            (0..4).flat_map(|r| (0..len).map(move |c| (r, c))).collect()
        };
        for (cells, class) in [
            (strip(30), ChangeClass::AccessTrack),
            (strip(12), ChangeClass::VegetationLoss),
        ] {
            for g in [group::LAND, group::STRIP] {
                assert_eq!(classify(&object(&cells, g, cleared), 10.0, &p), class);
            }
        }
        assert_eq!(
            classify(&object(&strip(12), group::THIN, cleared), 10.0, &p),
            ChangeClass::AccessTrack
        );
    }

    #[test]
    fn a_winding_thin_strip_is_a_track_and_tracks_and_spoil_on_bare_ground_are_found() {
        let p = ClassParams::default();
        // A hairpin strip one pixel wide, 8 pixels across, 5 down and 8 back: its axes are
        // alike, its length is not short.
        let wave: Vec<_> = (0..8)
            .map(|c| (0, c))
            .chain((1..6).map(|r| (r, 7)))
            .chain((0..8).map(|c| (6, c)))
            .collect();
        let graded = bare_ground(0.035, 0.14, 0.0);
        let strip = object(&wave, group::THIN, graded);
        assert_eq!(
            judge(&strip, 10.0, &p),
            (ChangeClass::AccessTrack, Certainty::Tentative)
        );
        // The same pixels in a wider object's group are not a track (not elongated).
        assert_ne!(
            classify(&object(&wave, group::LAND, graded), 10.0, &p),
            ChangeClass::AccessTrack
        );
        // A track graded into bare ground exposes other material, darker as often as
        // lighter: red laterite graded to grey gravel (OSCD Aguas Claras, planted) darkens the
        // red, greens the NDVI a little and leaves the mean reflectance where it was. A strip of
        // thin change on bare ground is a tentative track whichever way it changed.
        let darker = bare_ground(-0.02, 0.12, 0.05);
        assert_eq!(
            judge(&object(&wave, group::THIN, darker), 10.0, &p),
            (ChangeClass::AccessTrack, Certainty::Tentative)
        );
        // Not on vegetated ground that lost no cover (a crop strip greening), nor as a wider
        // object's pixels.
        let greening = Evidence {
            bare_after: -0.2,
            d_ndvi: 0.1,
            ..darker
        };
        assert_ne!(
            classify(&object(&wave, group::THIN, greening), 10.0, &p),
            ChangeClass::AccessTrack
        );
        assert_ne!(
            classify(&object(&wave, group::LAND, darker), 10.0, &p),
            ChangeClass::AccessTrack
        );
        // A strip's pixels are mixtures: graded ground that brightened them by half the floor
        // of a wider object is a thin track, but not a wider one, nor spoil on bare ground.
        let faint = bare_ground(0.02, 0.16, -0.02);
        assert_eq!(
            judge(&object(&wave, group::THIN, faint), 10.0, &p),
            (ChangeClass::AccessTrack, Certainty::Tentative)
        );
        let long: Vec<_> = (0..30).map(|c| (0, c)).collect();
        assert_eq!(
            classify(&object(&long, group::LAND, faint), 10.0, &p),
            ChangeClass::OtherChange
        );
        assert_eq!(
            classify(&object(&long, group::THIN, faint), 10.0, &p),
            ChangeClass::AccessTrack
        );
        // Four pixels of strip (20 m by the two-pixel rule) are too short.
        assert_ne!(
            classify(&object(&wave[..4], group::THIN, graded), 10.0, &p),
            ChangeClass::AccessTrack
        );
        // Spoil tipped on bare ground: bright, a little brighter, no greener.
        let blob: Vec<_> = (0..5).flat_map(|r| (0..5).map(move |c| (r, c))).collect();
        let heap = bare_ground(0.05, 0.2, -0.06);
        assert_eq!(
            judge(&object(&blob, group::LAND, heap), 10.0, &p),
            (ChangeClass::SpoilHeap, Certainty::Tentative)
        );
        // Not when it greened (regrowth) or stays dim (soil that dried).
        for not_spoil in [
            bare_ground(0.05, 0.2, 0.04),
            bare_ground(0.05, 0.13, -0.06),
            bare_ground(0.02, 0.2, -0.06),
        ] {
            assert_ne!(
                classify(&object(&blob, group::LAND, not_spoil), 10.0, &p),
                ChangeClass::SpoilHeap,
                "{not_spoil:?}"
            );
        }
    }

    #[test]
    fn bright_bare_ground_where_no_vegetation_was_lost_is_a_tentative_heap() {
        // OSCD Rennes: fields 140–300 m from a planted mine, bare index −0.04 → 0.24, mean
        // reflectance up 0.10, NDVI down only 0.02 — harrowed or drying, no vegetation buried.
        let blob: Vec<_> = (0..5).flat_map(|r| (0..5).map(move |c| (r, c))).collect();
        let p = ClassParams::default();
        let field = Evidence {
            d_ndvi: -0.02,
            d_bare: 0.28,
            bare_after: 0.24,
            d_bright: 0.10,
            visible_after: 0.14,
            ..SPOIL
        };
        assert_eq!(
            judge(&object(&blob, 1, field), 10.0, &p),
            (ChangeClass::SpoilHeap, Certainty::Tentative)
        );
        let greener = Evidence {
            d_ndvi: 0.05,
            ..field
        };
        assert_eq!(
            judge(&object(&blob, 1, greener), 10.0, &p),
            (ChangeClass::SpoilHeap, Certainty::Tentative)
        );
        // Rock tipped on vegetation buries it: the NDVI falls, and the heap is firm.
        for d_ndvi in [-p.heap_ndvi_drop, -0.3] {
            let heap = Evidence { d_ndvi, ..field };
            assert_eq!(
                judge(&object(&blob, 1, heap), 10.0, &p),
                (ChangeClass::SpoilHeap, Certainty::Firm),
                "{d_ndvi}"
            );
        }
    }

    #[test]
    fn a_small_heap_among_vegetation_is_spoil_and_a_track_may_span_three_pixels() {
        let blob: Vec<_> = (0..3).flat_map(|r| (0..3).map(move |c| (r, c))).collect();
        // Mixed with the grass around it, the heap's bare index stays below zero.
        let mixed_heap = Evidence {
            bare_after: -0.05,
            d_bare: 0.3,
            d_bright: 0.09,
            ..SPOIL
        };
        let p = ClassParams::default();
        assert_eq!(
            judge(&object(&blob, 1, mixed_heap), 10.0, &p),
            (ChangeClass::SpoilHeap, Certainty::Firm)
        );
        // Cleared topsoil may brighten as much as spoil, but it stays dark in the visible.
        let dark_clearing = Evidence {
            bare_after: 0.05,
            d_bright: 0.08,
            visible_after: 0.09,
            ..SPOIL
        };
        assert_eq!(
            classify(&object(&blob, 1, dark_clearing), 10.0, &p),
            ChangeClass::VegetationLoss
        );
        // A weak rise of the bare index alone is not enough for spoil (nor, with no bright
        // core, for a small heap).
        let weak = Evidence {
            d_bare: 0.1,
            visible_after: 0.15,
            ..mixed_heap
        };
        assert_eq!(
            classify(&object(&blob, 1, weak), 10.0, &p),
            ChangeClass::VegetationLoss
        );
        // A small heap found with a rim twice its size: the means are diluted below the
        // spoil thresholds, the core — the most changed pixels — is the heap.
        let rim = Evidence {
            magnitude: 3.0,
            d_ndvi: -0.2,
            d_bare: 0.1,
            bare_after: -0.1,
            d_bright: 0.02,
            visible_after: 0.06,
            ..SPOIL
        };
        let ring: Vec<_> = (0..5)
            .flat_map(|r| (0..5).map(move |c| (r, c)))
            .filter(|&(r, c)| !(1..4).contains(&r) || !(1..4).contains(&c))
            .collect();
        let core: Vec<_> = (1..4).flat_map(|r| (1..4).map(move |c| (r, c))).collect();
        let with_rim = |centre: Evidence| {
            let mut o = object(&core, 1, centre);
            o.merge(&object(&ring, 1, rim));
            o
        };
        let heap = with_rim(mixed_heap);
        let e = heap.mean();
        assert!(e.d_bright < p.brightening && e.visible_after < p.spoil_visible + 0.05);
        assert_eq!(
            judge(&heap, 10.0, &p),
            (ChangeClass::SpoilHeap, Certainty::Tentative)
        );
        // The same with a core of cleared topsoil is a clearing.
        let topsoil = Evidence {
            visible_after: 0.1,
            ..mixed_heap
        };
        assert_eq!(
            classify(&with_rim(topsoil), 10.0, &p),
            ChangeClass::VegetationLoss
        );
        // Cleared soil in a top-of-atmosphere scene: the path radiance lifts its core to the
        // brightness of rock, but its core brightened little more than its rim, and less than
        // a heap's.
        let hazy = |core_bright: f32| {
            let mut o = object(
                &core,
                1,
                Evidence {
                    d_bright: core_bright,
                    visible_after: 0.2,
                    ..mixed_heap
                },
            );
            o.merge(&object(
                &ring,
                1,
                Evidence {
                    d_bright: 0.04,
                    visible_after: 0.18,
                    ..rim
                },
            ));
            o
        };
        assert!(hazy(0.045).mean().d_bright >= p.bare_brightening);
        assert!(hazy(0.045).core_visible() >= p.spoil_core_visible);
        assert_eq!(
            classify(&hazy(0.045), 10.0, &p),
            ChangeClass::VegetationLoss
        );
        // Rock brightens its core more than that.
        assert_eq!(
            judge(&hazy(0.065), 10.0, &p),
            (ChangeClass::SpoilHeap, Certainty::Tentative)
        );
        // A strip three 10 m pixels wide is a track (a narrow track and its mixed pixels);
        // five pixels wide it is not.
        let strip = |w: u64| -> Vec<(u64, u64)> {
            (0..w).flat_map(|r| (0..40).map(move |c| (r, c))).collect()
        };
        let track = classify(&object(&strip(3), 1, SPOIL), 10.0, &p);
        assert_eq!(track, ChangeClass::AccessTrack);
        assert_ne!(
            classify(&object(&strip(5), 1, SPOIL), 10.0, &p),
            ChangeClass::AccessTrack
        );
    }
}
