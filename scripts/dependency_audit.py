"""Run pip-audit over the project's environment; fail on any known vulnerability.

pip-audit asks a vulnerability database (PyPI's JSON API). Where that database cannot be
reached, every package comes back "skipped": this script says so plainly instead of
reporting a clean result it did not obtain. `--require-database` turns that into a failure.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def main() -> int:
    strict = "--require-database" in sys.argv
    pip_audit = Path(sys.executable).with_name("pip-audit")
    result = subprocess.run(
        [str(pip_audit), "--skip-editable", "--progress-spinner", "off", "-f", "json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print(result.stdout + result.stderr, file=sys.stderr)
        print("dependency audit: pip-audit gave no report", file=sys.stderr)
        return 1
    deps = report.get("dependencies", [])
    vulnerable = [d for d in deps if d.get("vulns")]
    audited = [d for d in deps if "skip_reason" not in d]
    skipped = len(deps) - len(audited)
    for dep in vulnerable:
        ids = ", ".join(v["id"] for v in dep["vulns"])
        print(f"VULNERABLE {dep['name']} {dep['version']}: {ids}", file=sys.stderr)
    print(
        f"dependency audit: {len(audited)} packages audited, {len(vulnerable)} vulnerable, "
        f"{skipped} not audited"
    )
    if vulnerable:
        return 1
    if not audited and deps:
        print(
            "dependency audit: WARNING the vulnerability database could not be reached from "
            "this machine, so no package was checked.",
            file=sys.stderr,
        )
        return 1 if strict else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
