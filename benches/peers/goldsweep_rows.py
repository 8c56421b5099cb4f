"""goldsweep's own rows: `goldsweep sweep` with its defaults, then `goldsweep eval --json`.

The same calls as scripts/accuracy.sh, scene by scene: the confusion counts come from eval's
`pixel` object, so goldsweep is scored by its own evaluator on the same labelled pixels as the
peers (eval leaves out pixels masked in change.tif; see its `excluded_masked`).
"""

import json
import os
import shutil
import subprocess

from peer_errors import PeerInputError
from pixel_scores import Confusion


def _truth_args(data_dir, scene):
    if scene == "taizhou":
        folder = os.path.join(data_dir, "taizhou")
        return [
            "--changed",
            os.path.join(folder, "change.bmp"),
            "--unchanged",
            os.path.join(folder, "unchanged.bmp"),
        ]
    labels = os.path.join(data_dir, "oscd", scene, f"{scene}-cm.tif")
    return ["--labels", labels, "--convention", "oscd"]


def _inputs(data_dir, scene):
    if scene == "taizhou":
        folder = os.path.join(data_dir, "taizhou")
        return os.path.join(folder, "2000TM"), os.path.join(folder, "2003TM")
    folder = os.path.join(data_dir, "oscd", scene)
    return os.path.join(folder, "imgs_1"), os.path.join(folder, "imgs_2")


def _run(cmd, what):
    run = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        last = (run.stderr.strip() or run.stdout.strip() or "no message").splitlines()[-1]
        raise PeerInputError(cmd[0], f"{what} failed (exit {run.returncode}): {last}")
    return run.stdout


def goldsweep_confusion(binary, data_dir, scene, work_dir, extra_args=()):
    """Sweeps `scene` into work_dir/goldsweep/<scene> and returns eval's pixel confusion counts."""
    out = os.path.join(work_dir, "goldsweep", scene)
    shutil.rmtree(out, ignore_errors=True)
    before, after = _inputs(data_dir, scene)
    sweep = [binary, "sweep", "--before", before, "--after", after, "--out", out, *extra_args]
    _run(sweep, f"goldsweep sweep of {scene}")
    report = _run(
        [binary, "eval", "--run", out, *_truth_args(data_dir, scene), "--json"],
        f"goldsweep eval of {scene}",
    )
    try:
        pixel = json.loads(report)["pixel"]
        return Confusion(pixel["tp"], pixel["fp"], pixel["tn"], pixel["fn"])
    except (ValueError, KeyError, TypeError) as err:
        raise PeerInputError(out, f"eval --json output lacks pixel counts ({err})") from None
