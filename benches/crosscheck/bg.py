"""Background loading for the independent planter (imported by plant.py)."""
import glob, math, os, re, datetime as dt
import numpy as np
import rasterio
from rasterio.transform import Affine
from scipy import ndimage as ndi
from pyproj import Transformer
from rasterio.crs import CRS

DATA = os.environ.get('GOLDSWEEP_SHARED_DATA',
                      os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'shared', 'data'))

def sun_position(when_utc, lat, lon):
    """Solar elevation and azimuth (deg, azimuth clockwise from north), NOAA approximations."""
    doy = when_utc.timetuple().tm_yday
    hour = when_utc.hour + when_utc.minute / 60.0
    g = 2 * math.pi / 365.0 * (doy - 1 + (hour - 12) / 24.0)
    eqt = 229.18 * (0.000075 + 0.001868 * math.cos(g) - 0.032077 * math.sin(g)
                    - 0.014615 * math.cos(2 * g) - 0.040849 * math.sin(2 * g))
    decl = (0.006918 - 0.399912 * math.cos(g) + 0.070257 * math.sin(g) - 0.006758 * math.cos(2 * g)
            + 0.000907 * math.sin(2 * g) - 0.002697 * math.cos(3 * g) + 0.00148 * math.sin(3 * g))
    tst = hour * 60 + eqt + 4 * lon
    ha = math.radians(tst / 4.0 - 180.0)
    la = math.radians(lat)
    cosz = math.sin(la) * math.sin(decl) + math.cos(la) * math.cos(decl) * math.cos(ha)
    zen = math.acos(max(-1, min(1, cosz)))
    az = math.degrees(math.atan2(math.sin(ha), math.cos(ha) * math.sin(la) - math.tan(decl) * math.cos(la))) + 180.0
    d = 1.00011 + 0.034221 * math.cos(g) + 0.00128 * math.sin(g) + 0.000719 * math.cos(2 * g) + 0.000077 * math.sin(2 * g)
    return 90.0 - math.degrees(zen), az % 360.0, 1.0 / math.sqrt(d)   # elevation, azimuth, earth-sun distance (AU)


def utm_epsg(lon, lat):
    zone = int((lon + 180) // 6) + 1
    return (32600 if lat >= 0 else 32700) + zone


def _sample_on(src_path, lonlat_rows, lonlat_cols, shape):
    """Bilinear sample of a single-band EPSG:4326 file at given lon/lat (2-D arrays)."""
    with rasterio.open(src_path) as s:
        a = s.read(1).astype(np.float64)
        inv = ~s.transform
    col, row = inv * (lonlat_cols, lonlat_rows)
    # pixel-centre convention: index = coordinate - 0.5
    return ndi.map_coordinates(a, [row - 0.5, col - 0.5], order=1, mode='nearest')


OSCD_BANDS = ['B02', 'B03', 'B04', 'B08', 'B11', 'B12']
TM_NAMES = ['B1', 'B2', 'B3', 'B4', 'B5', 'B7']

# Effective two-way (direct + diffuse) atmospheric transmittance for a moderately hazy continental
# atmosphere (AOD550 ~0.2-0.3, sun zenith 30-50 deg); from 6S/MODTRAN-style runs as commonly tabulated.
T_EFF = np.array([0.78, 0.84, 0.88, 0.92, 0.95, 0.96])
# Reflectance assumed for the darkest 0.1 % of pixels (dark water / deep shade) in dark-object subtraction
RHO_DARK = np.array([0.010, 0.010, 0.006, 0.004, 0.002, 0.001])


def load_oscd(city):
    d = os.path.join(DATA, 'oscd', city)
    dates = dict(l.strip().split(': ') for l in open(os.path.join(d, 'dates.txt')) if ':' in l)
    ref = glob.glob(os.path.join(d, 'imgs_1', '*_B02.tif'))[0]
    with rasterio.open(ref) as s:
        H, W = s.height, s.width
        tr = s.transform
    rows, cols = np.mgrid[0:H, 0:W] + 0.5
    lon, lat = tr * (cols, rows)
    out = {}
    for k, sub in (('before', 'imgs_1'), ('after', 'imgs_2')):
        bands = []
        for b in OSCD_BANDS:
            p = glob.glob(os.path.join(d, sub, '*_%s.tif' % b))[0]
            bands.append(_sample_on(p, lat, lon, (H, W)))
        out[k] = np.stack(bands)
    # The OSCD geotransforms are lon/lat boxes stretched over native 10 m Sentinel-2 pixels.  We keep the
    # native pixels and give them a north-up 10 m UTM grid centred on the box centre.
    clon, clat = tr * (W / 2, H / 2)
    epsg = utm_epsg(clon, clat)
    t = Transformer.from_crs(4326, epsg, always_xy=True)
    cx, cy = t.transform(clon, clat)
    x0 = round(cx - W * 5.0); y0 = round(cy + H * 5.0)
    transform = Affine(10.0, 0, x0, 0, -10.0, y0)
    d1, d2 = dates['date_1'], dates['date_2']
    fmt = lambda s: '%s-%s-%s' % (s[:4], s[4:6], s[6:])
    scene = dict(name=city, sensor='sentinel2', band_names=list(OSCD_BANDS), crs=CRS.from_epsg(epsg),
                 transform=transform, pixel=10.0, before=out['before'], after=out['after'],
                 dates=(fmt(d1), fmt(d2)), scale=(10000, 10000), units='TOA reflectance x10000 (L1C)',
                 lonlat=(clon, clat), maxval=65535,
                 # PSF sigma in pixels of the 10 m grid: 10 m bands ~0.5 px (MTF ~0.25 at Nyquist),
                 # 20 m SWIR bands (aggregated 20 m pixel + PSF, then bilinear) ~1.0 px
                 psf=np.array([0.5, 0.5, 0.5, 0.5, 1.0, 1.0]), overpass_utc_hour=10.5 - clon / 15.0)
    return scene


def load_tanzania():
    d = os.path.join(DATA, 's2-tanzania-timeseries')
    fb = glob.glob(os.path.join(d, 'SEN2_20160710_*.tif'))[0]
    fa = glob.glob(os.path.join(d, 'SEN2_20190615_*.tif'))[0]
    arrs = []
    for f in (fb, fa):
        with rasterio.open(f) as s:
            desc = list(s.descriptions)
            idx = [desc.index(n) for n in ('B02_blue', 'B03_green', 'B04_red', 'B08_nir', 'B11_swir1', 'B12_swir2')]
            a = s.read().astype(np.float64)[idx]
            crs, tr = s.crs, s.transform
        arrs.append(a)
    H, W = arrs[0].shape[1:]
    # resample 20 m -> 10 m bilinear (pixel centres aligned)
    rr, cc = np.mgrid[0:2 * H, 0:2 * W]
    r20 = (rr + 0.5) / 2 - 0.5; c20 = (cc + 0.5) / 2 - 0.5
    up = []
    for a in arrs:
        valid = (a > 0).all(0).astype(float)
        ups = np.stack([ndi.map_coordinates(b, [r20, c20], order=1, mode='nearest') for b in a])
        v = ndi.map_coordinates(valid, [r20, c20], order=0, mode='nearest')
        ups[:, v < 0.5] = 0
        up.append(ups)
    transform = Affine(10.0, 0, tr.c, 0, -10.0, tr.f)
    t = Transformer.from_crs(crs, 4326, always_xy=True)
    clon, clat = t.transform(tr.c + W * 10, tr.f - H * 10)
    return dict(name='tanzania', sensor='sentinel2', band_names=list(OSCD_BANDS), crs=CRS.from_epsg(32737),
                transform=transform, pixel=10.0, before=up[0], after=up[1], dates=('2016-07-10', '2019-06-15'),
                scale=(1000, 1000), units='surface reflectance x1000 (ARCSI)', lonlat=(clon, clat), maxval=65535,
                # 20 m source for every band, upsampled x2: PSF ~1.0 px on the 10 m grid
                psf=np.array([1.0] * 6), overpass_utc_hour=10.5 - clon / 15.0)


# Landsat 7 ETM+ calibration (Chander, Markham & Helder 2009, Table 1, LPGS after 1 July 2000), high gain
ETM_LMIN_HG = np.array([-6.2, -6.4, -5.0, -5.1, -1.0, -0.35])
ETM_LMAX_HG = np.array([191.6, 196.5, 152.9, 157.4, 31.06, 10.80])
ETM_ESUN = np.array([1997.0, 1812.0, 1533.0, 1039.0, 230.8, 84.90])


def etm_dn_per_reflectance(elev_deg, dist_au):
    G = (ETM_LMAX_HG - ETM_LMIN_HG) / 254.0              # W m-2 sr-1 um-1 per DN
    K = ETM_ESUN * math.sin(math.radians(elev_deg)) / (math.pi * dist_au ** 2 * G)   # DN per unit TOA reflectance
    DN0 = 1.0 - ETM_LMIN_HG / G                           # DN at zero radiance
    return K, DN0


def load_taizhou():
    d = os.path.join(DATA, 'taizhou')
    arrs = []
    for f in ('2000TM', '2003TM'):
        with rasterio.open(os.path.join(d, f)) as s:
            arrs.append(s.read().astype(np.float64)); crs, tr = s.crs, s.transform
    H, W = arrs[0].shape[1:]
    t = Transformer.from_crs(crs, 4326, always_xy=True)
    clon, clat = t.transform(tr.c + W * 15, tr.f - H * 15)
    return dict(name='taizhou', sensor='landsat-tm', band_names=list(TM_NAMES), crs=CRS.from_epsg(32651),
                transform=tr, pixel=30.0, before=arrs[0], after=arrs[1], dates=('2000-03-17', '2003-02-06'),
                scale=None, units='Landsat 7 ETM+ L1 digital numbers (8-bit), high gain assumed', lonlat=(clon, clat),
                maxval=255, psf=np.array([0.45] * 6), overpass_utc_hour=10.1 - clon / 15.0)


def load(name):
    if name in ('rennes', 'hongkong', 'aguasclaras'):
        sc = load_oscd(name)
    elif name == 'tanzania':
        sc = load_tanzania()
    elif name == 'taizhou':
        sc = load_taizhou()
    else:
        raise SystemExit('unknown background ' + name)
    add_radiometry(sc)
    return sc


def add_radiometry(sc):
    """Per date and band: value = offset + gain * surface_reflectance (first-order atmosphere)."""
    clon, clat = sc['lonlat']
    sc['sun'] = []
    offs, gains = [], []
    for k, date in zip(('before', 'after'), sc['dates']):
        y, m, dd = map(int, date.split('-'))
        h = sc['overpass_utc_hour']
        when = dt.datetime(y, m, dd, int(h), int((h % 1) * 60))
        elev, az, dist = sun_position(when, clat, clon)
        sc['sun'].append((elev, az, dist))
        img = sc[k]
        valid = (img > 0).all(0)
        if sc['name'] == 'tanzania':           # already surface reflectance
            off = np.zeros(6); gain = np.full(6, 1000.0)
        elif sc['sensor'] == 'sentinel2':      # L1C TOA x10000: dark-object path reflectance + transmittance
            gain = 10000.0 * T_EFF
            p = np.array([np.percentile(img[b][valid], 0.1) for b in range(6)])
            # Dark-object estimates are only an upper bound: a scene without dark water or
            # shadow (Aguas Claras) would read its darkest land as path radiance. Path
            # reflectance rarely exceeds these (Rayleigh + moderate aerosol, ~0.02 SWIR1).
            path_max = 10000.0 * np.array([0.12, 0.09, 0.07, 0.04, 0.015, 0.008])
            off = np.minimum(np.maximum(p - gain * RHO_DARK, 0.0), path_max)
        else:                                  # ETM+ DN
            K, DN0 = etm_dn_per_reflectance(elev, dist)
            gain = K * T_EFF
            p = np.array([np.percentile(img[b][valid], 0.1) for b in range(6)])
            off = np.maximum(p - gain * RHO_DARK, DN0)
            sc.setdefault('etm_K', []).append(K); sc.setdefault('etm_DN0', []).append(DN0)
        offs.append(off); gains.append(gain)
    sc['offset'] = np.array(offs); sc['gain'] = np.array(gains)
    if sc['scale'] is None:
        # one integer per file: value / scale ~ TOA reflectance; geometric mean over bands of DN per unit
        # TOA reflectance (the per-band values differ by up to +-25 %; README lists them)
        sc['scale'] = tuple(int(round(float(np.exp(np.mean(np.log(K)))))) for K in sc['etm_K'])
    return sc


def surface(sc, k):
    i = 0 if k == 'before' else 1
    return (sc[k] - sc['offset'][i][:, None, None]) / sc['gain'][i][:, None, None]
