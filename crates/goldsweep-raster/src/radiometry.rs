//! Conversion of stored digital numbers to reflectance: `reflectance = stored * scale + offset`.

use gdal::raster::GdalDataType;
use serde::Serialize;

use crate::sensor::Sensor;

/// Scale and offset applied to one band, and why they were chosen.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub(crate) struct Radiometry {
    pub scale: f64,
    pub offset: f64,
    /// Where the numbers came from (recorded in the run manifest).
    pub source: &'static str,
    /// Whether the converted values are (surface or top-of-atmosphere) reflectance, so that
    /// absolute reflectance thresholds such as the cloud screen's apply: true for explicit
    /// options, band metadata, the Landsat and Sentinel-2 defaults and floating-point data;
    /// false for the 8-bit fraction of full scale and integers used as stored.
    pub reflectance: bool,
}

impl Radiometry {
    /// Whether these are integers wider than eight bits used as stored: digital numbers of
    /// unknown scale, which no threshold in reflectance can be applied to. (Integers are
    /// reflectance under every rule of [`choose_radiometry`] but the last, the identity.)
    pub fn is_unknown_integer(&self, data_type: GdalDataType) -> bool {
        let integer = matches!(
            data_type,
            GdalDataType::UInt16
                | GdalDataType::Int16
                | GdalDataType::UInt32
                | GdalDataType::Int32
                | GdalDataType::UInt64
                | GdalDataType::Int64
        );
        integer && !self.reflectance
    }
}

/// What is known about a band when choosing its radiometry.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BandFacts {
    pub data_type: GdalDataType,
    /// Scale and offset stored in the file's band metadata, if any.
    pub metadata_scale: Option<f64>,
    pub metadata_offset: Option<f64>,
    /// `1 / N` from a `REFLECTANCE_SCALE=N` item of the dataset's metadata (reflectance is
    /// the stored value divided by N), as written by `goldsweep synth` and `goldsweep plant`.
    pub dataset_scale: Option<f64>,
    /// The band comes from a Landsat Collection 2 `*_SR_B*` surface-reflectance file.
    pub landsat_sr_file: bool,
}

/// Chooses scale and offset, first match wins:
/// 1. explicit options (if either is given, the other defaults to scale 1 / offset 0);
/// 2. scale/offset stored in the band metadata, unless they are the identity;
/// 3. a `REFLECTANCE_SCALE=N` item in the dataset metadata: scale 1/N;
/// 4. Landsat Collection 2 surface reflectance files: scale 2.75e-5, offset −0.2;
/// 5. Sentinel-2 integer data: scale 1e-4 (L1C/L2A digital numbers are reflectance × 10000);
/// 6. 8-bit data: 1/255, so thresholds on brightness see a fraction of full scale;
/// 7. identity (floats and other integer data of unknown sensors are used as stored; floats
///    are taken to be reflectance already, integers are not, and the scene refuses them:
///    [`Radiometry::is_unknown_integer`]).
pub(crate) fn choose_radiometry(
    scale: Option<f64>,
    offset: Option<f64>,
    sensor: Sensor,
    facts: BandFacts,
) -> Radiometry {
    if scale.is_some() || offset.is_some() {
        return Radiometry {
            scale: scale.unwrap_or(1.0),
            offset: offset.unwrap_or(0.0),
            source: "option",
            reflectance: true,
        };
    }
    let meta_scale = facts.metadata_scale.unwrap_or(1.0);
    let meta_offset = facts.metadata_offset.unwrap_or(0.0);
    if meta_scale != 1.0 || meta_offset != 0.0 {
        return Radiometry {
            scale: meta_scale,
            offset: meta_offset,
            source: "band metadata",
            reflectance: true,
        };
    }
    if let Some(scale) = facts.dataset_scale {
        return Radiometry {
            scale,
            offset: 0.0,
            source: "dataset metadata (REFLECTANCE_SCALE)",
            reflectance: true,
        };
    }
    let landsat = matches!(sensor, Sensor::LandsatTm | Sensor::LandsatOli);
    if landsat && facts.landsat_sr_file {
        return Radiometry {
            scale: 2.75e-5,
            offset: -0.2,
            source: "Landsat Collection 2 surface reflectance default",
            reflectance: true,
        };
    }
    let integer16 = matches!(facts.data_type, GdalDataType::UInt16 | GdalDataType::Int16);
    if sensor == Sensor::Sentinel2 && integer16 {
        return Radiometry {
            scale: 1e-4,
            offset: 0.0,
            source: "Sentinel-2 integer default (DN / 10000)",
            reflectance: true,
        };
    }
    if facts.data_type == GdalDataType::UInt8 {
        return Radiometry {
            scale: 1.0 / 255.0,
            offset: 0.0,
            source: "8-bit default (DN / 255, fraction of full scale)",
            reflectance: false,
        };
    }
    Radiometry {
        scale: 1.0,
        offset: 0.0,
        source: "none (values used as stored)",
        reflectance: matches!(
            facts.data_type,
            GdalDataType::Float32 | GdalDataType::Float64
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(data_type: GdalDataType) -> BandFacts {
        BandFacts {
            data_type,
            metadata_scale: None,
            metadata_offset: None,
            dataset_scale: None,
            landsat_sr_file: false,
        }
    }

    #[test]
    fn precedence() {
        let u16f = facts(GdalDataType::UInt16);
        let r = choose_radiometry(Some(0.001), None, Sensor::Sentinel2, u16f);
        assert_eq!((r.scale, r.offset), (0.001, 0.0));
        let r = choose_radiometry(None, None, Sensor::Sentinel2, u16f);
        assert_eq!((r.scale, r.offset), (1e-4, 0.0));
        let r = choose_radiometry(None, None, Sensor::Sentinel2, facts(GdalDataType::Float32));
        assert_eq!((r.scale, r.offset), (1.0, 0.0));
        assert!(r.reflectance);
        let r = choose_radiometry(None, None, Sensor::LandsatTm, facts(GdalDataType::UInt8));
        assert_eq!((r.scale, r.offset), (1.0 / 255.0, 0.0));
        assert!(!r.reflectance);
        let r = choose_radiometry(None, None, Sensor::FourBand, facts(GdalDataType::Int16));
        assert_eq!((r.scale, r.offset), (1.0, 0.0));
        assert!(!r.reflectance);
        // Integers wider than a byte used as stored are digital numbers of unknown scale;
        // bytes (a fraction of full scale), floats and anything given a scale are not.
        assert!(r.is_unknown_integer(GdalDataType::Int16));
        let byte = choose_radiometry(None, None, Sensor::FourBand, facts(GdalDataType::UInt8));
        assert!(!byte.is_unknown_integer(GdalDataType::UInt8));
        let float = choose_radiometry(None, None, Sensor::Generic, facts(GdalDataType::Float32));
        assert!(!float.is_unknown_integer(GdalDataType::Float32));
        let given = choose_radiometry(
            Some(1.0),
            None,
            Sensor::FourBand,
            facts(GdalDataType::Int16),
        );
        assert!(!given.is_unknown_integer(GdalDataType::Int16));
        let sr = BandFacts {
            landsat_sr_file: true,
            ..u16f
        };
        let r = choose_radiometry(None, None, Sensor::LandsatOli, sr);
        assert_eq!((r.scale, r.offset), (2.75e-5, -0.2));
        let meta = BandFacts {
            metadata_scale: Some(0.5),
            ..sr
        };
        let r = choose_radiometry(None, None, Sensor::LandsatOli, meta);
        assert_eq!((r.scale, r.offset, r.source), (0.5, 0.0, "band metadata"));
        // REFLECTANCE_SCALE=1000 (Sentinel-2 surface reflectance × 1000) wins over the
        // Sentinel-2 default of ÷ 10000, and the band metadata over it.
        let per_mille = BandFacts {
            dataset_scale: Some(1e-3),
            ..u16f
        };
        let r = choose_radiometry(None, None, Sensor::Sentinel2, per_mille);
        assert_eq!((r.scale, r.offset), (1e-3, 0.0));
        assert!(!r.is_unknown_integer(GdalDataType::UInt16));
        let both = BandFacts {
            metadata_scale: Some(1e-4),
            ..per_mille
        };
        let r = choose_radiometry(None, None, Sensor::Sentinel2, both);
        assert_eq!(r.source, "band metadata");
    }
}
