"""What the benchmarks say about the machine they ran on (shared by close.py and pages.py)."""

from __future__ import annotations

import os


def cpu_and_ram() -> tuple[str, float]:
    """The CPU model as /proc/cpuinfo names it, and the RAM in GiB."""
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return cpu, os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
