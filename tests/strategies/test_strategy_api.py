"""first_pin: names, labels, reproducibility from the seed, and bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import networkx as nx
import numpy as np
import pytest

from sim.errors import ValidationError
from sim.network import from_networkx, load_dataset
from sim.strategies import STRATEGIES, first_pin, first_pin_ids

NAMES = [
    "random",
    "degree",
    "pagerank",
    "betweenness",
    "k_core",
    "closeness",
    "enthusiasm",
    "interest_cohesive",
    "score",
    "influencer",
    "degree_discount",
    "celf",
    "ris",
]
IM = ["degree_discount", "celf", "ris"]


def _graph():
    g = nx.karate_club_graph()
    rng = np.random.default_rng(0)
    for v in g:
        g.nodes[v]["enthusiasm"] = float(rng.random())
        g.nodes[v]["community"] = g.nodes[v]["club"]
        g.nodes[v]["usage"] = float(rng.integers(0, 100))
    return nx.relabel_nodes(g, {v: f"p{v}" for v in g})


OPTIONS = {"score": {"columns": ["usage"]}, "celf": {"replicates": 100}}


def test_the_thirteen_strategies_by_name_with_one_line_descriptions():
    assert list(STRATEGIES) == NAMES
    for name, strat in STRATEGIES.items():
        assert strat.name == name
        assert strat.description and "\n" not in strat.description
        assert strat.function.__doc__ and "References:" in strat.function.__doc__, name
        assert "Notes:" in strat.function.__doc__, name
    with pytest.raises(TypeError):
        STRATEGIES["mine"] = STRATEGIES["degree"]  # read only


@pytest.mark.parametrize("name", NAMES)
def test_every_strategy_returns_k_distinct_labels_reproducibly(name):
    g = _graph()
    pin = first_pin(name, g, 5, seed=3, **OPTIONS.get(name, {}))
    assert len(pin) == 5 and len(set(pin)) == 5
    assert all(isinstance(v, str) and v in g for v in pin)
    assert first_pin(name, g, 5, seed=3, **OPTIONS.get(name, {})) == pin
    # The same through a Network and through the Strategy object.
    net = from_networkx(g)
    assert first_pin(name, net, 5, seed=3, **OPTIONS.get(name, {})) == pin
    assert STRATEGIES[name](g, 5, seed=3, **OPTIONS.get(name, {})) == pin
    ids = first_pin_ids(name, net, 5, seed=3, **OPTIONS.get(name, {}))
    assert net.label_of(ids) == pin


@pytest.mark.parametrize("name", ["random", "celf", "ris"])
def test_random_strategies_change_with_the_seed(name):
    net = load_dataset("facebook") if name == "random" else from_networkx(nx.les_miserables_graph())
    opts = {"p": 0.05, "replicates": 50} if name == "celf" else {"p": 0.05} if name == "ris" else {}
    pins = {tuple(first_pin(name, net, 10, seed=s, **opts)) for s in range(6)}
    assert len(pins) > 1


def test_random_is_uniform_and_nested():
    net = from_networkx(nx.path_graph(10))
    counts = np.zeros(10)
    for s in range(2000):
        counts[first_pin_ids("random", net, 3, seed=s)] += 1
    # Each node is picked with probability 3/10: binomial(2000, 0.3) sd = 20.5.
    assert np.all(np.abs(counts - 600) < 4 * 20.5)
    assert first_pin("random", net, 4, seed=5)[:3] == first_pin("random", net, 3, seed=5)


def test_seed_may_be_a_generator_or_seedsequence():
    g = nx.les_miserables_graph()
    a = first_pin("random", g, 5, seed=np.random.default_rng(4))
    b = first_pin("random", g, 5, seed=np.random.default_rng(4))
    assert a == b
    c = first_pin("ris", g, 3, seed=np.random.SeedSequence(8), p=0.1)
    assert c == first_pin("ris", g, 3, seed=np.random.SeedSequence(8), p=0.1)
    # A generator advances by one draw whatever the strategy (aligned arms).
    g1, g2 = np.random.default_rng(1), np.random.default_rng(1)
    first_pin("degree", g, 3, seed=g1)
    first_pin("random", g, 3, seed=g2)
    assert g1.integers(1 << 30) == g2.integers(1 << 30)


def test_the_pin_does_not_depend_on_the_number_of_threads():
    code = (
        "import json, networkx as nx\n"
        "from sim.strategies import first_pin\n"
        "g = nx.les_miserables_graph()\n"
        "print(json.dumps([first_pin('ris', g, 4, p=0.1, seed=2),"
        " first_pin('celf', g, 4, p=0.1, replicates=64, seed=2),"
        " first_pin('betweenness', g, 4, k_samples=20, seed=2)]))\n"
    )
    outs = []
    for threads in ("1", "2"):
        env = dict(os.environ, NUMBA_NUM_THREADS=threads)
        run = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        outs.append(json.loads(run.stdout))
    assert outs[0] == outs[1]


# ---------------------------------------------------------------------- bad input
def _key(exc) -> str:
    return exc.value.key


def test_unknown_strategy_lists_the_valid_ones():
    with pytest.raises(ValidationError, match="valid strategies: random, degree") as err:
        first_pin("hubs", nx.path_graph(3), 1)
    assert _key(err) == "first_pin.strategy"
    with pytest.raises(ValidationError) as err:
        first_pin(None, nx.path_graph(3), 1)
    assert _key(err) == "first_pin.strategy"


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("k", [0, -3, 35])
def test_bad_size(name, k):
    with pytest.raises(ValidationError) as err:
        first_pin(name, _graph(), k, **OPTIONS.get(name, {}))
    assert _key(err) == "first_pin.size"
    assert ("34 nodes" if k > 0 else "at least 1") in str(err.value)


@pytest.mark.parametrize("k", [2.5, "3", True])
def test_size_must_be_an_integer(k):
    with pytest.raises(ValidationError, match="integer") as err:
        first_pin("degree", nx.path_graph(5), k)
    assert _key(err) == "first_pin.size"


@pytest.mark.parametrize("name", IM)
@pytest.mark.parametrize("p", [-0.1, 1.5, float("nan"), "nope", [0.1, 0.2]])
def test_im_probability_outside_unit_interval(name, p):
    with pytest.raises(ValidationError) as err:
        first_pin(name, nx.path_graph(5), 2, p=p)
    assert _key(err) == "first_pin.p"


def test_degree_discount_needs_one_probability():
    net = from_networkx(nx.path_graph(5))
    with pytest.raises(ValidationError, match="one probability") as err:
        first_pin("degree_discount", net, 2, p=np.linspace(0.1, 0.5, net.num_arcs))
    assert _key(err) == "first_pin.p"


def test_unknown_option_names_the_strategys_options():
    with pytest.raises(ValidationError, match=r"no option 'p' \(its options: none\)") as err:
        first_pin("degree", nx.path_graph(5), 2, p=0.1)
    assert _key(err) == "first_pin.p"
    with pytest.raises(ValidationError, match="its options: p, replicates") as err:
        first_pin("celf", nx.path_graph(5), 2, epsilon=0.1)
    assert _key(err) == "first_pin.epsilon"


@pytest.mark.parametrize(
    ("name", "opts", "key"),
    [
        ("celf", {"replicates": 0}, "first_pin.replicates"),
        ("ris", {"epsilon": 0.0}, "first_pin.epsilon"),
        ("ris", {"epsilon": 1.0}, "first_pin.epsilon"),
        ("ris", {"ell": -1}, "first_pin.ell"),
        ("ris", {"theta": 0}, "first_pin.theta"),
        ("betweenness", {"k_samples": 0}, "first_pin.k_samples"),
        ("pagerank", {"alpha": 1.0}, "first_pin.alpha"),
        ("pagerank", {"alpha": -1.0}, "first_pin.alpha"),
        ("pagerank", {"alpha": 2.0}, "first_pin.alpha"),
    ],
)
def test_bad_strategy_options(name, opts, key):
    with pytest.raises(ValidationError) as err:
        first_pin(name, nx.path_graph(5), 2, **opts)
    assert _key(err) == key


def test_celf_refuses_worlds_that_do_not_fit():
    net = load_dataset("facebook")
    with pytest.raises(ValidationError, match="fewer replicates") as err:
        first_pin("celf", net, 2, replicates=600_000)
    assert _key(err) == "first_pin.replicates"


@pytest.mark.parametrize("seed", [-1, 1.5, "x", True])
def test_bad_seed(seed):
    with pytest.raises(ValidationError) as err:
        first_pin("random", nx.path_graph(5), 2, seed=seed)
    assert _key(err) == "first_pin.seed"


def test_bad_network():
    with pytest.raises(ValidationError) as err:
        first_pin("degree", [(0, 1)], 1)
    assert _key(err) == "network"
    with pytest.raises(ValidationError, match="empty") as err:
        first_pin("degree", nx.Graph(), 1)
    assert _key(err) == "network"
