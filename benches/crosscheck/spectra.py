"""Surface-reflectance spectra (0.40-2.45 um) of the materials painted in, and band integration.

Values are hand-digitised, rounded shapes of typical laboratory / field spectra of the kinds in the USGS
Spectral Library v7 (splib07a: Kokaly et al. 2017) and the ECOSTRESS/ASTER library (Baldridge et al. 2009;
Meerdink et al. 2019), adjusted for field conditions (moisture, roughness, mixing).  Not copied from any
single file: each is a representative curve; see README.txt for the reasoning per material.
"""
import numpy as np

WL = np.array([0.40, 0.45, 0.50, 0.55, 0.60, 0.65, 0.68, 0.70, 0.72, 0.75, 0.80, 0.85, 0.88, 0.92, 0.95,
               1.00, 1.10, 1.20, 1.30, 1.45, 1.55, 1.60, 1.65, 1.70, 1.75, 1.95, 2.05, 2.10, 2.15, 2.20,
               2.25, 2.30, 2.35, 2.40, 2.45])

def _s(*v):
    a = np.array(v, float); assert a.size == WL.size, a.size; return a

LIB = {
    # light-grey / white vein-quartz + granite waste rock, freshly broken (quartz flat & bright; sericite /
    # kaolinite Al-OH feature 2.20 um lowers B12 slightly; weak Fe3+ tint in blue)
    'quartz_rock': _s(.24, .28, .31, .33, .35, .36, .365, .37, .37, .375, .38, .385, .385, .385, .39,
                      .39, .40, .405, .405, .37, .40, .405, .405, .40, .40, .35, .37, .37, .36, .33,
                      .345, .34, .33, .32, .31),
    # darker grey fresh rock (andesite / greywacke / altered granite waste)
    'grey_rock': _s(.11, .13, .15, .165, .175, .182, .187, .19, .19, .195, .20, .205, .205, .205, .21,
                    .21, .215, .22, .22, .20, .22, .225, .225, .225, .22, .19, .20, .20, .195, .185,
                    .19, .185, .18, .175, .17),
    # reddish oxidised soil / gossan (hematite + goethite: strong charge-transfer fall-off below 0.55 um,
    # crystal-field band at ~0.87-0.90 um, kaolinite 2.16/2.21 um doublet)
    'red_oxidised': _s(.05, .06, .07, .10, .16, .22, .245, .26, .27, .28, .285, .28, .275, .275, .28,
                       .29, .31, .33, .345, .33, .36, .365, .37, .37, .365, .31, .33, .33, .31, .28,
                       .30, .29, .28, .27, .26),
    # yellowish oxidised tailings (fine, jarosite/goethite-bearing: yellow = green & red high vs blue,
    # goethite band ~0.92 um, jarosite 2.26 um)
    'yellow_tailings': _s(.10, .13, .17, .24, .30, .33, .34, .345, .35, .355, .355, .35, .345, .335, .34,
                          .35, .38, .40, .41, .38, .42, .43, .43, .43, .425, .36, .39, .39, .38, .37,
                          .35, .355, .35, .34, .33),
    # moist brown loam, freshly exposed topsoil (clearing)
    'brown_soil': _s(.045, .055, .065, .085, .105, .12, .13, .135, .14, .15, .16, .17, .175, .18, .185,
                     .19, .21, .225, .235, .21, .245, .255, .26, .26, .255, .20, .225, .225, .22, .21,
                     .20, .195, .19, .185, .18),
    # non-photosynthetic vegetation: slash, dry leaves, stumps (cellulose/lignin 2.09 um + 1.73 um)
    'npv_litter': _s(.06, .075, .09, .12, .15, .18, .19, .20, .22, .25, .28, .30, .31, .32, .32,
                     .33, .35, .36, .36, .30, .36, .37, .37, .355, .36, .26, .27, .25, .27, .28,
                     .27, .25, .24, .23, .22),
    # green vegetation (broadleaf canopy)
    'green_veg': _s(.03, .035, .04, .085, .07, .045, .04, .07, .18, .33, .40, .42, .425, .425, .42,
                    .41, .40, .37, .34, .18, .22, .24, .245, .23, .22, .06, .08, .10, .12, .12,
                    .11, .095, .08, .07, .06),
    # graded dirt / gravel track, compacted, dusty (light brown-grey)
    'track_gravel': _s(.11, .13, .15, .18, .21, .23, .24, .245, .25, .26, .27, .275, .28, .28, .285,
                       .29, .31, .32, .325, .30, .335, .34, .345, .345, .34, .29, .31, .31, .30, .285,
                       .29, .28, .275, .27, .26),
    # laterite (red murram) track
    'track_laterite': _s(.06, .07, .085, .12, .18, .235, .255, .265, .275, .285, .29, .285, .28, .28, .285,
                         .295, .315, .335, .345, .32, .355, .36, .36, .36, .355, .30, .32, .32, .30, .28,
                         .29, .285, .275, .265, .26),
    # water: deep, clear and dark
    'water_clear': _s(.055, .05, .045, .04, .03, .022, .018, .015, .012, .009, .007, .006, .005, .004, .004,
                      .003, .003, .003, .002, .001, .002, .002, .002, .002, .002, .001, .001, .001, .001, .001,
                      .001, .001, .001, .001, .001),
    # turbid brown water (suspended clay/silt: broad peak 0.58-0.70, NIR shoulder 0.8 um)
    'water_turbid': _s(.05, .06, .075, .10, .12, .125, .12, .115, .10, .085, .07, .055, .045, .03, .025,
                       .02, .015, .012, .01, .004, .006, .006, .006, .005, .005, .002, .003, .003, .003, .003,
                       .003, .003, .002, .002, .002),
    # greenish pond (algae / fine suspended matter: green peak, red trough at 0.675, red-edge bump 0.70)
    'water_green': _s(.035, .04, .05, .075, .06, .04, .035, .045, .04, .03, .02, .015, .012, .01, .009,
                      .007, .005, .004, .004, .002, .003, .003, .003, .003, .003, .001, .002, .002, .002, .002,
                      .002, .002, .002, .002, .002),
    # black HDPE geomembrane, dry (carbon-black filled: flat ~5 %, C-H bands 1.73, 2.31 um)
    'hdpe_black': _s(.045, .046, .047, .047, .048, .048, .048, .049, .049, .05, .05, .051, .051, .052, .052,
                     .053, .054, .052, .055, .05, .056, .056, .055, .045, .052, .05, .052, .052, .05, .048,
                     .045, .036, .04, .042, .04),
    # eutrophic aquaculture pond water (green-brown)
    'water_fishpond': _s(.04, .045, .055, .085, .08, .065, .06, .07, .06, .045, .035, .03, .025, .02, .017,
                         .014, .01, .008, .007, .003, .004, .004, .004, .004, .004, .002, .003, .003, .003, .003,
                         .003, .003, .003, .003, .003),
    # wet mud / freshly dug pond bottom
    'wet_mud': _s(.04, .045, .05, .06, .07, .08, .085, .09, .09, .095, .10, .105, .105, .105, .10,
                  .10, .10, .10, .095, .05, .08, .085, .085, .08, .075, .03, .045, .05, .05, .05,
                  .045, .045, .04, .04, .035),
    # thick water cloud at TOA (flat bright VNIR, liquid-water absorption lowers SWIR, strongly at 2.2)
    'cloud': _s(.62, .60, .59, .58, .58, .575, .575, .57, .57, .57, .565, .56, .56, .55, .54,
                .54, .52, .50, .48, .30, .40, .42, .43, .42, .40, .15, .22, .24, .25, .26,
                .25, .23, .21, .18, .15),
}

# Band passes (um): Sentinel-2A MSI FWHM (ESA S2 SRF v3) and Landsat 7 ETM+ (handbook)
S2_BANDS = {'B02': (0.458, 0.523), 'B03': (0.543, 0.578), 'B04': (0.650, 0.680), 'B08': (0.785, 0.900),
            'B11': (1.565, 1.655), 'B12': (2.100, 2.280)}
TM_BANDS = {'B1': (0.450, 0.515), 'B2': (0.525, 0.605), 'B3': (0.630, 0.690), 'B4': (0.775, 0.900),
            'B5': (1.550, 1.750), 'B7': (2.090, 2.350)}

def band_values(spec, band_names):
    table = S2_BANDS if band_names[0].startswith('B0') else TM_BANDS
    fine = np.arange(0.40, 2.451, 0.001)
    s = np.interp(fine, WL, spec)
    out = []
    for b in band_names:
        lo, hi = table[b]
        # trapezoid SRF: flat between the FWHM limits, linear 10 nm shoulders
        w = np.clip(np.minimum(fine - (lo - 0.005), (hi + 0.005) - fine) / 0.01, 0, 1)
        out.append(float((s * w).sum() / w.sum()))
    return np.array(out)

def bands(name, band_names):
    return band_values(LIB[name], band_names)
