#!/usr/bin/env python3
"""Checks that every citation of docs/ names a heading that exists.

The forms (docs/README.md, "Citations"):
  SPEC 3.5, SPEC 8, SPEC A13, SPEC B4   docs/spec.md: "## 3." / "### 3.5" / "### A13." headings
  API 1.6                               docs/api.md
  DESIGN 5                              docs/design.md
  STYLE 6.4                             docs/style.md
A list shares its prefix ("SPEC 4.3, 5, 7.4, 8"; "SPEC 1-5"); "Appendix B 9" (in older program
output) means SPEC B9. The retired forms (file names of notes that were never in the repository,
paths outside it, "App. B1") are errors too, so they do not come back.

Scans the tracked files of the source folders, the scenarios, the scripts and the docs; prints
"file:line: why" for each problem and exits 1, or prints a one-line summary and exits 0.

  python3 scripts/check_citations.py             # from anywhere; the repository is this file's ../
  python3 scripts/check_citations.py --self-test # the checker's own cases: bogus citations fail
Standard library only: CI runs it through ctest (tests/CMakeLists.txt, label "docs").
"""

import argparse
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The cited documents: the short form's prefix -> the page whose headings it names.
DOCS = {
    "SPEC": "docs/spec.md",
    "API": "docs/api.md",
    "DESIGN": "docs/design.md",
    "STYLE": "docs/style.md",
}

# What is scanned: tracked files under these folders, and these top-level files.
SCAN_DIRS = ("policy", "core", "emulator", "sim", "cli", "tests", "bench", "scripts", "scenarios",
             "docs", ".ci")
SCAN_FILES = ("README.md", "CMakeLists.txt")
SKIP_SUFFIXES = (".bin", ".gz", ".png", ".jpg")

# "## 3. TTL", "### 3.5 Error", "### A13. S3 ...", "## 1. Wire format": the id is the first word.
HEADING = re.compile(r"^#{2,4}\s+([A-C]\d+|\d+(?:\.\d+)*)\.?(?:\s|$)")

# Section numbers have one or two digits, so "SPEC 3.4, 304 -> RefreshHit" cites 3.4 only.
ID = r"(?:[A-C]\d+|\d{1,2}(?:\.\d+)*)(?![\d.]*\d)"
SEP = r"\s*(?:,|-|–|/|\band\b|\bto\b)\s*"
CITATION = re.compile(r"\b(SPEC|API|DESIGN|STYLE)\s+(" + ID + r"(?:" + SEP + ID + r")*)")
APPENDIX = re.compile(r"\bAppendix\s+([A-C])\s?(\d+)\b")

# Retired forms: (pattern, advice).
RETIRED = [
    (re.compile(r"(?<![\w/-])SPEC(?:-next)?\.md"), "cite docs/spec.md as `SPEC n.m`"),
    (re.compile(r"(?<![\w/-])DESIGN\.md\s*(?:section|sections|§|\d)"),
     "cite docs/design.md as `DESIGN n` (folder notes by path: core/DESIGN.md)"),
    (re.compile(r"(?<![\w/-])DESIGN\.md(?!\s*(?:section|§|\d))"),
     "name the file: docs/design.md (`DESIGN n`) or policy/, core/, emulator/DESIGN.md"),
    (re.compile(r"(?<![\w/-])API\.md"), "cite docs/api.md as `API n.m`"),
    (re.compile(r"(?<![\w/-])STYLE\.md(?!@)"), "cite docs/style.md as `STYLE n.m`"),  # not Envoy's
    (re.compile(r"(?<![\w.])/work/\w"), "an absolute path: cite docs/ instead"),
    (re.compile(r"\bApp\.\s*[A-C]\s?\d"), "cite an appendix item as `SPEC B1`"),
]
# A relative path that leaves the repository ("../notes/API.md" from the top) cites something a
# clone does not have; api-samples/ outside docs/ must be spelled docs/api-samples/.
RELATIVE_PATH = re.compile(r"(?<![\w.])((?:\.\./)+[\w.-][\w./-]*)")
BARE_SAMPLES = re.compile(r"(?<![\w/])api-samples/")

# This file (its self-test cases are bogus on purpose) is not scanned; docs/README.md names the
# retired forms to describe them.
SELF = "scripts/check_citations.py"
RETIRED_EXEMPT = {"docs/README.md"}


def headings(path):
    """The heading ids of one markdown page: {"3", "3.5", "A13", ...}."""
    ids = set()
    with open(path, encoding="utf-8") as f:
        in_code = False
        for line in f:
            if line.startswith("```"):
                in_code = not in_code
                continue
            m = None if in_code else HEADING.match(line)
            if m:
                ids.add(m.group(1))
    return ids


def load_targets(root):
    targets = {}
    for prefix, page in DOCS.items():
        path = os.path.join(root, page)
        if not os.path.exists(path):
            raise SystemExit(f"check_citations: {page} is missing")
        targets[prefix] = headings(path)
    return targets


def split_ids(text):
    return re.findall(ID, text)


def check_text(name, lines, targets, problems):
    """Appends "name:line: why" for every bad citation in `lines` (1-based numbering)."""
    exempt = name in RETIRED_EXEMPT
    for number, line in enumerate(lines, 1):
        for m in CITATION.finditer(line):
            prefix = m.group(1)
            for cited in split_ids(m.group(2)):
                if cited not in targets[prefix]:
                    problems.append(f"{name}:{number}: `{prefix} {cited}` names no heading of "
                                    f"{DOCS[prefix]}")
        for m in APPENDIX.finditer(line):
            cited = m.group(1) + m.group(2)
            if cited not in targets["SPEC"]:
                problems.append(f"{name}:{number}: `Appendix {m.group(1)} {m.group(2)}` names no "
                                f"item of {DOCS['SPEC']}")
        for m in RELATIVE_PATH.finditer(line):
            here = os.path.dirname(os.path.join(ROOT, name))
            target = os.path.normpath(os.path.join(here, m.group(1)))
            if not target.startswith(ROOT + os.sep):
                problems.append(f"{name}:{number}: `{m.group(1)}` leaves the repository: cite "
                                "docs/ instead")
        if not name.startswith("docs/") and BARE_SAMPLES.search(line):
            problems.append(f"{name}:{number}: `api-samples/`: the samples are docs/api-samples/")
        if exempt:
            continue
        for pattern, advice in RETIRED:
            m = pattern.search(line)
            if m:
                problems.append(f"{name}:{number}: `{m.group(0).strip()}`: {advice}")


def tracked_files(root):
    try:
        out = subprocess.run(["git", "-C", root, "ls-files", "-z"], check=True,
                             capture_output=True).stdout.decode("utf-8", "replace")
        names = [n for n in out.split("\0") if n]
        # Files added but not yet committed are listed too; deleted ones may linger.
        names = [n for n in names if os.path.isfile(os.path.join(root, n))]
    except (OSError, subprocess.CalledProcessError):
        names = []
        for d in SCAN_DIRS:
            for dirpath, _, files in os.walk(os.path.join(root, d)):
                names += [os.path.relpath(os.path.join(dirpath, f), root) for f in files]
        names += [f for f in SCAN_FILES if os.path.isfile(os.path.join(root, f))]
    keep = []
    for n in sorted(set(names)):
        top = n.split("/", 1)[0]
        if n != SELF and ((top in SCAN_DIRS and "/" in n) or n in SCAN_FILES):
            if not n.endswith(SKIP_SUFFIXES):
                keep.append(n)
    return keep


def check_tree(root):
    targets = load_targets(root)
    problems = []
    files = tracked_files(root)
    citations = 0
    for name in files:
        try:
            with open(os.path.join(root, name), encoding="utf-8") as f:
                lines = f.read().splitlines()
        except UnicodeDecodeError:
            continue
        citations += sum(len(CITATION.findall(l)) + len(APPENDIX.findall(l)) for l in lines)
        check_text(name, lines, targets, problems)
    return problems, len(files), citations


def self_test():
    """The checker's own cases, against the real headings: good ones pass, bogus ones fail."""
    targets = load_targets(ROOT)
    good = [
        "// SPEC 3.5: errors", "see SPEC 7.4.", "(SPEC 4.3, 5, 7.4, 8)", "SPEC 1-5, 7 in Handle",
        "SPEC A13 and SPEC B4", "(UNCONFIRMED, Appendix B 9)", "SPEC 3.9 row 20", "DESIGN 5",
        "API 1.6", "STYLE 6.10", "STYLE 7 item 2", "SPEC 3.2 and 3.6", "core/DESIGN.md", "docs/api-samples/env.sh",
        "the API port", "SPEC's rules", "(SPEC 3.4, 304 -> RefreshHit)", "RFC 9110 5.6.7",
    ]
    bogus = [
        "// SPEC 9.9", "SPEC 3.10", "SPEC 4.3, 5, 7.9", "SPEC B99", "Appendix B 42",
        "DESIGN 12", "API 1.99", "STYLE 6.2", "see SPEC.md", "DESIGN.md section 5",
        "../notes/API.md section 1.6", "see api-samples/env.sh", "STYLE.md 6.4", "App. B1",
    ]
    failures = []
    for text in good:
        problems = []
        check_text("good", [text], targets, problems)
        if problems:
            failures.append(f"should pass: {text!r}: {problems}")
    for text in bogus:
        problems = []
        check_text("bogus", [text], targets, problems)
        if not problems:
            failures.append(f"should fail: {text!r}")
    for f in failures:
        print(f"check_citations --self-test: {f}", file=sys.stderr)
    if not failures:
        print(f"check_citations --self-test: {len(good)} good and {len(bogus)} bogus cases as "
              "expected")
    return 1 if failures else 0


def main():
    global ROOT
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--self-test", action="store_true",
                        help="run the checker's own good/bogus cases instead of the tree")
    parser.add_argument("--root", default=ROOT, help="the repository (default: this file's ../)")
    args = parser.parse_args()
    ROOT = os.path.abspath(args.root)
    if args.self_test:
        return self_test()
    problems, files, citations = check_tree(ROOT)
    for p in problems:
        print(p)
    if problems:
        print(f"check_citations: {len(problems)} bad citation(s) in {files} files; the forms are "
              "in docs/README.md", file=sys.stderr)
        return 1
    print(f"check_citations: {citations} citations in {files} files, all name a heading of docs/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
