//! How a change object relates to the catalogue: the kinds, their priority, and the geometry
//! tests behind them.

use geo::{
    BoundingRect, Distance, Euclidean, Geometry, Intersects, MultiPolygon, Point, Polygon, Rect,
};
use serde::Serialize;

use crate::status::MineStatus;

/// The relation of an object to the catalogue, from most to least suspicious.
///
/// The declaration order is the priority order used when several mines qualify.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    /// Intersects, or lies within the near distance of, a recorded illegal site.
    AtIllegalSite,
    /// Intersects the outline of a closed mine (any of the three closed states).
    InsideClosedMine,
    /// Intersects the outline of a licensed active mine.
    InsideActiveMine,
    /// Within the near distance of a closed mine (outline or location point).
    NearClosedMine,
    /// Within the near distance of an active mine (outline or location point).
    NearActiveMine,
    /// No catalogued mine within the near distance.
    OutsideCatalogue,
}

impl RelationKind {
    /// The snake_case name, as written in outputs (`"inside_closed_mine"`).
    pub fn as_str(&self) -> &'static str {
        match self {
            RelationKind::AtIllegalSite => "at_illegal_site",
            RelationKind::InsideClosedMine => "inside_closed_mine",
            RelationKind::InsideActiveMine => "inside_active_mine",
            RelationKind::NearClosedMine => "near_closed_mine",
            RelationKind::NearActiveMine => "near_active_mine",
            RelationKind::OutsideCatalogue => "outside_catalogue",
        }
    }

    /// The kind for one mine of `status` that the object is inside (intersects) or near.
    pub(crate) fn for_mine(status: MineStatus, inside: bool) -> Self {
        match (status, inside) {
            (MineStatus::IllegalSite, _) => RelationKind::AtIllegalSite,
            (MineStatus::Active, true) => RelationKind::InsideActiveMine,
            (MineStatus::Active, false) => RelationKind::NearActiveMine,
            (_, true) => RelationKind::InsideClosedMine,
            (_, false) => RelationKind::NearClosedMine,
        }
    }
}

impl std::fmt::Display for RelationKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The chosen relation of one object: the kind, the mine behind it and how far away it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Relation {
    /// The highest-priority relation found.
    pub kind: RelationKind,
    /// Index into [`Catalogue::mines`](crate::Catalogue::mines) of the mine behind `kind`;
    /// `None` for [`RelationKind::OutsideCatalogue`].
    pub mine: Option<usize>,
    /// Euclidean distance in work-CRS units (metres) between the object and that mine; `0` when
    /// they intersect; `None` for [`RelationKind::OutsideCatalogue`].
    pub distance_m: Option<f64>,
}

impl Relation {
    /// The relation of an object with no catalogued mine nearby.
    pub fn outside() -> Self {
        Relation {
            kind: RelationKind::OutsideCatalogue,
            mine: None,
            distance_m: None,
        }
    }
}

/// A geometry that can be related to catalogue mines: change objects are usually polygons,
/// sometimes points or whole `Geometry` values.
pub trait Relatable {
    /// Bounding rectangle in work-CRS coordinates; `None` for an empty geometry.
    fn envelope(&self) -> Option<Rect<f64>>;
    /// True when the object and the mine geometry share at least one point.
    fn intersects_mine(&self, mine: &Geometry<f64>) -> bool;
    /// Smallest Euclidean distance between the object and the mine geometry (0 if they meet).
    fn distance_to_mine(&self, mine: &Geometry<f64>) -> f64;
}

/// `bounding_rect` returns `Rect` for points and `Option<Rect>` for the rest; `.into()` makes
/// both an `Option<Rect>`.
macro_rules! relatable_via_geo {
    ($($ty:ty),*) => {$(
        impl Relatable for $ty {
            fn envelope(&self) -> Option<Rect<f64>> {
                self.bounding_rect().into()
            }
            fn intersects_mine(&self, mine: &Geometry<f64>) -> bool {
                self.intersects(mine)
            }
            fn distance_to_mine(&self, mine: &Geometry<f64>) -> f64 {
                Euclidean.distance(mine, self)
            }
        }
    )*};
}

relatable_via_geo!(Polygon<f64>, MultiPolygon<f64>, Point<f64>, Geometry<f64>);
