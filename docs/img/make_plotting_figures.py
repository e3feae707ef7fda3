"""Render the example figures of docs/plotting.md into docs/img/ (plot_*.png).

Run from the repository root: ``python docs/img/make_plotting_figures.py`` (about a
minute on two cores). The flagship scenario with 5 replicates, its comparison, and a
small sweep of the community arm; PNGs at 80 dpi, quantised to 256 colours.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from PIL import Image  # noqa: E402

import sim  # noqa: E402
from sim import plot  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "img"
FLAGSHIP = ROOT / "scenarios" / "sell_to_vs_sell_through.toml"


def save(drawn, name: str) -> None:
    """Save the figure of an Axes, array of Axes or Figure as a small PNG."""
    fig = drawn if isinstance(drawn, plt.Figure) else getattr(drawn, "figure", None)
    if fig is None:
        fig = drawn[0].figure
    path = OUT / f"plot_{name}.png"
    fig.savefig(path, dpi=80)
    plt.close(fig)
    Image.open(path).convert("RGB").quantize(colors=256).save(path, optimize=True)
    print(f"{path.relative_to(ROOT)}: {path.stat().st_size / 1024:.0f} KB")


def main() -> None:
    res = sim.run(FLAGSHIP, replicates=5)
    save(plot.adoption_curves(res), "adoption_curves")
    save(plot.final_size_distribution(res), "final_size")
    save(plot.funnel(res), "funnel")
    save(plot.adoption_by_channel(res), "adoption_by_channel")
    save(plot.channel_curves(res), "channel_curves")
    save(plot.community_health(res), "community_health")
    save(plot.chain_depth_distribution(res), "chain_depth")
    save(plot.spend_curves(res, budget=2600), "spend")
    save(plot.referral_tree(res, arm="community", max_nodes=300), "referral_tree")
    save(plot.referral_tree(res, arm="vendor direct"), "referral_tree_vendor")
    save(plot.network_snapshot(res, arm="community", step=8), "network_snapshot")
    c = sim.compare(FLAGSHIP, replicates=5)
    save(plot.measure_bars(c.table), "measure_bars")
    save(plot.cost_vs_reach(c.table), "cost_vs_reach")
    folder = Path(tempfile.mkdtemp()) / "sweep"
    try:
        sim.sweep(FLAGSHIP, out=folder, replicates=2, progress=False,
                  values={"arms.2.first_pin.size": [5, 20, 40],
                          "arms.2.community.capacity": [10, 20, 40],
                          "word_of_mouth.talk_prob": [0.05, 0.2]})  # fmt: skip
        keys = ("arms.2.first_pin.size", "arms.2.community.capacity")
        save(plot.sweep_heatmap(folder, *keys), "sweep_heatmap")
        save(plot.tornado(folder), "tornado")
        save(plot.effect_lines(folder), "effect_lines")
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
