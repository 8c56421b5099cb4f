//! Binary clean-up of the change groups with 3 × 3 neighbourhoods, and the splits of strips
//! and heaps from the change they run out of or lie on.
//!
//! The cloud screen looks [`crate::cloud::REACH`] pixels around each pixel, the change
//! magnitude one more (the line evidence of focus zones [`crate::lines::LINE_REACH`], and its
//! chains [`crate::line_chains::CHAIN_RADIUS`] more), the growth of new water into a pond's rim
//! two per round ([`crate::evidence::WATER_EDGE_ROUNDS`]),
//! both clean-up steps one more each, the split of thin strips ([`split_thin`]) two more and
//! that of bright heaps ([`split_bright`]) one per round and [`RIM_MAX_PIXELS`] − 1 +
//! [`RIM_REACH`] for the rims it takes in, and the split of wider strips ([`split_strips`])
//! `2 · (STRIP_SQUARE / 2)` for its squares and [`STRIP_STUB_MAX_PIXELS`] for the stubs it
//! leaves, so a tile needs a halo of [`HALO`] pixels for its core to come out exactly as in a
//! whole-scene run.
//! No opening is applied: it would erase the one- and two-pixel-wide access tracks that matter
//! ([`split_thin`] sets them apart instead).

use ndarray::{ArrayView2, ArrayViewMut2};

use crate::evidence::group;

/// Halo (pixels) a tile needs for the cloud screen, the smoothed magnitude, the line evidence
/// and its chains, the growth of new water, [`clean_groups`], [`split_thin`] and
/// [`split_bright`] to be exact in its core.
pub const HALO: usize = crate::cloud::REACH
    + crate::lines::LINE_REACH
    + crate::line_chains::CHAIN_RADIUS
    + 2 * crate::evidence::WATER_EDGE_ROUNDS
    + 2
    + 2
    + 1
    + BRIGHT_ROUNDS
    + (RIM_MAX_PIXELS - 1)
    + RIM_REACH
    + 2 * (STRIP_SQUARE / 2)
    + STRIP_STUB_MAX_PIXELS;

/// The 8 neighbours of a pixel, `(row, col)` offsets in order around it from the one above.
pub const NEIGHBOURS: [(isize, isize); 8] = [
    (-1, 0),
    (-1, 1),
    (0, 1),
    (1, 1),
    (1, 0),
    (1, -1),
    (0, -1),
    (-1, -1),
];

/// Neighbour-count code of a land-change pixel: a sum of up to 9 codes keeps the number of land
/// pixels in its low four bits and the number of water pixels in its high four bits.
const LAND_CODE: u8 = 1;
/// Neighbour-count code of a water-change pixel.
const WATER_CODE: u8 = 16;

/// Reusable buffers of [`clean_groups`].
#[derive(Debug, Clone, Default)]
pub struct CleanScratch {
    /// Codes of the groups before and after the first step, padded with one row and column
    /// of zeros on every side.
    before: Vec<u8>,
    after: Vec<u8>,
    /// Column sums of three padded rows.
    columns: Vec<u8>,
    /// Codes summed over the 8 neighbours of each pixel of a row.
    neighbours: Vec<u8>,
    /// Land pixels whose whole 3 × 3 neighbourhood is land ([`split_thin`]); the centres of
    /// the wide squares ([`split_strips`]).
    eroded: Vec<bool>,
    /// Pixels of the bright cores ([`split_bright`]); the wide squares ([`split_strips`]).
    core: Vec<bool>,
    /// Land pixels already visited while looking for rims ([`split_bright`]).
    visited: Vec<bool>,
    /// The rim being measured, the pixels still to visit, and the rims taken in; the piece, the
    /// pixels to visit and the strips of [`split_strips`].
    rim: Vec<usize>,
    stack: Vec<usize>,
    taken: Vec<usize>,
}

/// Removes isolated change pixels (no changed 8-neighbour), then fills pixels without change
/// that have at least 6 changed 8-neighbours with the neighbours' majority group. Invalid pixels
/// are never changed and never count as change.
///
/// ```
/// use goldsweep_detect::morphology::{clean_groups, CleanScratch};
/// use ndarray::array;
/// let mut g = array![[0u8, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1]];
/// clean_groups(&mut CleanScratch::default(), g.view_mut());
/// assert!(g.iter().all(|&v| v == 0));
/// ```
pub fn clean_groups(scratch: &mut CleanScratch, mut g: ArrayViewMut2<'_, u8>) {
    let cols = g.ncols();
    match g.as_slice_mut() {
        Some(groups) => clean_rows(scratch, groups, cols),
        None => {
            let mut groups: Vec<u8> = g.iter().copied().collect();
            clean_rows(scratch, &mut groups, cols);
            g.iter_mut().zip(groups).for_each(|(g, v)| *g = v);
        }
    }
}

/// [`clean_groups`] on the row-major groups of a window `cols` pixels wide.
fn clean_rows(scratch: &mut CleanScratch, groups: &mut [u8], cols: usize) {
    if cols == 0 {
        return;
    }
    let rows = groups.len() / cols;
    let w = cols + 2;
    let CleanScratch {
        before,
        after,
        columns,
        neighbours,
        ..
    } = scratch;
    for buf in [&mut *before, &mut *after] {
        buf.clear();
        buf.resize((rows + 2) * w, 0);
    }
    columns.resize(w, 0);
    neighbours.resize(cols, 0);
    // The codes of window row `r` inside a padded buffer.
    let inner = |r: usize| (r + 1) * w + 1..(r + 2) * w - 1;
    for (r, row) in groups.chunks_exact(cols).enumerate() {
        for (code, &g) in before[inner(r)].iter_mut().zip(row) {
            *code = match g {
                group::LAND => LAND_CODE,
                group::WATER => WATER_CODE,
                _ => 0,
            };
        }
    }
    // Step 1: a change pixel without changed neighbours becomes no change.
    for (r, row) in groups.chunks_exact_mut(cols).enumerate() {
        neighbour_sums(before, w, r, columns, neighbours);
        let codes = &before[inner(r)];
        let kept = &mut after[inner(r)];
        for (((g, k), &code), &n) in row.iter_mut().zip(kept).zip(codes).zip(&*neighbours) {
            *k = if n == 0 { 0 } else { code };
            *g = if code != 0 && n == 0 { group::NONE } else { *g };
        }
    }
    // Step 2: a pixel without change surrounded by change takes the majority group.
    for (r, row) in groups.chunks_exact_mut(cols).enumerate() {
        neighbour_sums(after, w, r, columns, neighbours);
        for (g, &n) in row.iter_mut().zip(&*neighbours) {
            let (land, water) = (n % WATER_CODE, n / WATER_CODE);
            let majority = if water > land {
                group::WATER
            } else {
                group::LAND
            };
            *g = if *g == group::NONE && land + water >= 6 {
                majority
            } else {
                *g
            };
        }
    }
}

/// Marks the land-change pixels of focus zones (`focus`, window-shaped; everywhere when
/// `None`) that lie outside every 3 × 3 square of land change as [`group::THIN`] (the
/// complement of a morphological opening): strips under three pixels wide — a track, a ditch —
/// and such strips running out of a wider object, which then label as objects of their own. A
/// track that leads to a heap is reported as a track and a heap, not as one heap with a tail.
/// Water is left as it is.
///
/// ```
/// use goldsweep_detect::evidence::group::{LAND, NONE, THIN};
/// use goldsweep_detect::morphology::{split_thin, CleanScratch};
/// use ndarray::Array2;
/// // A 4 × 4 block of land change with a one-pixel track leaving it to the right.
/// let mut g = Array2::from_shape_fn((6, 12), |(r, c)| match (r, c) {
///     (1..=4, 1..=4) => LAND,
///     (2, 5..=11) => LAND,
///     _ => NONE,
/// });
/// split_thin(&mut CleanScratch::default(), g.view_mut(), None);
/// assert_eq!(g[[1, 1]], LAND);
/// assert_eq!(g[[2, 4]], LAND);
/// assert!((5..12).all(|c| g[[2, c]] == THIN));
/// ```
pub fn split_thin(
    scratch: &mut CleanScratch,
    mut g: ArrayViewMut2<'_, u8>,
    focus: Option<ArrayView2<'_, bool>>,
) {
    let (rows, cols) = g.dim();
    let focus = focus.filter(|f| f.dim() == (rows, cols));
    let eroded = &mut scratch.eroded;
    // Invalid pixels count as land around a land pixel: an object cut by a cloud or the
    // scene's nodata is not a strip because of what hides the rest of it.
    square_centres(&g, 1, |v| matches!(v, group::LAND | group::INVALID), eroded);
    for r in 0..rows {
        for c in 0..cols {
            if g[[r, c]] != group::LAND || focus.is_some_and(|f| !f[[r, c]]) {
                continue;
            }
            if !in_square(eroded, (rows, cols), 1, r, c) {
                g[[r, c]] = group::THIN;
            }
        }
    }
}

/// Marks in `centres` (row-major) the land-change pixels of `g` whose whole
/// `(2·half + 1)²` square holds only pixels that `fills` accepts: the centres of the squares of
/// a morphological opening of land change.
fn square_centres(
    g: &ArrayViewMut2<'_, u8>,
    half: usize,
    fills: impl Fn(u8) -> bool,
    centres: &mut Vec<bool>,
) {
    let (rows, cols) = g.dim();
    centres.clear();
    centres.resize(rows * cols, false);
    for r in half..rows.saturating_sub(half) {
        for c in half..cols.saturating_sub(half) {
            centres[r * cols + c] = g[[r, c]] == group::LAND
                && (r - half..=r + half)
                    .all(|rr| (c - half..=c + half).all(|cc| fills(g[[rr, cc]])));
        }
    }
}

/// Whether pixel `(r, c)` of a `rows` × `cols` window lies in the square of side `2·half + 1`
/// around one of `centres` ([`square_centres`]).
fn in_square(
    centres: &[bool],
    (rows, cols): (usize, usize),
    half: usize,
    r: usize,
    c: usize,
) -> bool {
    let near = |x: usize, n: usize| x.saturating_sub(half)..(x + half + 1).min(n);
    near(r, rows).any(|rr| near(c, cols).any(|cc| centres[rr * cols + cc]))
}

/// Rounds of growth of a heap's bright core into the mixed pixels around it in
/// [`split_bright`], after one round that fills its holes.
pub const BRIGHT_ROUNDS: usize = 2;

/// Sets the land change of focus zones that brightened into fresh rock or soil apart as
/// [`group::BRIGHT`], so that a heap tipped on a clearing, or beside it, is labelled apart
/// from the clearing. `tones` (row-major, [`crate::evidence::tone`]) says what each land-change
/// pixel looks like on its own; those of [`tone::BRIGHT`] are the cores. A land pixel with at
/// least five core neighbours joins the core (a hole: a shaded slope, a patch of darker rock),
/// then the cores grow [`BRIGHT_ROUNDS`] times into the land pixels beside them that are not a
/// clearing's ([`tone::CLEARED`]): the mixed pixels around a heap, part heap and part ground,
/// belong to it. Last, a rim: a piece of land change left beside a core, of at most
/// [`RIM_MAX_PIXELS`] pixels, all in the focus zones, along the core (within [`RIM_REACH`]
/// pixels of it) and none on the window's edge, joins it. Such a piece is the ring of mixed
/// pixels that the sensor's point spread lays around a heap on vegetated ground — cover lost,
/// ground not yet bright — and not a clearing of its own, which the sweep would otherwise send
/// a team to as well. Without a core, land change stays [`group::LAND`].
///
/// [`tone::BRIGHT`]: crate::evidence::tone::BRIGHT
/// [`tone::CLEARED`]: crate::evidence::tone::CLEARED
pub fn split_bright(scratch: &mut CleanScratch, mut g: ArrayViewMut2<'_, u8>, tones: &[u8]) {
    use crate::evidence::tone;
    let (rows, cols) = g.dim();
    if tones.len() != rows * cols || !tones.contains(&tone::BRIGHT) {
        return;
    }
    let core = &mut scratch.core;
    core.clear();
    core.extend(tones.iter().map(|&t| t == tone::BRIGHT));
    let land = |g: &ArrayViewMut2<'_, u8>, i: usize| g[[i / cols, i % cols]] == group::LAND;
    let core_neighbours = |core: &[bool], i: usize| {
        let (r, c) = (i / cols, i % cols);
        let near = |x: usize, n: usize| x.saturating_sub(1)..(x + 2).min(n);
        near(r, rows)
            .flat_map(|rr| near(c, cols).map(move |cc| rr * cols + cc))
            .filter(|&j| j != i && core[j])
            .count()
    };
    let mut joining: Vec<usize> = Vec::new();
    for round in 0..=BRIGHT_ROUNDS {
        joining.clear();
        for i in 0..rows * cols {
            if core[i] || !land(&g, i) || tones[i] == tone::NONE {
                continue;
            }
            let n = core_neighbours(core, i);
            let joins = if round == 0 {
                n >= 5
            } else {
                n > 0 && tones[i] != tone::CLEARED
            };
            if joins {
                joining.push(i);
            }
        }
        for &i in &joining {
            core[i] = true;
        }
    }
    take_in_rims(scratch, &g, tones);
    let core = &scratch.core;
    for (i, _) in core.iter().enumerate().filter(|(_, &c)| c) {
        g[[i / cols, i % cols]] = group::BRIGHT;
    }
}

/// The most pixels of a rim that [`split_bright`] lets a heap's core take in: the ring of
/// mixed pixels, a pixel wide, that a 20 m band's point spread lays along part of a
/// heap's edge. Clearings are larger (the smallest planted in `goldsweep plant` has 20).
pub const RIM_MAX_PIXELS: usize = 8;

/// Farthest a rim's pixel lies from the core it joins, in pixels along rows or columns or
/// both ([`split_bright`]): a rim lies along the heap's edge, where a stub of track or clearing
/// runs away from it.
pub const RIM_REACH: usize = 1;

/// Marks in `scratch.core` the rims beside it (see [`split_bright`]): 8-connected pieces of
/// land change outside the cores with a core pixel beside them, of at most [`RIM_MAX_PIXELS`]
/// pixels, all with a [`tone`](crate::evidence::tone), within [`RIM_REACH`] pixels of the core
/// and none on the window's edge. A piece cut by the edge may be larger than it looks; leaving
/// it is what a whole-scene run does when the piece is larger, and [`HALO`] makes a tile's core
/// see every piece that could be a rim whole.
fn take_in_rims(scratch: &mut CleanScratch, g: &ArrayViewMut2<'_, u8>, tones: &[u8]) {
    use crate::evidence::tone;
    let (rows, cols) = g.dim();
    let CleanScratch {
        core,
        visited,
        rim,
        stack,
        taken,
        ..
    } = scratch;
    taken.clear();
    visited.clear();
    visited.resize(rows * cols, false);
    let outside_core = |core: &[bool], i: usize| !core[i] && g[[i / cols, i % cols]] == group::LAND;
    let hugs_core = |core: &[bool], i: usize| {
        let (r, c) = (i / cols, i % cols);
        let near = |x: usize, n: usize| x.saturating_sub(RIM_REACH)..(x + RIM_REACH + 1).min(n);
        near(r, rows).any(|rr| near(c, cols).any(|cc| core[rr * cols + cc]))
    };
    for start in 0..rows * cols {
        if visited[start] || !outside_core(core, start) {
            continue;
        }
        if !neighbours(start, rows, cols).any(|j| core[j]) {
            continue;
        }
        // The whole piece, so that none of its pixels starts a second, partial one.
        collect_piece(start, (rows, cols), visited, rim, stack, |j| {
            outside_core(core, j)
        });
        if rim.len() <= RIM_MAX_PIXELS
            && rim
                .iter()
                .all(|&i| tones[i] != tone::NONE && !on_edge(i, rows, cols) && hugs_core(core, i))
        {
            taken.extend_from_slice(rim);
        }
    }
    // Every piece is judged against the cores before any rim joins them.
    for &i in taken.iter() {
        core[i] = true;
    }
}

/// Side, in pixels, of the squares of land change that [`split_strips`] takes for wide: a strip
/// narrower than this (three or four pixels) runs out of them.
pub const STRIP_SQUARE: usize = 5;

/// The most pixels of a piece outside the wide squares that [`split_strips`] leaves with the
/// object it belongs to: a corner the squares cannot reach, a bulge of its outline, a stub of
/// track three pixels long. A track's strip is longer.
pub const STRIP_STUB_MAX_PIXELS: usize = 12;

/// Whether [`split_strips`] belongs on a grid of `side_m` metre pixels: where the widest strip
/// it sets apart, `STRIP_SQUARE - 1` pixels, is no wider than a track's widest footprint
/// (`track_max_width_m`, [`crate::classify::ClassParams::track_max_width_m`]). On a 30 m grid
/// such a strip is 120 m wide: a field's edge or a river bank, not a track.
///
/// ```
/// use goldsweep_detect::morphology::strips_fit;
/// assert!(strips_fit(10.0, 45.0));
/// assert!(!strips_fit(30.0, 45.0));
/// ```
pub fn strips_fit(side_m: f64, track_max_width_m: f64) -> bool {
    (STRIP_SQUARE - 1) as f64 * side_m <= track_max_width_m
}

/// Marks the land-change pixels of focus zones (`focus`, window-shaped) that lie outside every
/// [`STRIP_SQUARE`] × [`STRIP_SQUARE`] square of land change as [`group::STRIP`] — the
/// complement of a morphological opening one scale above [`split_thin`]'s —, except the pieces
/// of such pixels of at most [`STRIP_STUB_MAX_PIXELS`] pixels, none on the window's edge, which
/// stay with the land change around them.
///
/// A 5 m track that a 20 m band (or a 20 m product resampled to 10 m) spreads over three or
/// four pixels holds 3 × 3 squares of change, so [`split_thin`] leaves it joined to the
/// clearing or yard it leads to, and the whole is judged one object — a track, or a clearing
/// with a tail. Set apart here, the track and the clearing are labelled, judged and reported
/// each as itself. A strip is judged as any land change is (`group::STRIP` is only labelled
/// apart from [`group::LAND`]), so a narrow object that stands alone keeps its class.
/// Heaps ([`group::BRIGHT`]), new water and hidden pixels inside land change fill its squares
/// (another kind of change, or what hides the rest, not a gap) but are never strips, nor are
/// [`group::THIN`] pixels: run it after [`split_bright`].
///
/// ```
/// use goldsweep_detect::evidence::group::{LAND, NONE, STRIP};
/// use goldsweep_detect::morphology::{split_strips, CleanScratch};
/// use ndarray::Array2;
/// // A 6 × 6 clearing with a 3-pixel-wide track leaving it to the right.
/// let mut g = Array2::from_shape_fn((10, 24), |(r, c)| match (r, c) {
///     (2..=7, 1..=6) | (4..=6, 7..=22) => LAND,
///     _ => NONE,
/// });
/// let focus = Array2::from_elem((10, 24), true);
/// split_strips(&mut CleanScratch::default(), g.view_mut(), focus.view());
/// assert_eq!(g[[4, 3]], LAND);
/// assert!((7..=22).all(|c| g[[5, c]] == STRIP));
/// ```
pub fn split_strips(
    scratch: &mut CleanScratch,
    mut g: ArrayViewMut2<'_, u8>,
    focus: ArrayView2<'_, bool>,
) {
    let (rows, cols) = g.dim();
    if focus.dim() != (rows, cols)
        || rows < STRIP_SQUARE
        || cols < STRIP_SQUARE
        || !g
            .iter()
            .zip(focus.iter())
            .any(|(&v, &f)| f && v == group::LAND)
    {
        return;
    }
    let reach = STRIP_SQUARE / 2;
    let CleanScratch {
        eroded,
        core: wide,
        visited,
        rim: piece,
        stack: todo,
        taken: strips,
        ..
    } = scratch;
    // Centres of the squares: invalid pixels count as land, as in `split_thin`, and so do the
    // heap and the pond inside a clearing — change of another kind, not a gap in it, lest the
    // ring of clearing around them read as a strip.
    let fills = |v: u8| {
        matches!(
            v,
            group::LAND | group::INVALID | group::BRIGHT | group::WATER
        )
    };
    square_centres(&g, reach, fills, eroded);
    // The squares themselves: land within `reach` of a centre.
    wide.clear();
    wide.extend((0..rows * cols).map(|i| {
        let (r, c) = (i / cols, i % cols);
        g[[r, c]] == group::LAND && in_square(eroded, (rows, cols), reach, r, c)
    }));
    let outside = |wide: &[bool], i: usize| {
        let (r, c) = (i / cols, i % cols);
        !wide[i] && g[[r, c]] == group::LAND && focus[[r, c]]
    };
    visited.clear();
    visited.resize(rows * cols, false);
    strips.clear();
    for start in 0..rows * cols {
        if visited[start] || !outside(wide, start) {
            continue;
        }
        collect_piece(start, (rows, cols), visited, piece, todo, |j| {
            outside(wide, j)
        });
        let stub =
            piece.len() <= STRIP_STUB_MAX_PIXELS && !piece.iter().any(|&i| on_edge(i, rows, cols));
        if !stub {
            strips.extend_from_slice(piece);
        }
    }
    for &i in strips.iter() {
        g[[i / cols, i % cols]] = group::STRIP;
    }
}

/// The 8-neighbours of pixel `i` (row-major) that lie inside a `rows` × `cols` window.
fn neighbours(i: usize, rows: usize, cols: usize) -> impl Iterator<Item = usize> {
    let (r, c) = ((i / cols) as isize, (i % cols) as isize);
    NEIGHBOURS.iter().filter_map(move |&(dr, dc)| {
        let (rr, cc) = (r + dr, c + dc);
        (rr >= 0 && cc >= 0 && (rr as usize) < rows && (cc as usize) < cols)
            .then(|| rr as usize * cols + cc as usize)
    })
}

/// Whether pixel `i` (row-major) lies on the edge of a `rows` × `cols` window.
fn on_edge(i: usize, rows: usize, cols: usize) -> bool {
    let (r, c) = (i / cols, i % cols);
    r == 0 || c == 0 || r + 1 == rows || c + 1 == cols
}

/// Collects into `piece` the 8-connected piece of pixels that `member` accepts, from `start`
/// (which it must accept), marking each in `visited`; `stack` is working memory.
fn collect_piece(
    start: usize,
    (rows, cols): (usize, usize),
    visited: &mut [bool],
    piece: &mut Vec<usize>,
    stack: &mut Vec<usize>,
    member: impl Fn(usize) -> bool,
) {
    piece.clear();
    stack.clear();
    stack.push(start);
    visited[start] = true;
    while let Some(i) = stack.pop() {
        piece.push(i);
        for j in neighbours(i, rows, cols) {
            if !visited[j] && member(j) {
                visited[j] = true;
                stack.push(j);
            }
        }
    }
}

/// Sums of the codes of the 8 neighbours of each pixel of window row `r`, from a buffer of
/// codes padded with one zero row and column on every side (`w` columns wide).
fn neighbour_sums(codes: &[u8], w: usize, r: usize, columns: &mut [u8], out: &mut [u8]) {
    let up = &codes[r * w..(r + 1) * w];
    let at = &codes[(r + 1) * w..(r + 2) * w];
    let down = &codes[(r + 2) * w..(r + 3) * w];
    for (((s, &u), &a), &d) in columns.iter_mut().zip(up).zip(at).zip(down) {
        *s = u + a + d;
    }
    let cols = out.len();
    let (left, centre, right) = (&columns[..cols], &columns[1..cols + 1], &columns[2..]);
    let own = &at[1..cols + 1];
    for ((((o, &l), &c), &r), &own) in out.iter_mut().zip(left).zip(centre).zip(right).zip(own) {
        *o = l + c + r - own;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Array2};

    #[test]
    fn a_heap_on_a_clearing_is_split_from_it_with_its_rim_and_holes() {
        use crate::evidence::tone::{BRIGHT as B, CLEARED as C, MIXED as M, NONE as N};
        // A cleared patch (columns 1–9) with a heap in its right half: a bright core with a
        // darker hole, a rim of mixed pixels, a mixed pixel out in the clearing, and a cleared
        // pixel at the heap's corner cut off from the clearing by the rim.
        let tones = array![
            [N, N, N, N, N, N, N, N, N, N, N],
            [N, C, C, C, M, M, M, M, M, C, N],
            [N, C, M, C, C, M, B, B, B, M, N],
            [N, C, C, C, C, M, B, M, B, M, N],
            [N, C, C, C, C, M, B, B, B, M, N],
            [N, C, C, C, C, C, M, M, M, M, N],
            [N, N, N, N, N, N, N, N, N, N, N],
        ];
        let mut g = tones.mapv(|t| if t == N { group::NONE } else { group::LAND });
        split_bright(
            &mut CleanScratch::default(),
            g.view_mut(),
            tones.as_slice().unwrap(),
        );
        let bright = g.mapv(|v| u8::from(v == group::BRIGHT));
        assert_eq!(
            bright,
            array![
                [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0],
                [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0],
                [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0],
                [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0],
                [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0],
                [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            ]
        );
        // The clearing and its lone mixed pixel stay land.
        assert_eq!(g[[2, 2]], group::LAND);
        assert_eq!(g[[5, 1]], group::LAND);
        // Without a bright core nothing moves.
        let tones = tones.mapv(|t| if t == B { M } else { t });
        let mut h = tones.mapv(|t| if t == N { group::NONE } else { group::LAND });
        let before = h.clone();
        split_bright(
            &mut CleanScratch::default(),
            h.view_mut(),
            tones.as_slice().unwrap(),
        );
        assert_eq!(h, before);
    }

    #[test]
    fn a_heap_takes_in_the_small_rims_beside_it_but_not_a_clearing() {
        use crate::evidence::tone::{BRIGHT as B, CLEARED as C, NONE as N};
        // A 3 × 3 heap core (rows 3–5, columns 4–6) in a 10 × 14 window. Beside it: a rim of
        // two cleared pixels above (row 2), a clearing of 3 × 5 = 15 pixels to its right
        // (columns 7–11), and a rim below that runs out of the focus zones (row 6, columns
        // 3–5; column 3 has no tone). The core never grows into cleared pixels.
        let mut tones = Array2::from_elem((10, 14), N);
        for r in 3..=5 {
            for c in 4..=6 {
                tones[[r, c]] = B;
            }
            for c in 7..=11 {
                tones[[r, c]] = C;
            }
        }
        for c in 4..=5 {
            tones[[2, c]] = C;
        }
        let mut g = tones.mapv(|t| if t == N { group::NONE } else { group::LAND });
        for c in 3..=5 {
            g[[6, c]] = group::LAND;
            tones[[6, c]] = if c == 3 { N } else { C };
        }
        split_bright(
            &mut CleanScratch::default(),
            g.view_mut(),
            tones.as_slice().unwrap(),
        );
        assert!(
            (4..=5).all(|c| g[[2, c]] == group::BRIGHT),
            "the rim above joins"
        );
        assert!((7..=11).all(|c| (3..=5).all(|r| g[[r, c]] == group::LAND)));
        assert!(
            (3..=5).all(|c| g[[6, c]] == group::LAND),
            "partly outside the focus"
        );
        // A stub of four cleared pixels running down from the core, three of them more than
        // a pixel from it: a track leaving the heap, not its rim.
        let mut stub_tones = Array2::from_elem((12, 12), N);
        for r in 3..=5 {
            for c in 4..=6 {
                stub_tones[[r, c]] = B;
            }
        }
        for r in 6..=9 {
            stub_tones[[r, 5]] = C;
        }
        let mut h = stub_tones.mapv(|t| if t == N { group::NONE } else { group::LAND });
        split_bright(
            &mut CleanScratch::default(),
            h.view_mut(),
            stub_tones.as_slice().unwrap(),
        );
        assert!((6..=9).all(|r| h[[r, 5]] == group::LAND), "the stub stays");
        // The same rim on the window's edge may be part of something larger: it stays.
        let mut tones = tones.slice(ndarray::s![2.., ..]).to_owned();
        let mut g = tones.mapv(|t| if t == N { group::NONE } else { group::LAND });
        tones[[4, 3]] = C;
        g[[4, 3]] = group::LAND;
        split_bright(
            &mut CleanScratch::default(),
            g.view_mut(),
            tones.as_slice().unwrap(),
        );
        assert!((4..=5).all(|c| g[[0, c]] == group::LAND));
        assert!(
            (3..=5).all(|c| g[[4, c]] == group::BRIGHT),
            "now all in focus"
        );
    }

    #[test]
    fn thin_strips_split_only_in_focus_and_not_because_of_a_mask() {
        // A 4 × 4 block with a one-pixel track to the right, and a second block whose lower
        // half a cloud hides, leaving a two-pixel-high strip of it.
        let blocks = |r: usize, c: usize| match (r, c) {
            (1..=4, 1..=4) | (2, 5..=11) | (7..=8, 1..=6) => group::LAND,
            (9..=10, 1..=6) => group::INVALID,
            _ => group::NONE,
        };
        let mut g = Array2::from_shape_fn((12, 12), |(r, c)| blocks(r, c));
        split_thin(&mut CleanScratch::default(), g.view_mut(), None);
        assert!((5..12).all(|c| g[[2, c]] == group::THIN));
        assert!((7..=8).all(|r| (1..=6).all(|c| g[[r, c]] == group::LAND)));
        // Outside the focus zones nothing is split.
        let mut g = Array2::from_shape_fn((12, 12), |(r, c)| blocks(r, c));
        let focus = Array2::from_shape_fn((12, 12), |(_, c)| c < 8);
        split_thin(
            &mut CleanScratch::default(),
            g.view_mut(),
            Some(focus.view()),
        );
        assert!((5..8).all(|c| g[[2, c]] == group::THIN));
        assert!((8..12).all(|c| g[[2, c]] == group::LAND));
    }

    /// Runs `split_strips` over `shape` (true = land change), all in focus unless `focus` says.
    fn strips_of(
        rows: usize,
        cols: usize,
        shape: impl Fn(usize, usize) -> bool,
        focus: impl Fn(usize, usize) -> bool,
    ) -> Array2<u8> {
        let mut g = Array2::from_shape_fn((rows, cols), |(r, c)| {
            if shape(r, c) {
                group::LAND
            } else {
                group::NONE
            }
        });
        let focus = Array2::from_shape_fn((rows, cols), |(r, c)| focus(r, c));
        split_strips(&mut CleanScratch::default(), g.view_mut(), focus.view());
        g
    }

    #[test]
    fn a_track_a_few_pixels_wide_is_split_from_the_clearing_it_leaves() {
        // An 8 × 8 clearing with a bulge on its left side (3 pixels) and a 4-pixel-wide,
        // 20-pixel-long track leaving its right side.
        let shape = |r: usize, c: usize| {
            (2..10).contains(&r) && (3..11).contains(&c)
                || (5..8).contains(&r) && c == 2
                || (4..8).contains(&r) && (11..31).contains(&c)
        };
        let g = strips_of(14, 34, shape, |_, _| true);
        assert!((11..31).all(|c| (4..8).all(|r| g[[r, c]] == group::STRIP)));
        // The clearing, its bulge included, stays land: one object, the track another.
        assert!((2..10).all(|r| (3..11).all(|c| g[[r, c]] == group::LAND)));
        assert!((5..8).all(|r| g[[r, 2]] == group::LAND));
        let f = crate::label::label_fragments(g.view(), (0, 0), |_, _| Default::default());
        assert_eq!(f.stats.len(), 2);
        // Outside the focus zones nothing is split.
        let g = strips_of(14, 34, shape, |_, c| c < 20);
        assert!((11..20).all(|c| g[[5, c]] == group::STRIP));
        assert!((20..31).all(|c| g[[5, c]] == group::LAND));
    }

    #[test]
    fn a_short_stub_stays_and_a_narrow_object_alone_is_one_strip() {
        // A 3 × 4 stub on an 8 × 8 clearing: 12 pixels, part of the clearing.
        let stub = |r: usize, c: usize| {
            (2..10).contains(&r) && (3..11).contains(&c)
                || (4..7).contains(&r) && (11..15).contains(&c)
        };
        let g = strips_of(14, 20, stub, |_, _| true);
        assert!(g.iter().all(|&v| v != group::STRIP));
        // One pixel longer, it is a strip.
        let longer = |r: usize, c: usize| {
            (2..10).contains(&r) && (3..11).contains(&c)
                || (4..7).contains(&r) && (11..16).contains(&c)
        };
        let g = strips_of(14, 20, longer, |_, _| true);
        assert!((11..16).all(|c| g[[5, c]] == group::STRIP));
        // 13 pixels (the 12-pixel stub and one more) are a strip too.
        let thirteen = |r: usize, c: usize| stub(r, c) || (r, c) == (5, 15);
        let g = strips_of(14, 20, thirteen, |_, _| true);
        assert!((11..16).all(|c| g[[5, c]] == group::STRIP));
        // A stub cut by the window's edge may be longer than it looks: it is a strip.
        let at_edge = |r: usize, c: usize| {
            (2..10).contains(&r) && (3..11).contains(&c) || (4..7).contains(&r) && c >= 11
        };
        let g = strips_of(14, 13, at_edge, |_, _| true);
        assert!((11..13).all(|c| g[[5, c]] == group::STRIP));
        // A 4-pixel-wide object with no wide part is all strip: still one object.
        let g = strips_of(
            10,
            40,
            |r, c| (3..7).contains(&r) && (2..38).contains(&c),
            |_, _| true,
        );
        assert!(g.iter().all(|&v| v == group::NONE || v == group::STRIP));
        let f = crate::label::label_fragments(g.view(), (0, 0), |_, _| Default::default());
        assert_eq!(f.stats.len(), 1);
    }

    #[test]
    fn a_heap_a_pond_or_a_cloud_inside_a_clearing_leaves_its_ring_whole() {
        // A 20 × 20 clearing with a 4 × 8 patch inside, 3 pixels in from its edge on the left:
        // the 3 × 8 pixels beside it are in no 5 × 5 square of clearing alone.
        for inner in [group::BRIGHT, group::WATER, group::INVALID] {
            let mut g = Array2::from_shape_fn((24, 24), |(r, c)| {
                if (2..22).contains(&r) && (2..22).contains(&c) {
                    group::LAND
                } else {
                    group::NONE
                }
            });
            g.slice_mut(ndarray::s![6..14, 5..9]).fill(inner);
            let focus = Array2::from_elem((24, 24), true);
            split_strips(&mut CleanScratch::default(), g.view_mut(), focus.view());
            assert!(g.iter().all(|&v| v != group::STRIP), "{inner}");
        }
    }

    #[test]
    fn strips_in_a_tile_are_those_of_the_whole_scene() {
        // Clearings, tracks three and four pixels wide, stubs and specks, spread by a fixed
        // sequence; every crop with a margin of the split's reach agrees with the whole (a
        // margin 6 pixels short of it fails here).
        let (rows, cols) = (90, 120);
        let mut g = Array2::from_elem((rows, cols), group::NONE);
        let mut x: u64 = 12345;
        let mut next = |n: usize| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) as usize % n
        };
        for _ in 0..120 {
            let (r, c) = (next(rows), next(cols));
            let (h, w) = match next(6) {
                0 => (6 + next(8), 6 + next(8)),
                1 => (3 + next(2), 8 + next(30)),
                2 => (8 + next(30), 3 + next(2)),
                // Lines of about the stub limit: the pieces that reach farthest.
                3 => (1, 9 + next(6)),
                4 => (9 + next(6), 1),
                _ => (1 + next(3), 1 + next(5)),
            };
            let code = if next(10) == 0 {
                group::BRIGHT
            } else {
                group::LAND
            };
            g.slice_mut(ndarray::s![r..(r + h).min(rows), c..(c + w).min(cols)])
                .fill(code);
        }
        let focus = Array2::from_shape_fn((rows, cols), |(r, c)| (r * 7 + c * 3) % 29 != 0);
        let mut whole = g.clone();
        split_strips(&mut CleanScratch::default(), whole.view_mut(), focus.view());
        assert!(
            whole.iter().any(|&v| v == group::STRIP),
            "the scene has strips"
        );
        let margin = 2 * (STRIP_SQUARE / 2) + STRIP_STUB_MAX_PIXELS;
        let crops = (0..rows - 40)
            .step_by(5)
            .flat_map(|r0| (0..cols - 45).step_by(5).map(move |c0| (r0, c0, 40, 45)));
        for (r0, c0, h, w) in crops {
            let window = ndarray::s![r0..r0 + h, c0..c0 + w];
            let mut crop = g.slice(window).to_owned();
            let crop_focus = focus.slice(window).to_owned();
            split_strips(
                &mut CleanScratch::default(),
                crop.view_mut(),
                crop_focus.view(),
            );
            // The crop's core: `margin` in from every side the scene does not end at.
            let lo = |o: usize| if o == 0 { 0 } else { margin };
            let hi = |o: usize, n: usize, total: usize| if o + n == total { n } else { n - margin };
            for r in lo(r0)..hi(r0, h, rows) {
                for c in lo(c0)..hi(c0, w, cols) {
                    assert_eq!(
                        crop[[r, c]],
                        whole[[r0 + r, c0 + c]],
                        "({}, {})",
                        r0 + r,
                        c0 + c
                    );
                }
            }
        }
    }

    #[test]
    fn keeps_one_pixel_lines_and_fills_holes() {
        let mut g = array![
            [1u8, 0, 0, 0, 0],
            [0, 1, 0, 1, 1],
            [0, 0, 1, 1, 0],
            [0, 0, 1, 1, 1],
            [255, 0, 0, 0, 0]
        ];
        let before = g.clone();
        let mut scratch = CleanScratch::default();
        clean_groups(&mut scratch, g.view_mut());
        // The diagonal line survives.
        assert_eq!(g[[0, 0]], 1);
        assert_eq!(g[[1, 1]], 1);
        // Invalid stays invalid.
        assert_eq!(g[[4, 0]], 255);
        assert_eq!(
            g.iter().filter(|&&v| v == 1).count(),
            before.iter().filter(|&&v| v == 1).count()
        );
        let mut hole = Array2::from_elem((3, 3), group::LAND);
        hole[[1, 1]] = group::NONE;
        clean_groups(&mut scratch, hole.view_mut());
        assert_eq!(hole[[1, 1]], group::LAND);
    }

    #[test]
    fn strided_views_are_cleaned_like_contiguous_arrays() {
        // An isolated pixel, a block of land with a hole, water beside it, an invalid pixel.
        let g = Array2::from_shape_fn((7, 9), |(r, c)| match (r, c) {
            (1, 1) | (3..=5, 4..=6) if (r, c) != (4, 5) => group::LAND,
            (3..=5, 7) => group::WATER,
            (6, 8) => group::INVALID,
            _ => group::NONE,
        });
        let mut scratch = CleanScratch::default();
        let mut transposed = g.t().as_standard_layout().into_owned();
        clean_groups(&mut scratch, transposed.view_mut());
        let mut strided = g.clone();
        clean_groups(&mut scratch, strided.view_mut().reversed_axes());
        assert_eq!(strided, transposed.t());
        assert_eq!(strided[[1, 1]], group::NONE);
        assert_eq!(strided[[4, 5]], group::LAND);
    }
}
