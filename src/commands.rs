//! One function per subcommand.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};
use goldsweep_eval::{LabelConvention, PixelTruth};
use goldsweep_pipeline::{sweep_staged, Candidate, ExtraDate, SweepReport, SweepSettings};

use crate::args::{
    Command, ConventionArg, DemoArgs, EvalArgs, InspectArgs, SweepArgs, SweepOptions, SynthArgs,
};
use crate::settings::{field_map, ledger_options, read_options, sweep_settings};
use crate::BadInput;

/// `println!` that ignores a closed pipe (`goldsweep demo | head`): the outputs on disk are
/// what matters, and a reader going away is not an error.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

pub fn run(cmd: Command) -> Result<()> {
    match cmd {
        Command::Sweep(a) => run_sweep(a),
        Command::Demo(a) => run_demo(a),
        Command::Synth(a) => run_synth(a),
        Command::Plant(a) => crate::plant::run_plant(a),
        Command::Eval(a) => run_eval(a),
        Command::Inspect(a) => run_inspect(a),
    }
}

fn run_sweep(a: SweepArgs) -> Result<()> {
    let (after, intermediate) = a.after.split_last().ok_or_else(|| {
        anyhow!(BadInput(
            "--after: at least one scene is needed".to_string()
        ))
    })?;
    let mut settings = sweep_settings(&a.before, after, a.catalogue.clone(), &a.out, &a.options)?;
    let masks: Vec<Option<PathBuf>> = match a.options.mask_after.len() {
        0 | 1 => vec![None; intermediate.len()],
        n if n == a.after.len() => a.options.mask_after[..n - 1]
            .iter()
            .cloned()
            .map(Some)
            .collect(),
        n => {
            return Err(anyhow!(BadInput(format!(
                "--mask-after: given {n} times for {} --after dates; give it once (for the last \
                 date) or once per --after, in the same order",
                a.after.len()
            ))))
        }
    };
    settings.intermediate = intermediate
        .iter()
        .zip(masks)
        .map(|(scene, mask)| ExtraDate {
            scene: scene.clone(),
            mask,
        })
        .collect();
    settings.history = a.history.iter().cloned().map(ExtraDate::unmasked).collect();
    settings.progress = crate::progress::hook(a.options.progress);
    let report = sweep_with_ledger(&settings, &a.options)?;
    print_summary(&report, &a.out);
    print_table(&report.candidates, 10);
    Ok(())
}

/// The demo scene: `--data`, else `data/demo` under the current folder, else the copy in the
/// source tree the binary was built from.
fn demo_dir(explicit: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(d) = explicit {
        return Ok(d);
    }
    let candidates = [
        PathBuf::from("data/demo"),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/demo"),
    ];
    candidates
        .iter()
        .find(|d| d.join("before.tif").is_file())
        .cloned()
        .ok_or_else(|| {
            anyhow!(BadInput(
                "data/demo: demo scene not found (run from the repository root, or pass --data DIR)"
                    .to_string()
            ))
        })
}

fn run_demo(a: DemoArgs) -> Result<()> {
    let dir = demo_dir(a.data)?;
    let mut options = a.options.clone();
    if options.mask_after.is_empty() && dir.join("after_mask.tif").is_file() {
        options.mask_after = vec![dir.join("after_mask.tif")];
    }
    let mut settings = sweep_settings(
        &dir.join("before.tif"),
        &dir.join("after.tif"),
        Some(dir.join("catalogue.geojson")),
        &a.out,
        &options,
    )?;
    settings.progress = crate::progress::hook(options.progress);
    outln!("goldsweep demo: {} → {}", dir.display(), a.out.display());
    let report = sweep_with_ledger(&settings, &options)?;
    print_summary(&report, &a.out);
    print_table(&report.candidates, a.top);
    if dir.join("truth.geojson").is_file() {
        let scores = goldsweep_eval::object_scores(&a.out, &dir.join("truth.geojson"))?;
        outln!(
            "\nagainst the planted truth: recall {:.2} ({} of {} mining objects), class accuracy {:.2}, precision@{} {:.2}",
            scores.recall, scores.found_mining, scores.truth_mining, scores.class_accuracy, scores.k, scores.precision_at_k
        );
    }
    Ok(())
}

/// The sweep plus the field outputs (sites, ledger, KML, GeoPackage, chips), all committed
/// together or not at all.
fn sweep_with_ledger(settings: &SweepSettings, o: &SweepOptions) -> Result<SweepReport> {
    let ledger = ledger_options(o)?;
    let (mut report, mut staging) = sweep_staged(settings)?;
    let field = goldsweep_ledger::write_field_outputs(&report, &mut staging, &ledger)?;
    report.outputs = staging.commit()?;
    outln!(
        "{} field sites ({} must be checked in the field), {} ledger rows, {} chips",
        field.sites,
        field.mandatory,
        field.ledger_rows,
        field.chips
    );
    if !field.unknown_verdict_ids.is_empty() {
        outln!(
            "verdicts for ids not in this run or the previous one: {}",
            field.unknown_verdict_ids.join(", ")
        );
    }
    Ok(report)
}

fn run_inspect(a: InspectArgs) -> Result<()> {
    let fields = field_map(&a.options)?;
    let options = read_options(&a.options)?;
    let report = goldsweep_catalogue::inspect(&a.catalogue, &fields, &options)?;
    if a.json {
        outln!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        outln!("{report}");
    }
    Ok(())
}

fn run_synth(a: SynthArgs) -> Result<()> {
    if a.size < 128 {
        return Err(anyhow!(BadInput(format!(
            "--size {}: a synthetic scene needs at least 128 pixels per side",
            a.size
        ))));
    }
    let summary = goldsweep_synth::generate(
        &a.out,
        &goldsweep_synth::SynthOptions {
            seed: a.seed,
            size: a.size,
            centre: a.at,
        },
    )?;
    outln!(
        "wrote a {0}×{0} scene pair to {1}: {2} planted mining objects, {3} confusers, EPSG:{4}",
        a.size,
        a.out.display(),
        summary.planted,
        summary.confusers,
        summary.epsg
    );
    for f in &summary.files {
        outln!("  {}", f.display());
    }
    Ok(())
}

fn run_eval(a: EvalArgs) -> Result<()> {
    let change = a.run.join("change.tif");
    let mut out = serde_json::Map::new();
    let pixel_truth = match (&a.labels, &a.changed, &a.unchanged) {
        (Some(path), None, None) => Some(PixelTruth::Raster {
            path: path.clone(),
            convention: match a.convention {
                ConventionArg::Oscd => LabelConvention::Oscd,
                ConventionArg::Binary => LabelConvention::Binary,
            },
        }),
        (None, Some(c), Some(u)) => Some(PixelTruth::Sampled {
            changed: c.clone(),
            unchanged: u.clone(),
        }),
        (None, None, None) => None,
        _ => {
            return Err(anyhow!(BadInput(
                "eval: give either --labels or --changed with --unchanged, not both".to_string()
            )))
        }
    };
    if pixel_truth.is_none() && a.truth.is_none() {
        return Err(anyhow!(BadInput(
            "eval: nothing to score against: give --truth, --labels, or --changed/--unchanged"
                .to_string()
        )));
    }
    if let Some(t) = &pixel_truth {
        let s = goldsweep_eval::pixel_scores(&change, t)?;
        if !a.json {
            outln!(
                "pixels: {} labelled ({} masked, excluded) | precision {:.3} recall {:.3} F1 {:.3} kappa {:.3} OA {:.3} | tp {} fp {} tn {} fn {}",
                s.labelled, s.excluded_masked, s.precision, s.recall, s.f1, s.kappa, s.overall_accuracy, s.tp, s.fp, s.tn, s.fn_
            );
        }
        out.insert(
            "pixel".into(),
            serde_json::to_value(&s).context("pixel scores")?,
        );
    }
    if let Some(truth) = &a.truth {
        let s = goldsweep_eval::object_scores(&a.run, truth)?;
        if !a.json {
            outln!(
                "objects: recall {:.3} ({}/{} mining), class accuracy {:.3}, precision {:.3} of {} candidates, precision@{} {:.3}, active below mining: {}, candidates under cloud: {}, confusers in top {}: {}",
                s.recall, s.found_mining, s.truth_mining, s.class_accuracy, s.precision, s.candidates, s.k, s.precision_at_k, s.active_below_mining, s.masked_candidates, s.k, s.confusers_in_top_k
            );
            let classes = goldsweep_eval::format_class_table(&s);
            if !classes.is_empty() {
                outln!("{}", classes.trim_end());
            }
        }
        out.insert(
            "object".into(),
            serde_json::to_value(&s).context("object scores")?,
        );
    }
    if a.json {
        outln!("{}", serde_json::to_string_pretty(&out)?);
    }
    Ok(())
}

fn print_summary(r: &SweepReport, out: &Path) {
    outln!(
        "{} candidates | change threshold {:.2} (Otsu {}) on {} sampled pixels | outputs in {}",
        r.candidates.len(),
        r.fit.magnitude_threshold,
        r.fit
            .otsu_threshold
            .map(|t| format!("{t:.2}"))
            .unwrap_or_else(|| "n/a".into()),
        r.fit.sampled_pixels,
        out.display()
    );
    let screen = &r.manifest["parameters"]["cloud_screen"];
    if screen["enabled"].as_bool() == Some(true) {
        outln!(
            "cloud screen on: {} sampled pixels screened as cloud",
            r.fit.cloud_screened_pixels
        );
    } else {
        outln!(
            "cloud screen {}",
            screen["reason"].as_str().unwrap_or("off")
        );
    }
}

fn print_table(cands: &[Candidate], top: usize) {
    if cands.is_empty() {
        return;
    }
    outln!(
        "\n{:>4}  {:<16} {:>5}  {:<15} {:>9} {:>6}  {:<19} {:<14} {:>7}  {:>11} {:>10}",
        "rank",
        "id",
        "score",
        "class",
        "area m²",
        "mu",
        "relation",
        "mine",
        "dist m",
        "lon",
        "lat"
    );
    for c in cands.iter().take(top) {
        outln!(
            "{:>4}  {:<16} {:>5.3}  {:<15} {:>9.0} {:>6.1}  {:<19} {:<14} {:>7}  {:>11.6} {:>10.6}",
            c.rank,
            c.id,
            c.score,
            c.class.name(),
            c.area_m2,
            c.area_mu(),
            c.relation.as_str(),
            c.mine_id.as_deref().unwrap_or("-"),
            c.distance_m
                .map(|d| format!("{d:.0}"))
                .unwrap_or_else(|| "-".into()),
            c.lon,
            c.lat
        );
    }
    if cands.len() > top {
        outln!("… {} more in candidates.geojson", cands.len() - top);
    }
}
