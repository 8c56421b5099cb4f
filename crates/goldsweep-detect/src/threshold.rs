//! Scene-adaptive thresholds.

/// Otsu's threshold (Otsu 1979) over a sample: the value that maximises the between-class
/// variance of a 256-bin histogram spanning the sample's 0.1–99.9 % range. Returns `None` for
/// fewer than two distinct finite values.
///
/// ```
/// use goldsweep_detect::threshold::otsu;
/// let mut v = vec![1.0_f32; 100];
/// v.extend(std::iter::repeat(9.0).take(50));
/// let t = otsu(&v).unwrap();
/// assert!(t > 1.0 && t < 9.0);
/// ```
pub fn otsu(values: &[f32]) -> Option<f32> {
    let mut v: Vec<f32> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.len() < 2 {
        return None;
    }
    let n = v.len();
    let lo = order_statistic(&mut v, (n as f64 * 0.001) as usize);
    let hi = order_statistic(&mut v, ((n as f64 * 0.999) as usize).min(n - 1));
    if hi <= lo {
        return None;
    }
    const BINS: usize = 256;
    let width = (hi - lo) / BINS as f32;
    let mut hist = [0u64; BINS];
    for &x in &v {
        let b = (((x - lo) / width) as isize).clamp(0, BINS as isize - 1) as usize;
        hist[b] += 1;
    }
    let total = v.len() as f64;
    let sum_all: f64 = hist
        .iter()
        .enumerate()
        .map(|(i, &c)| i as f64 * c as f64)
        .sum();
    let (mut w0, mut sum0) = (0.0_f64, 0.0_f64);
    let (mut best, mut best_bin) = (-1.0_f64, 0usize);
    for (i, &c) in hist.iter().enumerate() {
        w0 += c as f64;
        sum0 += i as f64 * c as f64;
        let w1 = total - w0;
        if w0 == 0.0 || w1 == 0.0 {
            continue;
        }
        let m0 = sum0 / w0;
        let m1 = (sum_all - sum0) / w1;
        let between = w0 * w1 * (m0 - m1) * (m0 - m1);
        if between > best {
            best = between;
            best_bin = i;
        }
    }
    Some(lo + width * (best_bin as f32 + 1.0))
}

/// The `q`-quantile (`0 ≤ q ≤ 1`) of the finite values: the value at rank
/// `round((n − 1) · q)` of the sorted values; `None` when empty.
pub fn quantile(values: &[f32], q: f64) -> Option<f32> {
    let mut v: Vec<f32> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    let i = ((v.len() - 1) as f64 * q.clamp(0.0, 1.0)).round() as usize;
    Some(order_statistic(&mut v, i))
}

/// The value at rank `i` of `v` in ascending order (reorders `v`; linear time, no full sort).
fn order_statistic(v: &mut [f32], i: usize) -> f32 {
    *v.select_nth_unstable_by(i, f32::total_cmp).1
}

/// Median absolute deviation scaled to a normal standard deviation (`1.4826 · MAD`).
pub fn robust_sigma(values: &[f32]) -> Option<f32> {
    let med = quantile(values, 0.5)?;
    let dev: Vec<f32> = values.iter().map(|x| (x - med).abs()).collect();
    quantile(&dev, 0.5).map(|m| 1.4826 * m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn otsu_splits_two_modes() {
        let mut v: Vec<f32> = (0..1000).map(|i| (i % 10) as f32 * 0.1).collect();
        v.extend((0..300).map(|i| 10.0 + (i % 10) as f32 * 0.1));
        let t = otsu(&v).unwrap();
        assert!(t > 0.9 && t < 10.0, "{t}");
    }

    #[test]
    fn otsu_needs_spread() {
        assert_eq!(otsu(&[1.0, 1.0, 1.0]), None);
        assert_eq!(otsu(&[]), None);
    }

    #[test]
    fn robust_sigma_of_normalish_sample() {
        let v: Vec<f32> = (-500..=500).map(|i| i as f32 / 500.0 * 1.6449).collect();
        let s = robust_sigma(&v).unwrap();
        // Uniform on [-1.645, 1.645]: MAD = 0.822, scaled ≈ 1.22.
        assert!((s - 1.219).abs() < 0.01, "{s}");
    }
}
