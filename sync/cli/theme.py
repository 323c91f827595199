"""``hubshop theme``: brand, validate, build, preview, upload and measure the HubSpot theme."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from sync.cli.context import AppContext, pass_app
from sync.cli.errors import EXIT_INTERRUPTED
from sync.cli.options import dry_run_option, emit_json, json_option
from sync.errors import InputError

theme = click.Group(
    "theme",
    help=(
        "The HubSpot website: brand tokens, checks, a local build and preview, upload.\n\n"
        "\b\nExample:\n  hubshop theme build --out site/"
    ),
)

_theme_dir = click.argument("theme_dir", metavar="[DIR]", required=False,
                            type=click.Path(exists=True, file_okay=False))


def _resolve_theme(app: AppContext, theme_dir: str | None) -> tuple[Path, tuple[Path, ...]]:
    """The theme folder (argument, ``[site] theme`` setting, or ours) and modules to merge."""
    from sync.site.embedded import theme_folders

    return theme_folders(app.settings(), theme_dir)


def _report_problems(problems: list[InputError], as_json: bool, ok_text: str,
                     warnings: list[InputError] | None = None) -> None:
    if as_json:
        extra = {"warnings": [str(w) for w in warnings]} if warnings is not None else {}
        emit_json({"ok": not problems, "problems": [str(p) for p in problems], **extra})
    else:
        for warning in warnings or []:
            click.echo(f"warning: {warning}", err=True)
        for problem in problems:
            click.echo(str(problem), err=True)
        if not problems:
            click.echo(ok_text)
    if problems:
        if as_json:  # the object above is the answer; one object on stdout, exit 1
            raise click.exceptions.Exit(1)
        raise click.ClickException(f"{len(problems)} problem(s)")


@theme.command("brand")
@_theme_dir
@click.option("--check", is_flag=True, help="Only check: contrast, stale files, stray colours.")
@json_option
@pass_app
def brand_command(app: AppContext, theme_dir: str | None, check: bool, as_json: bool) -> None:
    """Regenerate fields.json defaults and CSS tokens from brand.yml, or check them.

    The check fails on colour pairs below WCAG AA, generated files that are out
    of date, and any colour or font in CSS that is not a brand token.

    \b
    Example:
      hubshop theme brand --check
    """
    from sync.site.brand import check_brand, regenerate

    folder, modules = _resolve_theme(app, theme_dir)
    if check:
        _report_problems(check_brand(folder, modules), as_json, "Brand check passed.")
        return
    changed = regenerate(folder)
    if as_json:
        emit_json({"changed": [str(p) for p in changed]})
    else:
        click.echo("\n".join(f"wrote {p}" for p in changed) or "Already up to date.")


@theme.command("validate")
@_theme_dir
@json_option
@pass_app
def validate_command(app: AppContext, theme_dir: str | None, as_json: bool) -> None:
    """Check theme.json, fields.json, meta.json, annotations and HubL syntax.

    Works on any HubSpot theme folder; every problem is printed as file:line.
    What HubSpot only flags is printed as a warning and does not fail.

    \b
    Example:
      hubshop theme validate ./my-theme
    """
    from sync.site.validate import check_theme

    folder, modules = _resolve_theme(app, theme_dir)
    report = check_theme(folder, modules)
    _report_problems(report.errors, as_json, f"{folder}: valid.", report.warnings)


def _site_options(app: AppContext, modules: tuple[Path, ...], base_url: str,
                  static: tuple[str, ...]) -> Any:
    from sync.site.embedded import local_site_options

    static_dirs = {}
    for item in static:
        prefix, sep, folder = item.partition("=")
        if not sep or not Path(folder).is_dir():
            raise click.BadParameter(f"{item!r}: give PREFIX=DIR with an existing DIR",
                                     param_hint="--static")
        static_dirs["/" + prefix.strip("/")] = Path(folder)
    return local_site_options(app.settings(), app.connection(), modules=modules,
                              base_url=base_url, static_dirs=static_dirs)


_static_option = click.option(
    "--static", multiple=True, metavar="PREFIX=DIR",
    help="Also serve DIR at URL PREFIX (e.g. product images); repeatable.")


@theme.command("build")
@_theme_dir
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Output folder (default: [site] out setting, else HUBSHOP_HOME/site).")
@click.option("--base-url", default="http://localhost:8000", show_default=True,
              help="The address pages are rendered for (canonical URLs).")
@_static_option
@click.option("-v", "--verbose", is_flag=True,
              help="List placeholders page by page (default: counted per template).")
@json_option
@pass_app
def build_command(app: AppContext, theme_dir: str | None, out_dir: str | None, base_url: str,
                  static: tuple[str, ...], verbose: bool, as_json: bool) -> None:
    """Render every page template and one page per product row to static HTML.

    Rows come from the local store's HubDB tables. Exits non-zero if any
    template failed; each failure names template:line.

    \b
    Example:
      hubshop theme build --out site/
    """
    from sync.jobs.theme import build_theme
    from sync.site.build_summary import summary_json, summary_lines

    folder, modules = _resolve_theme(app, theme_dir)
    if not (folder / "theme.json").is_file():
        raise InputError(str(folder), "no theme.json: not a HubSpot theme folder",
                         "give the folder that holds theme.json (e.g. a theme's src/)")
    from sync.site.embedded import default_out

    out = Path(out_dir) if out_dir else default_out(app.settings())
    result = build_theme(app.settings(), folder, out,
                         _site_options(app, modules, base_url, static), clock=app.clock)
    if as_json:
        emit_json({"out": str(out), "rendered": len(result.rendered),
                   "pages": list(result.rendered), "failed": len(result.failed),
                   "failures": [{"template": t, "error": e} for t, e in result.failed],
                   "notes": [{"template": t, "why": why} for t, why in result.notes],
                   "assets": result.assets, "seconds": round(result.seconds, 3),
                   **summary_json(result)})
    else:
        click.echo(f"Rendered {len(result.rendered)} page(s) and {result.assets} asset(s) "
                   f"into {out}/ in {result.seconds:.1f}s; {len(result.failed)} failed.")
        for template, why in result.notes:
            click.echo(f"  note {template}: {why}")
        for template, error in result.failed:
            click.echo(f"  FAILED {template}: {error}", err=True)
        click.echo("\n".join(summary_lines(result, verbose=verbose or app.verbose > 0)))
    if result.failed:
        raise click.exceptions.Exit(1)


@theme.command("preview")
@_theme_dir
@click.option("--port", type=int, help="Port (default: [site] port setting, 8000).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@_static_option
@pass_app
def preview_command(app: AppContext, theme_dir: str | None, port: int | None, host: str,
                    static: tuple[str, ...]) -> None:
    """Serve the theme live: pages rendered per request, reloading on every edit.

    The product grid filters with and without JavaScript, because this server
    also answers HubDB's public rows API from the local store.

    \b
    Example:
      hubshop theme preview --port 8000
    """
    from sync.site.preview import PreviewSite, make_server

    folder, modules = _resolve_theme(app, theme_dir)
    port = port or app.settings().site.port
    options = _site_options(app, modules, f"http://{host}:{port}", static)
    try:
        server = make_server(PreviewSite(folder, options), host, port)
    except OSError as exc:
        from sync.cli.errors import CliFailure

        raise CliFailure(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                         kind="os", hint="choose another --port (or [site] port), or stop "
                         "what listens there") from None
    click.echo(f"Previewing {folder} at http://{host}:{port}/ (Ctrl+C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("Stopped.")
        raise SystemExit(EXIT_INTERRUPTED) from None  # README "Exit codes": 130 interrupted
    finally:
        server.server_close()


@theme.command("upload")
@_theme_dir
@click.option("--env", "environment", type=click.Choice(["draft", "published"]),
              default="draft", show_default=True, help="Design manager environment.")
@click.option("--dest", help="Folder in the design manager (default: hubshop, or DIR's name).")
@click.option("--prune", is_flag=True, help="Delete remote files that no longer exist locally.")
@dry_run_option
@json_option
@pass_app
def upload_command(app: AppContext, theme_dir: str | None, environment: str, dest: str | None,
                   prune: bool, dry_run: bool, as_json: bool) -> None:
    """Upload the theme through HubSpot's Source Code API, skipping unchanged files.

    Validates first (publishing also asks HubSpot's validator about every file
    and uploads nothing if one is rejected); --prune removes deleted files.

    \b
    Example:
      hubshop theme upload --env published --prune --dry-run
    """
    from sync.jobs.inventory import open_state
    from sync.jobs.theme import upload_theme
    from sync.paths import asset_dir

    settings = app.settings()
    if not settings.hubspot.configured:
        from sync.cli.errors import CliFailure

        missing = ", ".join(settings.hubspot.missing())
        raise CliFailure(f"HubSpot is not configured: set {missing}", kind="config",
                         hint=f"set {missing} (README: 'Configuration for real services')")
    folder, modules = _resolve_theme(app, theme_dir)
    target = dest or ("hubshop" if folder == asset_dir("theme").resolve() else folder.name)
    app.announce(settings)
    report, run = upload_theme(settings, folder, modules, environment=environment, dest=target,
                               prune=prune, dry_run=dry_run, clock=app.clock,
                               state=open_state(app.connection()))
    plan = report.plan
    if as_json:
        emit_json({"environment": environment, "dest": target, "dry_run": dry_run,
                   **run.counts, "api_calls": run.api_calls,
                   "files": {"upload": [f.remote for f in plan.upload],
                             "delete": list(plan.delete)}})
        return
    verb = ("Would upload", "would delete") if dry_run else ("Uploaded", "deleted")
    click.echo(f"{verb[0]} {len(plan.upload)} file(s) to {environment}:{target}/, "
               f"{verb[1]} {len(plan.delete)}; {len(plan.unchanged)} unchanged.")
    for file in plan.upload:
        click.echo(f"  + {file.remote}")
    for path in plan.delete:
        click.echo(f"  - {path}")


@theme.command("coverage")
@click.argument("theme_dir", metavar="[DIR]", required=False,
                type=click.Path(exists=True, file_okay=False))
@json_option
def coverage_command(theme_dir: str | None, as_json: bool) -> None:
    """For each name in HubSpot's HubL catalogue: supported, placeholder or error.

    With DIR, only the names that theme uses, how often and where first.

    \b
    Example:
      hubshop theme coverage --json
      hubshop theme coverage ./cms-theme-boilerplate/src
    """
    from sync.site.hubl import coverage_report
    from sync.site.hubl.usage import theme_usage

    try:
        rows = coverage_report()
    except FileNotFoundError as exc:
        from sync.cli.errors import CliFailure

        raise CliFailure(str(exc), kind="config", hint="set HUBSHOP_CONTRACTS to the folder "
                         "that holds the contracts' hubl/ catalogue") from None
    if theme_dir:
        used = theme_usage(Path(theme_dir), rows)
        if as_json:
            emit_json({"names": [{"kind": u.kind, "name": u.name, "status": u.status,
                                  "uses": u.uses, "first": u.first, "note": u.note}
                                 for u in used], "counts": _status_counts(used)})
            return
        for u in used:
            click.echo(f"{u.kind:<10} {u.name:<36} {u.status:<12} {u.uses:>4}  {u.first}")
        statuses = ("supported", "placeholder", "error", "unknown")
        click.echo(", ".join(f"{sum(1 for u in used if u.status == s)} {s}" for s in statuses))
        return
    if as_json:
        emit_json({"names": [{"kind": r.kind, "name": r.name, "status": r.status,
                              "note": r.note} for r in rows], "counts": _status_counts(rows)})
        return
    for row in rows:
        click.echo(f"{row.kind:<15} {row.name:<40} {row.status}" + (f"  {row.note}"
                                                                   if row.note else ""))
    counts = {s: sum(1 for r in rows if r.status == s) for s in ("supported", "placeholder",
                                                                  "error")}
    click.echo(", ".join(f"{n} {s}" for s, n in counts.items()))


def _status_counts(rows: Any) -> dict[str, int]:
    """How many names have each status (``--json``'s ``counts``)."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    return counts
