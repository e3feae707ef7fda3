"""`wom app` in a real browser: Debian's Chromium driven by Playwright.

Playwright for Python is pinned (``playwright>=1.64,<1.65``, whose own Chromium is
156.0.8078.4) and launched on Debian's ``/usr/bin/chromium`` (156), never on a
downloaded browser (``playwright install`` cannot download here).
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is needed")

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "scenarios" / "sell_to_vs_sell_through.toml"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not at /usr/bin/chromium (apt-get install chromium; .ci/run does)",
)


@pytest.fixture(autouse=True)
def _front_end_available():
    from sim.app.assets import missing_packages

    if missing_packages() and shutil.which("npm") is None:
        pytest.skip("the page's JavaScript is not cached and npm is missing to fetch it")


def _start(*args: str) -> tuple[subprocess.Popen, queue.Queue, threading.Thread]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "app", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue = queue.Queue()

    def read() -> None:
        for line in proc.stdout:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return proc, lines, reader


def _wait_for(lines: queue.Queue, pattern: str, seen: list[str], timeout: float) -> re.Match:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            break
        if line is None:
            break
        seen.append(line)
        if match := re.search(pattern, line):
            return match
    raise AssertionError(f"no line matching {pattern!r}; the server said:\n" + "\n".join(seen))


def test_dashboard_in_chromium(tmp_path):
    proc, lines, reader = _start(str(FLAGSHIP), "--port", "0", "--arms", "vendor direct,community")
    seen: list[str] = []
    try:
        url = _wait_for(lines, r"serving (http://\S+)", seen, timeout=180).group(1)
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 2350})
                page.goto(url)
                step = page.get_by_role("button", name="Step")
                step.wait_for(timeout=120_000)
                adopters = page.locator(".wom-summary-adopters")
                sync_api.expect(adopters.nth(1)).to_have_text(
                    "community: 20 customers (first pin 20)", timeout=30_000
                )
                # A strategist moves the first-pin size from 20 to 12 and starts over.
                size = page.locator(".v-input", has_text="First-pin size").get_by_role("slider")
                size.focus()
                for _ in range(8):
                    size.press("ArrowLeft")
                sync_api.expect(size).to_have_attribute("aria-valuenow", "12")
                page.get_by_role("button", name="Reset").click()
                sync_api.expect(adopters.nth(1)).to_have_text(
                    "community: 12 customers (first pin 12)", timeout=30_000
                )
                chart = page.locator(".wom-chart-adopters img")
                before = chart.get_attribute("src")
                headline = page.locator(".wom-headline").nth(1)
                for week in range(1, 5):
                    step.click()
                    sync_api.expect(headline).to_contain_text(
                        f"community — week {week} of 52", timeout=30_000
                    )
                after = adopters.all_inner_texts()
                assert after[0].startswith("vendor direct: ")
                won = int(
                    re.match(r"community: ([\d,]+) customers", after[1]).group(1).replace(",", "")
                )
                assert won > 12, after
                assert chart.get_attribute("src") != before  # the chart's picture changed
                shot = tmp_path / "dashboard.png"
                page.screenshot(path=str(shot), full_page=True)
                assert shot.stat().st_size > 50_000
                if target := os.environ.get("WOM_APP_SCREENSHOT"):
                    page.screenshot(path=target, full_page=True)
            finally:
                browser.close()
        proc.send_signal(signal.SIGINT)  # Ctrl-C
        assert proc.wait(timeout=30) == 0
        _wait_for(lines, r"wom app: stopped", seen, timeout=5)
        reader.join(timeout=10)
        while (line := lines.get_nowait()) is not None:
            seen.append(line)
        noise = [line for line in seen if "Traceback" in line or "Warning" in line]
        assert not noise, "\n".join(seen)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        reader.join(timeout=10)
        proc.stdout.close()
