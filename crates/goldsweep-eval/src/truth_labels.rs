//! How pixel truth is encoded on disk, and the decoding of one pixel to a label.

use std::path::PathBuf;

/// Value encoding of a single-band truth raster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelConvention {
    /// Onera Satellite Change Detection: 1 = no change, 2 = change, 0 (or the band nodata) = unlabelled.
    /// Any other value is an error.
    Oscd,
    /// 0 = no change, any other value = change; 255, NaN and the band nodata value = unlabelled.
    Binary,
}

impl LabelConvention {
    /// Short name used in messages and tables.
    pub fn name(self) -> &'static str {
        match self {
            LabelConvention::Oscd => "oscd (1 no change, 2 change, 0 unlabelled)",
            LabelConvention::Binary => "binary (0 no change, other change, 255/nodata unlabelled)",
        }
    }
}

/// Where the pixel truth comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PixelTruth {
    /// One raster with every labelled pixel, decoded with `convention`.
    Raster {
        path: PathBuf,
        convention: LabelConvention,
    },
    /// Two sample images (e.g. Taizhou `change.bmp` / `unchanged.bmp`): in each, 255 marks a labelled
    /// pixel of that kind and 0 an unlabelled one; any other value is an error, and a pixel marked in
    /// both is an error. The images may lack georeferencing (BMP), in which case only their size
    /// is checked against the prediction.
    Sampled {
        changed: PathBuf,
        unchanged: PathBuf,
    },
}

/// Truth at one pixel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Label {
    Unlabelled,
    NoChange,
    Change,
}

/// Value in a sample image that marks a labelled pixel.
pub(crate) const SAMPLE_MARK: f64 = 255.0;

/// Decodes one truth-raster value; `None` when the value is not defined by `convention`.
pub(crate) fn decode_label(
    convention: LabelConvention,
    value: f64,
    nodata: Option<f64>,
) -> Option<Label> {
    if value.is_nan() || nodata.is_some_and(|nd| nd == value) {
        return Some(Label::Unlabelled);
    }
    match convention {
        LabelConvention::Oscd => match value {
            0.0 => Some(Label::Unlabelled),
            1.0 => Some(Label::NoChange),
            2.0 => Some(Label::Change),
            _ => None,
        },
        LabelConvention::Binary => match value {
            0.0 => Some(Label::NoChange),
            255.0 => Some(Label::Unlabelled),
            _ => Some(Label::Change),
        },
    }
}

/// Whether a sample-image value marks the pixel (255), leaves it unlabelled (0), or is invalid (`None`).
pub(crate) fn decode_sample_mark(value: f64) -> Option<bool> {
    if value == SAMPLE_MARK {
        Some(true)
    } else if value == 0.0 {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oscd_values() {
        let c = LabelConvention::Oscd;
        assert_eq!(decode_label(c, 0.0, None), Some(Label::Unlabelled));
        assert_eq!(decode_label(c, 1.0, None), Some(Label::NoChange));
        assert_eq!(decode_label(c, 2.0, None), Some(Label::Change));
        assert_eq!(decode_label(c, 3.0, None), None);
        assert_eq!(decode_label(c, 9.0, Some(9.0)), Some(Label::Unlabelled));
    }

    #[test]
    fn binary_values() {
        let c = LabelConvention::Binary;
        assert_eq!(decode_label(c, 0.0, None), Some(Label::NoChange));
        assert_eq!(decode_label(c, 1.0, None), Some(Label::Change));
        assert_eq!(decode_label(c, 7.0, None), Some(Label::Change));
        assert_eq!(decode_label(c, 255.0, None), Some(Label::Unlabelled));
        assert_eq!(decode_label(c, f64::NAN, None), Some(Label::Unlabelled));
        assert_eq!(decode_label(c, 0.0, Some(0.0)), Some(Label::Unlabelled));
    }

    #[test]
    fn sample_marks() {
        assert_eq!(decode_sample_mark(255.0), Some(true));
        assert_eq!(decode_sample_mark(0.0), Some(false));
        assert_eq!(decode_sample_mark(128.0), None);
    }
}
