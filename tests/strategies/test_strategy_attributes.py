"""Enthusiasm, interest-cohesive, score and influencer strategies."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from sim.errors import ValidationError
from sim.network import from_networkx, load_dataset
from sim.strategies import first_pin

from .naive import naive_cohesive


def _heat(n, seed=0):
    return np.random.default_rng(seed).random(n)


def test_enthusiasm_from_values_or_attribute():
    g = nx.karate_club_graph()
    heat = _heat(34)
    want = sorted(range(34), key=lambda v: (-heat[v], v))[:7]
    assert first_pin("enthusiasm", g, 7, values=heat) == want
    nx.set_node_attributes(g, dict(enumerate(heat.tolist())), "enthusiasm")
    assert first_pin("enthusiasm", g, 7) == want
    nx.set_node_attributes(g, dict(enumerate((1 - heat).tolist())), "heat")
    assert (
        first_pin("enthusiasm", g, 7, attribute="heat")
        == sorted(range(34), key=lambda v: (heat[v], v))[:7]
    )


def test_enthusiasm_ties_go_to_the_smaller_id():
    g = nx.path_graph(6)
    assert first_pin("enthusiasm", g, 3, values=[1, 2, 2, 0, 2, 1]) == [1, 2, 4]


def test_influencer_is_top_degree_whatever_the_enthusiasm():
    g = nx.les_miserables_graph()
    heat = np.zeros(g.number_of_nodes())
    heat[-1] = 100.0  # a hot nobody
    pin = first_pin("influencer", g, 6)
    assert pin == first_pin("degree", g, 6)
    deg = dict(g.degree())
    order = list(g)
    assert pin == sorted(order, key=lambda v: (-deg[v], order.index(v)))[:6]
    assert order[-1] not in pin


def _community_graph():
    """ca-GrQc-like test bed: karate with two clubs as interest communities."""
    g = nx.karate_club_graph()
    nx.set_node_attributes(g, {v: g.nodes[v]["club"] for v in g}, "community")
    return g


@pytest.mark.parametrize("interest", ["Mr. Hi", "Officer"])
def test_interest_cohesive_matches_the_naive_greedy_and_is_connected(interest):
    g = _community_graph()
    heat = _heat(34, 3)
    pin = first_pin("interest_cohesive", g, 10, values=heat, interest=interest)
    members = [v for v in g if g.nodes[v]["club"] == interest]
    adjacency = {v: set(g[v]) for v in g}
    assert pin == naive_cohesive(adjacency, members, heat, 10)
    assert set(pin) <= set(members)
    assert pin[0] == max(members, key=lambda v: (heat[v], -v))
    assert nx.is_connected(g.subgraph(pin))


@pytest.mark.parametrize("pick", ["total", "mean"])
def test_interest_cohesive_picks_the_community_by_heat(pick):
    # Two groups: "a" has 6 lukewarm people (total 3.0, mean 0.5), "b" 3 hot ones
    # (total 2.7, mean 0.9), "c" 1 very hot person (too small for k = 3).
    g = nx.path_graph(10)
    labels = ["a"] * 6 + ["b"] * 3 + ["c"]
    nx.set_node_attributes(g, dict(enumerate(labels)), "community")
    heat = [0.5] * 6 + [0.9] * 3 + [5.0]
    pin = first_pin("interest_cohesive", g, 3, values=heat, pick=pick)
    assert {labels[v] for v in pin} == ({"a"} if pick == "total" else {"b"})


def test_interest_cohesive_restarts_when_the_community_is_split():
    # Community "x" is two components {0, 1} and {3, 4} (node 2 is "y").
    g = nx.path_graph(5)
    nx.set_node_attributes(g, dict(enumerate("xxyxx")), "community")
    heat = [0.2, 0.1, 1.0, 0.9, 0.3]
    pin = first_pin("interest_cohesive", g, 3, values=heat, interest="x")
    assert pin == [3, 4, 0]


def test_interest_cohesive_on_a_directed_network_uses_ties_either_way():
    g = nx.DiGraph([(1, 0), (2, 1), (3, 2)])
    nx.set_node_attributes(g, dict.fromkeys(g, "x"), "community")
    heat = {0: 1.0, 1: 0.1, 2: 0.5, 3: 0.9}
    nx.set_node_attributes(g, heat, "enthusiasm")
    assert first_pin("interest_cohesive", g, 3) == [0, 1, 2]


def test_interest_cohesive_on_a_bundled_dataset_with_communities():
    net = load_dataset("email-eu-core")
    heat = _heat(net.num_nodes, 11)
    pin = first_pin("interest_cohesive", net, 20, values=heat)
    comm = net.node_attrs["community"][net.ids(pin)]
    assert len(set(comm.tolist())) == 1 and len(set(pin)) == 20


def test_interest_cohesive_bad_input():
    g = _community_graph()
    heat = _heat(34)
    with pytest.raises(ValidationError, match="Officer") as err:
        first_pin("interest_cohesive", g, 3, values=heat, interest="nobody")
    assert err.value.key == "first_pin.interest"
    with pytest.raises(ValidationError, match="has 17") as err:
        first_pin("interest_cohesive", g, 18, values=heat, interest="Officer")
    assert err.value.key == "first_pin.size"
    with pytest.raises(ValidationError, match="largest interest community has 17") as err:
        first_pin("interest_cohesive", g, 18, values=heat)
    assert err.value.key == "first_pin.size"
    with pytest.raises(ValidationError, match="node attributes: club, community") as err:
        first_pin("interest_cohesive", g, 3)  # no enthusiasm
    assert err.value.key == "first_pin.enthusiasm"
    with pytest.raises(ValidationError, match="no node attribute 'community'") as err:
        first_pin("interest_cohesive", nx.path_graph(4), 2, values=[1, 2, 3, 4])
    assert err.value.key == "first_pin.interest"
    with pytest.raises(ValidationError) as err:
        first_pin("interest_cohesive", g, 3, values=heat, pick="median")
    assert err.value.key == "first_pin.pick"


def _people(n=8):
    rng = np.random.default_rng(2)
    return pd.DataFrame(
        {
            "logins": rng.integers(0, 50, n).astype(float),
            "posts": rng.integers(0, 10, n).astype(float),
            "lifecycle_stage": ["active", "new", "active", "churned"] * (n // 4),
        }
    )


def test_score_is_the_weighted_sum_of_columns():
    people = _people()
    g = nx.path_graph(8)
    total = 1.0 * people["logins"] + 3.0 * people["posts"]
    want = sorted(range(8), key=lambda v: (-total[v], v))[:4]
    assert first_pin("score", g, 4, columns={"logins": 1.0, "posts": 3.0}, table=people) == want


def test_score_restricted_to_a_lifecycle_stage():
    people = _people()
    g = nx.path_graph(8)
    total = people["logins"] + people["posts"]
    active = [v for v in range(8) if people["lifecycle_stage"][v] == "active"]
    want = sorted(active, key=lambda v: (-total[v], v))[:3]
    pin = first_pin("score", g, 3, columns=["logins", "posts"], table=people, stage="active")
    assert pin == want


def test_score_standardized_puts_columns_on_one_scale():
    # Raw, "big" decides (node 2); standardised, node 0's outlying "small" wins.
    people = pd.DataFrame({"big": [1000.0, 1001.0, 1003.0, 999.0], "small": [0.3, 0.0, 0.01, 0.02]})
    g = nx.path_graph(4)
    raw = first_pin("score", g, 1, columns=["big", "small"], table=people)
    z = first_pin("score", g, 1, columns=["big", "small"], table=people, standardize=True)
    assert raw == [2] and z == [0]
    zb = (people["big"] - people["big"].mean()) / people["big"].std(ddof=0)
    zs = (people["small"] - people["small"].mean()) / people["small"].std(ddof=0)
    assert z == [int(np.argmax((zb + zs).to_numpy()))]


def test_score_table_rows_are_matched_by_node_label_and_missing_people_skipped():
    g = nx.Graph([("ann", "bob"), ("bob", "cy"), ("cy", "dee")])
    people = pd.DataFrame({"usage": [5.0, 9.0, np.nan]}, index=["cy", "ann", "bob"])
    assert first_pin("score", g, 2, columns=["usage"], table=people) == ["ann", "cy"]
    with pytest.raises(ValidationError, match="only 2 people") as err:
        first_pin("score", g, 3, columns=["usage"], table=people)
    assert err.value.key == "first_pin.size"


def test_score_from_node_attributes():
    g = nx.path_graph(5)
    nx.set_node_attributes(g, dict(enumerate([3, 1, 4, 1, 5])), "usage")
    assert first_pin("score", g, 2, columns={"usage": 2.0}) == [4, 2]


def test_score_bad_input():
    people = _people()
    g = nx.path_graph(8)
    with pytest.raises(ValidationError, match=r"'visits'.*logins, posts") as err:
        first_pin("score", g, 2, columns=["logins", "visits"], table=people)
    assert err.value.key == "first_pin.score_columns"
    with pytest.raises(ValidationError, match="must be numeric") as err:
        first_pin("score", g, 2, columns=["lifecycle_stage"], table=people)
    assert err.value.key == "first_pin.score_columns"
    with pytest.raises(ValidationError, match="no score columns") as err:
        first_pin("score", g, 2, columns=[], table=people)
    assert err.value.key == "first_pin.score_columns"
    with pytest.raises(ValidationError, match="finite") as err:
        first_pin("score", g, 2, columns={"logins": float("nan")}, table=people)
    assert err.value.key == "first_pin.score_columns"
    with pytest.raises(ValidationError, match="no stage column 'phase'") as err:
        first_pin("score", g, 2, columns=["logins"], table=people, stage="x", stage_column="phase")
    assert err.value.key == "first_pin.stage_column"
    with pytest.raises(ValidationError, match="node 92 is not in the network") as err:
        first_pin("score", g, 2, columns=["logins"], table=people.set_axis(range(92, 100)))
    assert err.value.key == "first_pin.table"
    with pytest.raises(ValidationError, match="DataFrame") as err:
        first_pin("score", g, 2, columns=["logins"], table={"logins": [1, 2]})
    assert err.value.key == "first_pin.table"
    with pytest.raises(ValidationError, match="columns: none") as err:
        first_pin("score", g, 2, columns=["logins"])  # no table, no node attributes
    assert err.value.key == "first_pin.score_columns"


def test_enthusiasm_bad_input():
    g = nx.path_graph(4)
    with pytest.raises(ValidationError, match="needs enthusiasm") as err:
        first_pin("enthusiasm", g, 2)
    assert err.value.key == "first_pin.enthusiasm"
    with pytest.raises(ValidationError, match="one number per node") as err:
        first_pin("enthusiasm", g, 2, values=[1.0, 2.0])
    assert err.value.key == "first_pin.enthusiasm"
    with pytest.raises(ValidationError, match="NaN") as err:
        first_pin("enthusiasm", g, 2, values=[1.0, np.nan, 2.0, 3.0])
    assert err.value.key == "first_pin.enthusiasm"
    net = from_networkx(g)
    net.node_attrs["enthusiasm"] = np.array(["hot", "cold", "hot", "warm"], dtype=object)
    with pytest.raises(ValidationError, match="must be numbers") as err:
        first_pin("enthusiasm", net, 2)
    assert err.value.key == "first_pin.enthusiasm"


def test_enthusiasm_within_one_interest_community():
    # The marketing model's "interest" pick: the hottest of one group, connected or not.
    g = _community_graph()
    heat = _heat(34, 5)
    members = [v for v in g if g.nodes[v]["club"] == "Officer"]
    want = sorted(members, key=lambda v: (-heat[v], v))[:6]
    assert first_pin("enthusiasm", g, 6, values=heat, interest="Officer") == want
    with pytest.raises(ValidationError, match="has 17") as err:
        first_pin("enthusiasm", g, 18, values=heat, interest="Officer")
    assert err.value.key == "first_pin.size"
    with pytest.raises(ValidationError, match="'Mr. Hi', 'Officer'") as err:
        first_pin("enthusiasm", g, 2, values=heat, interest="Chess")
    assert err.value.key == "first_pin.interest"
    with pytest.raises(ValidationError, match="strategy 'enthusiasm' needs an interest") as err:
        first_pin("enthusiasm", nx.path_graph(4), 2, values=[1, 2, 3, 4], interest="a")
    assert err.value.key == "first_pin.interest"
