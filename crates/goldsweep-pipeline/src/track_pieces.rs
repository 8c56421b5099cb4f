//! Tracks in pieces: objects that touch one another and together make a track.
//!
//! A 10 m track that the sensor spreads over two to four pixels holds a 3 × 3 square of change
//! in some stretches and not in others. [`split_thin`] sets the narrower stretches apart as
//! strips, so the track is labelled as a string of objects, land change and thin change in
//! turn, each a hundred metres long or less: too short for a track on its own, and judged a
//! clearing. [`string_beads`] mends a wide stretch between two pieces already judged tracks;
//! here no piece need be one.
//!
//! Pieces are the shortlisted objects of land, strip or thin change or of bright cores judged a
//! track, a clearing, other change or a tentative heap (graded gravel brightens a stretch of a
//! track as rock tipped there would), each no wider than a track
//! ([`ClassParams::track_max_width_m`], at least three pixels). A piece judged a track or at
//! least [`PIECE_MIN_ELONGATION`] times as long as wide is a stretch; a stubby one no larger
//! than a square as wide as a track is a link, and stays one only while it touches two other
//! pieces: between two stretches it carries the track on, at the end of a track or beside it
//! it is a clearing the track reached. The pieces that touch (8-connected) form a chain; a
//! chain of two or more with a clearing among them, no larger than [`WINDING_MAX_PIXELS`], is
//! judged as one object measured along itself ([`geodesic_length`]). If that object is a
//! track, all its pieces become tracks (a faint one stays tentative). A track that touches a
//! heap or a patch of other change alone is judged no further: that is a heap at the end of a
//! track as often as one track. A clearing wider than a track, or stubby and larger than a
//! link, is no piece and stays a clearing.
//!
//! [`split_thin`]: goldsweep_detect::morphology::split_thin
//! [`string_beads`]: crate::track_beads::string_beads

use std::collections::{BTreeSet, HashMap};

use goldsweep_detect::classify::{judge_shaped, Certainty, ClassParams};
use goldsweep_detect::evidence::group;
use goldsweep_detect::object_stats::{ObjectStats, Shape};
use goldsweep_detect::ChangeClass;

use crate::detect_pass::Run;
use crate::winding::{geodesic_length, WINDING_MAX_PIXELS};

/// Lowest length / width ratio of a piece not judged a track that is a stretch of one.
pub const PIECE_MIN_ELONGATION: f64 = 2.0;

/// What an object is to the chains of [`join_track_pieces`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece {
    /// A stretch: judged a track, or elongated.
    Stretch,
    /// A stubby patch no larger than a square as wide as a track, which belongs to a chain
    /// only between two other pieces.
    Link,
}

/// Judges the chains of track pieces as wholes and makes all their pieces tracks where the
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
    // A stretch of a track runs along it; a stubby patch is a link between two stretches, or
    // a clearing the track reached at its side or end.
    let kind_of = |i: usize| {
        let o = &objects[i];
        let class_fits = matches!(
            judged[i],
            Some((
                ChangeClass::VegetationLoss | ChangeClass::AccessTrack | ChangeClass::OtherChange,
                _
            )) | Some((ChangeClass::SpoilHeap, Certainty::Tentative))
        );
        let widest = p.track_max_width_m.max(3.0 * side_m[i]);
        let shape = o.shape();
        if !class_fits
            || !matches!(
                o.group,
                group::LAND | group::THIN | group::STRIP | group::BRIGHT
            )
            || o.pixels > WINDING_MAX_PIXELS
            || shape.width * side_m[i] > widest
        {
            return None;
        }
        let stretch = matches!(judged[i], Some((ChangeClass::AccessTrack, _)))
            || shape.elongation >= PIECE_MIN_ELONGATION;
        let square = (widest / side_m[i]).powi(2);
        if stretch {
            Some(Piece::Stretch)
        } else if (o.pixels as f64) <= square {
            Some(Piece::Link)
        } else {
            None
        }
    };
    let pieces: Vec<(usize, Piece)> = (0..objects.len())
        .filter_map(|i| kind_of(i).map(|k| (i, k)))
        .collect();
    if pieces.len() < 2 {
        return;
    }
    // Pixel → position in `pieces`.
    let piece_at: HashMap<(u32, u32), usize> = pieces
        .iter()
        .enumerate()
        .flat_map(|(k, &(i, _))| {
            runs_of[i]
                .iter()
                .flat_map(move |r| r.pixels().map(move |px| (px, k)))
        })
        .collect();
    // Which pieces touch (8-connected).
    let mut touching: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); pieces.len()];
    for (k, &(i, _)) in pieces.iter().enumerate() {
        for px in runs_of[i].iter().flat_map(Run::neighbours) {
            if let Some(&j) = piece_at.get(&px).filter(|&&j| j != k) {
                touching[k].insert(j);
                touching[j].insert(k);
            }
        }
    }
    // A link that touches one piece only ends a chain or stands beside it: it is let go, and
    // the link it touched is looked at again.
    let mut stack: Vec<usize> = (0..pieces.len()).collect();
    while let Some(k) = stack.pop() {
        if pieces[k].1 != Piece::Link || touching[k].len() != 1 {
            continue;
        }
        for j in std::mem::take(&mut touching[k]) {
            touching[j].remove(&k);
            stack.push(j);
        }
    }

    // Chains: the pieces that touch, found by walking from piece to piece. A link dropped
    // touches nothing any more and is a chain of one.
    let mut chains: Vec<Vec<usize>> = Vec::new();
    let mut seen = vec![false; pieces.len()];
    for start in 0..pieces.len() {
        if std::mem::replace(&mut seen[start], true) {
            continue;
        }
        let mut chain = Vec::new();
        let mut stack = vec![start];
        while let Some(k) = stack.pop() {
            chain.push(pieces[k].0);
            for &j in &touching[k] {
                if !std::mem::replace(&mut seen[j], true) {
                    stack.push(j);
                }
            }
        }
        chain.sort_unstable();
        chains.push(chain);
    }

    for chain in chains.iter().filter(|c| c.len() >= 2) {
        // A track and a heap or a patch of other change that touch are a heap at the end of a
        // track as often as one track: only a chain with a clearing is judged again.
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
            if let Some((c, certainty)) = judged[i].as_mut() {
                if *c == ChangeClass::AccessTrack {
                    continue;
                }
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
    use goldsweep_detect::object_stats::Evidence;

    /// Judges the objects on 10 m pixels, joins the pieces, and returns the classes.
    fn classes(parts: &[(u8, &[Rect])]) -> Vec<ChangeClass> {
        let cleared_parts: Vec<_> = parts.iter().map(|&(g, r)| (g, r, cleared())).collect();
        classes_of(&cleared_parts)
    }

    /// [`classes`] with each object's own evidence.
    fn classes_of(parts: &[(u8, &[Rect], Evidence)]) -> Vec<ChangeClass> {
        let p = ClassParams::default();
        let (objects, runs_of): (Vec<_>, Vec<_>) = parts
            .iter()
            .map(|&(g, rects, ev)| object(g, rects, ev))
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
    fn a_stubby_patch_between_two_stretches_links_them_into_a_track() {
        use ChangeClass::{AccessTrack, VegetationLoss};
        // Two stretches of a track 3 px wide and 10 px long, and between them a 3 × 3 patch
        // touching both: too stubby to be a stretch, a link between two.
        let a: &[Rect] = &[(10, 10, 3, 10)];
        let link: &[Rect] = &[(10, 20, 3, 3)];
        let b: &[Rect] = &[(10, 23, 3, 10)];
        assert_eq!(
            classes(&[(group::LAND, a), (group::LAND, link), (group::LAND, b)]),
            vec![AccessTrack; 3]
        );
        // A 5 × 5 patch there is wider than a track: no link, and the stretches stay apart.
        let wide: &[Rect] = &[(9, 20, 5, 5)];
        let b_after_wide: &[Rect] = &[(10, 25, 3, 10)];
        assert_eq!(
            classes(&[
                (group::LAND, a),
                (group::LAND, wide),
                (group::LAND, b_after_wide)
            ]),
            vec![VegetationLoss; 3]
        );
        // Two links in a row between the stretches: each touches a stretch and the other link.
        let first_link: &[Rect] = &[(10, 20, 3, 2)];
        let second_link: &[Rect] = &[(10, 22, 3, 2)];
        let b_after_two: &[Rect] = &[(10, 24, 3, 10)];
        assert_eq!(
            classes(&[
                (group::LAND, a),
                (group::LAND, first_link),
                (group::LAND, second_link),
                (group::LAND, b_after_two)
            ]),
            vec![AccessTrack; 4]
        );
        // Two links in a row at the end of a track: the last touches one piece only, and then
        // so does the one before it; both stay clearings.
        let track: &[Rect] = &[(10, 10, 3, 30)];
        let end_links: &[Rect] = &[(10, 40, 3, 2)];
        let last_link: &[Rect] = &[(10, 42, 3, 2)];
        assert_eq!(
            classes(&[
                (group::LAND, track),
                (group::LAND, end_links),
                (group::LAND, last_link)
            ]),
            vec![AccessTrack, VegetationLoss, VegetationLoss]
        );
    }

    #[test]
    fn a_faint_heap_strung_along_a_cleared_stretch_is_part_of_the_track() {
        use ChangeClass::{AccessTrack, SpoilHeap};
        let p = ClassParams::default();
        // Graded gravel brightens a stretch of a track: cover lost, a little brighter, a core
        // as bright as a heap's. Alone it is a tentative heap.
        let gravel = Evidence {
            d_bright: 0.05,
            visible_after: 0.17,
            ..cleared()
        };
        let cleared_stretch: &[Rect] = &[(10, 10, 3, 10)];
        let gravel_stretch: &[Rect] = &[(10, 20, 3, 10)];
        let (heap, _) = object(group::LAND, gravel_stretch, gravel);
        assert_eq!(judge(&heap, 10.0, &p), (SpoilHeap, Certainty::Tentative));
        let land = group::LAND;
        // Strung along a cleared stretch, the two are one track 200 m long.
        assert_eq!(
            classes_of(&[
                (land, cleared_stretch, cleared()),
                (land, gravel_stretch, gravel)
            ]),
            vec![AccessTrack; 2]
        );
        // Two such heaps with no clearing are heaps, the second perhaps at a track's end.
        assert_eq!(
            classes_of(&[
                (land, cleared_stretch, gravel),
                (land, gravel_stretch, gravel)
            ]),
            vec![SpoilHeap; 2]
        );
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
