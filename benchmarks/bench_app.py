"""Dashboard responsiveness: one Step of `wom app` on a 5,242-person network, redrawn.

The page of ``wom app`` (``sim.app.page.Page``) is rendered with solara's own
renderer, as the tests do (no browser, no server: what a click costs the server),
for a scenario on the bundled ca-GrQc network (5,242 people, 14,496 ties) with two
arms side by side, then its Step button is clicked. Timed: the step of both models
plus the redraw of the network view and the four charts. The layout is computed
once per network when the page opens and is reported separately.

The issue's target: a step of a 5k-node model renders "in well under a second".

Run::

    python benchmarks/bench_app.py

The last line is machine-readable::

    layout_seconds=<s> step_render_seconds=<median s> step_render_cpu_seconds=<median s>
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

import ipyvuetify as v
import solara

from sim.app import page
from sim.app.page import ENV_ARMS, ENV_SCENARIO, Page

SCENARIO = """\
name = "grqc"
seed = 1
steps = 52
[network]
dataset = "ca-grqc"
[model]
name = "wom"
[[arms]]
name = "vendor"
vendor.enabled = true
[[arms]]
name = "community"
"""


def main(clicks: int = 10) -> None:
    """Open the page, click Step ``clicks`` times, print the timings."""
    folder = Path(tempfile.mkdtemp(prefix="bench-app-"))
    scenario = folder / "grqc.toml"
    scenario.write_text(SCENARIO)
    os.environ[ENV_SCENARIO] = str(scenario)
    os.environ[ENV_ARMS] = "vendor,community"
    page._SOURCES.clear()
    started = time.perf_counter()
    _, rc = solara.render(solara.AppLayout(children=[Page()]), handle_error=False)
    opened = time.perf_counter() - started
    step = rc.find(v.Btn, children=["Step"]).widget
    step.click()  # warms matplotlib's caches
    wall, cpu = [], []
    for _ in range(clicks):
        w, c = time.perf_counter(), time.process_time()
        step.click()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    print(f"page opened in {opened:.2f} s (network layout of 5,242 people, once)")
    print(
        f"{clicks} steps of two arms + redraw: median {statistics.median(wall):.3f} s wall, "
        f"{statistics.median(cpu):.3f} s CPU (min {min(wall):.3f}, max {max(wall):.3f}); "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"layout_seconds={opened:.2f} step_render_seconds={statistics.median(wall):.3f} "
        f"step_render_cpu_seconds={statistics.median(cpu):.3f}"
    )


if __name__ == "__main__":
    main()
