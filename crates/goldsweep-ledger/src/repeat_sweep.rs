//! Repeat sweeps that remember: matching this run's sites to the previous run's, keeping ids,
//! setting states, carrying and applying verdicts, and the final visiting order.
//!
//! Matching: a previous site matches a current site when its point lies within the site
//! distance (metres) of one of the current site's member outlines; pairs are taken greedily by
//! increasing distance (ties: previous order, then current order), one-to-one. A matched site
//! keeps the previous id and verdict, and is `grown` when its area reached `grown_ratio` ×
//! the previous area, `new` when the previous site was `gone`, `persisting` otherwise.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use geo::{Geometry, Point};
use goldsweep_catalogue::MineStatus;

use crate::error::LedgerError;
use crate::site::{Site, SiteState};
use crate::site_build::MandatoryRule;
use crate::site_cluster::MetricCandidates;
use crate::sites_geojson::{parse_sites_geojson, SITES_GEOJSON};
use crate::verdicts::{Verdict, Verdicts};

/// Reads `DIR/sites.geojson` of an earlier run.
pub fn read_previous(dir: &Path) -> Result<Vec<Site>, LedgerError> {
    let path = dir.join(SITES_GEOJSON);
    let fail = |reason: String| LedgerError::Previous {
        path: path.clone(),
        reason,
    };
    if !dir.is_dir() {
        return Err(LedgerError::Previous {
            path: dir.to_path_buf(),
            reason: "not a folder".to_string(),
        });
    }
    let text = std::fs::read_to_string(&path).map_err(|e| {
        fail(format!(
            "{e} (a run of this version writes sites.geojson; run the earlier sweep again)"
        ))
    })?;
    parse_sites_geojson(&text).map_err(fail)
}

/// The geohash-based id of a new site.
fn new_id(site: &Site) -> String {
    let hash = geohash::encode(
        geo::Coord {
            x: site.lon,
            y: site.lat,
        },
        8,
    )
    .unwrap_or_else(|_| format!("{:.5}_{:.5}", site.lon, site.lat));
    format!("ST-{hash}")
}

/// Settles ids, states, matched areas, carried verdicts and the `reactivated` flag of the
/// current sites, and returns the previous sites not seen again (state `gone`, otherwise as
/// they were). Without a previous run every site is `new` and nothing is reactivated.
pub fn track(
    current: &mut [Site],
    previous: Option<&[Site]>,
    metric: &MetricCandidates,
    distance_m: f64,
    grown_ratio: f64,
) -> Result<Vec<Site>, LedgerError> {
    let prev = previous.unwrap_or(&[]);
    let mut site_of = BTreeMap::new();
    for (s, site) in current.iter().enumerate() {
        for &m in &site.member_index {
            site_of.insert(m, s);
        }
    }
    // Candidate pairs (distance, previous, current).
    let mut pairs = Vec::new();
    for (p, ps) in prev.iter().enumerate() {
        let (x, y) = metric.to_metric.convert(ps.lon, ps.lat)?;
        let point: Geometry<f64> = Point::new(x, y).into();
        let mut best: BTreeMap<usize, f64> = BTreeMap::new();
        for (cand, d) in metric.within(&point, distance_m) {
            if let Some(&s) = site_of.get(&cand) {
                let e = best.entry(s).or_insert(d);
                *e = e.min(d);
            }
        }
        pairs.extend(best.into_iter().map(|(s, d)| (d, p, s)));
    }
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut prev_taken = vec![false; prev.len()];
    let mut cur_match: Vec<Option<usize>> = vec![None; current.len()];
    for (_, p, s) in pairs {
        if !prev_taken[p] && cur_match[s].is_none() {
            prev_taken[p] = true;
            cur_match[s] = Some(p);
        }
    }

    let mut used: BTreeSet<String> = prev.iter().map(|s| s.id.clone()).collect();
    for (site, m) in current.iter_mut().zip(&cur_match) {
        match m {
            Some(p) => {
                let ps = &prev[*p];
                site.id = ps.id.clone();
                site.previous_area_m2 = Some(ps.area_m2);
                site.verdict = ps.verdict.clone();
                site.county = site.county.take().or_else(|| ps.county.clone());
                site.state = if ps.state == SiteState::Gone {
                    SiteState::New
                } else if ps.area_m2 > 0.0 && site.area_m2 >= grown_ratio * ps.area_m2 {
                    SiteState::Grown
                } else {
                    SiteState::Persisting
                };
            }
            None => {
                let base = new_id(site);
                let mut id = base.clone();
                let mut n = 1;
                while used.contains(&id) {
                    n += 1;
                    id = format!("{base}-{n}");
                }
                site.id = id;
                site.state = SiteState::New;
            }
        }
        used.insert(site.id.clone());
    }

    if previous.is_some() {
        let active_mines: BTreeSet<&str> = prev
            .iter()
            .filter(|s| s.state.is_current())
            .filter_map(|s| s.mine_id.as_deref())
            .collect();
        for site in current.iter_mut() {
            let watched = site
                .mine_status
                .is_some_and(|s| s.is_closed() || s == MineStatus::IllegalSite);
            site.reactivated = watched
                && site
                    .mine_id
                    .as_deref()
                    .is_some_and(|id| !active_mines.contains(id));
        }
    }

    Ok(prev
        .iter()
        .zip(&prev_taken)
        .filter(|(_, taken)| !**taken)
        .map(|(s, _)| {
            let mut gone = s.clone();
            gone.state = SiteState::Gone;
            gone.rank = None;
            gone.reactivated = false;
            gone.resealing_breach = false;
            gone.chips = None;
            gone
        })
        .collect())
}

/// Applies a verdicts file (overriding carried verdicts) and the rules that follow from
/// verdicts: a false alarm or remediated site detected again without growing is `suppressed`;
/// a sealed site detected again is a `resealing_breach` and must be checked. Returns the ids of
/// the file that match no site.
pub fn apply_verdicts(
    sites: &mut [Site],
    verdicts: Option<&Verdicts>,
    rule: &MandatoryRule,
) -> Vec<String> {
    let mut unknown = Vec::new();
    if let Some(v) = verdicts {
        let ids: BTreeSet<&str> = sites.iter().map(|s| s.id.as_str()).collect();
        unknown = v
            .keys()
            .filter(|id| !ids.contains(id.as_str()))
            .cloned()
            .collect();
        for site in sites.iter_mut() {
            if let Some(rec) = v.get(&site.id) {
                site.verdict = Some(rec.clone());
            }
        }
    }
    for site in sites.iter_mut().filter(|s| s.state.is_current()) {
        let Some(verdict) = site.verdict.as_ref().map(|v| v.verdict) else {
            continue;
        };
        if verdict.suppresses() && site.state == SiteState::Persisting {
            site.state = SiteState::Suppressed;
        }
        if verdict == Verdict::Sealed && site.previous_area_m2.is_some() {
            site.resealing_breach = true;
            site.mandatory_check = rule.applies(site);
        }
    }
    unknown
}

/// Puts current sites in visiting order — resealing breaches first, then by best candidate
/// rank — and numbers them 1..; suppressed sites follow without a rank, then the gone sites
/// (no rank) in their previous order. The rank is the ledger's 序号 for current sites.
pub fn order(mut current: Vec<Site>, gone: Vec<Site>) -> Vec<Site> {
    current.sort_by_key(|s| {
        (
            s.state == SiteState::Suppressed,
            !s.resealing_breach,
            s.candidate_rank,
        )
    });
    let mut next = 1;
    for s in current.iter_mut() {
        if s.state == SiteState::Suppressed {
            s.rank = None;
        } else {
            s.rank = Some(next);
            next += 1;
        }
    }
    current.extend(gone);
    current
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site_build::build_sites;
    use crate::site_cluster::{cluster, tests::square};
    use crate::verdicts::VerdictRecord;

    const RULE: MandatoryRule = MandatoryRule {
        min_mu: 10.0,
        min_score: 0.75,
    };

    fn sites_of(cands: &[goldsweep_pipeline::Candidate]) -> (Vec<Site>, MetricCandidates) {
        let metric = MetricCandidates::new(cands).expect("metric");
        let groups = cluster(cands, &metric, 300.0);
        (build_sites(cands, &groups, &[], &RULE), metric)
    }

    #[test]
    fn first_run_is_all_new_with_geohash_ids() -> Result<(), LedgerError> {
        let cands = vec![square(1, 0.0, 0.0), square(2, 2_000.0, 0.0)];
        let (mut cur, metric) = sites_of(&cands);
        let gone = track(&mut cur, None, &metric, 300.0, 1.25)?;
        assert!(gone.is_empty());
        assert!(cur
            .iter()
            .all(|s| s.state == SiteState::New && !s.reactivated));
        assert!(cur
            .iter()
            .all(|s| s.id.starts_with("ST-") && s.id.len() == 11));
        assert_ne!(cur[0].id, cur[1].id);
        Ok(())
    }

    #[test]
    fn nearest_previous_site_wins_one_to_one() -> Result<(), LedgerError> {
        let cands = vec![square(1, 0.0, 0.0), square(2, 1_000.0, 0.0)];
        let (mut cur, metric) = sites_of(&cands);
        let mut prev_a = cur[0].clone();
        prev_a.id = "ST-old-a".into();
        prev_a.area_m2 = 300.0; // 400 / 300 = 1.33 ≥ 1.25: grown
        let mut prev_b = cur[0].clone(); // also near site 1, but farther (50 m east)
        prev_b.id = "ST-old-b".into();
        prev_b.lon += 70.0 / 88_000.0;
        let mut prev_c = cur[1].clone();
        prev_c.id = "ST-old-c".into();
        prev_c.state = SiteState::Gone;
        let prev = vec![prev_b, prev_a, prev_c];
        let gone = track(&mut cur, Some(&prev), &metric, 300.0, 1.25)?;
        assert_eq!(cur[0].id, "ST-old-a");
        assert_eq!(cur[0].state, SiteState::Grown);
        assert_eq!(cur[1].id, "ST-old-c");
        assert_eq!(cur[1].state, SiteState::New, "back after being gone");
        assert_eq!(gone.len(), 1);
        assert_eq!(
            (gone[0].id.as_str(), gone[0].state),
            ("ST-old-b", SiteState::Gone)
        );
        Ok(())
    }

    #[test]
    fn verdicts_suppress_and_flag_breaches() -> Result<(), LedgerError> {
        let cands = vec![
            square(1, 0.0, 0.0),
            square(2, 1_000.0, 0.0),
            square(3, 2_000.0, 0.0),
        ];
        let (mut cur, metric) = sites_of(&cands);
        let prev: Vec<Site> = cur
            .iter()
            .enumerate()
            .map(|(k, s)| {
                let mut p = s.clone();
                p.id = format!("ST-p{k}");
                p
            })
            .collect();
        track(&mut cur, Some(&prev), &metric, 300.0, 1.25)?;
        let record = |verdict| VerdictRecord {
            verdict,
            date: None,
            note: None,
            sealing: None,
            responsible: None,
        };
        let verdicts: Verdicts = [
            ("ST-p0".to_string(), record(Verdict::FalseAlarm)),
            ("ST-p2".to_string(), record(Verdict::Sealed)),
            ("ST-zz".to_string(), record(Verdict::Remediated)),
        ]
        .into_iter()
        .collect();
        let unknown = apply_verdicts(&mut cur, Some(&verdicts), &RULE);
        assert_eq!(unknown, vec!["ST-zz".to_string()]);
        assert_eq!(cur[0].state, SiteState::Suppressed);
        assert!(cur[2].resealing_breach && cur[2].mandatory_check);
        let ordered = order(cur, Vec::new());
        let ids: Vec<(&str, Option<usize>)> =
            ordered.iter().map(|s| (s.id.as_str(), s.rank)).collect();
        assert_eq!(
            ids,
            vec![("ST-p2", Some(1)), ("ST-p1", Some(2)), ("ST-p0", None)]
        );
        Ok(())
    }
}
