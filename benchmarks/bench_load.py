"""Benchmark: load a large edge list with :func:`sim.network.read_edgelist`.

Writes (to a temporary folder) a random edge list of 1M nodes / 10M edges, times
``read_edgelist`` on it in a fresh child process and reports that process's peak
resident memory; then, at 100k nodes / 1M edges, times ``networkx.read_edgelist`` on
the same kind of file in this run and reports the speed ratio.

Usage::

    python benchmarks/bench_load.py [--nodes 1000000 --edges 10000000]
                                    [--small-nodes 100000 --small-edges 1000000]

The last line printed is machine-readable::

    load_seconds=<x> peak_rss_gb=<y> speedup_vs_networkx=<z>
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

__all__ = ["write_edgelist", "time_load", "main"]


def write_edgelist(path: Path, nodes: int, edges: int, *, seed: int = 0) -> None:
    """Write ``edges`` uniformly random ``u v`` lines over ``nodes`` ids (space separated).

    Args:
        path: Output file.
        nodes: Ids are drawn from ``0..nodes-1``.
        edges: Number of lines.
        seed: Random seed.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(seed)
    table = pa.table({"u": rng.integers(0, nodes, edges), "v": rng.integers(0, nodes, edges)})
    options = pacsv.WriteOptions(include_header=False, delimiter=" ")
    pacsv.write_csv(table, str(path), write_options=options)


def _peak_rss_gb() -> float:
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 30) if sys.platform == "darwin" else peak / (1 << 20)


def _child(path: str) -> None:
    from sim.network import read_edgelist

    base = _peak_rss_gb()
    t0 = time.perf_counter()
    net = read_edgelist(path)
    seconds = time.perf_counter() - t0
    out = {
        "seconds": seconds,
        "peak_rss_gb": _peak_rss_gb(),
        "baseline_rss_gb": base,
        "nodes": net.num_nodes,
        "edges": net.num_edges,
    }
    print(json.dumps(out))


def time_load(path: Path) -> dict:
    """Run ``read_edgelist(path)`` in a fresh Python process; its time and peak RSS."""
    proc = subprocess.run(
        [sys.executable, __file__, "--child", str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=10_000_000)
    parser.add_argument("--small-nodes", type=int, default=100_000)
    parser.add_argument("--small-edges", type=int, default=1_000_000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child)
        return

    import networkx as nx

    from sim.network import read_edgelist

    with tempfile.TemporaryDirectory(prefix="bench_load_") as tmp:
        big = Path(tmp) / "big.txt"
        t0 = time.perf_counter()
        write_edgelist(big, args.nodes, args.edges, seed=1)
        size_mb = big.stat().st_size / 1e6
        print(
            f"wrote {args.nodes:,} nodes / {args.edges:,} lines ({size_mb:.0f} MB) "
            f"in {time.perf_counter() - t0:.1f} s"
        )
        res = time_load(big)
        print(
            f"read_edgelist: {res['seconds']:.2f} s, peak RSS {res['peak_rss_gb']:.2f} GB "
            f"(interpreter + imports {res['baseline_rss_gb']:.2f} GB); "
            f"{res['nodes']:,} nodes, {res['edges']:,} simple edges"
        )
        big.unlink()

        small = Path(tmp) / "small.txt"
        write_edgelist(small, args.small_nodes, args.small_edges, seed=2)
        t0 = time.perf_counter()
        net = read_edgelist(small)
        ours = time.perf_counter() - t0
        t0 = time.perf_counter()
        g = nx.read_edgelist(small, nodetype=int)
        theirs = time.perf_counter() - t0
        g.remove_edges_from(list(nx.selfloop_edges(g)))
        if (net.num_nodes, net.num_edges) != (g.number_of_nodes(), g.number_of_edges()):
            raise SystemExit("mismatch with networkx: the loader is wrong")
        print(
            f"{args.small_nodes:,} nodes / {args.small_edges:,} lines: read_edgelist "
            f"{ours:.2f} s, networkx.read_edgelist {theirs:.2f} s"
        )
    print(
        f"load_seconds={res['seconds']:.2f} peak_rss_gb={res['peak_rss_gb']:.2f} "
        f"speedup_vs_networkx={theirs / ours:.1f}"
    )


if __name__ == "__main__":
    main()
