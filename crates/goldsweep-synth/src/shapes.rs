//! Shape builders in map coordinates (metres): irregular blobs, rotated rectangles, winding
//! paths and their buffered outlines. Every polygon is returned with a counter-clockwise exterior
//! (the RFC 7946 right-hand rule once reprojected to lon/lat).

use std::f64::consts::PI;

use geo::orient::{Direction, Orient};
use geo::{Coord, LineString, Polygon};
use rand::Rng;

/// Irregular closed blob around `center`: the radius at angle θ is
/// `r·(1 + Σ_{k=2..5} a_k·cos(kθ + φ_k))` with `a_k ≈ roughness/k`, sampled at `vertices` angles.
pub fn blob<R: Rng>(
    rng: &mut R,
    center: Coord,
    radius: f64,
    roughness: f64,
    vertices: usize,
) -> Polygon {
    let harmonics: Vec<(f64, f64, f64)> = (2..=5)
        .map(|k| {
            let a = roughness / k as f64 * rng.random_range(0.4..1.0);
            (k as f64, a, rng.random_range(0.0..2.0 * PI))
        })
        .collect();
    let n = vertices.max(3);
    let pts: Vec<Coord> = (0..n)
        .map(|i| {
            let t = 2.0 * PI * i as f64 / n as f64;
            let m: f64 = harmonics
                .iter()
                .map(|(k, a, p)| a * (k * t + p).cos())
                .sum();
            let r = radius * (1.0 + m).max(0.35);
            Coord {
                x: center.x + r * t.cos(),
                y: center.y + r * t.sin(),
            }
        })
        .collect();
    Polygon::new(LineString::new(pts), vec![]).orient(Direction::Default)
}

/// Rectangle `width × height` metres centred on `center`, rotated by `angle` radians
/// counter-clockwise from east.
pub fn rect(center: Coord, width: f64, height: f64, angle: f64) -> Polygon {
    let (s, c) = angle.sin_cos();
    let corners = [(-0.5, -0.5), (0.5, -0.5), (0.5, 0.5), (-0.5, 0.5)];
    let pts: Vec<Coord> = corners
        .iter()
        .map(|(u, v)| {
            let (dx, dy) = (u * width, v * height);
            Coord {
                x: center.x + dx * c - dy * s,
                y: center.y + dx * s + dy * c,
            }
        })
        .collect();
    Polygon::new(LineString::new(pts), vec![]).orient(Direction::Default)
}

/// Axis-aligned rectangle between two corners.
pub fn aligned_rect(min: Coord, max: Coord) -> Polygon {
    let pts = vec![
        min,
        Coord { x: max.x, y: min.y },
        max,
        Coord { x: min.x, y: max.y },
    ];
    Polygon::new(LineString::new(pts), vec![]).orient(Direction::Default)
}

/// Winding path from `start` to `end`: the straight line split into ~`step` metre segments and
/// displaced sideways by `A·sin(mπt) + A/3·sin(2mπt + φ)` (t ∈ [0, 1], zero at both ends) with
/// `A` = 5–12 % of the straight length and `m` = 1–3 half-waves.
pub fn winding_path<R: Rng>(rng: &mut R, start: Coord, end: Coord, step: f64) -> Vec<Coord> {
    let (dx, dy) = (end.x - start.x, end.y - start.y);
    let len = dx.hypot(dy).max(1e-6);
    let (nx, ny) = (-dy / len, dx / len);
    let amp = len * rng.random_range(0.05..0.12) * if rng.random_bool(0.5) { 1.0 } else { -1.0 };
    let waves = rng.random_range(1..=3) as f64;
    let phase = rng.random_range(0.0..2.0 * PI);
    let n = ((len / step).ceil() as usize).max(2);
    (0..=n)
        .map(|i| {
            let t = i as f64 / n as f64;
            let off = amp * (waves * PI * t).sin()
                + amp / 3.0 * (2.0 * waves * PI * t + phase).sin() * (PI * t).sin();
            Coord {
                x: start.x + dx * t + nx * off,
                y: start.y + dy * t + ny * off,
            }
        })
        .collect()
}

/// Length of a polyline in metres.
pub fn path_length(pts: &[Coord]) -> f64 {
    pts.windows(2)
        .map(|w| (w[1].x - w[0].x).hypot(w[1].y - w[0].y))
        .sum()
}

/// Outline of a polyline buffered by `half_width` metres on each side (mitred joints, miter
/// length capped at 2×; flat ends). Meant for gently winding paths whose turns are much wider
/// than the buffer, where the outline is a simple polygon.
pub fn buffered_path(pts: &[Coord], half_width: f64) -> Polygon {
    let n = pts.len();
    let dir = |a: Coord, b: Coord| {
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let l = dx.hypot(dy).max(1e-9);
        (dx / l, dy / l)
    };
    let mut left = Vec::with_capacity(n);
    let mut right = Vec::with_capacity(n);
    for i in 0..n {
        let d_in = if i > 0 {
            dir(pts[i - 1], pts[i])
        } else {
            dir(pts[0], pts[1.min(n - 1)])
        };
        let d_out = if i + 1 < n {
            dir(pts[i], pts[i + 1])
        } else {
            d_in
        };
        let (mx, my) = (d_in.0 + d_out.0, d_in.1 + d_out.1);
        let ml = mx.hypot(my).max(1e-9);
        let (tx, ty) = (mx / ml, my / ml);
        let (nx, ny) = (-ty, tx);
        // Miter: scale the offset so each side stays `half_width` from both segments.
        let cos_half = (nx * -d_in.1 + ny * d_in.0).abs().max(0.5);
        let w = half_width / cos_half;
        let p = pts[i];
        left.push(Coord {
            x: p.x + nx * w,
            y: p.y + ny * w,
        });
        right.push(Coord {
            x: p.x - nx * w,
            y: p.y - ny * w,
        });
    }
    right.reverse();
    left.extend(right);
    Polygon::new(LineString::new(left), vec![]).orient(Direction::Default)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, Contains, Point};
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn rect_area_and_orientation() {
        let r = rect(Coord { x: 0.0, y: 0.0 }, 30.0, 20.0, 0.7);
        assert!((r.signed_area() - 600.0).abs() < 1e-6);
    }

    #[test]
    fn blob_contains_center() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let c = Coord { x: 100.0, y: 50.0 };
        let b = blob(&mut rng, c, 40.0, 0.3, 20);
        assert!(b.signed_area() > 0.0);
        assert!(b.contains(&Point::from(c)));
    }

    #[test]
    fn buffered_path_has_width_times_length_area() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let pts = winding_path(
            &mut rng,
            Coord { x: 0.0, y: 0.0 },
            Coord { x: 400.0, y: 100.0 },
            25.0,
        );
        let len = path_length(&pts);
        assert!((412.0..520.0).contains(&len), "{len}");
        let poly = buffered_path(&pts, 7.0);
        let area = poly.signed_area();
        assert!(
            (area / (14.0 * len) - 1.0).abs() < 0.1,
            "{area} vs {}",
            14.0 * len
        );
    }
}
