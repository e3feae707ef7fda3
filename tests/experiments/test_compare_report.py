"""The comparison report (`sim.experiments.compare_report`): the scoreboard, the
verdicts folded per arm, the grouped differences table, the comparison's level
everywhere it describes an interval, the rebuild by `wom report`, and the "missing"
note of the bars kept clear of them. A classic model on the karate club: quick."""

from __future__ import annotations

import html
import re

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from sim import plot
from sim.cli import main
from sim.experiments.compare import compare
from sim.experiments.compare_report import comparison_html

SCENARIO = {
    "name": "ic", "seed": 1, "replicates": 8, "steps": 8, "network": {"dataset": "karate"},
    "model": {"name": "ic", "p": 0.1}, "seeding": {"k": 1},
    "arms": [{"name": "one"}, {"name": "five", "seeding": {"k": 5}},
             {"name": "ten", "seeding": {"k": 10}}],
}  # fmt: skip


@pytest.fixture(scope="module")
def comparison():
    """Baseline "five": one seed is clearly worse, ten seeds clearly better (p < 0.001
    on final adopters); nobody reaches the whole market in 8 steps (no comparison)."""
    return compare(SCENARIO, baseline="five", level=0.8, market_share=1.0)


@pytest.fixture(scope="module")
def page(comparison):
    return comparison_html(comparison)


def _between(text: str, start: str, end: str) -> str:
    i = text.index(start)
    return text[i : text.index(end, i)]


def test_scoreboard_has_one_coloured_row_per_arm(comparison, page):
    d = comparison.differences.set_index(["arm", "measure"])
    assert d.loc[("one", "final_adopted"), "winner"] == "five"  # the premise
    assert d.loc[("ten", "final_adopted"), "winner"] == "ten"
    board = _between(page, '<table class="score">', "</table>")
    rows = re.findall(r"<tr><td>(.*?)</td>(.*?)</tr>", board)
    assert [arm for arm, _ in rows] == ["one", "ten"]  # not the baseline
    heads = re.findall(r"<th>([^<]*)<small>", board)
    assert heads == [m.label for m in comparison.measures]
    cells = {
        arm: re.findall(r'<td class="(\w+)"[^>]*>(.*?)<small>(.*?)</small>', r) for arm, r in rows
    }
    one_final, one_time = cells["one"]
    assert one_final == ("lose", "−7", "−9 to −5")  # red, difference and its 80% CI
    assert cells["ten"][0][0] == "win"
    assert one_time == ("same", "n/a", "neither got there")  # no comparison: grey
    # the cell's title is its verdict, word for word
    verdict = d.loc[("one", "final_adopted"), "verdict"]
    assert f'title="{html.escape(verdict)}"' in board
    assert "significantly better than five" in page and "its 80% CI" in page


def test_verdicts_are_folded_per_arm_with_unchanged_wording(comparison, page):
    groups = re.findall(r'<details class="arm"( open)?><summary><b>(.*?)</b>(.*?)</summary>', page)
    assert [(is_open, arm) for is_open, arm, _ in groups] == [(" open", "one"), ("", "ten")]
    assert groups[0][2] == " against five: 0 better, 1 worse, 1 without a significant difference"
    items = re.findall(r"<li(?: class=\"(\w+)\")?>(.*?)</li>", page)
    assert [
        html.unescape(v) for _, v in items
    ] == comparison.verdicts  # every line, same words, same order
    assert [cls for cls, _ in items] == ["lose", "", "win", ""]


def test_differences_table_is_grouped_per_arm_and_scrolls(comparison, page):
    table = _between(page, '<div class="wide"><table class="diff">', "</table></div>")
    assert re.findall(r'<tr class="arm"><th colspan="7">(.*?)</th></tr>', table) == ["one", "ten"]
    assert "<td>one</td>" not in table  # the arm's name is not repeated on every row
    assert "80% CI,<br>paired" in table
    assert table.count("not comparable: neither got there") == 2


def test_level_is_used_everywhere_and_wom_report_rebuilds_byte_for_byte(comparison, tmp_path):
    folder = comparison.save(tmp_path / "cmp")
    saved = (folder / "report.html").read_text(encoding="utf-8")
    assert "95% CI" not in saved  # the run report's summary too: one level in the report
    assert "<th>80% CI of the mean</th>" in saved and "“80% CI of the mean”" in saved
    assert "95% of runs between" in saved  # the range of runs is not a CI: unchanged
    (folder / "report.html").unlink()
    assert main(["report", str(folder)]) == 0
    assert (folder / "report.html").read_text(encoding="utf-8") == saved


def test_missing_note_of_the_bars_stays_clear_of_them():
    table = pd.DataFrame(
        {
            "arm": ["a", "b", "c"], "measure": "heat", "label": "meetup heat",
            "unit": "on the 0-1 scale", "better": "higher", "mean": [0.30, 0.31, 0.29],
            "ci_low": [0.28, 0.30, 0.27], "ci_high": [0.32, 0.32, 0.31], "missing": [3, 0, 1],
        }
    )  # fmt: skip
    (ax,) = plot.measure_bars(table, ncols=1)
    fig = ax.figure
    fig.canvas.draw()
    notes = [t for t in ax.texts if "missing" in t.get_text()]
    assert [t.get_text() for t in notes] == ["3\nmissing", "1\nmissing"]
    renderer = fig.canvas.get_renderer()
    top = max(a.get_window_extent(renderer).y1 for a in [*ax.patches, *ax.lines, *ax.collections])
    for t in notes:
        box = t.get_window_extent(renderer)
        assert box.y0 > top  # above every bar and interval
        assert box.y1 <= ax.get_window_extent(renderer).y1  # inside the axes, under the title
    plt.close(fig)
