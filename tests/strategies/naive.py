"""Slow, obviously correct references for the first-pin strategies (tests only).

Written from the papers' pseudo-code with dicts, sets and loops over networkx graphs
or plain lists; ties go to the smaller node id, as in the strategies.
"""

from __future__ import annotations

from collections import deque


def naive_degree_discount(graph, k, p):
    """DegreeDiscountIC (Chen, Wang & Yang 2009, Algorithm 4), undirected graph."""
    seeds = []
    d = {v: graph.degree(v) for v in graph}
    t = dict.fromkeys(graph, 0)
    dd = dict(d)
    for _ in range(k):
        u = max((v for v in graph if v not in seeds), key=lambda v: (dd[v], -v))
        seeds.append(u)
        for v in graph.neighbors(u):
            if v not in seeds:
                t[v] += 1
                dd[v] = d[v] - 2 * t[v] - (d[v] - t[v]) * t[v] * p
    return seeds


def reach(adjacency, sources):
    """Nodes reachable from ``sources`` (themselves included) along ``adjacency``."""
    seen = set(sources)
    queue = deque(seen)
    while queue:
        u = queue.popleft()
        for v in adjacency.get(u, ()):
            if v not in seen:
                seen.add(v)
                queue.append(v)
    return seen


def naive_greedy(worlds, nodes, k):
    """Plain greedy (Kempe et al. 2003) on fixed live-edge worlds: every round,
    evaluate every node's total spread over the worlds from scratch.

    ``worlds`` is a list of adjacency dicts (the live arcs of each world).
    """
    seeds = []
    for _ in range(k):
        best, best_total = None, -1
        for v in nodes:
            if v in seeds:
                continue
            total = sum(len(reach(adj, [*seeds, v])) for adj in worlds)
            if total > best_total:  # strict: the first (smallest) node keeps a tie
                best, best_total = v, total
        seeds.append(best)
    return seeds


def naive_max_coverage(sets, nodes, k):
    """Greedy maximum coverage: each pick covers the most sets not yet covered."""
    covered = [False] * len(sets)
    seeds = []
    for _ in range(k):
        best, best_gain = None, -1
        for v in nodes:
            if v in seeds:
                continue
            gain = sum(1 for i, s in enumerate(sets) if not covered[i] and v in s)
            if gain > best_gain:
                best, best_gain = v, gain
        seeds.append(best)
        for i, s in enumerate(sets):
            if best in s:
                covered[i] = True
    return seeds


def naive_betweenness(graph, sources):
    """Sum over ``sources`` s and targets t != s of the share of shortest s-t paths
    through each v (v not s or t), by enumerating the shortest paths."""
    import networkx as nx

    bc = dict.fromkeys(graph, 0.0)
    for s in sources:
        for t in graph:
            if t == s or not nx.has_path(graph, s, t):
                continue
            paths = list(nx.all_shortest_paths(graph, s, t))
            for path in paths:
                for v in path[1:-1]:
                    bc[v] += 1.0 / len(paths)
    return bc


def naive_cohesive(adjacency, members, heat, k):
    """Grow from the hottest member, adding the hottest member tied to the group;
    restart from the hottest member left when the group has no such neighbour."""
    members = set(members)
    picked = []
    while len(picked) < k:
        frontier = {w for v in picked for w in adjacency[v] if w in members} - set(picked)
        pool = frontier or (members - set(picked))
        picked.append(min(pool, key=lambda v: (-heat[v], v)))
    return picked
