"""The key reference of ``docs/scenarios.md``, generated from the schema.

Every key's type, default, allowed values and meaning come from the pydantic models
(their ``Field`` descriptions and constraints), so the docs cannot drift from the
code: a test compares the marked block of ``docs/scenarios.md`` with
:func:`reference_markdown`. To refresh it after changing the schema::

    python -m sim.scenario.reference --write docs/scenarios.md
"""

from __future__ import annotations

import argparse
import inspect
import types
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from sim.scenario.dump import toml_value
from sim.scenario.issues import range_text
from sim.scenario.schema import (
    DATASETS,
    GENERATOR_TYPES,
    MODEL_TYPES,
    SEEDING_STRATEGIES,
    SWEEP_DESIGNS,
    WOM_SECTIONS,
    Arm,
    DatasetNetwork,
    FileNetwork,
    Outputs,
    Scenario,
    Seeding,
    Sweep,
)

__all__ = ["BEGIN", "END", "reference_markdown", "replace_block", "main"]

#: Markers around the generated block in ``docs/scenarios.md``.
BEGIN = "<!-- BEGIN GENERATED: python -m sim.scenario.reference --write docs/scenarios.md -->"
END = "<!-- END GENERATED -->"


def _strip(tp: Any, metadata: list[Any]) -> tuple[Any, bool]:
    """(type without Annotated/None, whether None was allowed)."""
    optional = False
    while True:
        if typing.get_origin(tp) is Annotated:
            tp, *extra = typing.get_args(tp)
            for m in extra:
                metadata.extend(m.metadata if isinstance(m, FieldInfo) else [m])
            continue
        if typing.get_origin(tp) in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) < len(typing.get_args(tp)):
                optional = True
            if len(args) == 1:
                tp = args[0]
                continue
        return tp, optional


def _type_text(tp: Any) -> str:
    tp, _ = _strip(tp, [])
    if typing.get_origin(tp) is Literal:
        return "string"
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return " or ".join(dict.fromkeys(_type_text(a) for a in args))
    if typing.get_origin(tp) is list:
        return f"list of {_type_text(typing.get_args(tp)[0])}"
    if typing.get_origin(tp) is dict:
        return "table"
    if inspect.isclass(tp) and issubclass(tp, BaseModel):
        return "table"
    return {int: "integer", float: "number", str: "string", bool: "boolean"}.get(tp, str(tp))


def _allowed_text(field: FieldInfo) -> str:
    extra = field.json_schema_extra
    if isinstance(extra, dict) and "allowed" in extra:
        return str(extra["allowed"])
    metadata = list(field.metadata)
    tp, _ = _strip(field.annotation, metadata)
    if typing.get_origin(tp) is Literal:
        return ", ".join(f"`{v}`" for v in typing.get_args(tp))
    words = range_text(metadata)
    if words:
        return words
    parts = []
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            meta: list[Any] = []
            _strip(arg, meta)
            if range_text(meta):
                parts.append(f"{_type_text(arg)} {range_text(meta)}")
    elif typing.get_origin(tp) is list:
        inner = typing.get_args(tp)[0]
        while typing.get_origin(inner) is list:
            inner = typing.get_args(inner)[0]
        meta = []
        _strip(inner, meta)
        if range_text(meta):
            parts.append(f"each {range_text(meta)}")
    return "; ".join(parts)


def _default_text(field: FieldInfo) -> str:
    if field.default_factory is not None:
        value = field.default_factory()
        if isinstance(value, BaseModel):
            return "see its table"
        return f"`{toml_value(value)}`"
    if field.default is PydanticUndefined:
        return "required"
    if field.default is None:
        return "absent"
    return f"`{toml_value(field.default)}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(cls: type[BaseModel], skip: Iterable[str] = ()) -> list[str]:
    rows = ["| key | type | default | allowed | meaning |", "|---|---|---|---|---|"]
    for name, field in cls.model_fields.items():
        if name in skip:
            continue
        rows.append(
            "| "
            + " | ".join(
                _cell(x)
                for x in (
                    f"`{name}`",
                    _type_text(field.annotation),
                    _default_text(field),
                    _allowed_text(field),
                    field.description or "",
                )
            )
            + " |"
        )
    return rows


def _summary(cls: type) -> str:
    return " ".join((inspect.getdoc(cls) or "").split("\n\n")[0].split())


def _wom_tables() -> list[str]:
    """The reference of the ``wom`` model's top-level tables, one per mechanism."""
    out = [
        "",
        "### The `wom` model's tables",
        "",
        'Only with `[model] name = "wom"` (refused for the other models); every key has a '
        "default, filled in when the scenario is loaded. Units: time in weeks (one step is "
        "one week), money in one currency unit for every channel, enthusiasm, "
        "susceptibility, trust and probabilities in [0, 1]. The equations and the claim "
        "behind each default are in `docs/model.md`. Arms override any key "
        "(`community.cap = 30`).",
    ]
    for section, cls in WOM_SECTIONS.items():
        out += ["", f"#### `[{section}]`", "", _summary(cls), ""]
        out += _table(cls)
        if section == "people":
            fields = cls.model_fields
            enthusiasm = fields["enthusiasm"].default_factory()
            susceptibility = fields["susceptibility"].default_factory()
            dist = type(enthusiasm)
            out += [
                "",
                "##### `[people.enthusiasm]`, `[people.susceptibility]`",
                "",
                f"{_summary(dist)} Defaults: enthusiasm {_dist_text(enthusiasm)}, "
                f"susceptibility {_dist_text(susceptibility)}; the table below gives the "
                "other keys' defaults.",
                "",
            ]
            out += _table(dist)
    return out


def _dist_text(dist: BaseModel) -> str:
    kind = getattr(dist, "kind", "")
    if kind == "beta":
        return f"Beta({dist.a:g}, {dist.b:g})"
    if kind == "uniform":
        return f"U({dist.low:g}, {dist.high:g})"
    return f"constant {getattr(dist, 'value', '')}"


def reference_markdown() -> str:
    """The generated key reference (Markdown), as kept in ``docs/scenarios.md``.

    Returns:
        The Markdown text, ending with a newline.
    """
    out: list[str] = ["### Top-level keys", ""]
    out += _table(Scenario)
    out += [
        "",
        "The tables `[network]`, `[model]`, `[seeding]`, the `wom` model's tables "
        "(`[people]` ... `[budget]`), `[[arms]]`, `[outputs]` and `[sweep]` follow.",
        "",
        "### `[network]`",
        "",
        "Exactly one of `generator`, `dataset`, `file`. Absent only for `bass_mean_field`.",
        "",
        "#### `generator`: synthetic networks",
        "",
        "Every generator also takes `seed` (integer >= 0; default: the scenario's `seed`). "
        "Unknown parameters are refused, listing the allowed ones.",
        "",
    ]
    for name, cls in GENERATOR_TYPES.items():
        out += [f'##### `generator = "{name}"`', "", _summary(cls), ""]
        out += _table(cls, skip=("generator", "seed"))
        out.append("")
    out += ["#### `dataset`: bundled real networks", ""]
    out += _table(DatasetNetwork)
    out += ["", "| dataset | what it is |", "|---|---|"]
    out += [f"| `{name}` | {text} |" for name, text in DATASETS.items()]
    out += ["", "#### `file`: a network file", ""]
    out += _table(FileNetwork)
    out += ["", "### `[model]`", "", "Chosen by `name`; each model has its own keys.", ""]
    for name, cls in MODEL_TYPES.items():
        needs = [
            "runs on a network" if cls.uses_network else "no network",
            ("needs seeds" if cls.needs_seeds else "seeds optional")
            if cls.uses_seeding
            else f"no seeding: {cls.start_hint}",
            "needs `steps`" if cls.needs_steps else "`steps` optional",
        ]
        out += [f'#### `name = "{name}"`', "", f"{_summary(cls)} ({'; '.join(needs)}.)", ""]
        if set(cls.model_fields) - {"name"}:
            out += _table(cls, skip=("name",))
        else:
            tables = ", ".join(f"`[{s}]`" for s in cls.sections)
            out.append(f"`name` is its only key; its mechanisms are the tables {tables} below.")
        out.append("")
    out += ["### `[seeding]`", "", _summary(Seeding), ""]
    out += _table(Seeding)
    out += ["", "| strategy | picks |", "|---|---|"]
    out += [f"| `{name}` | {text} |" for name, text in SEEDING_STRATEGIES.items()]
    out += _wom_tables()
    out += ["", "### `[[arms]]`", "", _summary(Arm), ""]
    out += _table(Arm)
    out += ["", "### `[outputs]`", "", _summary(Outputs), ""]
    out += _table(Outputs)
    out += ["", "### `[sweep]`", "", _summary(Sweep), ""]
    out += _table(Sweep)
    out += ["", "| design | points |", "|---|---|"]
    out += [f"| `{name}` | {text} |" for name, text in SWEEP_DESIGNS.items()]
    return "\n".join(out) + "\n"


def replace_block(document: str, block: str) -> str:
    """``document`` with the text between :data:`BEGIN` and :data:`END` replaced.

    Args:
        document: The Markdown file's text, containing both markers.
        block: The new content.

    Returns:
        The updated text.

    Raises:
        ValueError: If a marker is missing.
    """
    start = document.index(BEGIN) + len(BEGIN)
    end = document.index(END, start)
    return document[:start] + "\n\n" + block + "\n" + document[end:]


def main(argv: list[str] | None = None) -> int:
    """Print the reference, or write it into a Markdown file between the markers.

    Args:
        argv: Command-line arguments (``--write PATH``).

    Returns:
        The exit code.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", type=Path, help="Markdown file to update in place.")
    args = parser.parse_args(argv)
    block = reference_markdown()
    if args.write is None:
        print(block, end="")
        return 0
    args.write.write_text(
        replace_block(args.write.read_text(encoding="utf-8"), block), encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
