//! Pure change-detection kernels for goldsweep (no GDAL, no I/O).
#![forbid(unsafe_code)]

mod bands;

pub use bands::{BandRole, BandSet, TileData};
