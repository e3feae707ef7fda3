"""Per-replicate random streams: an inline xoshiro256** generator for numba kernels.

One master seed gives one :class:`numpy.random.SeedSequence`; replicate ``r`` draws
from child ``r`` of ``SeedSequence(seed).spawn(R)``, whose 256-bit state seeds a
xoshiro256** generator held in row ``r`` of a ``(R, 4) uint64`` array. A kernel
only ever touches its own replicate's row, so the numbers drawn by replicate ``r``
are the same whatever the number of threads, processes or workers, and replicate
``r`` of every arm of a comparison draws from the same stream (common random
numbers).

The generator functions below are tiny ``@njit(inline="always")`` helpers that
kernels call with ``state = states[r]`` (a view of 4 ``uint64``).

References:
    D. Blackman, S. Vigna, "Scrambled linear pseudorandom number generators",
    ACM TOMS 47(4), 2021.
"""

from __future__ import annotations

import warnings

import numba
import numpy as np
from numba import njit

__all__ = ["replicate_streams", "spawn_states", "stream_generator"]

if numba.config.DISABLE_JIT:  # pragma: no cover - pure-Python debugging mode
    # The generator relies on wrap-around uint64 arithmetic; numpy scalars warn.
    warnings.filterwarnings("ignore", "overflow encountered", RuntimeWarning, __name__)

_U5 = np.uint64(5)
_U7 = np.uint64(7)
_U9 = np.uint64(9)
_U11 = np.uint64(11)
_U17 = np.uint64(17)
_U45 = np.uint64(45)
_U57 = np.uint64(57)
_U64_53 = np.uint64(53)
_INV53 = 1.0 / 9007199254740992.0  # 2**-53


@njit(inline="always", cache=True)
def _rotl(x, k):
    return (x << k) | (x >> (np.uint64(64) - k))


@njit(inline="always", cache=True)
def next_u64(state):
    """Advance ``state`` (4 x uint64, in place) and return the next 64-bit output."""
    s0 = state[0]
    s1 = state[1]
    s2 = state[2]
    s3 = state[3]
    result = _rotl(s1 * _U5, _U7) * _U9
    t = s1 << _U17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = _rotl(s3, _U45)
    state[0] = s0
    state[1] = s1
    state[2] = s2
    state[3] = s3
    return result


@njit(inline="always", cache=True)
def uniform(state):
    """A float in [0, 1) with 53 random bits."""
    return np.float64(next_u64(state) >> _U11) * _INV53


@njit(inline="always", cache=True)
def uniform_open(state):
    """A float in (0, 1] (safe to take the logarithm of)."""
    return (np.float64(next_u64(state) >> _U11) + 1.0) * _INV53


@njit(inline="always", cache=True)
def randint(state, n):
    """An integer in [0, n) (n >= 1), by Lemire-free rejection on 53-bit floats."""
    return np.int64(uniform(state) * n)


def replicate_streams(seed: int | np.random.SeedSequence | None, replicates: int):
    """The per-replicate :class:`~numpy.random.SeedSequence` children of a master seed.

    Args:
        seed: Master seed (an int >= 0), a SeedSequence, or ``None`` for fresh entropy.
        replicates: Number of replicates R >= 1.

    Returns:
        ``(root, children)``: the root SeedSequence (its ``entropy`` is the seed to
        record) and a list of R children. Child ``r`` is the same for every R > r.
    """
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    # spawn() mutates the root's counter; derive children by key so the call is pure.
    children = [
        np.random.SeedSequence(
            root.entropy, spawn_key=(*root.spawn_key, r), pool_size=root.pool_size
        )
        for r in range(replicates)
    ]
    return root, children


def spawn_states(children) -> np.ndarray:
    """xoshiro256** states, one row per child SeedSequence: ``(R, 4) uint64``.

    Each child is spawned once more into ``(kernel, seeding)`` streams; this is the
    kernel stream. An all-zero state (probability 2**-256) is nudged.
    """
    states = np.empty((len(children), 4), dtype=np.uint64)
    for r, child in enumerate(children):
        kernel = np.random.SeedSequence(child.entropy, spawn_key=(*child.spawn_key, 0))
        states[r] = kernel.generate_state(4, dtype=np.uint64)
        if not states[r].any():
            states[r, 0] = 1
    return states


def stream_generator(child: np.random.SeedSequence) -> np.random.Generator:
    """A numpy Generator for a replicate's host-side draws (e.g. choosing random seeds)."""
    return np.random.default_rng(
        np.random.SeedSequence(child.entropy, spawn_key=(*child.spawn_key, 1))
    )
