//! Field outputs of a goldsweep run: what county teams take into the field and keep in their
//! ledger (台账), and what the next sweep remembers.
//!
//! ```text
//! SweepReport.candidates ─► site_cluster (single linkage within site_distance_m, metres)
//!                        ─► site_build   (area m²/亩, best rank, max score, relation, mandatory)
//!  previous run dir      ─► repeat_sweep (match → keep id; new/persisting/grown/gone; reactivated)
//!  verdicts CSV/GeoJSON  ─► repeat_sweep (carry verdicts; suppressed; resealing_breach first)
//!                        ─► chips        (before/after/false-colour PNGs of the top N sites)
//!                        ─► sites.geojson, ledger.csv, sites.kml, goldsweep.gpkg
//! ```
//!
//! Every file goes through the run's [`Staging`], so the field outputs appear together with
//! the sweep's own files when it is committed, or not at all.
//!
//! Concepts:
//! - **Site**: candidates whose outlines come within `site_distance_m` (default 300 m, a
//!   short walk) of each other, directly or in a chain; one visit, one ledger row.
//! - **Mandatory check**: area ≥ 10 亩, a member score ≥ 0.75 (mining evidence at a closed mine
//!   or a known illegal site), or a sealed site changing again.
//! - **State** (with `previous`): `new`, `persisting`, `grown` (area +25 % or more), `gone`,
//!   `suppressed` (false alarm or remediated, not grown). **Reactivated**: at a closed mine or
//!   known illegal site where the previous run had no active site. **Resealing breach**: a
//!   sealed site detected again; ranked first.

pub mod chip_render;
pub mod chips;
pub mod error;
pub mod gpkg_layers;
pub mod labels;
pub mod ledger_csv;
pub mod repeat_sweep;
pub mod site;
pub mod site_build;
pub mod site_cluster;
pub mod sites_geojson;
pub mod sites_kml;
pub mod text_decode;
pub mod verdicts;

use std::path::PathBuf;

use goldsweep_pipeline::{Staging, SweepReport};

pub use error::LedgerError;
pub use labels::Lang;
pub use site::{ChipPaths, Site, SiteState};
pub use verdicts::{Verdict, VerdictRecord};

/// Options of the field outputs.
#[derive(Debug, Clone)]
pub struct LedgerOptions {
    /// Candidates within this distance of each other (outline to outline) form one site, m.
    pub site_distance_m: f64,
    /// A site of at least this many 亩 must be checked in the field.
    pub mandatory_mu: f64,
    /// A site whose best member scores at least this must be checked in the field (0–1).
    pub mandatory_score: f64,
    /// Area ratio to the previous run at or above which a site has `grown`.
    pub grown_ratio: f64,
    /// Language of the ledger and the KML.
    pub lang: Lang,
    /// Number of top sites that get image chips (0 = none).
    pub chips: usize,
    /// An earlier run folder (holding its `sites.geojson`), for ids and states.
    pub previous: Option<PathBuf>,
    /// Verdicts returned by the field teams (CSV or GeoJSON).
    pub verdicts: Option<PathBuf>,
}

impl Default for LedgerOptions {
    fn default() -> Self {
        LedgerOptions {
            site_distance_m: 300.0,
            mandatory_mu: 10.0,
            mandatory_score: 0.75,
            grown_ratio: 1.25,
            lang: Lang::Zh,
            chips: 20,
            previous: None,
            verdicts: None,
        }
    }
}

/// What the field outputs hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LedgerSummary {
    /// Sites detected in this run (including suppressed).
    pub sites: usize,
    /// Rows of `ledger.csv` (= placemarks of `sites.kml`).
    pub ledger_rows: usize,
    /// Ledger sites marked for mandatory field check.
    pub mandatory: usize,
    pub new: usize,
    pub persisting: usize,
    pub grown: usize,
    pub gone: usize,
    pub suppressed: usize,
    pub reactivated: usize,
    pub resealing_breaches: usize,
    /// Sites with image chips.
    pub chips: usize,
    /// Why no chips were written, when they were asked for and none were.
    pub chips_skipped: Option<String>,
    /// Ids in the verdicts file that match no site (typos, or sites of another area).
    pub unknown_verdict_ids: Vec<String>,
    /// Files added to the run folder (relative names, chips counted in `chips`).
    pub files: Vec<String>,
}

impl LedgerOptions {
    fn check(&self) -> Result<(), LedgerError> {
        let bad = |option: &'static str, reason: &str| {
            Err(LedgerError::Option {
                option,
                reason: reason.to_string(),
            })
        };
        if !(self.site_distance_m.is_finite() && self.site_distance_m >= 0.0) {
            return bad("site distance", "must be a distance in metres ≥ 0");
        }
        if !(self.mandatory_mu.is_finite() && self.mandatory_mu >= 0.0) {
            return bad("mandatory area", "must be an area in 亩 ≥ 0");
        }
        if !self.mandatory_score.is_finite() {
            return bad("mandatory score", "must be a number (scores are 0–1)");
        }
        if !(self.grown_ratio.is_finite() && self.grown_ratio > 1.0) {
            return bad("grown ratio", "must be greater than 1");
        }
        Ok(())
    }
}

/// Groups the report's candidates into sites, tracks them against a previous run, applies
/// verdicts, writes the chips of the top sites and stages `sites.geojson`, `ledger.csv`,
/// `sites.kml` and `goldsweep.gpkg` (renamed into place by `staging.commit()`).
///
/// Errors: a bad option, previous run or verdicts file ([`LedgerError::is_bad_input`]), or a
/// failure to read the scenes or write a file.
pub fn write_field_outputs(
    report: &SweepReport,
    staging: &mut Staging,
    options: &LedgerOptions,
) -> Result<LedgerSummary, LedgerError> {
    options.check()?;
    let previous = options
        .previous
        .as_deref()
        .map(repeat_sweep::read_previous)
        .transpose()?;
    let verdicts = options
        .verdicts
        .as_deref()
        .map(verdicts::read_verdicts)
        .transpose()?;

    let cands = &report.candidates;
    let metric = site_cluster::MetricCandidates::new(cands)?;
    let groups = site_cluster::cluster(cands, &metric, options.site_distance_m);
    let rule = site_build::MandatoryRule {
        min_mu: options.mandatory_mu,
        min_score: options.mandatory_score,
    };
    let mut current = site_build::build_sites(cands, &groups, report.catalogue.mines(), &rule);
    for site in &mut current {
        // Members are in rank order: the best-ranked one placed in a county names the site's.
        site.county = site
            .member_index
            .iter()
            .find_map(|&i| cands.get(i).and_then(|c| c.county.clone()));
    }
    let gone = repeat_sweep::track(
        &mut current,
        previous.as_deref(),
        &metric,
        options.site_distance_m,
        options.grown_ratio,
    )?;
    let mut all = current;
    all.extend(gone);
    let unknown_verdict_ids = repeat_sweep::apply_verdicts(&mut all, verdicts.as_ref(), &rule);
    let (current, gone): (Vec<Site>, Vec<Site>) =
        all.into_iter().partition(|s| s.state.is_current());
    let mut sites = repeat_sweep::order(current, gone);

    let chips = chips::write_chips(report, &mut sites, options.chips, staging)?;

    let mut files = Vec::new();
    staging.write_text(
        sites_geojson::SITES_GEOJSON,
        &sites_geojson::sites_geojson(&sites),
    )?;
    files.push(sites_geojson::SITES_GEOJSON.to_string());

    let csv_bytes =
        ledger_csv::ledger_csv(&sites, options.lang).map_err(|reason| LedgerError::Write {
            path: staging.final_path(ledger_csv::LEDGER_CSV),
            reason,
        })?;
    staging.write_bytes(ledger_csv::LEDGER_CSV, &csv_bytes)?;
    files.push(ledger_csv::LEDGER_CSV.to_string());

    let kml = sites_kml::sites_kml(&sites, options.lang).map_err(|reason| LedgerError::Write {
        path: staging.final_path(sites_kml::SITES_KML),
        reason,
    })?;
    staging.write_text(sites_kml::SITES_KML, &kml)?;
    files.push(sites_kml::SITES_KML.to_string());

    let gpkg_tmp = staging.reserve(gpkg_layers::GPKG)?;
    let _ = std::fs::remove_file(&gpkg_tmp);
    gpkg_layers::write_gpkg(&gpkg_tmp, cands, &sites).map_err(|e| LedgerError::Write {
        path: gpkg_tmp.clone(),
        reason: e.to_string(),
    })?;
    files.push(gpkg_layers::GPKG.to_string());

    let count = |state: SiteState| sites.iter().filter(|s| s.state == state).count();
    let ledger: Vec<&Site> = sites.iter().filter(|s| s.in_ledger()).collect();
    Ok(LedgerSummary {
        sites: sites.iter().filter(|s| s.state.is_current()).count(),
        ledger_rows: ledger.len(),
        mandatory: ledger.iter().filter(|s| s.mandatory_check).count(),
        new: count(SiteState::New),
        persisting: count(SiteState::Persisting),
        grown: count(SiteState::Grown),
        gone: count(SiteState::Gone),
        suppressed: count(SiteState::Suppressed),
        reactivated: sites.iter().filter(|s| s.reactivated).count(),
        resealing_breaches: sites.iter().filter(|s| s.resealing_breach).count(),
        chips: chips.written,
        chips_skipped: chips.skipped.filter(|_| options.chips > 0),
        unknown_verdict_ids,
        files,
    })
}
