//! A single cumulus cloud with soft, fBm-perturbed edges and its shadow, in the after scene.
//!
//! Opacity: `α = smoothstep(R + ramp/2, R − ramp/2, d + 0.3·R·n(x, y))` with `d` the distance
//! to the cloud centre and `n` a 2-octave fBm, so α is exactly 0 beyond the outer ramp edge.
//! The shadow is the same shape displaced away from the sun: for sun azimuth φ (from north,
//! clockwise) and a displacement L, `(ΔE, ΔN) = (−L·sin φ, −L·cos φ)`; with the Sentinel-2
//! mid-morning sun in the south-east the shadow falls to the north-west.

use geo::Coord;
use rand::Rng;

use crate::noise::Fbm;

/// Cloud geometry in map coordinates.
#[derive(Debug, Clone, Copy)]
pub struct Cloud {
    /// Centre.
    pub center: Coord,
    /// Radius at half opacity (m).
    pub radius: f64,
    /// Width of the soft edge (m).
    pub ramp: f64,
    /// Shadow displacement (m, east and north).
    pub shadow_shift: (f64, f64),
    edge: Fbm,
    body: Fbm,
}

fn smoothstep01(t: f64) -> f64 {
    let t = t.clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

impl Cloud {
    /// A cloud of random size (150–250 m radius at 4.8 km scenes, smaller in small scenes)
    /// centred at `center`, with a random sun azimuth (135–165°) and shadow length (350–650 m).
    pub fn new<R: Rng>(rng: &mut R, center: Coord, side_m: f64) -> Self {
        let radius = rng.random_range(150.0..250.0) * (side_m / 4800.0).clamp(0.35, 1.0);
        let az = rng.random_range(135.0f64..165.0).to_radians();
        let len = rng.random_range(350.0..650.0) * (side_m / 4800.0).clamp(0.35, 1.0);
        Self {
            center,
            radius,
            ramp: 0.35 * radius,
            shadow_shift: (-len * az.sin(), -len * az.cos()),
            edge: Fbm::new(rng.random(), 0.8 * radius, 2),
            body: Fbm::new(rng.random(), 60.0, 2),
        }
    }

    /// Moves the cloud to a new centre (keeping its shape and sun geometry).
    pub fn moved_to(mut self, center: Coord) -> Self {
        self.center = center;
        self
    }

    /// Outer radius beyond which opacity is zero (m).
    pub fn reach(&self) -> f64 {
        self.radius + 0.5 * self.ramp + 0.3 * self.radius
    }

    /// Opacity in `[0, 1]` at `c`.
    pub fn alpha(&self, c: Coord) -> f64 {
        let (dx, dy) = (c.x - self.center.x, c.y - self.center.y);
        let d = dx.hypot(dy);
        if d > self.reach() {
            return 0.0;
        }
        let n = self.edge.at(dx, dy) as f64;
        let t = (self.radius + 0.5 * self.ramp - (d + 0.3 * self.radius * n)) / self.ramp;
        smoothstep01(t)
    }

    /// Shadow strength in `[0, 1]` at `c` (the cloud's opacity at `c` minus the shift).
    pub fn shadow(&self, c: Coord) -> f64 {
        self.alpha(Coord {
            x: c.x - self.shadow_shift.0,
            y: c.y - self.shadow_shift.1,
        })
    }

    /// Brightness modulation of the cloud body in `[0.9, 1.1]` at `c`.
    pub fn body(&self, c: Coord) -> f64 {
        1.0 + 0.1 * self.body.at(c.x - self.center.x, c.y - self.center.y) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn opaque_core_clear_outside_shadow_northwest() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let c = Coord { x: 0.0, y: 0.0 };
        let cloud = Cloud::new(&mut rng, c, 4800.0);
        assert_eq!(cloud.alpha(c), 1.0);
        assert_eq!(
            cloud.alpha(Coord {
                x: cloud.reach() + 1.0,
                y: 0.0
            }),
            0.0
        );
        assert!(cloud.shadow_shift.0 < 0.0 && cloud.shadow_shift.1 > 0.0);
        let s = Coord {
            x: cloud.shadow_shift.0,
            y: cloud.shadow_shift.1,
        };
        assert_eq!(cloud.shadow(s), 1.0);
    }
}
