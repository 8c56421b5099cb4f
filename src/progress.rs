//! Progress of the detect pass (the long one) on stderr.
//!
//! - On a terminal: an `indicatif` bar — tiles done of all, percent of pixels, throughput in
//!   megapixels per second, time elapsed and the estimated time left (from the pixel rate, so
//!   narrow edge tiles do not skew it). Redrawn at most 10 times a second; cleared at the end.
//! - Not on a terminal (a log file, a batch scheduler): nothing by default; with
//!   `--progress always`, one plain line at each tenth of the pixels, so logs stay readable.
//!
//! The pipeline calls the hook from its worker threads; every receiver here is `Send + Sync`
//! and does at most an atomic add and a rate-limited redraw per tile.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use goldsweep_pipeline::{Progress, ProgressHook};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use crate::args::ProgressArg;

/// The hook for `--progress`, given whether stderr is a terminal.
pub fn hook(mode: ProgressArg) -> Option<ProgressHook> {
    let terminal = std::io::stderr().is_terminal();
    match (mode, terminal) {
        (ProgressArg::Never, _) | (ProgressArg::Auto, false) => None,
        (ProgressArg::Auto | ProgressArg::Always, true) => {
            Some(ProgressHook(Arc::new(TerminalBar::new())))
        }
        (ProgressArg::Always, false) => Some(ProgressHook(Arc::new(LogLines::new(Box::new(
            std::io::stderr(),
        ))))),
    }
}

/// Megapixels per second from the bar's rate (the bar counts pixels).
fn megapixels_per_second(state: &ProgressState, out: &mut dyn std::fmt::Write) {
    let _ = write!(out, "{:.1} Mpx/s", state.per_sec() / 1e6);
}

/// The terminal bar.
struct TerminalBar {
    bar: ProgressBar,
    tiles_total: AtomicUsize,
    tiles_done: AtomicUsize,
}

impl TerminalBar {
    fn new() -> TerminalBar {
        let style = ProgressStyle::with_template(
            "detect [{bar:30}] {percent:>3}% {msg} · {mpx} · {elapsed} elapsed, ETA {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .with_key("mpx", megapixels_per_second)
        .progress_chars("=> ");
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr_with_hz(10))
            .with_style(style);
        TerminalBar {
            bar,
            tiles_total: AtomicUsize::new(0),
            tiles_done: AtomicUsize::new(0),
        }
    }
}

impl Progress for TerminalBar {
    fn start(&self, tiles: usize, pixels: u64) {
        self.tiles_total.store(tiles, Ordering::Relaxed);
        self.tiles_done.store(0, Ordering::Relaxed);
        self.bar.set_length(pixels);
        self.bar.reset();
        self.bar.set_message(format!("0/{tiles} tiles"));
    }

    fn tile_done(&self, pixels: u64) {
        let done = self.tiles_done.fetch_add(1, Ordering::Relaxed) + 1;
        let total = self.tiles_total.load(Ordering::Relaxed);
        self.bar.set_message(format!("{done}/{total} tiles"));
        self.bar.inc(pixels);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Plain lines for logs: one per tenth of the pixels, and one at the end.
struct LogLines {
    out: Mutex<Box<dyn Write + Send>>,
    started: Mutex<Instant>,
    tiles_total: AtomicUsize,
    tiles_done: AtomicUsize,
    pixels_total: AtomicU64,
    pixels_done: AtomicU64,
}

impl LogLines {
    fn new(out: Box<dyn Write + Send>) -> LogLines {
        LogLines {
            out: Mutex::new(out),
            started: Mutex::new(Instant::now()),
            tiles_total: AtomicUsize::new(0),
            tiles_done: AtomicUsize::new(0),
            pixels_total: AtomicU64::new(0),
            pixels_done: AtomicU64::new(0),
        }
    }

    fn elapsed(&self) -> Duration {
        self.started
            .lock()
            .map(|t| t.elapsed())
            .unwrap_or(Duration::ZERO)
    }

    fn line(&self, text: &str) {
        if let Ok(mut out) = self.out.lock() {
            write_line(&mut **out, text);
        }
    }
}

/// Writes one log line to `out`; a closed stderr is no reason to stop the sweep.
fn write_line(out: &mut dyn Write, text: &str) {
    let _ = writeln!(out, "goldsweep: {text}");
}

/// `pixels / seconds` in Mpx/s, 0 before any time has passed.
fn rate_mpx(pixels: u64, elapsed: Duration) -> f64 {
    let s = elapsed.as_secs_f64();
    if s > 0.0 {
        pixels as f64 / s / 1e6
    } else {
        0.0
    }
}

impl Progress for LogLines {
    fn start(&self, tiles: usize, pixels: u64) {
        if let Ok(mut t) = self.started.lock() {
            *t = Instant::now();
        }
        self.tiles_total.store(tiles, Ordering::Relaxed);
        self.tiles_done.store(0, Ordering::Relaxed);
        self.pixels_total.store(pixels, Ordering::Relaxed);
        self.pixels_done.store(0, Ordering::Relaxed);
        self.line(&format!(
            "detect: {tiles} tiles, {:.1} Mpx",
            pixels as f64 / 1e6
        ));
    }

    fn tile_done(&self, pixels: u64) {
        // Counting and writing under one lock: the line of each tenth is written before any
        // later tile is counted, so the lines come in order whichever worker crosses a tenth.
        let Ok(mut out) = self.out.lock() else {
            return;
        };
        let before = self.pixels_done.fetch_add(pixels, Ordering::Relaxed);
        let done = before + pixels;
        let tiles = self.tiles_done.fetch_add(1, Ordering::Relaxed) + 1;
        let total = self.pixels_total.load(Ordering::Relaxed).max(1);
        // Report when this tile carried the count over a tenth (one line per tenth at most).
        let (tenth_before, tenth_now) = (before * 10 / total, done * 10 / total);
        if tenth_now > tenth_before && done < total {
            let elapsed = self.elapsed();
            let rate = rate_mpx(done, elapsed);
            let left = if rate > 0.0 {
                (total - done) as f64 / (rate * 1e6)
            } else {
                0.0
            };
            write_line(
                &mut **out,
                &format!(
                    "detect: {:>3}% ({tiles}/{} tiles, {rate:.1} Mpx/s, ETA {left:.0} s)",
                    done * 100 / total,
                    self.tiles_total.load(Ordering::Relaxed)
                ),
            );
        }
    }

    fn finish(&self) {
        let elapsed = self.elapsed();
        let done = self.pixels_done.load(Ordering::Relaxed);
        self.line(&format!(
            "detect: done, {}/{} tiles in {:.1} s ({:.1} Mpx/s)",
            self.tiles_done.load(Ordering::Relaxed),
            self.tiles_total.load(Ordering::Relaxed),
            elapsed.as_secs_f64(),
            rate_mpx(done, elapsed)
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer whose bytes the test can read back.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn log_lines_report_each_tenth_once_then_the_end() {
        let sink = Shared::default();
        let log = LogLines::new(Box::new(sink.clone()));
        log.start(100, 100 * 400);
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..25 {
                        log.tile_done(400);
                    }
                });
            }
        });
        log.finish();
        let text = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1 + 9 + 1, "{text}");
        assert!(lines[0].contains("100 tiles"), "{text}");
        assert!(lines[1].contains(" 10% (10/100 tiles"), "{text}");
        assert!(lines[10].contains("done, 100/100 tiles"), "{text}");
    }

    #[test]
    fn tiles_smaller_than_a_tenth_never_report_past_the_end() {
        let sink = Shared::default();
        let log = LogLines::new(Box::new(sink.clone()));
        log.start(3, 30);
        for p in [25, 4, 1] {
            log.tile_done(p);
        }
        let text = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        assert_eq!(text.lines().count(), 1 + 2, "{text}");
        assert!(!text.contains("100%"), "{text}");
    }

    #[test]
    fn terminal_bar_counts_tiles_and_pixels() {
        let bar = TerminalBar::new();
        bar.start(4, 1000);
        bar.tile_done(300);
        bar.tile_done(200);
        assert_eq!(bar.bar.position(), 500);
        assert_eq!(bar.bar.length(), Some(1000));
        assert_eq!(bar.bar.message(), "2/4 tiles");
        bar.finish();
        assert!(bar.bar.is_finished());
    }

    #[test]
    fn never_and_auto_off_a_terminal_give_no_hook() {
        assert!(hook(ProgressArg::Never).is_none());
        if !std::io::stderr().is_terminal() {
            assert!(hook(ProgressArg::Auto).is_none());
            assert!(hook(ProgressArg::Always).is_some());
        }
    }
}
