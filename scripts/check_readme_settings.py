#!/usr/bin/env python3
"""Fail when config/settings.py reads an environment variable that README.md's settings table
does not list (run by .ci/run). Standard library only."""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READ = re.compile(r"""\benv(?:\.[a-z_]+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""")
ROW = re.compile(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|", re.MULTILINE)


def main():
    used = set(READ.findall((ROOT / "config" / "settings.py").read_text(encoding="utf-8")))
    documented = set(ROW.findall((ROOT / "README.md").read_text(encoding="utf-8")))
    missing = sorted(used - documented)
    if missing:
        print("README.md's settings table lacks: " + ", ".join(missing), file=sys.stderr)
        print("Add a row (variable, default, meaning) for each.", file=sys.stderr)
        return 1
    print(f"README.md documents all {len(used)} settings read from the environment.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
