"""Parameters of the word-of-mouth marketing model, one pydantic section per mechanism.

Every section is a strict pydantic v2 model (``extra="forbid"``) so that the scenario
schema can embed it as a TOML table (``[vendor]``, ``[community]``, ...). Every field
says its unit, its range and the article claim its default stands for. Every
mechanism can be switched off (``enabled = false`` or a zero rate).

Time is in **steps of one week**; money is in an arbitrary **currency unit** (the
same for every channel, so that arms can share one budget); enthusiasm (熱量),
susceptibility, trust and every probability are in ``[0, 1]``.

Use :func:`parse_params` to build :class:`ModelParams` from a plain dict (a parsed
TOML table): any invalid value becomes a :class:`~sim.errors.ValidationError`
naming its dotted key, e.g. ``community.cap``.

References:
    Claims quoted from ``shared/DOMAIN.md`` and the source articles in ``shared/seeds``
    (Ojima, CMC_Meetup slides; "操作されたインフルエンサーじゃなく、本気のファンとつながる
    コミュニティマーケティング"; meetALIVE vol.9 report; Sansan's MarkeZine interview;
    the corklab figures of 100 members and 200 waiting).
"""

from __future__ import annotations

import math
import numbers
import typing
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticCustomError

from sim.errors import ValidationError

__all__ = [
    "BudgetParams",
    "ChurnParams",
    "CommunityParams",
    "Distribution",
    "FIRST_PIN_STRATEGIES",
    "FirstPinParams",
    "InfluencerParams",
    "ModelParams",
    "PeopleParams",
    "SusceptibilityDistribution",
    "TrustParams",
    "VendorParams",
    "WordOfMouthParams",
    "cap_problem",
    "parse_params",
]


class _Section(BaseModel):
    # Strict like the scenario schema that embeds these sections as TOML tables:
    # "3" is not a number, 3.0 is not an integer, inf and nan are refused (an integer
    # is fine where a number is expected).
    model_config = ConfigDict(
        extra="forbid", validate_assignment=True, frozen=False, strict=True, allow_inf_nan=False
    )


def _fail(key: str, message: str):
    """Raise a pydantic-visible error whose location is ``key`` (relative to the section).

    The error is a ``PydanticCustomError`` of type ``"sim"`` carrying ``message`` and
    the dotted ``key`` as a ``subkey`` path: the same protocol as
    :func:`sim.scenario.issues.fail`, so that the scenario loader places it at the
    key's line and column and :func:`parse_params` names the key.
    """
    raise PydanticCustomError(
        "sim", "{message}", {"message": message, "subkey": tuple(key.split(".")), "kind": "value"}
    )


def cap_problem(first_pin: FirstPinParams, community: CommunityParams) -> str | None:
    """What is wrong with ``community.cap`` given the first pin, or ``None``.

    A community that is on and has a membership cap must have room for its first pin.

    Examples:
        >>> cap_problem(FirstPinParams(size=20), CommunityParams(cap=10))
        'must be >= first_pin.size (20), got 10'
        >>> cap_problem(FirstPinParams(size=20), CommunityParams(cap=10, enabled=False)) is None
        True
    """
    c = community
    if c.enabled and c.cap is not None and c.cap < first_pin.size:
        return f"must be >= first_pin.size ({first_pin.size}), got {c.cap}"
    return None


class Distribution(_Section):
    """A distribution of a per-person value in ``[0, 1]``.

    ``kind = "beta"`` draws Beta(``a``, ``b``); ``"uniform"`` draws U(``low``, ``high``);
    ``"constant"`` gives everyone ``value``; ``"attribute"`` takes each person's own
    value from the network's node attribute ``attribute`` (a researcher's own data on
    their own graph: every node must have a number in [0, 1]; nothing is drawn).

    Examples:
        >>> Distribution(kind="uniform", low=0.2, high=0.4).mean
        0.30000000000000004
        >>> Distribution(kind="attribute", attribute="enthusiasm").attribute
        'enthusiasm'
    """

    kind: Literal["beta", "uniform", "constant", "attribute"] = Field(
        "beta",
        description=(
            "Family: beta(a, b), uniform(low, high), constant(value), or 'attribute' "
            "(each person's value from a node attribute, see attribute)."
        ),
    )
    a: float = Field(2.0, gt=0.0, description="Beta shape alpha (> 0).")
    b: float = Field(5.0, gt=0.0, description="Beta shape beta (> 0).")
    low: float = Field(0.0, ge=0.0, le=1.0, description="Uniform lower bound in [0, 1].")
    high: float = Field(1.0, ge=0.0, le=1.0, description="Uniform upper bound in [low, 1].")
    value: float = Field(0.3, ge=0.0, le=1.0, description="The constant, in [0, 1].")
    attribute: str | None = Field(
        None,
        min_length=1,
        description=(
            "Node attribute holding each person's value in [0, 1] (kind = 'attribute'), "
            "e.g. 'enthusiasm' set on a networkx graph saved as GraphML or GML."
        ),
    )

    @model_validator(mode="after")
    def _order(self) -> Distribution:
        if self.kind == "uniform" and self.low > self.high:
            _fail("high", f"must be >= low ({self.low}), got {self.high}")
        if self.kind == "attribute" and self.attribute is None:
            _fail("attribute", "kind = 'attribute' needs the name of a node attribute")
        return self

    @property
    def mean(self) -> float:
        """The distribution's mean (NaN for ``kind = "attribute"``: it depends on the data)."""
        if self.kind == "attribute":
            return float("nan")
        if self.kind == "beta":
            return self.a / (self.a + self.b)
        if self.kind == "uniform":
            return 0.5 * (self.low + self.high)
        return self.value


class SusceptibilityDistribution(Distribution):
    """A :class:`Distribution` whose beta default is Beta(2, 2) (mean 0.5)."""

    b: float = Field(2.0, gt=0.0, description="Beta shape beta (> 0).")


class PeopleParams(_Section):
    """Who the people are: enthusiasm (熱量), susceptibility, interest axis (関心軸).

    Examples:
        >>> p = PeopleParams(interest="louvain")
        >>> p.interest, round(p.enthusiasm.mean, 4), p.susceptibility.mean
        ('louvain', 0.2857, 0.5)
    """

    enthusiasm: Distribution = Field(
        default_factory=lambda: Distribution(kind="beta", a=2.0, b=5.0),
        description=(
            "Initial enthusiasm (熱量) in [0, 1], a person's latent heat for the product. "
            "Default Beta(2, 5) (mean 0.29): most people are lukewarm and only a few are "
            "hot, as the articles say a community starts from 'a few hot users' "
            "(熱量の高いユーザーを見つけ出し、数名集める)."
        ),
    )
    susceptibility: SusceptibilityDistribution = Field(
        default_factory=SusceptibilityDistribution,
        description=(
            "Susceptibility in [0, 1]: how easily a person is persuaded by any channel "
            "(multiplies every conversion probability). Default Beta(2, 2), mean 0.5: "
            "no article claim, a symmetric spread."
        ),
    )
    interest: str = Field(
        "auto",
        description=(
            "Interest axis (関心軸) per person: the name of a node attribute, 'louvain' "
            "or 'label_propagation' (detected with networkx, seeded by detection_seed), "
            "'none', or 'auto' (node attribute 'community' if the network has it, else "
            "none). Bundled datasets and planted generators store their groups in "
            "'community'."
        ),
    )
    detection_seed: int = Field(
        0, ge=0, description="Seed of community detection (same partition in every replicate)."
    )
    resolution: float = Field(1.0, gt=0.0, description="Louvain resolution (> 0).")
    table: str | None = Field(
        None,
        description=(
            "Optional person table: a CSV keyed by node id (column table_id) whose "
            "columns set ('enthusiasm', 'susceptibility', 'interest') or shift "
            "('enthusiasm_shift', 'susceptibility_shift') per-person values, as a "
            "vendor's usage data would ('find the first pin from usage data'). Other "
            "numeric columns are kept as scores."
        ),
    )
    table_id: str = Field("node", description="Column of the person table holding node ids.")


class TrustParams(_Section):
    """Tie strength (the 'trust chain', トラストチェーン) on every arc, in [0, 1].

    Examples:
        >>> t = TrustParams(source="constant", value=0.5)
        >>> t.value, t.floor  # the floor applies to source = "overlap" only
        (0.5, 0.2)
    """

    source: Literal["overlap", "attribute", "constant"] = Field(
        "overlap",
        description=(
            "'overlap': trust = floor + (1 - floor) * Jaccard overlap of the two "
            "neighbourhoods (ties embedded in shared friends are stronger); 'attribute': "
            "an edge attribute in [0, 1]; 'constant': value on every tie."
        ),
    )
    floor: float = Field(
        0.2, ge=0.0, le=1.0, description="Overlap trust of a tie with no shared neighbour."
    )
    attribute: str = Field("trust", description="Edge attribute used when source='attribute'.")
    value: float = Field(1.0, ge=0.0, le=1.0, description="Trust when source='constant'.")


class VendorParams(_Section):
    """Vendor direct marketing, Sell-To (コミュニティに売る): external influence.

    Examples:
        >>> v = VendorParams(enabled=True, reach=500)
        >>> v.reach * v.cost_per_contact, v.conversion  # weekly spend, default conversion
        (500.0, 0.05)
    """

    enabled: bool = Field(False, description="Switch the channel on.")
    reach: int = Field(100, ge=0, description="People contacted per week (with replacement).")
    target: int | str | None = Field(
        None,
        description="Contact anyone (absent) or only one interest group (its label, e.g. a "
        "department number).",
    )
    conversion: float = Field(
        0.05,
        ge=0.0,
        le=1.0,
        description=(
            "Probability that a contact converts, times the person's susceptibility. "
            "Default 5%: a direct message sometimes sells."
        ),
    )
    cost_per_contact: float = Field(1.0, ge=0.0, description="Currency units per contact.")
    enthusiasm: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description=(
            "Enthusiasm a convert gains from the vendor (raised to at least this). "
            "Default 0: the articles say a vendor's message 'travels no further than "
            "the vendor pushed it' (企業が伝える以上には、拡散しない); make it high to "
            "test whether Sell-To would chain if it conveyed heat."
        ),
    )


class InfluencerParams(_Section):
    """Paid influencers: high reach, low credibility, no heat passed on.

    Examples:
        >>> i = InfluencerParams(enabled=True, count=3)
        >>> i.count * i.cost_per_step, i.credibility  # weekly spend, default credibility
        (150.0, 0.02)
    """

    enabled: bool = Field(False, description="Switch the channel on.")
    count: int = Field(5, ge=0, description="Number of paid influencers.")
    pick: Literal["degree", "random"] = Field(
        "degree", description="Choose the influencers by top degree or at random."
    )
    posts_per_step: int = Field(1, ge=0, description="Posts per influencer per week.")
    reach_prob: float = Field(
        0.5, ge=0.0, le=1.0, description="Probability a post reaches each neighbour."
    )
    credibility: float = Field(
        0.02,
        ge=0.0,
        le=1.0,
        description=(
            "Probability a reached person converts, times susceptibility. Default 2%, "
            "below the vendor's: 'manipulated influencers' (操作されたインフルエンサー) "
            "are trusted less than genuine fans."
        ),
    )
    cost_per_step: float = Field(
        50.0, ge=0.0, description="Currency units per influencer per week."
    )
    enthusiasm: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description=(
            "Enthusiasm a convert gains (raised to at least this). Default 0: paid "
            "posts convey no heat (熱量が伝わらない)."
        ),
    )


class WordOfMouthParams(_Section):
    """Word of mouth between peers, Sell-Through (コミュニティを通じて売る).

    Examples:
        >>> w = WordOfMouthParams(persuasion=0.3)
        >>> w.persuasion, w.talk_prob, w.decay
        (0.3, 0.2, 0.03)
    """

    enabled: bool = Field(True, description="Switch peer talk by advocates on.")
    talk_prob: float = Field(
        0.2, ge=0.0, le=1.0, description="Probability an advocate talks over each tie per week."
    )
    persuasion: float = Field(
        0.6,
        ge=0.0,
        description=(
            "Scale of a talk's conversion probability: p = persuasion * e_sender * "
            "trust * s_receiver * (1 + interest_bonus if they share an interest), "
            "capped at 1. The product's fit: low for a product with little to talk "
            "about (Sansan-like), high for one that raises questions (JAWS-UG-like)."
        ),
    )
    interest_bonus: float = Field(
        1.0,
        ge=0.0,
        description=(
            "Relative persuasion bonus between people sharing an interest axis "
            "(homophily, 関心軸). Default 1: twice as persuasive within an interest."
        ),
    )
    transfer: float = Field(
        0.8,
        ge=0.0,
        le=1.0,
        description=(
            "Enthusiasm passed along the chain: a peer convert's enthusiasm is raised "
            "to at least transfer * the referrer's. Default 0.8: heat spreads but fades "
            "along a chain unless something re-heats it."
        ),
    )
    advocate_threshold: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description=(
            "An adopter is an advocate (talks) while their enthusiasm is at least this. "
            "Default 0.5: only fans with heat spread the word."
        ),
    )
    decay: float = Field(
        0.03,
        ge=0.0,
        le=1.0,
        description=(
            "Fraction of an adopter's enthusiasm lost per week (half-life about 23 "
            "weeks at 0.03): heat fades without events."
        ),
    )


#: The first-pin strategies a scenario may name: the 13 of :data:`sim.strategies.STRATEGIES`
#: plus ``interest``, the model's own "hottest of one interest group" (kept for the
#: shipped scenarios; a test keeps this list in step with ``STRATEGIES``).
FirstPinStrategy = Literal[
    "enthusiasm",
    "degree",
    "random",
    "interest",
    "interest_cohesive",
    "score",
    "influencer",
    "pagerank",
    "betweenness",
    "k_core",
    "closeness",
    "degree_discount",
    "celf",
    "ris",
]
FIRST_PIN_STRATEGIES: tuple[str, ...] = typing.get_args(FirstPinStrategy)


class FirstPinParams(_Section):
    """The first pin (ファーストピン): the community's first members, and how they are chosen.

    ``strategy`` names one of the first-pin strategies of :mod:`sim.strategies`;
    the other keys are its options (a strategy ignores the options of the others,
    so that arms differing only in ``strategy`` can share them).

    Examples:
        >>> FirstPinParams(strategy="ris", p=0.02).epsilon
        0.1
        >>> parse_params({"first_pin": {"strategy": "score"}})
        Traceback (most recent call last):
        ...
        sim.errors.ValidationError: first_pin.score_columns: strategy 'score' needs the columns to score: score_columns = {column = weight, ...} or [column, ...]
    """

    strategy: FirstPinStrategy = Field(
        "enthusiasm",
        description=(
            "How the first pin is chosen (docs/strategies.md). From the people: "
            "'enthusiasm' (the hottest: 'start from hot users'), 'interest' (the hottest "
            "of one interest group: first_pin.interest or the largest), "
            "'interest_cohesive' (the hottest connected group inside one interest group, "
            "'connected by a shared interest axis', 関心軸でつながっている), 'score' (top "
            "weighted sum of person-table columns: 'find the first pin from usage data'), "
            "'random' (drawn afresh in each replicate). From the network: 'degree', "
            "'influencer' (top degree whatever the heat), 'pagerank', 'betweenness', "
            "'k_core', 'closeness'. Influence maximisation of an independent cascade with "
            "probability p: 'degree_discount', 'celf', 'ris'."
        ),
    )
    size: int = Field(
        20, ge=0, description="First-pin size. Default 20: 'the first 20 people' (最初の20人)."
    )
    interest: int | str | None = Field(
        None,
        description=(
            "Interest group (its label): the group of 'interest' (absent: the largest) and "
            "of 'interest_cohesive' (absent: the group of largest total or mean enthusiasm, "
            "see pick); with 'enthusiasm', only this group's members are candidates."
        ),
    )
    enthusiasm: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="If set, raise the first pin's enthusiasm to at least this.",
    )
    pick: Literal["total", "mean"] = Field(
        "total",
        description=(
            "'interest_cohesive' without interest: choose the group (with at least size "
            "members) of largest 'total' or 'mean' enthusiasm."
        ),
    )
    score_columns: dict[str, float] | list[str] | None = Field(
        None,
        description=(
            "'score' (required): the person-table columns to score, a table {column = "
            "weight} or a list of columns (weight 1 each); network node attributes count "
            "as columns too. score = sum of weight * value."
        ),
    )
    stage: int | str | None = Field(
        None,
        description="'score': only people whose stage_column equals this (e.g. 'active').",
    )
    stage_column: str = Field(
        "lifecycle_stage",
        description=(
            "'score': the person-table column holding each person's lifecycle stage (read "
            "as text, whatever the strategy, e.g. 'active', 'dormant')."
        ),
    )
    standardize: bool = Field(
        False,
        description="'score': put every column on one scale (z-scores) before weighting.",
    )
    alpha: float = Field(0.85, gt=0.0, lt=1.0, description="'pagerank': damping factor in (0, 1).")
    k_samples: int | None = Field(
        None,
        ge=1,
        description=(
            "'betweenness': sampled source nodes (absent: exact up to 10,000 nodes, else "
            "1,000 sources)."
        ),
    )
    p: float = Field(
        0.1,
        ge=0.0,
        le=1.0,
        description=(
            "'degree_discount', 'celf', 'ris': the independent cascade's probability on "
            "every tie that the plan maximises the spread of (a planning assumption, not "
            "the model's word of mouth)."
        ),
    )
    mc: int = Field(
        1000, ge=1, description="'celf': Monte Carlo cascades (live-edge worlds) per estimate."
    )
    epsilon: float = Field(
        0.1,
        gt=0.0,
        lt=1.0,
        description="'ris': IMM's accuracy: spread >= (1 - 1/e - epsilon) OPT (larger: faster).",
    )
    ell: float = Field(
        1.0, gt=0.0, description="'ris': the guarantee holds with probability 1 - n^-ell."
    )
    theta: int | None = Field(
        None,
        ge=1,
        description="'ris': use exactly this many RR sets (plain RIS, no guarantee; absent: IMM).",
    )
    plan_seed: int = Field(
        0,
        ge=0,
        description=(
            "Seed of the strategies that plan with random numbers once per run "
            "('betweenness' when sampled, 'celf', 'ris'): the same pin in every replicate "
            "and arm, like people.detection_seed. 'random' draws from each replicate's "
            "stream instead."
        ),
    )

    @model_validator(mode="before")
    @classmethod
    def _score_columns(cls, data: Any) -> Any:
        cols = data.get("score_columns") if isinstance(data, Mapping) else None
        if cols is None:
            return data
        if isinstance(cols, Mapping):
            if not cols:
                _fail("score_columns", "must name at least one column, got {}")
            for name, w in cols.items():
                number = isinstance(w, int | float) and not isinstance(w, bool)
                if not number or not math.isfinite(w):
                    _fail(f"score_columns.{name}", f"a weight must be a finite number, got {w!r}")
        elif isinstance(cols, list | tuple):
            if not cols:
                _fail("score_columns", "must name at least one column, got []")
            bad = [c for c in cols if not isinstance(c, str)]
            if bad:
                _fail("score_columns", f"column names must be strings, got {bad[0]!r}")
        else:
            _fail(
                "score_columns",
                f"must be a table {{column = weight}} or a list of column names, got {cols!r}",
            )
        return data

    @model_validator(mode="after")
    def _needs(self) -> FirstPinParams:
        if self.strategy == "score" and self.score_columns is None:
            _fail(
                "score_columns",
                "strategy 'score' needs the columns to score: score_columns = "
                "{column = weight, ...} or [column, ...]",
            )
        return self


class CommunityParams(_Section):
    """The community: meetups, heat, invitations, admission, cap (Sell-Through).

    Examples:
        >>> c = CommunityParams(cap=100, fee=0.1)
        >>> c.cap, c.fee, c.admission, c.cadence
        (100, 0.1, 'invited', 4)
    """

    enabled: bool = Field(True, description="Run a community (with its first pin).")
    cadence: int = Field(
        4,
        ge=1,
        description=(
            "Weeks between meetups. Default 4 (monthly); CMC_Meetup held 71 meetups in "
            "7 years across several cities."
        ),
    )
    capacity: int | None = Field(
        50,
        ge=1,
        description="Seats per meetup; when more members want to come, a random subset is "
        "seated (None, from Python: unlimited).",
    )
    fee: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description=(
            "Fee level in enthusiasm units: only members whose enthusiasm exceeds it "
            "attend. The articles: a small fee (割り勘) keeps out 'people who only come "
            "to eat and drink' (飲んで食べるだけの、熱量がない人). Default 0 (free)."
        ),
    )
    attendance_exponent: float = Field(
        1.0,
        ge=0.0,
        description="A member attends with probability enthusiasm ** this (0: always).",
    )
    heat_exponent: float = Field(
        -2.0,
        description=(
            "Exponent of the power mean giving the room's heat from attendees' "
            "enthusiasm (0: geometric mean). Default -2: heat is dominated by the "
            "coldest people present ('one cold member and the community stops "
            "working', 熱量の低いユーザーが一人でも居てしまうと、コミュニティがワークしない)."
        ),
    )
    lift: float = Field(
        0.3,
        ge=0.0,
        le=1.0,
        description=(
            "Enthusiasm gain per meetup: e += lift * heat * cohesion * (1 - e). Meeting "
            "in person heats people (オフラインファースト)."
        ),
    )
    interest_bonus: float = Field(
        1.0,
        ge=0.0,
        description=(
            "Cohesion factor of a meetup = 1 + interest_bonus * (share of attendee pairs "
            "sharing an interest): a room held together by one interest axis lifts "
            "more. 0 turns it off."
        ),
    )
    post_prob: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description=(
            "Probability an attendee posts outward after a meetup ('output first', "
            "アウトプットファースト)."
        ),
    )
    post_reach: float = Field(
        0.3, ge=0.0, le=1.0, description="Probability a post reaches each of the poster's ties."
    )
    invite_prob: float = Field(
        0.05, ge=0.0, le=1.0, description="Probability a member invites each tie per week."
    )
    admission: Literal["closed", "invited", "open"] = Field(
        "invited",
        description=(
            "'closed': nobody joins after the first pin; 'invited': invitees may join; "
            "'open': people reached by outward posts may join too."
        ),
    )
    join_threshold: float = Field(
        0.4,
        ge=0.0,
        le=1.0,
        description="An adopter joins (or queues) only with enthusiasm at least this.",
    )
    cap: int | None = Field(
        None,
        ge=0,
        description=(
            "Membership cap (absent: no cap); applicants beyond it wait in a FIFO list. "
            "The articles: a community capped at 100 with 200 waiting."
        ),
    )
    cost_per_meetup: float = Field(100.0, ge=0.0, description="Currency units per meetup held.")
    cost_per_attendee: float = Field(5.0, ge=0.0, description="Currency units per attendee seated.")


class ChurnParams(_Section):
    """Churn of adopters, lower for community members (retention).

    Examples:
        >>> c = ChurnParams(rate=0.01)
        >>> c.rate * c.member_factor  # a member's weekly churn probability
        0.005
    """

    enabled: bool = Field(True, description="Switch churn on.")
    rate: float = Field(
        0.005, ge=0.0, le=1.0, description="Probability an adopter churns per week (~23%/year)."
    )
    member_factor: float = Field(
        0.5,
        ge=0.0,
        description=(
            "Churn multiplier for community members. Default 0.5: the articles promise "
            "better retention through product use (プロダクト活用促進による継続率上昇)."
        ),
    )


class BudgetParams(_Section):
    """Money: a total and optional per-channel budgets (absent: unlimited).

    A payment is made only if both the total and its channel's budget allow it; a
    channel whose money is out stops. Give every arm the same ``total`` (set it in the
    base scenario) to compare channel mixes at equal budget.

    Examples:
        >>> b = BudgetParams(total=5000.0, vendor=2000.0)
        >>> b.total, b.vendor, b.influencer is None  # no influencer budget: unlimited
        (5000.0, 2000.0, True)
    """

    total: float | None = Field(
        None,
        ge=0.0,
        description="Total budget over all channels, in currency units (absent: unlimited).",
    )
    vendor: float | None = Field(
        None, ge=0.0, description="Budget of the vendor channel (absent: unlimited)."
    )
    influencer: float | None = Field(
        None, ge=0.0, description="Budget of paid influencers (absent: unlimited)."
    )
    community: float | None = Field(
        None, ge=0.0, description="Budget of the community (absent: unlimited)."
    )


class ModelParams(_Section):
    """All the model's parameters, one section per mechanism.

    Build them from a plain dict with :func:`parse_params` (errors name the dotted key);
    every section left out takes its defaults.

    Attributes:
        people: Who the people are (:class:`PeopleParams`).
        trust: Tie strength on every arc (:class:`TrustParams`).
        vendor: Vendor direct marketing, Sell-To (:class:`VendorParams`).
        influencer: Paid influencers (:class:`InfluencerParams`).
        word_of_mouth: Word of mouth between peers (:class:`WordOfMouthParams`).
        first_pin: The community's first members (:class:`FirstPinParams`).
        community: Meetups, invitations, admission, cap (:class:`CommunityParams`).
        churn: Churn of adopters (:class:`ChurnParams`).
        budget: Total and per-channel budgets (:class:`BudgetParams`).

    Examples:
        >>> p = ModelParams(community=CommunityParams(cap=100))
        >>> p.community.cap, p.first_pin.size, p.vendor.enabled
        (100, 20, False)
        >>> parse_params({"community": {"cap": 10}})  # no room for the first pin
        Traceback (most recent call last):
        ...
        sim.errors.ValidationError: community.cap: must be >= first_pin.size (20), got 10
    """

    people: PeopleParams = Field(default_factory=PeopleParams)
    trust: TrustParams = Field(default_factory=TrustParams)
    vendor: VendorParams = Field(default_factory=VendorParams)
    influencer: InfluencerParams = Field(default_factory=InfluencerParams)
    word_of_mouth: WordOfMouthParams = Field(default_factory=WordOfMouthParams)
    first_pin: FirstPinParams = Field(default_factory=FirstPinParams)
    community: CommunityParams = Field(default_factory=CommunityParams)
    churn: ChurnParams = Field(default_factory=ChurnParams)
    budget: BudgetParams = Field(default_factory=BudgetParams)

    @model_validator(mode="after")
    def _cross(self) -> ModelParams:
        problem = cap_problem(self.first_pin, self.community)
        if problem is not None:
            _fail("community.cap", problem)
        for name in ("total", "vendor", "influencer", "community"):
            v = getattr(self.budget, name)
            if v is not None and not math.isfinite(v):
                _fail(f"budget.{name}", f"must be finite, got {v}")
        return self

    def with_updates(self, updates: Mapping[str, Any]) -> ModelParams:
        """A copy with dotted keys replaced, e.g. ``{"community.fee": 0.2}`` (validated).

        Args:
            updates: ``{dotted key: value}``, keys relative to the parameters
                (``"community.fee"``, ``"people.enthusiasm.a"``).

        Returns:
            New parameters (this object is left unchanged), validated as a whole.

        Raises:
            ValidationError: A key that is no parameter, or a value that is invalid
                (naming its dotted key, as :func:`parse_params` does).

        Examples:
            >>> p = ModelParams().with_updates({"community.fee": 0.2, "vendor.enabled": True})
            >>> p.community.fee, p.vendor.enabled
            (0.2, True)
            >>> ModelParams().with_updates({"community.fees": 0.2})
            Traceback (most recent call last):
            ...
            sim.errors.ValidationError: community.fees: unknown parameter
        """
        data = self.model_dump()
        for key, value in updates.items():
            parts = key.split(".")
            node = data
            for p in parts[:-1]:
                if not isinstance(node, dict) or p not in node:
                    raise ValidationError("unknown parameter", key=key)
                node = node[p]
            if not isinstance(node, dict) or parts[-1] not in node:
                raise ValidationError("unknown parameter", key=key)
            node[parts[-1]] = value
        return parse_params(data)


def parse_params(data: ModelParams | Mapping[str, Any] | None = None) -> ModelParams:
    """Validate model parameters from a dict (a parsed TOML table) or pass them through.

    Args:
        data: A :class:`ModelParams`, a nested mapping of sections, or ``None``
            (all defaults).

    Returns:
        The validated parameters.

    Raises:
        ValidationError: On the first invalid value, naming its dotted key
            (e.g. ``people.enthusiasm.value``, ``community.cap``).

    Examples:
        >>> parse_params({"community": {"fee": 0.2}}).community.fee
        0.2
        >>> parse_params({"budget": {"total": -1}})
        Traceback (most recent call last):
        ...
        sim.errors.ValidationError: budget.total: must be >= 0.0, got -1
    """
    if data is None:
        return ModelParams()
    if isinstance(data, ModelParams):
        return data
    try:
        return ModelParams.model_validate(_plain(data))
    except PydanticValidationError as exc:
        raise _convert(exc) from None


def _plain(value: Any) -> Any:
    """Plain Python values: numpy-style integer and boolean scalars (a notebook's
    ``np.arange`` or ``mesa.batch_run`` values) become ``int``/``bool``, tuples lists,
    so that they pass the strict checks; anything else is passed through."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if getattr(getattr(value, "dtype", None), "kind", None) == "b":
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return value


def _convert(exc: PydanticValidationError) -> ValidationError:
    err = exc.errors()[0]
    loc = [str(p) for p in err["loc"]]
    ctx = err.get("ctx") or {}
    kind = err["type"]
    if kind == "sim":
        # A cross-field check: its key is relative to the model that raised it.
        key = ".".join([*loc, *ctx.get("subkey", ())])
        return ValidationError(str(ctx.get("message", err["msg"])), key=key)
    key = ".".join(loc)
    value = err.get("input")
    if kind == "extra_forbidden":
        return ValidationError("unknown parameter", key=key)
    bound = {
        "greater_than_equal": ("ge", ">="),
        "greater_than": ("gt", ">"),
        "less_than_equal": ("le", "<="),
        "less_than": ("lt", "<"),
    }
    if kind in bound:
        name, op = bound[kind]
        return ValidationError(f"must be {op} {ctx.get(name)}, got {value!r}", key=key)
    return ValidationError(f"{err['msg'].lower()}, got {value!r}", key=key)
