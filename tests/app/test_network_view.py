"""What the dashboard draws of a network, and that each week recolours it truly."""

from __future__ import annotations

import networkx as nx
import numpy as np

from sim.app.network_view import NetworkFigure, network_view
from sim.model import kernels as K  # noqa: N812
from sim.model.wom import WordOfMouthModel
from sim.network.csr import from_networkx
from sim.network.generators import planted_partition
from sim.plot import STATE_COLORS


def test_small_network_drawn_whole_and_cached():
    net = planted_partition(4, 30, 0.3, 0.01, seed=1)
    groups = net.node_attrs["community"].astype(np.int32)
    view = network_view(net, groups, seed=0)
    assert not view.sampled and view.nodes.tolist() == list(range(120))
    assert view.segments.shape == (net.num_edges, 2, 2)
    assert network_view(net, groups, seed=0) is view
    assert network_view(net, None, seed=0) is not view
    assert view.caption == f"120 people, {net.num_edges:,} ties drawn"


def test_large_network_is_a_snowball_sample_of_whole_neighbourhoods():
    graph = nx.connected_watts_strogatz_graph(400, 6, 0.05, seed=3)
    net = from_networkx(graph)
    view = network_view(net, seed=1, limit=200, sample=100)
    assert view.sampled and view.nodes.size == 100
    assert view.index[view.nodes].tolist() == list(range(100))
    assert (view.index >= 0).sum() == 100
    assert "100 of 400 people (a snowball sample)" in view.caption
    assert view.pos.min() >= 0.0 and view.pos.max() <= 1.0
    # Grown breadth-first: the sample keeps far more ties than a uniform one would.
    uniform = np.random.default_rng(0).choice(400, 100, replace=False)
    assert view.segments.shape[0] > 3 * graph.subgraph(uniform.tolist()).number_of_edges()
    # Each tie drawn joins the two people it joins in the network.
    drawn = {tuple(sorted(map(tuple, seg.round(9).tolist()))) for seg in view.segments}
    for u, v in graph.subgraph(view.nodes.tolist()).edges():
        ends = sorted(
            [tuple(view.pos[view.index[u]].round(9)), tuple(view.pos[view.index[v]].round(9))]
        )
        assert tuple(ends) in drawn


def test_interest_groups_come_out_as_clumps():
    net = planted_partition(3, 40, 0.3, 0.005, seed=1)
    groups = net.node_attrs["community"].astype(np.int32)
    view = network_view(net, groups, seed=2)
    centres = np.array([view.pos[groups == c].mean(axis=0) for c in range(3)])
    dist = np.linalg.norm(view.pos[:, None, :] - centres[None, :, :], axis=2)
    assert (dist.argmin(axis=1) == groups).mean() > 0.9


def test_each_week_recolours_people_by_their_true_state():
    net = planted_partition(3, 40, 0.2, 0.02, seed=2)
    params = {
        "first_pin": {"size": 6, "strategy": "degree"},
        "influencer": {"enabled": True, "count": 2},
        "people": {"interest": "community"},
    }
    model = WordOfMouthModel(net, params, seed=5, agents=False)
    view = network_view(net, model._prep.structure.interest, seed=0)
    figure = NetworkFigure([view, view])
    figure.update([model, model], ["a", "b"])
    first = figure.png()
    assert first[:4] == b"\x89PNG"
    assert figure.counts[0]["first pin"] == 6 and figure.counts[0]["paid"] == 2
    for _ in range(6):
        model.step()
    figure.update([model, model], ["a", "b"])
    counts = figure.counts[0]
    metrics = model.metrics
    for stage in K.STAGES:
        assert counts[stage] == metrics[stage]
    assert counts["member"] == metrics["members"]
    assert len(set(model.stage_codes.tolist())) >= 3
    for code, stage in enumerate(K.STAGES):  # each person drawn in their stage's colour
        layer = figure._people[0][stage]
        np.testing.assert_array_equal(
            np.column_stack(layer.get_data()), view.pos[model.stage_codes == code]
        )
        assert layer.get_markerfacecolor() == STATE_COLORS[stage]
    assert figure.png() != first
    assert figure._titles[1].get_text() == "b — week 6"
