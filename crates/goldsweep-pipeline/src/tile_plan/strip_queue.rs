//! Hands the tile rows of a strip layout out to workers.
//!
//! Each worker owns one run of rows of one strip at a time and takes its rows top to bottom,
//! so it walks down the strip with its blocks cached. Runs are dealt in strip order; at the
//! start, runs are halved until every worker has one (one strip and two workers: each takes
//! half of it). A worker left without work takes the lower half of the largest run another
//! worker still has, which costs one cold start (the block rows around the cut are decoded
//! twice) instead of leaving a core idle.

use std::collections::VecDeque;
use std::ops::Range;
use std::sync::Mutex;

/// Tile rows `rows` of strip `strip`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Run {
    strip: usize,
    rows: Range<usize>,
}

/// A work queue over `strips × tiles_down` tile rows (see the module docs). Every tile row is
/// handed out exactly once, whatever the number of workers and however they interleave.
#[derive(Debug)]
pub struct StripQueue {
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// Runs nobody has taken yet, in strip order.
    pending: VecDeque<Run>,
    /// Per worker, the rest of the run it is walking (rows not yet handed out).
    active: Vec<Option<Run>>,
}

impl StripQueue {
    /// A queue for `workers` workers over `strips` strips of `tiles_down` tile rows each.
    pub fn new(strips: usize, tiles_down: usize, workers: usize) -> StripQueue {
        let mut pending: VecDeque<Run> = (0..strips)
            .filter(|_| tiles_down > 0)
            .map(|strip| Run {
                strip,
                rows: 0..tiles_down,
            })
            .collect();
        while pending.len() < workers {
            let Some((i, _)) = pending
                .iter()
                .enumerate()
                .filter(|(_, r)| r.rows.len() >= 2)
                .max_by_key(|(i, r)| (r.rows.len(), std::cmp::Reverse(*i)))
            else {
                break;
            };
            let Some(lower) = split(&mut pending[i]) else {
                break;
            };
            pending.insert(i + 1, lower);
        }
        StripQueue {
            state: Mutex::new(State {
                pending,
                active: vec![None; workers],
            }),
        }
    }

    /// The next `(strip, tile_row)` for worker `worker` (`0 ≤ worker < workers`), or `None`
    /// when every tile row has been handed out.
    pub fn next(&self, worker: usize) -> Option<(usize, usize)> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let State { pending, active } = &mut *state;
        if worker >= active.len() {
            return None;
        }
        let has_rows = |r: &Option<Run>| r.as_ref().is_some_and(|r| !r.rows.is_empty());
        if !has_rows(&active[worker]) {
            active[worker] = match pending.pop_front() {
                Some(run) => Some(run),
                None => steal(active, worker),
            };
        }
        let run = active[worker].as_mut()?;
        let row = run.rows.next()?;
        Some((run.strip, row))
    }
}

/// Splits `run` in two: it keeps its upper half (at least one row) and the lower half is
/// returned; `None` when it has fewer than two rows.
fn split(run: &mut Run) -> Option<Run> {
    let n = run.rows.len();
    if n < 2 {
        return None;
    }
    let mid = run.rows.end - n / 2;
    let lower = Run {
        strip: run.strip,
        rows: mid..run.rows.end,
    };
    run.rows.end = mid;
    Some(lower)
}

/// The lower half of the largest run another worker still has (the first such worker on a
/// tie), if any has two rows or more left.
fn steal(active: &mut [Option<Run>], thief: usize) -> Option<Run> {
    let victim = active
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != thief)
        .filter_map(|(i, r)| r.as_ref().map(|r| (i, r.rows.len())))
        .filter(|&(_, n)| n >= 2)
        .max_by_key(|&(i, n)| (n, std::cmp::Reverse(i)))
        .map(|(i, _)| i)?;
    active[victim].as_mut().and_then(split)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// Drains the queue with `workers` workers taking turns in the order `turns` gives,
    /// returning what each worker got.
    fn drain(
        queue: &StripQueue,
        workers: usize,
        turns: impl Fn(usize) -> usize,
    ) -> Vec<Vec<(usize, usize)>> {
        let mut got = vec![Vec::new(); workers];
        let mut done = vec![false; workers];
        let mut step = 0;
        while done.iter().any(|d| !d) {
            let w = turns(step) % workers;
            step += 1;
            if done[w] {
                continue;
            }
            match queue.next(w) {
                Some(t) => got[w].push(t),
                None => done[w] = true,
            }
        }
        got
    }

    #[test]
    fn every_tile_row_is_handed_out_once() {
        for (strips, down, workers) in [
            (2, 22, 2),
            (1, 11, 2),
            (3, 5, 4),
            (1, 1, 3),
            (5, 7, 1),
            (0, 4, 2),
            (2, 0, 2),
        ] {
            for skew in [1, 2, 3, 7] {
                let queue = StripQueue::new(strips, down, workers);
                // Worker 0 takes `skew` turns for every turn of each other worker.
                let period = skew + workers - 1;
                let got = drain(&queue, workers, |s| {
                    let k = s % period;
                    if k < skew {
                        0
                    } else {
                        k - skew + 1
                    }
                });
                let all: Vec<(usize, usize)> = got.iter().flatten().copied().collect();
                let unique: HashSet<_> = all.iter().copied().collect();
                assert_eq!(all.len(), strips * down, "{strips} {down} {workers} {skew}");
                assert_eq!(unique.len(), all.len());
            }
        }
    }

    #[test]
    fn workers_walk_down_their_strip_and_split_a_lone_strip() {
        let queue = StripQueue::new(2, 4, 2);
        assert_eq!(queue.next(0), Some((0, 0)));
        assert_eq!(queue.next(1), Some((1, 0)));
        assert_eq!(queue.next(0), Some((0, 1)));
        assert_eq!(queue.next(0), Some((0, 2)));
        assert_eq!(queue.next(0), Some((0, 3)));
        // Worker 0 is done with strip 0 and takes the lower half of what worker 1 has left
        // (rows 1 to 3: worker 1 keeps 1 and 2).
        assert_eq!(queue.next(0), Some((1, 3)));
        assert_eq!(queue.next(1), Some((1, 1)));
        assert_eq!(queue.next(1), Some((1, 2)));
        assert_eq!(queue.next(1), None);
        assert_eq!(queue.next(0), None);

        let queue = StripQueue::new(1, 11, 2);
        assert_eq!(queue.next(0), Some((0, 0)));
        assert_eq!(queue.next(1), Some((0, 6)));
    }
}
