"""The ``headlint`` command.

Exit codes: 0 no findings, 1 findings, 2 usage error, a file that could not be
checked, or an internal error. Nothing here imports torch or tensorflow: only
``--confirm`` does, and only for the frameworks of the findings it confirms.
"""

from __future__ import annotations

import os
import sys

import click

from . import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _codes(value):
    if not value:
        return None
    codes = {c.strip().upper() for part in value for c in part.split(",") if c.strip()}
    return codes or None


def _expand(codes, known):
    """``HL00`` selects HL001..HL009, as ruff and flake8 accept prefixes."""
    if codes is None:
        return None
    selected = {k for k in known for c in codes if k.startswith(c)}
    unknown = [c for c in codes if not any(k.startswith(c) for k in known)]
    if unknown:
        raise click.BadParameter(f"unknown rule code {', '.join(sorted(unknown))} (see 'headlint rules')")
    return selected


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="headlint")
def main():
    """headlint: finds output-head and loss mistakes in PyTorch and Keras model code,
    without running it."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--select", multiple=True, metavar="CODES", help="Only these rules (comma-separated codes or prefixes).")
@click.option("--ignore", multiple=True, metavar="CODES", help="Skip these rules.")
@click.option(
    "--output-format",
    type=click.Choice(["text", "concise", "json"]),
    default="text",
    show_default=True,
    help="text: findings with their source line; concise: one line each; json: machine-readable.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary line.")
@click.option(
    "--confirm/--no-confirm",
    default=None,
    help="Rebuild each flagged head in the real framework and attach what it measures.",
)
@click.option(
    "--device",
    type=click.Choice(["auto", "cpu", "cuda"]),
    default=None,
    help="Where --confirm runs its probes; auto (the default) uses a GPU when the framework sees one.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="A pyproject.toml to read [tool.headlint] from (default: the nearest one above the first path).",
)
def check(paths, select, ignore, output_format, quiet, confirm, device, config_path):
    """Check PATHS (files or directories; default: the current directory)."""
    from pathlib import Path

    from . import config as configuration
    from .discover import discover
    from .engine import check_file
    from .rules import RULES

    try:
        if config_path is not None and not Path(config_path).is_file():
            raise configuration.ConfigError(f"{config_path}: no such file")
        settings = configuration.load(Path(config_path) if config_path else configuration.find_pyproject(paths))
        chosen = _expand(_codes(select), RULES) if select else _expand(settings.select, RULES)
        selected = (chosen or set(RULES)) | (_expand(settings.extend_select, RULES) or set())
        selected -= _expand(_codes(ignore) if ignore else settings.ignore, RULES) or set()
        for codes in settings.per_file_ignores.values():
            _expand(codes, RULES)
    except (configuration.ConfigError, click.BadParameter) as error:
        click.echo(f"headlint: error: {error}", err=True)
        sys.exit(EXIT_ERROR)
    confirm = settings.confirm if confirm is None else confirm
    device = device or settings.device

    found = discover(paths or ["."])
    files = [path for path in found.files if not settings.excluded(path)]
    errors = []
    for missing in found.missing:
        click.echo(f"headlint: error: {missing}: no such file or directory", err=True)
    if not found.files and not found.missing:
        click.echo(f"headlint: no Python files found in {', '.join(paths or ['.'])}", err=True)

    results = []
    for path in files:
        result = check_file(path, selected - settings.ignored_for(path), device if confirm else None)
        if result.error is not None:
            errors.append(result.error)
            click.echo(f"headlint: error: {result.error.path}: {result.error.reason}", err=True)
        results.extend(result.findings)

    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    from . import report

    if output_format == "json":
        click.echo(report.as_json(results, errors, len(files)))
    else:
        output = report.text(results, errors, len(files), color, output_format == "concise", quiet)
        if output:
            click.echo(output, color=color)

    if errors or found.missing:
        sys.exit(EXIT_ERROR)
    failing = [f for f in results if not (f.evidence and f.evidence.get("status") == "refuted")]
    sys.exit(EXIT_FINDINGS if failing else EXIT_CLEAN)


@main.command()
@click.argument("code")
def explain(code):
    """Print the reference page of rule CODE (e.g. HL001)."""
    from .pages import page
    from .rules import RULES

    code = code.upper()
    if code not in RULES:
        raise click.BadParameter(f"unknown rule {code} (see 'headlint rules')", param_hint="CODE")
    text = page(code)
    if text is None:
        click.echo(f"headlint: error: the page for {code} is missing from this installation", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(text.rstrip())


@main.command(name="rules")
def list_rules():
    """List every rule: code, name and what it reports."""
    from .rules import RULES

    for rule in RULES.values():
        click.echo(f"{rule.code}  {rule.name:<24} {rule.summary}")


def run():
    """Console entry point: no traceback ever reaches the user without --verbose."""
    try:
        main(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo("headlint: interrupted", err=True)
        sys.exit(130)
    except Exception as error:  # noqa: BLE001 - the last line of defence
        click.echo(f"headlint: internal error: {type(error).__name__}: {error} (please report it)", err=True)
        sys.exit(EXIT_ERROR)


if __name__ == "__main__":
    run()
