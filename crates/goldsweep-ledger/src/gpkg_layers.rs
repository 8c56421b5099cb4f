//! `goldsweep.gpkg`: the run as one GeoPackage (EPSG:4326) for desktop GIS, with typed fields:
//! layer `candidates` (points), `objects` (the same candidates as multipolygon outlines) and
//! `sites` (points). Candidates carry the `site_id` of their site, so the layers join.
//! Booleans are Integer 0/1. Written in one transaction.

use std::collections::BTreeMap;
use std::path::Path;

use gdal::spatial_ref::{AxisMappingStrategy, SpatialRef};
use gdal::vector::{
    Feature, Geometry, LayerAccess, LayerOptions, OGRFieldType, OGRwkbGeometryType, ToGdal,
};
use gdal::{Dataset, DriverManager};
use goldsweep_detect::classify::Certainty;
use goldsweep_detect::ChangeClass;
use goldsweep_pipeline::Candidate;

use crate::site::Site;

/// File name in the run folder.
pub const GPKG: &str = "goldsweep.gpkg";

/// One typed field value; `None` writes a null.
enum Val {
    Str(Option<String>),
    Int(Option<i64>),
    Real(Option<f64>),
}

fn s(v: impl Into<String>) -> Val {
    Val::Str(Some(v.into()))
}

const CANDIDATE_FIELDS: &[(&str, OGRFieldType::Type)] = &[
    ("id", OGRFieldType::OFTString),
    ("site_id", OGRFieldType::OFTString),
    ("rank", OGRFieldType::OFTInteger64),
    ("score", OGRFieldType::OFTReal),
    ("tier", OGRFieldType::OFTInteger),
    ("class", OGRFieldType::OFTString),
    ("tentative", OGRFieldType::OFTInteger),
    ("area_m2", OGRFieldType::OFTReal),
    ("area_mu", OGRFieldType::OFTReal),
    ("pixels", OGRFieldType::OFTInteger64),
    ("length_m", OGRFieldType::OFTReal),
    ("width_m", OGRFieldType::OFTReal),
    ("relation", OGRFieldType::OFTString),
    ("mine_id", OGRFieldType::OFTString),
    ("mine_name", OGRFieldType::OFTString),
    ("mine_status", OGRFieldType::OFTString),
    ("distance_m", OGRFieldType::OFTReal),
    ("magnitude", OGRFieldType::OFTReal),
    ("d_ndvi", OGRFieldType::OFTReal),
    ("d_bsi", OGRFieldType::OFTReal),
    ("d_mndwi", OGRFieldType::OFTReal),
    ("bsi_after", OGRFieldType::OFTReal),
    ("mndwi_after", OGRFieldType::OFTReal),
    ("d_brightness", OGRFieldType::OFTReal),
    ("d_swir", OGRFieldType::OFTReal),
    ("visible_after", OGRFieldType::OFTReal),
    ("core_visible", OGRFieldType::OFTReal),
    ("core_d_brightness", OGRFieldType::OFTReal),
    ("reason", OGRFieldType::OFTString),
];

fn candidate_values(c: &Candidate, site_id: Option<&str>) -> Vec<Val> {
    let e = &c.evidence;
    vec![
        s(c.id.clone()),
        Val::Str(site_id.map(str::to_string)),
        Val::Int(Some(c.rank as i64)),
        Val::Real(Some(c.score)),
        Val::Int(Some(c.tier as i64)),
        s(c.class.name()),
        Val::Int(Some(i64::from(c.certainty == Certainty::Tentative))),
        Val::Real(Some(c.area_m2)),
        Val::Real(Some(c.area_mu())),
        Val::Int(i64::try_from(c.pixels).ok()),
        Val::Real(Some(c.length_m)),
        Val::Real(Some(c.width_m)),
        s(c.relation.as_str()),
        Val::Str(c.mine_id.clone()),
        Val::Str(c.mine_name.clone()),
        Val::Str(c.mine_status.map(|m| m.as_str().to_string())),
        Val::Real(c.distance_m),
        Val::Real(Some(e.magnitude as f64)),
        Val::Real(Some(e.d_ndvi as f64)),
        Val::Real(Some(e.d_bare as f64)),
        Val::Real(Some(e.d_water as f64)),
        Val::Real(Some(e.bare_after as f64)),
        Val::Real(Some(e.water_after as f64)),
        Val::Real(Some(e.d_bright as f64)),
        Val::Real(Some(e.d_swir as f64)),
        Val::Real(Some(e.visible_after as f64)),
        Val::Real(Some(c.core_visible as f64)),
        Val::Real(Some(c.core_brightening as f64)),
        s(c.reason.clone()),
    ]
}

const SITE_FIELDS: &[(&str, OGRFieldType::Type)] = &[
    ("id", OGRFieldType::OFTString),
    ("rank", OGRFieldType::OFTInteger64),
    ("candidate_rank", OGRFieldType::OFTInteger64),
    ("state", OGRFieldType::OFTString),
    ("reactivated", OGRFieldType::OFTInteger),
    ("resealing_breach", OGRFieldType::OFTInteger),
    ("class", OGRFieldType::OFTString),
    ("member_count", OGRFieldType::OFTInteger),
    ("members", OGRFieldType::OFTString),
    ("n_spoil_heap", OGRFieldType::OFTInteger),
    ("n_leach_pond", OGRFieldType::OFTInteger),
    ("n_access_track", OGRFieldType::OFTInteger),
    ("n_vegetation_loss", OGRFieldType::OFTInteger),
    ("n_other_change", OGRFieldType::OFTInteger),
    ("area_m2", OGRFieldType::OFTReal),
    ("area_mu", OGRFieldType::OFTReal),
    ("score", OGRFieldType::OFTReal),
    ("tier", OGRFieldType::OFTInteger),
    ("relation", OGRFieldType::OFTString),
    ("mine_id", OGRFieldType::OFTString),
    ("mine_name", OGRFieldType::OFTString),
    ("mine_status", OGRFieldType::OFTString),
    ("distance_m", OGRFieldType::OFTReal),
    ("mine_sealing", OGRFieldType::OFTString),
    ("mine_responsible", OGRFieldType::OFTString),
    ("mandatory_check", OGRFieldType::OFTInteger),
    ("previous_area_m2", OGRFieldType::OFTReal),
    ("verdict", OGRFieldType::OFTString),
    ("verdict_date", OGRFieldType::OFTString),
    ("verdict_note", OGRFieldType::OFTString),
    ("sealing", OGRFieldType::OFTString),
    ("responsible", OGRFieldType::OFTString),
    ("county", OGRFieldType::OFTString),
    ("reason", OGRFieldType::OFTString),
    ("chip_before", OGRFieldType::OFTString),
    ("chip_after", OGRFieldType::OFTString),
    ("chip_false_colour", OGRFieldType::OFTString),
];

fn site_values(site: &Site) -> Vec<Val> {
    let count = |class: ChangeClass| {
        let n = site
            .class_counts
            .iter()
            .find(|(c, _)| *c == class)
            .map_or(0, |(_, n)| *n);
        Val::Int(Some(n as i64))
    };
    let v = site.verdict.as_ref();
    let chip = |f: fn(&crate::site::ChipPaths) -> &String| {
        Val::Str(site.chips.as_ref().map(|c| f(c).clone()))
    };
    vec![
        s(site.id.clone()),
        Val::Int(site.rank.map(|r| r as i64)),
        Val::Int(site.candidate_rank.map(|r| r as i64)),
        s(site.state.as_str()),
        Val::Int(Some(site.reactivated as i64)),
        Val::Int(Some(site.resealing_breach as i64)),
        s(site.class.name()),
        Val::Int(Some(site.members.len() as i64)),
        s(site.members.join(",")),
        count(ChangeClass::SpoilHeap),
        count(ChangeClass::LeachPond),
        count(ChangeClass::AccessTrack),
        count(ChangeClass::VegetationLoss),
        count(ChangeClass::OtherChange),
        Val::Real(Some(site.area_m2)),
        Val::Real(Some(site.area_mu())),
        Val::Real(Some(site.score)),
        Val::Int(Some(site.tier as i64)),
        s(site.relation.as_str()),
        Val::Str(site.mine_id.clone()),
        Val::Str(site.mine_name.clone()),
        Val::Str(site.mine_status.map(|m| m.as_str().to_string())),
        Val::Real(site.distance_m),
        Val::Str(site.mine_sealing.map(|m| m.as_str().to_string())),
        Val::Str(site.mine_responsible.clone()),
        Val::Int(Some(site.mandatory_check as i64)),
        Val::Real(site.previous_area_m2),
        Val::Str(v.map(|v| v.verdict.as_str().to_string())),
        Val::Str(v.and_then(|v| v.date.clone())),
        Val::Str(v.and_then(|v| v.note.clone())),
        Val::Str(v.and_then(|v| v.sealing.clone())),
        Val::Str(v.and_then(|v| v.responsible.clone())),
        Val::Str(site.county.clone()),
        s(site.reason.clone()),
        chip(|c| &c.before),
        chip(|c| &c.after),
        chip(|c| &c.false_colour),
    ]
}

fn write_layer(
    ds: &mut Dataset,
    srs: &SpatialRef,
    name: &str,
    ty: OGRwkbGeometryType::Type,
    fields: &[(&str, OGRFieldType::Type)],
    rows: Vec<(Geometry, Vec<Val>)>,
) -> gdal::errors::Result<()> {
    let layer = ds.create_layer(LayerOptions {
        name,
        srs: Some(srs),
        ty,
        options: None,
    })?;
    layer.create_defn_fields(fields)?;
    for (geometry, values) in rows {
        let mut f = Feature::new(layer.defn())?;
        for (i, v) in values.iter().enumerate() {
            match v {
                Val::Str(Some(x)) => f.set_field_string(i, x)?,
                Val::Int(Some(x)) => f.set_field_integer64(i, *x)?,
                Val::Real(Some(x)) if x.is_finite() => f.set_field_double(i, *x)?,
                _ => f.set_field_null(i)?,
            }
        }
        f.set_geometry(geometry)?;
        f.create(&layer)?;
    }
    Ok(())
}

/// Writes the GeoPackage at `path` (which must not exist; a temporary path from the staging).
pub fn write_gpkg(path: &Path, cands: &[Candidate], sites: &[Site]) -> gdal::errors::Result<()> {
    let driver = DriverManager::get_driver_by_name("GPKG")?;
    let mut ds = driver.create_vector_only(path)?;
    let mut srs = SpatialRef::from_epsg(4326)?;
    srs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);

    let mut site_of: BTreeMap<&str, &str> = BTreeMap::new();
    for site in sites.iter().filter(|s| s.state.is_current()) {
        for m in &site.members {
            site_of.insert(m.as_str(), site.id.as_str());
        }
    }
    let mut points = Vec::with_capacity(cands.len());
    let mut outlines = Vec::with_capacity(cands.len());
    for c in cands {
        let site_id = site_of.get(c.id.as_str()).copied();
        points.push((
            geo::Point::new(c.lon, c.lat).to_gdal()?,
            candidate_values(c, site_id),
        ));
        outlines.push((c.outline.to_gdal()?, candidate_values(c, site_id)));
    }
    let mut site_rows = Vec::with_capacity(sites.len());
    for site in sites {
        site_rows.push((
            geo::Point::new(site.lon, site.lat).to_gdal()?,
            site_values(site),
        ));
    }

    let mut txn = ds.start_transaction()?;
    write_layer(
        &mut txn,
        &srs,
        "candidates",
        OGRwkbGeometryType::wkbPoint,
        CANDIDATE_FIELDS,
        points,
    )?;
    write_layer(
        &mut txn,
        &srs,
        "objects",
        OGRwkbGeometryType::wkbMultiPolygon,
        CANDIDATE_FIELDS,
        outlines,
    )?;
    write_layer(
        &mut txn,
        &srs,
        "sites",
        OGRwkbGeometryType::wkbPoint,
        SITE_FIELDS,
        site_rows,
    )?;
    txn.commit()?;
    drop(ds);
    Ok(())
}
