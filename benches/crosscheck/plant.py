#!/usr/bin/env python3
"""Independent planter: realistic 洗洞 (re-opened gold mine, heap/vat cyanide leaching) change painted into
real before/after image pairs, with truth, a mine catalogue, a synthetic cloud and its shadow.

python3 plant.py --background {rennes,hongkong,aguasclaras,tanzania,taizhou} --seed N --out DIR
"""
import argparse, json, math, os, sys, zlib
import numpy as np
import rasterio
import shapely
from rasterio import features
from rasterio.transform import Affine
from scipy import ndimage as ndi
from shapely.geometry import Polygon, LineString, Point, box, mapping
from shapely import affinity, ops
from pyproj import Transformer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bg            # noqa: E402
import spectra as S  # noqa: E402

SS = 7                      # supersampling per pixel side for area fractions
MAXPX = 450
KD = np.array([0.30, 0.25, 0.20, 0.15, 0.10, 0.10])        # diffuse share of irradiance (slope shading)
KD_SHADOW = np.array([0.45, 0.38, 0.32, 0.25, 0.18, 0.15])  # what is left in a cloud shadow


# ----------------------------------------------------------------------------------------------- scene
def indices(sr):
    b, g, r, n, s1, s2 = sr
    e = 1e-6
    return dict(ndvi=(n - r) / (n + r + e), ndwi=(g - n) / (g + n + e), mndwi=(g - s1) / (g + s1 + e),
                vis=(b + g + r) / 3.0)


def water_of(sr):
    ix = indices(sr)
    return ((ix['mndwi'] > 0.2) & (sr[3] < 0.15)) | (ix['ndwi'] > 0.15)


def crop(sc):
    H, W = sc['before'].shape[1:]
    if H <= MAXPX and W <= MAXPX:
        return sc
    h, w = min(H, MAXPX), min(W, MAXPX)
    srb = bg.surface(sc, 'before'); sra = bg.surface(sc, 'after')
    land = ~(water_of(srb) | water_of(sra))
    veg = indices(srb)['ndvi'] > 0.5
    score = land.astype(float) + 0.3 * veg
    ii = np.pad(score.cumsum(0).cumsum(1), ((1, 0), (1, 0)))
    best = None
    for r0 in range(0, H - h + 1, 5):
        for c0 in range(0, W - w + 1, 5):
            s = ii[r0 + h, c0 + w] - ii[r0, c0 + w] - ii[r0 + h, c0] + ii[r0, c0]
            if best is None or s > best[0] + 1e-9:
                best = (s, r0, c0)
    _, r0, c0 = best
    sc['before'] = sc['before'][:, r0:r0 + h, c0:c0 + w].copy()
    sc['after'] = sc['after'][:, r0:r0 + h, c0:c0 + w].copy()
    sc['transform'] = sc['transform'] * Affine.translation(c0, r0)
    sc['crop'] = (r0, c0, h, w, H, W)
    return sc


class Ctx:
    def __init__(self, sc, rng):
        self.sc, self.rng = sc, rng
        self.H, self.W = sc['before'].shape[1:]
        self.px = sc['pixel']
        t = sc['transform']
        self.x0, self.y0 = t.c, t.f
        self.x1, self.y1 = self.x0 + self.W * self.px, self.y0 - self.H * self.px
        self.srb = bg.surface(sc, 'before'); self.sra = bg.surface(sc, 'after')
        ib = indices(self.srb)
        self.ndvi = ib['ndvi']
        self.valid = (sc['before'] > 0).all(0) & (sc['after'] > 0).all(0)
        self.water = ndi.binary_dilation(water_of(self.srb) | water_of(self.sra), iterations=2) | ~self.valid
        self.built = (self.ndvi < 0.25) & ~self.water
        self.bright = self.built & (ib['vis'] > np.percentile(ib['vis'][self.valid], 60))
        self.bands = sc['band_names']
        self.spec = {k: S.bands(k, self.bands) for k in S.LIB}
        self.sun = sc['sun'][1]
        self.scene_box = box(self.x0, self.y1, self.x1, self.y0)

    # pixel <-> map
    def rc(self, x, y):
        return (self.y0 - y) / self.px, (x - self.x0) / self.px

    def xy(self, r, c):
        return self.x0 + (c + 0.5) * self.px, self.y0 - (r + 0.5) * self.px

    def window(self, geom, pad=2):
        minx, miny, maxx, maxy = geom.bounds
        c0 = max(int(math.floor((minx - self.x0) / self.px)) - pad, 0)
        c1 = min(int(math.ceil((maxx - self.x0) / self.px)) + pad, self.W)
        r0 = max(int(math.floor((self.y0 - maxy) / self.px)) - pad, 0)
        r1 = min(int(math.ceil((self.y0 - miny) / self.px)) + pad, self.H)
        return r0, r1, c0, c1

    def fine(self, geom, win=None):
        """Fine (SS x SS per pixel) mask of geom and the per-pixel area fraction, in window win."""
        r0, r1, c0, c1 = win or self.window(geom)
        if r1 <= r0 or c1 <= c0 or geom.is_empty:
            return (r0, r1, c0, c1), np.zeros((0, 0), bool), np.zeros((max(r1 - r0, 0), max(c1 - c0, 0)))
        ft = Affine(self.px / SS, 0, self.x0 + c0 * self.px, 0, -self.px / SS, self.y0 - r0 * self.px)
        m = features.rasterize([(geom, 1)], out_shape=((r1 - r0) * SS, (c1 - c0) * SS), transform=ft,
                               fill=0, dtype='uint8').astype(bool)
        f = m.reshape(r1 - r0, SS, c1 - c0, SS).mean((1, 3))
        return (r0, r1, c0, c1), m, f

    def stats(self, geom):
        win, _, f = self.fine(geom)
        r0, r1, c0, c1 = win
        tot = f.sum()
        if tot <= 0:
            return dict(water=1.0, ndvi=0.0, built=1.0, inscene=0.0)
        sl = (slice(r0, r1), slice(c0, c1))
        return dict(water=float((f * self.water[sl]).sum() / tot), ndvi=float((f * self.ndvi[sl]).sum() / tot),
                    built=float((f * self.built[sl]).sum() / tot),
                    inscene=float(geom.intersection(self.scene_box).area / max(geom.area, 1e-9)))

    def ring_built(self, geom, r_in=100, r_out=500):
        ring = geom.buffer(r_out).difference(geom.buffer(r_in)).intersection(self.scene_box)
        return self.stats(ring)['built'] if ring.area > 0 else 0.0

    def inside(self, geom, margin):
        return self.scene_box.buffer(-margin).contains(geom)


# --------------------------------------------------------------------------------------------- shapes
def blob(rng, cx, cy, area, elong=1.0, rough=0.3, angle=None, n=64):
    th = np.linspace(0, 2 * np.pi, n, endpoint=False)
    r = np.ones(n)
    for k in range(2, 8):
        r += rough * rng.normal() / k * np.cos(k * th + rng.uniform(0, 2 * np.pi))
    r = np.clip(r, 0.4, None)
    p = Polygon(np.c_[r * np.cos(th) * elong, r * np.sin(th)]).buffer(0)
    p = affinity.rotate(p, rng.uniform(0, 180) if angle is None else angle, origin=(0, 0))
    p = affinity.scale(p, math.sqrt(area / p.area), math.sqrt(area / p.area), origin=(0, 0))
    return affinity.translate(p, cx, cy)


def licence_polygon(rng, cx, cy, area):
    n = int(rng.integers(5, 10))
    th = np.sort(rng.uniform(0, 2 * np.pi, n))
    th = np.sort((np.arange(n) + rng.uniform(-0.3, 0.3, n)) * 2 * np.pi / n + rng.uniform(0, 2 * np.pi))
    asp = rng.uniform(1.0, 2.0)
    r = rng.uniform(0.75, 1.2, n)
    p = Polygon(np.c_[r * np.cos(th) * asp, r * np.sin(th)]).buffer(0)
    p = affinity.rotate(p, rng.uniform(0, 180), origin=(0, 0))
    p = affinity.scale(p, math.sqrt(area / p.area), math.sqrt(area / p.area), origin=(0, 0))
    return affinity.translate(p, cx, cy)


def rect(cx, cy, w, l, angle):
    return affinity.translate(affinity.rotate(box(-w / 2, -l / 2, w / 2, l / 2), angle, origin=(0, 0)), cx, cy)


def curve(rng, p0, p1, length, bend=0.25, wiggle=8.0):
    """Smooth curved centreline from p0 toward p1, truncated to `length` metres."""
    p0, p1 = np.asarray(p0, float), np.asarray(p1, float)
    d = p1 - p0
    dist = np.hypot(*d)
    u = d / dist
    nrm = np.array([-u[1], u[0]])
    ctrl = p0 + d * rng.uniform(0.35, 0.65) + nrm * dist * rng.uniform(-bend, bend)
    t = np.linspace(0, 1, 400)[:, None]
    pts = (1 - t) ** 2 * p0 + 2 * (1 - t) * t * ctrl + t ** 2 * p1
    # low-frequency wiggle, zero at the start
    s = np.linspace(0, 1, 400)
    wig = sum(rng.normal() * wiggle / k * np.sin(np.pi * k * s + rng.uniform(0, np.pi)) * np.minimum(s * 8, 1)
              for k in (2, 3, 5))
    tang = np.gradient(pts, axis=0); tang /= np.linalg.norm(tang, axis=1)[:, None]
    pts = pts + np.c_[-tang[:, 1], tang[:, 0]] * wig[:, None]
    line = LineString(pts)
    if line.length > length:
        line = ops.substring(line, 0, length)
    return line


# ------------------------------------------------------------------------------------------ painting
class Canvas:
    """Accumulates painted objects: per-pixel fraction F and fraction-weighted surface reflectance."""

    def __init__(self, ctx):
        self.ctx = ctx
        H, W = ctx.H, ctx.W
        self.F = np.zeros((H, W)); self.FT = np.zeros((6, H, W))

    def add(self, win, f, target):
        r0, r1, c0, c1 = win
        self.F[r0:r1, c0:c1] += f
        self.FT[:, r0:r1, c0:c1] += f[None] * target

    def apply(self, img, date_index, psf, noise_rng, noise=0.002):
        ctx = self.ctx
        off = ctx.sc['offset'][date_index][:, None, None]; gain = ctx.sc['gain'][date_index][:, None, None]
        F = np.clip(self.F, 0, 1)
        T = self.FT / np.maximum(self.F, 1e-9)[None]
        out = img.copy()
        for b in range(6):
            tv = off[b] + gain[b] * (T[b] + noise_rng.normal(0, noise, F.shape))
            delta = F * (tv - img[b])
            if psf[b] > 0:
                delta = ndi.gaussian_filter(delta, psf[b], mode='nearest')
            out[b] = img[b] + delta
        return out


def smooth_noise(rng, shape, sigma):
    n = ndi.gaussian_filter(rng.normal(size=shape), sigma, mode='reflect')
    return n / (n.std() + 1e-9)


def heap_target(ctx, rng, win, m, f, mats, mix, hmax):
    """Waste-rock / tailings heap: flat-topped dump with angle-of-repose sides, sun shading, patchy mix."""
    fine_px = ctx.px / SS
    d = ndi.distance_transform_edt(m) * fine_px
    slope = math.tan(math.radians(rng.uniform(28, 36)))
    h = np.minimum(hmax, slope * d)
    h += ndi.gaussian_filter(rng.normal(size=m.shape), 3.0 / fine_px) * 0.8 * (h > 0.5)   # truck-load lumps
    gy, gx = np.gradient(h, fine_px)            # gy: along rows (southward)
    el, az = math.radians(ctx.sun[0]), math.radians(ctx.sun[1])
    nx, ny, nz = -gx, gy, np.ones_like(h)      # east, north, up
    nn = np.sqrt(nx ** 2 + ny ** 2 + nz ** 2)
    cosi = (nx * math.sin(az) * math.cos(el) + ny * math.cos(az) * math.cos(el) + nz * math.sin(el)) / nn
    direct = np.clip(cosi, 0, None) / math.sin(el)
    hh, ww = f.shape
    dm = (direct * m).reshape(hh, SS, ww, SS).sum((1, 3)) / np.maximum(m.reshape(hh, SS, ww, SS).sum((1, 3)), 1)
    illum = KD[:, None, None] + (1 - KD[:, None, None]) * dm[None]
    patch = smooth_noise(rng, f.shape, 1.0 if ctx.px <= 10 else 0.6)
    w2 = np.clip(0.5 + (patch - (0.5 - mix) * 2.5) * 0.35, 0, 1) if mix > 0 else np.zeros(f.shape)
    spec = (1 - w2)[None] * ctx.spec[mats[0]][:, None, None] + w2[None] * ctx.spec[mats[1]][:, None, None]
    tex = 1 + 0.06 * smooth_noise(rng, f.shape, 0.6)
    return spec * illum * tex[None]


def flat_target(ctx, rng, f, specvec, tex=0.04, sigma=0.7):
    t = 1 + tex * smooth_noise(rng, f.shape, sigma)
    return specvec[:, None, None] * t[None]


# --------------------------------------------------------------------------------------------- planner
STATUSES = ['policy_closed', 'protected_area_exit', 'closed', 'illegal_site']
PLACES = ['黄泥坳', '青石岭', '老鸦洞', '石门冲', '金竹坪', '白岩脚', '龙潭沟', '马鞍山', '铜锣湾', '野猪坑',
          '狮子岩', '桃花岭', '乌石坑', '茶园坳', '大坑口', '凤凰岭', '鸡公山', '牛角冲', '银坑垅', '棺材岭']


class Planner:
    def __init__(self, ctx):
        self.ctx, self.rng = ctx, ctx.rng
        self.occupied = []        # geometries that new objects must keep clear of
        self.truth = []           # dicts: geom, props, target info
        self.mines = []
        self.both = []            # painted in both dates (existing workings, old scars)
        self.notes = []

    def free(self, g, gap=8.0):
        return all(g.distance(o) >= gap for o in self.occupied)

    def ok_ground(self, g, max_water=0.01, margin=None):
        ctx = self.ctx
        margin = 3 * ctx.px if margin is None else margin
        if not ctx.inside(g, margin):
            return False
        return ctx.stats(g)['water'] <= max_water

    # ---- lattice of farm ponds (placed first, far from where mines will go)
    def place_lattice(self):
        ctx, rng = self.ctx, self.rng
        nr, nc = [(2, 3), (2, 4), (3, 3), (3, 4), (4, 4), (2, 5), (3, 5), (4, 3), (2, 6), (4, 4)][rng.integers(0, 10)]
        w0, l0 = rng.uniform(26, 36), rng.uniform(42, 60)
        dyke = rng.uniform(5, 8)
        angle = rng.uniform(0, 180)
        cw, cl = w0 + dyke, l0 + dyke
        best = []
        for _ in range(600):
            cx = rng.uniform(ctx.x0, ctx.x1); cy = rng.uniform(ctx.y1, ctx.y0)
            footprint = rect(cx, cy, nc * cw, nr * cl, angle)
            if not self.ok_ground(footprint.buffer(20), 0.0, margin=2 * ctx.px):
                continue
            st = ctx.stats(footprint)
            if st['built'] > 0.35:
                continue
            # prefer scene corners (room for mines 1 km away) and open land
            dc = math.hypot(cx - (ctx.x0 + ctx.x1) / 2, cy - (ctx.y0 + ctx.y1) / 2)
            best.append((dc * (1.0 - st['built']) * (1 + 0.3 * rng.random()), cx, cy, footprint))
        if not best:
            raise RuntimeError('no room for the pond lattice')
        best.sort(key=lambda t: -t[0])
        _, cx, cy, footprint = best[int(rng.integers(0, max(1, len(best) // 10)))]
        ca, sa = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        kinds = ['water_fishpond'] * (nr * nc)
        for k in rng.choice(nr * nc, size=int(rng.integers(1, 4)), replace=False):
            kinds[k] = 'wet_mud' if rng.random() < 0.5 else 'water_turbid'
        k = 0
        for i in range(nr):
            for j in range(nc):
                ox = (j - (nc - 1) / 2) * cw; oy = (i - (nr - 1) / 2) * cl
                px_, py_ = cx + ox * ca - oy * sa, cy + ox * sa + oy * ca
                w, l = w0 * rng.uniform(0.96, 1.04), l0 * rng.uniform(0.96, 1.04)
                cell = rect(px_, py_, cw, cl, angle)
                water = rect(px_, py_, w, l, angle)
                kind = kinds[k]; k += 1
                self.truth.append(dict(geom=cell, cls='other_change', mining=False, context='far_from_mines',
                                       relation='outside_catalogue', mine=None, group='farm_pond_lattice',
                                       paint=('fishpond', dict(water=water, kind=kind)),
                                       desc='aquaculture pond %d of a %dx%d lattice (%.0fx%.0f m water, %s), '
                                            'incl. half of its new earth dykes' % (k, nr, nc, w, l,
                                                                                   kind.replace('_', ' '))))
        self.lattice = footprint
        self.occupied.append(footprint)
        self.notes.append('pond lattice %dx%d, cell %.0fx%.0f m, angle %.0f deg' % (nr, nc, cw, cl, angle))

    # ---- mines
    def place_mines(self):
        ctx, rng = self.ctx, self.rng
        statuses = list(rng.permutation(STATUSES))
        if rng.random() < 0.35:           # sometimes two of one closed kind
            i = statuses.index(rng.choice(['policy_closed', 'protected_area_exit', 'closed']))
            others = [s for s in ['policy_closed', 'protected_area_exit', 'closed'] if s != statuses[i]]
            statuses[i] = str(rng.choice(others))
        covers = list(rng.permutation(['vegetated', 'mixed', 'settlement', str(rng.choice(['vegetated', 'mixed']))]))
        plan = [('active', str(rng.choice(['mixed', 'vegetated'])))] + list(zip(statuses, covers))
        small = (ctx.x1 - ctx.x0) * (ctx.y0 - ctx.y1) < 16e6
        names = list(rng.permutation(PLACES))
        order = [1, 2, 3, 4, 0]                       # closed mines first, active last
        placed = {}
        self._placed = placed
        for sep, lat_d, tries in ((420, 1000, 400), (330, 1000, 600), (260, 900, 900), (220, 800, 1500)):
            placed = {}
            self._placed = placed
            ok = True
            for idx in order:
                status, cover = plan[idx]
                m = self.try_mine(status, cover, sep, lat_d, tries, small, placed)
                if m is None:
                    ok = False; break
                placed[idx] = m
            if ok:
                break
            # roll back everything these mines added
            self.occupied = [self.lattice]
            self.truth = [t for t in self.truth if t.get('context') == 'far_from_mines']
            self.both = []
        if len(placed) != 5:
            raise RuntimeError('could not place the five mines')
        for idx in range(5):
            m = placed[idx]
            m['id'] = 'IM-%03d' % (idx + 1)
            status = m['status']
            nm = names[idx]
            m['name'] = nm + ('金矿' if status != 'illegal_site' else '盗采点') + \
                ('(在产)' if status == 'active' else '')
            for t in m['objects']:
                t['mine'] = m['id']
            self.mines.append(m)

    def try_mine(self, status, cover, sep, lat_d, tries, small, placed):
        ctx, rng = self.ctx, self.rng
        others = [p['poly'] for p in placed.values()]
        for _ in range(tries):
            if status == 'illegal_site':
                area = rng.uniform(1.2, 3.5) * 1e4
            else:
                area = math.exp(rng.uniform(math.log(5e4), math.log(40e4 if not small else 18e4)))
                if status == 'active':
                    area = max(area, 12e4)
            cx = rng.uniform(ctx.x0, ctx.x1); cy = rng.uniform(ctx.y1, ctx.y0)
            poly = licence_polygon(rng, cx, cy, area)
            margin = 260 if not small else 180
            if not ctx.inside(poly, margin):
                continue
            if poly.distance(self.lattice) < lat_d:
                continue
            if any(poly.distance(o) < sep for o in others):
                continue
            if not self.free(poly.buffer(30), 0):
                continue
            st = ctx.stats(poly.buffer(40))
            if st['water'] > 0.02:
                continue
            if cover == 'vegetated' and (st['ndvi'] < 0.5 or st['built'] > 0.25):
                if rng.random() < 0.97:
                    continue
            if cover == 'mixed' and not (0.25 <= st['ndvi'] <= 0.6):
                if rng.random() < 0.95:
                    continue
            if cover == 'settlement' and (ctx.ring_built(poly) < 0.25 or st['built'] > 0.6):
                if rng.random() < 0.95:
                    continue
            if st['built'] > 0.7:
                continue
            snapshot = (list(self.occupied), list(self.truth), list(self.both))
            m = dict(status=status, cover=cover, poly=poly, objects=[])
            ok = self.plan_active(m) if status == 'active' else self.plan_closed(m)
            if ok:
                return m
            self.occupied, self.truth, self.both = snapshot
        return None

    def site_point(self, m, spill):
        ctx, rng = self.ctx, self.rng
        poly = m['poly']
        minx, miny, maxx, maxy = poly.bounds
        cands = []
        for _ in range(300):
            p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
            if not poly.contains(p):
                continue
            dist_edge = poly.exterior.distance(p)
            if spill and dist_edge > 45:
                continue
            if not spill and dist_edge < 50 and poly.area > 8e4:
                continue
            r, c = ctx.rc(p.x, p.y)
            r, c = int(r), int(c)
            nd = float(ctx.ndvi[max(r - 2, 0):r + 3, max(c - 2, 0):c + 3].mean())
            wt = float(ctx.water[max(r - 3, 0):r + 4, max(c - 3, 0):c + 4].any())
            if wt:
                continue
            cands.append((p, nd))
        if not cands:
            return None
        want_green = rng.random() < 0.8
        w = np.array([max(nd, 0.05) ** 2 if want_green else max(0.6 - nd, 0.05) for _, nd in cands])
        return cands[int(rng.choice(len(cands), p=w / w.sum()))][0]

    def add(self, m, geom, cls, paint, desc, mining=True):
        t = dict(geom=geom, cls=cls, mining=mining, paint=paint, desc=desc, group=None, mine_obj=m)
        m['objects'].append(t); self.truth.append(t); self.occupied.append(geom)
        return t

    def plan_closed(self, m):
        ctx, rng = self.ctx, self.rng
        spill = rng.random() < 0.3 and m['status'] != 'illegal_site'
        site = self.site_point(m, spill)
        if site is None:
            return False
        # most re-opened sites sit around the old adit inside the licence; some spill over its edge
        limit = m['poly'].buffer(250) if (spill or m['status'] == 'illegal_site') else m['poly'].buffer(-3)
        n_heaps = int(rng.choice([0, 1, 1, 1, 2, 2], p=None)) if m['status'] != 'illegal_site' else int(rng.integers(1, 3))
        if n_heaps == 0 and rng.random() < 0.5:
            n_heaps = 1
        mats_all = ['quartz_rock', 'grey_rock', 'red_oxidised', 'yellow_tailings']
        cluster = []
        # old, partly grown-over workings at the adit (same in both dates: not change)
        if rng.random() < 0.6:
            scar = blob(rng, site.x + rng.normal(0, 20), site.y + rng.normal(0, 20), rng.uniform(0.2, 0.8) * 1e4, 1.4)
            if ctx.inside(scar, 3 * ctx.px) and ctx.stats(scar)['water'] < 0.02:
                self.both.append(dict(kind='scar', geom=scar, cover=rng.uniform(0.25, 0.5),
                                      mat=str(rng.choice(['grey_rock', 'brown_soil', 'red_oxidised']))))
        for k in range(n_heaps):
            for _ in range(60):
                area = math.exp(rng.uniform(math.log(1000), math.log(15000)))
                if k == 0 or not cluster:
                    cx, cy = site.x + rng.normal(0, 15), site.y + rng.normal(0, 15)
                else:
                    a = rng.uniform(0, 2 * np.pi); d = math.sqrt(cluster[0].area / np.pi) + math.sqrt(area / np.pi) + rng.uniform(12, 60)
                    cx, cy = cluster[0].centroid.x + d * math.cos(a), cluster[0].centroid.y + d * math.sin(a)
                g = blob(rng, cx, cy, area, elong=rng.uniform(1.0, 2.2), rough=rng.uniform(0.2, 0.45))
                if not (self.ok_ground(g) and self.free(g) and limit.contains(g)):
                    continue
                mat = str(rng.choice(mats_all, p=[0.32, 0.2, 0.26, 0.22]))
                mat2 = str(rng.choice([x for x in mats_all + ['brown_soil'] if x != mat]))
                mix = float(rng.uniform(0.0, 0.4))
                hmax = float(rng.uniform(3, 14))
                self.add(m, g, 'spoil_heap', ('heap', dict(mats=(mat, mat2), mix=mix, hmax=hmax)),
                         'new %s heap/dump (%.2f ha, %.0f m high, %.0f%% %s patches)' % (
                             mat.replace('_', ' '), g.area / 1e4, hmax, mix * 100, mat2.replace('_', ' ')))
                cluster.append(g)
                break
        # leach pond
        if rng.random() < 0.88 or not cluster:
            for _ in range(80):
                sw = rng.uniform(15, 50); lw = min(max(sw * rng.uniform(1.3, 2.0), 25), 80)
                ang = rng.uniform(0, 180)
                ref = cluster[int(rng.integers(0, len(cluster)))] if cluster else site.buffer(1)
                a = rng.uniform(0, 2 * np.pi)
                d = math.sqrt(ref.area / np.pi) + math.hypot(sw, lw) / 2 + rng.uniform(6, 30)
                g = rect(ref.centroid.x + d * math.cos(a), ref.centroid.y + d * math.sin(a), sw, lw, ang)
                if not (self.ok_ground(g) and self.free(g, 6) and limit.contains(g)):
                    continue
                kind = str(rng.choice(['clear', 'turbid', 'green', 'hdpe'], p=[0.25, 0.3, 0.2, 0.25]))
                berm = float(min(rng.uniform(3, 6), sw / 4)); liner_ring = kind == 'hdpe' or rng.random() < 0.4
                fill = float(rng.uniform(0.3, 0.7)) if kind == 'hdpe' else 1.0
                self.add(m, g, 'leach_pond', ('pond', dict(sw=sw, lw=lw, ang=ang, kind=kind, berm=berm,
                                                           liner=liner_ring, fill=fill)),
                         'leach pond %.0fx%.0f m, %s%s, %.0f m earth berm' % (
                             sw, lw, {'clear': 'dark clear water', 'turbid': 'turbid brown water',
                                      'green': 'greenish water', 'hdpe': 'black HDPE liner %.0f%% filled' % (fill * 100)}[kind],
                             ', liner showing on the slopes' if liner_ring and kind != 'hdpe' else '', berm))
                cluster.append(g)
                break
        if not cluster:
            return False
        # vegetation clearing next to the workings
        if rng.random() < 0.8:
            hull = ops.unary_union(cluster)
            for _ in range(60):
                area = math.exp(rng.uniform(math.log(2000), math.log(20000)))
                a = rng.uniform(0, 2 * np.pi)
                rr = math.sqrt(hull.convex_hull.area / np.pi) + math.sqrt(area / np.pi) * rng.uniform(0.8, 1.2) + 6
                c = hull.centroid
                g = blob(rng, c.x + rr * math.cos(a), c.y + rr * math.sin(a), area, rng.uniform(1, 1.8), 0.35)
                if not (self.ok_ground(g) and self.free(g, 6) and limit.contains(g)):
                    continue
                if ctx.stats(g)['ndvi'] < 0.45:
                    continue
                soil = float(rng.uniform(0.5, 0.85))
                self.add(m, g, 'vegetation_loss', ('clearing', dict(soil=soil)),
                         'vegetation cleared to bare soil (%.2f ha, ~%.0f%% soil, rest slash and leftover plants)' % (
                             g.area / 1e4, soil * 100))
                cluster.append(g)
                break
        # access track toward existing roads / built-up ground
        if rng.random() < 0.88:
            tr = self.plan_track(m, cluster)
            if tr is not None:
                cluster.append(tr)
        if len(m['objects']) < 2:
            return False
        if m['status'] == 'illegal_site':
            core = ops.unary_union([t['geom'] for t in m['objects'] if t['cls'] != 'access_track'])
            hull = core.convex_hull
            target = rng.uniform(1.2, 3.8) * 1e4
            buf = 10.0
            poly = hull.buffer(buf, join_style=2)
            while poly.area < target and buf < 200:
                buf += 5; poly = hull.buffer(buf, join_style=2)
            poly = poly.simplify(6)
            # irregular: jitter vertices a little, keep it a simple polygon around the site
            xy = np.array(poly.exterior.coords)[:-1]
            xy += rng.normal(0, 6, xy.shape)
            p2 = Polygon(xy).buffer(0)
            m['poly'] = p2 if p2.is_valid and p2.contains(core) else poly
            if any(m['poly'].distance(o) < 200 for o in [p['poly'] for p in self._placed.values()]):
                return False
        # relation to the catalogue
        for t in m['objects']:
            if m['status'] == 'illegal_site':
                t['context'], t['relation'] = 'illegal_site', 'at_illegal_site'
            else:
                t['context'] = 'closed_mine'
                inside = t['geom'].intersection(m['poly']).area / t['geom'].area
                t['relation'] = 'inside_closed_mine' if inside >= 0.98 else 'near_closed_mine'
        return True

    def plan_track(self, m, cluster):
        ctx, rng = self.ctx, self.rng
        hull = ops.unary_union(cluster)
        c = hull.centroid
        rows, cols = np.nonzero(ctx.bright)
        xs, ys = ctx.xy(rows, cols)
        d = np.hypot(xs - c.x, ys - c.y)
        sel = (d > 180) & (d < 900)
        for _ in range(60):
            width = float(rng.uniform(3, 10))
            length = float(rng.uniform(150, 700))
            if sel.sum() > 20 and rng.random() < 0.85:
                w = np.exp(-d[sel] / 350.0)
                k = int(rng.choice(sel.sum(), p=w / w.sum()))
                tx, ty = xs[sel][k], ys[sel][k]
                length = float(np.clip(math.hypot(tx - c.x, ty - c.y) * rng.uniform(0.9, 1.05), 150, 700))
            else:
                a = rng.uniform(0, 2 * np.pi); tx, ty = c.x + 1000 * math.cos(a), c.y + 1000 * math.sin(a)
            ray = LineString([(c.x, c.y), (tx, ty)])
            hit = ray.intersection(hull.buffer(3).boundary)
            if hit.is_empty:
                continue
            p0 = hit if hit.geom_type == 'Point' else max(getattr(hit, 'geoms', [hit]), key=lambda g: g.distance(Point(c.x, c.y)))
            if p0.geom_type != 'Point':
                continue
            line = curve(rng, (p0.x, p0.y), (tx, ty), length, bend=rng.uniform(0.1, 0.4), wiggle=rng.uniform(4, 16))
            g = line.buffer(width / 2, cap_style=2, join_style=1).difference(hull.buffer(2))
            if g.geom_type != 'Polygon':
                g = max(g.geoms, key=lambda x: x.area) if hasattr(g, 'geoms') and len(g.geoms) else g
            if g.is_empty or g.geom_type != 'Polygon' or g.area < 0.8 * width * line.length * 0.8:
                continue
            if not ctx.inside(g, 2 * ctx.px) or ctx.stats(g)['water'] > 0.0:
                continue
            others = [o for o in self.occupied if o.distance(hull) > 1]
            if any(g.distance(o) < 6 for o in others) or g.distance(self.lattice) < 150:
                continue
            if any(g.intersects(t['geom'].buffer(1)) for t in m['objects']):
                continue
            mat = 'track_laterite' if rng.random() < (0.7 if ctx.sc['name'] in ('aguasclaras', 'tanzania') else 0.2) else 'track_gravel'
            self.add(m, g, 'access_track', ('track', dict(mat=mat, width=width, line=line)),
                     'new access track %.0f m long, %.1f m wide (%s), curving toward existing roads/built ground' % (
                         line.length, width, 'red laterite' if mat == 'track_laterite' else 'graded gravel/soil'))
            return g
        return None

    def plan_active(self, m):
        ctx, rng = self.ctx, self.rng
        poly = m['poly']
        inner = poly.buffer(-40)
        if inner.is_empty:
            return False
        minx, miny, maxx, maxy = inner.bounds
        for _ in range(80):
            c = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
            if not inner.contains(c):
                continue
            pit = blob(rng, c.x, c.y, rng.uniform(1.0, 3.0) * 1e4, rng.uniform(1.2, 2.0), 0.25)
            a = rng.uniform(0, 2 * np.pi)
            dd = math.sqrt(pit.area / np.pi) + 60
            old = blob(rng, c.x + dd * math.cos(a), c.y + dd * math.sin(a), rng.uniform(0.8, 2.0) * 1e4, 1.5, 0.35)
            if not (poly.contains(pit) and poly.contains(old) and self.ok_ground(pit.union(old).buffer(10), 0.0)):
                continue
            mat = str(rng.choice(['quartz_rock', 'grey_rock', 'red_oxidised', 'yellow_tailings']))
            # growth of the old heap: new ground covered next to it
            for _ in range(40):
                b2 = rng.uniform(0, 2 * np.pi)
                ro = math.sqrt(old.area / np.pi)
                grow = blob(rng, old.centroid.x + ro * 0.9 * math.cos(b2), old.centroid.y + ro * 0.9 * math.sin(b2),
                            rng.uniform(0.35, 1.3) * 1e4, 1.3, 0.3).difference(old.buffer(1))
                if grow.geom_type != 'Polygon':
                    grow = max(grow.geoms, key=lambda x: x.area) if hasattr(grow, 'geoms') else grow
                if grow.is_empty or grow.area < 2000 or not poly.buffer(-5).contains(grow) or grow.intersects(pit.buffer(5)):
                    continue
                if not self.ok_ground(grow):
                    continue
                self.both.append(dict(kind='pit', geom=pit))
                self.both.append(dict(kind='heap', geom=old, mat=mat))
                self.occupied += [pit.buffer(5), old.buffer(2)]
                t = self.add(m, grow, 'spoil_heap', ('heap', dict(mats=(mat, 'grey_rock'), mix=0.15, hmax=float(rng.uniform(6, 15)))),
                             'licensed growth of the active mine\'s existing %s dump (%.2f ha new footprint)' % (
                                 mat.replace('_', ' '), grow.area / 1e4), mining=False)
                t['context'], t['relation'] = 'active_mine', 'inside_active_mine'
                m['notes'] = 'existing open pit %.1f ha and %s dump %.1f ha in both dates' % (pit.area / 1e4, mat, old.area / 1e4)
                return True
        return False

    # ---- optional harvested / ploughed field far from mines
    def place_field(self):
        ctx, rng = self.ctx, self.rng
        if rng.random() > 0.65:
            return
        for dmin in (1000, 700):
            for _ in range(400):
                w, l = rng.uniform(60, 140), rng.uniform(90, 220)
                g = rect(rng.uniform(ctx.x0, ctx.x1), rng.uniform(ctx.y1, ctx.y0), w, l, rng.uniform(0, 180))
                if not (self.ok_ground(g.buffer(10), 0.0) and self.free(g, 20)):
                    continue
                if any(g.distance(mm['poly']) < dmin for mm in self.mines):
                    continue
                if ctx.stats(g)['ndvi'] < 0.5:
                    continue
                kind = str(rng.choice(['ploughed', 'harvested']))
                t = dict(geom=g, cls='other_change', mining=False, context='far_from_mines', relation='outside_catalogue',
                         mine=None, group=None, paint=('field', dict(kind=kind, angle=float(rng.uniform(0, 180)))),
                         desc='farm field %s (%.1f ha): green crop/grass before, %s after' % (
                             kind, g.area / 1e4, 'bare ploughed soil' if kind == 'ploughed' else 'stubble and soil'))
                self.truth.append(t); self.occupied.append(g)
                return


# ------------------------------------------------------------------------------------------ render objects
def paint_objects(ctx, pl, rng):
    after_c = Canvas(ctx)            # change painted into the after date only
    both_c = Canvas(ctx)             # existing features painted into both dates
    sp = ctx.spec
    for t in pl.truth:
        kind, p = t['paint']
        g = t['geom']
        win, m, f = ctx.fine(g)
        t['win'], t['f'] = win, f
        if kind == 'heap':
            tgt = heap_target(ctx, rng, win, m, f, p['mats'], p['mix'], p['hmax'])
        elif kind == 'pond':
            c = g.centroid
            sw, lw, ang, berm = p['sw'], p['lw'], p['ang'], p['berm']
            inner = rect(c.x, c.y, sw - 2 * berm, lw - 2 * berm, ang)
            slope = rect(c.x, c.y, max(sw - 2 * berm - 5, 3), max(lw - 2 * berm - 5, 5), ang) if p['liner'] else inner
            if p['fill'] < 1.0:            # water pooled at one end of the lined pond
                L = max(lw - 2 * berm - 5, 5)
                wet = rect(0, 0, max(sw - 2 * berm - 5, 3), L * p['fill'], 0)
                wet = affinity.translate(wet, 0, -(L - L * p['fill']) / 2)
                wet = affinity.translate(affinity.rotate(wet, ang, origin=(0, 0)), c.x, c.y)
            else:
                wet = slope
            _, _, f_in = ctx.fine(inner, win)
            _, _, f_wet = ctx.fine(wet, win)
            f_berm = np.clip(f - f_in, 0, None)
            f_liner = np.clip(f_in - f_wet, 0, None)
            water = {'clear': sp['water_clear'], 'turbid': sp['water_turbid'], 'green': sp['water_green'],
                     'hdpe': 0.6 * sp['water_clear']}[p['kind']]
            ripple = 1 + 0.02 * smooth_noise(rng, f.shape, 0.5)
            tgt = (f_berm[None] * flat_target(ctx, rng, f, sp['track_gravel'], 0.05)
                   + f_liner[None] * sp['hdpe_black'][:, None, None]
                   + f_wet[None] * water[:, None, None] * ripple[None]) / np.maximum(f, 1e-9)[None]
        elif kind == 'track':
            tgt = flat_target(ctx, rng, f, sp[p['mat']], 0.05, 1.0)
        elif kind == 'clearing':
            s = np.clip(p['soil'] + 0.12 * smooth_noise(rng, f.shape, 0.8), 0.2, 0.98)
            n = (1 - s) * rng.uniform(0.4, 0.8)
            gv = 1 - s - n
            tgt = (s[None] * sp['brown_soil'][:, None, None] + n[None] * sp['npv_litter'][:, None, None]
                   + gv[None] * sp['green_veg'][:, None, None]) * (1 + 0.04 * smooth_noise(rng, f.shape, 0.6))[None]
        elif kind == 'fishpond':
            _, _, f_w = ctx.fine(p['water'], win)
            f_d = np.clip(f - f_w, 0, None)
            dyke = 0.7 * sp['brown_soil'] + 0.3 * sp['green_veg']
            tgt = (f_d[None] * dyke[:, None, None] + f_w[None] * sp[p['kind']][:, None, None]
                   * (1 + 0.02 * smooth_noise(rng, f.shape, 0.5))[None]) / np.maximum(f, 1e-9)[None]
        elif kind == 'field':
            r0, r1, c0, c1 = win
            yy, xx = np.mgrid[r0:r1, c0:c1] * ctx.px
            a = math.radians(p['angle'])
            stripes = 0.04 * np.sin(2 * np.pi * (xx * math.cos(a) + yy * math.sin(a)) / 24.0)
            if p['kind'] == 'ploughed':
                spec = 0.8 * sp['brown_soil']
            else:
                spec = 0.55 * sp['npv_litter'] + 0.35 * sp['brown_soil'] + 0.10 * sp['green_veg']
            tgt = spec[:, None, None] * (1 + stripes + 0.03 * smooth_noise(rng, f.shape, 0.7))[None]
        else:
            raise ValueError(kind)
        after_c.add(win, f, tgt)
    for b in pl.both:
        win, m, f = ctx.fine(b['geom'])
        if b['kind'] == 'scar':
            tgt = flat_target(ctx, rng, f, sp[b['mat']], 0.08, 0.8)
            f = f * b['cover']
        elif b['kind'] == 'pit':
            # benches of fresh rock and soil, partly in the shade of the pit walls
            tgt = flat_target(ctx, rng, f, 0.85 * (0.45 * sp['grey_rock'] + 0.35 * sp['brown_soil'] + 0.2 * sp['red_oxidised']),
                              0.12, 0.6)
        else:
            tgt = heap_target(ctx, rng, win, m, f, (b['mat'], 'grey_rock'), 0.2, 10.0)
        both_c.add(win, f, tgt)
    return after_c, both_c


# --------------------------------------------------------------------------------------------- cloud
def make_cloud(ctx, rng, R, centre, height):
    """Cloud opacity and its shadow; both computed on a canvas padded by the shadow shift so that the part
    of a cloud outside the scene still casts its shadow inside."""
    el, az = math.radians(ctx.sun[0]), math.radians(ctx.sun[1])
    d = height / math.tan(el)
    dcol = -d * math.sin(az) / ctx.px; drow = d * math.cos(az) / ctx.px
    P = int(math.ceil(max(abs(dcol), abs(drow)))) + 8
    H, W = ctx.H + 2 * P, ctx.W + 2 * P
    r, c = ctx.rc(*centre)
    r, c = r + P, c + P
    yy, xx = np.mgrid[0:H, 0:W] + 0.5
    field = np.zeros((H, W))
    Rp = R / ctx.px
    for _ in range(int(rng.integers(3, 7))):
        cr, cc = r + rng.normal(0, Rp * 0.35), c + rng.normal(0, Rp * 0.35)
        s = Rp * rng.uniform(0.35, 0.6)
        field += rng.uniform(0.6, 1.0) * np.exp(-((yy - cr) ** 2 + (xx - cc) ** 2) / (2 * s * s))
    n1 = smooth_noise(rng, (H, W), max(Rp / 8, 1.0)); n2 = smooth_noise(rng, (H, W), max(Rp / 20, 0.7))
    env = np.exp(-((yy - r) ** 2 + (xx - c) ** 2) / (2 * (1.6 * Rp) ** 2))
    field = field * (1 + 0.35 * n1) + 0.06 * n2 * env
    thick = np.clip((field - 0.35) / 0.25, 0, 1); thick = thick * thick * (3 - 2 * thick)
    haze = 0.22 * np.clip((field - 0.12) / 0.23, 0, 1)
    alpha = np.maximum(thick * (0.93 + 0.07 * n2.clip(-1, 1)), haze).clip(0, 1)
    shadow = ndi.shift(np.minimum(alpha * 1.15, 1.0), (drow, dcol), order=1, mode='constant', cval=0)
    shadow = ndi.gaussian_filter(shadow, 0.8)
    alpha = alpha[P:P + ctx.H, P:P + ctx.W]; shadow = shadow[P:P + ctx.H, P:P + ctx.W]
    mask = (alpha > 0.03) | (shadow > 0.05)
    mask = ndi.binary_dilation(mask, iterations=1)
    return alpha, shadow, mask, (drow, dcol)


def apply_cloud(ctx, img, alpha, shadow, rng):
    sc = ctx.sc
    off = sc['offset'][1]; gain = sc['gain'][1]
    out = img.copy()
    # TOA-like cloud value in the file's units (for surface reflectance data the cloud stays bright: it is
    # not corrected away)
    if sc['sensor'] == 'landsat-tm':
        K, DN0 = sc['etm_K'][1], sc['etm_DN0'][1]
        cloud = DN0 + K * ctx.spec['cloud']
    else:
        cloud = ctx.spec['cloud'] * sc['scale'][1]
    tex = 1 + 0.06 * smooth_noise(rng, alpha.shape, 1.5)
    for b in range(6):
        # shadow: direct beam removed, diffuse sky light and path radiance remain
        v = off[b] + (out[b] - off[b]) * (1 - shadow * (1 - KD_SHADOW[b]))
        out[b] = (1 - alpha) * v + alpha * cloud[b] * tex
    return out


def place_cloud(ctx, pl, rng):
    truth = pl.truth
    mode = 'partial' if rng.random() < 0.6 else 'clear'
    big = ctx.px > 15
    H, W = ctx.H, ctx.W

    def mf_all(mask):
        out = []
        for t in truth:
            r0, r1, c0, c1 = t['win']
            f = t['f']
            out.append(float((f * mask[r0:r1, c0:c1]).sum() / max(f.sum(), 1e-9)))
        return out

    for attempt in range(400):
        if attempt == 250 and mode == 'partial':
            mode = 'clear'
        R = rng.uniform(300, 800) if big else rng.uniform(130, 320)
        height = rng.uniform(800, 2200)
        el, az = math.radians(ctx.sun[0]), math.radians(ctx.sun[1])
        d = height / math.tan(el)
        sdx, sdy = -d * math.sin(az), -d * math.cos(az)          # shadow offset (east, north), metres
        if mode == 'partial':
            cands = [t for t in truth if t['cls'] != 'access_track' or rng.random() < 0.3]
            tgt = cands[int(rng.integers(0, len(cands)))]
            c = tgt['geom'].centroid
            a = rng.uniform(0, 2 * np.pi); dist = R * rng.uniform(0.7, 1.3)
            px_, py_ = c.x + dist * math.cos(a), c.y + dist * math.sin(a)
            if rng.random() < 0.5:        # the shadow edge crosses the object
                px_, py_ = px_ - sdx, py_ - sdy
        else:
            px_, py_ = rng.uniform(ctx.x0, ctx.x1), rng.uniform(ctx.y1, ctx.y0)
        alpha, shadow, mask, shift = make_cloud(ctx, rng, R, (px_, py_), height)
        frac = mask.mean()
        if not (0.005 < frac < 0.12):
            continue
        if (alpha > 0.5).sum() < 20 or (shadow > 0.5).sum() < 10:     # cloud and some of its shadow in view
            continue
        mfs = mf_all(mask)
        if mode == 'partial':
            hit = [i for i, v in enumerate(mfs) if v > 0]
            if len(hit) != 1 or not (0.1 <= mfs[hit[0]] <= 0.75):
                continue
        else:
            if any(v > 0 for v in mfs):
                continue
        for t, v in zip(truth, mfs):
            t['masked_fraction'] = v
        return alpha, shadow, mask, dict(mode=mode, radius_m=R, height_m=height, shadow_shift_px=shift,
                                         mask_fraction=float(frac))
    raise RuntimeError('could not place the cloud')


# --------------------------------------------------------------------------------------------- output
def write_tif(path, arr, ctx, dtype, nodata, desc=None, tags=None):
    prof = dict(driver='GTiff', width=ctx.W, height=ctx.H, count=arr.shape[0], dtype=dtype, crs=ctx.sc['crs'],
                transform=ctx.sc['transform'], compress='deflate', tiled=True, blockxsize=256, blockysize=256)
    if nodata is not None:
        prof['nodata'] = nodata
    with rasterio.open(path, 'w', **prof) as d:
        d.write(arr.astype(dtype))
        if desc:
            for i, n in enumerate(desc):
                d.set_band_description(i + 1, n)
        if tags:
            d.update_tags(**tags)
            if 'REFLECTANCE_SCALE' in tags:      # the same scale as standard GDAL band scale/offset
                d.scales = [1.0 / float(tags['REFLECTANCE_SCALE'])] * arr.shape[0]
                d.offsets = [0.0] * arr.shape[0]


def to_units(ctx, img, valid):
    out = np.rint(img)
    out = np.clip(out, 1, ctx.sc['maxval'])
    out[:, ~valid] = 0
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--background', required=True, choices=['rennes', 'hongkong', 'aguasclaras', 'tanzania', 'taizhou'])
    ap.add_argument('--seed', type=int, required=True)
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rng = np.random.default_rng([a.seed, zlib.crc32(a.background.encode())])
    sc = crop(bg.load(a.background))
    ctx = Ctx(sc, rng)
    pl = Planner(ctx)
    pl.place_lattice()
    pl.place_mines()
    pl.place_field()
    after_c, both_c = paint_objects(ctx, pl, rng)
    psf = sc['psf']
    before = both_c.apply(sc['before'], 0, psf, rng) if pl.both else sc['before'].copy()
    after = both_c.apply(sc['after'], 1, psf, rng) if pl.both else sc['after'].copy()
    after = after_c.apply(after, 1, psf, rng)
    alpha, shadow, mask, cloudinfo = place_cloud(ctx, pl, rng)
    after = apply_cloud(ctx, after, alpha, shadow, rng)
    valid = ctx.valid
    before_u = to_units(ctx, before, valid); after_u = to_units(ctx, after, valid)

    # truth raster: a pixel is planted change where an object covers >= 25 % of it; for a track, where it
    # covers >= half of what its width could cover (so a 3 m track at 10 m counts pixels it runs through)
    truth_r = np.zeros((ctx.H, ctx.W), np.uint8)
    for t in pl.truth:
        r0, r1, c0, c1 = t['win']
        thr = 0.25
        if t['cls'] == 'access_track':
            thr = min(0.25, 0.5 * t['paint'][1]['width'] / ctx.px)
        truth_r[r0:r1, c0:c1][t['f'] >= thr] = 1
    truth_r[mask] = 255

    dates = sc['dates']
    for name, arr, date, scale in (('before.tif', before_u, dates[0], sc['scale'][0]), ('after.tif', after_u, dates[1], sc['scale'][1])):
        write_tif(os.path.join(a.out, name), arr, ctx, 'uint16', 0, sc['band_names'],
                  dict(REFLECTANCE_SCALE=str(int(scale)), ACQUISITION_DATE=date, SENSOR=sc['sensor'],
                       SOURCE='%s (%s), planted by benches/crosscheck/plant.py seed %d' % (sc['name'], sc['units'], a.seed)))
    write_tif(os.path.join(a.out, 'after_mask.tif'), mask[None].astype(np.uint8), ctx, 'uint8', None, ['cloud_or_shadow'])
    write_tif(os.path.join(a.out, 'truth_change.tif'), truth_r[None], ctx, 'uint8', None, ['planted_change'])

    to4326 = Transformer.from_crs(sc['crs'], 4326, always_xy=True).transform

    def geo(g):
        g2 = shapely.transform(g, to4326, interleaved=False)
        return json.loads(json.dumps(mapping(g2)), parse_float=lambda s: round(float(s), 8))

    cat = dict(type='FeatureCollection', name='catalogue', features=[])
    for m in pl.mines:
        cat['features'].append(dict(type='Feature', properties=dict(id=m['id'], name=m['name'], status=m['status'],
                                                                    mineral='gold'), geometry=geo(m['poly'])))
    with open(os.path.join(a.out, 'catalogue.geojson'), 'w', encoding='utf-8') as fh:
        json.dump(cat, fh, ensure_ascii=False, indent=1)

    tr = dict(type='FeatureCollection', name='truth', features=[])
    for i, t in enumerate(pl.truth):
        t['id'] = 'T%03d' % (i + 1)
        mo = t.get('mine_obj')
        tr['features'].append(dict(type='Feature', properties={
            'truth_id': t['id'], 'class': t['cls'], 'mining': bool(t['mining']), 'context': t['context'],
            'expected_relation': t['relation'], 'mine_id': mo['id'] if mo else None,
            'area_m2': round(float(t['geom'].area), 1), 'masked_fraction': round(float(t['masked_fraction']), 4),
            'group': t['group'], 'description': t['desc']}, geometry=geo(t['geom'])))
    with open(os.path.join(a.out, 'truth.geojson'), 'w', encoding='utf-8') as fh:
        json.dump(tr, fh, ensure_ascii=False, indent=1)

    write_readme(a, ctx, pl, cloudinfo, os.path.join(a.out, 'README.txt'), to4326)
    print('%s seed %d: %d mines, %d truth objects, cloud %s (mask %.1f%%)' % (
        a.background, a.seed, len(pl.mines), len(pl.truth), cloudinfo['mode'], 100 * cloudinfo['mask_fraction']))


SPEC_NOTES = {
    'quartz_rock': 'fresh white/light-grey vein quartz + granite waste (quartz is flat and bright in VNIR-SWIR; '
                   'sericite/kaolinite Al-OH 2.2 um lowers B12) - cf. USGS splib07 quartz, ASTER granite',
    'grey_rock': 'darker fresh waste rock (andesite/greywacke) - ASTER igneous/sedimentary rock spectra, scaled',
    'red_oxidised': 'reddish oxidised soil / gossan: hematite+goethite (blue-green absorption, 0.87-0.9 um Fe3+ band), '
                    'kaolinite doublet 2.16/2.21 um - cf. USGS hematite-bearing soils, lateritic soils',
    'yellow_tailings': 'yellowish fine tailings with jarosite/goethite (0.92 um band, 2.26 um jarosite) - cf. USGS '
                       'mine-waste (Leadville) spectra',
    'brown_soil': 'moist brown loam, freshly exposed topsoil - cf. ASTER/ECOSTRESS soils, brightness lowered for moisture',
    'npv_litter': 'slash, dry leaves: cellulose/lignin bands 1.73, 2.09 um - cf. USGS dry vegetation',
    'green_veg': 'green broadleaf canopy (red-edge, leaf-water bands) - cf. USGS/ASTER vegetation',
    'track_gravel': 'compacted dusty gravel/soil road surface',
    'track_laterite': 'red laterite (murram) track',
    'water_clear': 'deep clear water (dark, ~0 beyond 0.8 um)',
    'water_turbid': 'sediment-laden brown water (peak 0.6-0.7 um, NIR shoulder)',
    'water_green': 'greenish pond: algae/fine suspended matter (green peak, red trough)',
    'hdpe_black': 'carbon-black HDPE geomembrane: flat ~5 %, C-H bands 1.73/2.31 um (cf. USGS splib07 plastics)',
    'water_fishpond': 'eutrophic aquaculture pond water',
    'wet_mud': 'wet mud of a drained / newly dug pond',
    'cloud': 'thick water cloud (TOA): flat and bright in VNIR, liquid-water absorption in SWIR',
}


def write_readme(a, ctx, pl, cloud, path, to4326):
    sc = ctx.sc
    L = []
    w = L.append
    w('Independent planted scene: %s, seed %d' % (sc['name'], a.seed))
    w('Generated by benches/crosscheck/plant.py (written apart from goldsweep-synth and goldsweep plant).')
    w('')
    w('BACKGROUND')
    w('  source units: %s; sensor %s; dates before %s, after %s' % (sc['units'], sc['sensor'], *sc['dates']))
    w('  grid: %d x %d px of %.0f m, CRS %s, origin (%.1f, %.1f)%s' % (
        ctx.W, ctx.H, ctx.px, sc['crs'].to_string(), ctx.x0, ctx.y0,
        ', cropped at row %d col %d from %dx%d' % (sc['crop'][0], sc['crop'][1], sc['crop'][5], sc['crop'][4]) if 'crop' in sc else ''))
    if sc['name'] in ('rennes', 'hongkong', 'aguasclaras'):
        w('  OSCD: every band of both dates sampled bilinearly onto the imgs_1 B02 pixel grid through each file\'s own')
        w('  lon/lat geotransform (20 m bands upsampled; Hong Kong imgs_2, another tile 2 px smaller, rescaled onto it).')
        w('  The OSCD lon/lat boxes are stretched, so the native 10 m pixels are given a north-up UTM grid of 10 m')
        w('  centred on the box centre: geolocation is approximate (tens of metres), internal geometry is exact.')
    if sc['name'] == 'tanzania':
        w('  Tanzania: bands B2,B3,B4,B8,B11,B12 taken from the 10-band stack by band description, 20 m -> 10 m bilinear')
        w('  (pixel centres aligned). Painted objects use a PSF of 1.0 px (10 m grid) to match the 20 m source.')
    if sc['name'] == 'taizhou':
        w('  Taizhou: the files are Landsat 7 ETM+ (per the ENVI headers/MTL names), 8-bit L1 digital numbers, not')
        w('  reflectance. Values are kept as DN. REFLECTANCE_SCALE = DN per unit TOA reflectance, from the ETM+')
        w('  high-gain calibration (Chander et al. 2009: LMIN/LMAX, ESUN) with the sun elevation of each date and the')
        w('  Earth-Sun distance, geometric mean over the 6 bands (per-band DN per unit reflectance:')
        for i, K in enumerate(sc['etm_K']):
            w('    %s: %s)' % (sc['dates'][i], ', '.join('%s %.0f' % (n, k) for n, k in zip(sc['band_names'], K))))
        w('  High gain was assumed because the darkest water then reads ~0.04 TOA reflectance in NIR (low gain gives')
        w('  ~0.07), and the blue/red/SWIR DN fall with the sun between the dates as high gain predicts.')
        w('  The value/scale ratio is therefore a +-25 % approximation per band; the dates differ (sun elevation).')
    w('  sun (elevation, azimuth) before %.1f/%.1f, after %.1f/%.1f deg (computed for the overpass time)' % (
        sc['sun'][0][0], sc['sun'][0][1], sc['sun'][1][0], sc['sun'][1][1]))
    w('')
    w('RADIOMETRY OF PAINTED SURFACES (value = offset + gain * surface reflectance, per date and band)')
    w('  offset = dark-object path signal: 0.1st percentile of the band minus gain x dark reflectance (1 % VIS ..')
    w('  0.1 %% SWIR2); gain = scale x effective two-way transmittance %s (L1C/DN data); Tanzania is' % [float(v) for v in bg.T_EFF])
    w('  already surface reflectance (offset 0, gain 1000).')
    for i, d in enumerate(sc['dates']):
        w('  %s offset %s' % (d, ' '.join('%.1f' % v for v in sc['offset'][i])))
        w('  %s gain   %s' % (d, ' '.join('%.1f' % v for v in sc['gain'][i])))
    w('  Painting: after = (1-f)*after + f*target with f the area fraction of the object per pixel (7x7 subsamples),')
    w('  target = material mix x texture (+ slope shading for heaps: flat-topped dumps with 28-36 deg sides lit by')
    w('  the after-date sun), sensor noise 0.002 reflectance, and the change (f*(target-after)) blurred by a Gaussian')
    w('  PSF of %s px per band.' % [float(v) for v in sc['psf']])
    w('')
    w('SPECTRA (surface reflectance, band-averaged over trapezoid passbands %s)' % (
        'Sentinel-2A MSI' if sc['sensor'] == 'sentinel2' else 'Landsat ETM+/TM'))
    w('  %-16s %s' % ('material', ' '.join('%6s' % b for b in sc['band_names'])))
    for k in S.LIB:
        w('  %-16s %s   %s' % (k, ' '.join('%6.3f' % v for v in ctx.spec[k]), SPEC_NOTES[k]))
    w('  Curves are representative shapes of USGS splib07 / ECOSTRESS(ASTER) library types, written by hand at 35')
    w('  wavelengths 0.40-2.45 um and integrated over each passband; not copied from any one library file.')
    w('')
    w('CATALOGUE (catalogue.geojson, EPSG:4326)')
    for m in pl.mines:
        c = shapely.transform(m['poly'].centroid, to4326, interleaved=False)
        w('  %s %s status=%s area %.1f ha at %.5f,%.5f; intended land cover: %s%s' % (
            m['id'], m['name'], m['status'], m['poly'].area / 1e4, c.x, c.y, m['cover'],
            '; ' + m['notes'] if m.get('notes') else ''))
    w('')
    w('PLANTED OBJECTS (truth.geojson)')
    for t in pl.truth:
        c = shapely.transform(t['geom'].centroid, to4326, interleaved=False)
        mo = t.get('mine_obj')
        w('  %s %-15s mining=%-5s %-12s %-18s mine=%-6s area %8.0f m2 masked %.2f at %.5f,%.5f%s' % (
            t['id'], t['cls'], t['mining'], t['context'], t['relation'], mo['id'] if mo else '-', t['geom'].area,
            t['masked_fraction'], c.x, c.y, ' group=' + t['group'] if t['group'] else ''))
        w('       %s' % t['desc'])
    w('')
    w('NOT CHANGE (painted identically into both dates)')
    for b in pl.both:
        w('  %s %.2f ha%s' % ({'scar': 'old partly grown-over workings at a closed mine', 'pit': 'active mine open pit',
                                'heap': 'active mine existing dump'}[b['kind']], b['geom'].area / 1e4,
                               ' (%.0f%% cover of %s)' % (b['cover'] * 100, b['mat']) if b['kind'] == 'scar' else ''))
    w('')
    w('CLOUD: one synthetic cumulus, radius ~%.0f m, height %.0f m, shadow shifted (%.1f, %.1f) px (row, col) away from' % (
        cloud['radius_m'], cloud['height_m'], *cloud['shadow_shift_px']))
    w('  the sun; mode %s; mask (cloud alpha > 0.03 incl. its thin haze rim, or shadow > 0.05, +1 px) covers %.1f %%' % (
        cloud['mode'], 100 * cloud['mask_fraction']))
    w('  of the scene. Cloud TOA spectrum above; in the shadow the direct beam is removed (diffuse share left: %s).' % [float(v) for v in KD_SHADOW])
    w('')
    w('TRUTH RASTER truth_change.tif: 1 where an object covers >= 25 % of a pixel (a track: >= half of what its width')
    w('  can cover, capped at 25 %), 255 under after_mask, else 0.')
    w('Pond lattice polygons are pond cells (water + half of the new dykes), as leach-pond polygons include their berm.')
    w('Other pieces: ' + '; '.join(pl.notes))
    with open(path, 'w', encoding='utf-8') as fh:
        fh.write('\n'.join(L) + '\n')


if __name__ == '__main__':
    main()
