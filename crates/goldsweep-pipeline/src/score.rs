//! Scoring and ranking: what a county team should visit first.
//!
//! Candidates fall into four tiers, and the score puts each tier in its own quarter of
//! `[0, 1]`, so sorting by score is sorting by tier first:
//!
//! | tier | score | what |
//! |---|---|---|
//! | 3 | 0.75–1 | mining evidence at a known illegal site or at/near a closed mine |
//! | 2 | 0.50–0.75 | mining evidence outside the catalogue or near (not inside) an active mine |
//! | 1 | 0.25–0.50 | other change, and pond lattices (aquaculture) away from closed mines |
//! | 0 | 0–0.25 | anything inside a licensed active mine |
//!
//! Within a tier, the score grows with the class's weight as mining evidence, how far the change
//! magnitude exceeds the scene threshold and the object's area, and falls with the distance from
//! the mine (see [`proximity`]); then come bonuses that never cross into the next tier: a protected
//! area (0.2 of the tier's range), a leach-site context — a pond beside a fresh heap or a
//! heap beside a pond, one of the two firm (0.1) —, and over a time series, change already seen at the previous date
//! (0.1) and re-activation of bare ground that had grown over (0.3).

use goldsweep_catalogue::RelationKind;
use goldsweep_detect::classify::Certainty;
use goldsweep_detect::object_stats::Evidence;
use goldsweep_detect::ChangeClass;

/// What the neighbourhood of a candidate says about it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Context {
    /// The object intersects a protected area.
    pub in_protected_area: bool,
    /// A new pond with a new spoil heap close by, or the reverse, one of the two firm: the layout
    /// of a heap-leach site.
    pub leach_site: bool,
    /// One of a regular group of similar new ponds: the layout of aquaculture, not of a mine.
    pub pond_lattice: bool,
    /// Already change at the previous date of a time series (seen on two consecutive dates).
    pub confirmed: bool,
    /// Bare, then regrown, then bare again over a time series: a mine opened again.
    pub reactivated: bool,
}

/// The weight of a tentative class (see [`class_weight`]): below a firm clearing (0.75), above
/// other change (0.5).
pub const TENTATIVE_WEIGHT: f64 = 0.6;

/// How strongly a class indicates mining, in `[0, 1]`. A class resting on the weaker form of
/// its evidence ([`Certainty::Tentative`]: a spoil heap by its bright core alone, on ground
/// already bare or where no vegetation was lost, a track on ground already bare, new water of
/// one open-water pixel or of none, wetted ground) weighs [`TENTATIVE_WEIGHT`], between a firm clearing and other
/// change: it says ground was laid bare or brightened, but not for certain that rock was
/// tipped or a track graded — and, unlike a clearing, not even that the cover was lost;
/// ploughed, dried or graded ground and building sites read the same way.
pub fn class_weight(class: ChangeClass, certainty: Certainty) -> f64 {
    match class {
        _ if certainty == Certainty::Tentative => TENTATIVE_WEIGHT,
        ChangeClass::SpoilHeap => 1.0,
        ChangeClass::LeachPond => 0.95,
        ChangeClass::AccessTrack => 0.85,
        ChangeClass::VegetationLoss => 0.75,
        ChangeClass::OtherChange => 0.5,
    }
}

/// Whether a relation puts the candidate at a closed mine or a known illegal site.
pub fn at_closed_or_illegal(relation: RelationKind) -> bool {
    matches!(
        relation,
        RelationKind::AtIllegalSite | RelationKind::InsideClosedMine | RelationKind::NearClosedMine
    )
}

/// The tier of a candidate (3 = visit first).
pub fn tier(class: ChangeClass, relation: RelationKind, context: Context) -> u8 {
    use RelationKind::*;
    if relation == InsideActiveMine {
        return 0;
    }
    if context.pond_lattice && !at_closed_or_illegal(relation) {
        return 1;
    }
    match (class.is_mining_evidence(), at_closed_or_illegal(relation)) {
        (true, true) => 3,
        (true, false) => 2,
        (false, _) => 1,
    }
}

/// The factor, in `[0.6, 1]`, by which the distance from the mine lowers a candidate's score
/// within its tier: 1 inside a mine polygon or on an illegal site, falling linearly to 0.6 at
/// `near_m`.
///
/// Change is everywhere in a working landscape, and the ring of ground between `d` and
/// `d + Δd` from a mine grows with `d`: of two equally strong changes, the one farther out is
/// more likely to be farming or building that merely happens to lie within `near_m`. Change
/// outside every catalogue polygon has no distance and keeps 1 (its tier already says it).
pub fn proximity(relation: RelationKind, distance_m: Option<f64>, near_m: f64) -> f64 {
    use RelationKind::*;
    match (relation, distance_m) {
        (InsideClosedMine | InsideActiveMine | OutsideCatalogue, _) | (_, None) => 1.0,
        (NearClosedMine | NearActiveMine | AtIllegalSite, Some(d)) => {
            1.0 - 0.4 * (d / near_m.max(1.0)).clamp(0.0, 1.0)
        }
    }
}

/// The score in `[0, 1)`; `proximity` comes from [`proximity`].
#[allow(clippy::too_many_arguments)]
pub fn score(
    class: ChangeClass,
    certainty: Certainty,
    relation: RelationKind,
    proximity: f64,
    mean: &Evidence,
    magnitude_threshold: f32,
    area_m2: f64,
    context: Context,
) -> f64 {
    let excess = (mean.magnitude / magnitude_threshold.max(1e-6) - 1.0) as f64;
    let strength = 0.5 * (excess / 2.0).clamp(0.0, 1.0)
        + 0.5 * ((area_m2 / 100.0).max(1.0).log10() / 3.0).clamp(0.0, 1.0);
    let bonus = if context.in_protected_area { 0.2 } else { 0.0 }
        + if context.leach_site { 0.1 } else { 0.0 }
        + if context.confirmed { 0.1 } else { 0.0 }
        + if context.reactivated { 0.3 } else { 0.0 };
    let within = (0.5 * class_weight(class, certainty) + 0.5 * strength) * proximity * 0.7 + bonus;
    (f64::from(tier(class, relation, context)) + within.clamp(0.0, 0.999)) / 4.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(class: ChangeClass, rel: RelationKind, e: &Evidence, area: f64, ctx: Context) -> f64 {
        score(class, Certainty::Firm, rel, 1.0, e, 2.0, area, ctx)
    }

    #[test]
    fn distance_from_the_mine_lowers_the_score_within_the_tier() {
        use RelationKind::*;
        let e = Evidence {
            magnitude: 4.0,
            ..Evidence::default()
        };
        let heap = ChangeClass::SpoilHeap;
        let at = |rel, d: Option<f64>| {
            score(
                heap,
                Certainty::Firm,
                rel,
                proximity(rel, d, 300.0),
                &e,
                2.0,
                2000.0,
                Context::default(),
            )
        };
        assert_eq!(proximity(InsideClosedMine, Some(0.0), 300.0), 1.0);
        assert_eq!(proximity(NearClosedMine, Some(300.0), 300.0), 0.6);
        assert_eq!(proximity(AtIllegalSite, None, 300.0), 1.0);
        assert!(at(InsideClosedMine, Some(0.0)) > at(NearClosedMine, Some(50.0)));
        assert!(at(NearClosedMine, Some(50.0)) > at(NearClosedMine, Some(250.0)));
        assert!(at(AtIllegalSite, Some(20.0)) > at(AtIllegalSite, Some(280.0)));
        // Never below the tier: the farthest near change still outranks mining evidence
        // outside the catalogue.
        assert!(at(NearClosedMine, Some(300.0)) > at(OutsideCatalogue, None));
        assert!(at(NearClosedMine, Some(300.0)) >= 0.75);
    }

    #[test]
    fn a_tentative_class_weighs_between_a_clearing_and_other_change() {
        let e = Evidence {
            magnitude: 4.0,
            ..Evidence::default()
        };
        let at = |class, certainty| {
            score(
                class,
                certainty,
                RelationKind::InsideClosedMine,
                1.0,
                &e,
                2.0,
                2000.0,
                Context::default(),
            )
        };
        let firm = at(ChangeClass::SpoilHeap, Certainty::Firm);
        let tentative = at(ChangeClass::SpoilHeap, Certainty::Tentative);
        let bare_track = at(ChangeClass::AccessTrack, Certainty::Tentative);
        let track = at(ChangeClass::AccessTrack, Certainty::Firm);
        let clearing = at(ChangeClass::VegetationLoss, Certainty::Firm);
        let other = at(ChangeClass::OtherChange, Certainty::Firm);
        assert!(firm > track && track > clearing);
        assert!(clearing > tentative && tentative > other);
        assert_eq!(tentative, bare_track);
        // Still mining evidence: the tier does not change.
        assert!(tentative >= 0.75);
    }

    #[test]
    fn tiers_order_the_ranking() {
        let e = Evidence {
            magnitude: 20.0,
            ..Evidence::default()
        };
        let weak = Evidence {
            magnitude: 2.0,
            ..Evidence::default()
        };
        let none = Context::default();
        let (big, small) = (1e6, 50.0);
        // The weakest mining evidence at a closed mine beats the strongest elsewhere ...
        let closed = s(
            ChangeClass::VegetationLoss,
            RelationKind::NearClosedMine,
            &weak,
            small,
            none,
        );
        let outside = s(
            ChangeClass::SpoilHeap,
            RelationKind::OutsideCatalogue,
            &e,
            big,
            none,
        );
        let active = s(
            ChangeClass::SpoilHeap,
            RelationKind::InsideActiveMine,
            &e,
            big,
            none,
        );
        let other = s(
            ChangeClass::OtherChange,
            RelationKind::InsideClosedMine,
            &e,
            big,
            none,
        );
        assert!(closed > outside && outside > other && other > active);
        assert!(active >= 0.0 && closed < 1.0);
        // Bonuses raise the score within the tier only.
        let all = Context {
            in_protected_area: true,
            leach_site: true,
            confirmed: true,
            reactivated: true,
            ..Context::default()
        };
        let outside_bonus = s(
            ChangeClass::SpoilHeap,
            RelationKind::OutsideCatalogue,
            &e,
            big,
            all,
        );
        assert!(outside_bonus > outside && outside_bonus < closed);
    }

    #[test]
    fn pond_lattices_drop_out_of_the_mining_tiers_away_from_closed_mines() {
        let e = Evidence {
            magnitude: 10.0,
            ..Evidence::default()
        };
        let lattice = Context {
            pond_lattice: true,
            ..Context::default()
        };
        let pond = ChangeClass::LeachPond;
        assert_eq!(tier(pond, RelationKind::OutsideCatalogue, lattice), 1);
        assert_eq!(
            tier(pond, RelationKind::OutsideCatalogue, Context::default()),
            2
        );
        assert_eq!(tier(pond, RelationKind::InsideClosedMine, lattice), 3);
        assert!(
            s(pond, RelationKind::OutsideCatalogue, &e, 600.0, lattice)
                < s(
                    ChangeClass::VegetationLoss,
                    RelationKind::OutsideCatalogue,
                    &e,
                    300.0,
                    Context::default()
                )
        );
    }
}
