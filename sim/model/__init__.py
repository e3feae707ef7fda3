"""The word-of-mouth marketing model: Sell-To versus Sell-Through on a network.

People carry enthusiasm (熱量), susceptibility and an interest axis (関心軸); ties
carry trust. Channels: vendor direct contacts (Sell-To), paid influencers, word of
mouth between peers, and a community (first pin, meetups with heat, invitations,
admission, cap, outward posts: Sell-Through); churn, lower for members; budgets. Every
adoption records its step, channel, referrer and chain depth. See ``docs/model.md``.

Two faces over the same numba kernels and arrays:

* :func:`simulate_wom`: R replicates x T weeks in one parallel call, tidy frames;
* :func:`people_at`: everyone's state at chosen weeks of one replicate (replayed);
* :class:`WordOfMouthModel`: a :class:`mesa.Model` (one replicate, step by step,
  DataCollector, optional :class:`Person` agents on a Mesa network space). Mesa is
  imported on first use of these two names (it takes about a second), so that the
  scenario schema, which embeds ``params``, and ``simulate_wom`` load fast.

Modules: ``params`` (pydantic sections), ``population`` (people and ties),
``seeding`` (first pin, influencers), ``kernels`` (numba), ``metrics`` (names and
frames), ``simulate`` (fast path), ``wom`` (Mesa).
"""

from __future__ import annotations

from sim.model.kernels import CHANNELS, METRICS, STAGES, power_mean, room_cohesion
from sim.model.metrics import METRIC_DESCRIPTIONS, SUMMARY_COLUMNS
from sim.model.params import (
    BudgetParams,
    ChurnParams,
    CommunityParams,
    Distribution,
    FirstPinParams,
    InfluencerParams,
    ModelParams,
    PeopleParams,
    TrustParams,
    VendorParams,
    WordOfMouthParams,
    parse_params,
)
from sim.model.simulate import WomRun, people_at, simulate_wom

__all__ = [
    "BudgetParams",
    "CHANNELS",
    "ChurnParams",
    "CommunityParams",
    "Distribution",
    "FirstPinParams",
    "InfluencerParams",
    "METRICS",
    "METRIC_DESCRIPTIONS",
    "ModelParams",
    "PeopleParams",
    "Person",
    "STAGES",
    "SUMMARY_COLUMNS",
    "TrustParams",
    "VendorParams",
    "WomRun",
    "WordOfMouthModel",
    "WordOfMouthParams",
    "parse_params",
    "people_at",
    "power_mean",
    "room_cohesion",
    "simulate_wom",
]


_LAZY = {"Person", "WordOfMouthModel"}


def __getattr__(name: str):
    """``Person`` and ``WordOfMouthModel`` import Mesa on first use."""
    if name in _LAZY:
        from sim.model import wom

        return getattr(wom, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
