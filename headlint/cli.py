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
OUTPUT_FORMATS = ["text", "concise", "json", "sarif", "github", "gitlab", "junit"]
# A run over more files than this shows its progress on stderr, when that is a terminal.
PROGRESS_MIN_FILES = 50


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
@click.argument("paths", nargs=-1, type=click.Path(readable=False))  # unreadable: a per-file error, not a usage error
@click.option("--select", multiple=True, metavar="CODES", help="Only these rules (comma-separated codes or prefixes).")
@click.option("--ignore", multiple=True, metavar="CODES", help="Skip these rules.")
@click.option(
    "--output-format",
    type=click.Choice(OUTPUT_FORMATS),
    default="text",
    show_default=True,
    help="text: findings with their source line; concise: one line each; json: machine-readable; "
    "sarif: SARIF 2.1.0 (GitHub code scanning); github: GitHub Actions annotations; "
    "gitlab: GitLab Code Quality report; junit: JUnit XML.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary line.")
@click.option(
    "--statistics",
    is_flag=True,
    help="Count the findings per rule: a table after the findings (json, sarif: a field of the document).",
)
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
    "--keras-backends",
    default=None,
    metavar="all|NAMES",
    help="Measure Keras findings on these Keras 3 backends (all installed ones, or e.g. tensorflow,torch), "
    "one process each, one verdict per backend; default: the backend Keras is configured with.",
)
@click.option("--fix", is_flag=True, help="Apply the safe fixes and rewrite the files; report what remains.")
@click.option(
    "--add-noqa",
    is_flag=True,
    help="Append a '# noqa: CODE' directive to every line with a finding (merged into one already there).",
)
@click.option(
    "--unsafe-fixes",
    is_flag=True,
    help="With --fix or --diff, apply the unsafe fixes too (they change what the model outputs).",
)
@click.option(
    "--diff",
    is_flag=True,
    help="Print a unified diff of what --fix would change, without writing; exit 1 if there is one.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes for the files that need parsing (default: one per CPU). "
    "The output is the same whatever the number.",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache.")
@click.option("-v", "--verbose", is_flag=True, help="Show the traceback of an internal error.")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False),
    default=None,
    envvar="HEADLINT_CACHE_DIR",
    help="Where results are cached [env: HEADLINT_CACHE_DIR; default: .headlint_cache beside the "
    "pyproject.toml, else in the current directory].",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="A pyproject.toml to read [tool.headlint] from (default: the nearest one above the first path).",
)
def check(
    paths, select, ignore, output_format, quiet, statistics, confirm, device, keras_backends, fix, add_noqa,
    unsafe_fixes, diff, jobs, no_cache, verbose, cache_dir, config_path,
):
    """Check PATHS (Python files, Jupyter notebooks or directories; default: the
    current directory)."""
    from pathlib import Path

    from . import config as configuration
    from .discover import discover
    from .rules import DEFAULT, RULES
    from .runner import Task, check_files, default_jobs

    try:
        if config_path is not None and not Path(config_path).is_file():
            raise configuration.ConfigError(f"{config_path}: no such file")
        settings = configuration.load(Path(config_path) if config_path else configuration.find_pyproject(paths))
        chosen = _expand(_codes(select), RULES) if select else _expand(settings.select, RULES)
        selected = (chosen or set(DEFAULT)) | (_expand(settings.extend_select, RULES) or set())
        selected -= _expand(_codes(ignore) if ignore else settings.ignore, RULES) or set()
        for codes in settings.per_file_ignores.values():
            _expand(codes, RULES)
        backends = settings.keras_backends
        if keras_backends is not None:
            from .confirm.backends import parse  # names only: no framework is imported

            try:
                backends = parse(keras_backends)
            except ValueError as error:
                raise click.BadParameter(str(error), param_hint="'--keras-backends'") from None
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
    elif not files and not found.missing:
        click.echo(
            f"headlint: no Python files to check in {', '.join(paths or ['.'])}: "
            f"the configuration excludes every one found ({len(found.files)})",
            err=True,
        )

    if add_noqa and (fix or diff):  # as ruff: a warning, and the directives only
        click.echo("headlint: warning: --fix and --diff are ignored with --add-noqa", err=True)
        fix = diff = False
    fix_mode = ("unsafe" if unsafe_fixes else "safe") if fix or diff else None
    if fix_mode:
        from . import fixes  # imports libcst: only when fixing
    results, fixed, diffs = [], [], []
    confirm_on = None if diff or not confirm else device
    if confirm_on is not None and backends is not None:
        from .records import Probing

        confirm_on = Probing(device, backends)
    tasks = [Task(path, frozenset(selected - settings.ignored_for(path)), confirm_on, fix_mode) for path in files]
    cache = None
    if not no_cache and tasks:
        from .cache import DEFAULT_DIR, Cache

        cache = Cache.open(cache_dir or settings.cache_dir or str(settings.root / DEFAULT_DIR))
    reported: set = set()
    used_elsewhere: set = set()  # noqa.revised
    with _progress(files) as checking:
        for result in check_files(tasks, jobs or default_jobs(), cache):
            if checking is not files:
                checking.update(1)
            path = result.path
            if result.changed and diff:
                if result.cells_changed:  # a notebook: the cells, not its JSON
                    diffs.append(fixes.notebook_diff(path, result.cells_changed))
                else:
                    diffs.append(fixes.unified_diff(path, result.original, result.text))
            elif result.changed:
                problem = fixes.write(path, result.original, result.text)
                result.error = result.error or problem
                result.fixed = [] if problem else result.fixed
            if result.error is not None:
                errors.append(result.error)
                _error_line(f"headlint: error: {result.error.path}: {result.error.reason}", checking is not files)
                if verbose and result.error.detail:
                    click.echo(result.error.detail.rstrip(), err=True)
            # A finding in an imported module may be reached from several files: once.
            for at in result.findings:
                place = (at.code, at.span.path, at.span.cell, at.span.line, at.span.col)
                if place not in reported and (at.span.path == path or at.code not in settings.ignored_for(at.span.path)):
                    reported.add(place)
                    results.append(at)
            fixed.extend(result.fixed)
            used_elsewhere.update(result.noqa_used)
    if cache is not None:
        cache.close()
    from . import noqa

    results = noqa.revised(results, used_elsewhere)
    if add_noqa:  # as ruff --add-noqa: the count on stderr, no report
        added, problems = noqa.add(results)
        for problem in problems:
            click.echo(f"headlint: error: {problem.path}: {problem.reason}", err=True)
        if added and not quiet:
            click.echo(f"Added {added} noqa directive{'s' if added != 1 else ''}.", err=True)
        sys.exit(EXIT_ERROR if errors or found.missing or problems else EXIT_CLEAN)
    if diff:  # the diffs only, as ruff --diff: no findings, nothing written
        click.echo("".join(diffs), nl=False)
        click.echo(fixes.summary(fixed, results, unsafe_fixes, would=True), err=True)
        sys.exit(EXIT_ERROR if errors or found.missing else EXIT_FINDINGS if diffs else EXIT_CLEAN)

    from . import report
    from .rules import RULES

    if errors or found.missing:
        exit_code = EXIT_ERROR
    else:
        exit_code = EXIT_FINDINGS if any(not report.refuted(f) for f in results) else EXIT_CLEAN
    # NO_COLOR (https://no-color.org): set and not empty means no colour, whatever its value.
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    if output_format == "json":
        output = report.as_json(results, errors, len(files), statistics)
    elif output_format == "sarif":
        ran = [RULES[code] for code in sorted(selected)]
        output = report.sarif(results, errors, len(files), ran, exit_code, found.missing, statistics)
    elif output_format == "github":
        output = report.github(results, errors, found.missing)
        if statistics and results:
            output = "\n".join(part for part in (output, report.statistics_table(results)) if part)
    elif output_format == "gitlab":
        output = report.gitlab(results, errors, found.missing)
    elif output_format == "junit":
        output = report.junit(results, errors, len(files), found.missing)
    else:
        output = report.text(results, errors, len(files), color, output_format == "concise", quiet, statistics)
    if output:
        click.echo(output, color=color)
    if fix and output_format in ("text", "concise") and not quiet and (fixed or fixes.hidden(results, unsafe_fixes)):
        click.echo(fixes.summary(fixed, results, unsafe_fixes))
    sys.exit(exit_code)


def _progress(files):
    """A progress bar on stderr for long runs, only when stderr is a terminal: CI
    logs, pipes and redirections never get one. Without one, ``files`` itself."""
    from contextlib import nullcontext

    if len(files) <= PROGRESS_MIN_FILES or not sys.stderr.isatty():
        return nullcontext(files)
    return click.progressbar(
        length=len(files), label="Checking", file=sys.stderr, show_pos=True, show_percent=False, show_eta=True, width=30
    )


def _error_line(message, progress_shown):
    """An error said while a progress bar is drawn goes on a line of its own: the
    bar's line is cleared first and the bar redraws below it."""
    if progress_shown:
        click.echo("\r\033[K", nl=False, err=True)
    click.echo(message, err=True)


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

    width = max(len(rule.name) for rule in RULES.values())
    for code in sorted(RULES):  # by code, whatever order the registry lists them in
        rule = RULES[code]
        click.echo(f"{rule.code}  {rule.name:<{width}}  {rule.summary}")


def run():
    """Console entry point: no traceback ever reaches the user without --verbose."""
    try:
        main(standalone_mode=True)
        code = EXIT_CLEAN
    except SystemExit as done:
        code = done.code
    except KeyboardInterrupt:
        click.echo("headlint: interrupted", err=True)
        code = 130
    except Exception as error:  # noqa: BLE001 - the last line of defence
        click.echo(f"headlint: internal error: {type(error).__name__}: {error} (please report it)", err=True)
        code = EXIT_ERROR
    _leave(code)


# Modules whose import registers clean-up that must run at exit (--confirm loads them).
_NEEDS_TEARDOWN = ("torch", "tensorflow", "keras", "jax")


def _leave(code) -> None:
    """Exit with ``code``. Tearing the interpreter down frees every module and
    object one by one, which costs more than checking a file (about 20 ms on a
    2-core machine, where the whole check of one file is about 60 ms over the
    libcst import), so a plain run flushes its output and ends the process at once,
    as mypy's fast exit does. Nothing is lost: files and the cache are closed
    before this point. A run that started threads or loaded a framework exits the
    usual way, so that their clean-up runs."""
    import threading

    if not isinstance(code, int) or threading.active_count() > 1 or any(m in sys.modules for m in _NEEDS_TEARDOWN):
        sys.exit(code)
    if "logging" in sys.modules:
        sys.modules["logging"].shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (``headlint check | head``): nothing more to say
            pass
    os._exit(code)


if __name__ == "__main__":
    run()
