"""sim.plot: every figure's artists, labels and legends; one colour per channel, state
and arm everywhere; the referral tree's edges; network snapshots and their sampling;
the spring layout against its pure-Python reference."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex, to_rgba  # noqa: E402
from naive import naive_spring_layout  # noqa: E402

import sim  # noqa: E402
from sim import plot  # noqa: E402
from sim.errors import ValidationError  # noqa: E402
from sim.experiments.analyze import analyze  # noqa: E402
from sim.experiments.run import wom_params  # noqa: E402
from sim.model import people_at, simulate_wom  # noqa: E402
from sim.plot.layout import _arc_weights, _spring_kernel, _undirected, sample_nodes  # noqa: E402

SCENARIO = {
    "name": "plots",
    "seed": 3,
    "replicates": 3,
    "steps": 12,
    "network": {"dataset": "karate"},
    "model": {"name": "wom"},
    "people": {"interest": "club"},
    "word_of_mouth": {"talk_prob": 0.6},
    "community": {"enabled": False},
    "arms": [
        {"name": "vendor", "vendor": {"enabled": True, "reach": 3}},
        {"name": "influencers", "influencer": {"enabled": True, "count": 2}},
        {"name": "community", "community": {"enabled": True, "cadence": 2},
         "first_pin": {"size": 4}},
    ],
}  # fmt: skip


@pytest.fixture(scope="module")
def results():
    return sim.run(SCENARIO)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _hex(color) -> str:
    """A colour (name, hex, RGBA tuple or a one-row RGBA array) as ``#rrggbb``."""
    if not isinstance(color, str):
        color = np.asarray(color, dtype=float).reshape(-1)[:4]
    return to_hex(to_rgba(color), keep_alpha=False)


def _legend(ax_or_fig) -> list[str]:
    legend = ax_or_fig.get_legend() if hasattr(ax_or_fig, "get_legend") else None
    if legend is None:
        legend = ax_or_fig.figure.legends[0]
    return [t.get_text() for t in legend.get_texts()]


def _by_gid(ax, prefix: str) -> list:
    return [c for c in ax.collections if str(c.get_gid()).startswith(prefix)]


def _people(results, arm, replicate=0):
    p = results.people
    return p[(p["arm"] == arm) & (p["replicate"] == replicate)]


# ----------------------------------------------------------------------- palettes
def test_palettes_cannot_be_confused():
    channels = {_hex(c) for c in plot.CHANNEL_COLORS.values()}
    states = {_hex(c) for c in plot.STATE_COLORS.values()}
    arms = {_hex(c) for c in plot.arm_colors(range(len(plot.ARM_PALETTE))).values()}
    assert len(channels) == 5 and len(states) == 5 and len(arms) == len(plot.ARM_PALETTE)
    assert not channels & arms and not channels & states and not states & arms
    assert list(plot.STATE_COLORS) == list(sim.model.STAGES)
    assert list(plot.CHANNEL_COLORS) == list(sim.model.CHANNELS)
    # Past the palette's length arms repeat a colour but never colour *and* line style.
    styles = plot.arm_styles(list(range(12)))
    assert len({(s["color"], s["ls"]) for s in styles.values()}) == 12


def test_channel_colours_are_the_same_in_every_figure(results):
    want = {c: _hex(v) for c, v in plot.CHANNEL_COLORS.items()}
    seen: dict[str, set[str]] = {c: set() for c in want}
    labels = {v: k for k, v in plot.CHANNEL_LABELS.items()}
    ax = plot.adoption_by_channel(results)
    for handle, text in zip(ax.get_legend().legend_handles, _legend(ax), strict=True):
        seen[labels[text]].add(_hex(handle.get_facecolor()))
    axes = plot.channel_curves(results)
    for handle, text in zip(axes[0].figure.legends[0].legend_handles,
                            _legend(axes[0]), strict=True):  # fmt: skip
        seen[labels[text]].add(_hex(handle.get_facecolor()))
    for arm in ("vendor", "influencers", "community"):
        ax = plot.referral_tree(results, arm=arm)
        p = plot.referral_forest(_people(results, arm))
        (edges,) = _by_gid(ax, "referrals")
        # Edges are in the order of their parents' children: compare as multisets.
        got = sorted(_hex(c) for c in edges.get_colors())
        expected = sorted(want[c] for c in p.loc[p["parent"].notna(), "channel"])
        assert got == expected
        for c in set(p["channel"]):
            seen[c].add(want[c])
        snap = plot.network_snapshot(results, arm=arm)
        for coll in _by_gid(snap, "referrals:"):
            channel = coll.get_gid().split(":")[1]
            seen[channel] |= {_hex(c) for c in coll.get_colors()}
    assert {c: s for c, s in seen.items() if s} == {c: {want[c]} for c, s in seen.items() if s}
    assert all(seen.values())  # every channel appeared somewhere


# ------------------------------------------------------------------- time figures
def test_funnel_stacks_one_area_per_state(results):
    axes = plot.funnel(results)
    assert [ax.get_title() for ax in axes] == ["vendor", "influencers", "community"]
    for ax in axes:
        assert len(ax.collections) == len(sim.model.STAGES)
        assert [_hex(c.get_facecolor()[0]) for c in ax.collections] == [
            _hex(plot.STATE_COLORS[s]) for s in plot.curves.FUNNEL_ORDER
        ]
        assert ax.get_xlabel() == "week"
    assert axes[0].get_ylabel() == "people (mean over replicates)"
    assert _legend(axes[0]) == ["unaware", "aware", "churned", "adopter", "advocate (talks)"]
    # Stacked, the states hold everyone at every week.
    top = axes[0].collections[-1].get_paths()[0].vertices[:, 1].max()
    assert top == pytest.approx(34)
    (ax,) = plot.funnel(results, arm="community", share=True)
    assert ax.get_ylim() == (0, 1) and ax.get_ylabel().startswith("share of people")
    with pytest.raises(ValidationError, match="arm: no arm 'x'"):
        plot.funnel(results, arm="x")
    classic = sim.run({"name": "ic", "steps": 3, "network": {"dataset": "karate"},
                       "model": {"name": "ic", "p": 0.2}, "seeding": {"k": 1}})  # fmt: skip
    with pytest.raises(ValidationError, match="the funnel needs the column"):
        plot.funnel(classic)
    assert plot.adoption_curves(classic).get_xlabel() == "step"


def test_time_figures_have_labelled_axes_and_legends(results):
    ax = plot.adoption_curves(results)
    assert ax.get_xlabel() == "week" and ax.get_ylabel() == "adopters (people, cumulative)"
    assert _legend(ax) == ["vendor (mean)", "influencers (mean)", "community (mean)"]
    styles = plot.arm_styles(["vendor", "influencers", "community"])
    assert [(_hex(line.get_color()), line.get_linestyle()) for line in ax.get_lines()] == [
        (_hex(s["color"]), s["ls"]) for s in styles.values()
    ]
    assert plot.final_size_distribution(results).get_ylabel() == "replicates"
    axes = plot.community_health(results)
    assert _legend(axes[0]) == ["community: members"]  # the only arm with a community
    assert axes[2].get_ylabel() == "share of attendees (0-1)"
    ax = plot.spend_curves(results, budget=10)
    assert ax.get_ylabel() == "spent so far (currency units)" and len(_legend(ax)) == 3
    ax = plot.chain_depth_distribution(results)
    assert ax.get_xlabel().startswith("chain depth") and len(_legend(ax)) == 3


def test_panel_figures_reject_axes_that_do_not_fit(results):
    _, three = plt.subplots(1, 3)
    assert len(plot.channel_curves(results, axes=three)) == 3
    _, two = plt.subplots(1, 2)
    for draw in (plot.funnel, plot.channel_curves):
        with pytest.raises(ValidationError, match="axes: got 2 Axes for 3 arm"):
            draw(results, axes=two)
    with pytest.raises(ValidationError, match="axes: needs four Axes, got 3"):
        plot.community_health(results, axes=three)


# ------------------------------------------------------------------ referral tree
def test_referral_tree_has_one_edge_per_customer_won_by_someone(results, tmp_path):
    results.save(tmp_path / "run")
    for arm in ("vendor", "influencers", "community"):
        p = _people(results, arm, replicate=1)
        source = results if arm != "community" else tmp_path / "run"  # or their folder
        ax = plot.referral_tree(source, arm=arm, replicate=1)
        (edges,) = _by_gid(ax, "referrals")
        won = p[p["depth"] >= 0]
        assert len(edges.get_segments()) == len(won) - int(won["first_pin"].sum())
        assert ax.get_title().startswith(f"Referral tree: arm '{arm}', replicate 1, week 12")
    # Up to week 4: the adoptions by then.
    ax = plot.referral_tree(results, arm="community", replicate=1, step=4)
    by4 = p[(p["depth"] >= 0) & (p["adopted_step"] <= 4)]
    (edges,) = _by_gid(ax, "referrals")
    assert len(edges.get_segments()) == len(by4) - 4
    assert "week 4" in ax.get_title()
    assert _legend(ax)[0] == "first pin: roots (4)"


def test_referral_tree_caps_at_the_largest_trees():
    g = nx.balanced_tree(3, 3)  # 40 people: node i's referrer is (i - 1) // 3
    people = pd.DataFrame({
        "id": range(40),
        "adopted_step": [0] + [1] * 39,
        "channel": ["first_pin"] + ["word_of_mouth"] * 39,
        "referrer_id": [-1] + [(i - 1) // 3 for i in range(1, 40)],
        "depth": [nx.shortest_path_length(g, 0, i) for i in range(40)],
    })  # fmt: skip
    people.loc[[5], ["channel", "referrer_id", "depth"]] = ["vendor", -1, 0]  # a second tree
    forest = plot.referral_forest(people)
    assert forest.loc[forest["id"] == 5, "parent"].item() == -1
    assert forest["parent"].isna().sum() == 1  # the first pin
    ax = plot.referral_tree(people, max_nodes=20)
    dots = sum(len(c.get_offsets()) for c in ax.collections if c.get_gid() is None)
    assert dots <= 20 + 1  # people drawn, and the vendor's square
    assert "showing 20 of 40 customers" in ax.get_title()


# --------------------------------------------------------------- network snapshot
def test_network_snapshot_colours_everyone_by_state_at_the_week(results):
    ax = plot.network_snapshot(results, arm="community", replicate=2, step=5)
    sc = results.scenario.arm_scenarios()[2][1]
    truth = people_at(sim.load_dataset("karate"), wom_params(sc), steps=5, seed=sc.seed,
                      replicate=2)  # fmt: skip
    for state, count in truth["stage"].astype(str).value_counts().items():
        (dots,) = _by_gid(ax, f"state:{state}")
        assert len(dots.get_offsets()) == count
        assert {_hex(c) for c in dots.get_facecolors()} == {_hex(plot.STATE_COLORS[state])}
    (pins,) = _by_gid(ax, "marks:first_pin")
    assert len(pins.get_offsets()) == 4
    assert _hex(pins.get_edgecolors()[0]) == _hex(plot.CHANNEL_COLORS["first_pin"])
    labels = _legend(ax)
    assert labels[:5] == [f"{plot.STATE_LABELS[s]} ({(truth['stage'] == s).sum()})"
                          for s in plot.STATE_COLORS]  # fmt: skip
    assert "first pin (4)" in labels and any(t.startswith("interest, core") for t in labels)
    assert ax.get_title().splitlines() == [
        "Network: arm 'community', replicate 2, week 5",
        "34 people; positions have no unit",
    ]
    # The last week comes from the people the run kept: the same picture as a replay.
    end = plot.network_snapshot(results, arm="influencers")
    (diamonds,) = _by_gid(end, "marks:influencer")
    assert len(diamonds.get_offsets()) == 2


def test_network_snapshot_samples_beyond_max_nodes_and_reuses_a_layout():
    net = sim.load_dataset("karate")
    run = simulate_wom(net, {"first_pin": {"size": 3}}, steps=4, seed=1, people_of=0)
    ax = plot.network_snapshot(net, run, max_nodes=12)
    drawn = sum(len(c.get_offsets()) for c in _by_gid(ax, "state:"))
    assert drawn == 12 and "12 of 34 people shown" in ax.get_title()
    pins = run.people.loc[run.people["first_pin"], "id"].to_numpy()
    assert set(pins) <= set(sample_nodes(net, 12, around=pins))  # the sample grows from them
    layout = plot.network_layout(net, seed=4)
    a = plot.network_snapshot(net, run.people, layout=layout)
    b = plot.network_snapshot(net, run.people, layout=layout)
    (da,), (db,) = _by_gid(a, "state:unaware"), _by_gid(b, "state:unaware")
    np.testing.assert_array_equal(da.get_offsets(), db.get_offsets())
    with pytest.raises(ValidationError, match="layout: the layout's ids go beyond"):
        small = nx.path_graph(5)
        few = people_at(small, {"first_pin": {"size": 2}}, steps=1, seed=1)
        plot.network_snapshot(small, few, layout=layout)
    with pytest.raises(ValidationError, match="network: a network snapshot needs the network"):
        plot.network_snapshot(run)
    with pytest.raises(ValidationError, match="step: a people frame is one moment"):
        plot.network_snapshot(net, run, step=2)
    model = sim.WordOfMouthModel(net, {"first_pin": {"size": 3}}, seed=1, agents=False)
    with pytest.raises(ValidationError, match="step: the model is at week 0"):
        plot.network_snapshot(model, step=3)


# ------------------------------------------------------------------------- layout
def test_spring_kernel_matches_the_reference():
    g = nx.les_miserables_graph()
    net = sim.network.from_networkx(g)
    indptr, indices = _undirected(net)
    interest = [i % 3 for i in range(net.num_nodes)]
    weights = _arc_weights(indptr, indices, interest, net.num_nodes, 2.5)
    pos = np.random.default_rng(3).random((net.num_nodes, 2)) - 0.5
    k = float(np.sqrt(1 / net.num_nodes))
    ref = naive_spring_layout(
        [indices[indptr[i] : indptr[i + 1]].tolist() for i in range(net.num_nodes)],
        [weights[indptr[i] : indptr[i + 1]].tolist() for i in range(net.num_nodes)],
        pos.tolist(), 15, k, 0.1, 0.7,
    )  # fmt: skip
    got = _spring_kernel(indptr, indices, weights, pos.copy(), np.int64(15), k, 0.1, 0.7)
    np.testing.assert_allclose(got, np.array(ref), rtol=0, atol=1e-12)


def test_layout_is_seeded_and_puts_loners_around():
    g = nx.karate_club_graph()
    g.add_nodes_from(["alone", "also alone"])
    a = plot.network_layout(g, seed=2)
    b = plot.network_layout(g, seed=2)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a[["x", "y"]], plot.network_layout(g, seed=3)[["x", "y"]])
    assert np.abs(a[["x", "y"]].to_numpy()).max() == pytest.approx(1.0)
    radius = np.hypot(a["x"] - a["x"][:34].mean(), a["y"] - a["y"][:34].mean())
    assert (radius[34:].to_numpy() > radius[:34].max()).all()  # just outside the rest
    assert sample_nodes(nx.path_graph(10), 4, around=[0]).tolist() == [0, 1, 2, 3]
    with pytest.raises(ValidationError, match="pull: must be a number > 0"):
        plot.network_layout(g, pull=0)


# ------------------------------------------------------------ comparisons, sweeps
def _sweep_folder(path) -> None:
    """A finished grid sweep of an IC model over model.p x seeding.k, written as `wom
    sweep` writes one (final adopted = 10 p k, plus a little per arm), without running
    it: the figures only read the folder."""
    import json

    from sim.experiments.designs import Parameter, make_design
    from sim.experiments.sweep_store import MANIFEST, RUNS, atomic_write_text, write_parquet

    design = make_design([Parameter("model.p", values=[0.1, 0.4]),
                          Parameter("seeding.k", values=[1, 2, 3])], "grid")  # fmt: skip
    points = [{"point": i, "key": f"{i:016x}", "seed": 0, "params": v}
              for i, v in enumerate(design.points)]  # fmt: skip
    manifest = {
        "format": 1, "name": "fake", "arms": ["low", "high"], "points": points,
        "matrix": None, "runs": 2 * len(points),
        "design": {"kind": "grid", "samples": None, "levels": None, "seed": design.seed,
                   "common_random_numbers": True, "replicates": 2, "timeseries": False,
                   "parameters": [q.to_dict() for q in design.parameters],
                   "scenario": {"name": "fake", "model": {"name": "ic", "p": 0.1},
                                "seeding": {"k": 1}}},
    }  # fmt: skip
    path.mkdir()
    (path / RUNS).mkdir()
    atomic_write_text(path / MANIFEST, json.dumps(manifest))
    rows = [{**q["params"], "point": q["point"], "arm": arm, "replicate": r, "seed": 0,
             "run_id": f"{q['key']}-{r}",
             "final_adopted": 10 * q["params"]["model.p"] * q["params"]["seeding.k"] + j + r}
            for q in points for j, arm in enumerate(["low", "high"]) for r in range(2)]  # fmt: skip
    write_parquet(pd.DataFrame(rows), path / RUNS / "b0.parquet")


def test_comparison_and_sweep_figures(tmp_path):
    with pytest.raises(ValidationError, match="table: expected a comparison table"):
        plot.measure_bars(pd.DataFrame({"arm": ["a"]}))
    out = tmp_path / "s"
    _sweep_folder(out)
    analysis = analyze(out, num_resamples=20)
    fig = plot.sweep_heatmap(analysis)  # the two swept keys, most influential first
    assert {fig.axes[0].get_xlabel(), fig.axes[0].get_ylabel()} == {
        "model.p (0-1)",
        "seeding.k (count)",
    }
    assert fig.axes[-1].get_ylabel() == "mean final adopted (people)"
    assert [ax.get_title() for ax in fig.axes[:2]] == ["low", "high"]
    assert plot.tornado(out).axes[0].get_ylabel() == "parameter"  # a folder is analysed
    fig = plot.effect_lines(analysis, "seeding.k")
    assert fig.axes[0].get_xlabel() == "seeding.k (count)"
    bars = {c.get_label(): _hex(c.lines[0].get_color()) for c in fig.axes[0].containers}
    assert bars == plot.arm_colors(["low", "high"])  # categorical values: error bars
    with pytest.raises(ValidationError, match="output: 'time_to_half' was not analysed"):
        plot.tornado(analysis, output="time_to_half")
    with pytest.raises(ValidationError, match="keys: 'model.q' is not a swept key"):
        plot.effect_lines(analysis, ["model.q"])


def test_report_ties_channel_columns_to_their_colours():
    from sim.report import _channel_th

    for channel, color in plot.CHANNEL_COLORS.items():
        head = _channel_th(channel)
        assert f'style="background:{color}"></span>' in head, channel
        assert head.replace("</span>", "").endswith(f"{plot.CHANNEL_LABELS[channel]}</th>")


def test_cost_vs_reach_names_arms_inline_or_in_a_legend_when_they_crowd():
    def table(points):
        rows = []
        for arm, (reach, cost) in points.items():
            rows.append(
                {
                    "arm": arm,
                    "measure": "final_adopted",
                    "label": "final adopters",
                    "unit": "people",
                    "better": "higher",
                    "mean": reach,
                    "ci_low": reach - 5,
                    "ci_high": reach + 5,
                }
            )
            rows.append({"arm": arm, "measure": "cost_per_adopter", "label": "cost",
                         "unit": "currency units", "better": "lower", "mean": cost,
                         "ci_low": cost - 0.2, "ci_high": cost + 0.2})  # fmt: skip
        return pd.DataFrame(rows)

    apart = plot.cost_vs_reach(table({"vendor": (100, 30.0), "community": (600, 4.0)}))
    assert sorted(t.get_text() for t in apart.texts) == ["community", "vendor"]
    assert apart.get_legend() is None
    crowd = plot.cost_vs_reach(table({"degree": (470, 5.6), "RIS": (469, 5.65), "x": (100, 9)}))
    assert len(crowd.texts) == 0 and crowd.get_legend() is not None
    assert [t.get_text() for t in crowd.get_legend().get_texts()] == ["degree", "RIS", "x"]
