//! Chains of line evidence: a weaker line counts where it continues into a track.
//!
//! The line statistic ([`crate::lines`]) reads [`crate::lines::LINE_TAPS`] pixels (70 m at
//! 10 m pixels). A track painted in the colour of the soil around it, or crossing ground whose
//! texture makes the scene's line noise high (a town on red soil), stays just under the focus
//! threshold along most of its length: 0.7–0.9 of it on the planted Aguas Claras tracks that
//! were missed. What sets such a track apart from texture is its length: random lines of that
//! strength are short and scattered, a track is one chain of them hundreds of metres long.
//!
//! So, as in hysteresis thresholding, a pixel whose line reaches [`CHAIN_FRACTION`] of the
//! threshold (and passes the line's consistency and ridge tests) is change when the line pixels
//! 8-connected to it through other line pixels, within [`CHAIN_RADIUS`] of it, number at least
//! [`CHAIN_MIN_LINES`], itself included. Only line pixels carry a chain: change found pixel by
//! pixel does not, so a heap or a clearing does not lend the weak lines along its edge a
//! length they do not have, and the weak lines beside a strong track do not widen it unless
//! they are a chain of their own. The search never leaves the square of [`CHAIN_RADIUS`]
//! around the pixel, so a tile with that much more halo decides its core as a whole-scene run
//! would.

use crate::morphology::NEIGHBOURS;

/// Fraction of the focus threshold a line must reach to count as part of a chain.
pub const CHAIN_FRACTION: f32 = 0.7;
/// How far (pixels, Chebyshev distance) the search for a pixel's chain reaches.
pub const CHAIN_RADIUS: usize = 8;
/// Line pixels a chain must hold within [`CHAIN_RADIUS`] of a weaker line pixel for it to be
/// change: 100 m of track at 10 m pixels.
pub const CHAIN_MIN_LINES: usize = 10;

/// Reusable buffers of [`keep_chained`].
#[derive(Debug, Clone, Default)]
pub struct ChainScratch {
    /// Per pixel of the window: a line pixel.
    line: Vec<bool>,
    /// Per pixel: the number of the search that last reached it, plus one.
    seen: Vec<u32>,
    stack: Vec<(usize, usize)>,
    kept: Vec<(usize, usize, f32)>,
}

/// Of the line pixels `found` (`(row, col, line)` in a `rows × cols` window, every line at
/// least `CHAIN_FRACTION · threshold`), those that are change: a line reaching `threshold`, or
/// a weaker one in a chain of [`CHAIN_MIN_LINES`] line pixels within [`CHAIN_RADIUS`] (see the
/// module docs). The order of `found` is kept.
pub fn keep_chained<'s>(
    scratch: &'s mut ChainScratch,
    found: &[(usize, usize, f32)],
    rows: usize,
    cols: usize,
    threshold: f32,
) -> &'s [(usize, usize, f32)] {
    let ChainScratch {
        line,
        seen,
        stack,
        kept,
    } = scratch;
    kept.clear();
    if found.iter().all(|&(_, _, m)| m >= threshold) {
        kept.extend_from_slice(found);
        return kept;
    }
    line.clear();
    line.resize(rows * cols, false);
    for &(r, c, _) in found {
        line[r * cols + c] = true;
    }
    seen.clear();
    seen.resize(rows * cols, 0);
    for (search, &(r, c, m)) in (1..).zip(found) {
        if m >= threshold || in_chain(line, seen, stack, cols, (r, c), search) {
            kept.push((r, c, m));
        }
    }
    kept
}

/// Whether the line pixels connected to `start` within [`CHAIN_RADIUS`] of it number
/// [`CHAIN_MIN_LINES`]; `search` (from 1) marks the pixels this search has reached.
fn in_chain(
    line: &[bool],
    seen: &mut [u32],
    stack: &mut Vec<(usize, usize)>,
    cols: usize,
    start: (usize, usize),
    search: u32,
) -> bool {
    let rows = line.len() / cols;
    let (r0, c0) = start;
    stack.clear();
    stack.push(start);
    seen[r0 * cols + c0] = search;
    let mut count = 0;
    while let Some((r, c)) = stack.pop() {
        count += 1;
        if count >= CHAIN_MIN_LINES {
            return true;
        }
        for (dr, dc) in NEIGHBOURS {
            let (Some(nr), Some(nc)) = (r.checked_add_signed(dr), c.checked_add_signed(dc)) else {
                continue;
            };
            let near = nr.abs_diff(r0) <= CHAIN_RADIUS && nc.abs_diff(c0) <= CHAIN_RADIUS;
            if nr < rows && nc < cols && near {
                let i = nr * cols + nc;
                if line[i] && seen[i] != search {
                    seen[i] = search;
                    stack.push((nr, nc));
                }
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: f32 = 3.0;
    const WEAK: f32 = 2.4;

    fn keep(found: &[(usize, usize, f32)], rows: usize, cols: usize) -> Vec<(usize, usize)> {
        let mut scratch = ChainScratch::default();
        keep_chained(&mut scratch, found, rows, cols, T)
            .iter()
            .map(|&(r, c, _)| (r, c))
            .collect()
    }

    #[test]
    fn a_long_chain_of_weak_lines_is_change_and_a_short_one_is_not() {
        // A slanting track of 14 weak line pixels, and a stub of 6 elsewhere.
        let mut found: Vec<(usize, usize, f32)> =
            (0..14).map(|i| (2 + i / 2, 3 + i, WEAK)).collect();
        found.extend((0..6).map(|i| (15, 25 + i, WEAK)));
        found.sort_by_key(|&(r, c, _)| (r, c));
        let kept = keep(&found, 20, 40);
        // All but its two end pixels, each of which sees only CHAIN_RADIUS + 1 of the track
        // within its radius.
        assert_eq!(kept.len(), 12, "{kept:?}");
        assert!(
            !kept.contains(&(2, 3)) && !kept.contains(&(8, 16)),
            "{kept:?}"
        );
        assert!(
            kept.iter().all(|&(r, _)| r < 15),
            "the stub is no track: {kept:?}"
        );
    }

    #[test]
    fn a_strong_line_is_change_on_its_own() {
        let found = [(5, 5, T), (7, 2, WEAK)];
        assert_eq!(keep(&found, 10, 10), vec![(5, 5)]);
    }

    #[test]
    fn a_gap_breaks_the_chain() {
        // Two runs of six weak line pixels, two columns apart: neither is a chain of ten.
        let found: Vec<(usize, usize, f32)> = (0..14)
            .filter(|c| !(6..8).contains(c))
            .map(|c| (2, c, WEAK))
            .collect();
        assert!(keep(&found, 5, 20).is_empty());
        // Closed up, they are, but for each end pixel, which sees only CHAIN_RADIUS + 1 of
        // them within its radius.
        let found: Vec<(usize, usize, f32)> = (0..12).map(|c| (2, c, WEAK)).collect();
        let kept = keep(&found, 5, 20);
        assert_eq!(kept, (1..11).map(|c| (2, c)).collect::<Vec<_>>());
    }

    #[test]
    fn the_search_stays_within_its_radius() {
        // A straight run of weak pixels: each sees at most CHAIN_RADIUS of them to either side.
        let n = CHAIN_MIN_LINES - 1 + CHAIN_RADIUS;
        let found: Vec<(usize, usize, f32)> = (0..n).map(|c| (0, c, WEAK)).collect();
        let kept = keep(&found, 1, 60);
        // The first pixel sees itself and CHAIN_RADIUS to its right: fewer than the minimum.
        const { assert!(CHAIN_RADIUS + 1 < CHAIN_MIN_LINES) };
        assert!(!kept.contains(&(0, 0)), "{kept:?}");
        assert!(kept.contains(&(0, n / 2)), "{kept:?}");
    }

    #[test]
    fn nothing_found_keeps_nothing() {
        assert!(keep(&[], 4, 4).is_empty());
    }
}
