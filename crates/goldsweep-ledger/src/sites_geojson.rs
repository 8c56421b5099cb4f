//! `sites.geojson`: one RFC 7946 point per site (WGS84 lon/lat), current sites by rank, then
//! the gone ones; and reading it back as the previous run of a repeat sweep.
//!
//! Properties: `id`, `rank`, `candidate_rank`, `state`, `reactivated`, `resealing_breach`,
//! `class`, `class_counts` (class → members), `members` (candidate ids), `member_count`,
//! `area_m2`, `area_mu`, `score`, `tier`, `relation`, `mine_id`, `mine_name`, `mine_status`,
//! `distance_m`, `mine_sealing`, `mine_responsible` (from the catalogue), `mandatory_check`, `previous_area_m2`, `verdict`, `verdict_date`,
//! `verdict_note`, `sealing`, `responsible`, `county`, `reason`, `chips` (relative paths).

use serde_json::{json, Map, Value};

use goldsweep_catalogue::{MineStatus, RelationKind, Sealing};
use goldsweep_detect::ChangeClass;

use crate::labels::{parse_class, parse_relation};
use crate::site::{ChipPaths, Site, SiteState};
use crate::verdicts::{Verdict, VerdictRecord};

/// File name in the run folder.
pub const SITES_GEOJSON: &str = "sites.geojson";

pub(crate) fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

fn opt<T: serde::Serialize>(v: Option<T>) -> Value {
    v.map(|x| json!(x)).unwrap_or(Value::Null)
}

/// The properties of one site.
pub fn site_properties(s: &Site) -> Map<String, Value> {
    let counts: Map<String, Value> = s
        .class_counts
        .iter()
        .map(|(c, n)| (c.name().to_string(), json!(n)))
        .collect();
    let v = s.verdict.as_ref();
    let props = json!({
        "id": s.id,
        "rank": s.rank,
        "candidate_rank": s.candidate_rank,
        "state": s.state.as_str(),
        "reactivated": s.reactivated,
        "resealing_breach": s.resealing_breach,
        "class": s.class.name(),
        "class_counts": counts,
        "members": s.members,
        "member_count": s.members.len(),
        "area_m2": round(s.area_m2, 1),
        "area_mu": round(s.area_mu(), 2),
        "score": round(s.score, 4),
        "tier": s.tier,
        "relation": s.relation.as_str(),
        "mine_id": s.mine_id,
        "mine_name": s.mine_name,
        "mine_status": opt(s.mine_status.map(|m| m.as_str())),
        "distance_m": opt(s.distance_m.map(|d| round(d, 1))),
        "mine_sealing": opt(s.mine_sealing.map(|m| m.as_str())),
        "mine_responsible": s.mine_responsible,
        "mandatory_check": s.mandatory_check,
        "previous_area_m2": opt(s.previous_area_m2.map(|a| round(a, 1))),
        "verdict": opt(v.map(|v| v.verdict.as_str())),
        "verdict_date": opt(v.and_then(|v| v.date.clone())),
        "verdict_note": opt(v.and_then(|v| v.note.clone())),
        "sealing": opt(v.and_then(|v| v.sealing.clone())),
        "responsible": opt(v.and_then(|v| v.responsible.clone())),
        "county": s.county,
        "reason": s.reason,
        "chips": opt(s.chips.as_ref().map(|c| json!({
            "before": c.before, "after": c.after, "false_colour": c.false_colour,
        }))),
    });
    match props {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// The whole `sites.geojson` text, sites in the given order.
pub fn sites_geojson(sites: &[Site]) -> String {
    let features: Vec<Value> = sites
        .iter()
        .map(|s| {
            json!({
                "type": "Feature",
                "id": s.id,
                "geometry": {"type": "Point", "coordinates": [round(s.lon, 7), round(s.lat, 7)]},
                "properties": site_properties(s),
            })
        })
        .collect();
    let fc = json!({"type": "FeatureCollection", "name": "sites", "features": features});
    let mut text = serde_json::to_string_pretty(&fc).unwrap_or_default();
    text.push('\n');
    text
}

fn str_prop(p: &Map<String, Value>, key: &str) -> Option<String> {
    p.get(key).and_then(Value::as_str).map(str::to_string)
}

fn f64_prop(p: &Map<String, Value>, key: &str) -> Option<f64> {
    p.get(key).and_then(Value::as_f64).filter(|x| x.is_finite())
}

fn usize_prop(p: &Map<String, Value>, key: &str) -> Option<usize> {
    p.get(key)
        .and_then(Value::as_u64)
        .and_then(|x| usize::try_from(x).ok())
}

/// Reads one feature of a `sites.geojson` back into a [`Site`] (no member indices, no chips).
/// Requires a point geometry, `id` and `area_m2`; everything else falls back to a neutral value.
pub fn site_from_feature(f: &Value) -> Result<Site, String> {
    let p = f
        .get("properties")
        .and_then(Value::as_object)
        .ok_or("no properties")?;
    let id = str_prop(p, "id")
        .or_else(|| f.get("id").and_then(Value::as_str).map(str::to_string))
        .filter(|s| !s.trim().is_empty())
        .ok_or("no id")?;
    let coords = f
        .get("geometry")
        .filter(|g| g.get("type").and_then(Value::as_str) == Some("Point"))
        .and_then(|g| g.get("coordinates"))
        .and_then(Value::as_array)
        .ok_or_else(|| format!("site {id}: geometry is not a Point"))?;
    let (lon, lat) = match (
        coords.first().and_then(Value::as_f64),
        coords.get(1).and_then(Value::as_f64),
    ) {
        (Some(lon), Some(lat)) if lon.is_finite() && lat.is_finite() => (lon, lat),
        _ => return Err(format!("site {id}: point has no lon/lat")),
    };
    let area_m2 = f64_prop(p, "area_m2").ok_or_else(|| format!("site {id}: no area_m2"))?;
    let class_counts: Vec<(ChangeClass, usize)> = p
        .get("class_counts")
        .and_then(Value::as_object)
        .map(|m| {
            ChangeClass::ALL
                .into_iter()
                .filter_map(|c| {
                    let n = m.get(c.name()).and_then(Value::as_u64)?;
                    Some((c, n as usize))
                })
                .collect()
        })
        .unwrap_or_default();
    let verdict = str_prop(p, "verdict")
        .and_then(|v| Verdict::parse(&v))
        .map(|verdict| VerdictRecord {
            verdict,
            date: str_prop(p, "verdict_date"),
            note: str_prop(p, "verdict_note"),
            sealing: str_prop(p, "sealing"),
            responsible: str_prop(p, "responsible"),
        });
    let chips = p.get("chips").and_then(Value::as_object).and_then(|c| {
        Some(ChipPaths {
            before: c.get("before")?.as_str()?.to_string(),
            after: c.get("after")?.as_str()?.to_string(),
            false_colour: c.get("false_colour")?.as_str()?.to_string(),
        })
    });
    Ok(Site {
        id,
        rank: usize_prop(p, "rank"),
        candidate_rank: usize_prop(p, "candidate_rank"),
        state: str_prop(p, "state")
            .and_then(|s| SiteState::parse(&s))
            .unwrap_or(SiteState::New),
        reactivated: p
            .get("reactivated")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        resealing_breach: p
            .get("resealing_breach")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        lon,
        lat,
        members: p
            .get("members")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|m| m.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        member_index: Vec::new(),
        class_counts,
        class: str_prop(p, "class")
            .and_then(|c| parse_class(&c))
            .unwrap_or(ChangeClass::OtherChange),
        area_m2,
        score: f64_prop(p, "score").unwrap_or(0.0),
        tier: usize_prop(p, "tier")
            .map(|t| t.min(u8::MAX as usize) as u8)
            .unwrap_or(0),
        relation: str_prop(p, "relation")
            .and_then(|r| parse_relation(&r))
            .unwrap_or(RelationKind::OutsideCatalogue),
        mine_id: str_prop(p, "mine_id"),
        mine_name: str_prop(p, "mine_name"),
        mine_status: str_prop(p, "mine_status").and_then(|s| MineStatus::parse(&s)),
        distance_m: f64_prop(p, "distance_m"),
        mine_sealing: str_prop(p, "mine_sealing").and_then(|s| Sealing::parse(&s)),
        mine_responsible: str_prop(p, "mine_responsible"),
        mandatory_check: p
            .get("mandatory_check")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        previous_area_m2: f64_prop(p, "previous_area_m2"),
        verdict,
        county: str_prop(p, "county"),
        reason: str_prop(p, "reason").unwrap_or_default(),
        chips,
    })
}

/// Parses a whole `sites.geojson`; errors name the 1-based feature.
pub fn parse_sites_geojson(text: &str) -> Result<Vec<Site>, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let features = v
        .get("features")
        .and_then(Value::as_array)
        .ok_or("not a GeoJSON FeatureCollection (no \"features\" array)")?;
    features
        .iter()
        .enumerate()
        .map(|(k, f)| site_from_feature(f).map_err(|e| format!("feature {}: {e}", k + 1)))
        .collect()
}
