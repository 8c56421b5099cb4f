import numpy as np
from PIL import Image
def rgb(arr, bands=(2,1,0), lo=None, hi=None):
    x = np.stack([arr[b] for b in bands], -1).astype(float)
    if lo is None:
        v = x[(arr > 0).all(0)]
        lo = np.percentile(v, 1, axis=0); hi = np.percentile(v, 99, axis=0)
    y = np.clip((x - lo) / (hi - lo), 0, 1) ** (1/1.3)
    return (y * 255).astype(np.uint8), lo, hi
def save_row(imgs, path, scale=1):
    h = max(i.shape[0] for i in imgs); w = sum(i.shape[1] for i in imgs) + 4 * (len(imgs) - 1)
    out = np.full((h, w, 3), 255, np.uint8); x = 0
    for i in imgs:
        if i.ndim == 2: i = np.stack([i] * 3, -1)
        out[:i.shape[0], x:x + i.shape[1]] = i; x += i.shape[1] + 4
    im = Image.fromarray(out)
    if scale != 1: im = im.resize((w * scale, h * scale), Image.NEAREST)
    im.save(path)
