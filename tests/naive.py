"""Slow, obviously correct pure-Python references for the classic models (tests only)."""

from __future__ import annotations

# --- cascade ---
# Slow, obviously correct references for sim.contagion.cascade (independent cascade,
# SI, SIR), written from the models' definitions with sets, dicts and loops over
# networkx graphs, one ``random.Random`` draw per trial (no skipping). Contagion flows
# along arcs u -> v: the out-neighbours of u are its successors in a DiGraph and its
# neighbours in a Graph. ``prob`` is a number (every arc) or a dict ``{(u, v): p}``
# (give both directions for a Graph). Each returns ``(history, steps)``: history is
# the list of state counts after steps 0, 1, ..., steps; ``steps`` follows the
# kernels' definition (the step after which nothing can change, or the horizon).


def _out_neighbours(graph, u):
    return list(graph.successors(u)) if graph.is_directed() else list(graph.neighbors(u))


def _arc_prob(prob, u, v):
    return prob[(u, v)] if isinstance(prob, dict) else prob


def naive_ic(graph, seeds, prob, rng, steps=None):
    """Independent cascade. History rows: ``(susceptible, infected, recovered)`` where
    infected = activated at this step, recovered = activated earlier. ``steps`` is the
    last step that activated anyone (the cascade's depth)."""
    active = set(seeds)
    frontier = list(dict.fromkeys(seeds))
    n = graph.number_of_nodes()
    history = [(n - len(active), len(frontier), 0)]
    t = 0
    while frontier and (steps is None or t < steps):
        newly = []
        for u in frontier:
            for v in _out_neighbours(graph, u):
                # One try per arc; a try on an active node changes nothing.
                if rng.random() < _arc_prob(prob, u, v) and v not in active:
                    active.add(v)
                    newly.append(v)
        if not newly:
            break
        t += 1
        frontier = newly
        history.append((n - len(active), len(frontier), len(active) - len(frontier)))
    return history, t


def _can_spread(graph, infected, susceptible, prob):
    return any(
        v in susceptible and _arc_prob(prob, u, v) > 0
        for u in infected
        for v in _out_neighbours(graph, u)
    )


def naive_sir(graph, seeds, beta, gamma, rng, steps=None, recover=True):
    """Discrete-time SIR (``recover=True``) or SI (``recover=False``, gamma ignored).

    Each step: every infected node tries every susceptible out-neighbour with
    probability beta (all at once: the newly infected spread from the next step);
    then (SIR) each node infected during the step recovers with probability gamma.
    History rows: ``(S, I, R)`` for SIR, ``(S, I)`` for SI. Stops when nothing can
    change: no infected node has a susceptible out-neighbour through an arc of
    positive probability (SI), or nobody is infected (SIR; with gamma = 0 as SI).
    """
    n = graph.number_of_nodes()
    susceptible = set(graph.nodes) - set(seeds)
    infected = set(seeds)
    recovered = set()

    def row():
        if recover:
            return (len(susceptible), len(infected), len(recovered))
        return (len(susceptible), len(infected))

    history = [row()]
    t = 0
    while steps is None or t < steps:
        spreading = _can_spread(graph, infected, susceptible, beta)
        if recover and gamma > 0:
            if not infected:
                break
        elif not spreading:
            break
        t += 1
        newly = set()
        for u in sorted(infected, key=str):
            for v in _out_neighbours(graph, u):
                if v in susceptible and v not in newly and rng.random() < _arc_prob(beta, u, v):
                    newly.add(v)
        if recover:
            gone = {u for u in sorted(infected, key=str) if rng.random() < gamma}
            infected -= gone
            recovered |= gone
        susceptible -= newly
        infected |= newly
        history.append(row())
    assert sum(history[-1]) == n
    return history, t


def naive_si(graph, seeds, beta, rng, steps=None):
    """Discrete-time SI (see :func:`naive_sir`)."""
    return naive_sir(graph, seeds, beta, 0.0, rng, steps=steps, recover=False)


def bfs_layers(graph, seeds):
    """``{node: distance from the nearest seed}`` along arcs, for reachable nodes."""
    dist = dict.fromkeys(seeds, 0)
    layer = list(dist)
    d = 0
    while layer:
        d += 1
        nxt = []
        for u in layer:
            for v in _out_neighbours(graph, u):
                if v not in dist:
                    dist[v] = d
                    nxt.append(v)
        layer = nxt
    return dist


# --- threshold and bass ---
# Slow, obviously correct references for sim.contagion.threshold and sim.contagion.bass,
# written from the models' definitions with plain dicts and loops over networkx graphs.
# Influence flows along arcs u -> v: the in-neighbours of v are its predecessors in a
# DiGraph and its neighbours in a Graph. Every simulation is in synchronous rounds and
# returns the list of adopter counts after each round, [round 0 (the seeds), 1, ...],
# stopping at the first round that changes nothing (not included) or at ``steps``.


def _in_neighbours(graph, v):
    return list(graph.predecessors(v)) if graph.is_directed() else list(graph.neighbors(v))


def naive_linear_threshold(graph, seeds, thresholds, weights=None, steps=None):
    """Linear threshold with the thresholds given: ``{node: theta}``.

    ``weights`` maps an arc ``(u, v)`` to ``b_uv`` (both directions for a Graph);
    default ``1 / in_degree(v)``. Node v activates when the sum of ``b_uv`` over its
    in-neighbours u active at the previous round is >= ``theta_v`` (and at least one
    in-neighbour is active).
    """
    active = set(seeds)
    history = [len(active)]
    t = 0
    while steps is None or t < steps:
        newly = []
        for v in graph.nodes:
            if v in active:
                continue
            nbrs = _in_neighbours(graph, v)
            live = [u for u in nbrs if u in active]
            if not live:
                continue
            if weights is None:
                total = sum(1.0 / len(nbrs) for _ in live)
            else:
                total = sum(weights[(u, v)] for u in live)
            if total >= thresholds[v]:
                newly.append(v)
        if not newly:
            break
        active.update(newly)
        t += 1
        history.append(len(active))
    return history


def naive_threshold(graph, seeds, phi=None, theta=None, steps=None):
    """Fractional (``phi``) or absolute (``theta``) threshold; each a number or a dict.

    Node v activates when a >= 1 of its in-neighbours were active at the previous round
    and ``a / in_degree(v) >= phi_v`` (fractional) or ``a >= theta_v`` (absolute).
    """
    active = set(seeds)
    history = [len(active)]
    t = 0
    while steps is None or t < steps:
        newly = []
        for v in graph.nodes:
            if v in active:
                continue
            nbrs = _in_neighbours(graph, v)
            a = sum(1 for u in nbrs if u in active)
            if a == 0:
                continue
            if phi is not None:
                level = phi[v] if isinstance(phi, dict) else phi
                ok = a / len(nbrs) >= level
            else:
                level = theta[v] if isinstance(theta, dict) else theta
                ok = a >= level
            if ok:
                newly.append(v)
        if not newly:
            break
        active.update(newly)
        t += 1
        history.append(len(active))
    return history


def naive_bass(graph, p, q, seeds, steps, rng):
    """Bass on a network: each step every non-adopter adopts with probability
    ``min(1, p + q * share of its in-neighbours adopted at the start of the step)``
    (``p`` alone without in-neighbours). ``rng`` is a ``random.Random``. Returns the
    adopter counts after steps 0..steps (always ``steps + 1`` values).
    """
    adopted = set(seeds)
    history = [len(adopted)]
    for _ in range(steps):
        newly = []
        for v in graph.nodes:
            if v in adopted:
                continue
            nbrs = _in_neighbours(graph, v)
            share = sum(1 for u in nbrs if u in adopted) / len(nbrs) if nbrs else 0.0
            if rng.random() < min(1.0, p + q * share):
                newly.append(v)
        adopted.update(newly)
        history.append(len(adopted))
    return history


def naive_bass_mean_field(p, q, n, steps, rng, dt=1.0, initial=0):
    """Mean-field Bass, one coin per non-adopter and step: each of the n - A
    non-adopters adopts with probability ``min(1, (p + q A / n) dt)``. Returns the
    adopter counts after steps 0..steps.
    """
    adopters = initial
    history = [adopters]
    for _ in range(steps):
        prob = min(1.0, (p + q * adopters / n) * dt)
        adopters += sum(1 for _ in range(n - adopters) if rng.random() < prob)
        history.append(adopters)
    return history


def naive_lt_final_size_pmf(graph, seeds, weights=None):
    """Exact distribution of the final number of active nodes under linear threshold.

    Uses the live-edge equivalence (Kempe, Kleinberg & Tardos 2003, Claim 2.6): each
    node v keeps at most one incoming arc, (u, v) with probability ``b_uv`` and none
    with probability ``1 - sum_u b_uv``; the final active set is what the seeds reach
    along kept arcs. Enumerates every choice, so only for tiny graphs.
    Returns ``{size: probability}``.
    """
    import itertools

    nodes = list(graph.nodes)
    options = []
    for v in nodes:
        nbrs = _in_neighbours(graph, v)
        if weights is None:
            arcs = [(u, 1.0 / len(nbrs)) for u in nbrs]
        else:
            arcs = [(u, weights[(u, v)]) for u in nbrs]
        rest = 1.0 - sum(b for _, b in arcs)
        options.append([(None, max(rest, 0.0)), *arcs])
    pmf = {}
    for choice in itertools.product(*options):
        prob = 1.0
        parent = {}
        for v, (u, b) in zip(nodes, choice, strict=True):
            prob *= b
            if u is not None:
                parent.setdefault(u, []).append(v)
        if prob == 0.0:
            continue
        reached = set(seeds)
        stack = list(seeds)
        while stack:
            for v in parent.get(stack.pop(), []):
                if v not in reached:
                    reached.add(v)
                    stack.append(v)
        pmf[len(reached)] = pmf.get(len(reached), 0.0) + prob
    return pmf


# --- marketing model ---
# A slow, obviously correct transcription of the word-of-mouth marketing model
# (sim.model), written from docs/model.md with plain lists and a pure-Python
# xoshiro256**. It draws the same random numbers in the same order as the kernels, so
# it reproduces their trajectories exactly; metrics are recomputed from the people
# (not from counters), which checks the kernels' bookkeeping independently.

_WOM_STAGES = ("unaware", "aware", "adopter", "advocate", "churned")
_WOM_CHANNELS = ("first_pin", "vendor", "influencer", "word_of_mouth", "community")
_M64 = (1 << 64) - 1


def _plain_sum(values):
    """Left-to-right float sum (Python's ``sum`` compensates rounding since 3.12)."""
    total = 0.0
    for x in values:
        total += x
    return total


class NaiveXoshiro:
    """xoshiro256** on Python ints (the generator of ``sim.contagion._rng``)."""

    def __init__(self, state):
        self.s = [int(x) for x in state]

    def next_u64(self):
        s0, s1, s2, s3 = self.s

        def rotl(x, k):
            return ((x << k) | (x >> (64 - k))) & _M64

        result = (rotl((s1 * 5) & _M64, 7) * 9) & _M64
        t = (s1 << 17) & _M64
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        self.s = [s0, s1, s2, s3]
        return result

    def uniform(self):
        return (self.next_u64() >> 11) * 2.0**-53

    def uniform_open(self):
        return ((self.next_u64() >> 11) + 1) * 2.0**-53

    def randint(self, n):
        return int(self.uniform() * n)


class NaiveArcTrials:
    """Bernoulli(p) trials over arcs drawn as geometric gaps between successes.

    The gap is drawn when the trials start and right after each success, and a gap
    running past a sender's last arc carries over to the next sender.
    """

    def __init__(self, rng, p):
        import math

        self.rng = rng
        self.mode = "none" if p <= 0 else ("all" if p >= 1 else "skip")
        self.inv = 1.0 / math.log1p(-p) if self.mode == "skip" else 0.0
        self.gap = self._draw() if self.mode == "skip" else 0

    def _draw(self):
        import math

        x = math.log(self.rng.uniform_open()) * self.inv
        return 2**62 if x >= 4.0e18 else int(x)

    def hits(self, a, b):
        """Yield the successful arcs among ``a .. b-1``."""
        if self.mode == "all":
            yield from range(a, b)
            return
        if self.mode == "none":
            return
        while self.gap < b - a:
            e = a + self.gap
            self.gap = self._draw()
            yield e
            a = e + 1
        self.gap -= b - a


class NaiveWom:
    """One replicate of the marketing model.

    Args:
        indptr, indices: The network's CSR arrays.
        trust: Trust per arc.
        interest: Interest code per person (-1: none).
        groups: List of node-id lists per interest code (ascending ids).
        params: A ``sim.model.params.ModelParams``.
        enthusiasm, susceptibility: Initial per-person values.
        first_pin, influencers: Node ids, in the order the model uses them.
        vendor_target: Interest code the vendor targets (-1: anyone).
        state: The replicate's xoshiro256** state (4 ints).
    """

    def __init__(self, indptr, indices, trust, interest, groups, params, enthusiasm,
                 susceptibility, first_pin, influencers, vendor_target, state):  # fmt: skip
        self.indptr = [int(x) for x in indptr]
        self.indices = [int(x) for x in indices]
        self.trust = [float(x) for x in trust]
        self.interest = [int(x) for x in interest]
        self.groups = [list(g) for g in groups]
        self.p = params
        self.n = len(self.interest)
        self.enth = [float(x) for x in enthusiasm]
        self.susc = [float(x) for x in susceptibility]
        self.influencers = [int(x) for x in influencers]
        self.vendor_target = vendor_target
        self.rng = NaiveXoshiro(state)
        n = self.n
        self.stage = ["unaware"] * n
        self.channel = [None] * n
        self.adopted = [-1] * n
        self.referrer = [-1] * n
        self.depth = [-1] * n
        self.member = ["none"] * n
        self.member_since = [-1] * n
        self.attended = [0] * n
        self.queue = []
        self.queue_head = 0
        self.spent = dict.fromkeys(_WOM_CHANNELS, 0.0)
        self.spent_total = 0.0
        self.t = 0
        self.meetups = 0
        self._reset_step()
        for j in first_pin:
            self._adopt(int(j), "first_pin", -1, 0)
            floor = params.first_pin.enthusiasm
            if floor is not None and self.enth[j] < floor:
                self.enth[j] = floor
            if self.member[j] == "none":
                self.member[j] = "member"
                self.member_since[j] = 0
        self._advocacy()

    # ------------------------------------------------------------- helpers
    def _reset_step(self):
        self.ev = dict.fromkeys(
            ("meetup", "attendance", "newcomers", "posts", "post_reach", "invitations",
             "vendor_contacts", "influencer_reach", "talks", "churned", "churned_members"),
            0,
        )  # fmt: skip
        self.heat = self.cohesion = self.attendee_enthusiasm = float("nan")

    def _budget(self, name):
        return {"vendor": self.p.budget.vendor, "influencer": self.p.budget.influencer,
                "community": self.p.budget.community}.get(name)  # fmt: skip

    def _pay(self, channel, amount):
        """Spend if both the total and the channel's budget allow it."""
        if amount <= 0:
            return True
        total = self.p.budget.total
        if total is not None and self.spent_total + amount > total:
            return False
        own = self._budget(channel)
        if own is not None and self.spent[channel] + amount > own:
            return False
        self.spent[channel] += amount
        self.spent_total += amount
        return True

    def _adopt(self, j, channel, ref, depth):
        self.stage[j] = "adopter"
        self.channel[j] = channel
        self.adopted[j] = self.t
        self.referrer[j] = ref
        self.depth[j] = depth

    def _members(self):
        return sum(m == "member" for m in self.member)

    def _broadcast(self, j, channel, ref, prob, given):
        if self.stage[j] == "unaware":
            self.stage[j] = "aware"
        if self.stage[j] == "aware" and self.rng.uniform() < prob * self.susc[j]:
            self._adopt(j, channel, ref, 0)
            self.enth[j] = max(self.enth[j], given)

    def _peer(self, i, j, arc, channel):
        if self.stage[j] == "unaware":
            self.stage[j] = "aware"
        if self.stage[j] != "aware":
            return
        w = self.p.word_of_mouth
        prob = w.persuasion * self.enth[i] * self.trust[arc] * self.susc[j]
        if self.interest[i] >= 0 and self.interest[i] == self.interest[j]:
            prob *= 1.0 + w.interest_bonus
        if self.rng.uniform() < prob:
            self._adopt(j, channel, i, self.depth[i] + 1)
            self.enth[j] = max(self.enth[j], w.transfer * self.enth[i])

    def _request_join(self, j):
        c = self.p.community
        if self.member[j] != "none" or self.stage[j] not in ("adopter", "advocate"):
            return
        if self.enth[j] < c.join_threshold:
            return
        if c.cap is None or self._members() < c.cap:
            self.member[j] = "member"
            self.member_since[j] = self.t
        else:
            self.member[j] = "waiting"
            self.queue.append(j)

    def _arcs(self, i):
        return self.indptr[i], self.indptr[i + 1]

    # ------------------------------------------------------------ mechanisms
    def _influencers(self):
        f = self.p.influencer
        trials = NaiveArcTrials(self.rng, f.reach_prob)
        for u in self.influencers:
            if not self._pay("influencer", f.cost_per_step):
                break
            for _ in range(f.posts_per_step):
                for arc in trials.hits(*self._arcs(u)):
                    self.ev["influencer_reach"] += 1
                    self._broadcast(self.indices[arc], "influencer", u, f.credibility, f.enthusiasm)

    def _vendor(self):
        v = self.p.vendor
        pool = list(range(self.n)) if self.vendor_target < 0 else self.groups[self.vendor_target]
        if not pool:
            return
        for _ in range(v.reach):
            if not self._pay("vendor", v.cost_per_contact):
                break
            j = pool[self.rng.randint(len(pool))]
            self.ev["vendor_contacts"] += 1
            self._broadcast(j, "vendor", -1, v.conversion, v.enthusiasm)

    def _admit_waiting(self):
        cap = self.p.community.cap
        while self.queue_head < len(self.queue) and (cap is None or self._members() < cap):
            j = self.queue[self.queue_head]
            self.queue_head += 1
            if self.member[j] == "waiting":
                self.member[j] = "member"
                self.member_since[j] = self.t

    def _meetup(self):
        import math
        from collections import Counter

        c = self.p.community
        if self._members() == 0:
            return
        candidates = []
        for j in range(self.n):
            if self.member[j] != "member":
                continue
            e = self.enth[j]
            if c.fee > 0 and e <= c.fee:
                continue
            p_attend = 1.0 if c.attendance_exponent == 0 else e**c.attendance_exponent
            if p_attend >= 1.0 or self.rng.uniform() < p_attend:
                candidates.append(j)
        if not candidates:
            return
        k = len(candidates)
        if c.capacity is not None and k > c.capacity:
            for q in range(c.capacity):  # a partial Fisher-Yates shuffle
                w = q + self.rng.randint(k - q)
                candidates[q], candidates[w] = candidates[w], candidates[q]
            candidates = candidates[: c.capacity]
        if not self._pay("community", c.cost_per_meetup):
            return
        room = []
        for j in candidates:
            if not self._pay("community", c.cost_per_attendee):
                break
            room.append(j)
        self.ev["meetup"] = 1
        self.meetups += 1
        self.ev["attendance"] = len(room)
        if not room:
            return
        es = [self.enth[j] for j in room]
        p = c.heat_exponent
        if p > 0:
            heat = (_plain_sum(x**p for x in es) / len(es)) ** (1.0 / p)
        elif min(es) <= 0.0:
            heat = 0.0
        elif p == 0:
            heat = math.exp(_plain_sum(math.log(x) for x in es) / len(es))
        else:
            heat = (_plain_sum(x**p for x in es) / len(es)) ** (1.0 / p)
        codes = Counter(self.interest[j] for j in room if self.interest[j] >= 0)
        k = len(room)
        pairs = sum(m * (m - 1) for m in codes.values())
        cohesion = pairs / (k * (k - 1.0)) if k >= 2 else 0.0
        self.heat, self.cohesion = heat, cohesion
        self.attendee_enthusiasm = _plain_sum(es) / len(es)
        gain = min(1.0, c.lift * heat * (1.0 + c.interest_bonus * cohesion))
        for j in room:
            self.enth[j] += gain * (1.0 - self.enth[j])
            if self.attended[j] == 0:
                self.ev["newcomers"] += 1
            self.attended[j] += 1
        if c.post_prob <= 0:
            return
        trials = NaiveArcTrials(self.rng, c.post_reach)
        for i in room:
            if c.post_prob < 1.0 and not self.rng.uniform() < c.post_prob:
                continue
            self.ev["posts"] += 1
            for arc in trials.hits(*self._arcs(i)):
                j = self.indices[arc]
                self.ev["post_reach"] += 1
                self._peer(i, j, arc, "community")
                if c.admission == "open":
                    self._request_join(j)

    def _invitations(self):
        c = self.p.community
        if c.admission == "closed" or self._members() == 0 or c.invite_prob <= 0:
            return
        trials = NaiveArcTrials(self.rng, c.invite_prob)
        for i in range(self.n):
            if self.member[i] != "member" or self.member_since[i] >= self.t:
                continue
            for arc in trials.hits(*self._arcs(i)):
                j = self.indices[arc]
                if self.member[j] != "none" or self.stage[j] == "churned":
                    continue
                self.ev["invitations"] += 1
                self._peer(i, j, arc, "community")
                self._request_join(j)

    def _word_of_mouth(self):
        w = self.p.word_of_mouth
        if w.talk_prob <= 0:
            return
        trials = NaiveArcTrials(self.rng, w.talk_prob)
        for i in range(self.n):
            if self.stage[i] != "advocate":
                continue
            for arc in trials.hits(*self._arcs(i)):
                self.ev["talks"] += 1
                self._peer(i, self.indices[arc], arc, "word_of_mouth")

    def _decay(self):
        keep = 1.0 - self.p.word_of_mouth.decay
        if keep == 1.0:
            return
        for j in range(self.n):
            if self.stage[j] in ("adopter", "advocate"):
                self.enth[j] *= keep

    def _advocacy(self):
        thr = self.p.word_of_mouth.advocate_threshold
        for j in range(self.n):
            if self.stage[j] in ("adopter", "advocate"):
                self.stage[j] = "advocate" if self.enth[j] >= thr else "adopter"

    def _churn(self):
        ch = self.p.churn
        if ch.rate <= 0:
            return
        for j in range(self.n):
            if self.stage[j] not in ("adopter", "advocate"):
                continue
            q = ch.rate * ch.member_factor if self.member[j] == "member" else ch.rate
            if q <= 0:
                continue
            if q >= 1 or self.rng.uniform() < q:
                self.stage[j] = "churned"
                self.ev["churned"] += 1
                if self.member[j] == "member":
                    self.ev["churned_members"] += 1
                self.member[j] = "none"

    def step(self):
        """One week, mechanisms in the documented order."""
        p = self.p
        self.t += 1
        self._reset_step()
        if p.influencer.enabled and p.influencer.count > 0:
            self._influencers()
        if p.vendor.enabled and p.vendor.reach > 0:
            self._vendor()
        if p.community.enabled:
            self._admit_waiting()
            if self.t % p.community.cadence == 0:
                self._meetup()
            self._invitations()
        if p.word_of_mouth.enabled:
            self._word_of_mouth()
        self._decay()
        self._advocacy()
        if p.churn.enabled and p.churn.rate > 0:
            self._churn()

    def observe(self):
        """The metrics (same names as ``sim.model.kernels.METRICS``), from the people."""
        nan = float("nan")
        m = {s: sum(x == s for x in self.stage) for s in _WOM_STAGES}
        adopted = [j for j in range(self.n) if self.adopted[j] >= 0]
        m["new_adopted"] = sum(self.adopted[j] == self.t for j in adopted)
        m["cumulative_adopted"] = len(adopted)
        for c in _WOM_CHANNELS:
            m[f"new_{c}"] = sum(self.channel[j] == c and self.adopted[j] == self.t for j in adopted)
        for c in _WOM_CHANNELS:
            m[f"cum_{c}"] = sum(self.channel[j] == c for j in adopted)
        peer = m["cum_word_of_mouth"] + m["cum_community"]
        m["wom_share"] = peer / len(adopted) if adopted else nan
        depths = [self.depth[j] for j in adopted]
        m["mean_chain_depth"] = sum(depths) / len(depths) if depths else nan
        m["max_chain_depth"] = max(self.depth[j] for j in adopted) if adopted else nan
        m["market_area"] = (self.n - m["unaware"]) / self.n
        active = [self.enth[j] for j in range(self.n) if self.stage[j] in ("adopter", "advocate")]
        m["mean_enthusiasm"] = _plain_sum(active) / len(active) if active else nan
        m["members"] = sum(x == "member" for x in self.member)
        m["waiting"] = sum(x == "waiting" for x in self.member)
        m["joins"] = sum(s == self.t for s in self.member_since) if self.t > 0 else 0
        m["invitations"] = self.ev["invitations"]
        m["meetup_held"] = self.ev["meetup"]
        m["meetups_held"] = self.meetups
        m["attendance"] = self.ev["attendance"]
        m["newcomers"] = self.ev["newcomers"]
        att = self.ev["attendance"]
        m["newcomer_share"] = self.ev["newcomers"] / att if att else nan
        m["heat"] = self.heat
        m["cohesion"] = self.cohesion
        m["attendee_enthusiasm"] = self.attendee_enthusiasm
        m["outward_posts"] = self.ev["posts"]
        m["outward_reach"] = self.ev["post_reach"]
        m["vendor_contacts"] = self.ev["vendor_contacts"]
        m["influencer_reach"] = self.ev["influencer_reach"]
        m["talks"] = self.ev["talks"]
        m["new_churned"] = self.ev["churned"]
        m["new_churned_members"] = self.ev["churned_members"]
        m["spend_vendor"] = self.spent["vendor"]
        m["spend_influencer"] = self.spent["influencer"]
        m["spend_community"] = self.spent["community"]
        m["spend"] = self.spent_total
        acquired = len(adopted) - m["cum_first_pin"]
        m["cost_per_adopter"] = self.spent_total / acquired if acquired > 0 else nan
        return m


def naive_wom_run(prepared, steps, row=0):
    """Run the reference on replicate ``row`` of a ``sim.model.simulate.Prepared``
    (before the kernels touch it): ``(list of metric dicts for steps 0..T, model)``."""
    s = prepared.structure
    ptr = s.group_ptr
    groups = [s.group_nodes[ptr[g] : ptr[g + 1]].tolist() for g in range(len(s.interest_labels))]
    v = prepared.params.vendor
    target = -1 if v.target is None else s.group_code(v.target, key="vendor.target")
    model = NaiveWom(
        prepared.net.indptr, prepared.net.indices, s.trust, s.interest, groups, prepared.params,
        prepared.pf[row, 0].tolist(), prepared.pf[row, 1].tolist(), prepared.pins[row].tolist(),
        prepared.influencers[row].tolist(), target, prepared.states[row].tolist(),
    )  # fmt: skip
    history = [model.observe()]
    for _ in range(steps):
        model.step()
        history.append(model.observe())
    return history, model


# --- plot layout ---
# Reference for sim.plot.layout._spring_kernel (Fruchterman-Reingold): a transcription
# with lists and loops, the same arithmetic in the same order, so it must agree with
# the numba kernel to the last bits (up to float reassociation, which numba does not
# do without fastmath).


def naive_spring_layout(neighbours, weights, pos, iterations, k, t0, gravity):
    """Positions after ``iterations`` rounds. ``neighbours[i]`` lists i's neighbours
    (both directions), ``weights[i]`` the matching spring strengths, ``pos`` a list of
    ``[x, y]`` (not changed). Every round: each person sums a push ``k^2 / d`` from
    everyone else (d clamped below at 1e-6), a pull ``w d^2 / k`` along each tie and
    ``gravity * position`` towards 0, all computed from the round's old positions;
    then moves along the sum by at most the temperature, which falls by
    ``t0 / (iterations + 1)`` per round."""
    import math

    pos = [list(p) for p in pos]
    n = len(pos)
    t = t0
    for _ in range(iterations):
        moves = []
        for i in range(n):
            xi, yi = pos[i]
            fx = fy = 0.0
            for j in range(n):
                if j == i:
                    continue
                dx, dy = xi - pos[j][0], yi - pos[j][1]
                d2 = max(dx * dx + dy * dy, 1e-12)
                fx += dx * (k * k) / d2
                fy += dy * (k * k) / d2
            for j, w in zip(neighbours[i], weights[i], strict=True):
                dx, dy = xi - pos[j][0], yi - pos[j][1]
                d = math.sqrt(dx * dx + dy * dy)
                fx -= dx * d * w / k
                fy -= dy * d * w / k
            moves.append((fx - gravity * xi, fy - gravity * yi))
        for i, (fx, fy) in enumerate(moves):
            length = math.sqrt(fx * fx + fy * fy)
            if length > 0:
                step = min(length, t) / length
                pos[i][0] += fx * step
                pos[i][1] += fy * step
        t -= t0 / (iterations + 1)
    return pos
