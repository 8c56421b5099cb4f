//! Spectral band roles and the per-tile pixel stack the kernels work on.

use ndarray::{Array2, Array3, ArrayView2};

/// The spectral role a band plays, independent of any sensor's band numbering.
///
/// Roles are always stored in this canonical order inside a [`TileData`] stack;
/// a sensor without SWIR (GF-1/2, NAIP, CBERS WFI) simply lacks the last two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BandRole {
    Blue,
    Green,
    Red,
    Nir,
    Swir1,
    Swir2,
}

impl BandRole {
    /// All roles in canonical stack order.
    pub const ALL: [BandRole; 6] = [
        BandRole::Blue,
        BandRole::Green,
        BandRole::Red,
        BandRole::Nir,
        BandRole::Swir1,
        BandRole::Swir2,
    ];

    /// Lower-case name used on the command line (`--bands red=3`) and in manifests.
    pub fn name(self) -> &'static str {
        match self {
            BandRole::Blue => "blue",
            BandRole::Green => "green",
            BandRole::Red => "red",
            BandRole::Nir => "nir",
            BandRole::Swir1 => "swir1",
            BandRole::Swir2 => "swir2",
        }
    }

    /// Parses a role name as written by [`BandRole::name`] (case-insensitive).
    pub fn from_name(s: &str) -> Option<BandRole> {
        BandRole::ALL
            .into_iter()
            .find(|r| r.name().eq_ignore_ascii_case(s.trim()))
    }
}

/// Which roles a scene pair provides, in canonical order. Blue, green, red and NIR are required;
/// SWIR1/SWIR2 are optional (four-band sensors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BandSet {
    roles: Vec<BandRole>,
}

impl BandSet {
    /// Builds a set from any roles; returns `None` unless blue, green, red and NIR are all present.
    pub fn new(roles: impl IntoIterator<Item = BandRole>) -> Option<BandSet> {
        let mut roles: Vec<BandRole> = roles.into_iter().collect();
        roles.sort();
        roles.dedup();
        let required = [
            BandRole::Blue,
            BandRole::Green,
            BandRole::Red,
            BandRole::Nir,
        ];
        required
            .iter()
            .all(|r| roles.contains(r))
            .then_some(BandSet { roles })
    }

    /// The roles in canonical stack order.
    pub fn roles(&self) -> &[BandRole] {
        &self.roles
    }

    /// Position of `role` in a stack built for this set.
    pub fn index(&self, role: BandRole) -> Option<usize> {
        self.roles.iter().position(|r| *r == role)
    }

    /// Whether both SWIR bands are available (needed for BSI, MNDWI and the spoil-heap evidence).
    pub fn has_swir(&self) -> bool {
        self.index(BandRole::Swir1).is_some() && self.index(BandRole::Swir2).is_some()
    }

    pub fn len(&self) -> usize {
        self.roles.len()
    }

    pub fn is_empty(&self) -> bool {
        self.roles.is_empty()
    }
}

/// One window of an aligned scene pair: surface (or top-of-atmosphere) reflectance in `[0, 1]`-ish
/// units for both dates, shape `(band, row, col)` in [`BandSet`] order, and a validity mask
/// (`false` = nodata, cloud, shadow or outside either scene: such pixels are never change).
#[derive(Debug, Clone)]
pub struct TileData {
    pub before: Array3<f32>,
    pub after: Array3<f32>,
    pub valid: Array2<bool>,
}

impl TileData {
    /// `(rows, cols)` of the window.
    pub fn shape(&self) -> (usize, usize) {
        self.valid.dim()
    }

    /// One band of the before date.
    pub fn before_band(&self, i: usize) -> ArrayView2<'_, f32> {
        self.before.index_axis(ndarray::Axis(0), i)
    }

    /// One band of the after date.
    pub fn after_band(&self, i: usize) -> ArrayView2<'_, f32> {
        self.after.index_axis(ndarray::Axis(0), i)
    }
}
