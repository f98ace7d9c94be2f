#!/usr/bin/env python3
"""Every error code edgesim's control plane sends answers with the HTTP status botocore's model
gives it: the status table in emulator/api_error.cc (codes it does not list answer 400) against
the model's `httpStatusCode` for each code the emulator's sources name.

Usage: python3 tests/api/error_status_test.py
"""
import glob
import gzip
import json
import os
import re
import unittest

import botocore

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def model_shapes():
    base = os.path.join(os.path.dirname(botocore.__file__), "data", "cloudfront", "2020-05-31")
    path = os.path.join(base, "service-2.json")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            return json.load(f)["shapes"]
    with gzip.open(path + ".gz", "rt", encoding="utf-8") as f:
        return json.load(f)["shapes"]


def edgesim_statuses():
    with open(os.path.join(ROOT, "emulator", "api_error.cc"), encoding="utf-8") as f:
        return {code: int(status) for code, status in re.findall(r'\{"(\w+)", (\d{3})\}', f.read())}


def named_codes():
    """Every quoted identifier in the emulator's and policy's sources that the model calls an
    error: the codes edgesim can send."""
    names = set()
    for path in glob.glob(os.path.join(ROOT, "emulator", "*.cc")) + glob.glob(
            os.path.join(ROOT, "policy", "*.cc")):
        with open(path, encoding="utf-8") as f:
            names |= set(re.findall(r'"([A-Z]\w+)"', f.read()))
    return names


class ErrorStatusTest(unittest.TestCase):
    def test_every_code_has_the_models_status(self):
        shapes = model_shapes()
        table = edgesim_statuses()
        errors = {n for n in named_codes() if "error" in shapes.get(n, {})}
        self.assertGreater(len(errors), 30, "the sources name CloudFront's error codes")
        for code in sorted(errors):
            with self.subTest(code=code):
                self.assertEqual(table.get(code, 400), shapes[code]["error"]["httpStatusCode"])


if __name__ == "__main__":
    unittest.main()
