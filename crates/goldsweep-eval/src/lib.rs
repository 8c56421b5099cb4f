//! Scoring a goldsweep run directory against truth.
//!
//! Concepts:
//! - **Pixel truth** ([`PixelTruth`]): a label raster ([`LabelConvention::Oscd`] or
//!   [`LabelConvention::Binary`]) or a pair of sample images (changed / unchanged, 255 = labelled)
//!   on the pixel grid of the run's `change.tif`.
//! - **Pixel scores** ([`pixel_scores`]): a 2 × 2 confusion matrix over labelled pixels, with
//!   precision, recall, F1, Cohen's kappa and overall accuracy; masked predictions (255) are
//!   excluded and counted apart.
//! - **Object scores** ([`object_scores`]): truth polygons (`truth.geojson`) against the run's
//!   `objects.geojson` polygons and ranked `candidates.geojson` points: recall of mining objects,
//!   class accuracy, precision, precision at k, and ranking checks (active mine below mining,
//!   confusers in the top k).
//! - **Tables** ([`format_pixel_table`], [`format_object_table`], [`format_class_table`]):
//!   plain-text reports (the class table says which class each misread mining object was read
//!   as); every score type is also `Serialize` for JSON output.

mod change_codes;
mod confusion;
mod error;
mod geojson_features;
mod masked_points;
mod object_scores;
mod pixel_scores;
mod raster_input;
mod report_table;
mod truth_labels;

#[cfg(test)]
mod test_dir;

pub use change_codes::{CHANGE_CLASSES, MASKED, NO_CHANGE};
pub use confusion::ConfusionMatrix;
pub use error::EvalError;
pub use object_scores::{object_scores, ClassRecall, ObjectScores, ACTIVE_MINE_CONTEXT};
pub use pixel_scores::{pixel_scores, PixelScores};
pub use report_table::{format_class_table, format_object_table, format_pixel_table};
pub use truth_labels::{LabelConvention, PixelTruth};
