"""The ``geo`` command: a thin layer over the library."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from geo import __version__
from geo.exc import GeoError
from geo.home import geo_home


class Progress:
    """A one-line progress report on stderr, only when stderr is a terminal (cron logs stay clean)."""

    def __init__(self, label: str, enabled: bool | None = None) -> None:
        self.label = label
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.t0 = time.perf_counter()
        self.last = 0.0

    def __call__(self, what: str, done: int, total: int | None) -> None:
        now = time.perf_counter()
        if not self.enabled or now - self.last < 0.25:
            return
        self.last = now
        mb = done / 1e6
        pct = f" {100 * done / total:5.1f}%" if total else ""
        rate = mb / max(now - self.t0, 1e-9)
        click.echo(f"\r{what} {self.label}: {mb:,.1f} MB{pct} ({rate:,.1f} MB/s)   ", err=True, nl=False)

    def done(self) -> None:
        if self.enabled and self.last:
            click.echo("\r" + " " * 79 + "\r", err=True, nl=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="geo")
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), envvar="GEO_HOME",
              help="Where indexes and caches live (default: $GEO_HOME, else a per-user data directory).")
@click.pass_context
def cli(ctx: click.Context, home: Path | None) -> None:
    """Turn news about an armed conflict into maps that cite every claim."""
    ctx.obj = {"home": home}


def _home(ctx: click.Context) -> Path:
    return geo_home(ctx.obj.get("home"))


# ------------------------------------------------------------------------------------------ gazetteer


@cli.group()
def gazetteer() -> None:
    """Import, inspect and query the local gazetteer."""


@gazetteer.command("import")
@click.argument("sources", nargs=-1, required=True)
@click.option("--on-invalid", type=click.Choice(["warn", "ignore", "raise"]), default="warn", show_default=True,
              help="Bad rows: skip and report them (warn), skip and count them (ignore), or abort the file (raise).")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds to wait for a download.")
@click.option("--force", is_flag=True, help="Re-import even if the file is unchanged since its last import.")
@click.pass_context
def gazetteer_import(ctx: click.Context, sources: tuple[str, ...], on_invalid: str, timeout: float,
                     force: bool) -> None:
    """Import GeoNames dumps: SY.zip, cities500.zip, allCountries.zip, admin1CodesASCII.txt.

    Each SOURCE is a local path, an http(s) URL, or a GeoNames dump name (SY, cities500, allCountries,
    admin1CodesASCII) that is downloaded from GeoNames. A file that fails leaves the previous index as it
    was and the other files are still imported; the exit status is 1 if any file failed or was damaged.
    """
    from geo.gazetteer.importer import import_file

    home = _home(ctx)
    failed = 0
    for spec in sources:
        progress = Progress(Path(spec).name)
        report = import_file(spec, home, on_invalid=on_invalid, timeout=timeout, progress=progress, force=force)
        progress.done()
        bad = report.status in ("failed", "kept-previous") or bool(report.damaged)
        failed += bad
        click.echo(report.summary(), err=bad)
        if report.examples and on_invalid == "warn":
            more = sum(report.skipped.values()) - len(report.examples)
            for line in report.examples:
                click.echo(f"  {line}", err=True)
            if more > 0:
                click.echo(f"  ... and {more:,} more", err=True)
    if failed:
        ctx.exit(1)


@gazetteer.command("lookup")
@click.argument("name")
@click.option("--near", metavar="LAT,LON", help="Prefer places near this point.")
@click.option("--country", metavar="CC", help="Only places in this country (ISO code, e.g. SY).")
@click.option("--admin1", metavar="NAME", help="Prefer places in this province/governorate.")
@click.option("--limit", type=click.IntRange(1, 1000), default=5, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of objects.")
@click.pass_context
def gazetteer_lookup(ctx: click.Context, name: str, near: str | None, country: str | None, admin1: str | None,
                     limit: int, as_json: bool) -> None:
    """Find places called NAME, best first (exact, then variant spellings, then fuzzy)."""
    from geo.gazetteer.lookup import Gazetteer
    from geo.point import Coordinate

    try:
        point = Coordinate.parse(near) if near else None
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--near") from None
    gaz = Gazetteer(_home(ctx))
    matches = gaz.lookup(name, near=point, country=country, admin1=admin1, limit=limit)
    if as_json:
        click.echo(json.dumps([m.to_dict() for m in matches], ensure_ascii=False, indent=2))
    elif not matches:
        click.echo(f"no place called {name!r}", err=True)
    else:
        for m in matches:
            p = m.place
            where = ", ".join(x for x in (p.admin1_name or p.admin1, p.country) if x)
            dist = f"  {m.distance_km:,.1f} km" if m.distance_km is not None else ""
            click.echo(f"{m.score:.3f} {m.tier:<7} {p.name} ({where}) {p.lat:.5f},{p.lon:.5f} "
                       f"{p.feature_class}.{p.feature_code} {p.id} [{p.source}]{dist}")
    if not matches:
        ctx.exit(1)


@gazetteer.command("info")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def gazetteer_info(ctx: click.Context, as_json: bool) -> None:
    """Show each index: source, row counts, when it was built and from what."""
    from geo.gazetteer.embedded import ensure_default
    from geo.gazetteer.lookup import Gazetteer

    home = _home(ctx)
    ensure_default(home)
    rows = Gazetteer(home).info()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    click.echo(f"gazetteer home: {home}")
    for r in rows:
        if "status" in r:
            click.echo(f"  {r['source']:<16} {r['status']} ({r['file']})")
            continue
        count = f"{r['places']:,} places, {r['names']:,} names" if r["places"] else f"{r['admin1']:,} admin1 names"
        extra = f"; skipped {sum(r['skipped'].values()):,} rows" if r["skipped"] else ""
        extra += f"; {r['damaged']}" if r["damaged"] else ""
        click.echo(f"  {r['source']:<16} {count}; built {r['built_at']} from {r['from']}{extra}")


# -------------------------------------------------------------------------------------------- parse


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write JSON Lines here (default: standard output).")
@click.option("--focus", metavar="CC[,CC]", help="Countries the news is about (default: SY, or your imports).")
@click.option("--factions", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Your own factions file (same shape as the package's): replaces or adds factions by id.")
@click.pass_context
def parse(ctx: click.Context, inputs: tuple[str, ...], out_path: Path | None, focus: str | None,
          factions: Path | None) -> None:
    """Find and resolve the places in articles: files, folders, or - for standard input.

    Writes one JSON object per document: doc, title, published, toponyms (text, start, end, sentence,
    name, lat, lon, id, source, feature_code, country, score, alternatives; unresolved ones with a
    reason) and events (actor, action, place, from_actor, date, claimed, sentence, confidence). A document
    that cannot be read yields {"doc", "error"}; the exit status is 1 if any did.
    """
    from geo.documents import DocumentError, read
    from geo.gazetteer.lookup import Gazetteer
    from geo.geoparse import Geoparser

    try:
        parser = Geoparser(Gazetteer(_home(ctx)), factions=factions,
                           focus=tuple(c.strip().upper() for c in focus.split(",")) if focus else None)
    except GeoError as e:
        raise click.ClickException(str(e)) from None
    out = open(out_path, "w", encoding="utf-8") if out_path else sys.stdout  # noqa: SIM115
    failed = done = 0
    show = sys.stderr.isatty()
    t0 = time.perf_counter()
    try:
        for doc in read(inputs):
            done += 1
            if isinstance(doc, DocumentError):
                failed += 1
                click.echo(f"{doc.source}: {doc.error}", err=True)
                out.write(json.dumps(doc.record(), ensure_ascii=False) + "\n")
                continue
            for w in doc.warnings:
                click.echo(f"warning: {w}", err=True)
            try:
                record = parser.parse(doc.text, **doc.meta())
            except Exception as e:  # one document's failure must not stop the others
                failed += 1
                click.echo(f"{doc.source}: parse failed: {e!r}", err=True)
                out.write(json.dumps({"doc": doc.id, "source": doc.source, "error": f"parse failed: {e!r}"}) + "\n")
                continue
            if doc.warnings:
                record["warnings"] = doc.warnings
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            if show:
                click.echo(f"\r{done:,} documents, {failed:,} failed, {time.perf_counter() - t0:,.1f} s", err=True,
                           nl=False)
    finally:
        if show and done:
            click.echo("", err=True)
        if out_path:
            out.close()
    if failed:
        ctx.exit(1)


# -------------------------------------------------------------------------------------------- build


def _config(ctx: click.Context, sources: tuple[str, ...], config_path: Path | None, out: Path | None,
            store: Path | None, focus: str | None, factions: Path | None):
    """The build's configuration: geo.toml (given, or in the current folder when no SOURCES are), with
    the command line's SOURCES and options over it."""
    from geo.config import Config, ConfigError, load, source

    if config_path is None and not sources and Path("geo.toml").is_file():
        config_path = Path("geo.toml")
    try:
        cfg = load(config_path) if config_path is not None else Config(sources=[])
        if sources:
            cfg.sources = [source(s) for s in sources]
    except (ConfigError, ValueError) as e:
        raise click.ClickException(str(e)) from None
    if not cfg.sources:
        cfg.sources = [source("seeds")]
    if out is not None:
        cfg.out = out
    if store is not None:
        cfg.store = store
    if focus:
        cfg.focus = tuple(c.strip().upper() for c in focus.split(","))
    if factions is not None:
        cfg.factions = factions
    return cfg


def _build_options(f):
    for option in reversed([
        click.argument("sources", nargs=-1),
        click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
                     help="A geo.toml (default: ./geo.toml when no SOURCES are given)."),
        click.option("--out", type=click.Path(file_okay=False, path_type=Path),
                     help="Output folder (default: the config's out, else maps)."),
        click.option("--store", type=click.Path(dir_okay=False, path_type=Path),
                     help="The document store (default: OUT/.geo/store.sqlite)."),
        click.option("--focus", metavar="CC[,CC]", help="Countries the news is about (default: SY, or your imports)."),
        click.option("--factions", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="Your own factions file: replaces or adds factions by id."),
        click.option("--full", is_flag=True, help="Parse every document again, not only new and changed ones."),
        click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Draw the state on this date."),
        click.option("--cdn", is_flag=True, help="Link Leaflet from its CDN instead of inlining it."),
    ]):
        f = option(f)
    return f


def _as_of(as_of: str | None) -> str | None:
    import datetime as dt

    if as_of is None:
        return None
    try:
        return dt.date.fromisoformat(as_of).isoformat()
    except ValueError:
        raise click.BadParameter(f"{as_of!r} is not a date like 2015-10-09", param_hint="--as-of") from None


EX_TEMPFAIL = 75  # sysexits: another build holds the lock; try again later


@cli.command()
@_build_options
@click.pass_context
def build(ctx: click.Context, sources: tuple[str, ...], config_path: Path | None, out: Path | None,
          store: Path | None, focus: str | None, factions: Path | None, full: bool, as_of: str | None,
          cdn: bool) -> None:
    """Build the maps from SOURCES (folders, files, globs, RSS/Atom feed URLs) or geo.toml.

    Only new and changed documents are parsed; every document ever read stays in the store
    (OUT/.geo/store.sqlite) and on the map. Writes index.html, the GeoJSON layers and status.json.
    Exit status: 0, or 1 if a source or document failed (the rest is built), 75 if another build runs.
    """
    from geo.build import build as run_build
    from geo.lock import BuildLocked

    cfg = _config(ctx, sources, config_path, out, store, focus, factions)
    try:
        result = run_build(cfg, home=_home(ctx), echo=click.echo, full=full, as_of=_as_of(as_of),
                           self_contained=not cdn)
    except BuildLocked as e:
        click.echo(f"geo build: {e}", err=True)
        ctx.exit(EX_TEMPFAIL)
    except (GeoError, OSError) as e:  # a full disk, a read-only output folder: said, not a traceback
        raise click.ClickException(f"{e} (the previous maps are as they were; see {cfg.out / 'status.json'})") from None
    if result.failed:
        click.echo(f"{len(result.failed)} failed (see {cfg.out / 'status.json'}); everything else was built",
                   err=True)
        ctx.exit(1)


@cli.command()
@_build_options
@click.option("--every", metavar="INTERVAL", help="How often: 15m, 1h, 1h30m (default: the config's schedule).")
@click.option("--runs", type=click.IntRange(1), help="Stop after this many runs (default: run until stopped).")
@click.pass_context
def watch(ctx: click.Context, sources: tuple[str, ...], config_path: Path | None, out: Path | None,
          store: Path | None, focus: str | None, factions: Path | None, full: bool, as_of: str | None,
          cdn: bool, every: str | None, runs: int | None) -> None:
    """Run geo build on a schedule in one process (--every 15m), until stopped.

    A run that fails is reported and the next one happens on time; a run that finds another build
    holding the lock is skipped.
    """
    from geo.build import build as run_build
    from geo.config import parse_interval
    from geo.schedule import repeat

    cfg = _config(ctx, sources, config_path, out, store, focus, factions)
    try:
        interval = parse_interval(every) if every else cfg.schedule
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--every") from None
    if interval is None:
        raise click.UsageError("how often? give --every 15m, or schedule = \"15m\" in geo.toml")
    home, day = _home(ctx), _as_of(as_of)
    first = [full]

    def one_run() -> None:
        run_build(cfg, home=home, echo=click.echo, full=first[0], as_of=day, self_contained=not cdn)
        first[0] = False  # --full applies to the first run only

    click.echo(f"geo watch: building {cfg.out} every {interval:g} s; Ctrl-C to stop")
    try:
        repeat(one_run, interval, runs=runs, echo=lambda m: click.echo(m, err=True))
    except KeyboardInterrupt:
        click.echo("geo watch: stopped", err=True)
        ctx.exit(130)


def main() -> None:
    cli(prog_name="geo")
