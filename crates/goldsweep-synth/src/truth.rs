//! Vocabulary of the truth file — change classes, contexts and catalogue relations, spelled as in
//! goldsweep's outputs — and the planted objects themselves.

use geo::{Contains, Distance, Euclidean, InteriorPoint, Point, Polygon};

use crate::mines::{Mine, MineStatus};
use crate::spectra::Spectrum;

/// Distance (m) within which an object counts as "near" a mine.
pub const NEAR_M: f64 = 300.0;

/// Class of a change object (same names and order as goldsweep's `change.tif` codes 1–5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeClass {
    /// New spoil heap / waste rock.
    SpoilHeap,
    /// New (leach) pond.
    LeachPond,
    /// New access track.
    AccessTrack,
    /// Vegetation removed.
    VegetationLoss,
    /// Anything else (buildings, farm ponds).
    OtherChange,
}

impl ChangeClass {
    /// Name as written in GeoJSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SpoilHeap => "spoil_heap",
            Self::LeachPond => "leach_pond",
            Self::AccessTrack => "access_track",
            Self::VegetationLoss => "vegetation_loss",
            Self::OtherChange => "other_change",
        }
    }
}

/// Where an object was planted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// At a closed mine (any closed status).
    ClosedMine,
    /// At the illegal site.
    IllegalSite,
    /// Inside the active mine.
    ActiveMine,
    /// More than 1 km from every mine.
    FarFromMines,
}

impl Context {
    /// Name as written in GeoJSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ClosedMine => "closed_mine",
            Self::IllegalSite => "illegal_site",
            Self::ActiveMine => "active_mine",
            Self::FarFromMines => "far_from_mines",
        }
    }
}

/// Relation of an object to the catalogue, as goldsweep reports it for a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// Inside or within 300 m of an illegal site.
    AtIllegalSite,
    /// Interior point inside a closed mine polygon.
    InsideClosedMine,
    /// Within 300 m of a closed mine polygon.
    NearClosedMine,
    /// Interior point inside an active mine polygon.
    InsideActiveMine,
    /// Within 300 m of an active mine polygon.
    NearActiveMine,
    /// Farther than 300 m from every mine.
    OutsideCatalogue,
}

impl Relation {
    /// Name as written in GeoJSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AtIllegalSite => "at_illegal_site",
            Self::InsideClosedMine => "inside_closed_mine",
            Self::NearClosedMine => "near_closed_mine",
            Self::InsideActiveMine => "inside_active_mine",
            Self::NearActiveMine => "near_active_mine",
            Self::OutsideCatalogue => "outside_catalogue",
        }
    }
}

/// Relation of `poly` to the catalogue: the nearest mine (polygon distance, 0 when they
/// intersect) decides; "inside" needs the object's interior point inside the mine polygon,
/// "near" a polygon distance of at most [`NEAR_M`]. Returns the relation and the mine's index.
pub fn relation(poly: &Polygon, mines: &[Mine]) -> (Relation, Option<usize>) {
    let nearest = mines
        .iter()
        .enumerate()
        .map(|(i, m)| (i, Euclidean.distance(poly, &m.polygon)))
        .min_by(|a, b| a.1.total_cmp(&b.1));
    let Some((i, d)) = nearest else {
        return (Relation::OutsideCatalogue, None);
    };
    if d > NEAR_M {
        return (Relation::OutsideCatalogue, None);
    }
    let inside = poly
        .interior_point()
        .is_some_and(|p: Point| mines[i].polygon.contains(&p));
    let rel = match (mines[i].status, inside) {
        (MineStatus::IllegalSite, _) => Relation::AtIllegalSite,
        (MineStatus::Active, true) => Relation::InsideActiveMine,
        (MineStatus::Active, false) => Relation::NearActiveMine,
        (_, true) => Relation::InsideClosedMine,
        (_, false) => Relation::NearClosedMine,
    };
    (rel, Some(i))
}

/// How a planted object looks on the after date.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Paint {
    /// Surface reflectance of the object.
    pub spectrum: Spectrum,
    /// Relative brightness texture amplitude (0.1 = ±10 %).
    pub texture: f32,
}

/// One planted change object with its truth attributes.
#[derive(Debug, Clone)]
pub struct PlantedObject {
    /// Class of change.
    pub class: ChangeClass,
    /// True for mining evidence at a closed mine or the illegal site.
    pub mining: bool,
    /// Where it was planted.
    pub context: Context,
    /// Outline in map coordinates (CCW exterior).
    pub polygon: Polygon,
    /// After-date appearance.
    pub paint: Paint,
    /// Short English description for the truth file.
    pub description: String,
    /// Group name for objects planted together (e.g. a pond lattice), if any.
    pub group: Option<String>,
}
