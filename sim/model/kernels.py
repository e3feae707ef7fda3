"""The model's numba kernels: one function per mechanism, one step, one batch.

Everything here takes arrays and scalars only. One replicate's state is a slice
``[r]`` of a few arrays (so the batch kernel runs replicates in ``prange`` and the
Mesa model runs the same functions on arrays with R = 1):

* ``pf`` ``(R, 2, n) float64``: rows ``PF_ENTH`` (enthusiasm, 熱量, in [0, 1]) and
  ``PF_SUSC`` (susceptibility);
* ``pi`` ``(R, 5, n) int32``: ``PI_ADOPT_STEP`` (-1: never), ``PI_REFERRER`` (-1:
  none), ``PI_DEPTH`` (chain depth, -1: never adopted), ``PI_MEMBER_SINCE`` (step
  joined, -1), ``PI_ATTENDED`` (meetups attended);
* ``pb`` ``(R, 3, n) int8``: ``PB_STAGE`` (funnel stage), ``PB_CHANNEL`` (channel of
  the adoption, -1), ``PB_MEMBER`` (0 no, 1 member, 2 waiting);
* ``queue`` ``(R, n) int32``: the FIFO waiting list (head/tail in ``ist``);
* ``ist`` ``(R, KI) int64`` and ``fst`` ``(R, KF) float64``: per-replicate counters
  (``I_*``, ``F_*``);
* ``states`` ``(R, 4) uint64``: replicate r draws only from ``states[r]``.

Parameters travel as one ``float64`` vector ``prm`` indexed by the ``P_*`` constants
(built by :func:`sim.model.simulate.pack_params`).

A step (week) runs, in this order: paid influencers, vendor contacts, community
(waiting list admitted, meetup on cadence with lift and outward posts, invitations),
word of mouth by advocates, decay, advocate update, churn. Every draw happens in a
fixed order, so a pure-Python transcription (``tests/naive.py``) reproduces the
trajectories exactly.

Bernoulli trials over arcs with one probability use geometric skipping (the gap to
the next success, carried from one sender to the next within a phase), exact by the
memorylessness of the geometric law; p = 1 draws nothing, p = 0 skips the phase.

The metric names (``METRICS``) live here, next to the code that writes them, because
numba's cache does not notice changes to constants imported from other modules.

References:
    D. Blackman, S. Vigna, "Scrambled linear pseudorandom number generators", ACM
    TOMS 47(4), 2021 (the xoshiro256** streams).

    L. Devroye, *Non-Uniform Random Variate Generation*, Springer 1986, ch. X.2.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from sim.contagion._rng import randint, uniform, uniform_open

__all__ = [
    "CHANNELS",
    "METRICS",
    "STAGES",
    "power_mean",
    "room_cohesion",
]

# ----------------------------------------------------------------- enumerations
UNAWARE = 0
AWARE = 1
ADOPTER = 2
ADVOCATE = 3
CHURNED = 4
STAGES = ("unaware", "aware", "adopter", "advocate", "churned")

FIRST_PIN = 0
VENDOR = 1
INFLUENCER = 2
WORD_OF_MOUTH = 3
COMMUNITY = 4
CHANNELS = ("first_pin", "vendor", "influencer", "word_of_mouth", "community")

NOT_MEMBER = 0
MEMBER = 1
WAITING = 2

ADMISSION_CLOSED = 0
ADMISSION_INVITED = 1
ADMISSION_OPEN = 2

# Per-person arrays (rows).
PF_ENTH = 0
PF_SUSC = 1
NPF = 2
PI_ADOPT_STEP = 0
PI_REFERRER = 1
PI_DEPTH = 2
PI_MEMBER_SINCE = 3
PI_ATTENDED = 4
NPI = 5
PB_STAGE = 0
PB_CHANNEL = 1
PB_MEMBER = 2
NPB = 3

# ------------------------------------------------------------------- parameters
P_VENDOR_ON = 0
P_VENDOR_REACH = 1
P_VENDOR_TARGET = 2  # interest code, -1 = anyone
P_VENDOR_CONV = 3
P_VENDOR_COST = 4
P_VENDOR_ENTH = 5
P_INF_ON = 6
P_INF_POSTS = 7
P_INF_REACH = 8
P_INF_CRED = 9
P_INF_COST = 10
P_INF_ENTH = 11
P_WOM_ON = 12
P_TALK = 13
P_PERSUASION = 14
P_WOM_BONUS = 15
P_TRANSFER = 16
P_ADV_THR = 17
P_DECAY = 18
P_COM_ON = 19
P_CADENCE = 20
P_CAPACITY = 21  # -1 = unlimited
P_FEE = 22
P_ATT_EXP = 23
P_HEAT_EXP = 24
P_LIFT = 25
P_COM_BONUS = 26
P_POST_PROB = 27
P_POST_REACH = 28
P_INVITE = 29
P_ADMISSION = 30
P_JOIN_THR = 31
P_CAP = 32  # -1 = no cap
P_COST_MEETUP = 33
P_COST_ATTENDEE = 34
P_PIN_ENTH = 35  # -1 = leave the first pin's enthusiasm alone
P_CHURN_ON = 36
P_CHURN_RATE = 37
P_CHURN_MEMBER = 38
P_BUDGET_TOTAL = 39  # inf = unlimited
P_BUDGET = 40  # + channel code: 40..44 (inf = unlimited)
NPRM = 45

# ------------------------------------------------------------ replicate counters
I_STEP = 0
I_MEMBERS = 1
I_WAITING = 2
I_QHEAD = 3
I_QTAIL = 4
I_MEETUPS = 5
I_MEETUP = 6
I_ATTEND = 7
I_NEWCOMERS = 8
I_POSTS = 9
I_POST_REACH = 10
I_INVITES = 11
I_JOINS = 12
I_VENDOR_CONTACTS = 13
I_INF_REACH = 14
I_TALKS = 15
I_NEW = 16  # + channel: 16..20
I_CUM = 21  # + channel: 21..25
I_SUM_DEPTH = 26
I_MAX_DEPTH = 27
I_CHURN = 28
I_CHURN_MEMBERS = 29
NIST = 30

F_SPEND = 0  # + channel: 0..4
F_SPEND_TOTAL = 5
F_HEAT = 6
F_ATT_ENTH = 7
F_COHESION = 8
NFST = 9

# ------------------------------------------------------------------------ metrics
METRICS = (
    "unaware",
    "aware",
    "adopter",
    "advocate",
    "churned",
    "new_adopted",
    "cumulative_adopted",
    "new_first_pin",
    "new_vendor",
    "new_influencer",
    "new_word_of_mouth",
    "new_community",
    "cum_first_pin",
    "cum_vendor",
    "cum_influencer",
    "cum_word_of_mouth",
    "cum_community",
    "wom_share",
    "mean_chain_depth",
    "max_chain_depth",
    "market_area",
    "mean_enthusiasm",
    "members",
    "waiting",
    "joins",
    "invitations",
    "meetup_held",
    "meetups_held",
    "attendance",
    "newcomers",
    "newcomer_share",
    "heat",
    "cohesion",
    "attendee_enthusiasm",
    "outward_posts",
    "outward_reach",
    "vendor_contacts",
    "influencer_reach",
    "talks",
    "new_churned",
    "new_churned_members",
    "spend_vendor",
    "spend_influencer",
    "spend_community",
    "spend",
    "cost_per_adopter",
)
M_STAGE = 0  # + stage: 0..4
M_NEW = 5
M_CUM = 6
M_NEW_CH = 7  # + channel
M_CUM_CH = 12  # + channel
M_WOM_SHARE = 17
M_MEAN_DEPTH = 18
M_MAX_DEPTH = 19
M_MARKET = 20
M_MEAN_ENTH = 21
M_MEMBERS = 22
M_WAITING = 23
M_JOINS = 24
M_INVITES = 25
M_MEETUP = 26
M_MEETUPS = 27
M_ATTEND = 28
M_NEWCOMERS = 29
M_NEWCOMER_SHARE = 30
M_HEAT = 31
M_COHESION = 32
M_ATT_ENTH = 33
M_POSTS = 34
M_POST_REACH = 35
M_VENDOR_CONTACTS = 36
M_INF_REACH = 37
M_TALKS = 38
M_CHURN = 39
M_CHURN_MEMBERS = 40
M_SPEND_VENDOR = 41
M_SPEND_INF = 42
M_SPEND_COM = 43
M_SPEND = 44
M_COST_PER_ADOPTER = 45
NMETRICS = 46

# Arc trials.
_NONE = 0
_SKIP = 1
_ALL = 2
_GAP_CAP = 2**62


# ==================================================================== helpers
@njit(inline="always", cache=True)
def _trial_mode(p):
    """How to draw Bernoulli(p) trials over arcs: (mode, 1 / log(1 - p))."""
    if p <= 0.0:
        return _NONE, 0.0
    if p >= 1.0:
        return _ALL, 0.0
    return _SKIP, 1.0 / math.log1p(-p)


@njit(inline="always", cache=True)
def _gap(st, inv):
    """Failures before the next success (geometric by inversion), clamped."""
    x = math.log(uniform_open(st)) * inv
    if x >= 4.0e18:
        return np.int64(_GAP_CAP)
    return np.int64(x)


@njit(inline="always", cache=True)
def _first_gap(st, mode, inv):
    if mode == _SKIP:
        return _gap(st, inv)
    return np.int64(0)


@njit(inline="always", cache=True)
def _next_hit(st, a, b, gap, mode, inv):
    """The next successful arc in ``[a, b)`` and the gap left: ``(arc or -1, gap)``.

    With skipping, the gap to the following success is drawn as soon as a success is
    found; a gap that runs past ``b`` carries over to the next sender.
    """
    if mode == _ALL:
        if a < b:
            return a, gap
        return -1, gap
    if mode == _NONE:
        return -1, gap
    if gap < b - a:
        e = a + gap
        return e, _gap(st, inv)
    return -1, gap - (b - a)


@njit(inline="always", cache=True)
def _can_spend(r, ch, amount, prm, fst):
    if amount <= 0.0:
        return True
    if fst[r, F_SPEND_TOTAL] + amount > prm[P_BUDGET_TOTAL]:
        return False
    return fst[r, F_SPEND + ch] + amount <= prm[P_BUDGET + ch]


@njit(inline="always", cache=True)
def _spend(r, ch, amount, fst):
    if amount > 0.0:
        fst[r, F_SPEND + ch] += amount
        fst[r, F_SPEND_TOTAL] += amount


@njit(inline="always", cache=True)
def _adopt(r, j, ch, ref, d, t, pi, pb, ist):
    """Record an adoption: stage, step, channel, referrer, chain depth, counters."""
    pb[r, PB_STAGE, j] = ADOPTER
    pb[r, PB_CHANNEL, j] = ch
    pi[r, PI_ADOPT_STEP, j] = t
    pi[r, PI_REFERRER, j] = ref
    pi[r, PI_DEPTH, j] = d
    ist[r, I_NEW + ch] += 1
    ist[r, I_CUM + ch] += 1
    ist[r, I_SUM_DEPTH] += d
    if d > ist[r, I_MAX_DEPTH]:
        ist[r, I_MAX_DEPTH] = d


@njit(inline="always", cache=True)
def _broadcast_contact(r, j, ch, ref, prob, enth_given, t, pf, pi, pb, ist, st):
    """A vendor or influencer contact: aware, then converts with prob * susceptibility.

    A convert's enthusiasm is raised to at least ``enth_given`` (0 by default: no heat).
    Depth 0: a broadcast starts a chain.
    """
    s = pb[r, PB_STAGE, j]
    if s == UNAWARE:
        pb[r, PB_STAGE, j] = AWARE
        s = AWARE
    if s == AWARE and uniform(st) < prob * pf[r, PF_SUSC, j]:
        _adopt(r, j, ch, ref, 0, t, pi, pb, ist)
        if enth_given > pf[r, PF_ENTH, j]:
            pf[r, PF_ENTH, j] = enth_given
        return True
    return False


@njit(inline="always", cache=True)
def _persuasion(prm, e_sender, trust_arc, s_receiver, same_interest):
    """Conversion probability of one peer contact (before the cap at 1)."""
    p = prm[P_PERSUASION] * e_sender * trust_arc * s_receiver
    if same_interest:
        p *= 1.0 + prm[P_WOM_BONUS]
    return p


@njit(inline="always", cache=True)
def _peer_contact(r, i, j, e, ch, t, prm, trust, interest, pf, pi, pb, ist, st):
    """Person i talks to j over arc e (word of mouth, invitation or outward post).

    j becomes aware; a non-adopter converts with the peer persuasion probability and
    gets at least ``transfer`` times i's enthusiasm; the chain depth grows by one.
    """
    s = pb[r, PB_STAGE, j]
    if s == UNAWARE:
        pb[r, PB_STAGE, j] = AWARE
        s = AWARE
    if s != AWARE:
        return False
    gi = interest[i]
    same = gi >= 0 and gi == interest[j]
    p = _persuasion(prm, pf[r, PF_ENTH, i], trust[e], pf[r, PF_SUSC, j], same)
    if uniform(st) < p:
        _adopt(r, j, ch, i, pi[r, PI_DEPTH, i] + 1, t, pi, pb, ist)
        passed = prm[P_TRANSFER] * pf[r, PF_ENTH, i]
        if passed > pf[r, PF_ENTH, j]:
            pf[r, PF_ENTH, j] = passed
        return True
    return False


@njit(inline="always", cache=True)
def _request_join(r, j, t, prm, pf, pi, pb, queue, ist):
    """An adopter warm enough joins the community, or queues when the cap is reached."""
    if pb[r, PB_MEMBER, j] != NOT_MEMBER:
        return
    s = pb[r, PB_STAGE, j]
    if s != ADOPTER and s != ADVOCATE:
        return
    if pf[r, PF_ENTH, j] < prm[P_JOIN_THR]:
        return
    cap = prm[P_CAP]
    if cap < 0.0 or ist[r, I_MEMBERS] < cap:
        pb[r, PB_MEMBER, j] = MEMBER
        pi[r, PI_MEMBER_SINCE, j] = t
        ist[r, I_MEMBERS] += 1
        ist[r, I_JOINS] += 1
    else:
        pb[r, PB_MEMBER, j] = WAITING
        queue[r, ist[r, I_QTAIL]] = j
        ist[r, I_QTAIL] += 1
        ist[r, I_WAITING] += 1


# ================================================================ heat of a room
@njit(cache=True)
def _power_mean_of(values, idx, k, p):
    """Power mean with exponent p of ``values[idx[:k]]`` (p = 0: geometric mean).

    For p < 0 (and p = 0) a zero value gives 0: nobody can warm a room with a person
    who does not care at all in it.
    """
    if k == 0:
        return math.nan
    if p > 0.0:
        acc = 0.0
        for q in range(k):
            acc += values[idx[q]] ** p
        return (acc / k) ** (1.0 / p)
    acc = 0.0
    for q in range(k):
        x = values[idx[q]]
        if x <= 0.0:
            return 0.0
        if p == 0.0:
            acc += math.log(x)
        else:
            acc += x**p
    if p == 0.0:
        return math.exp(acc / k)
    return (acc / k) ** (1.0 / p)


def power_mean(values, p: float) -> float:
    """The power mean ``(mean(x ** p)) ** (1 / p)`` of enthusiasm values (p = 0: geometric).

    The room's heat at a meetup. With p < 0 it is pulled towards the coldest values
    (p → -∞ gives the minimum); p = 1 is the arithmetic mean.

    Args:
        values: Enthusiasm values in [0, 1].
        p: The exponent (the model's ``community.heat_exponent``, default -2).

    Returns:
        The heat in [0, 1] (NaN for no values).

    Examples:
        >>> round(power_mean([0.9, 0.9, 0.9, 0.1], -2.0), 3)
        0.196
        >>> round(power_mean([0.9, 0.9, 0.9, 0.1], 1.0), 3)
        0.7
    """
    arr = np.ascontiguousarray(values, dtype=np.float64)
    return float(_power_mean_of(arr, np.arange(arr.shape[0]), arr.shape[0], float(p)))


@njit(cache=True)
def _cohesion_of(interest, idx, k):
    """Share of ordered pairs of ``idx[:k]`` sharing an interest (codes >= 0); 0 if k < 2."""
    if k < 2:
        return 0.0
    codes = np.empty(k, dtype=np.int64)
    for q in range(k):
        codes[q] = interest[idx[q]]
    codes.sort()
    pairs = 0
    run = 1
    for q in range(1, k + 1):
        if q < k and codes[q] == codes[q - 1]:
            run += 1
        else:
            if codes[q - 1] >= 0:
                pairs += run * (run - 1)
            run = 1
    return pairs / (k * (k - 1.0))


def room_cohesion(interest_codes) -> float:
    """Share of ordered pairs of attendees who share an interest axis (関心軸).

    The room's cohesion at a meetup: 1 when everyone shares one interest, 0 when no
    two do. People with no known interest (code -1) share it with nobody.

    Args:
        interest_codes: The attendees' interest codes (``-1``: none).

    Returns:
        The share in [0, 1]; 0 for fewer than two attendees.

    Notes:
        O(k log k) for k attendees (one sort).

    Examples:
        >>> room_cohesion([0, 0, 1, 1])
        0.3333333333333333
        >>> room_cohesion([2, 2, 2]), room_cohesion([-1, -1]), room_cohesion([0])
        (1.0, 0.0, 0.0)
    """
    arr = np.ascontiguousarray(interest_codes, dtype=np.int64)
    return float(_cohesion_of(arr, np.arange(arr.shape[0]), arr.shape[0]))


# ==================================================================== channels
@njit(cache=True)
def _influencer_phase(r, t, prm, indptr, indices, influencers, pf, pi, pb, ist, fst, st):
    """Paid influencers post to their neighbours: reach, low credibility, no heat."""
    posts = np.int64(prm[P_INF_POSTS])
    cost = prm[P_INF_COST]
    cred = prm[P_INF_CRED]
    given = prm[P_INF_ENTH]
    mode, inv = _trial_mode(prm[P_INF_REACH])
    gap = _first_gap(st, mode, inv)
    for q in range(influencers.shape[1]):
        u = influencers[r, q]
        if not _can_spend(r, INFLUENCER, cost, prm, fst):
            break
        _spend(r, INFLUENCER, cost, fst)
        for _ in range(posts):
            a = indptr[u]
            b = indptr[u + 1]
            while True:
                e, gap = _next_hit(st, a, b, gap, mode, inv)
                if e < 0:
                    break
                ist[r, I_INF_REACH] += 1
                _broadcast_contact(
                    r, indices[e], INFLUENCER, u, cred, given, t, pf, pi, pb, ist, st
                )
                a = e + 1


@njit(cache=True)
def _vendor_phase(r, t, prm, grp_ptr, grp_nodes, pf, pi, pb, ist, fst, st):
    """Vendor direct contacts (Sell-To): reach people, convert some, pass no heat."""
    n = pb.shape[2]
    reach = np.int64(prm[P_VENDOR_REACH])
    target = np.int64(prm[P_VENDOR_TARGET])
    cost = prm[P_VENDOR_COST]
    conv = prm[P_VENDOR_CONV]
    given = prm[P_VENDOR_ENTH]
    lo = 0
    m = n
    if target >= 0:
        lo = grp_ptr[target]
        m = grp_ptr[target + 1] - lo
    if m <= 0:
        return
    for _ in range(reach):
        if not _can_spend(r, VENDOR, cost, prm, fst):
            break
        _spend(r, VENDOR, cost, fst)
        k = randint(st, m)
        j = grp_nodes[lo + k] if target >= 0 else k
        ist[r, I_VENDOR_CONTACTS] += 1
        _broadcast_contact(r, j, VENDOR, -1, conv, given, t, pf, pi, pb, ist, st)


@njit(cache=True)
def _admit_waiting(r, t, prm, pi, pb, queue, ist):
    """Admit people from the head of the waiting list while the cap allows."""
    cap = prm[P_CAP]
    while ist[r, I_QHEAD] < ist[r, I_QTAIL] and (cap < 0.0 or ist[r, I_MEMBERS] < cap):
        j = queue[r, ist[r, I_QHEAD]]
        ist[r, I_QHEAD] += 1
        if pb[r, PB_MEMBER, j] == WAITING:
            pb[r, PB_MEMBER, j] = MEMBER
            pi[r, PI_MEMBER_SINCE, j] = t
            ist[r, I_MEMBERS] += 1
            ist[r, I_WAITING] -= 1
            ist[r, I_JOINS] += 1


@njit(cache=True)
def _meetup_phase(r, t, prm, indptr, indices, trust, interest, pf, pi, pb, queue, ist, fst, st):
    """A meetup: members attend by enthusiasm (fee filter, capacity), the room's heat
    lifts them, and attendees post outward ("output first")."""
    n = pb.shape[2]
    members = ist[r, I_MEMBERS]
    if members == 0:
        return
    fee = prm[P_FEE]
    att_exp = prm[P_ATT_EXP]
    cand = np.empty(members, dtype=np.int32)
    k = 0
    for j in range(n):
        if pb[r, PB_MEMBER, j] != MEMBER:
            continue
        e = pf[r, PF_ENTH, j]
        if fee > 0.0 and e <= fee:
            continue
        pa = 1.0 if att_exp == 0.0 else e**att_exp
        if pa >= 1.0 or uniform(st) < pa:
            cand[k] = j
            k += 1
    if k == 0:
        return
    seats = prm[P_CAPACITY]
    if seats >= 0.0 and k > seats:
        s = np.int64(seats)
        for q in range(s):
            w = q + randint(st, k - q)
            tmp = cand[q]
            cand[q] = cand[w]
            cand[w] = tmp
        k = s
    if not _can_spend(r, COMMUNITY, prm[P_COST_MEETUP], prm, fst):
        return
    _spend(r, COMMUNITY, prm[P_COST_MEETUP], fst)
    att = 0
    for _ in range(k):
        if not _can_spend(r, COMMUNITY, prm[P_COST_ATTENDEE], prm, fst):
            break
        _spend(r, COMMUNITY, prm[P_COST_ATTENDEE], fst)
        att += 1
    ist[r, I_MEETUP] = 1
    ist[r, I_MEETUPS] += 1
    ist[r, I_ATTEND] = att
    if att == 0:
        return
    enth = pf[r, PF_ENTH]
    heat = _power_mean_of(enth, cand, att, prm[P_HEAT_EXP])
    coh = _cohesion_of(interest, cand, att)
    acc = 0.0
    for q in range(att):
        acc += enth[cand[q]]
    fst[r, F_HEAT] = heat
    fst[r, F_COHESION] = coh
    fst[r, F_ATT_ENTH] = acc / att
    gain = prm[P_LIFT] * heat * (1.0 + prm[P_COM_BONUS] * coh)
    if gain > 1.0:
        gain = 1.0
    newcomers = 0
    for q in range(att):
        j = cand[q]
        enth[j] += gain * (1.0 - enth[j])
        if pi[r, PI_ATTENDED, j] == 0:
            newcomers += 1
        pi[r, PI_ATTENDED, j] += 1
    ist[r, I_NEWCOMERS] = newcomers
    # Output first: attendees post to their own networks.
    post_prob = prm[P_POST_PROB]
    if post_prob <= 0.0:
        return
    is_open = np.int64(prm[P_ADMISSION]) == ADMISSION_OPEN
    mode, inv = _trial_mode(prm[P_POST_REACH])
    gap = _first_gap(st, mode, inv)
    for q in range(att):
        i = cand[q]
        if post_prob < 1.0 and not uniform(st) < post_prob:
            continue
        ist[r, I_POSTS] += 1
        a = indptr[i]
        b = indptr[i + 1]
        while True:
            e, gap = _next_hit(st, a, b, gap, mode, inv)
            if e < 0:
                break
            j = indices[e]
            ist[r, I_POST_REACH] += 1
            if pb[r, PB_STAGE, j] <= AWARE:
                _peer_contact(r, i, j, e, COMMUNITY, t, prm, trust, interest, pf, pi, pb, ist, st)
            if is_open:
                _request_join(r, j, t, prm, pf, pi, pb, queue, ist)
            a = e + 1


@njit(cache=True)
def _invite_phase(r, t, prm, indptr, indices, trust, interest, pf, pi, pb, queue, ist, st):
    """Members invite neighbours; a warm enough adopter joins or queues.

    Members who joined this step invite from the next step on.
    """
    if np.int64(prm[P_ADMISSION]) == ADMISSION_CLOSED or ist[r, I_MEMBERS] == 0:
        return
    mode, inv = _trial_mode(prm[P_INVITE])
    if mode == _NONE:
        return
    n = pb.shape[2]
    gap = _first_gap(st, mode, inv)
    for i in range(n):
        if pb[r, PB_MEMBER, i] != MEMBER or pi[r, PI_MEMBER_SINCE, i] >= t:
            continue
        a = indptr[i]
        b = indptr[i + 1]
        while True:
            e, gap = _next_hit(st, a, b, gap, mode, inv)
            if e < 0:
                break
            a = e + 1
            j = indices[e]
            if pb[r, PB_MEMBER, j] != NOT_MEMBER or pb[r, PB_STAGE, j] == CHURNED:
                continue
            ist[r, I_INVITES] += 1
            if pb[r, PB_STAGE, j] <= AWARE:
                _peer_contact(r, i, j, e, COMMUNITY, t, prm, trust, interest, pf, pi, pb, ist, st)
            _request_join(r, j, t, prm, pf, pi, pb, queue, ist)


@njit(cache=True)
def _wom_phase(r, t, prm, indptr, indices, trust, interest, pf, pi, pb, ist, st):
    """Advocates talk to their neighbours (people who became advocates last step or
    earlier; this step's converts talk from the next step on)."""
    mode, inv = _trial_mode(prm[P_TALK])
    if mode == _NONE:
        return
    n = pb.shape[2]
    gap = _first_gap(st, mode, inv)
    for i in range(n):
        if pb[r, PB_STAGE, i] != ADVOCATE:
            continue
        a = indptr[i]
        b = indptr[i + 1]
        while True:
            e, gap = _next_hit(st, a, b, gap, mode, inv)
            if e < 0:
                break
            ist[r, I_TALKS] += 1
            j = indices[e]
            if pb[r, PB_STAGE, j] <= AWARE:  # (a cheap test first: most talks reach adopters)
                _peer_contact(
                    r, i, j, e, WORD_OF_MOUTH, t, prm, trust, interest, pf, pi, pb, ist, st
                )
            a = e + 1


@njit(cache=True)
def _decay_phase(r, prm, pf, pb):
    """Adopters' enthusiasm fades: e *= 1 - decay."""
    keep = 1.0 - prm[P_DECAY]
    if keep == 1.0:
        return
    n = pb.shape[2]
    for j in range(n):
        s = pb[r, PB_STAGE, j]
        if s == ADOPTER or s == ADVOCATE:  # noqa: SIM109 (numba)
            pf[r, PF_ENTH, j] *= keep


@njit(cache=True)
def _advocacy_phase(r, prm, pf, pb):
    """An adopter is an advocate exactly while enthusiasm >= the advocate threshold."""
    thr = prm[P_ADV_THR]
    n = pb.shape[2]
    for j in range(n):
        s = pb[r, PB_STAGE, j]
        if s == ADOPTER or s == ADVOCATE:  # noqa: SIM109 (numba)
            pb[r, PB_STAGE, j] = ADVOCATE if pf[r, PF_ENTH, j] >= thr else ADOPTER


@njit(cache=True)
def _churn_phase(r, prm, pb, ist, st):
    """Adopters churn with a weekly hazard, lower for members; churners leave the
    community (freeing a seat for the waiting list)."""
    rate = prm[P_CHURN_RATE]
    if rate <= 0.0:
        return
    q_member = rate * prm[P_CHURN_MEMBER]
    n = pb.shape[2]
    for j in range(n):
        s = pb[r, PB_STAGE, j]
        if s != ADOPTER and s != ADVOCATE:
            continue
        m = pb[r, PB_MEMBER, j]
        q = q_member if m == MEMBER else rate
        if q <= 0.0:
            continue
        if q >= 1.0 or uniform(st) < q:
            pb[r, PB_STAGE, j] = CHURNED
            ist[r, I_CHURN] += 1
            if m == MEMBER:
                ist[r, I_MEMBERS] -= 1
                ist[r, I_CHURN_MEMBERS] += 1
            elif m == WAITING:
                ist[r, I_WAITING] -= 1
            pb[r, PB_MEMBER, j] = NOT_MEMBER


# ======================================================================= a step
@njit(cache=True)
def _init_replicate(r, prm, pins, pf, pi, pb, ist, fst):
    """Step 0: the first pin adopts (channel first_pin, depth 0) and forms the community."""
    ist[r, I_MAX_DEPTH] = -1
    fst[r, F_HEAT] = math.nan
    fst[r, F_ATT_ENTH] = math.nan
    fst[r, F_COHESION] = math.nan
    floor = prm[P_PIN_ENTH]
    for q in range(pins.shape[1]):
        j = pins[r, q]
        _adopt(r, j, FIRST_PIN, -1, 0, 0, pi, pb, ist)
        if floor >= 0.0 and pf[r, PF_ENTH, j] < floor:
            pf[r, PF_ENTH, j] = floor
        if pb[r, PB_MEMBER, j] == NOT_MEMBER:
            pb[r, PB_MEMBER, j] = MEMBER
            pi[r, PI_MEMBER_SINCE, j] = 0
            ist[r, I_MEMBERS] += 1
    _advocacy_phase(r, prm, pf, pb)


@njit(cache=True)
def _step(r, prm, indptr, indices, trust, interest, grp_ptr, grp_nodes, influencers,
          pf, pi, pb, queue, ist, fst, states):  # fmt: skip
    """One week of replicate r."""
    st = states[r]
    t = ist[r, I_STEP] + 1
    ist[r, I_STEP] = t
    for k in (I_MEETUP, I_ATTEND, I_NEWCOMERS, I_POSTS, I_POST_REACH, I_INVITES, I_JOINS,
              I_VENDOR_CONTACTS, I_INF_REACH, I_TALKS, I_CHURN, I_CHURN_MEMBERS):  # fmt: skip
        ist[r, k] = 0
    for c in range(5):
        ist[r, I_NEW + c] = 0
    fst[r, F_HEAT] = math.nan
    fst[r, F_ATT_ENTH] = math.nan
    fst[r, F_COHESION] = math.nan
    if prm[P_INF_ON] > 0.0:
        _influencer_phase(r, t, prm, indptr, indices, influencers, pf, pi, pb, ist, fst, st)
    if prm[P_VENDOR_ON] > 0.0:
        _vendor_phase(r, t, prm, grp_ptr, grp_nodes, pf, pi, pb, ist, fst, st)
    if prm[P_COM_ON] > 0.0:
        _admit_waiting(r, t, prm, pi, pb, queue, ist)
        if t % np.int64(prm[P_CADENCE]) == 0:
            _meetup_phase(
                r, t, prm, indptr, indices, trust, interest, pf, pi, pb, queue, ist, fst, st
            )
        _invite_phase(r, t, prm, indptr, indices, trust, interest, pf, pi, pb, queue, ist, st)
    if prm[P_WOM_ON] > 0.0:
        _wom_phase(r, t, prm, indptr, indices, trust, interest, pf, pi, pb, ist, st)
    _decay_phase(r, prm, pf, pb)
    _advocacy_phase(r, prm, pf, pb)
    if prm[P_CHURN_ON] > 0.0:
        _churn_phase(r, prm, pb, ist, st)


@njit(cache=True)
def _observe(r, pf, pb, ist, fst, row):
    """Write replicate r's metrics (``METRICS`` order) into ``row``."""
    n = pb.shape[2]
    c0 = 0
    c1 = 0
    c2 = 0
    c3 = 0
    c4 = 0
    se = 0.0
    for j in range(n):
        s = pb[r, PB_STAGE, j]
        if s == UNAWARE:
            c0 += 1
        elif s == AWARE:
            c1 += 1
        elif s == ADOPTER:
            c2 += 1
            se += pf[r, PF_ENTH, j]
        elif s == ADVOCATE:
            c3 += 1
            se += pf[r, PF_ENTH, j]
        else:
            c4 += 1
    row[M_STAGE + UNAWARE] = c0
    row[M_STAGE + AWARE] = c1
    row[M_STAGE + ADOPTER] = c2
    row[M_STAGE + ADVOCATE] = c3
    row[M_STAGE + CHURNED] = c4
    new = 0
    cum = 0
    for c in range(5):
        row[M_NEW_CH + c] = ist[r, I_NEW + c]
        row[M_CUM_CH + c] = ist[r, I_CUM + c]
        new += ist[r, I_NEW + c]
        cum += ist[r, I_CUM + c]
    row[M_NEW] = new
    row[M_CUM] = cum
    peer = ist[r, I_CUM + WORD_OF_MOUTH] + ist[r, I_CUM + COMMUNITY]
    row[M_WOM_SHARE] = peer / cum if cum > 0 else math.nan
    row[M_MEAN_DEPTH] = ist[r, I_SUM_DEPTH] / cum if cum > 0 else math.nan
    row[M_MAX_DEPTH] = ist[r, I_MAX_DEPTH] if ist[r, I_MAX_DEPTH] >= 0 else math.nan
    row[M_MARKET] = (n - c0) / n if n > 0 else math.nan
    row[M_MEAN_ENTH] = se / (c2 + c3) if c2 + c3 > 0 else math.nan
    row[M_MEMBERS] = ist[r, I_MEMBERS]
    row[M_WAITING] = ist[r, I_WAITING]
    row[M_JOINS] = ist[r, I_JOINS]
    row[M_INVITES] = ist[r, I_INVITES]
    row[M_MEETUP] = ist[r, I_MEETUP]
    row[M_MEETUPS] = ist[r, I_MEETUPS]
    att = ist[r, I_ATTEND]
    row[M_ATTEND] = att
    row[M_NEWCOMERS] = ist[r, I_NEWCOMERS]
    row[M_NEWCOMER_SHARE] = ist[r, I_NEWCOMERS] / att if att > 0 else math.nan
    row[M_HEAT] = fst[r, F_HEAT]
    row[M_COHESION] = fst[r, F_COHESION]
    row[M_ATT_ENTH] = fst[r, F_ATT_ENTH]
    row[M_POSTS] = ist[r, I_POSTS]
    row[M_POST_REACH] = ist[r, I_POST_REACH]
    row[M_VENDOR_CONTACTS] = ist[r, I_VENDOR_CONTACTS]
    row[M_INF_REACH] = ist[r, I_INF_REACH]
    row[M_TALKS] = ist[r, I_TALKS]
    row[M_CHURN] = ist[r, I_CHURN]
    row[M_CHURN_MEMBERS] = ist[r, I_CHURN_MEMBERS]
    row[M_SPEND_VENDOR] = fst[r, F_SPEND + VENDOR]
    row[M_SPEND_INF] = fst[r, F_SPEND + INFLUENCER]
    row[M_SPEND_COM] = fst[r, F_SPEND + COMMUNITY]
    row[M_SPEND] = fst[r, F_SPEND_TOTAL]
    acquired = cum - ist[r, I_CUM + FIRST_PIN]
    row[M_COST_PER_ADOPTER] = fst[r, F_SPEND_TOTAL] / acquired if acquired > 0 else math.nan


@njit(cache=True)
def _init_and_observe(prm, pins, pf, pi, pb, ist, fst, out):
    """Step 0 of every replicate, serially (the Mesa path)."""
    for r in range(pb.shape[0]):
        _init_replicate(r, prm, pins, pf, pi, pb, ist, fst)
        _observe(r, pf, pb, ist, fst, out[r])


@njit(cache=True)
def _step_and_observe(prm, indptr, indices, trust, interest, grp_ptr, grp_nodes, influencers,
                      pf, pi, pb, queue, ist, fst, states, out):  # fmt: skip
    """One step of every replicate, serially (the Mesa path)."""
    for r in range(pb.shape[0]):
        _step(r, prm, indptr, indices, trust, interest, grp_ptr, grp_nodes, influencers,
              pf, pi, pb, queue, ist, fst, states)  # fmt: skip
        _observe(r, pf, pb, ist, fst, out[r])


@njit(parallel=True, cache=True)
def _run_batch(steps, prm, indptr, indices, trust, interest, grp_ptr, grp_nodes, pins,
               influencers, pf, pi, pb, queue, ist, fst, states, out):  # fmt: skip
    """R replicates x ``steps`` weeks, in ``prange`` over replicates.

    ``out`` is ``(R, steps + 1, NMETRICS)``: row 0 is the state after the first pin
    is placed, row t the state after week t.
    """
    R = pb.shape[0]
    for r in prange(R):
        _init_replicate(r, prm, pins, pf, pi, pb, ist, fst)
        _observe(r, pf, pb, ist, fst, out[r, 0])
        for t in range(steps):
            _step(r, prm, indptr, indices, trust, interest, grp_ptr, grp_nodes, influencers,
                  pf, pi, pb, queue, ist, fst, states)  # fmt: skip
            _observe(r, pf, pb, ist, fst, out[r, t + 1])
