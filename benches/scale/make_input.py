#!/usr/bin/env python3
"""Synthesise and cache the scene pairs the scale benchmark sweeps.

`goldsweep synth` renders scenes of at most 4096 px a side (its planes live in memory), so the
full Sentinel-2 tile is built from a 2745 px synthetic pair (a sixteenth of a tile) laid out
k x k times in a VRT and re-encoded by GDAL as the files a provincial team actually gets:

    before.tif, after.tif   six bands (B02 B03 B04 B08 B11 B12), UInt16 (reflectance x 10000),
                            nodata 0, tiled 512 x 512, DEFLATE + horizontal predictor,
                            pixel-interleaved (GDAL's default for a multi-band GeoTIFF)
    catalogue.geojson       the synthetic mine catalogue (its mines lie in the first copy)

Sizes: 2745 (k = 1), 5490 (k = 2, a quarter of a tile) and 10980 (k = 4, a full tile).
Each pair is written under `<cache>/<size>/` and reused while it exists. Only the Python
standard library and the GDAL command-line tools are used.

usage: make_input.py [--cache DIR] [--goldsweep BIN] [--sizes 2745,5490,10980]
"""

import argparse
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

BASE = 2745
CREATION = [
    "-co", "TILED=YES",
    "-co", "BLOCKXSIZE=512",
    "-co", "BLOCKYSIZE=512",
    "-co", "COMPRESS=DEFLATE",
    "-co", "PREDICTOR=2",
    "-co", "INTERLEAVE=PIXEL",
    "-co", "NUM_THREADS=ALL_CPUS",
    "-co", "BIGTIFF=IF_SAFER",
]


def run(cmd):
    print("  $ " + " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def mosaic_vrt(source, copies, vrt_path):
    """Writes a VRT that repeats `source` copies x copies times (same bands, metadata, CRS)."""
    run(["gdal_translate", "-q", "-of", "VRT", source, vrt_path])
    tree = ET.parse(vrt_path)
    root = tree.getroot()
    width = int(root.get("rasterXSize"))
    height = int(root.get("rasterYSize"))
    root.set("rasterXSize", str(width * copies))
    root.set("rasterYSize", str(height * copies))
    for band in root.findall("VRTRasterBand"):
        sources = [e for e in band if e.tag.endswith("Source")]
        if len(sources) != 1:
            raise SystemExit(f"{vrt_path}: expected one source per band, found {len(sources)}")
        template = sources[0]
        band.remove(template)
        for row in range(copies):
            for col in range(copies):
                src = ET.fromstring(ET.tostring(template))
                dst = src.find("DstRect")
                dst.set("xOff", str(col * width))
                dst.set("yOff", str(row * height))
                dst.set("xSize", str(width))
                dst.set("ySize", str(height))
                band.append(src)
    tree.write(vrt_path)


def make_size(size, base_dir, out_dir):
    copies = size // BASE
    if copies * BASE != size:
        raise SystemExit(f"size {size}: must be a multiple of {BASE}")
    if all(os.path.isfile(os.path.join(out_dir, f)) for f in ("before.tif", "after.tif")):
        print(f"{out_dir}: cached", file=sys.stderr)
        return
    tmp = out_dir + ".partial"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    for date in ("before", "after"):
        vrt = os.path.join(tmp, f"{date}.vrt")
        mosaic_vrt(os.path.join(base_dir, f"{date}.tif"), copies, vrt)
        run(["gdal_translate", "-q", *CREATION, vrt, os.path.join(tmp, f"{date}.tif")])
        os.remove(vrt)
    shutil.copy(os.path.join(base_dir, "catalogue.geojson"), tmp)
    shutil.rmtree(out_dir, ignore_errors=True)
    os.rename(tmp, out_dir)
    print(f"{out_dir}: written", file=sys.stderr)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, "..", ".."))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cache", default=os.path.join(root, "target", "scale-cache"))
    p.add_argument("--goldsweep", default=os.path.join(root, "target", "release", "goldsweep"))
    p.add_argument("--sizes", default="2745,5490,10980")
    a = p.parse_args()
    base_dir = os.path.join(a.cache, "synth")
    if not os.path.isfile(os.path.join(base_dir, "catalogue.geojson")):
        run([a.goldsweep, "synth", "--out", base_dir, "--size", str(BASE), "--seed", "7"])
    for s in a.sizes.split(","):
        make_size(int(s), base_dir, os.path.join(a.cache, s.strip()))


if __name__ == "__main__":
    main()
