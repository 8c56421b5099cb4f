"""Self-test of eval_table.py: the means and the target counts over two scenes."""
import contextlib
import io
import json
import os
import tempfile
import unittest

import eval_table


def scene(recall, class_accuracy, p_at_k, active_below=True, masked=0, confusers=0):
    return {"object": {
        "recall": recall, "class_accuracy": class_accuracy, "precision_at_k": p_at_k,
        "active_below_mining": active_below, "masked_candidates": masked,
        "confusers_in_top_k": confusers,
        "per_class": {"spoil_heap": {"class_correct": 1, "found": 2, "truth": 2,
                                     "read_as": {"spoil_heap": 1, "vegetation_loss": 1}}},
    }}


class EvalTableTest(unittest.TestCase):
    def test_means_and_targets(self):
        with tempfile.TemporaryDirectory() as d:
            for name, o in (("a_2", scene(1.0, 0.9, 1.0)),
                            ("a_10", scene(0.9, 0.8, 0.5, active_below=False, masked=1))):
                os.makedirs(os.path.join(d, name))
                with open(os.path.join(d, name, "eval.json"), "w") as f:
                    json.dump(o, f)
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                eval_table.main(d)
            lines = out.getvalue().splitlines()
        self.assertTrue(lines[1].startswith("a_2 ") and lines[2].startswith("a_10 "), lines)
        self.assertIn("0.950  0.850  0.750", lines[3])
        self.assertIn("2/4/4", lines[3])
        counts = {l.split(" met in ")[0].strip(): l.split(" met in ")[1]
                  for l in lines[4:] if " met in " in l}
        self.assertEqual(counts["recall >= 0.95"].split()[0], "1")
        self.assertEqual(counts["class accuracy >= 0.9"].split()[0], "1")
        self.assertEqual(counts["licensed activity below all mining"].split()[0], "1")
        self.assertEqual(counts["no farm pond in the top k"].split()[0], "2")
        # One heap of each scene was read as a clearing: two, pooled; the right reads are not listed.
        self.assertEqual(lines[-2], "misread as (all scenes):")
        self.assertEqual(lines[-1].split(), ["spoil_heap", "vegetation_loss", "2"])


if __name__ == "__main__":
    unittest.main()
