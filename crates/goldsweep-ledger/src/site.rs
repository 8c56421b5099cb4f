//! A field site: change objects close enough to be visited together, with what the ledger says
//! about it.

use goldsweep_catalogue::{MineStatus, RelationKind, Sealing};
use goldsweep_detect::ChangeClass;
use serde::Serialize;

use crate::verdicts::VerdictRecord;

/// Where a site stands relative to the previous run (`--previous`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SiteState {
    /// Not in the previous run (or no previous run given), or back after being gone.
    New,
    /// In the previous run, about the same size.
    Persisting,
    /// In the previous run, and its area grew by the growth ratio (default +25 %) or more.
    Grown,
    /// In the previous run, not detected in this one; carried over unchanged.
    Gone,
    /// Detected again, but its verdict (false alarm, remediated) closes it and it has not grown:
    /// kept in `sites.geojson`, left out of the ledger, the KML and the chips.
    Suppressed,
}

impl SiteState {
    pub const ALL: [SiteState; 5] = [
        SiteState::New,
        SiteState::Persisting,
        SiteState::Grown,
        SiteState::Gone,
        SiteState::Suppressed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SiteState::New => "new",
            SiteState::Persisting => "persisting",
            SiteState::Grown => "grown",
            SiteState::Gone => "gone",
            SiteState::Suppressed => "suppressed",
        }
    }

    pub fn parse(s: &str) -> Option<SiteState> {
        SiteState::ALL.into_iter().find(|x| x.as_str() == s.trim())
    }

    /// Whether the site was detected in this run.
    pub fn is_current(self) -> bool {
        self != SiteState::Gone
    }
}

/// Relative paths (from the run folder) of a site's image chips.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChipPaths {
    /// True colour of the before date.
    pub before: String,
    /// True colour of the after date.
    pub after: String,
    /// False colour (NIR, red, green) of the after date: vegetation red, bare ground grey-cyan.
    pub false_colour: String,
}

/// One field site.
#[derive(Debug, Clone)]
pub struct Site {
    /// Stable across runs: kept from the matching site of the previous run, else
    /// `ST-` + the 8-character geohash (≈ 20 m cell) of the site point.
    pub id: String,
    /// 1-based visiting order among the sites of this run (resealing breaches first, then by
    /// [`Site::candidate_rank`]); `None` for suppressed and gone sites.
    pub rank: Option<usize>,
    /// Best (smallest) candidate rank among the members.
    pub candidate_rank: Option<usize>,
    pub state: SiteState,
    /// At a closed mine (or a known illegal site) where the previous run had no active site.
    pub reactivated: bool,
    /// Sealed earlier (a `sealed` verdict on this site, or the catalogue records its closed mine
    /// as sealed), and shows change again: ranked first.
    pub resealing_breach: bool,
    /// Site point, WGS84: the point of the best-ranked member (on the changed ground).
    pub lon: f64,
    pub lat: f64,
    /// Member candidate ids, best rank first.
    pub members: Vec<String>,
    /// Indices of the members in the report's candidate list (empty for gone sites).
    pub member_index: Vec<usize>,
    /// Members per class, in class order, only classes present.
    pub class_counts: Vec<(ChangeClass, usize)>,
    /// Class of the best-ranked member.
    pub class: ChangeClass,
    /// Summed member area, m² (1 亩 = 666.67 m²).
    pub area_m2: f64,
    /// Highest member score, 0–1.
    pub score: f64,
    /// Tier of the best-ranked member.
    pub tier: u8,
    /// Most suspicious relation among the members, and its mine.
    pub relation: RelationKind,
    pub mine_id: Option<String>,
    pub mine_name: Option<String>,
    pub mine_status: Option<MineStatus>,
    /// Smallest member distance to that mine, m (0 inside).
    pub distance_m: Option<f64>,
    /// Sealing state of that mine in the catalogue (封堵情况), when recorded.
    pub mine_sealing: Option<Sealing>,
    /// Party responsible for sealing that mine in the catalogue (封堵责任主体), when recorded.
    pub mine_responsible: Option<String>,
    /// Area ≥ the 亩 limit, score ≥ the score limit, or a resealing breach.
    pub mandatory_check: bool,
    /// Area in the previous run, m², when matched.
    pub previous_area_m2: Option<f64>,
    pub verdict: Option<VerdictRecord>,
    pub county: Option<String>,
    /// Why the best-ranked member scored as it did (from the sweep).
    pub reason: String,
    pub chips: Option<ChipPaths>,
}

impl Site {
    /// Area in 亩.
    pub fn area_mu(&self) -> f64 {
        self.area_m2 / goldsweep_pipeline::M2_PER_MU
    }

    /// Whether the site is a line in the ledger and a placemark in the KML: detected and not
    /// suppressed, or gone without a verdict that closes it.
    pub fn in_ledger(&self) -> bool {
        match self.state {
            SiteState::Suppressed => false,
            SiteState::Gone => self
                .verdict
                .as_ref()
                .map_or(true, |v| !v.verdict.closes_item()),
            _ => true,
        }
    }
}
