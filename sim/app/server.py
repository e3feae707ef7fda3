"""Serving the dashboard: ``wom app SCENARIO.toml [--port P] [--host H] [--arms A,B]``.

:func:`serve` checks everything a user can get wrong before anything is served (the
scenario, the arms, the port), prepares what the first page needs (the front end's
files, :mod:`sim.app.assets`; the network layout and the compiled kernels, by
building the first model once), then runs the solara server (uvicorn) in this process
and prints the address. Ctrl-C stops it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

from sim.errors import SimError, ValidationError

__all__ = ["bind", "serve"]


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: any free port).

    Returns:
        The bound, listening socket (uvicorn serves on it, so nothing can take the
        port between the check and the start).

    Raises:
        ValidationError: For a port outside 0-65535 or an unknown host (``--port``,
            ``--host``).
        SimError: If the port is taken or cannot be used.

    Examples:
        >>> with bind("127.0.0.1", 0) as sock:
        ...     sock.getsockname()[1] > 0
        True
    """
    if not 0 <= port <= 65535:
        raise ValidationError(f"must be in 0-65535, got {port}", key="--port")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ValidationError(f"unknown host {host!r} ({exc.strerror})", key="--host") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise SimError(
                f"port {port} on {host} is in use (another `wom app`?); choose another "
                "with --port, or --port 0 for any free one"
            ) from None
        raise SimError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def _url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def serve(
    scenario: str | os.PathLike,
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    arms: str | Sequence[str] | None = None,
    announce: Callable[[str], None] = print,
) -> None:
    """Serve the dashboard of a scenario until interrupted (Ctrl-C).

    Args:
        scenario: The scenario file.
        host: Address to listen on (default: this machine only).
        port: Port (0: any free port; the address printed says which).
        arms: The arm(s) shown first, ``"A"`` or ``"A,B"`` (side by side).
        announce: Where progress and the address are printed.

    Raises:
        ValidationError: A bad scenario, arm, host or port (exit 2).
        SimError: The port is taken, or the server fails (exit 1).
    """
    from sim.app.assets import ensure_assets
    from sim.app.levers import NO_COMPARISON
    from sim.app.model import DashboardModel
    from sim.app.page import ENV_ARMS, ENV_SCENARIO, remember_source
    from sim.app.source import AppSource

    path = Path(scenario)
    source = AppSource.load(path, arms)
    sock = bind(host, port)
    try:
        ensure_assets(announce)
        net = source.network(dict(source.scenario.arm_scenarios())[source.first])
        announce(f"preparing {source.scenario.name}: laying out {net.num_nodes:,} people (once)...")
        started = time.perf_counter()
        first = DashboardModel(
            source=source, arm=source.first, compare=source.second or NO_COMPARISON
        )
        if first.problem is not None:
            raise ValidationError(first.problem, file=str(path))
        announce(f"ready in {time.perf_counter() - started:.1f} s")
        os.environ[ENV_SCENARIO] = str(path.resolve())
        os.environ[ENV_ARMS] = ",".join([source.first] + ([source.second] if source.second else []))
        remember_source(path, os.environ[ENV_ARMS], source)
        _run(sock, announce)
    finally:
        sock.close()


def _run(sock: socket.socket, announce: Callable[[str], None]) -> None:
    """Run solara's starlette app under uvicorn on an open socket until stopped."""
    os.environ["SOLARA_APP"] = "sim.app.page"
    host, port = sock.getsockname()[:2]
    os.environ["SERVER_NAME"] = str(host)
    os.environ["SERVER_PORT"] = str(port)
    import solara.server.settings as settings
    import uvicorn

    settings.main.mode = "production"
    settings.telemetry.mixpanel_enable = False
    # Served over plain http on this machine: solara's advice for iframes over https
    # would be printed at every page load.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none", category=UserWarning)
    config = uvicorn.Config(
        "solara.server.starlette:app", log_level="warning", access_log=False, lifespan="on"
    )
    server = uvicorn.Server(config)
    url = _url(sock)

    def tell_when_up() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        if server.started:
            announce(f"wom app: serving {url}  (open it in a browser; Ctrl-C stops)")

    threading.Thread(target=tell_when_up, daemon=True).start()
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn normally handles SIGINT itself
        server.run(sockets=[sock])
    if not server.started:
        raise SimError(f"the dashboard server did not start on {url}")
    announce("wom app: stopped")
