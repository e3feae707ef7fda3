"""The page's JavaScript and CSS, fetched once from the npm registry for offline use.

A solara page loads its front end (the Vuetify app, RequireJS, Font Awesome) through
the solara server's ``/_solara/cdn/`` proxy, which serves files from a cache folder
and fetches missing ones from a public CDN. Machines without access to that CDN
(this project's CI and developers' machines reach only package registries) would
show a blank page. :func:`ensure_assets` fills the cache folder instead from the npm
registry, with ``npm pack`` (Node.js's own client), once: afterwards the dashboard
works with no network at all.

The packages are read from the installed solara's page template
(:func:`required_packages`), so a solara upgrade that moves to new versions is
followed without touching this module.

Examples:
    >>> any(p.startswith("requirejs@") for p in required_packages())
    True
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path

from sim.errors import SimError

__all__ = [
    "asset_cache",
    "ensure_assets",
    "fetch_packages",
    "missing_packages",
    "required_packages",
]

_PACKAGE = re.compile(r"\{\{\s*cdn\s*\}\}/((?:@[\w.-]+/)?[\w.-]+@\d+\.\d+\.\d+[\w.+-]*)/")


def required_packages() -> list[str]:
    """The npm packages (``name@version``) the installed solara's page loads.

    Returns:
        E.g. ``["@widgetti/solara-vuetify3-app@5.2.0", "requirejs@2.3.6",
        "font-awesome@4.5.0"]``: the Vuetify app matching the installed ipyvuetify,
        RequireJS, and Font Awesome when enabled.
    """
    import solara
    import solara.server.settings as settings
    import solara.util

    template = Path(solara.__file__).parent / "server" / "templates" / "solara.html.j2"
    found = list(dict.fromkeys(_PACKAGE.findall(template.read_text(encoding="utf-8"))))
    v3 = solara.util.ipyvuetify_major_version == 3
    packages = [
        p
        for p in found
        if not (p.startswith("@widgetti/solara-vuetify3-app@") and not v3)
        and not (p.startswith("@widgetti/solara-vuetify-app@") and v3)
    ]
    assets = settings.assets
    if assets.fontawesome_enabled:
        first = assets.fontawesome_path.strip("/").split("/")[0]
        if "@" in first and first not in packages:
            packages.append(first)
    return packages


def asset_cache() -> Path:
    """The folder solara's proxy serves ``/_solara/cdn/`` files from."""
    import solara.server.settings as settings

    return Path(settings.assets.proxy_cache_dir)


def missing_packages(cache: Path | None = None) -> list[str]:
    """The required packages not yet in the cache folder."""
    cache = asset_cache() if cache is None else Path(cache)
    return [p for p in required_packages() if not (cache / p / "package.json").is_file()]


def _unpack(tarball: Path, target: Path) -> None:
    """Extract an npm tarball's ``package/`` folder into ``target`` (source maps left out)."""
    with tarfile.open(tarball, "r:gz") as tar:
        members = []
        for member in tar.getmembers():
            name = member.name.split("/", 1)
            if len(name) != 2 or not name[1] or member.name.endswith(".map"):
                continue
            if not (member.isfile() or member.isdir()):
                continue
            member.name = name[1]
            members.append(member)
        tar.extractall(target, members=members, filter="data")


def fetch_packages(packages: list[str], cache: Path, *, npm: str = "npm") -> None:
    """Download packages with ``npm pack`` and unpack each into ``cache/name@version/``.

    Each package is unpacked in a temporary folder beside its target and renamed at
    the end, so a half-fetched package is never served.

    Raises:
        SimError: If npm fails (no registry, unknown version...).
    """
    cache.mkdir(parents=True, exist_ok=True)
    for spec in packages:
        with tempfile.TemporaryDirectory(dir=cache, prefix=".fetch-") as tmp:
            work = Path(tmp)
            try:
                done = subprocess.run(
                    [npm, "pack", spec, "--silent", "--pack-destination", str(work)],
                    cwd=work,
                    capture_output=True,
                    text=True,
                    timeout=600,
                    check=False,
                )
            except (OSError, subprocess.TimeoutExpired) as exc:
                raise SimError(f"npm pack {spec} failed: {exc}") from None
            tarballs = sorted(work.glob("*.tgz"))
            if done.returncode != 0 or not tarballs:
                why = (done.stderr or done.stdout).strip().splitlines()
                raise SimError(
                    f"npm pack {spec} failed: {why[-1] if why else f'exit {done.returncode}'}"
                )
            unpacked = work / "package"
            _unpack(tarballs[0], unpacked)
            target = cache / spec
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                shutil.rmtree(target)
            unpacked.rename(target)


def ensure_assets(announce: Callable[[str], None] = print) -> None:
    """Make sure the page's front end can be served without the CDN.

    Fetches the missing packages from the npm registry when npm is installed;
    otherwise (or if npm fails) says so and leaves solara's proxy to try the CDN.

    Args:
        announce: Where to say what is being done (one line each).
    """
    import solara.settings

    if not solara.settings.assets.proxy:
        return
    cache = asset_cache()
    missing = missing_packages(cache)
    if not missing:
        return
    npm = shutil.which("npm")
    if npm is None:
        announce(
            "note: the page's JavaScript is not cached and npm (Node.js) is not installed; "
            "the browser will get it from a public CDN through solara, which needs internet"
        )
        return
    announce(f"fetching the page's JavaScript from the npm registry (once): {', '.join(missing)}")
    try:
        fetch_packages(missing, cache, npm=npm)
    except SimError as exc:
        announce(f"note: {exc}; the browser will try a public CDN through solara")
