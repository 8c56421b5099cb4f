//! Scoring and ranking: what a county team should visit first.
//!
//! Candidates fall into four tiers, and the score puts each tier in its own quarter of
//! `[0, 1]`, so sorting by score is sorting by tier first:
//!
//! | tier | score | what |
//! |---|---|---|
//! | 3 | 0.75–1 | mining evidence at a known illegal site or at/near a closed mine |
//! | 2 | 0.50–0.75 | mining evidence outside the catalogue or near (not inside) an active mine |
//! | 1 | 0.25–0.50 | other change not inside an active mine |
//! | 0 | 0–0.25 | anything inside a licensed active mine |
//!
//! Within a tier, the score grows with the class's weight as mining evidence, how far the change
//! magnitude exceeds the scene threshold, the object's area, and (tier 3) whether the object is
//! inside the mine rather than near it, and whether it lies in a protected area (a bonus of
//! 0.2 of the tier's range, never crossing into the next tier).

use goldsweep_catalogue::RelationKind;
use goldsweep_detect::object_stats::Evidence;
use goldsweep_detect::ChangeClass;

/// How strongly a class indicates mining, in `[0, 1]`.
pub fn class_weight(class: ChangeClass) -> f64 {
    match class {
        ChangeClass::SpoilHeap => 1.0,
        ChangeClass::LeachPond => 0.95,
        ChangeClass::AccessTrack => 0.85,
        ChangeClass::VegetationLoss => 0.75,
        ChangeClass::OtherChange => 0.5,
    }
}

/// The tier of a candidate (3 = visit first).
pub fn tier(class: ChangeClass, relation: RelationKind) -> u8 {
    use RelationKind::*;
    match (class.is_mining_evidence(), relation) {
        (_, InsideActiveMine) => 0,
        (true, AtIllegalSite | InsideClosedMine | NearClosedMine) => 3,
        (true, OutsideCatalogue | NearActiveMine) => 2,
        (false, _) => 1,
    }
}

/// The score in `[0, 1)`.
pub fn score(
    class: ChangeClass,
    relation: RelationKind,
    mean: &Evidence,
    magnitude_threshold: f32,
    area_m2: f64,
    in_protected_area: bool,
) -> f64 {
    let excess = (mean.magnitude / magnitude_threshold.max(1e-6) - 1.0) as f64;
    let strength = 0.5 * (excess / 2.0).clamp(0.0, 1.0)
        + 0.5 * ((area_m2 / 100.0).max(1.0).log10() / 3.0).clamp(0.0, 1.0);
    let proximity = match relation {
        RelationKind::NearClosedMine | RelationKind::NearActiveMine => 0.9,
        _ => 1.0,
    };
    let protected = if in_protected_area { 0.2 } else { 0.0 };
    let within = (0.5 * class_weight(class) + 0.5 * strength) * proximity * 0.8 + protected;
    (f64::from(tier(class, relation)) + within.clamp(0.0, 0.999)) / 4.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_order_the_ranking() {
        let e = Evidence {
            magnitude: 20.0,
            ..Evidence::default()
        };
        let big = 1e6;
        let small = 50.0;
        let weak = Evidence {
            magnitude: 2.0,
            ..Evidence::default()
        };
        // The weakest mining evidence at a closed mine beats the strongest elsewhere ...
        let closed = score(
            ChangeClass::VegetationLoss,
            RelationKind::NearClosedMine,
            &weak,
            2.0,
            small,
            false,
        );
        let outside = score(
            ChangeClass::SpoilHeap,
            RelationKind::OutsideCatalogue,
            &e,
            2.0,
            big,
            false,
        );
        let active = score(
            ChangeClass::SpoilHeap,
            RelationKind::InsideActiveMine,
            &e,
            2.0,
            big,
            false,
        );
        let other = score(
            ChangeClass::OtherChange,
            RelationKind::InsideClosedMine,
            &e,
            2.0,
            big,
            false,
        );
        assert!(closed > outside && outside > other && other > active);
        assert!(active >= 0.0 && closed < 1.0);
        // A protected area raises the score within the tier only.
        let outside_protected = score(
            ChangeClass::SpoilHeap,
            RelationKind::OutsideCatalogue,
            &e,
            2.0,
            big,
            true,
        );
        assert!(outside_protected > outside && outside_protected < closed);
    }
}
