//! Tracks in pieces: objects that touch one another and together make a track.
//!
//! A 10 m track that the sensor spreads over two to four pixels holds a 3 × 3 square of change
//! in some stretches and not in others. [`split_thin`] sets the narrower stretches apart as
//! strips, so the track is labelled as a string of objects, land change and thin change in
//! turn, each a hundred metres long or less: too short for a track on its own, and judged a
//! clearing. [`string_beads`] mends a wide stretch between two pieces already judged tracks;
//! here no piece need be one.
//!
//! Pieces are the shortlisted objects of land, strip or thin change judged a track, or a clearing at
//! least [`PIECE_MIN_ELONGATION`] times as long as wide, each no wider than a track
//! ([`ClassParams::track_max_width_m`], at least three pixels). The
//! pieces that touch (8-connected) form a chain; a chain of two or more, no larger than
//! [`WINDING_MAX_PIXELS`], is judged as one object measured along itself
//! ([`geodesic_length`]). If that object is a track, the clearings of the chain become tracks
//! (a faint one stays tentative). A clearing wider than a track or stubby, at the end of a
//! track or beside it, is no piece and stays a clearing.
//!
//! [`split_thin`]: goldsweep_detect::morphology::split_thin
//! [`string_beads`]: crate::track_beads::string_beads

use std::collections::{BTreeMap, HashMap};

use goldsweep_detect::classify::{judge_shaped, Certainty, ClassParams};
use goldsweep_detect::evidence::group;
use goldsweep_detect::object_stats::{ObjectStats, Shape};
use goldsweep_detect::ChangeClass;

use crate::detect_pass::Run;
use crate::winding::{geodesic_length, WINDING_MAX_PIXELS};

/// Lowest length / width ratio of a clearing that is a piece of a track.
pub const PIECE_MIN_ELONGATION: f64 = 2.0;

/// Judges the chains of track pieces as wholes and makes their clearings tracks where the
/// whole is one (see the module docs). `judged[i]` is object `i`'s class and certainty, or
/// `None` if it is not shortlisted; `runs_of[i]` its pixels; `side_m[i]` the side of a pixel
/// at it.
pub fn join_track_pieces(
    objects: &[ObjectStats],
    judged: &mut [Option<(ChangeClass, Certainty)>],
    runs_of: &[Vec<Run>],
    side_m: &[f64],
    p: &ClassParams,
) {
    let is_piece = |i: usize| {
        let o = &objects[i];
        let class_fits = matches!(
            judged[i],
            Some((ChangeClass::VegetationLoss | ChangeClass::AccessTrack, _))
        );
        let widest = p.track_max_width_m.max(3.0 * side_m[i]);
        let shape = o.shape();
        // A stretch of a track runs along it; a stubby patch at its side or end is a clearing
        // the track reached.
        let along_a_track = matches!(judged[i], Some((ChangeClass::AccessTrack, _)))
            || shape.elongation >= PIECE_MIN_ELONGATION;
        class_fits
            && along_a_track
            && matches!(o.group, group::LAND | group::THIN | group::STRIP)
            && o.pixels <= WINDING_MAX_PIXELS
            && shape.width * side_m[i] <= widest
    };
    let pieces: Vec<usize> = (0..objects.len()).filter(|&i| is_piece(i)).collect();
    if pieces.len() < 2 {
        return;
    }
    // Pixel → position in `pieces`.
    let piece_at: HashMap<(u32, u32), usize> = pieces
        .iter()
        .enumerate()
        .flat_map(|(k, &i)| {
            runs_of[i]
                .iter()
                .flat_map(move |r| r.pixels().map(move |px| (px, k)))
        })
        .collect();

    // Chains: the pieces that touch, by union–find over the pieces' pixels.
    let mut parent: Vec<usize> = (0..pieces.len()).collect();
    fn root(parent: &mut [usize], mut k: usize) -> usize {
        while parent[k] != k {
            parent[k] = parent[parent[k]];
            k = parent[k];
        }
        k
    }
    for (k, &i) in pieces.iter().enumerate() {
        for px in runs_of[i].iter().flat_map(Run::neighbours) {
            if let Some(&j) = piece_at.get(&px) {
                let (a, b) = (root(&mut parent, k), root(&mut parent, j));
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let mut chains: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (k, &i) in pieces.iter().enumerate() {
        let r = root(&mut parent, k);
        chains.entry(r).or_default().push(i);
    }

    for chain in chains.values().filter(|c| c.len() >= 2) {
        let has_clearing = chain
            .iter()
            .any(|&i| matches!(judged[i], Some((ChangeClass::VegetationLoss, _))));
        let pixels: u64 = chain.iter().map(|&i| objects[i].pixels).sum();
        if !has_clearing || pixels > WINDING_MAX_PIXELS {
            continue;
        }
        let mut whole = objects[chain[0]].clone();
        for &i in &chain[1..] {
            whole.merge(&objects[i]);
        }
        // Judged by the rule of wide objects, whatever its pieces were.
        whole.group = group::LAND;
        let runs: Vec<Run> = chain.iter().flat_map(|&i| runs_of[i].clone()).collect();
        let along = geodesic_length(&runs).max(whole.shape().length);
        let largest = *chain
            .iter()
            .max_by_key(|&&i| objects[i].pixels)
            .expect("a chain has pieces");
        let (class, firmness) =
            judge_shaped(&whole, Shape::along(pixels, along), side_m[largest], p);
        if class != ChangeClass::AccessTrack {
            continue;
        }
        for &i in chain {
            if let Some((c @ ChangeClass::VegetationLoss, certainty)) = judged[i].as_mut() {
                *c = ChangeClass::AccessTrack;
                if *certainty == Certainty::Firm {
                    *certainty = firmness;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_objects::{cleared, object, Rect};
    use goldsweep_detect::classify::judge;

    /// Judges the objects on 10 m pixels, joins the pieces, and returns the classes.
    fn classes(parts: &[(u8, &[Rect])]) -> Vec<ChangeClass> {
        let p = ClassParams::default();
        let (objects, runs_of): (Vec<_>, Vec<_>) = parts
            .iter()
            .map(|&(g, rects)| object(g, rects, cleared()))
            .unzip();
        let mut judged: Vec<_> = objects.iter().map(|o| Some(judge(o, 10.0, &p))).collect();
        let sides = vec![10.0; objects.len()];
        join_track_pieces(&objects, &mut judged, &runs_of, &sides, &p);
        judged.iter().map(|j| j.expect("judged").0).collect()
    }

    #[test]
    fn a_track_in_pieces_becomes_a_track() {
        use ChangeClass::{AccessTrack, VegetationLoss};
        // A track 3 px wide and 26 px (260 m) long along a row, cut into a stretch of land
        // change (10 px), a strip of thin change two pixels wide (6 px) and land change again
        // (10 px). Each stretch alone is too short or too stubby for a track.
        let first: &[Rect] = &[(10, 10, 3, 10)];
        let strip: &[Rect] = &[(11, 20, 2, 6)];
        let last: &[Rect] = &[(10, 26, 3, 10)];
        let alone = classes(&[(group::LAND, first)]);
        assert_eq!(alone, vec![VegetationLoss]);
        assert_eq!(
            classes(&[
                (group::LAND, first),
                (group::THIN, strip),
                (group::LAND, last)
            ]),
            vec![AccessTrack; 3]
        );
        // The same stretches apart (a gap of a column between each) stay clearings.
        let strip_apart: &[Rect] = &[(11, 21, 2, 5)];
        let last_apart: &[Rect] = &[(10, 28, 3, 10)];
        let apart = classes(&[
            (group::LAND, first),
            (group::THIN, strip_apart),
            (group::LAND, last_apart),
        ]);
        assert_eq!(apart[0], VegetationLoss);
        assert_eq!(apart[2], VegetationLoss);
    }

    #[test]
    fn a_wide_clearing_at_a_track_stays_a_clearing() {
        use ChangeClass::{AccessTrack, VegetationLoss};
        // Two stretches of a track 3 px wide, 12 px long each, and at the end of the second a
        // clearing 8 × 8 px: the clearing is no piece of the track.
        let a: &[Rect] = &[(10, 10, 3, 12)];
        let b: &[Rect] = &[(10, 22, 3, 12)];
        let field: &[Rect] = &[(8, 34, 8, 8)];
        let got = classes(&[(group::LAND, a), (group::LAND, b), (group::LAND, field)]);
        assert_eq!(got, vec![AccessTrack, AccessTrack, VegetationLoss]);
        // Two pieces that together are too short (130 m, 4.3 times as long as wide) stay
        // clearings.
        let c: &[Rect] = &[(10, 10, 3, 7)];
        let d: &[Rect] = &[(10, 17, 3, 6)];
        assert_eq!(
            classes(&[(group::LAND, c), (group::LAND, d)]),
            vec![VegetationLoss; 2]
        );
        // A stubby 3 × 3 patch at the end of a track is a clearing the track reached, however
        // narrow: the track stays a track and the patch a clearing.
        let track: &[Rect] = &[(10, 10, 3, 30)];
        let patch: &[Rect] = &[(10, 40, 3, 3)];
        assert_eq!(
            classes(&[(group::LAND, track), (group::LAND, patch)]),
            vec![AccessTrack, VegetationLoss]
        );
    }
}
