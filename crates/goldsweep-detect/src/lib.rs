//! Pure change-detection kernels for goldsweep: no GDAL, no I/O, only arrays.
//!
//! The concepts, in the order the pipeline uses them:
//!
//! - [`BandRole`], [`BandSet`], [`TileData`] — reflectance of both dates for one window, bands by
//!   role, with a validity mask.
//! - [`cloud`] — the spectral cloud screen: thick cloud and its thin edge in either date are
//!   invalid.
//! - [`normalise`] — relative radiometric normalisation of the after date onto the before date
//!   and the scene-adaptive change threshold ([`normalise::SceneFit`], fitted on a sample).
//! - [`indices`] — NDVI, MNDWI/NDWI, BSI and the visible bare proxy.
//! - [`evidence`] — per-pixel change magnitude, index deltas and change group (land / water),
//!   new water grown into its pond's mixed bank and dark liner.
//! - [`shadow`] — shadow shifts: shade on one date, sunlight on the other (not land change).
//! - [`lines`] — line evidence: faint tracks in focus zones, found by their consistent change
//!   along a line against its flanks.
//! - [`line_chains`] — weaker lines that chain into a track 100 m long count too (hysteresis).
//! - [`morphology`] — 3 × 3 clean-up that keeps one-pixel tracks, and in focus zones the split
//!   of thin strips from the wider change they run out of and of bright heaps from the clearings
//!   they lie on.
//! - [`label`] — 8-connected fragments with mergeable [`object_stats::ObjectStats`].
//! - [`classify`] — rule-based [`ChangeClass`] per object.
//! - [`threshold`] — Otsu and robust statistics.
//! - [`tile`] — the whole per-tile kernel, as benchmarked.
#![deny(unsafe_code)]

mod bands;
pub mod classify;
pub mod cloud;
pub mod evidence;
pub mod indices;
pub mod label;
pub mod line_chains;
pub mod lines;
pub mod morphology;
pub mod normalise;
pub mod object_stats;
pub mod shadow;
pub mod threshold;
pub mod tile;

pub use bands::{BandRole, BandSet, TileData};
pub use classify::ChangeClass;
