//! Shared acceptance tests for placing objects: inside the scene, off static features, clear of
//! objects already placed.

use geo::{BoundingRect, Distance, Euclidean, Polygon};

use crate::grid::SceneGrid;
use crate::static_maps::{Layer, StaticMaps};

/// What placement checks against.
#[derive(Debug)]
pub struct Site<'a> {
    /// Scene grid.
    pub grid: &'a SceneGrid,
    /// Static feature maps.
    pub maps: &'a StaticMaps,
    /// Objects placed so far (planted change and protected static patches).
    pub taken: Vec<Polygon>,
}

impl Site<'_> {
    /// True when `poly` is inside the scene with `margin` m, `static_gap` m off water, roads and
    /// the village, and `gap` m from every object already taken.
    pub fn fits(&self, poly: &Polygon, margin: f64, static_gap: f64, gap: f64) -> bool {
        let Some(bb) = poly.bounding_rect() else {
            return false;
        };
        self.grid.contains_rect(&bb, margin)
            && self.maps.clear(
                self.grid,
                poly,
                static_gap,
                &[Layer::Water, Layer::Road, Layer::Village],
            )
            && self.clear_of_taken(poly, gap)
    }

    /// True when `poly` is at least `gap` m from every taken object.
    pub fn clear_of_taken(&self, poly: &Polygon, gap: f64) -> bool {
        let Some(bb) = poly.bounding_rect() else {
            return false;
        };
        self.taken.iter().all(|t| {
            let Some(tb) = t.bounding_rect() else {
                return true;
            };
            let far = tb.min().x > bb.max().x + gap
                || tb.max().x < bb.min().x - gap
                || tb.min().y > bb.max().y + gap
                || tb.max().y < bb.min().y - gap;
            far || Euclidean.distance(poly, t) >= gap
        })
    }
}
