"""Reading networks from files: edge lists (fast, any size), GML and GraphML.

Every reader returns a :class:`~sim.network.csr.Network` built by
:func:`~sim.network.csr.from_edges`, so the representation rules (self-loops dropped,
multi-edges merged keeping the first, undirected edges stored both ways) are the same
whatever the file format.

Edge lists are parsed by pandas' C reader straight into numpy arrays and mapped to
contiguous ids with vectorised code; no networkx graph and no Python loop over the
edges is built, so 10 million edges load in seconds. Only when that fast parse fails
does a slow line-by-line scan run, to name the first bad line.

Every problem with a file raises :class:`~sim.errors.DataFileError` naming the file
and, where there is one, the 1-based line.
"""

from __future__ import annotations

import gzip
import io
import math
import os
import re
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from sim.errors import DataFileError, ValidationError
from sim.network.csr import Network, from_edges, from_networkx

__all__ = [
    "EDGELIST_EXTENSIONS",
    "GML_EXTENSIONS",
    "GRAPHML_EXTENSIONS",
    "read_edgelist",
    "read_gml",
    "read_graphml",
    "load_network",
]

#: File extensions read as edge lists (each also with ``.gz``).
EDGELIST_EXTENSIONS = (".txt", ".csv", ".tsv", ".edges", ".el")
#: File extensions read as GML (each also with ``.gz``).
GML_EXTENSIONS = (".gml",)
#: File extensions read as GraphML (each also with ``.gz``).
GRAPHML_EXTENSIONS = (".graphml",)

_INT_TOKEN = re.compile(r"[+-]?[0-9]+")
_SNIFF_BYTES = 1 << 20
_COLUMNS_HINT = "expected 2 or 3 columns (source target [weight])"


# --------------------------------------------------------------------------- files
def _default_name(path: Path) -> str:
    name = path.name
    if name.lower().endswith(".gz"):
        name = name[:-3]
    return Path(name).stem


def _check_file(path: str | os.PathLike) -> Path:
    p = Path(path)
    if not p.exists():
        raise DataFileError("file not found", file=str(p))
    if p.is_dir():
        raise DataFileError("is a directory, not a network file", file=str(p))
    return p


def _read_bytes(p: Path) -> bytes:
    """The whole file as bytes, decompressed when its name ends in ``.gz``."""
    try:
        if p.name.lower().endswith(".gz"):
            with gzip.open(p, "rb") as fh:
                return fh.read()
        return p.read_bytes()
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise DataFileError(f"not a valid gzip file ({exc})", file=str(p)) from None
    except OSError as exc:
        raise DataFileError(f"cannot read file ({exc.strerror or exc})", file=str(p)) from None


# ----------------------------------------------------------------------- edge list
def _comment_chars(comments: Sequence[str] | str | None) -> tuple[str, ...]:
    if comments is None:
        return ()
    if isinstance(comments, str):
        comments = (comments,)
    chars = tuple(comments)
    for c in chars:
        if not isinstance(c, str) or len(c) != 1 or c.isspace() or not c.isascii():
            raise ValidationError(
                f"each comment marker must be one ASCII character, got {c!r}", key="comments"
            )
    return chars


def _strip_comment(line: bytes, comment_bytes: tuple[bytes, ...]) -> bytes:
    cut = len(line)
    for c in comment_bytes:
        i = line.find(c)
        if 0 <= i < cut:
            cut = i
    return line[:cut]


def _sniff_delimiter(data: bytes, comment_bytes: tuple[bytes, ...]) -> str | None:
    """``","`` if the first data line has a comma, else ``None`` (whitespace)."""
    for raw in io.BytesIO(data[:_SNIFF_BYTES]):
        line = _strip_comment(raw, comment_bytes).strip()
        if line:
            return "," if b"," in line else None
    return None


def _split(line: str, delimiter: str | None) -> list[str]:
    if delimiter is None:
        return line.split()
    return [tok.strip() for tok in line.split(delimiter)]


def _scan(
    data: bytes,
    path: Path,
    delimiter: str | None,
    comment_bytes: tuple[bytes, ...],
    weighted: bool | None,
) -> tuple[list[str], list[str], list[float] | None]:
    """Slow reference parse, line by line: raises at the first bad line, else the edges.

    Runs only when the fast parse fails, to find the line number (and as the
    fallback parser for files the fast path cannot express).
    """
    file = str(path)
    src: list[str] = []
    dst: list[str] = []
    wts: list[float] = []
    first_cols: tuple[int, int] | None = None  # (columns, line) of the first data line
    for lineno, raw in enumerate(io.BytesIO(data), 1):
        body = _strip_comment(raw, comment_bytes)
        try:
            text = body.decode("utf-8-sig" if lineno == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise DataFileError(
                f"not valid UTF-8 text (byte {exc.start + 1} of the line)", file=file, line=lineno
            ) from None
        if not text.strip():
            continue
        fields = _split(text.strip("\r\n"), delimiter)
        ncols = len(fields)
        if ncols < 2:
            raise DataFileError(f"{_COLUMNS_HINT}, got 1: {text.strip()!r}", file=file, line=lineno)
        if weighted is not False:
            if ncols > 3:
                raise DataFileError(
                    f"{_COLUMNS_HINT}, got {ncols}: {text.strip()!r}", file=file, line=lineno
                )
            if weighted and ncols == 2:
                raise DataFileError(
                    "no weight (third) column, but weighted=True", file=file, line=lineno
                )
            if first_cols is None:
                first_cols = (ncols, lineno)
            elif ncols != first_cols[0]:
                raise DataFileError(
                    f"{ncols} columns, but line {first_cols[1]} has {first_cols[0]}",
                    file=file,
                    line=lineno,
                )
        for tok in fields[:2]:
            if not tok:
                raise DataFileError("empty node label", file=file, line=lineno)
        if weighted is not False and ncols == 3:
            try:
                w = float(fields[2])
            except ValueError:
                hint = " (a header line? comment it out with '#')" if lineno == 1 else ""
                raise DataFileError(
                    f"weight {fields[2]!r} is not a number{hint}", file=file, line=lineno
                ) from None
            if not math.isfinite(w):
                raise DataFileError(
                    f"weight must be a finite number, got {fields[2]!r}", file=file, line=lineno
                )
            wts.append(w)
        src.append(fields[0])
        dst.append(fields[1])
    if not src:
        raise DataFileError("no edges: the file is empty or has only comments", file=file)
    use_w = weighted is not False and first_cols is not None and first_cols[0] == 3
    return src, dst, (wts if use_w else None)


def _fast_parse(
    data: bytes,
    delimiter: str | None,
    comment: str | None,
    weighted: bool | None,
    node_dtype: type | None,
):
    """Parse with pandas' C engine; raises whatever pandas raises."""
    import pandas as pd

    kwargs: dict = {
        "header": None,
        "comment": comment,
        "na_filter": False,
        "engine": "c",
        "low_memory": False,
        "quoting": 3,  # csv.QUOTE_NONE: quotes are part of labels
        "skip_blank_lines": True,
        "encoding": "utf-8",
    }
    if delimiter is None:
        kwargs["sep"] = r"\s+"
    else:
        kwargs["sep"] = delimiter
        kwargs["skipinitialspace"] = True
    if weighted is False:
        kwargs["usecols"] = [0, 1]
    if node_dtype is not None:
        kwargs["dtype"] = {0: node_dtype, 1: node_dtype}
    return pd.read_csv(io.BytesIO(data), **kwargs)


def _int_codes(s: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ids for integer labels, in ascending label order (a 0..n-1 file keeps its ids)."""
    import pandas as pd

    lo = int(min(s.min(), d.min()))
    hi = int(max(s.max(), d.max()))
    if lo >= 0 and hi < 4 * (s.size + d.size) + 1024:
        present = np.zeros(hi + 1, dtype=bool)
        present[s] = True
        present[d] = True
        remap = np.cumsum(present, dtype=np.int64) - 1
        return remap[s], remap[d], np.flatnonzero(present).astype(np.int64)
    codes, uniques = pd.factorize(np.concatenate([s, d]), sort=True)
    return codes[: s.size], codes[s.size :], np.asarray(uniques, dtype=np.int64)


def _token_codes(s, d) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ids for string tokens: integer-looking tokens become int labels.

    All-integer labels get ascending ids; otherwise ids follow first appearance
    (reading the file line by line, source before target).
    """
    import pandas as pd

    m = len(s)
    both = pd.concat([pd.Series(s, dtype="str"), pd.Series(d, dtype="str")], ignore_index=True)
    codes, uniques = pd.factorize(both)
    tokens = uniques.tolist()
    labels = [int(t) if _INT_TOKEN.fullmatch(t) else t for t in tokens]
    # "01" and "1" are the same node: merge the labels that now coincide.
    lab_arr = np.empty(len(labels), dtype=object)
    lab_arr[:] = labels
    merge, merged = pd.factorize(lab_arr)
    codes = merge[codes]
    labels = list(merged)
    k = len(labels)
    if all(isinstance(x, int) and -(2**63) <= x < 2**63 for x in labels):
        rank = np.argsort(np.asarray(labels, dtype=object).astype(np.int64), kind="stable")
        out_labels = np.asarray(labels, dtype=np.int64)[rank]
    else:
        pos = np.concatenate([2 * np.arange(m, dtype=np.int64), 2 * np.arange(m) + 1])
        first = np.full(k, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(first, codes, pos)
        rank = np.argsort(first, kind="stable")
        out_labels = np.empty(k, dtype=object)
        out_labels[:] = [labels[i] for i in rank.tolist()]
    new_id = np.empty(k, dtype=np.int64)
    new_id[rank] = np.arange(k, dtype=np.int64)
    codes = new_id[codes]
    return codes[:m], codes[m:], out_labels


def read_edgelist(
    path: str | os.PathLike,
    *,
    directed: bool = False,
    delimiter: str | None = None,
    comments: Sequence[str] | str | None = ("#", "%"),
    weighted: bool | None = None,
    name: str | None = None,
) -> Network:
    """Read an edge list: one edge per line, ``source target [weight]``.

    Args:
        path: The file; a name ending in ``.gz`` is decompressed transparently.
        directed: Whether each line is a one-way arc (``source`` tells ``target``).
        delimiter: One column separator character; ``None`` detects it: a comma if
            the first data line has one, else runs of whitespace (spaces or tabs).
            ``" "`` also means runs of whitespace. Use ``"\\t"`` for labels with spaces.
        comments: Characters that start a comment running to the end of the line
            (as in networkx); lines left blank are skipped.
        weighted: ``None`` uses a third column as float weights when the file has
            one; ``True`` requires it; ``False`` ignores every column after the second.
        name: The network's name; default the file name without extensions.

    Returns:
        The network. Node labels are the tokens of the file: integers when a token
        is an integer (ids then follow ascending label order when every label is an
        integer, so a file numbered 0..n-1 keeps its numbers as ids), otherwise
        strings, with ids in order of first appearance.

    Raises:
        DataFileError: If the file is missing or unreadable (bad gzip, not UTF-8),
            has no edges, or a line is malformed (one column, more than three, a
            column count differing from the first line's, an empty label, a
            non-numeric or non-finite weight). The message names the file and the
            1-based number of the first bad line.
        ValidationError: If ``delimiter`` or ``comments`` is not one character.

    Notes:
        O(m log m) time for m lines and a few bytes-per-line times m of memory (the
        file is held in memory while parsed); measured at 5.3 s and 1.5 GB peak RSS
        for 1M nodes / 10M edges (``benchmarks/bench_load.py``), about 30 times
        faster than ``networkx.read_edgelist``.

    Examples:
        >>> import tempfile, pathlib
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "friends.csv"
        >>> _ = f.write_text("# who talks to whom\\nann,bob,0.5\\nbob,cat,0.25\\n")
        >>> net = read_edgelist(f)
        >>> net.num_nodes, net.num_edges, net.labels.tolist()
        (3, 2, ['ann', 'bob', 'cat'])
        >>> net.weights.tolist()  # both arcs of each undirected edge
        [0.5, 0.5, 0.25, 0.25]
    """
    import pandas as pd

    p = _check_file(path)
    file = str(p)
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        raise ValidationError(
            f"must be a single character or None, got {delimiter!r}", key="delimiter"
        )
    if delimiter == " ":
        delimiter = None
    chars = _comment_chars(comments)
    if delimiter is not None and delimiter in chars:
        raise ValidationError(f"{delimiter!r} is also a comment marker", key="delimiter")
    data = _read_bytes(p)
    comment_bytes = tuple(c.encode() for c in chars)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if delimiter is None:
        delimiter = _sniff_delimiter(data, comment_bytes)
    # pandas takes one comment character: fold the others into the first.
    comment = None
    if chars:
        comment = chars[0]
        for c in comment_bytes[1:]:
            if c in data:
                data = data.replace(c, comment_bytes[0])

    weights = None
    parsed = None
    try:
        df = _fast_parse(data, delimiter, comment, weighted, None)
    except pd.errors.EmptyDataError:
        raise DataFileError("no edges: the file is empty or has only comments", file=file) from None
    except Exception:  # any failure of the fast path: the scan names the bad line
        df = None
    if df is not None:
        ncols = df.shape[1]
        ok = ncols == 2 or (ncols == 3 and weighted is not False)
        if ok and not all(pd.api.types.is_integer_dtype(df[c].dtype) for c in (0, 1)):
            try:
                df = _fast_parse(data, delimiter, comment, weighted, str)
            except Exception:  # as above: fall back to the scan
                ok = False
            else:
                cols = [df[c].str.strip() for c in (0, 1)]
                ok = not any((col == "").any() for col in cols)
                df[0], df[1] = cols
        if ok and weighted and ncols != 3:
            ok = False
        if ok and ncols == 3:
            wcol = df[2]
            if pd.api.types.is_numeric_dtype(wcol.dtype) and not pd.api.types.is_bool_dtype(
                wcol.dtype
            ):
                weights = wcol.to_numpy(dtype=np.float64)
                ok = bool(np.isfinite(weights).all())
            else:
                ok = False
        if ok:
            parsed = df
    if parsed is None:
        # Slow path: raises at the first bad line (or parses what pandas could not).
        s_tok, d_tok, wlist = _scan(data, p, delimiter, comment_bytes, weighted)
        s_codes, d_codes, labels = _token_codes(s_tok, d_tok)
        weights = None if wlist is None else np.asarray(wlist, dtype=np.float64)
    elif pd.api.types.is_integer_dtype(parsed[0].dtype):
        s_codes, d_codes, labels = _int_codes(
            parsed[0].to_numpy(dtype=np.int64), parsed[1].to_numpy(dtype=np.int64)
        )
    else:
        s_codes, d_codes, labels = _token_codes(parsed[0], parsed[1])
    del parsed, df, data
    return from_edges(
        s_codes,
        d_codes,
        num_nodes=len(labels),
        directed=directed,
        weights=weights,
        labels=labels,
        name=_default_name(p) if name is None else name,
    )


# ---------------------------------------------------------------- GML and GraphML
_NX_POSITION = re.compile(r"\s*at \((\d+), (\d+)\)")
_XML_POSITION = re.compile(r"line (\d+), column (\d+)")


def _wrap_nx_error(exc: BaseException, p: Path, kind: str, hint: str = "") -> DataFileError:
    line = col = None
    position = getattr(exc, "position", None)
    text = str(exc)
    if isinstance(position, tuple) and len(position) == 2:
        line, col = position
        col += 1  # expat columns are 0-based
        text = _XML_POSITION.sub("", text).rstrip(": ,")
    else:
        match = _NX_POSITION.search(text)
        if match:
            line, col = int(match.group(1)), int(match.group(2))
            text = _NX_POSITION.sub("", text)
    if isinstance(exc, gzip.BadGzipFile | EOFError | zlib.error):
        return DataFileError(f"not a valid gzip file ({text})", file=str(p))
    if isinstance(exc, UnicodeDecodeError):
        return DataFileError("not valid UTF-8 text", file=str(p))
    return DataFileError(f"not a valid {kind} file: {text}{hint}", file=str(p), line=line, col=col)


def read_gml(path: str | os.PathLike, *, label: str = "label", name: str | None = None) -> Network:
    """Read a GML file (``.gz`` transparently) through networkx.

    Args:
        path: The file.
        label: ``"label"`` to name nodes by their GML ``label`` attribute (networkx's
            default), or ``"id"`` to name them by their integer ``id`` (the label
            then stays as a node attribute).
        name: The network's name; default the file name without extensions.

    Returns:
        The network, directed if the file says ``directed 1``; every GML node
        attribute becomes a node attribute array, every edge attribute an edge one.

    Raises:
        DataFileError: If the file is missing, unreadable or not valid GML (with the
            line and column when networkx reports them).
        ValidationError: If ``label`` is not ``"label"`` or ``"id"``.

    Notes:
        networkx parses in pure Python: fine for files up to ~1e5 edges. For larger
        graphs use an edge list.

    Examples:
        >>> import tempfile, pathlib
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "pair.gml"
        >>> _ = f.write_text('graph [ node [ id 0 label "a" ] node [ id 1 label "b" ] '
        ...                  'edge [ source 0 target 1 ] ]')
        >>> read_gml(f).labels.tolist(), read_gml(f, label="id").labels.tolist()
        (['a', 'b'], [0, 1])
    """
    import networkx as nx

    if label not in ("label", "id"):
        raise ValidationError(f"must be 'label' or 'id', got {label!r}", key="label")
    p = _check_file(path)
    hint = " (try label='id')" if label == "label" else ""
    try:
        graph = nx.read_gml(p, label=None if label == "id" else "label")
    except Exception as exc:  # networkx/gzip/parse errors of any kind -> one clear line
        raise _wrap_nx_error(exc, p, "GML", hint if "label" in str(exc) else "") from exc
    return _from_graph(graph, p, name)


def read_graphml(path: str | os.PathLike, *, name: str | None = None) -> Network:
    """Read a GraphML file (``.gz`` transparently) through networkx.

    Args:
        path: The file.
        name: The network's name; default the file name without extensions.

    Returns:
        The network; node labels are the GraphML node ids (strings), typed node and
        edge data become attribute arrays. Directed when the graph's
        ``edgedefault`` is ``directed``.

    Raises:
        DataFileError: If the file is missing, unreadable or not valid GraphML (with
            line and column for XML syntax errors).

    Notes:
        Pure-Python XML parsing: fine up to ~1e5 edges; use an edge list beyond.

    Examples:
        >>> import tempfile, pathlib, networkx as nx
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "path.graphml"
        >>> nx.write_graphml(nx.path_graph(3), f)
        >>> net = read_graphml(f)
        >>> net.num_edges, net.labels.tolist()
        (2, ['0', '1', '2'])
    """
    import networkx as nx

    p = _check_file(path)
    try:
        graph = nx.read_graphml(p)
    except Exception as exc:  # networkx/XML/gzip errors of any kind -> one clear line
        raise _wrap_nx_error(exc, p, "GraphML") from exc
    return _from_graph(graph, p, name)


def _from_graph(graph, p: Path, name: str | None) -> Network:
    if graph.number_of_nodes() == 0:
        raise DataFileError("no nodes: the graph is empty", file=str(p))
    try:
        return from_networkx(graph, name=_default_name(p) if name is None else name)
    except ValidationError as exc:
        raise DataFileError(exc.message, file=str(p)) from None


# -------------------------------------------------------------------- dispatcher
def _format_of(p: Path) -> str | None:
    name = p.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    suffix = Path(name).suffix
    if suffix in EDGELIST_EXTENSIONS:
        return "edgelist"
    if suffix in GML_EXTENSIONS:
        return "gml"
    if suffix in GRAPHML_EXTENSIONS:
        return "graphml"
    return None


_READERS = {"edgelist": read_edgelist, "gml": read_gml, "graphml": read_graphml}
_READER_OPTIONS = {
    "edgelist": ("directed", "delimiter", "comments", "weighted", "name"),
    "gml": ("label", "name"),
    "graphml": ("name",),
}


def load_network(path: str | os.PathLike, *, format: str = "auto", **kw) -> Network:
    """Load a network file, choosing the reader from the extension.

    ``.txt .csv .tsv .edges .el`` -> :func:`read_edgelist`; ``.gml`` ->
    :func:`read_gml`; ``.graphml`` -> :func:`read_graphml`; each also with ``.gz``.

    Args:
        path: The file.
        format: ``"auto"`` (by extension), or ``"edgelist"``, ``"gml"``, ``"graphml"``
            to read a file whatever its name.
        **kw: Options of the chosen reader.

    Returns:
        The network.

    Raises:
        DataFileError: If the extension is unknown (with ``format="auto"``), or as
            the reader raises.
        ValidationError: If ``format`` is unknown or an option does not belong to the
            chosen reader (the message lists the allowed ones).

    Examples:
        >>> import tempfile, pathlib
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "arcs.tsv"
        >>> _ = f.write_text("1\\t2\\n2\\t3\\n")
        >>> load_network(f, directed=True)
        Network('arcs', directed, nodes=3, edges=2)
    """
    p = Path(path)
    if format == "auto":
        fmt = _format_of(p)
        if fmt is None:
            known = ", ".join(EDGELIST_EXTENSIONS + GML_EXTENSIONS + GRAPHML_EXTENSIONS)
            raise DataFileError(
                f"unknown network file type; expected one of {known} (optionally .gz), "
                "or give the format",
                file=str(p),
            )
    elif format in _READERS:
        fmt = format
    else:
        raise ValidationError(
            f"must be one of auto, {', '.join(_READERS)}; got {format!r}", key="format"
        )
    allowed = _READER_OPTIONS[fmt]
    for key in kw:
        if key not in allowed:
            raise ValidationError(
                f"unknown option for a {fmt} file; allowed: {', '.join(allowed)}", key=key
            )
    return _READERS[fmt](p, **kw)
