"""Benchmark: the word-of-mouth marketing model at scale, against a bare IC step.

Three measurements:

1. **Big run** (in a fresh child process, whose peak resident memory is reported):
   build a 1M-node / 10M-edge network with :func:`sim.network.csr.from_edges` from
   numpy random edges (70% of them inside 1,000 interest groups of 1,000 people, the
   ``community`` attribute), then run :func:`sim.model.simulate_wom` with the
   flagship mechanics all switched on (vendor, paid influencers, a hot first pin of
   20 from one interest group, meetups, invitations, word of mouth, decay, churn):
   52 weeks x 10 replicates. The seconds cover the whole call (trust from
   neighbourhood overlap on 20M arcs, people, first pin, the parallel kernel); the
   kernels are compiled (or loaded from numba's cache) first, on a tiny graph.
2. **Model step vs IC step** on the same big graph, at full activity: every person is
   an advocate talking over each tie with probability p, against an independent
   cascade step in which every person is a spreader with the same p (both draw
   geometric gaps over the 20M arcs). A step's time is the difference between a run
   of 4 steps and a run of 0 steps, per replicate-step, so set-up is excluded. The
   model's extra cost is its bookkeeping: vendor and influencers, decay, advocate
   update, churn (one draw per adopter) and the metrics.
3. **Mesa step** at 10k nodes with agents: mean milliseconds per
   ``WordOfMouthModel.step()`` (kernel step, metrics, DataCollector).

Usage::

    python benchmarks/bench_model.py [--nodes 1000000 --edges 10000000
                                      --replicates 10 --steps 52 --mesa-nodes 10000]

The last line printed is machine-readable::

    model_vs_ic_step=<x> big_run_seconds=<y> big_run_peak_gb=<z> mesa_step_ms=<w>
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np

__all__ = ["FLAGSHIP", "build_network", "main"]

#: The flagship mechanics, all channels on (one arm carrying every mechanism).
FLAGSHIP = {
    "vendor": {"enabled": True, "reach": 1000},
    "influencer": {"enabled": True, "count": 20},
    "first_pin": {"strategy": "interest", "size": 20, "enthusiasm": 0.9},
    "community": {"cap": 100, "capacity": 50},
}


def build_network(nodes: int, edges: int, *, group: int = 1000, within: float = 0.7, seed: int = 0):
    """A random network with planted interest groups, built from numpy edge arrays.

    Args:
        nodes: Number of people.
        edges: Number of random edges (before merging duplicates and dropping loops).
        group: People per interest group (``community = id // group``).
        within: Share of edges drawn inside the source's group.
        seed: Random seed.

    Returns:
        An undirected :class:`~sim.network.csr.Network` with node attribute ``community``.
    """
    from sim.network.csr import from_edges

    rng = np.random.default_rng(seed)
    src = rng.integers(0, nodes, edges)
    inside = rng.random(edges) < within
    dst = rng.integers(0, nodes, edges)
    base = (src // group) * group
    dst[inside] = np.minimum(base[inside] + rng.integers(0, group, int(inside.sum())), nodes - 1)
    community = np.arange(nodes, dtype=np.int64) // group
    return from_edges(src, dst, num_nodes=nodes, node_attrs={"community": community}, name="bench")


def _peak_rss_gb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 30) if sys.platform == "darwin" else peak / (1 << 20)


def _warm_up() -> None:
    """Compile (or load from cache) every kernel on a tiny graph."""
    import networkx as nx

    from sim.contagion.cascade import independent_cascade
    from sim.model import simulate_wom

    g = nx.planted_partition_graph(4, 50, 0.1, 0.01, seed=1)
    for i in g.nodes:
        g.nodes[i]["community"] = i // 50
    simulate_wom(g, {**FLAGSHIP, "first_pin": {"strategy": "interest", "size": 5}}, steps=4, seed=1)
    independent_cascade(g, 5, 0.1, replicates=2, steps=3, seed=1, record=False)


def _child_big(nodes: int, edges: int, replicates: int, steps: int) -> None:
    from sim.model import simulate_wom

    _warm_up()
    t0 = time.perf_counter()
    net = build_network(nodes, edges)
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    run = simulate_wom(net, FLAGSHIP, replicates=replicates, steps=steps, seed=1)
    seconds = time.perf_counter() - t0
    s = run.summary.mean(numeric_only=True)
    print(
        json.dumps(
            {
                "build_seconds": t_build,
                "seconds": seconds,
                "peak_gb": _peak_rss_gb(),
                "arcs": net.num_arcs,
                "final_adopted": float(s.final_adopted),
                "max_chain_depth": float(s.max_chain_depth),
                "final_members": float(s.final_members),
            }
        )
    )


def _model_kernel_seconds(net, params, replicates: int, steps: int) -> float:
    from sim.model import kernels as K  # noqa: N812
    from sim.model.simulate import prepare

    prep = prepare(net, params, replicates=replicates, seed=3)
    out = np.empty((replicates, steps + 1, K.NMETRICS))
    s = prep.structure
    t0 = time.perf_counter()
    K._run_batch(
        np.int64(steps), prep.prm, net.indptr, net.indices, s.trust, s.interest, s.group_ptr,
        s.group_nodes, prep.pins, prep.influencers, prep.pf, prep.pi, prep.pb, prep.queue,
        prep.ist, prep.fst, prep.states, out,
    )  # fmt: skip
    return time.perf_counter() - t0


def _child_ratio(
    nodes: int, edges: int, p: float = 0.2, replicates: int = 2, steps: int = 4
) -> None:
    from sim.contagion.cascade import independent_cascade

    _warm_up()
    net = build_network(nodes, edges)
    everyone = {
        "people": {"enthusiasm": {"kind": "constant", "value": 1.0}},
        "trust": {"source": "constant", "value": 1.0},
        "word_of_mouth": {"talk_prob": p, "decay": 0.0},
        "first_pin": {"strategy": "degree", "size": nodes},
        "community": {"cadence": 10_000, "invite_prob": 0.0},
        "vendor": {"enabled": True, "reach": 1000},
        "influencer": {"enabled": True, "count": 20},
    }
    model = []
    ic = []
    for _ in range(3):
        model.append(
            (_model_kernel_seconds(net, everyone, replicates, steps)
             - _model_kernel_seconds(net, everyone, replicates, 0)) / (replicates * steps)
        )  # fmt: skip
        t0 = time.perf_counter()
        independent_cascade(net, nodes, p, replicates=replicates, steps=1, seed=3, record=False)
        t1 = time.perf_counter()
        independent_cascade(net, nodes, p, replicates=replicates, steps=0, seed=3, record=False)
        t2 = time.perf_counter()
        ic.append(((t1 - t0) - (t2 - t1)) / replicates)
    m, c = min(model), min(ic)
    print(json.dumps({"model_step": m, "ic_step": c, "ratio": m / c}))


def _run_child(args: list[str]) -> dict:
    res = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if res.returncode != 0:
        raise RuntimeError(res.stderr[-3000:])
    return json.loads(res.stdout.strip().splitlines()[-1])


def _mesa_step_ms(nodes: int, steps: int = 52) -> float:
    import networkx as nx

    from sim.model import WordOfMouthModel

    groups = max(nodes // 250, 1)
    g = nx.planted_partition_graph(groups, nodes // groups, 10 / (nodes // groups), 1e-4, seed=1)
    for i in g.nodes:
        g.nodes[i]["community"] = i // (nodes // groups)
    model = WordOfMouthModel(g, FLAGSHIP, seed=1, agents=True)
    model.step()  # warm
    t0 = time.perf_counter()
    for _ in range(steps):
        model.step()
    assert len(model.agents) == g.number_of_nodes()
    return (time.perf_counter() - t0) / steps * 1000


def main(argv: list[str] | None = None) -> None:
    """Run the three measurements and print the summary line."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=1_000_000)
    ap.add_argument("--edges", type=int, default=10_000_000)
    ap.add_argument("--replicates", type=int, default=10)
    ap.add_argument("--steps", type=int, default=52)
    ap.add_argument("--mesa-nodes", type=int, default=10_000)
    ap.add_argument("--child", choices=["big", "ratio"], help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child == "big":
        _child_big(a.nodes, a.edges, a.replicates, a.steps)
        return
    if a.child == "ratio":
        _child_ratio(a.nodes, a.edges)
        return
    size = ["--nodes", str(a.nodes), "--edges", str(a.edges)]
    big = _run_child(
        ["--child", "big", *size, "--replicates", str(a.replicates), "--steps", str(a.steps)]
    )
    print(
        f"big run: {a.nodes:,} nodes, {big['arcs']:,} arcs, {a.replicates} x {a.steps} weeks: "
        f"{big['seconds']:.1f} s (network built in {big['build_seconds']:.1f} s), "
        f"peak {big['peak_gb']:.2f} GB; mean final adopted {big['final_adopted']:.0f}, "
        f"max chain depth {big['max_chain_depth']:.1f}, members {big['final_members']:.0f}"
    )
    ratio = _run_child(["--child", "ratio", *size])
    print(
        f"full-activity step: model {ratio['model_step'] * 1000:.1f} ms, "
        f"IC {ratio['ic_step'] * 1000:.1f} ms per replicate-step (ratio {ratio['ratio']:.2f})"
    )
    mesa_ms = _mesa_step_ms(a.mesa_nodes)
    print(f"Mesa step with agents at {a.mesa_nodes:,} nodes: {mesa_ms:.2f} ms")
    print(
        f"model_vs_ic_step={ratio['ratio']:.2f} big_run_seconds={big['seconds']:.1f} "
        f"big_run_peak_gb={big['peak_gb']:.2f} mesa_step_ms={mesa_ms:.2f}"
    )


if __name__ == "__main__":
    main()
