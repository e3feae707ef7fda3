"""Independent cascade: sim against cynetdiff, NDlib and EoN on one Barabasi-Albert graph.

Setting: BA graph (networkx, n = 100,000, m = 5, seed 42), 10 seed nodes drawn once
(fixed seed), p = 0.12 on every edge. Timed: one cascade, and a Monte Carlo of
``--cascades`` (default 1,000) cascades; sim uses every numba thread (replicates in
``prange``), the others are single-threaded by design.

The same model in all four:

* sim ``independent_cascade(net, seeds, p)``: geometric skipping over the arcs (one
  draw per success, not per arc), synchronous generations.
* cynetdiff ``networkx_to_ic_model(g, activation_prob=p)``: one uniform per arc out
  of each newly active node (C++ ``std::set`` of active nodes); ``reset_model`` +
  ``advance_until_completion`` per cascade.
* NDlib ``IndependentCascadesModel`` with every edge's ``threshold`` = p (one
  ``np.random.random_sample`` per arc into an inactive node); it rescans every node
  in pure Python at every iteration, so only ``--ndlib-cascades`` are run and the
  Monte Carlo time is extrapolated (said in the table).
* EoN ``basic_discrete_SIR(G, p)``: discrete SIR with one-step infections, i.e. the
  independent cascade (Kiss, Miller & Simon, fig. 6.8); pure Python, few cascades,
  extrapolated likewise.

Mean final sizes are compared by z-tests on the Monte Carlo standard errors (for
NDlib and EoN, with few runs, the standard error uses sim's spread). Timings are the
best of ``--repeats`` (the machine may be shared); JIT compilation, graph conversion
and model set-up are excluded. Edge visits are the arcs out of every activated node
(what a one-draw-per-arc IC examines), counted by the kernel.

The last line is
``speedup_vs_cynetdiff=<x> speedup_vs_ndlib=<y> edge_visits_per_s=<z>``: Monte Carlo
wall time of cynetdiff and of NDlib (extrapolated) over sim's, and the edge visits of
sim's Monte Carlo per second of its wall time.

Run: ``python benchmarks/bench_ic.py [--cascades 1000]`` (a few minutes, mostly
NDlib, EoN and cynetdiff); ``--quick`` for a small smoke run.
"""

from __future__ import annotations

import argparse
import math
import time

import networkx as nx
import numba
import numpy as np
from _peers import best, cynetdiff_sizes, z_score  # benchmarks/ is on sys.path when run

from sim.contagion.cascade import _run_ic, independent_cascade
from sim.network.csr import from_edges

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the table and the machine-readable last line."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--m", type=int, default=5)
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--p", type=float, default=0.12)
    ap.add_argument("--cascades", type=int, default=1000, help="Monte Carlo size")
    ap.add_argument("--single", type=int, default=50, help="single-cascade calls timed")
    ap.add_argument("--ndlib-cascades", type=int, default=5)
    ap.add_argument("--eon-cascades", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="n=5000, 200 cascades")
    args = ap.parse_args(argv)
    if args.quick:
        args.n, args.cascades, args.single = 5000, 200, 20
        args.ndlib_cascades = args.eon_cascades = 2
        args.repeats = 2
    R, p = args.cascades, args.p

    print(f"building BA graph n={args.n} m={args.m} (networkx, seed=42) ...", flush=True)
    g = nx.barabasi_albert_graph(args.n, args.m, seed=42)
    edges = np.array(g.edges(), dtype=np.int64)
    net = from_edges(edges[:, 0], edges[:, 1], num_nodes=args.n)
    seeds = np.random.default_rng(7).choice(args.n, args.seeds, replace=False).tolist()

    # ------------------------------------------------------------------ sim
    independent_cascade(net, seeds, p, replicates=4, seed=0, record=False)  # JIT / cache
    t_ours_single, _ = best(
        lambda: [
            independent_cascade(net, seeds, p, replicates=1, seed=i, record=False)
            for i in range(args.single)
        ],
        args.repeats,
    )
    t_ours_single /= args.single
    # _run_ic is the public function's body, also returning the arcs examined.
    t_ours_mc, (res, arcs) = best(
        lambda: _run_ic(net, seeds, p, replicates=R, seed=1, record=False), args.repeats
    )
    ours = res.final_adopted.astype(np.float64)
    assert np.array_equal(
        independent_cascade(net, seeds, p, replicates=R, seed=1, record=False).final_adopted,
        res.final_adopted,
    )
    edge_visits = int(arcs.sum())

    # ------------------------------------------------------------ cynetdiff
    from cynetdiff.utils import networkx_to_ic_model

    print("converting for cynetdiff ...", flush=True)
    model, mapping = networkx_to_ic_model(g, activation_prob=p, rng=12345)
    model.set_seeds([mapping[s] for s in seeds])

    cynetdiff_sizes(model, 3)
    t_cyn_single, _ = best(lambda: cynetdiff_sizes(model, args.single), args.repeats)
    t_cyn_single /= args.single
    t_cyn_mc, cyn_sizes = best(lambda: cynetdiff_sizes(model, R), args.repeats)

    # ---------------------------------------------------------------- NDlib
    import ndlib.models.epidemics as ep
    from ndlib.models import ModelConfig

    print(f"NDlib: {args.ndlib_cascades} cascades (slow) ...", flush=True)
    nd = ep.IndependentCascadesModel(g, seed=5)
    cfg = ModelConfig.Configuration()
    for e in g.edges:
        cfg.add_edge_configuration("threshold", e, p)
    cfg.add_model_initial_configuration("Infected", seeds)
    nd.set_initial_status(cfg)
    nd_sizes, nd_times = [], []
    for _ in range(args.ndlib_cascades):
        t0 = time.perf_counter()
        nd.reset(seeds)
        while True:
            it = nd.iteration(node_status=False)
            if it["node_count"][1] == 0:
                break
        nd_times.append(time.perf_counter() - t0)
        nd_sizes.append(it["node_count"][2])
    nd_sizes = np.array(nd_sizes, dtype=np.float64)
    t_nd_single = float(np.mean(nd_times))
    t_nd_mc = t_nd_single * R

    # ------------------------------------------------------------------ EoN
    import EoN

    print(f"EoN: {args.eon_cascades} cascades (slow) ...", flush=True)
    eon_sizes, eon_times = [], []
    for k in range(args.eon_cascades):
        rng = np.random.default_rng(100 + k)
        t0 = time.perf_counter()
        _, _, I, Rec = EoN.basic_discrete_SIR(g, p, initial_infecteds=seeds, rng=rng)
        eon_times.append(time.perf_counter() - t0)
        eon_sizes.append(I[-1] + Rec[-1])
    eon_sizes = np.array(eon_sizes, dtype=np.float64)
    t_eon_single = float(np.mean(eon_times))
    t_eon_mc = t_eon_single * R

    # ------------------------------------------------------------- agreement
    sd = ours.std(ddof=1)
    se_ours = sd / math.sqrt(R)
    se_cyn = cyn_sizes.std(ddof=1) / math.sqrt(R)
    se_nd = sd / math.sqrt(nd_sizes.size)  # few runs: use sim's spread
    se_eon = sd / math.sqrt(eon_sizes.size)
    z_crit = 4.0  # two-sided, alpha ~ 6e-5 per comparison
    zs = {
        "cynetdiff": z_score(ours.mean(), se_ours, cyn_sizes.mean(), se_cyn),
        "NDlib": z_score(ours.mean(), se_ours, nd_sizes.mean(), se_nd),
        "EoN": z_score(ours.mean(), se_ours, eon_sizes.mean(), se_eon),
    }
    agree = all(z <= z_crit for z in zs.values())

    threads = numba.get_num_threads()
    print()
    print(f"IC on BA(n={args.n}, m={args.m}), {len(seeds)} fixed seeds, p={p} on every edge")
    print(
        f"sim: {threads} numba threads ({numba.threading_layer()}); timings: best of "
        f"{args.repeats}; mean final size +- standard error"
    )
    header = (
        f"{'engine':<24}{'1 cascade':>12}{f'{R} cascades':>16}{'per cascade':>14}"
        f"{'mean final size':>22}{'MC speedup':>12}"
    )
    print(header)
    print("-" * len(header))
    rows = [
        ("sim (all threads)", t_ours_single, t_ours_mc, ours.mean(), se_ours, ""),
        ("cynetdiff", t_cyn_single, t_cyn_mc, cyn_sizes.mean(), se_cyn, ""),
        (f"NDlib ({nd_sizes.size} runs)", t_nd_single, t_nd_mc, nd_sizes.mean(), se_nd, "*"),
        (f"EoN ({eon_sizes.size} runs)", t_eon_single, t_eon_mc, eon_sizes.mean(), se_eon, "*"),
    ]
    for name, one, mc_t, mean, se, note in rows:
        print(
            f"{name:<24}{one * 1e3:9.2f} ms{mc_t:14.2f} s{note:1}{mc_t / R * 1e3:11.3f} ms"
            f"{mean:12.1f} +- {se:6.1f}{mc_t / t_ours_mc:11.1f}x"
        )
    print(f"* extrapolated from the runs made (x{R / args.ndlib_cascades:g} for NDlib, "
          f"x{R / args.eon_cascades:g} for EoN)")  # fmt: skip
    print()
    print(
        "mean final size vs sim: "
        + ", ".join(f"{k} |z| = {z:.2f}" for k, z in zs.items())
        + f" (agree if <= {z_crit:g}): {'AGREE' if agree else 'DISAGREE'}"
    )
    print(
        f"edge visits (arcs out of activated nodes) in sim's Monte Carlo: {edge_visits} "
        f"({edge_visits / R:.0f} per cascade); sim drew about p x that many gaps"
    )
    speed_cyn = t_cyn_mc / t_ours_mc
    speed_nd = t_nd_mc / t_ours_mc
    print(
        f"speedup_vs_cynetdiff={speed_cyn:.2f} speedup_vs_ndlib={speed_nd:.0f} "
        f"edge_visits_per_s={edge_visits / t_ours_mc:.3e}"
    )


if __name__ == "__main__":
    main()
