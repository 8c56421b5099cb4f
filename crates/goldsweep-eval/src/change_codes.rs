//! Pixel values of a run's `change.tif` (UInt8, one band on the before-scene grid).

/// 0: no change.
pub const NO_CHANGE: u8 = 0;
/// 1..=5: change, by class (spoil_heap, leach_pond, access_track, vegetation_loss, other_change).
pub const CHANGE_CLASSES: std::ops::RangeInclusive<u8> = 1..=5;
/// 255: nodata or cloud/shadow masked.
pub const MASKED: u8 = 255;

/// What one `change.tif` pixel predicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Prediction {
    NoChange,
    Change,
    Masked,
}

/// Decodes one `change.tif` value; `None` for values outside the table (6..=254).
pub(crate) fn decode_prediction(value: u8) -> Option<Prediction> {
    match value {
        NO_CHANGE => Some(Prediction::NoChange),
        MASKED => Some(Prediction::Masked),
        v if CHANGE_CLASSES.contains(&v) => Some(Prediction::Change),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        assert_eq!(decode_prediction(0), Some(Prediction::NoChange));
        assert_eq!(decode_prediction(1), Some(Prediction::Change));
        assert_eq!(decode_prediction(5), Some(Prediction::Change));
        assert_eq!(decode_prediction(6), None);
        assert_eq!(decode_prediction(254), None);
        assert_eq!(decode_prediction(255), Some(Prediction::Masked));
    }
}
