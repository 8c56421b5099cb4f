//! Turning reflectance windows into small RGB pictures: a percentile stretch, block-average
//! down-sampling, outline drawing and PNG encoding. Pure functions over slices.

use image::{ImageFormat, Rgb, RgbImage};
use ndarray::ArrayView2;

/// The low and high cut of a linear stretch: the 2nd and 98th percentiles of the finite values
/// (so a few saturated or dark pixels do not wash the picture out). `(0, 1)` when there are no
/// finite values, and `hi > lo` always.
///
/// ```
/// use goldsweep_ledger::chip_render::percentile_cut;
/// let v: Vec<f32> = (0..=100).map(|i| i as f32 / 100.0).collect();
/// let (lo, hi) = percentile_cut(&v);
/// assert!((lo - 0.02).abs() < 1e-6 && (hi - 0.98).abs() < 1e-6);
/// ```
pub fn percentile_cut(values: &[f32]) -> (f32, f32) {
    let mut v: Vec<f32> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return (0.0, 1.0);
    }
    v.sort_by(f32::total_cmp);
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    let (lo, hi) = (at(0.02), at(0.98));
    if hi > lo {
        (lo, hi)
    } else {
        (lo, lo + 1e-3)
    }
}

/// Maps `x` linearly from `[lo, hi]` to `0..=255`, clamping; non-finite values are 0.
pub fn to_byte(x: f32, lo: f32, hi: f32) -> u8 {
    if !x.is_finite() {
        return 0;
    }
    ((x - lo) / (hi - lo) * 255.0).round().clamp(0.0, 255.0) as u8
}

/// Block means of `factor × factor` pixels (partial blocks at the edges average what they
/// hold; non-finite values are skipped). Returns `(rows, cols, values)` row-major.
pub fn block_mean(a: ArrayView2<'_, f32>, factor: usize) -> (usize, usize, Vec<f32>) {
    let f = factor.max(1);
    let (h, w) = a.dim();
    let (oh, ow) = (h.div_ceil(f), w.div_ceil(f));
    let mut out = vec![f32::NAN; oh * ow];
    for r in 0..oh {
        for c in 0..ow {
            let block = a.slice(ndarray::s![
                r * f..((r + 1) * f).min(h),
                c * f..((c + 1) * f).min(w)
            ]);
            let (sum, n) = block
                .iter()
                .filter(|x| x.is_finite())
                .fold((0.0f64, 0usize), |(s, n), x| (s + *x as f64, n + 1));
            if n > 0 {
                out[r * ow + c] = (sum / n as f64) as f32;
            }
        }
    }
    (oh, ow, out)
}

/// An RGB picture from three equally sized channels, each stretched with its own cut.
pub fn compose(
    width: usize,
    height: usize,
    channels: [&[f32]; 3],
    cuts: [(f32, f32); 3],
) -> RgbImage {
    let mut img = RgbImage::new(width as u32, height as u32);
    for (i, px) in img.pixels_mut().enumerate() {
        *px = Rgb([0, 1, 2].map(|k| {
            let v = channels[k].get(i).copied().unwrap_or(f32::NAN);
            to_byte(v, cuts[k].0, cuts[k].1)
        }));
    }
    img
}

/// Draws a closed or open polyline (picture coordinates, x right, y down, pixel centres at
/// `k + 0.5`) one pixel wide; parts outside the picture are skipped.
pub fn draw_polyline(img: &mut RgbImage, points: &[(f64, f64)], colour: [u8; 3]) {
    let (w, h) = (img.width() as i64, img.height() as i64);
    for pair in points.windows(2) {
        let (x0, y0) = (pair[0].0.floor() as i64, pair[0].1.floor() as i64);
        let (x1, y1) = (pair[1].0.floor() as i64, pair[1].1.floor() as i64);
        // Bresenham over the integer cells of the two ends.
        let (dx, dy) = ((x1 - x0).abs(), -(y1 - y0).abs());
        let (sx, sy) = (if x0 < x1 { 1 } else { -1 }, if y0 < y1 { 1 } else { -1 });
        let (mut x, mut y, mut err) = (x0, y0, dx + dy);
        // A segment never needs more steps than this; a guard against huge coordinates.
        let max_steps = (dx - dy + 1).min(4 * (w + h) + 4);
        for _ in 0..max_steps {
            if (0..w).contains(&x) && (0..h).contains(&y) {
                img.put_pixel(x as u32, y as u32, Rgb(colour));
            }
            if x == x1 && y == y1 {
                break;
            }
            let e2 = 2 * err;
            if e2 >= dy {
                err += dy;
                x += sx;
            }
            if e2 <= dx {
                err += dx;
                y += sy;
            }
        }
    }
}

/// PNG bytes of a picture.
pub fn png_bytes(img: &RgbImage) -> Result<Vec<u8>, String> {
    let mut buf = std::io::Cursor::new(Vec::new());
    img.write_to(&mut buf, ImageFormat::Png)
        .map_err(|e| e.to_string())?;
    Ok(buf.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn to_byte_clamps_and_maps() {
        assert_eq!(to_byte(0.0, 0.0, 1.0), 0);
        assert_eq!(to_byte(1.0, 0.0, 1.0), 255);
        assert_eq!(to_byte(0.5, 0.0, 1.0), 128);
        assert_eq!(to_byte(-3.0, 0.0, 1.0), 0);
        assert_eq!(to_byte(f32::NAN, 0.0, 1.0), 0);
    }

    #[test]
    fn flat_values_still_give_a_range() {
        let (lo, hi) = percentile_cut(&[0.2; 10]);
        assert!(hi > lo);
        assert_eq!(percentile_cut(&[f32::NAN]), (0.0, 1.0));
    }

    #[test]
    fn block_mean_averages_and_keeps_edges() {
        let a = array![[1.0f32, 3.0, 5.0], [1.0, 3.0, 7.0], [f32::NAN, 2.0, 9.0]];
        let (h, w, v) = block_mean(a.view(), 2);
        assert_eq!((h, w), (2, 2));
        assert_eq!(v, vec![2.0, 6.0, 2.0, 9.0]);
    }

    #[test]
    fn square_outline_draws_its_border_only() {
        let mut img = RgbImage::new(10, 10);
        let sq = [(2.5, 2.5), (7.5, 2.5), (7.5, 7.5), (2.5, 7.5), (2.5, 2.5)];
        draw_polyline(&mut img, &sq, [255, 255, 0]);
        assert_eq!(img.get_pixel(2, 2).0, [255, 255, 0]);
        assert_eq!(img.get_pixel(7, 5).0, [255, 255, 0]);
        assert_eq!(img.get_pixel(5, 5).0, [0, 0, 0], "inside stays untouched");
        let drawn = img.pixels().filter(|p| p.0 != [0, 0, 0]).count();
        assert_eq!(drawn, 20);
    }

    #[test]
    fn lines_outside_are_clipped() {
        let mut img = RgbImage::new(4, 4);
        draw_polyline(&mut img, &[(-1e12, -5.0), (1e12, 2.5)], [1, 2, 3]);
        draw_polyline(&mut img, &[(-10.0, 1.5), (10.0, 1.5)], [9, 9, 9]);
        assert!((0..4).all(|x| img.get_pixel(x, 1).0 == [9, 9, 9]));
    }

    #[test]
    fn png_round_trips() -> Result<(), String> {
        let img = compose(
            2,
            1,
            [&[0.0, 1.0], &[0.0, 1.0], &[0.0, 1.0]],
            [(0.0, 1.0); 3],
        );
        let bytes = png_bytes(&img)?;
        assert_eq!(&bytes[1..4], b"PNG");
        let back = image::load_from_memory(&bytes).map_err(|e| e.to_string())?;
        assert_eq!(back.to_rgb8().get_pixel(1, 0).0, [255, 255, 255]);
        Ok(())
    }
}
