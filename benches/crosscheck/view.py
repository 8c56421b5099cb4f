#!/usr/bin/env python3
"""before | after | truth PNG for a planted scene (plus a zoom strip around each mine)."""
import sys, json, os
import numpy as np, rasterio
from rasterio import features
from PIL import Image, ImageDraw
from pyproj import Transformer
import shapely
from shapely.geometry import shape
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from viewlib import rgb

CLS = {'spoil_heap': (255, 60, 60), 'leach_pond': (40, 120, 255), 'access_track': (255, 220, 0),
       'vegetation_loss': (255, 140, 0), 'other_change': (200, 0, 255)}

def main(d, zoom=True):
    with rasterio.open(os.path.join(d, 'before.tif')) as s:
        B = s.read().astype(float) / float(s.tags()['REFLECTANCE_SCALE']); tr = s.transform; crs = s.crs
    with rasterio.open(os.path.join(d, 'after.tif')) as s:
        A = s.read().astype(float) / float(s.tags()['REFLECTANCE_SCALE'])
    M = rasterio.open(os.path.join(d, 'after_mask.tif')).read(1)
    T = rasterio.open(os.path.join(d, 'truth_change.tif')).read(1)
    a, lo, hi = rgb(B); b, _, _ = rgb(A, lo=lo, hi=hi)
    truth = json.load(open(os.path.join(d, 'truth.geojson')))
    cat = json.load(open(os.path.join(d, 'catalogue.geojson')))
    t = Transformer.from_crs(4326, crs.to_wkt(), always_xy=True)
    inv = ~tr
    def pix(g):
        g = shapely.transform(shape(g), lambda x, y: t.transform(x, y), interleaved=False)
        return shapely.transform(g, lambda x, y: inv * (x, y), interleaved=False)
    c = (0.55 * b).astype(np.uint8)
    c[T == 1] = (0.4 * c[T == 1] + 0.6 * np.array([255, 255, 255])).astype(np.uint8)
    c[T == 255] = (0.5 * c[T == 255] + 0.5 * np.array([0, 160, 160])).astype(np.uint8)
    scale = 2 if B.shape[1] < 500 else 1
    ims = []
    for arr in (a, b, c):
        im = Image.fromarray(arr).resize((arr.shape[1] * scale, arr.shape[0] * scale), Image.NEAREST)
        ims.append(im)
    dr = ImageDraw.Draw(ims[2])
    for f in cat['features']:
        g = pix(f['geometry'])
        col = (0, 255, 0) if f['properties']['status'] == 'active' else (255, 255, 255)
        dr.line([(x * scale, y * scale) for x, y in g.exterior.coords], fill=col, width=1)
    for f in truth['features']:
        g = pix(f['geometry'])
        dr.line([(x * scale, y * scale) for x, y in g.exterior.coords], fill=CLS[f['properties']['class']], width=1)
    W = sum(i.width for i in ims) + 8; H = ims[0].height
    out = Image.new('RGB', (W, H), 'white'); x = 0
    for i in ims:
        out.paste(i, (x, 0)); x += i.width + 4
    out.save(os.path.join(d, 'view.png'))
    if zoom:   # per-mine zoom: before | after | false colour after (SWIR1, NIR, red)
        fa, lo2, hi2 = rgb(A, (4, 3, 2)); fb, _, _ = rgb(B, (4, 3, 2), lo2, hi2)
        rows = []
        for f in cat['features']:
            g = pix(f['geometry']).buffer(300 / abs(tr.a))
            x0, y0, x1, y1 = [int(v) for v in g.bounds]
            x0, y0 = max(x0, 0), max(y0, 0); x1, y1 = min(x1, B.shape[2]), min(y1, B.shape[1])
            z = max(1, int(240 / max(x1 - x0, y1 - y0)))
            tiles = []
            for arr in (a, b, fb, fa):
                im = Image.fromarray(np.ascontiguousarray(arr[y0:y1, x0:x1])).resize(((x1 - x0) * z, (y1 - y0) * z), Image.NEAREST)
                tiles.append(im)
            dr = ImageDraw.Draw(tiles[3])
            gg = pix(f['geometry'])
            dr.line([((x - x0) * z, (y - y0) * z) for x, y in gg.exterior.coords], fill=(255, 255, 255), width=1)
            for tf in truth['features']:
                tg = pix(tf['geometry'])
                if tg.intersects(g):
                    dr.line([((x - x0) * z, (y - y0) * z) for x, y in tg.exterior.coords], fill=CLS[tf['properties']['class']], width=1)
            rows.append(tiles)
        W = max(sum(t.width for t in r) + 12 for r in rows); H = sum(r[0].height for r in rows) + 4 * len(rows)
        out = Image.new('RGB', (W, H), 'white'); y = 0
        for r in rows:
            x = 0
            for t_ in r:
                out.paste(t_, (x, y)); x += t_.width + 4
            y += r[0].height + 4
        out.save(os.path.join(d, 'zoom.png'))

if __name__ == '__main__':
    for d in sys.argv[1:]:
        main(d)
