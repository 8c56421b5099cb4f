#!/usr/bin/env python3
"""Prints the object scores of every planted scene under a folder, their means, how many
scenes meet each target of the detection issue, and, pooled over the scenes, which class each
misread mining class was read as.

Each scene is a sub-folder holding the `eval.json` that `goldsweep eval --json` wrote for it.
Usage: eval_table.py DIR
"""
import json
import os
import re
import sys

CLASSES = ["spoil_heap", "leach_pond", "access_track", "vegetation_loss"]

# (label, test on one scene's object scores): the planted-mining targets.
TARGETS = [
    ("recall >= 0.95", lambda o: o["recall"] >= 0.95),
    ("class accuracy >= 0.9", lambda o: o["class_accuracy"] >= 0.9),
    ("top k all mining (P@k = 1)", lambda o: o["precision_at_k"] >= 1.0),
    ("licensed activity below all mining", lambda o: o["active_below_mining"]),
    ("no candidate under the masked cloud", lambda o: o["masked_candidates"] == 0),
    ("no farm pond in the top k", lambda o: o["confusers_in_top_k"] == 0),
]


def main(out):
    print(f"{'scene':<17} {'recall':>6} {'class':>6} {'P@k':>6}   right class / found / planted: "
          + "  ".join(c.split("_")[0] for c in CLASSES))
    scenes, totals = [], {c: [0, 0, 0] for c in CLASSES}
    misread = {c: {} for c in CLASSES}
    # Scene names end in their seed: sort rennes_2 before rennes_10.
    natural = lambda n: [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", n)]
    for name in sorted(os.listdir(out), key=natural):
        path = os.path.join(out, name, "eval.json")
        if not os.path.isfile(path):
            continue
        with open(path) as f:
            o = json.load(f)["object"]
        scenes.append(o)
        cells = []
        for c in CLASSES:
            pc = o["per_class"].get(c, {})
            t = (pc.get("class_correct", 0), pc.get("found", 0), pc.get("truth", 0))
            totals[c] = [a + b for a, b in zip(totals[c], t)]
            for read, count in pc.get("read_as", {}).items():
                if read != c:
                    misread[c][read] = misread[c].get(read, 0) + count
            cells.append("%d/%d/%d" % t)
        print(f"{name:<17} {o['recall']:>6.2f} {o['class_accuracy']:>6.2f} {o['precision_at_k']:>6.2f}   "
              + "  ".join(f"{x:>8}" for x in cells))
    if not scenes:
        print(f"no eval.json under {out}")
        return
    n = len(scenes)
    mean = [sum(o[k] for o in scenes) / n for k in ("recall", "class_accuracy", "precision_at_k")]
    print(f"{'mean of %d' % n:<17} {mean[0]:>6.3f} {mean[1]:>6.3f} {mean[2]:>6.3f}   "
          + "  ".join(f"{'%d/%d/%d' % tuple(totals[c]):>8}" for c in CLASSES))
    for label, test in TARGETS:
        print(f"  {label:<38} met in {sum(1 for o in scenes if test(o)):>3} of {n}")
    if any(misread.values()):
        print("misread as (all scenes):")
        for c in CLASSES:
            if misread[c]:
                reads = sorted(misread[c].items(), key=lambda r: (-r[1], r[0]))
                print(f"  {c:<16} " + ", ".join(f"{r} {k}" for r, k in reads))


if __name__ == "__main__":
    main(sys.argv[1])
