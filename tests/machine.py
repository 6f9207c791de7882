"""What the benchmark and the load test say about the machine they ran on, and a process's memory."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def describe(chromium: str = "") -> str:
    """CPUs, memory, system, Python, Streamlit and Chromium, for docs/PERFORMANCE.md and docs/LOAD.md."""
    import streamlit

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((int(line.split()[1]) / 1024 / 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    return (f"{os.cpu_count()} CPUs ({cpu}), {mem:.0f} GB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, Streamlit {streamlit.__version__}, "
            f"Debian Chromium {chromium + ' ' if chromium else ''}headless, software rendering (no GPU)")


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (NaN once it has gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")
