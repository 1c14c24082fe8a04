"""Audit the installed dependencies for known vulnerabilities (pip-audit, PyPI's service).

usage: .venv/bin/python .ci/audit.py

Fails (exit 1) when an installed package has a known vulnerability, naming each with its
advisory and the versions that fix it. pip-audit counts a package it could not look up
(a version the service does not know, such as one from a private index) as no finding;
this script says how many packages were looked up and how many were not, so that a clean
result over nothing is not mistaken for a clean audit.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def main() -> int:
    audit = Path(sys.executable).with_name("pip-audit")
    done = subprocess.run(
        [str(audit), "--progress-spinner", "off", "--skip-editable", "--format", "json"],
        capture_output=True,
        text=True,
    )
    try:
        found = json.loads(done.stdout)["dependencies"]
    except (json.JSONDecodeError, KeyError):
        # The service out of reach is no finding about the code: said, not failed on.
        print(f"audit: not audited, pip-audit gave no report: {done.stderr.strip()[-400:]}")
        return 0
    skipped = [d for d in found if "skip_reason" in d]
    vulnerable = [d for d in found if d.get("vulns")]
    for package in vulnerable:
        for vuln in package["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "none yet"
            print(f"audit: {package['name']} {package['version']}: {vuln['id']} (fixed in {fixes})")
    print(
        f"audit: {len(found) - len(skipped)} of {len(found)} installed packages looked up,"
        f" {len(vulnerable)} with known vulnerabilities; {len(skipped)} unknown to the"
        " vulnerability service (not audited)"
    )
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
