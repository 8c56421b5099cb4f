//! Plain-text tables of scores for terminal output.

use std::fmt::Write;

use crate::{ObjectScores, PixelScores};

/// Pixel scores as an aligned two-column table, confusion matrix first.
///
/// ```
/// use goldsweep_eval::{format_pixel_table, PixelScores};
/// let s = PixelScores { labelled: 10, tp: 3, fp: 1, tn: 4, fn_: 1, precision: 0.75, recall: 0.75,
///     f1: 0.75, kappa: 0.5, overall_accuracy: 0.778, excluded_masked: 1 };
/// let table = format_pixel_table(&s);
/// assert!(table.contains("kappa"));
/// assert!(table.contains("0.5000"));
/// ```
pub fn format_pixel_table(s: &PixelScores) -> String {
    let mut out = String::new();
    let counts = [
        ("labelled pixels", s.labelled),
        ("excluded (masked)", s.excluded_masked),
        ("true positive", s.tp),
        ("false positive", s.fp),
        ("true negative", s.tn),
        ("false negative", s.fn_),
    ];
    for (name, value) in counts {
        let _ = writeln!(out, "{name:<20} {value:>12}");
    }
    let ratios = [
        ("precision", s.precision),
        ("recall", s.recall),
        ("F1", s.f1),
        ("kappa", s.kappa),
        ("overall accuracy", s.overall_accuracy),
    ];
    for (name, value) in ratios {
        let _ = writeln!(out, "{name:<20} {value:>12.4}");
    }
    out
}

/// Object scores as an aligned table, followed by [`format_class_table`].
pub fn format_object_table(s: &ObjectScores) -> String {
    let mut out = String::new();
    let rows: [(&str, String); 10] = [
        ("mining truth objects", s.truth_mining.to_string()),
        ("found", s.found_mining.to_string()),
        ("recall", format!("{:.4}", s.recall)),
        ("class accuracy", format!("{:.4}", s.class_accuracy)),
        ("candidates", s.candidates.to_string()),
        ("precision", format!("{:.4}", s.precision)),
        (
            "precision at k",
            format!("{:.4} (k = {})", s.precision_at_k, s.k),
        ),
        ("confusers in top k", s.confusers_in_top_k.to_string()),
        (
            "active below mining",
            if s.active_below_mining { "yes" } else { "NO" }.to_string(),
        ),
        ("masked candidates", s.masked_candidates.to_string()),
    ];
    for (name, value) in rows {
        let _ = writeln!(out, "{name:<22} {value:>12}");
    }
    out.push_str(&format_class_table(s));
    out
}

/// One line per mining class: its truth objects, how many were found, recall, how many were
/// read as their own class, and which other classes the rest were read as (`-` for none).
/// Empty when the truth has no mining objects.
pub fn format_class_table(s: &ObjectScores) -> String {
    let mut out = String::new();
    if s.per_class.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "{:<22} {:>6} {:>6} {:>8} {:>14}  misread as",
        "class", "truth", "found", "recall", "class correct"
    );
    for (class, r) in &s.per_class {
        let mut misread: Vec<String> = r
            .read_as
            .iter()
            .filter(|(read, _)| *read != class)
            .map(|(read, n)| format!("{read} {n}"))
            .collect();
        if misread.is_empty() {
            misread.push("-".to_string());
        }
        let _ = writeln!(
            out,
            "{class:<22} {:>6} {:>6} {:>8.4} {:>14}  {}",
            r.truth,
            r.found,
            r.recall,
            r.class_correct,
            misread.join(", ")
        );
    }
    out
}
