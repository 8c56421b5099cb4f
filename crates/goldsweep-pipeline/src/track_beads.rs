//! Beads on a track: a wider piece of change that a track runs into at one end and out of at
//! the other is part of the track.
//!
//! [`split_thin`](goldsweep_detect::morphology::split_thin) sets the strips under three pixels
//! wide apart from wider change so that a track leading to a heap is reported as a track and a
//! heap. Where the track itself widens — a bend cut wide, a passing place, a verge graded with
//! it, the mixing of a diagonal track with the pixels beside it — the wider stretch holds a
//! 3 × 3 square of change and is labelled as an object of its own. Too short and too wide for
//! a track, it is judged a clearing (cover lost, a blob's shape) between two pieces of track.
//!
//! An object judged [`ChangeClass::VegetationLoss`] is such a bead, and becomes
//! [`ChangeClass::AccessTrack`], when
//! - it is elongated (length at least [`BEAD_MIN_ELONGATION`] times its mean width) and no
//!   wider than [`BEAD_WIDTH_FACTOR`] times the widest track, and
//! - two different objects judged tracks touch it (8-connected), their points of contact at
//!   least [`BEAD_SPAN`] of its length apart: the track comes in at one end and leaves at the
//!   other.
//!
//! A clearing that a track merely reaches, or two tracks reach from the same side, stays a
//! clearing; so does a round or wide clearing that a track crosses.

use std::collections::{BTreeMap, HashMap};

use goldsweep_detect::classify::{Certainty, ClassParams};
use goldsweep_detect::object_stats::ObjectStats;
use goldsweep_detect::ChangeClass;

use crate::detect_pass::Run;

/// Lowest length / width ratio of a bead.
pub const BEAD_MIN_ELONGATION: f64 = 2.0;
/// Widest bead, as a multiple of the widest track ([`ClassParams::track_max_width_m`], at least
/// three pixels).
pub const BEAD_WIDTH_FACTOR: f64 = 2.0;
/// Least distance between the two points where tracks touch a bead, as a fraction of its length.
pub const BEAD_SPAN: f64 = 0.6;

/// Reclassifies as tracks the objects judged clearings that are beads on a track (see the
/// module docs). `judged[i]` is object `i`'s class and certainty, or `None` if it is not
/// shortlisted; `runs_of[i]` its pixels; `side_m[i]` the side of a pixel at it.
pub fn string_beads(
    objects: &[ObjectStats],
    judged: &mut [Option<(ChangeClass, Certainty)>],
    runs_of: &[Vec<Run>],
    side_m: &[f64],
    p: &ClassParams,
) {
    let is = |i: usize, class: ChangeClass| matches!(judged[i], Some((c, _)) if c == class);
    let tracks: HashMap<(u32, u32), usize> = (0..objects.len())
        .filter(|&i| is(i, ChangeClass::AccessTrack))
        .flat_map(|i| {
            runs_of[i]
                .iter()
                .flat_map(move |r| r.pixels().map(move |px| (px, i)))
        })
        .collect();
    if tracks.is_empty() {
        return;
    }
    let beads: Vec<usize> = (0..objects.len())
        .filter(|&i| is(i, ChangeClass::VegetationLoss))
        .filter(|&i| {
            let shape = objects[i].shape();
            let widest = BEAD_WIDTH_FACTOR * p.track_max_width_m.max(3.0 * side_m[i]);
            shape.elongation >= BEAD_MIN_ELONGATION
                && shape.width * side_m[i] <= widest
                && strung(&runs_of[i], BEAD_SPAN * shape.length, &tracks)
        })
        .collect();
    for i in beads {
        if let Some((class, _)) = judged[i].as_mut() {
            *class = ChangeClass::AccessTrack;
        }
    }
}

/// Whether two different tracks touch the object of `runs` at points at least `span` pixels
/// apart.
fn strung(runs: &[Run], span: f64, tracks: &HashMap<(u32, u32), usize>) -> bool {
    // Per touching track: sum of the contact pixels' coordinates and their number.
    let mut contacts: BTreeMap<usize, (f64, f64, f64)> = BTreeMap::new();
    for (rr, cc) in runs.iter().flat_map(Run::neighbours) {
        if let Some(&t) = tracks.get(&(rr, cc)) {
            let e = contacts.entry(t).or_insert((0.0, 0.0, 0.0));
            *e = (e.0 + f64::from(rr), e.1 + f64::from(cc), e.2 + 1.0);
        }
    }
    // Mean contact point of each track.
    let points: Vec<(f64, f64)> = contacts
        .values()
        .map(|&(sr, sc, n)| (sr / n, sc / n))
        .collect();
    points.iter().enumerate().any(|(k, a)| {
        points[k + 1..]
            .iter()
            .any(|b| (a.0 - b.0).hypot(a.1 - b.1) >= span)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use goldsweep_detect::evidence::group;
    use goldsweep_detect::object_stats::Evidence;

    use crate::test_objects::object;

    /// Runs `string_beads` on tracks and clearings (10 m pixels); returns the classes after.
    fn strung_classes(
        tracks: &[&[(u32, u32, u32, u32)]],
        clearings: &[&[(u32, u32, u32, u32)]],
    ) -> Vec<ChangeClass> {
        let mut objects = Vec::new();
        let mut runs_of = Vec::new();
        let mut judged = Vec::new();
        for (rects, g, class) in tracks
            .iter()
            .map(|r| (r, group::THIN, ChangeClass::AccessTrack))
            .chain(
                clearings
                    .iter()
                    .map(|r| (r, group::LAND, ChangeClass::VegetationLoss)),
            )
        {
            let (o, runs) = object(g, rects, Evidence::default());
            objects.push(o);
            runs_of.push(runs);
            judged.push(Some((class, Certainty::Firm)));
        }
        let sides = vec![10.0; objects.len()];
        string_beads(
            &objects,
            &mut judged,
            &runs_of,
            &sides,
            &ClassParams::default(),
        );
        judged.into_iter().map(|j| j.expect("judged").0).collect()
    }

    #[test]
    fn a_wide_stretch_between_two_pieces_of_track_is_track() {
        // Track along row 10 from column 0 to 19, a 4 × 12 stretch, track again from 32 on.
        let left: &[_] = &[(10, 0, 2, 20)];
        let bead: &[_] = &[(9, 20, 4, 12)];
        let right: &[_] = &[(10, 32, 2, 20)];
        assert_eq!(
            strung_classes(&[left, right], &[bead]),
            [
                ChangeClass::AccessTrack,
                ChangeClass::AccessTrack,
                ChangeClass::AccessTrack
            ]
        );
        // A diagonal track: pieces touching the stretch only at its corners still string it.
        let up: &[_] = &[(0, 0, 1, 2), (1, 1, 1, 2), (2, 2, 1, 2), (3, 3, 1, 2)];
        let bead: &[_] = &[(4, 4, 3, 4), (5, 8, 3, 4), (6, 12, 3, 3)];
        let down: &[_] = &[
            (9, 15, 1, 2),
            (10, 16, 1, 2),
            (11, 17, 1, 2),
            (12, 18, 1, 2),
        ];
        assert_eq!(
            strung_classes(&[up, down], &[bead])[2],
            ChangeClass::AccessTrack
        );
    }

    #[test]
    fn a_clearing_a_track_reaches_or_crosses_stays_a_clearing() {
        let track: &[_] = &[(10, 0, 2, 20)];
        let stretch: &[_] = &[(9, 20, 4, 12)];
        // One track in: a track that leads to a clearing.
        assert_eq!(
            strung_classes(&[track], &[stretch])[1],
            ChangeClass::VegetationLoss
        );
        // Two tracks in at the same end (the second from above).
        let other: &[_] = &[(4, 21, 5, 1)];
        assert_eq!(
            strung_classes(&[track, other], &[stretch])[2],
            ChangeClass::VegetationLoss
        );
        // A track through a round clearing, and through one too wide for a track.
        let left: &[_] = &[(20, 0, 2, 20)];
        let right: &[_] = &[(20, 32, 2, 20)];
        let round: &[_] = &[(15, 20, 12, 12)];
        let wide: &[_] = &[(14, 20, 14, 30)];
        let right_of_wide: &[_] = &[(20, 50, 2, 20)];
        assert_eq!(
            strung_classes(&[left, right], &[round])[2],
            ChangeClass::VegetationLoss
        );
        assert_eq!(
            strung_classes(&[left, right_of_wide], &[wide])[2],
            ChangeClass::VegetationLoss
        );
    }
}
