"""What `pip install` brings: packages and megabytes of a fresh venv, core against extras.

Each variant gets its own venv in a temporary folder and installs this checkout (not
editable) with the given extras. Packages are `pip list` minus pip, setuptools and nb-label
itself; the size is the whole venv folder (`du`), Python's own files included.

Run from the repository root: python -m benchmarks.install_size [--variants core all]
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._common import write_report

REPO_ROOT = Path(__file__).resolve().parents[1]
RESULTS = REPO_ROOT / "benchmarks" / "results" / "install_size.md"
NOT_COUNTED = {"pip", "setuptools", "nb-label", "nb_label"}


def measure(extras: str, folder: Path) -> tuple[int, float, float]:
    """(packages, MB, seconds) of a fresh venv with nb_label[extras] installed."""
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    target = str(REPO_ROOT) if extras == "core" else f"{REPO_ROOT}[{extras}]"
    started = time.monotonic()
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", target],
        check=True,
    )
    seconds = time.monotonic() - started
    listed = subprocess.run(
        [str(python), "-m", "pip", "list", "--format=freeze", "--disable-pip-version-check"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    packages = [line.split("==")[0].lower() for line in listed]
    counted = [name for name in packages if name not in NOT_COUNTED]
    size = subprocess.run(["du", "-sm", str(venv)], capture_output=True, text=True, check=True)
    return len(counted), float(size.stdout.split()[0]), seconds


def main(argv: list[str] | None = None) -> str:
    """Measure each variant, print the markdown table and write it to the results file.

    Parameters
    ----------
    argv : list of str, optional
        ``--variants`` (``core`` or comma-separated extras) and ``--out``.

    Returns
    -------
    str
        The markdown report.
    """
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--variants", nargs="+", default=["core", "learn,plot,regions", "all"])
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    rows = []
    for variant in args.variants:
        with tempfile.TemporaryDirectory(prefix="nbl-install-") as tmp:
            packages, mb, seconds = measure(variant, Path(tmp))
        name = "`pip install .`" if variant == "core" else f'`pip install ".[{variant}]"`'
        rows.append(f"| {name} | {packages} | {mb:.0f} | {seconds:.0f} |")
    lines = [
        "# Install size: a fresh venv per variant",
        "",
        f"Command: `python -m benchmarks.install_size --variants {' '.join(args.variants)}`",
        f"Date: {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; Python "
        f"{sys.version.split()[0]}",
        "",
        "| install | packages | MB (venv) | seconds |",
        "|---|---|---|---|",
        *rows,
    ]
    return write_report("\n".join(lines) + "\n", args.out)


if __name__ == "__main__":
    main()
