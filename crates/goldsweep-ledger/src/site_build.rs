//! From groups of candidates to [`Site`]s: summed area, best rank, highest score, the most
//! suspicious catalogue relation, class counts and the mandatory-check flag.

use std::collections::BTreeMap;

use goldsweep_catalogue::{Mine, RelationKind, Sealing};
use goldsweep_detect::ChangeClass;
use goldsweep_pipeline::Candidate;

use crate::site::{Site, SiteState};

/// When a site must be checked in the field whatever its rank.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MandatoryRule {
    /// Area at or above which a site is checked, 亩 (the campaign's 10 亩).
    pub min_mu: f64,
    /// Highest member score at or above which a site is checked (0.75 = the top tier: mining
    /// evidence at a closed mine or a known illegal site).
    pub min_score: f64,
}

impl MandatoryRule {
    /// Whether `site` meets the rule (a resealing breach always does).
    pub fn applies(&self, site: &Site) -> bool {
        site.area_mu() >= self.min_mu || site.score >= self.min_score || site.resealing_breach
    }
}

/// Builds one site per group (groups as [`crate::site_cluster::cluster`] returns them: members
/// by rank). Ids are left empty and the state `new`, for the repeat-sweep step to settle.
///
/// The sealing state and responsible party of the related mine come from `mines` (the
/// catalogue, looked up by id); a site inside, near or at a mine the catalogue records as
/// sealed is a resealing breach: sealed workings should show no change.
pub fn build_sites(
    cands: &[Candidate],
    groups: &[Vec<usize>],
    mines: &[Mine],
    rule: &MandatoryRule,
) -> Vec<Site> {
    let mine_by_id: BTreeMap<&str, &Mine> = mines.iter().map(|m| (m.id.as_str(), m)).collect();
    groups
        .iter()
        .filter_map(|g| {
            let best = &cands[*g.first()?];
            let members: Vec<&Candidate> = g.iter().map(|&i| &cands[i]).collect();
            // Most suspicious relation (declaration order), nearest mine among those members.
            let related = members
                .iter()
                .min_by(|a, b| {
                    a.relation.cmp(&b.relation).then(
                        a.distance_m
                            .unwrap_or(f64::INFINITY)
                            .total_cmp(&b.distance_m.unwrap_or(f64::INFINITY)),
                    )
                })
                .copied()
                .unwrap_or(best);
            let class_counts = ChangeClass::ALL
                .into_iter()
                .filter_map(|class| {
                    let n = members.iter().filter(|c| c.class == class).count();
                    (n > 0).then_some((class, n))
                })
                .collect();
            let mine = related
                .mine_id
                .as_deref()
                .and_then(|id| mine_by_id.get(id).copied());
            let mine_sealing = mine.and_then(|m| m.sealing);
            let sealed_mine = mine_sealing == Some(Sealing::Sealed)
                && matches!(
                    related.relation,
                    RelationKind::InsideClosedMine
                        | RelationKind::NearClosedMine
                        | RelationKind::AtIllegalSite
                );
            let mut site = Site {
                id: String::new(),
                rank: None,
                candidate_rank: Some(best.rank),
                state: SiteState::New,
                reactivated: false,
                resealing_breach: sealed_mine,
                lon: best.lon,
                lat: best.lat,
                members: members.iter().map(|c| c.id.clone()).collect(),
                member_index: g.clone(),
                class_counts,
                class: best.class,
                area_m2: members.iter().map(|c| c.area_m2).sum(),
                score: members.iter().map(|c| c.score).fold(0.0, f64::max),
                tier: best.tier,
                relation: related.relation,
                mine_id: related.mine_id.clone(),
                mine_name: related.mine_name.clone(),
                mine_status: related.mine_status,
                distance_m: related.distance_m,
                mine_sealing,
                mine_responsible: mine.and_then(|m| m.responsible.clone()),
                mandatory_check: false,
                previous_area_m2: None,
                verdict: None,
                county: None,
                reason: best.reason.clone(),
                chips: None,
            };
            site.mandatory_check = rule.applies(&site);
            Some(site)
        })
        .collect()
}
