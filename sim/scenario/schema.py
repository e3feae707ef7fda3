"""The scenario schema: one pydantic model per TOML section, pure data.

A scenario file has top-level keys (:class:`Scenario`) and the sections
``[network]`` (one of the :data:`GENERATOR_TYPES` generators, a bundled
:class:`DatasetNetwork` or a :class:`FileNetwork`), ``[model]`` (one of
:data:`MODEL_TYPES`, chosen by ``name``), ``[seeding]`` (:class:`Seeding`),
``[[arms]]`` (:class:`Arm`), ``[outputs]`` (:class:`Outputs`) and ``[sweep]``
(:class:`Sweep`, read by ``wom sweep`` only). The marketing model (``[model] name =
"wom"``, :class:`WomModel`) adds the top-level tables of :data:`WOM_SECTIONS`
(``[people]``, ``[vendor]``, ``[first_pin]``, ``[community]``, ``[budget]``, ...),
whose models are the model's own parameter sections (:mod:`sim.model.params`).

Every section rejects unknown keys and takes TOML types strictly: ``"3"`` is not an
integer, ``3.0`` is not an integer, ``true`` is not a number (an integer is accepted
where a number is expected). Names of models, generators, datasets and seeding
strategies are case-insensitive, ``-`` and ``_`` alike; the resolved scenario holds
the canonical spelling.

Extending the schema (later issues):

* **a model**: subclass :class:`ModelSpec` with ``name: Literal["..."]``, set the class
  flags (``uses_network``, ``uses_seeding``, ``needs_seeds``, ``needs_steps``,
  ``sections``) and add the class to ``_MODEL_CLASSES``; the union, the registry, the
  loader, the error messages and the reference docs follow.
* **a section**: one :class:`Section` subclass and one field on :class:`Scenario`; if
  arms may override it, one field on :class:`Arm` and its name in ``ARM_SECTIONS``. A
  section read by one model only goes into :data:`WOM_SECTIONS` (or a like registry)
  and that model's ``sections``: it is then filled in for that model and refused for
  the others.
* **a seeding strategy**: :func:`register_seeding_strategy` (at run time, no schema
  edit needed).

Validators raise :func:`sim.scenario.issues.fail` so that every message reads the same
(``must be < n (100), got 100``); :mod:`sim.scenario.load` adds file positions.
"""

from __future__ import annotations

import copy
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    field_validator,
    model_validator,
)
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import InitErrorDetails

# The marketing model's sections are its own pydantic models (pure data: pydantic and
# the standard library only, no numpy), embedded here as top-level tables.
from sim.model.params import (
    BudgetParams,
    ChurnParams,
    CommunityParams,
    FirstPinParams,
    InfluencerParams,
    PeopleParams,
    TrustParams,
    VendorParams,
    WordOfMouthParams,
    cap_problem,
)
from sim.scenario.issues import fail, format_key, issues_from, show

__all__ = [
    "ARM_SECTIONS",
    "DATASETS",
    "GENERATOR_TYPES",
    "MODEL_TYPES",
    "NETWORK_KINDS",
    "SEEDING_STRATEGIES",
    "WOM_SECTIONS",
    "Arm",
    "BarabasiAlbertNetwork",
    "BassMeanFieldModel",
    "BassModel",
    "CompleteNetwork",
    "DatasetNetwork",
    "ErdosRenyiNetwork",
    "FileNetwork",
    "GeneratorSpec",
    "ICModel",
    "LFRNetwork",
    "LTModel",
    "ModelSpec",
    "NetworkSpec",
    "Outputs",
    "PlantedPartitionNetwork",
    "PowerlawClusterNetwork",
    "RandomRegularNetwork",
    "RingLatticeNetwork",
    "SIModel",
    "SIRModel",
    "Scenario",
    "Section",
    "Seeding",
    "SWEEP_DESIGNS",
    "StochasticBlockNetwork",
    "Sweep",
    "ThresholdModel",
    "WattsStrogatzNetwork",
    "WomModel",
    "merge_arm",
    "register_seeding_strategy",
]

# --------------------------------------------------------------------------- shared
_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")

Probability = Annotated[float, Field(ge=0, le=1)]
PositiveInt = Annotated[int, Field(ge=1)]
NonNegativeInt = Annotated[int, Field(ge=0)]
AttributeName = Annotated[str, Field(min_length=1)]


def _canonical(value: Any, names: Mapping[str, Any], sep: str = "_") -> str | None:
    """``value`` as a key of ``names`` (case-insensitive, ``-``/``_`` alike), or None."""
    if not isinstance(value, str):
        return None
    key = value.strip().lower().replace("-", sep).replace("_", sep)
    return key if key in names else None


def _one_of(names: Mapping[str, Any], value: Any) -> str:
    return f"must be one of {', '.join(names)}; got {show(value)}"


class Section(BaseModel):
    """Base of every scenario section: unknown keys rejected, TOML types taken strictly.

    Attributes:
        alternatives: Groups of keys that exclude each other (e.g. ``phi`` / ``theta``).
            When an arm sets a key of one group, the base's keys of the other groups
            are dropped before merging (see :func:`merge_arm`).
    """

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)

    alternatives: ClassVar[tuple[tuple[str, ...], ...]] = ()


# --------------------------------------------------------------------------- network
class NetworkSpec(Section):
    """Base of the ``[network]`` variants (generator, dataset, file).

    Attributes:
        kind: ``"generator"``, ``"dataset"`` or ``"file"``: the key that selects it.

    Examples:
        >>> sc = Scenario.model_validate({"name": "x", "network": {"dataset": "karate"},
        ...     "model": {"name": "ic", "p": 0.1}, "seeding": {"k": 1}})
        >>> isinstance(sc.network, NetworkSpec), sc.network.kind
        (True, 'dataset')
        >>> sorted(cls.kind for cls in NetworkSpec.__subclasses__())
        ['dataset', 'file', 'generator']
    """

    kind: ClassVar[str]


class GeneratorSpec(NetworkSpec):
    """Base of the synthetic generators: ``generator = "<name>"`` plus parameters.

    One subclass per generator of :data:`GENERATOR_TYPES`, with the generator's own
    parameters as fields (see :mod:`sim.network.generators`).

    Examples:
        >>> spec = GENERATOR_TYPES["watts_strogatz"].model_validate(
        ...     {"generator": "watts_strogatz", "n": 100, "k": 4, "p": 0.1})
        >>> isinstance(spec, GeneratorSpec), spec.kind, spec.seed
        (True, 'generator', None)
        >>> from sim.scenario import load_scenario
        >>> load_scenario({"name": "x", "seed": 5, "model": {"name": "ic", "p": 0.1},
        ...     "network": {"generator": "Watts-Strogatz", "n": 100, "k": 4, "p": 0.1},
        ...     "seeding": {"k": 1}}).network.seed  # filled in from the scenario's seed
        5
    """

    kind: ClassVar[str] = "generator"

    generator: str = Field(description="The generator's name (see the generator tables).")
    seed: NonNegativeInt | None = Field(
        None,
        description="Seed of the network's random generator (int >= 0); default: the "
        "scenario's `seed` (filled in when resolved). Every replicate uses the same network.",
    )


_N = Field(description="Number of nodes.")


class CompleteNetwork(GeneratorSpec):
    """Complete graph: every pair of the n nodes linked."""

    generator: Literal["complete"] = Field(description="`complete`.")
    n: PositiveInt = _N


class ErdosRenyiNetwork(GeneratorSpec):
    """Erdős–Rényi G(n, p): each pair linked independently; give p or mean_degree."""

    alternatives: ClassVar[tuple[tuple[str, ...], ...]] = (("p",), ("mean_degree",))

    generator: Literal["erdos_renyi"] = Field(description="`erdos_renyi`.")
    n: PositiveInt = _N
    p: Probability | None = Field(
        None,
        description="Probability that a pair of nodes is linked (exactly one of p, mean_degree).",
    )
    mean_degree: float | None = Field(
        None,
        gt=0,
        description="Expected degree; sets p = mean_degree / (n - 1) (exactly one of p, "
        "mean_degree).",
        json_schema_extra={"allowed": "> 0, <= n - 1"},
    )

    @model_validator(mode="after")
    def _one_density(self) -> ErdosRenyiNetwork:
        if self.p is None and self.mean_degree is None:
            raise fail("required key missing (give p or mean_degree)", "p", kind="missing")
        if self.p is not None and self.mean_degree is not None:
            raise fail("cannot be given together with network.p (choose one)", "mean_degree")
        if self.mean_degree is not None and self.mean_degree > self.n - 1:
            raise fail(
                f"must be <= n - 1 ({self.n - 1}), got {show(self.mean_degree)}", "mean_degree"
            )
        return self


class BarabasiAlbertNetwork(GeneratorSpec):
    """Barabási–Albert preferential attachment: each new node links to m existing ones."""

    generator: Literal["barabasi_albert"] = Field(description="`barabasi_albert`.")
    n: PositiveInt = _N
    m: PositiveInt = Field(
        description="Links each new node makes.", json_schema_extra={"allowed": ">= 1, < n"}
    )

    @model_validator(mode="after")
    def _m_below_n(self) -> BarabasiAlbertNetwork:
        if self.m >= self.n:
            raise fail(f"must be < n ({self.n}), got {self.m}", "m")
        return self


def _even_below_n(k: int, n: int, key: str) -> None:
    if k % 2:
        raise fail(f"must be even (k/2 neighbours on each side), got {k}", key)
    if k >= n:
        raise fail(f"must be < n ({n}), got {k}", key)


class WattsStrogatzNetwork(GeneratorSpec):
    """Watts–Strogatz small world: a ring lattice with each edge rewired with probability p."""

    generator: Literal["watts_strogatz"] = Field(description="`watts_strogatz`.")
    n: PositiveInt = _N
    k: int = Field(
        ge=2,
        description="Neighbours per node in the ring (k/2 on each side).",
        json_schema_extra={"allowed": "even, >= 2, < n"},
    )
    p: Probability = Field(description="Probability of rewiring each edge.")

    @model_validator(mode="after")
    def _k_even(self) -> WattsStrogatzNetwork:
        _even_below_n(self.k, self.n, "k")
        return self


class RandomRegularNetwork(GeneratorSpec):
    """Random d-regular graph: every node has degree d (n * d even)."""

    generator: Literal["random_regular"] = Field(description="`random_regular`.")
    n: PositiveInt = _N
    d: NonNegativeInt = Field(
        description="Degree of every node.", json_schema_extra={"allowed": ">= 0, < n, n * d even"}
    )

    @model_validator(mode="after")
    def _d_fits(self) -> RandomRegularNetwork:
        if self.d >= self.n:
            raise fail(f"must be < n ({self.n}), got {self.d}", "d")
        if (self.n * self.d) % 2:
            raise fail(f"n * d must be even, got n = {self.n}, d = {self.d}", "d")
        return self


class RingLatticeNetwork(GeneratorSpec):
    """Ring lattice: each node linked to its k nearest neighbours (k/2 on each side)."""

    generator: Literal["ring_lattice"] = Field(description="`ring_lattice`.")
    n: PositiveInt = _N
    k: int = Field(
        ge=2,
        description="Neighbours per node (k/2 on each side).",
        json_schema_extra={"allowed": "even, >= 2, < n"},
    )

    @model_validator(mode="after")
    def _k_even(self) -> RingLatticeNetwork:
        _even_below_n(self.k, self.n, "k")
        return self


class PlantedPartitionNetwork(GeneratorSpec):
    """Planted partition: equal groups, dense inside (p_in), sparse between (p_out)."""

    generator: Literal["planted_partition"] = Field(description="`planted_partition`.")
    groups: PositiveInt = Field(description="Number of groups.")
    group_size: PositiveInt = Field(description="Nodes per group.")
    p_in: Probability = Field(description="Link probability within a group.")
    p_out: Probability = Field(description="Link probability between groups.")


class StochasticBlockNetwork(GeneratorSpec):
    """Stochastic block model: blocks of given sizes, link probabilities per block pair."""

    generator: Literal["stochastic_block"] = Field(description="`stochastic_block`.")
    sizes: list[PositiveInt] = Field(min_length=1, description="Size of each block (>= 1 each).")
    p: list[list[Probability]] = Field(
        description="Square symmetric matrix (a list of rows, one per block) of link "
        "probabilities in [0, 1] between blocks."
    )

    @model_validator(mode="after")
    def _square_symmetric(self) -> StochasticBlockNetwork:
        b = len(self.sizes)
        if len(self.p) != b:
            raise fail(f"must have {b} rows (one per block), got {len(self.p)}", "p")
        for i, row in enumerate(self.p):
            if len(row) != b:
                raise fail(f"must have {b} entries (one per block), got {len(row)}", "p", i)
        for i in range(b):
            for j in range(i):
                if self.p[i][j] != self.p[j][i]:
                    raise fail(
                        f"must be symmetric: p[{i}][{j}] = {show(self.p[i][j])} but "
                        f"p[{j}][{i}] = {show(self.p[j][i])}",
                        "p",
                        i,
                        j,
                    )
        return self


class LFRNetwork(GeneratorSpec):
    """LFR benchmark: power-law degrees and community sizes, a fraction mu of links between."""

    alternatives: ClassVar[tuple[tuple[str, ...], ...]] = (("average_degree",), ("min_degree",))

    generator: Literal["lfr"] = Field(description="`lfr`.")
    n: PositiveInt = _N
    tau1: float = Field(gt=1, description="Power-law exponent of the degree distribution.")
    tau2: float = Field(gt=1, description="Power-law exponent of the community sizes.")
    mu: Probability = Field(description="Fraction of each node's links that leave its community.")
    average_degree: float | None = Field(
        None, gt=0, description="Mean degree (exactly one of average_degree, min_degree)."
    )
    min_degree: PositiveInt | None = Field(
        None, description="Smallest degree (exactly one of average_degree, min_degree)."
    )
    max_degree: PositiveInt | None = Field(
        None,
        description="Largest degree; default n - 1.",
        json_schema_extra={"allowed": ">= 1, < n"},
    )
    min_community: PositiveInt | None = Field(
        None,
        description="Smallest community size; default the smallest sampled degree (as networkx).",
        json_schema_extra={"allowed": ">= 1, <= n"},
    )
    max_community: PositiveInt | None = Field(
        None,
        description="Largest community size; default the largest sampled degree (as networkx).",
        json_schema_extra={"allowed": "min_community..n"},
    )
    max_iters: PositiveInt = Field(500, description="Attempts networkx makes before giving up.")

    @model_validator(mode="after")
    def _consistent(self) -> LFRNetwork:
        if self.average_degree is None and self.min_degree is None:
            raise fail(
                "required key missing (give average_degree or min_degree)",
                "average_degree",
                kind="missing",
            )
        if self.average_degree is not None and self.min_degree is not None:
            raise fail(
                "cannot be given together with network.average_degree (choose one)", "min_degree"
            )
        top = self.n - 1 if self.max_degree is None else self.max_degree
        if self.max_degree is not None and self.max_degree >= self.n:
            raise fail(f"must be < n ({self.n}), got {self.max_degree}", "max_degree")
        if self.average_degree is not None and self.average_degree > top:
            raise fail(
                f"must be <= max_degree ({top}), got {show(self.average_degree)}", "average_degree"
            )
        if self.min_degree is not None and self.min_degree > top:
            raise fail(f"must be <= max_degree ({top}), got {self.min_degree}", "min_degree")
        if self.min_community is not None and self.min_community > self.n:
            raise fail(f"must be <= n ({self.n}), got {self.min_community}", "min_community")
        if self.max_community is not None:
            lo = self.min_community or 1
            if not lo <= self.max_community <= self.n:
                raise fail(
                    f"must be in [{lo}, {self.n}] (min_community..n), got {self.max_community}",
                    "max_community",
                )
        return self


class PowerlawClusterNetwork(GeneratorSpec):
    """Holme–Kim power-law graph with clustering: BA plus a triangle step with probability p."""

    generator: Literal["powerlaw_cluster"] = Field(description="`powerlaw_cluster`.")
    n: PositiveInt = _N
    m: PositiveInt = Field(
        description="Links each new node makes.", json_schema_extra={"allowed": ">= 1, < n"}
    )
    p: Probability = Field(description="Probability of closing a triangle after each link.")

    @model_validator(mode="after")
    def _m_below_n(self) -> PowerlawClusterNetwork:
        if self.m >= self.n:
            raise fail(f"must be < n ({self.n}), got {self.m}", "m")
        return self


#: Bundled datasets by canonical name, with what they are.
DATASETS: dict[str, str] = {
    "email-eu-core": "E-mails within a European research institution (SNAP), 1,005 people.",
    "facebook": "Facebook ego networks (SNAP ego-Facebook), 4,039 people.",
    "ca-grqc": "Co-authorships in General Relativity on arXiv (SNAP ca-GrQc), 5,242 authors.",
    "football": "American college football games, fall 2000 (Girvan & Newman), 115 teams.",
    "polbooks": "Co-purchased books on US politics (Krebs), 105 books.",
    "karate": "Zachary's karate club, 34 members.",
}


class DatasetNetwork(NetworkSpec):
    """A bundled real network, by name.

    Examples:
        >>> DatasetNetwork(dataset="Email_EU_core")
        DatasetNetwork(dataset='email-eu-core', directed=False)
        >>> from sim.scenario import load_scenario
        >>> load_scenario({"name": "x", "network": {"dataset": "karat"},
        ...     "model": {"name": "ic", "p": 0.1}, "seeding": {"k": 1}})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        sim.scenario.load.ScenarioError: network.dataset: must be one of email-eu-core, ...
    """

    kind: ClassVar[str] = "dataset"

    dataset: str = Field(
        description="Name of a bundled network (case-insensitive, `_` or `-` alike).",
        json_schema_extra={"allowed": "see the datasets table"},
    )
    directed: bool = Field(False, description="Keep edge directions (false: undirected).")

    @field_validator("dataset")
    @classmethod
    def _known(cls, value: str) -> str:
        key = _canonical(value, DATASETS, sep="-")
        if key is None:
            raise fail(_one_of(DATASETS, value))
        return key


#: File-name extensions the network reader maps to each format (also with ``.gz``);
#: mirrors ``sim.network.io`` (which is not imported here: it pulls in numpy).
_FORMAT_EXTENSIONS = {
    "edgelist": (".txt", ".csv", ".tsv", ".edges", ".el"),
    "gml": (".gml",),
    "graphml": (".graphml",),
}
_EDGELIST_ONLY = ("delimiter", "weighted", "directed")


class FileNetwork(NetworkSpec):
    """A network read from a file (edge list, GML or GraphML).

    The way to run a scenario on your own graph: write it to a file (for a networkx
    graph with attributes, ``networkx.write_graphml``) and name the file here.

    Examples:
        >>> FileNetwork(file="data/edges.csv.gz").resolved_format()
        'edgelist'
        >>> from sim.scenario import load_scenario
        >>> load_scenario({"name": "x", "network": {"file": "friends.dat"},
        ...     "model": {"name": "ic", "p": 0.1}, "seeding": {"k": 1}})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        sim.scenario.load.ScenarioError: network.file: cannot tell the format from the file ...
    """

    kind: ClassVar[str] = "file"

    file: str = Field(
        min_length=1,
        description="Path of the file, relative to the scenario file's folder (or absolute); "
        "`.gz` is read transparently.",
    )
    format: Literal["auto", "edgelist", "gml", "graphml"] = Field(
        "auto",
        description="`auto` picks by extension: .txt .csv .tsv .edges .el = edgelist, "
        ".gml = gml, .graphml = graphml.",
    )
    delimiter: str | None = Field(
        None, min_length=1, description="Edge lists only: column separator; default any whitespace."
    )
    weighted: bool | None = Field(
        None,
        description="Edge lists only: read a third column as edge weight; default: if present.",
    )
    directed: bool | None = Field(
        None,
        description="Edge lists only: keep edge directions; default false (GML/GraphML: "
        "as the file says).",
    )

    def resolved_format(self) -> str | None:
        """The reader the file will go to: ``format``, or by extension when ``auto``.

        Returns:
            ``"edgelist"``, ``"gml"``, ``"graphml"``, or ``None`` if the extension is
            not recognised.

        Examples:
            >>> FileNetwork(file="friends.graphml").resolved_format()
            'graphml'
            >>> FileNetwork(file="friends.dat", format="gml").resolved_format()
            'gml'
        """
        if self.format != "auto":
            return self.format
        name = self.file.lower()
        if name.endswith(".gz"):
            name = name[:-3]
        for fmt, exts in _FORMAT_EXTENSIONS.items():
            if name.endswith(exts):
                return fmt
        return None

    @model_validator(mode="after")
    def _options_fit_format(self) -> FileNetwork:
        fmt = self.resolved_format()
        if fmt is None:
            exts = " ".join(e for es in _FORMAT_EXTENSIONS.values() for e in es)
            raise fail(
                f"cannot tell the format from the file name {self.file!r} (known: {exts}, "
                "optionally .gz); set network.format to edgelist, gml or graphml",
                "file",
            )
        if fmt != "edgelist":
            for key in _EDGELIST_ONLY:
                if getattr(self, key) is not None:
                    raise fail(
                        f"applies only to edge lists (this file is read as {fmt})",
                        key,
                        kind="unknown",
                    )
        return self


#: Generators by name.
GENERATOR_TYPES: dict[str, type[GeneratorSpec]] = {
    typing.get_args(cls.model_fields["generator"].annotation)[0]: cls
    for cls in (
        CompleteNetwork,
        ErdosRenyiNetwork,
        BarabasiAlbertNetwork,
        WattsStrogatzNetwork,
        RandomRegularNetwork,
        RingLatticeNetwork,
        PlantedPartitionNetwork,
        StochasticBlockNetwork,
        LFRNetwork,
        PowerlawClusterNetwork,
    )
}
#: The keys that choose a kind of network; exactly one must be given.
NETWORK_KINDS: tuple[str, ...] = ("generator", "dataset", "file")


def _network_tag(value: Any) -> str | None:
    if isinstance(value, GeneratorSpec):
        return value.generator
    if isinstance(value, NetworkSpec):
        return value.kind
    if isinstance(value, dict):
        if "generator" in value:
            return value["generator"] if isinstance(value["generator"], str) else None
        for kind in ("dataset", "file"):
            if kind in value:
                return kind
    return None


def _check_network(value: Any) -> Any:
    """Before the union: exactly one kind key, a known generator (canonical spelling)."""
    if isinstance(value, NetworkSpec) or value is None:
        return value
    if not isinstance(value, dict):
        raise fail(f"must be a table, got {show(value)}")
    kinds = [k for k in NETWORK_KINDS if k in value]
    if not kinds:
        raise fail("required key missing (give one of generator, dataset, file)", kind="missing")
    if len(kinds) > 1:
        raise fail(f"cannot be given together with network.{kinds[0]} (choose one)", kinds[1])
    if kinds[0] == "generator":
        name = _canonical(value["generator"], GENERATOR_TYPES)
        if name is None:
            raise fail(_one_of(GENERATOR_TYPES, value["generator"]), "generator")
        return {**value, "generator": name}
    return value


_NETWORK_MEMBERS = tuple(
    Annotated[cls, Tag(name)]
    for name, cls in (*GENERATOR_TYPES.items(), ("dataset", DatasetNetwork), ("file", FileNetwork))
)
NetworkUnion = Annotated[
    Annotated[typing.Union[_NETWORK_MEMBERS], Discriminator(_network_tag)],  # noqa: UP007
    BeforeValidator(_check_network),
]


# --------------------------------------------------------------------------- models
class ModelSpec(Section):
    """Base of the ``[model]`` variants, chosen by ``name``.

    Attributes:
        uses_network: The model runs on a network (``[network]`` required, else refused).
        uses_seeding: The model starts from seed nodes (``[seeding]`` allowed).
        needs_seeds: At least one seed is required (else ``k = 0`` / no seeding is fine).
        needs_steps: ``steps`` must be given (the model never stops on its own).
        sections: The top-level tables of :data:`WOM_SECTIONS` the model reads (filled
            in with their defaults when absent; refused for the other models).
        start_hint: What to use instead of ``[seeding]`` when ``uses_seeding`` is false.

    Examples:
        >>> ic = MODEL_TYPES["ic"].model_validate({"name": "ic", "p": 0.1})
        >>> isinstance(ic, ModelSpec), ic.p, ic.uses_network, ic.needs_steps
        (True, 0.1, True, False)
        >>> MODEL_TYPES["bass_mean_field"].uses_network
        False
    """

    uses_network: ClassVar[bool] = True
    uses_seeding: ClassVar[bool] = True
    needs_seeds: ClassVar[bool] = True
    needs_steps: ClassVar[bool] = False
    sections: ClassVar[tuple[str, ...]] = ()
    start_hint: ClassVar[str] = "use model.initial"

    name: str = Field(description="The model.")


class ICModel(ModelSpec):
    """Independent cascade: each new adopter gets one chance to convert each neighbour."""

    name: Literal["ic"] = Field(description="`ic`.")
    p: Probability | AttributeName = Field(
        description="Probability that a new adopter converts a neighbour (one chance per edge); "
        "or the name of an edge attribute holding one probability per edge.",
        json_schema_extra={"allowed": "in [0, 1], or an edge attribute name"},
    )


class SIModel(ModelSpec):
    """Susceptible-infected: every step, each adopter converts each neighbour with prob. beta."""

    name: Literal["si"] = Field(description="`si`.")
    beta: Probability = Field(description="Transmission probability per edge per step.")


class SIRModel(ModelSpec):
    """Susceptible-infected-recovered: like SI, and adopters stop spreading with prob. gamma."""

    name: Literal["sir"] = Field(description="`sir`.")
    beta: Probability = Field(description="Transmission probability per edge per step.")
    gamma: Probability = Field(description="Probability per step that a spreader recovers.")


class LTModel(ModelSpec):
    """Linear threshold: a node adopts when the weight of its adopting in-neighbours
    reaches its uniform random threshold."""

    name: Literal["lt"] = Field(description="`lt`.")
    weights: AttributeName | None = Field(
        None,
        description="Edge attribute holding the influence weights; default 1 / in-degree.",
    )


class ThresholdModel(ModelSpec):
    """Deterministic threshold (Watts / absolute): adopt once enough neighbours have."""

    alternatives: ClassVar[tuple[tuple[str, ...], ...]] = (("phi",), ("theta",))

    name: Literal["threshold"] = Field(description="`threshold`.")
    phi: Probability | None = Field(
        None,
        description="Fraction of neighbours that must have adopted (exactly one of phi, theta).",
    )
    theta: PositiveInt | None = Field(
        None, description="Number of neighbours that must have adopted (exactly one of phi, theta)."
    )

    @model_validator(mode="after")
    def _one_threshold(self) -> ThresholdModel:
        if self.phi is None and self.theta is None:
            raise fail("required key missing (give phi or theta)", "phi", kind="missing")
        if self.phi is not None and self.theta is not None:
            raise fail("cannot be given together with model.phi (choose one)", "theta")
        return self


class BassModel(ModelSpec):
    """Bass diffusion on a network: adopt by external influence p or from adopting neighbours q."""

    needs_seeds: ClassVar[bool] = False
    needs_steps: ClassVar[bool] = True

    name: Literal["bass"] = Field(description="`bass`.")
    p: Probability = Field(description="Innovation: probability per step of adopting unprompted.")
    q: Probability = Field(
        description="Imitation: probability per step and per adopting neighbour of adopting."
    )


class BassMeanFieldModel(ModelSpec):
    """Stochastic mean-field Bass model: a well-mixed market of n people, no network."""

    uses_network: ClassVar[bool] = False
    uses_seeding: ClassVar[bool] = False
    needs_seeds: ClassVar[bool] = False
    needs_steps: ClassVar[bool] = True

    name: Literal["bass_mean_field"] = Field(description="`bass_mean_field`.")
    p: Probability = Field(description="Coefficient of innovation (per unit of time).")
    q: Probability = Field(description="Coefficient of imitation (per unit of time).")
    n: PositiveInt = Field(description="Market size (people).")
    dt: float = Field(
        1.0,
        gt=0,
        le=1,
        description="Length of a step in units of time.",
        json_schema_extra={"allowed": "in (0, 1], (p + q) * dt <= 1"},
    )
    initial: NonNegativeInt = Field(
        0, description="Adopters at the start.", json_schema_extra={"allowed": "0..n"}
    )

    @model_validator(mode="after")
    def _rates_fit_step(self) -> BassMeanFieldModel:
        if (self.p + self.q) * self.dt > 1:
            raise fail(
                f"(p + q) * dt must be <= 1, got ({show(self.p)} + {show(self.q)}) * "
                f"{show(self.dt)} = {show((self.p + self.q) * self.dt)}",
                "dt",
            )
        if self.initial > self.n:
            raise fail(f"must be <= n ({self.n}), got {self.initial}", "initial")
        return self


#: The word-of-mouth marketing model's sections: top-level tables (``[people]``,
#: ``[community]``, ...) whose keys are the fields of :mod:`sim.model.params`, so that
#: other tools address them as ``first_pin.size``, ``community.cap``, ``budget.total``.
WOM_SECTIONS: dict[str, type[BaseModel]] = {
    "people": PeopleParams,
    "trust": TrustParams,
    "vendor": VendorParams,
    "influencer": InfluencerParams,
    "word_of_mouth": WordOfMouthParams,
    "first_pin": FirstPinParams,
    "community": CommunityParams,
    "churn": ChurnParams,
    "budget": BudgetParams,
}


class WomModel(ModelSpec):
    """The word-of-mouth marketing model: Sell-To (vendor, paid influencers) versus
    Sell-Through (word of mouth, a community with a first pin), one step per week.

    Its mechanisms are set in the top-level tables ``[people]``, ``[trust]``,
    ``[vendor]``, ``[influencer]``, ``[word_of_mouth]``, ``[first_pin]``,
    ``[community]``, ``[churn]`` and ``[budget]`` (every key has a default; see
    ``docs/model.md``); ``[model]`` holds only its name. ``steps`` are weeks.

    Examples:
        >>> from sim.scenario import load_scenario
        >>> sc = load_scenario({"name": "x", "steps": 52, "network": {"dataset": "karate"},
        ...     "model": {"name": "wom"}, "first_pin": {"size": 5}})
        >>> sc.model, sc.first_pin.size, sc.community.enabled  # defaults filled in
        (WomModel(name='wom'), 5, True)
        >>> WomModel.sections[:3], WomModel.needs_steps
        (('people', 'trust', 'vendor'), True)
    """

    uses_seeding: ClassVar[bool] = False
    needs_seeds: ClassVar[bool] = False
    needs_steps: ClassVar[bool] = True
    sections: ClassVar[tuple[str, ...]] = tuple(WOM_SECTIONS)
    start_hint: ClassVar[str] = "the first adopters are the community's [first_pin]"

    name: Literal["wom"] = Field(description="`wom`.")


_MODEL_CLASSES: tuple[type[ModelSpec], ...] = (
    ICModel,
    SIModel,
    SIRModel,
    LTModel,
    ThresholdModel,
    BassModel,
    BassMeanFieldModel,
    WomModel,
)
#: Models by name (the value of ``model.name``).
MODEL_TYPES: dict[str, type[ModelSpec]] = {
    typing.get_args(cls.model_fields["name"].annotation)[0]: cls for cls in _MODEL_CLASSES
}


def _model_tag(value: Any) -> str | None:
    if isinstance(value, ModelSpec):
        return value.name
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        return value["name"]
    return None


def _check_model(value: Any) -> Any:
    """Before the union: a table with a known ``name`` (canonical spelling)."""
    if isinstance(value, ModelSpec):
        return value
    if not isinstance(value, dict):
        raise fail(f"must be a table, got {show(value)}")
    if "name" not in value:
        raise fail(
            f"required key missing (the model: {', '.join(MODEL_TYPES)})", "name", kind="missing"
        )
    name = _canonical(value["name"], MODEL_TYPES)
    if name is None:
        raise fail(_one_of(MODEL_TYPES, value["name"]), "name")
    return {**value, "name": name}


ModelUnion = Annotated[
    Annotated[
        typing.Union[tuple(Annotated[cls, Tag(name)] for name, cls in MODEL_TYPES.items())],  # noqa: UP007
        Discriminator(_model_tag),
    ],
    BeforeValidator(_check_model),
]


# --------------------------------------------------------------------------- seeding
#: Seeding strategies by name, with what they do. Extend with
#: :func:`register_seeding_strategy`.
SEEDING_STRATEGIES: dict[str, str] = {
    "random": "k nodes drawn uniformly at random, afresh in each replicate.",
    "degree": "the k nodes of highest degree (ties by node order), the same in every replicate.",
}


def register_seeding_strategy(name: str, description: str) -> None:
    """Make a seeding strategy valid in ``seeding.strategy``.

    Args:
        name: The strategy's name (lower case, ``_`` between words).
        description: One line on what it picks, for the docs and messages.

    Raises:
        ValueError: If ``name`` is empty or not lower-case snake case.

    Examples:
        >>> register_seeding_strategy("degree", SEEDING_STRATEGIES["degree"])
    """
    if not name or name != name.strip().lower().replace("-", "_"):
        raise ValueError(f"strategy names are lower-case snake_case, got {name!r}")
    SEEDING_STRATEGIES[name] = description


NodeLabel = int | str


class Seeding(Section):
    """Who adopts at step 0: a list of nodes, or a number k of seeds and a strategy.

    Examples:
        >>> Seeding(k=3)
        Seeding(nodes=None, k=3, strategy='random')
        >>> Seeding(k=3).size, Seeding(nodes=["ann", "bob"]).size
        (3, 2)
        >>> from sim.scenario import load_scenario
        >>> load_scenario({"name": "x", "network": {"dataset": "karate"},  # doctest: +ELLIPSIS
        ...     "model": {"name": "ic", "p": 0.1}, "seeding": {"k": 3, "nodes": [1]}})
        Traceback (most recent call last):
        ...
        sim.scenario.load.ScenarioError: seeding.nodes: cannot be given together with seeding.k ...
    """

    alternatives: ClassVar[tuple[tuple[str, ...], ...]] = (("nodes",), ("k", "strategy"))

    nodes: list[NodeLabel] | None = Field(
        None,
        description="The seed nodes, by label (integers or strings as in the network), the "
        "same in every replicate. Exclusive with k.",
    )
    k: NonNegativeInt | None = Field(
        None,
        description="Number of seeds picked by `strategy`. Exclusive with nodes.",
        json_schema_extra={"allowed": ">= 1 (0 allowed for the bass models)"},
    )
    strategy: str | None = Field(
        None,
        description="How the k seeds are picked; resolved to `random` when k is given "
        "without it. Only with k.",
        json_schema_extra={"allowed": "see the strategies table"},
    )

    @model_validator(mode="after")
    def _one_way(self) -> Seeding:
        if self.nodes is not None:
            if self.k is not None:
                raise fail("cannot be given together with seeding.k (choose one)", "nodes")
            if self.strategy is not None:
                raise fail("applies only with k (nodes are the seeds)", "strategy", kind="unknown")
            seen: dict[Any, int] = {}
            for i, node in enumerate(self.nodes):
                key = (type(node), node)
                if key in seen:
                    raise fail(
                        f"duplicated node {show(node)} (also nodes[{seen[key]}])", "nodes", i
                    )
                seen[key] = i
            return self
        if self.k is None:
            raise fail(
                "required key missing (give k, a number of seeds, or nodes, a list)",
                "k",
                kind="missing",
            )
        if self.strategy is None:
            self.strategy = "random"
        else:
            name = _canonical(self.strategy, SEEDING_STRATEGIES)
            if name is None:
                raise fail(_one_of(SEEDING_STRATEGIES, self.strategy), "strategy")
            self.strategy = name
        return self

    @property
    def size(self) -> int:
        """The number of seeds (``len(nodes)`` or ``k``); see the class's examples."""
        return len(self.nodes) if self.nodes is not None else int(self.k or 0)


# --------------------------------------------------------------------------- outputs
class Outputs(Section):
    """What a run keeps and draws.

    Examples:
        >>> Outputs()
        Outputs(timeseries=True, report=True, band=0.9, people=True)
        >>> Outputs(people=False).people
        False
    """

    timeseries: bool = Field(True, description="Keep the per-step time series of every replicate.")
    report: bool = Field(True, description="Write report.html next to the results.")
    band: float = Field(
        0.9,
        gt=0,
        lt=1,
        description="Width of the central band drawn around the median in figures "
        "(0.9: from the 5th to the 95th percentile).",
    )
    people: bool = Field(
        True,
        description="Model `wom`: keep every person's outcome in every replicate "
        "(people.parquet: adoption week, channel, referrer, chain depth, membership); "
        "people x replicates x arms rows, so turn it off for very large networks.",
    )


# --------------------------------------------------------------------------- sweep
#: Experimental designs a ``[sweep]`` may use, with what they sample.
SWEEP_DESIGNS: dict[str, str] = {
    "grid": "every combination of the values (a range gets `samples` evenly spaced levels).",
    "random": "`samples` points drawn uniformly at random.",
    "lhs": "`samples` points of a Latin hypercube (each range cut into `samples` strata).",
    "sobol": "Saltelli's scheme for Sobol indices: `samples` (a power of 2) x (parameters + 2) "
    "points.",
    "morris": "`samples` Morris trajectories of (parameters + 1) points on a `levels` grid.",
}

SweepValues = Annotated[list[Any], Field(min_length=1)]
SweepRange = Annotated[list[int | float], Field(min_length=2, max_length=2)]


class Sweep(Section):
    """A parameter sweep over dotted scenario keys, read by wom sweep (wom run ignores it).

    ``wom sweep`` options (``--design``, ``--set``, ``--range``...) override these keys
    one by one; see ``docs/sweeps.md``.

    Examples:
        >>> sw = Sweep.model_validate({"design": "lhs", "samples": 32,
        ...                            "range": {"model.p": [0.01, 0.2]}})
        >>> sw.design, sw.samples, sw.range, sw.executor
        ('lhs', 32, {'model.p': [0.01, 0.2]}, 'local')
        >>> from sim.scenario import load_scenario
        >>> load_scenario({"name": "x", "network": {"dataset": "karate"},
        ...     "model": {"name": "ic", "p": 0.1}, "seeding": {"k": 1},
        ...     "sweep": {"range": {"model.p": [0.3, 0.1]}}})
        Traceback (most recent call last):
        ...
        sim.scenario.load.ScenarioError: sweep.range."model.p": low must be < high, got [0.3, 0.1]
    """

    design: Literal["grid", "random", "lhs", "sobol", "morris"] = Field(
        "grid", description="How points are chosen (see the designs table)."
    )
    samples: PositiveInt | None = Field(
        None,
        description="Levels per range (grid), points (random, lhs), base samples (sobol) or "
        "trajectories (morris); default: grid 5, random, lhs and sobol 64, morris 10.",
    )
    levels: int = Field(
        4, ge=2, description="Morris only: number of levels of each parameter's grid."
    )
    seed: NonNegativeInt | None = Field(
        None,
        description="Master seed of the sweep (design and runs); default: the scenario's `seed`.",
    )
    common_random_numbers: bool = Field(
        True,
        description="Every point uses the same random streams (replicate r of every point "
        "draws from stream r): differences between points are not noise between runs.",
    )
    timeseries: bool = Field(
        False, description="Also keep the per-step time series of every run (larger folders)."
    )
    set: dict[str, SweepValues] = Field(
        default_factory=dict,
        description='Values to sweep, by dotted key: `"model.q" = [0.0, 0.05, 0.1]` '
        "(numbers, strings, booleans or lists).",
    )
    range: dict[str, SweepRange] = Field(
        default_factory=dict,
        description='Ranges to sweep, by dotted key: `"model.p" = [0.01, 0.2]` (low < high; '
        "integer keys stay integers).",
    )
    executor: Literal["local", "dask"] = Field(
        "local",
        description="`local`: processes on this machine; `dask`: a Dask cluster (`scheduler`, "
        "or a local one).",
    )
    workers: PositiveInt | None = Field(
        None, description="Worker processes (local, or a local Dask cluster); default: all cores."
    )
    scheduler: str | None = Field(
        None,
        min_length=1,
        description="Address of a running Dask scheduler (`tcp://host:8786`); implies `dask`.",
    )

    @field_validator("range")
    @classmethod
    def _low_below_high(cls, value: dict[str, list[int | float]]) -> dict[str, list[int | float]]:
        for key, (low, high) in value.items():
            if not low < high:
                raise fail(
                    f"low must be < high, got [{show(low)}, {show(high)}]", key, kind="value"
                )
        return value

    @model_validator(mode="after")
    def _each_key_once(self) -> Sweep:
        for key in self.set:
            if key in self.range:
                raise fail("given in both sweep.set and sweep.range (choose one)", "range", key)
        return self


# --------------------------------------------------------------------------- arms
#: Sections an arm may override (deep-merged over the base).
ARM_SECTIONS: tuple[str, ...] = ("network", "model", "seeding", *WOM_SECTIONS)
_SHARED_KEYS = ("seed", "replicates", "outputs", "arms")


def _arm_wom_table(section: str) -> Any:
    return Field(
        None,
        description=f"Model `wom`: keys merged over the base `[{section}]` "
        f"(`{section}.<key> = ...`).",
    )


class Arm(Section):
    """A named variant of the scenario; its sections are deep-merged over the base's.

    Examples:
        >>> arm = Arm(name="hot", model={"p": 0.5})
        >>> merge_arm({"name": "x", "model": {"name": "ic", "p": 0.1}}, arm)["model"]
        {'name': 'ic', 'p': 0.5}
        >>> from sim.scenario import load_scenario
        >>> load_scenario({"name": "x", "network": {"dataset": "karate"},
        ...     "model": {"name": "ic", "p": 0.1}, "seeding": {"k": 1},
        ...     "arms": [{"name": "a", "seed": 3}]})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        sim.scenario.load.ScenarioError: arms[0].seed: cannot be set in an arm: all arms share ...
    """

    name: str = Field(min_length=1, description="Arm name, unique within the scenario.")
    description: str = Field("", description="What the arm tests; default: the base description.")
    steps: NonNegativeInt | None = Field(None, description="Overrides the base `steps`.")
    network: dict[str, Any] | None = Field(
        None,
        description="Keys merged over the base `[network]` (another generator, dataset or "
        "file replaces it).",
    )
    model: dict[str, Any] | None = Field(
        None, description="Keys merged over the base `[model]` (a different `name` replaces it)."
    )
    seeding: dict[str, Any] | None = Field(
        None,
        description="Keys merged over the base `[seeding]` (nodes replace k and strategy, "
        "and vice versa).",
    )
    people: dict[str, Any] | None = _arm_wom_table("people")
    trust: dict[str, Any] | None = _arm_wom_table("trust")
    vendor: dict[str, Any] | None = _arm_wom_table("vendor")
    influencer: dict[str, Any] | None = _arm_wom_table("influencer")
    word_of_mouth: dict[str, Any] | None = _arm_wom_table("word_of_mouth")
    first_pin: dict[str, Any] | None = _arm_wom_table("first_pin")
    community: dict[str, Any] | None = _arm_wom_table("community")
    churn: dict[str, Any] | None = _arm_wom_table("churn")
    budget: dict[str, Any] | None = _arm_wom_table("budget")

    @model_validator(mode="before")
    @classmethod
    def _no_shared_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key in _SHARED_KEYS:
                if key in data:
                    raise fail(
                        "cannot be set in an arm: all arms share the base scenario's seed, "
                        "replicates and outputs",
                        key,
                        kind="unknown",
                    )
        return data

    @field_validator("name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise fail(f"must not be blank, got {show(value)}")
        return value


_MISSING = object()


def _get(data: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        in_table = isinstance(data, dict) and isinstance(part, str) and part in data
        in_list = isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        if not (in_table or in_list):
            return _MISSING
        data = data[part]
    return data


def _deep_merge(base: dict[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in patch.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _section_tag(section: str, data: Mapping[str, Any]) -> Any:
    if section == "model":
        return _canonical(data.get("name"), MODEL_TYPES) if "name" in data else None
    if section == "network":
        for kind in NETWORK_KINDS:
            if kind in data:
                if kind == "generator":
                    return (kind, _canonical(data[kind], GENERATOR_TYPES) or data[kind])
                return kind
    return None


def _section_class(section: str, data: Mapping[str, Any]) -> type[Section] | None:
    if section == "model":
        return MODEL_TYPES.get(_section_tag(section, data))
    if section == "network":
        tag = _section_tag(section, data)
        if isinstance(tag, tuple):
            return GENERATOR_TYPES.get(tag[1])
        return {"dataset": DatasetNetwork, "file": FileNetwork}.get(tag)
    return Seeding if section == "seeding" else None


def _merge_section(section: str, base: Any, patch: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(base, dict):
        return copy.deepcopy(dict(patch))
    tag = _section_tag(section, patch)
    if tag is not None and tag != _section_tag(section, base):
        return copy.deepcopy(dict(patch))
    out = copy.deepcopy(base)
    cls = _section_class(section, base)
    for group in cls.alternatives if cls is not None else ():
        if any(k in patch for k in group):
            for other in cls.alternatives:
                if other is not group:
                    for k in other:
                        out.pop(k, None)
    return _deep_merge(out, patch)


def merge_arm(base: Mapping[str, Any], arm: Arm) -> dict[str, Any]:
    """The scenario dict of one arm: its sections deep-merged over the base's.

    Rules: a table in the arm is merged key by key into the base's table (lists and
    values are replaced); an arm section naming another model (``model.name``) or
    another kind of network (``generator``/``dataset``/``file``, or another
    generator) replaces the base's section; setting a key of a group of exclusive
    keys (``seeding.nodes`` vs ``k``/``strategy``, ``model.phi`` vs ``theta``,
    ``network.p`` vs ``mean_degree``, ...) drops the base's keys of the other group;
    sections the merged model does not use (``network`` and ``seeding`` for
    ``bass_mean_field``, ``seeding`` for ``wom``, the ``wom`` sections for the other
    models) are dropped unless the arm gives them.

    Args:
        base: The base scenario as a dict (e.g. :meth:`Scenario.to_dict`).
        arm: The arm.

    Returns:
        A new dict, with ``arms = []``, ready for validation.

    Examples:
        >>> base = {"name": "x", "model": {"name": "threshold", "phi": 0.2}}
        >>> merge_arm(base, Arm(name="a", model={"theta": 2}))["model"]
        {'name': 'threshold', 'theta': 2}
    """
    merged = copy.deepcopy(dict(base))
    merged["arms"] = []
    if arm.description:
        merged["description"] = arm.description
    if arm.steps is not None:
        merged["steps"] = arm.steps
    for section in ARM_SECTIONS:
        patch = getattr(arm, section)
        if patch is not None:
            merged[section] = _merge_section(section, merged.get(section), patch)
    model = merged.get("model")
    cls = MODEL_TYPES.get(_section_tag("model", model)) if isinstance(model, dict) else None
    if cls is not None:
        if not cls.uses_network and arm.network is None:
            merged.pop("network", None)
        if not cls.uses_seeding and arm.seeding is None:
            merged.pop("seeding", None)
        for section in WOM_SECTIONS:
            if section not in cls.sections and getattr(arm, section) is None:
                merged.pop(section, None)
    return merged


# --------------------------------------------------------------------------- scenario
def _check_name(value: str) -> str:
    if not value or not set(value) <= _NAME_CHARS:
        raise fail(f"must be letters, digits, '_', '.' or '-' only, got {show(value)}")
    return value


class Scenario(Section):
    """A whole scenario: top-level keys and one field per section.

    Build one with :func:`sim.scenario.load_scenario` (which adds file positions to
    errors); ``Scenario.model_validate(dict)`` also works, raising pydantic's error.

    Examples:
        >>> sc = Scenario.model_validate({"name": "demo", "network": {"dataset": "karate"},
        ...     "model": {"name": "ic", "p": 0.1}, "seeding": {"k": 2}})
        >>> sc.replicates, sc.seeding.strategy, [name for name, _ in sc.arm_scenarios()]
        (20, 'random', ['base'])

        Read from a file, relative paths are relative to the file's folder:

        >>> import tempfile
        >>> from pathlib import Path
        >>> from sim.scenario import load_scenario
        >>> folder = Path(tempfile.mkdtemp())
        >>> _ = (folder / "edges.txt").write_text("ann bob\\nbob cy\\n")
        >>> _ = (folder / "s.toml").write_text('''name = "demo"
        ... [network]
        ... file = "edges.txt"
        ... [model]
        ... name = "ic"
        ... p = 0.1
        ... [seeding]
        ... k = 1
        ... ''')
        >>> sc = load_scenario(folder / "s.toml")
        >>> sc.source_path == folder / "s.toml", sc.base_dir == folder
        (True, True)
        >>> sc.network_file == folder / "edges.txt"
        True
    """

    name: Annotated[str, AfterValidator(_check_name)] = Field(
        description="Scenario name (used in result folders and reports).",
        json_schema_extra={"allowed": "letters, digits, `_`, `.`, `-`"},
    )
    description: str = Field("", description="Free text shown in reports.")
    seed: NonNegativeInt = Field(
        1, description="Master seed; every random draw of the run derives from it."
    )
    replicates: PositiveInt = Field(20, description="Independent runs per arm.")
    steps: NonNegativeInt | None = Field(
        None,
        description="Horizon in steps; absent: run until nothing changes (not allowed for "
        "bass, bass_mean_field and wom). For wom a step is one week.",
    )
    network: NetworkUnion | None = Field(
        None, description="The network; absent only for bass_mean_field."
    )
    model: ModelUnion = Field(description="The diffusion model.")
    seeding: Seeding | None = Field(
        None,
        description="Initial adopters; absent only for the bass models (refused for wom: "
        "see [first_pin]).",
    )
    people: PeopleParams | None = Field(
        None, description="Model `wom`: enthusiasm, susceptibility, interest axis, person table."
    )
    trust: TrustParams | None = Field(None, description="Model `wom`: tie strength.")
    vendor: VendorParams | None = Field(
        None, description="Model `wom`: vendor direct marketing (Sell-To)."
    )
    influencer: InfluencerParams | None = Field(None, description="Model `wom`: paid influencers.")
    word_of_mouth: WordOfMouthParams | None = Field(
        None, description="Model `wom`: peer talk by advocates (Sell-Through)."
    )
    first_pin: FirstPinParams | None = Field(
        None, description="Model `wom`: the community's first members."
    )
    community: CommunityParams | None = Field(
        None, description="Model `wom`: meetups, heat, invitations, admission, cap."
    )
    churn: ChurnParams | None = Field(None, description="Model `wom`: churn of adopters.")
    budget: BudgetParams | None = Field(
        None, description="Model `wom`: money, in total and per channel."
    )
    arms: list[Arm] = Field(
        default_factory=list, description="Variants compared against each other."
    )
    outputs: Outputs = Field(default_factory=Outputs, description="What a run keeps and draws.")
    sweep: Sweep | None = Field(
        None, description="A parameter sweep, for `wom sweep` (ignored by `wom run`)."
    )
    targets: dict[str, Any] | None = Field(
        None,
        description="Observed figures to calibrate against, for `wom calibrate` when no "
        "`--targets` file is given (ignored by run, compare and sweep): "
        "`output = {at = STEP, value = X}` or `output = {range = [LO, HI]}`; checked by "
        "`wom calibrate` (see docs/calibration.md).",
    )

    _source_path: Path | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _resolve(self) -> Scenario:
        model = type(self.model)
        name = self.model.name
        if self.network is None and model.uses_network:
            raise fail(
                f"required key missing (model '{name}' runs on a network: add [network])",
                "network",
                kind="missing",
            )
        if self.network is not None and not model.uses_network:
            raise fail(
                f"not used by model '{name}' (it has no network): remove it",
                "network",
                kind="unknown",
            )
        if self.steps is None and model.needs_steps:
            raise fail(
                f"required key missing (model '{name}' never stops by itself: give a number "
                "of steps)",
                "steps",
                kind="missing",
            )
        if not model.uses_seeding:
            if self.seeding is not None:
                raise fail(
                    f"not used by model '{name}' ({model.start_hint}): remove it",
                    "seeding",
                    kind="unknown",
                )
        elif self.seeding is None:
            if model.needs_seeds:
                raise fail(
                    f"required key missing (model '{name}' needs seeds: give seeding.k or "
                    "seeding.nodes)",
                    "seeding",
                    kind="missing",
                )
            self.seeding = Seeding(k=0)
        elif model.needs_seeds and self.seeding.size == 0:
            key = "nodes" if self.seeding.nodes is not None else "k"
            raise fail(
                f"must have at least one seed for model '{name}' (only the bass models may "
                f"start without), got {show(getattr(self.seeding, key))}",
                "seeding",
                key,
            )
        self._resolve_model_sections(model)
        if isinstance(self.network, GeneratorSpec) and self.network.seed is None:
            self.network = self.network.model_copy(update={"seed": self.seed})
        first: dict[str, int] = {}
        for i, arm in enumerate(self.arms):
            if arm.name in first:
                raise fail(
                    f"duplicated arm name {arm.name!r} (also arms[{first[arm.name]}])",
                    "arms",
                    i,
                    "name",
                )
            first[arm.name] = i
        return self

    def _resolve_model_sections(self, model: type[ModelSpec]) -> None:
        """The model's own top-level tables: defaults filled in, cross-checked; the
        tables of another model refused."""
        for section, cls in WOM_SECTIONS.items():
            if section in model.sections:
                if getattr(self, section) is None:
                    setattr(self, section, cls())
            elif getattr(self, section) is not None:
                users = [n for n, c in MODEL_TYPES.items() if section in c.sections]
                raise fail(
                    f"only used by model {', '.join(users)} (this scenario's model is "
                    f"'{self.model.name}'): remove it",
                    section,
                    kind="unknown",
                )
        if self.first_pin is not None and self.community is not None:
            problem = cap_problem(self.first_pin, self.community)
            if problem is not None:
                raise fail(problem, "community", "cap")

    @model_validator(mode="wrap")
    @classmethod
    def _validate_arms(cls, data: Any, handler: Any) -> Scenario:
        scenario = handler(data)
        if not scenario.arms:
            return scenario
        base = scenario.to_dict()
        problems: list[InitErrorDetails] = []
        for i, arm in enumerate(scenario.arms):
            try:
                cls.model_validate(merge_arm(base, arm))
            except PydanticValidationError as exc:
                written = arm.model_dump(exclude_none=True)
                for issue in issues_from(exc, cls):
                    value = _get(written, issue.path)
                    message = issue.message
                    if value is _MISSING:
                        message += f" (in arm {arm.name!r}, merged over the base scenario)"
                    problems.append(
                        InitErrorDetails(
                            type=fail(message, kind=issue.kind),
                            loc=("arms", i, *issue.path),
                            input=None if value is _MISSING else value,
                        )
                    )
        if problems:
            raise PydanticValidationError.from_exception_data(cls.__name__, problems)
        return scenario

    # -- public ------------------------------------------------------------------
    @property
    def source_path(self) -> Path | None:
        """The file the scenario was read from (absolute), or ``None``."""
        return self._source_path

    @property
    def base_dir(self) -> Path:
        """Folder that relative paths (``network.file``) are relative to: the scenario
        file's folder, or the current directory for a scenario not read from a file."""
        return self._source_path.parent if self._source_path is not None else Path.cwd()

    @property
    def network_file(self) -> Path | None:
        """The absolute path of ``network.file``, or ``None`` for other networks."""
        if isinstance(self.network, FileNetwork):
            return self.base_dir / self.network.file
        return None

    def to_dict(self) -> dict[str, Any]:
        """The resolved scenario as plain data (every default filled in).

        Keys whose value is absent (``None``: ``steps`` to run until nothing changes,
        an unset optional parameter) are left out, as in TOML. ``network.file`` is kept
        as written. ``source_path`` is not part of it.

        Returns:
            A dict that :func:`~sim.scenario.load_scenario` turns back into an equal
            scenario (given the same ``source_path``).

        Examples:
            >>> sc = Scenario.model_validate({"name": "demo", "network": {"dataset": "karate"},
            ...     "model": {"name": "ic", "p": 0.1}, "seeding": {"k": 2}})
            >>> data = sc.to_dict()
            >>> data["seeding"], "steps" in data
            ({'k': 2, 'strategy': 'random'}, False)
            >>> Scenario.model_validate(data) == sc
            True
        """
        return self.model_dump(mode="python", exclude_none=True)

    def to_toml(self) -> str:
        """The resolved scenario as TOML text (see :meth:`to_dict`).

        Returns:
            TOML that loads back into an equal scenario.

        Examples:
            >>> sc = Scenario.model_validate({"name": "bmf", "steps": 10,
            ...     "model": {"name": "bass_mean_field", "p": 0.03, "q": 0.38, "n": 1000}})
            >>> print(sc.to_toml().split("[outputs]")[0].strip())
            name = "bmf"
            description = ""
            seed = 1
            replicates = 20
            steps = 10
            arms = []
            <BLANKLINE>
            [model]
            name = "bass_mean_field"
            p = 0.03
            q = 0.38
            n = 1000
            dt = 1.0
            initial = 0
        """
        from sim.scenario.dump import dumps_toml

        return dumps_toml(self.to_dict())

    def arm_scenarios(self) -> list[tuple[str, Scenario]]:
        """One fully merged, validated scenario per arm.

        Returns:
            ``[(arm name, scenario with arms = [])]`` in file order, or
            ``[("base", self)]`` when there are no arms.

        Raises:
            sim.errors.ValidationError: If an arm does not merge into a valid scenario
                (only possible for a scenario changed after validation); the key is the
                arm's (``arms[1].model.p``).

        Examples:
            >>> sc = Scenario.model_validate({"name": "demo", "network": {"dataset": "karate"},
            ...     "model": {"name": "ic", "p": 0.1}, "seeding": {"k": 2},
            ...     "arms": [{"name": "low"}, {"name": "hot", "model": {"p": 0.5},
            ...               "seeding": {"nodes": [0, 33]}}]})
            >>> [(name, arm.model.p, arm.seeding.size, arm.arms) for name, arm in
            ...  sc.arm_scenarios()]
            [('low', 0.1, 2, []), ('hot', 0.5, 2, [])]
        """
        if not self.arms:
            return [("base", self)]
        base = self.to_dict()
        out = []
        for i, arm in enumerate(self.arms):
            try:
                scenario = type(self).model_validate(merge_arm(base, arm))
            except PydanticValidationError as exc:
                from sim.errors import ValidationError

                issue = issues_from(exc, type(self))[0]
                raise ValidationError(
                    issue.message, key=format_key(("arms", i, *issue.path))
                ) from None
            scenario._source_path = self._source_path
            out.append((arm.name, scenario))
        return out
