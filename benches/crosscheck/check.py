#!/usr/bin/env python3
"""Check the planted scenes: grids, CRS, dtype, bands, metadata, masks, vector files."""
import sys, json, os
import numpy as np, rasterio
from shapely.geometry import shape
ok_all = True
for d in sys.argv[1:]:
    errs = []
    with rasterio.open(os.path.join(d, 'before.tif')) as b, rasterio.open(os.path.join(d, 'after.tif')) as a:
        ref = (b.crs, b.transform, b.width, b.height)
        for s, nm in ((b, 'before'), (a, 'after')):
            if (s.crs, s.transform, s.width, s.height) != ref: errs.append(nm + ' grid differs')
            if s.count != 6 or set(s.dtypes) != {'uint16'} or s.nodata != 0: errs.append(nm + ' bands/dtype/nodata')
            t = s.tags()
            for k in ('REFLECTANCE_SCALE', 'ACQUISITION_DATE', 'SENSOR'):
                if k not in t: errs.append(nm + ' lacks ' + k)
            if not s.crs.is_projected or 'UTM' not in s.crs.to_wkt(): errs.append(nm + ' not UTM')
            desc = s.descriptions
        sensor = b.tags()['SENSOR']
        want = ['B02', 'B03', 'B04', 'B08', 'B11', 'B12'] if sensor == 'sentinel2' else ['B1', 'B2', 'B3', 'B4', 'B5', 'B7']
        if list(b.descriptions) != want or list(a.descriptions) != want: errs.append('band descriptions')
        A = a.read(); B = b.read()
        info = '%s %dx%d %s scale %s/%s dates %s/%s' % (sensor, b.width, b.height, b.crs.to_string(), b.tags()['REFLECTANCE_SCALE'],
                                                     a.tags()['REFLECTANCE_SCALE'], b.tags()['ACQUISITION_DATE'], a.tags()['ACQUISITION_DATE'])
    for nm, dt in (('after_mask.tif', 'uint8'), ('truth_change.tif', 'uint8')):
        with rasterio.open(os.path.join(d, nm)) as s:
            if (s.crs, s.transform, s.width, s.height) != ref or s.dtypes[0] != dt: errs.append(nm + ' grid/dtype')
            v = s.read(1)
            if nm == 'after_mask.tif':
                mask = v; mfrac = v.mean()
                if set(np.unique(v)) - {0, 1}: errs.append('mask values')
            else:
                tc = v
                if set(np.unique(v)) - {0, 1, 255}: errs.append('truth values')
    if not np.array_equal(tc == 255, mask == 1): errs.append('truth 255 != mask')
    cat = json.load(open(os.path.join(d, 'catalogue.geojson')))['features']
    tr = json.load(open(os.path.join(d, 'truth.geojson')))['features']
    st = [f['properties']['status'] for f in cat]
    if len(cat) != 5 or st.count('active') != 1: errs.append('catalogue statuses %s' % st)
    for f in cat + tr:
        g = shape(f['geometry'])
        if g.geom_type != 'Polygon' or not g.is_valid: errs.append('bad geometry ' + str(f['properties']))
        x, y = g.centroid.x, g.centroid.y
        if not (-180 <= x <= 180 and -90 <= y <= 90): errs.append('not lon/lat')
    keys = {'truth_id', 'class', 'mining', 'context', 'expected_relation', 'mine_id', 'area_m2', 'masked_fraction', 'group', 'description'}
    for f in tr:
        if set(f['properties']) != keys: errs.append('truth keys ' + f['properties']['truth_id'])
    ids = {f['properties']['id'] for f in cat}
    for f in tr:
        m = f['properties']['mine_id']
        if m is not None and m not in ids: errs.append('unknown mine ' + m)
    mf = [f['properties']['masked_fraction'] for f in tr]
    ncls = {}
    for f in tr:
        ncls[f['properties']['class']] = ncls.get(f['properties']['class'], 0) + 1
    print('%-16s %s mask %.1f%% objects %d %s masked %s %s' % (os.path.basename(d), info, 100 * mfrac, len(tr), ncls,
          [round(v, 2) for v in mf if v > 0], 'OK' if not errs else 'ERRORS: ' + '; '.join(errs)))
    ok_all &= not errs
sys.exit(0 if ok_all else 1)
