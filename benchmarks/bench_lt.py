"""Linear threshold: sim against cynetdiff and NDlib on one Barabasi-Albert graph.

Setting: BA graph (networkx, n = 100,000, m = 5, fixed seed), 10 seed nodes drawn
once (fixed seed), linear threshold with weights 1/in-degree and thresholds
U(0, 1) drawn afresh in every cascade. Timed: one cascade, and a Monte Carlo of
1,000 cascades (sim on all cores; cynetdiff is single-threaded by design).

Same model in all three:

* sim ``linear_threshold(net, seeds)``: weights 1/in-degree, theta ~ U(0, 1],
  activation when the active in-weight >= theta, synchronous rounds.
* cynetdiff ``networkx_to_lt_model`` (directed copy of the graph, so in-degree =
  degree): default influence 1/in-degree (float32), thresholds drawn lazily from
  U(0, 1) (re-drawn if 0), activation when the bucket >= threshold.
* NDlib ``ThresholdModel`` (the fractional threshold model): a node activates when
  the *share* of its active neighbours >= its threshold, synchronous. With weights
  1/degree the LT in-weight is exactly that share, so with per-node thresholds
  drawn U(0, 1) for every cascade it is the same model. (NDlib's
  ``GeneralThresholdModel`` would also do, with 1/degree edge weights, but is
  slower.) NDlib rescans every node at every round in pure Python, so only a few
  cascades are run and the 1,000-cascade time is extrapolated (said in the table).

Mean final sizes are compared with z-tests (Monte Carlo standard errors). Timings
are the best of ``--repeats`` (the machine may be shared); JIT compilation and
graph conversion are excluded. The last line is
``speedup_vs_cynetdiff=<x> speedup_vs_ndlib=<y> edge_visits_per_s=<z>``: Monte Carlo
wall time of cynetdiff (1,000 cascades) and NDlib (extrapolated) over ours, and the
arcs our kernel walked per second in the Monte Carlo.

Run: ``python benchmarks/bench_lt.py`` (about two minutes, mostly NDlib and
graph set-up); ``--quick`` for a small smoke run.
"""

from __future__ import annotations

import argparse
import math
import time
from dataclasses import replace

import networkx as nx
import numba
import numpy as np
from _peers import best, cynetdiff_sizes, z_score  # benchmarks/ is on sys.path when run

from sim.contagion._common import prepare_run
from sim.contagion.threshold import _run_lt, linear_threshold
from sim.network.csr import from_edges


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--m", type=int, default=5)
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--cascades", type=int, default=1000)
    ap.add_argument("--single", type=int, default=200, help="single-cascade calls timed")
    ap.add_argument("--ndlib-cascades", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="n=5000, 200 cascades")
    args = ap.parse_args()
    if args.quick:
        args.n, args.cascades, args.ndlib_cascades, args.repeats = 5000, 200, 3, 2

    print(f"building BA graph n={args.n} m={args.m} (networkx, seed=42) ...", flush=True)
    g = nx.barabasi_albert_graph(args.n, args.m, seed=42)
    edges = np.array(g.edges(), dtype=np.int64)
    net = from_edges(edges[:, 0], edges[:, 1], num_nodes=args.n)
    seeds = np.random.default_rng(7).choice(args.n, args.seeds, replace=False).tolist()
    R = args.cascades

    # ------------------------------------------------------------------ sim
    linear_threshold(net, seeds, replicates=2, seed=0, record=False)  # JIT / cache load
    linear_threshold(net, seeds, replicates=1, seed=0, record=False)
    t_ours_single, _ = best(
        lambda: [
            linear_threshold(net, seeds, replicates=1, seed=i, record=False)
            for i in range(args.single)
        ],
        args.repeats,
    )
    t_ours_single /= args.single
    t_ours_mc, res = best(
        lambda: linear_threshold(net, seeds, replicates=R, seed=1, record=False), args.repeats
    )
    ours = res.final_adopted.astype(np.float64)
    plan = prepare_run(net, seeds, replicates=R, seed=1, record=False)
    t_kernel, (counts, _, visits) = best(
        lambda: _run_lt(net, replace(plan, states=plan.states.copy()), None), args.repeats
    )
    assert np.array_equal(args.n - counts[:, -1, 0], res.final_adopted)
    arc_visits = int(visits.sum())

    # ------------------------------------------------------------ cynetdiff
    from cynetdiff.utils import networkx_to_lt_model

    print("converting for cynetdiff ...", flush=True)
    model, mapping = networkx_to_lt_model(g.to_directed(), rng=12345)
    model.set_seeds([mapping[s] for s in seeds])

    cynetdiff_sizes(model, 5)
    t_cyn_single, _ = best(lambda: cynetdiff_sizes(model, args.single), args.repeats)
    t_cyn_single /= args.single
    t_cyn_mc, cyn_sizes = best(lambda: cynetdiff_sizes(model, R), args.repeats)

    # ---------------------------------------------------------------- NDlib
    import ndlib.models.epidemics as ep
    from ndlib.models import ModelConfig

    print(f"NDlib: {args.ndlib_cascades} cascades (slow) ...", flush=True)
    rng = np.random.default_rng(99)
    nd_sizes, nd_times = [], []
    nodes = list(g.nodes)
    for k in range(args.ndlib_cascades):
        t0 = time.perf_counter()
        nd = ep.ThresholdModel(g, seed=k)
        cfg = ModelConfig.Configuration()
        for v, th in zip(nodes, 1.0 - rng.random(len(nodes)), strict=True):
            cfg.add_node_configuration("threshold", v, float(th))
        cfg.add_model_initial_configuration("Infected", seeds)
        nd.set_initial_status(cfg)
        it = nd.iteration(node_status=False)  # round 0: the seeds
        while True:
            it = nd.iteration(node_status=False)
            if it["status_delta"][1] == 0:
                break
        nd_times.append(time.perf_counter() - t0)
        nd_sizes.append(it["node_count"][1])
    nd_sizes = np.array(nd_sizes, dtype=np.float64)
    t_nd_per = float(np.mean(nd_times))
    t_nd_mc = t_nd_per * R

    # ------------------------------------------------------------- agreement
    sd = ours.std(ddof=1)
    se_ours = sd / math.sqrt(R)
    se_cyn = cyn_sizes.std(ddof=1) / math.sqrt(R)
    se_nd = sd / math.sqrt(nd_sizes.size)  # few NDlib runs: use our spread
    z_cyn = z_score(ours.mean(), se_ours, cyn_sizes.mean(), se_cyn)
    z_nd = z_score(ours.mean(), se_ours, nd_sizes.mean(), se_nd)
    z_crit = 4.0  # two-sided, alpha ~ 6e-5 per comparison
    agree = z_cyn <= z_crit and z_nd <= z_crit

    threads = numba.get_num_threads()
    print()
    print(
        f"LT on BA(n={args.n}, m={args.m}), {len(seeds)} seeds, weights 1/in-degree, theta~U(0,1)"
    )
    print(f"sim threads: {threads}; timings: best of {args.repeats}; mean +- standard error")
    header = f"{'engine':<26}{'1 cascade':>13}{f'{R} cascades':>18}{'mean final size':>22}"
    print(header)
    print("-" * len(header))
    rows = [
        ("sim (all cores)", t_ours_single, t_ours_mc, ours.mean(), se_ours, ""),
        ("sim kernel only", math.nan, t_kernel, math.nan, math.nan, ""),
        ("cynetdiff", t_cyn_single, t_cyn_mc, cyn_sizes.mean(), se_cyn, ""),
        (
            f"NDlib ThresholdModel ({nd_sizes.size})",
            t_nd_per,
            t_nd_mc,
            nd_sizes.mean(),
            se_nd,
            " (extrapolated x" + f"{R / nd_sizes.size:g})",
        ),
    ]
    for name, one, mc_t, mean, se, note in rows:
        one_s = "" if math.isnan(one) else f"{one * 1e3:10.3f} ms"
        mean_s = "" if math.isnan(mean) else f"{mean:10.1f} +- {se:6.1f}"
        print(f"{name:<26}{one_s:>13}{mc_t:15.3f} s{mean_s:>22}{note}")
    print()
    print(f"mean final size vs sim: cynetdiff |z| = {z_cyn:.2f}, NDlib |z| = {z_nd:.2f} "
          f"(agree if <= {z_crit:g}): {'AGREE' if agree else 'DISAGREE'}")  # fmt: skip
    print(f"arcs walked in the Monte Carlo: {arc_visits} ({arc_visits / R:.0f} per cascade)")
    print(
        f"single cascade: sim {t_ours_single * 1e6:.0f} us per public call (validation, "
        f"seed streams, result object) vs cynetdiff {t_cyn_single * 1e6:.0f} us per "
        f"reset+advance"
    )
    speed_cyn = t_cyn_mc / t_ours_mc
    speed_nd = t_nd_mc / t_ours_mc
    print(
        f"speedup_vs_cynetdiff={speed_cyn:.2f} speedup_vs_ndlib={speed_nd:.0f} "
        f"edge_visits_per_s={arc_visits / t_ours_mc:.3e}"
    )


if __name__ == "__main__":
    main()
