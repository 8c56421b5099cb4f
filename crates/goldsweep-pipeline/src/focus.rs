//! Focus zones: the ground within the near distance of a closed mine or a known illegal site,
//! outside licensed active mines — exactly where a candidate's relation to the catalogue is
//! `at_illegal_site`, `inside_closed_mine` or `near_closed_mine`. There the detector lowers its
//! change threshold to [`SceneFit::focus_threshold`](goldsweep_detect::normalise::SceneFit):
//! re-entry into a closed mine starts small (a track, a cleared patch, a first heap), and the
//! catalogue says where to look for it. There too faint tracks are found by their line
//! evidence ([`goldsweep_detect::lines`]) and strips under three pixels wide become objects of
//! their own ([`goldsweep_detect::morphology::split_thin`]).

use geo::{BoundingRect, Geometry, Point, Rect};
use goldsweep_catalogue::{Catalogue, CrsTransform, MineStatus, Relatable};
use goldsweep_raster::{Grid, Window};
use ndarray::Array2;

use crate::error::SweepError;
use crate::footprint::pixel_to_crs;

/// A catalogued outline or location and its envelope grown by the reach around it.
#[derive(Debug, Clone)]
struct Zone {
    geometry: Geometry<f64>,
    reach: Rect<f64>,
}

impl Zone {
    fn new(geometry: &Geometry<f64>, reach_m: f64) -> Option<Zone> {
        let r = geometry.bounding_rect()?;
        let grow = geo::coord! { x: reach_m, y: reach_m };
        Some(Zone {
            geometry: geometry.clone(),
            reach: Rect::new(r.min() - grow, r.max() + grow),
        })
    }

    fn may_reach(&self, x: f64, y: f64) -> bool {
        let (min, max) = (self.reach.min(), self.reach.max());
        x >= min.x && x <= max.x && y >= min.y && y <= max.y
    }
}

/// The focus zones of a catalogue, in its work CRS.
#[derive(Debug, Clone, Default)]
pub struct FocusZones {
    work_crs: String,
    near_m: f64,
    /// Closed mines and illegal sites.
    zones: Vec<Zone>,
    /// Licensed active mines with an outline: their insides are never focus.
    active: Vec<Zone>,
}

impl FocusZones {
    /// The zones of every closed mine and illegal site of `catalogue`, reaching `near_m` metres.
    pub fn new(catalogue: &Catalogue, near_m: f64) -> FocusZones {
        let near_m = if near_m.is_finite() {
            near_m.max(0.0)
        } else {
            0.0
        };
        let mut out = FocusZones {
            work_crs: catalogue.work_crs().to_string(),
            near_m,
            ..FocusZones::default()
        };
        for mine in catalogue.mines() {
            if mine.status == MineStatus::Active {
                if mine.is_areal() {
                    out.active.extend(Zone::new(&mine.geometry, 0.0));
                }
            } else {
                out.zones.extend(Zone::new(&mine.geometry, near_m));
            }
        }
        out
    }

    /// True when there is nothing to focus on (no closed mine or illegal site).
    pub fn is_empty(&self) -> bool {
        self.zones.is_empty()
    }

    /// A worker's map from the read windows of `grid` to the work CRS: the geotransform when the
    /// grid is in the work CRS, else a PROJ transform of the worker's own.
    pub fn window_map(&self, grid: &Grid) -> Result<WindowMap, SweepError> {
        let to_work = if self.is_empty() || !grid.is_geographic() {
            None
        } else {
            Some(CrsTransform::new(&grid.crs_wkt, &self.work_crs)?)
        };
        Ok(WindowMap {
            geo_transform: grid.geo_transform,
            to_work,
        })
    }

    /// The focus mask of a read window (true = focus), or `None` when no zone reaches it.
    /// `to_work` maps the window's pixel coordinates to the work CRS.
    pub fn mask(&self, window: Window, to_work: &PixelAffine) -> Option<Array2<bool>> {
        let corners = [
            (0.0, 0.0),
            (window.width as f64, 0.0),
            (0.0, window.height as f64),
            (window.width as f64, window.height as f64),
        ]
        .map(|(c, r)| to_work.apply(c, r));
        let (mut lo, mut hi) = (corners[0], corners[0]);
        for (x, y) in corners {
            lo = (lo.0.min(x), lo.1.min(y));
            hi = (hi.0.max(x), hi.1.max(y));
        }
        let overlaps = |z: &&Zone| {
            let (min, max) = (z.reach.min(), z.reach.max());
            min.x <= hi.0 && max.x >= lo.0 && min.y <= hi.1 && max.y >= lo.1
        };
        let zones: Vec<&Zone> = self.zones.iter().filter(overlaps).collect();
        if zones.is_empty() {
            return None;
        }
        let active: Vec<&Zone> = self.active.iter().filter(overlaps).collect();
        let mask = Array2::from_shape_fn((window.height, window.width), |(r, c)| {
            let (x, y) = to_work.apply(c as f64 + 0.5, r as f64 + 0.5);
            let p = Point::new(x, y);
            let near = zones
                .iter()
                .any(|z| z.may_reach(x, y) && p.distance_to_mine(&z.geometry) <= self.near_m);
            near && !active
                .iter()
                .any(|z| z.may_reach(x, y) && p.intersects_mine(&z.geometry))
        });
        mask.iter().any(|&f| f).then_some(mask)
    }
}

/// Maps read windows of one grid to the work CRS (see [`FocusZones::window_map`]).
pub struct WindowMap {
    geo_transform: [f64; 6],
    to_work: Option<CrsTransform>,
}

impl WindowMap {
    /// The focus mask of `window` (see [`FocusZones::mask`]); `None` without focus zones.
    pub fn mask(
        &self,
        zones: &FocusZones,
        window: Window,
    ) -> Result<Option<Array2<bool>>, SweepError> {
        if zones.is_empty() {
            return Ok(None);
        }
        let affine = match &self.to_work {
            Some(t) => PixelAffine::through(&self.geo_transform, window, t)?,
            None => PixelAffine::projected(&self.geo_transform, window),
        };
        Ok(zones.mask(window, &affine))
    }
}

/// An affine map from a window's pixel coordinates (column, row; the window's top-left corner
/// is `(0, 0)`) to the work CRS.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PixelAffine([f64; 6]);

impl PixelAffine {
    /// The map of `window` when the grid's CRS is the work CRS: its geotransform, shifted.
    pub fn projected(geo_transform: &[f64; 6], window: Window) -> PixelAffine {
        let (x0, y0) = pixel_to_crs(geo_transform, window.col as f64, window.row as f64);
        let g = geo_transform;
        PixelAffine([x0, g[1], g[2], y0, g[4], g[5]])
    }

    /// The map of `window` through `to_work` (grid CRS → work CRS), exact at three of the
    /// window's corners. Over one tile (a few kilometres) the projection is affine to well
    /// below a pixel.
    pub fn through(
        geo_transform: &[f64; 6],
        window: Window,
        to_work: &CrsTransform,
    ) -> Result<PixelAffine, SweepError> {
        let at = |c: f64, r: f64| -> Result<(f64, f64), SweepError> {
            let (x, y) = pixel_to_crs(geo_transform, window.col as f64 + c, window.row as f64 + r);
            Ok(to_work.convert(x, y)?)
        };
        let (w, h) = (window.width.max(1) as f64, window.height.max(1) as f64);
        let (o, e, s) = (at(0.0, 0.0)?, at(w, 0.0)?, at(0.0, h)?);
        Ok(PixelAffine([
            o.0,
            (e.0 - o.0) / w,
            (s.0 - o.0) / h,
            o.1,
            (e.1 - o.1) / w,
            (s.1 - o.1) / h,
        ]))
    }

    fn apply(&self, col: f64, row: f64) -> (f64, f64) {
        pixel_to_crs(&self.0, col, row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use goldsweep_catalogue::Mine;

    const UTM: &str = "EPSG:32650";

    fn mine(id: &str, status: MineStatus, g: Geometry<f64>) -> Mine {
        Mine {
            id: id.to_string(),
            name: String::new(),
            status,
            holder: None,
            sealing: None,
            responsible: None,
            geometry: g,
            row: 1,
        }
    }

    fn square(x0: f64, y0: f64, side: f64) -> Geometry<f64> {
        Geometry::Rect(Rect::new(
            geo::coord! { x: x0, y: y0 },
            geo::coord! { x: x0 + side, y: y0 + side },
        ))
    }

    /// 10 m pixels, north up, top-left corner at (500 000, 4 000 000).
    const GT: [f64; 6] = [500_000.0, 10.0, 0.0, 4_000_000.0, 0.0, -10.0];

    fn window() -> Window {
        Window {
            col: 0,
            row: 0,
            width: 100,
            height: 100,
        }
    }

    #[test]
    fn closed_mines_and_their_surroundings_are_focus_active_insides_are_not() {
        // A closed mine of 100 m at pixels 20..30 and an active mine next to it.
        let closed = square(500_200.0, 3_999_700.0, 100.0);
        let active = square(500_350.0, 3_999_700.0, 100.0);
        let cat = Catalogue::from_mines(
            vec![
                mine("C", MineStatus::PolicyClosed, closed),
                mine("A", MineStatus::Active, active),
            ],
            UTM,
        );
        let zones = FocusZones::new(&cat, 50.0);
        let m = zones
            .mask(window(), &PixelAffine::projected(&GT, window()))
            .expect("the window holds a closed mine");
        // Row 25 crosses both mines: focus from col 15 (50 m left of the mine) to col 34 (the
        // active mine starts at col 35).
        let row: Vec<usize> = (0..100).filter(|&c| m[[25, c]]).collect();
        assert_eq!(row, (15..35).collect::<Vec<_>>());
        // Diagonal reach is a true distance, not the grown envelope.
        assert!(m[[19, 19]] && !m[[15, 15]]);
        assert!(m.iter().filter(|&&f| f).count() < 30 * 30);
    }

    #[test]
    fn no_zone_no_mask_and_a_window_elsewhere_has_none() {
        let empty = FocusZones::new(&Catalogue::empty(), 300.0);
        assert!(empty.is_empty());
        assert!(empty
            .mask(window(), &PixelAffine::projected(&GT, window()))
            .is_none());
        let cat = Catalogue::from_mines(
            vec![mine(
                "I",
                MineStatus::IllegalSite,
                Geometry::Point(Point::new(500_500.0, 3_999_500.0)),
            )],
            UTM,
        );
        let zones = FocusZones::new(&cat, 30.0);
        let far = Window {
            col: 1000,
            ..window()
        };
        assert!(zones.mask(far, &PixelAffine::projected(&GT, far)).is_none());
        // A point site: a disc of 30 m around it.
        let m = zones
            .mask(window(), &PixelAffine::projected(&GT, window()))
            .expect("the site is in the window");
        assert!(m[[50, 50]] && m[[47, 50]] && !m[[46, 50]]);
    }

    #[test]
    fn the_affine_through_proj_matches_the_geotransform_in_the_same_crs() {
        let t = CrsTransform::new(UTM, UTM).unwrap();
        let w = Window {
            col: 30,
            row: 40,
            width: 64,
            height: 32,
        };
        let a = PixelAffine::through(&GT, w, &t).unwrap();
        let b = PixelAffine::projected(&GT, w);
        for (x, y) in a.0.iter().zip(b.0) {
            assert!((x - y).abs() < 1e-6, "{a:?} vs {b:?}");
        }
    }
}
