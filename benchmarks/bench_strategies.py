"""First-pin strategies: RIS/IMM and CELF wall times, and CELF against cynetdiff.

Settings (independent cascade, k = 20 seeds):

* **RIS on ca-GrQc** (bundled, 5,242 nodes, 14,484 edges): p = 0.05 on every arc,
  IMM with the default epsilon = 0.1, ell = 1 (target < 5 s).
* **RIS on a 1M-node graph**: Erdos-Renyi-like, 1,000,000 nodes and 5,000,000
  random edges (mean degree 10) built with :func:`sim.network.csr.from_edges` from
  numpy random endpoints; p = 0.05 (mean excess degree times p = 0.5: subcritical,
  so a seed reaches about 2 people and IMM needs tens of millions of RR sets, the
  hard case for RIS); IMM with epsilon = 0.5, ell = 1 (target < 60 s).
* **CELF on ca-GrQc**: p = 0.05, 1,000 Monte Carlo cascades per evaluation (R
  live-edge worlds shared by every candidate), target < 30 s.
* **cynetdiff-based CELF** on the same graph (same node order), p, k and 1,000
  cascades per evaluation: the same lazy-forward loop, each marginal gain from
  ``IndependentCascadeModel.compute_marginal_gains(S, [v], 1000)`` (fresh random
  cascades for every evaluation, as a plain Monte Carlo greedy does).

Both CELF seed sets are then scored with 20,000 cascades of our IC kernel (same
seed for both), to show they are of the same quality. Timings are wall times of one
call after a warm-up call (JIT compilation excluded), the best of ``--repeats``.

The last line is ``ris_grqc_s=<a> ris_1m_s=<b> celf_grqc_s=<c>
celf_vs_cynetdiff_greedy=<d>`` where ``d`` is the cynetdiff-based CELF's wall time
over ours (> 1: ours is faster).

Run: ``python benchmarks/bench_strategies.py`` (a few minutes: graph building, the
1M-node RIS and the cynetdiff CELF); ``--quick`` for a small smoke run.
"""

from __future__ import annotations

import argparse
import heapq
import math
import time

import networkx as nx
import numpy as np

from sim.contagion.cascade import independent_cascade
from sim.network.csr import from_edges
from sim.network.datasets import load_dataset
from sim.strategies import first_pin_ids
from sim.strategies.influence import ris_select

__all__ = ["main"]


def _best(fn, repeats: int) -> tuple[float, object]:
    """Best wall time of ``repeats`` calls, and the last result."""
    best, out = math.inf, None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def cynetdiff_celf(graph, k: int, p: float, trials: int, seed: int) -> list[int]:
    """CELF (Leskovec et al. 2007) with cynetdiff's Monte Carlo marginal gains."""
    from cynetdiff.utils import networkx_to_ic_model

    model, mapping = networkx_to_ic_model(graph, activation_prob=p, rng=seed)
    back = {i: v for v, i in mapping.items()}
    n = graph.number_of_nodes()
    heap = [(-model.compute_marginal_gains([], [v], trials)[1], v, 0) for v in range(n)]
    heapq.heapify(heap)
    picked: list[int] = []
    while len(picked) < k:
        _, v, stamp = heapq.heappop(heap)
        if stamp == len(picked):
            picked.append(v)
            continue
        gain = model.compute_marginal_gains(picked, [v], trials)[1]
        heapq.heappush(heap, (-gain, v, len(picked)))
    return [back[v] for v in picked]


def _spread(net, ids, p: float, cascades: int) -> tuple[float, float]:
    res = independent_cascade(
        net, net.label_of(ids), p, replicates=cascades, seed=12345, record=False
    )
    fa = res.final_adopted.astype(float)
    return fa.mean(), fa.std(ddof=1) / math.sqrt(fa.size)


def _big_graph(n: int, m: int, seed: int):
    rng = np.random.default_rng(seed)
    return from_edges(rng.integers(0, n, m), rng.integers(0, n, m), num_nodes=n, name="er")


def main(argv: list[str] | None = None) -> str:
    """Run the benchmark; print a table and return the last line."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small smoke run")
    ap.add_argument("--repeats", type=int, default=1)
    args = ap.parse_args(argv)
    k, p = 20, 0.05
    big_n = 50_000 if args.quick else 1_000_000
    replicates = 100 if args.quick else 1000
    cascades = 2000 if args.quick else 20_000

    grqc = load_dataset("ca-grqc")
    first_pin_ids("ris", grqc, 3, p=p, seed=0)  # JIT warm-up
    first_pin_ids("celf", grqc, 3, p=p, replicates=10, seed=0)

    t_ris, res = _best(lambda: ris_select(grqc, k, p=p, epsilon=0.1, seed=1), args.repeats)
    print(f"RIS ca-GrQc: {t_ris:.2f} s, {res.sets:,} RR sets, est. spread {res.spread:.1f}")

    t0 = time.perf_counter()
    big = _big_graph(big_n, 5 * big_n, 7)
    print(
        f"{big_n:,}-node graph built in {time.perf_counter() - t0:.1f} s ({big.num_edges:,} edges)"
    )
    t_big, big_res = _best(lambda: ris_select(big, k, p=p, epsilon=0.5, seed=1), args.repeats)
    print(
        f"RIS {big_n:,} nodes: {t_big:.2f} s, {big_res.sets:,} RR sets, "
        f"est. spread {big_res.spread:.1f} (LB {big_res.lower_bound:.1f})"
    )
    big = big_res = None  # free the 1M-node graph and its RR sets

    t_celf, ours = _best(
        lambda: first_pin_ids("celf", grqc, k, p=p, replicates=replicates, seed=1), args.repeats
    )
    print(f"CELF ca-GrQc (R = {replicates}): {t_celf:.2f} s")

    graph = nx.Graph()  # node i is our node id i
    graph.add_nodes_from(range(grqc.num_nodes))
    src = np.repeat(np.arange(grqc.num_nodes), grqc.degree())
    graph.add_edges_from(zip(src.tolist(), grqc.indices.tolist(), strict=True))
    cynetdiff_celf(graph, 2, p, 10, 0)  # warm-up
    t0 = time.perf_counter()
    theirs = cynetdiff_celf(graph, k, p, replicates, 1)
    t_cyn = time.perf_counter() - t0
    print(f"cynetdiff CELF ca-GrQc ({replicates} cascades per evaluation): {t_cyn:.2f} s")

    m_ours, se_ours = _spread(grqc, ours, p, cascades)
    m_theirs, se_theirs = _spread(grqc, np.asarray(theirs), p, cascades)
    print(
        f"spread of the seeds ({cascades:,} cascades): ours {m_ours:.1f} +- {se_ours:.1f}, "
        f"cynetdiff CELF {m_theirs:.1f} +- {se_theirs:.1f}"
    )
    line = (
        f"ris_grqc_s={t_ris:.2f} ris_1m_s={t_big:.2f} celf_grqc_s={t_celf:.2f} "
        f"celf_vs_cynetdiff_greedy={t_cyn / t_celf:.2f}"
    )
    print(line)
    return line


if __name__ == "__main__":
    main()
