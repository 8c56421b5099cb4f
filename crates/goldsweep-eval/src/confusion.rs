//! Binary (change / no change) confusion matrix and the accuracy figures derived from it.

/// Counts of a 2 × 2 confusion matrix, "positive" meaning change.
///
/// All ratios return 0.0 when their denominator is zero (e.g. precision with no predicted change),
/// so reports never contain NaN.
///
/// ```
/// use goldsweep_eval::ConfusionMatrix;
/// let m = ConfusionMatrix { tp: 3, fp: 1, tn: 10, fn_: 2 };
/// assert_eq!(m.total(), 16);
/// assert!((m.precision() - 0.75).abs() < 1e-12);
/// assert!((m.recall() - 0.6).abs() < 1e-12);
/// // po = 13/16, pe = (4·5 + 12·11)/16² = 152/256, κ = (po − pe)/(1 − pe) = 56/104
/// assert!((m.kappa() - 56.0 / 104.0).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConfusionMatrix {
    /// Predicted change, truly change.
    pub tp: u64,
    /// Predicted change, truly no change.
    pub fp: u64,
    /// Predicted no change, truly no change.
    pub tn: u64,
    /// Predicted no change, truly change.
    pub fn_: u64,
}

impl ConfusionMatrix {
    /// Adds one pixel or object with the given prediction and truth.
    pub fn add(&mut self, predicted_change: bool, true_change: bool) {
        match (predicted_change, true_change) {
            (true, true) => self.tp += 1,
            (true, false) => self.fp += 1,
            (false, false) => self.tn += 1,
            (false, true) => self.fn_ += 1,
        }
    }

    /// Number of counted items: tp + fp + tn + fn.
    pub fn total(&self) -> u64 {
        self.tp + self.fp + self.tn + self.fn_
    }

    /// tp / (tp + fp): the share of predicted change that is real change.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    /// tp / (tp + fn): the share of real change that was found.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }

    /// Harmonic mean of precision and recall, 2·P·R / (P + R) = 2tp / (2tp + fp + fn).
    pub fn f1(&self) -> f64 {
        ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }

    /// (tp + tn) / n.
    pub fn overall_accuracy(&self) -> f64 {
        ratio(self.tp + self.tn, self.total())
    }

    /// Cohen's kappa κ = (po − pe) / (1 − pe), with observed agreement po = (tp + tn)/n and chance
    /// agreement pe = [(tp + fp)(tp + fn) + (fn + tn)(fp + tn)] / n².
    /// Returns 0.0 when undefined (n = 0, or pe = 1 because both maps hold a single class).
    pub fn kappa(&self) -> f64 {
        let n = self.total() as f64;
        if n == 0.0 {
            return 0.0;
        }
        let (tp, fp, tn, fn_) = (
            self.tp as f64,
            self.fp as f64,
            self.tn as f64,
            self.fn_ as f64,
        );
        let po = (tp + tn) / n;
        let pe = ((tp + fp) * (tp + fn_) + (fn_ + tn) * (fp + tn)) / (n * n);
        if (1.0 - pe).abs() < f64::EPSILON {
            return 0.0;
        }
        (po - pe) / (1.0 - pe)
    }
}

/// num / den, or 0.0 when den is 0.
pub(crate) fn ratio(num: u64, den: u64) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_agreement_is_kappa_one() {
        let m = ConfusionMatrix {
            tp: 5,
            fp: 0,
            tn: 7,
            fn_: 0,
        };
        assert!((m.kappa() - 1.0).abs() < 1e-12);
        assert!((m.f1() - 1.0).abs() < 1e-12);
        assert!((m.overall_accuracy() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn empty_and_single_class_are_zero_not_nan() {
        let empty = ConfusionMatrix::default();
        assert_eq!(empty.kappa(), 0.0);
        assert_eq!(empty.precision(), 0.0);
        let all_tn = ConfusionMatrix {
            tn: 9,
            ..Default::default()
        };
        assert_eq!(all_tn.kappa(), 0.0);
        assert_eq!(all_tn.f1(), 0.0);
    }

    #[test]
    fn add_routes_to_the_right_cell() {
        let mut m = ConfusionMatrix::default();
        m.add(true, true);
        m.add(true, false);
        m.add(false, false);
        m.add(false, true);
        m.add(false, true);
        assert_eq!(
            m,
            ConfusionMatrix {
                tp: 1,
                fp: 1,
                tn: 1,
                fn_: 2
            }
        );
    }
}
