"""Generators: sizes, degrees, planted communities, seeds, and parameter errors."""

import networkx as nx
import numpy as np
import pytest

from sim.errors import ValidationError
from sim.network import (
    GENERATORS,
    barabasi_albert,
    complete,
    erdos_renyi,
    generate,
    lfr,
    planted_partition,
    powerlaw_cluster,
    random_regular,
    ring_lattice,
    stochastic_block,
    to_networkx,
    watts_strogatz,
)


def same(a, b) -> bool:
    return np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)


def test_complete():
    net = complete(5)
    assert (net.num_nodes, net.num_edges, net.name) == (5, 10, "complete")
    assert set(net.degree().tolist()) == {4}
    assert complete(1).num_edges == 0


def test_ring_lattice_neighbours():
    net = ring_lattice(10, 4)
    assert net.num_edges == 20
    assert net.neighbors(0).tolist() == [1, 2, 8, 9]
    assert set(net.degree().tolist()) == {4}
    assert ring_lattice(5, 4).num_edges == 10  # k = n - 1: complete


def test_ring_lattice_equals_watts_strogatz_without_rewiring():
    assert same(ring_lattice(30, 6), watts_strogatz(30, 6, 0.0, seed=1))


def test_erdos_renyi_p_and_mean_degree():
    a = erdos_renyi(2000, mean_degree=8, seed=3)
    assert a.num_nodes == 2000 and a.name == "erdos_renyi"
    # Mean degree 8 with n = 2000: sd of the mean about 0.09.
    assert abs(a.degree().mean() - 8) < 0.5
    b = erdos_renyi(2000, p=8 / 1999, seed=3)
    assert same(a, b)
    dense = erdos_renyi(60, 0.5, seed=1)  # gnp_random_graph branch
    assert 0.35 < dense.num_edges / (60 * 59 / 2) < 0.65
    assert erdos_renyi(10, 1.0).num_edges == 45


def test_barabasi_albert_edges_and_hubs():
    net = barabasi_albert(500, 3, seed=2)
    assert net.num_edges == (500 - 3) * 3
    assert net.degree().min() >= 3
    assert net.degree().max() > 20  # scale-free hubs


def test_watts_strogatz_rewired():
    net = watts_strogatz(100, 4, 0.3, seed=4)
    assert net.num_edges == 200
    assert not same(net, ring_lattice(100, 4))


def test_random_regular():
    net = random_regular(50, 4, seed=0)
    assert set(net.degree().tolist()) == {4}
    assert random_regular(5, 0).num_edges == 0


def test_powerlaw_cluster_clusters_more_than_ba():
    pc = to_networkx(powerlaw_cluster(400, 3, 0.9, seed=1))
    ba = to_networkx(barabasi_albert(400, 3, seed=1))
    assert pc.number_of_nodes() == 400
    assert nx.transitivity(pc) > 2 * nx.transitivity(ba)


def test_planted_partition_communities():
    net = planted_partition(4, 25, 0.5, 0.01, seed=7)
    comm = net.node_attrs["community"]
    assert net.num_nodes == 100
    assert comm.dtype == np.int64
    assert np.bincount(comm).tolist() == [25] * 4
    src = np.repeat(np.arange(net.num_nodes), net.degree())
    inside = (comm[src] == comm[net.indices]).mean()
    assert inside > 0.8  # p_in n_in / (p_in n_in + p_out n_out) ~ 0.89


def test_stochastic_block():
    p = [[0.6, 0.0, 0.05], [0.0, 0.6, 0.0], [0.05, 0.0, 0.6]]
    net = stochastic_block([20, 30, 10], p, seed=3)
    comm = net.node_attrs["community"]
    assert np.bincount(comm).tolist() == [20, 30, 10]
    src = np.repeat(np.arange(net.num_nodes), net.degree())
    pairs = {(int(a), int(b)) for a, b in zip(comm[src], comm[net.indices], strict=True)}
    assert (0, 1) not in pairs and (1, 2) not in pairs  # zero-probability block pairs
    assert (0, 0) in pairs and (0, 2) in pairs


def test_lfr_communities_and_mixing():
    net = lfr(250, 3, 1.5, 0.1, average_degree=5, min_community=20, seed=10)
    comm = net.node_attrs["community"]
    assert net.num_nodes == 250 and net.name == "lfr"
    sizes = np.bincount(comm)
    assert sizes.min() >= 20 and sizes.sum() == 250
    assert comm[0] == 0  # numbered by smallest node
    src = np.repeat(np.arange(net.num_nodes), net.degree())
    assert (comm[src] != comm[net.indices]).mean() < 0.25  # mu = 0.1


def test_lfr_not_converging_is_a_clear_error():
    with pytest.raises(ValidationError, match="did not converge") as err:
        lfr(
            100, 3, 1.5, 0.1, min_degree=3, min_community=90, max_community=95, seed=1, max_iters=20
        )
    assert "min_community" in str(err.value)


def test_lfr_empty_community_range_is_refused_not_a_hang():
    # networkx alone loops forever here: min_community above every sampled degree.
    with pytest.raises(ValidationError, match="which is empty") as err:
        lfr(150, 3, 1.5, 0.1, average_degree=5, max_degree=15, min_community=20, seed=11)
    assert err.value.key == "min_community"


def test_lfr_hub_without_big_enough_community():
    with pytest.raises(ValidationError, match="largest sampled degree") as err:
        lfr(
            200,
            2.5,
            1.5,
            0.1,
            min_degree=10,
            max_degree=60,
            min_community=20,
            max_community=30,
            seed=1,
        )
    assert err.value.key == "max_community"


@pytest.mark.parametrize(
    ("func", "args", "kw"),
    [
        (erdos_renyi, (300,), {"mean_degree": 4}),
        (barabasi_albert, (300, 2), {}),
        (watts_strogatz, (300, 4, 0.2), {}),
        (random_regular, (300, 3), {}),
        (planted_partition, (3, 40, 0.3, 0.02), {}),
        (stochastic_block, ([30, 40], [[0.3, 0.02], [0.02, 0.3]]), {}),
        (powerlaw_cluster, (300, 2, 0.5), {}),
        (
            lfr,
            (200, 3, 1.5, 0.1),
            {"average_degree": 6, "max_degree": 20, "min_community": 20, "max_community": 50},
        ),
    ],
)
def test_seed_reproducible(func, args, kw):
    a = func(*args, seed=11, **kw)
    b = func(*args, seed=11, **kw)
    c = func(*args, seed=12, **kw)
    assert same(a, b)
    assert not same(a, c)
    assert a.name == func.__name__


@pytest.mark.parametrize(
    ("func", "args", "kw", "key", "match"),
    [
        (complete, (-3,), {}, "n", "must be > 0, got -3"),
        (complete, (2.5,), {}, "n", "must be an integer"),
        (complete, (True,), {}, "n", "must be an integer"),
        (complete, (10**6,), {}, "n", "more than the limit"),
        (erdos_renyi, (10,), {}, "p", "exactly one of p and mean_degree"),
        (erdos_renyi, (10, 0.1), {"mean_degree": 2}, "p", "exactly one"),
        (erdos_renyi, (10, 1.5), {}, "p", r"must be in \[0, 1\], got 1.5"),
        (erdos_renyi, (10,), {"mean_degree": 12}, "mean_degree", "must be <= n - 1 = 9, got 12"),
        (erdos_renyi, (10,), {"mean_degree": -3}, "mean_degree", "must be > 0, got -3"),
        (erdos_renyi, (10, 0.1), {"seed": -1}, "seed", "must be >= 0"),
        (erdos_renyi, (10, 0.1), {"seed": 1.5}, "seed", "must be an integer"),
        (erdos_renyi, (10, float("nan")), {}, "p", "finite"),
        (barabasi_albert, (10, 10), {}, "m", "must be < 10, got 10"),
        (barabasi_albert, (10, 0), {}, "m", "must be > 0"),
        (watts_strogatz, (10, 3, 0.1), {}, "k", "must be even"),
        (watts_strogatz, (10, 4, -0.1), {}, "p", r"\[0, 1\]"),
        (ring_lattice, (10, 10), {}, "k", "must be < 10"),
        (random_regular, (5, 3), {}, "d", "n \\* d must be even"),
        (random_regular, (5, 5), {}, "d", "must be < 5"),
        (planted_partition, (0, 5, 0.5, 0.1), {}, "groups", "must be > 0"),
        (planted_partition, (2, 5, 0.5, 2), {}, "p_out", r"\[0, 1\]"),
        (stochastic_block, ([5, 5], [[0.5, 0.1]]), {}, "p", "2x2 matrix"),
        (stochastic_block, ([5, 5], [[0.5, 0.1], [0.2, 0.5]]), {}, "p", "symmetric"),
        (stochastic_block, ([5, 0], [[0.5, 0.1], [0.1, 0.5]]), {}, "sizes[1]", "must be > 0"),
        (stochastic_block, ("ab", [[1]]), {}, "sizes", "list of block sizes"),
        (stochastic_block, ([5], [["x"]]), {}, "p", "matrix of numbers"),
        (lfr, (100, 1.0, 1.5, 0.1), {"average_degree": 5}, "tau1", "must be > 1"),
        (lfr, (100, 3, 1.5, 1.1), {"average_degree": 5}, "mu", r"\[0, 1\]"),
        (lfr, (100, 3, 1.5, 0.1), {}, "average_degree", "exactly one"),
        (lfr, (100, 3, 1.5, 0.1), {"average_degree": 5, "max_degree": 100}, "max_degree", "< 100"),
        (powerlaw_cluster, (10, 2, 1.5), {}, "p", r"\[0, 1\]"),
    ],
)
def test_bad_parameters(func, args, kw, key, match):
    with pytest.raises(ValidationError, match=match) as err:
        func(*args, **kw)
    assert err.value.key == key


def test_generate_dispatch():
    net = generate("Ring-Lattice", n=12, k=2)
    assert net.name == "ring_lattice" and net.num_edges == 12
    assert same(generate("erdos_renyi", n=100, p=0.05, seed=1), erdos_renyi(100, 0.05, seed=1))
    assert set(GENERATORS) == {
        "complete", "erdos_renyi", "barabasi_albert", "watts_strogatz", "random_regular",
        "ring_lattice", "planted_partition", "stochastic_block", "lfr", "powerlaw_cluster",
    }  # fmt: skip


def test_generate_errors_list_choices():
    with pytest.raises(ValidationError, match="choose one of: complete, erdos_renyi") as err:
        generate("small_world", n=10)
    assert err.value.key == "generator"
    with pytest.raises(ValidationError, match="allowed: n, m, seed") as err:
        generate("barabasi_albert", n=10, m=2, p=0.1)
    assert err.value.key == "p"
    with pytest.raises(ValidationError, match="missing required") as err:
        generate("barabasi_albert", n=10)
    assert err.value.key == "m"
