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
# How alike (difflib's ratio) an unknown rule must be to a code or name to be suggested.
NEAR_RULE = 0.7


def _ruff_conventions(command):
    """The options ruff users type without thinking, with ruff's meaning: rule and
    file selection, standard input, and what the run prints and where. ``check``
    gets them as ``**ruff``."""
    options = [
        click.option("--extend-select", multiple=True, metavar="CODES", help="Add these rules to the selection."),
        click.option("--extend-ignore", multiple=True, metavar="CODES", hidden=True, help="The same as --ignore."),
        click.option(
            "--per-file-ignores",
            multiple=True,
            metavar="PATTERN:CODE",
            help="Skip rules in matching files (e.g. 'tests/*:HL003'; comma-separated pairs); replaces the "
            "configuration's.",
        ),
        click.option(
            "--extend-per-file-ignores", multiple=True, metavar="PATTERN:CODE", help="Like --per-file-ignores, added."
        ),
        click.option(
            "--exclude", multiple=True, metavar="PATTERNS", help="Files and folders never checked (replaces the "
            "configuration's)."
        ),
        click.option("--extend-exclude", multiple=True, metavar="PATTERNS", help="Like --exclude, added."),
        click.option(
            "--force-exclude/--no-force-exclude",
            default=None,
            help="Exclude paths named on the command line too (pre-commit passes every staged file).",
        ),
        click.option(
            "--stdin-filename",
            metavar="PATH",
            help="Check standard input as if it were the file PATH (its imports, excludes, per-file-ignores).",
        ),
        click.option("-e", "--exit-zero", is_flag=True, help="Exit 0 even when there are findings (errors: 2)."),
        click.option(
            "-o",
            "--output-file",
            type=click.Path(dir_okay=False),
            envvar="HEADLINT_OUTPUT_FILE",
            help="Write the report to this file instead of standard output [env: HEADLINT_OUTPUT_FILE].",
        ),
        click.option("--show-settings", is_flag=True, help="Print the resolved settings and exit."),
        click.option("--show-files", is_flag=True, help="Print the files that would be checked and exit."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _pattern_codes(values, flag):
    """ruff's ``PATTERN:CODE`` pairs, comma-separated or repeated; flake8's
    ``PATTERN:CODE1,CODE2`` is read too (a bare code belongs to the pattern before it)."""
    pairs = []
    for item in (part.strip() for value in values for part in value.split(",")):
        if not item:
            continue
        tokens = item.split(":")
        if len(tokens) == 2 and tokens[0].strip() and tokens[1].strip():
            pairs.append((tokens[0].strip(), [tokens[1].strip().upper()]))
        elif len(tokens) == 1 and pairs:
            pairs[-1][1].append(item.upper())
        else:
            raise click.BadParameter(f"{flag}: expected PATTERN:CODE (e.g. 'tests/*:HL003'), not {item!r}")
    merged: dict = {}
    for pattern, codes in pairs:
        merged.setdefault(pattern, []).extend(codes)
    return list(merged.items())


def _checked_codes(codes, flag, known):
    from .selection import UnknownCode, check

    try:
        check(codes, known)
    except UnknownCode as error:
        raise click.BadParameter(f"{flag}: {error}") from None
    return codes


def _split(values):
    """File patterns, comma-separated or repeated, as ruff reads them."""
    return [pattern.strip() for value in values for pattern in value.split(",") if pattern.strip()]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="headlint")
def main():
    """headlint finds the output-head mistakes of PyTorch and Keras models that
    silently cripple training: a softmax fed to a loss that applies softmax
    itself, a sigmoid trained with squared error as a classifier, a softmax over
    one unit, and the other rules that 'headlint rules' lists. It reads the model
    code without running it or importing the frameworks.

    Run 'headlint check' on files, notebooks or directories (exit 0: no findings,
    1: findings, 2: an error), and 'headlint explain HL001' for what a rule
    reports and how to fix it.
    """


# short_help: the command list of ``headlint --help`` would cut the docstring at
# its first sentence or at 45 characters; each is a whole sentence on its own.
@main.command(short_help="Check Python files, notebooks and directories for head mistakes.")
@click.argument("paths", nargs=-1, type=click.Path(readable=False))  # unreadable: a per-file error, not a usage error
@click.option(
    "--select",
    multiple=True,
    metavar="CODES",
    help="Only these rules (comma-separated codes, prefixes or ALL); replaces the configuration's selection.",
)
@click.option("--ignore", multiple=True, metavar="CODES", help="Skip these rules (added to the configuration's).")
@_ruff_conventions
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
    help="Print a unified diff of what --fix would change, without writing; the findings it leaves go to "
    "stderr. Exit 1 if there is a diff or a finding left.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes for the files that need parsing (default: one per CPU). "
    "The output is the same whatever the number.",
)
@click.option(
    "--no-importers",
    is_flag=True,
    help="Check the given files alone: not also the project's files that import them "
    "(which a hook or a diff does not name, and which hold the loss that trains a model).",
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
    unsafe_fixes, diff, jobs, no_importers, no_cache, verbose, cache_dir, config_path, **ruff,
):
    """Check PATHS (Python files, Jupyter notebooks or directories; default: the
    current directory)."""
    from pathlib import Path

    from . import config as configuration
    from . import selection
    from .discover import Discovery, discover
    from .rules import DEFAULT, RULES
    from .runner import Task, check_files, default_jobs

    stdin_name = ruff["stdin_filename"]
    stdin = stdin_name is not None or paths == ("-",)  # as ruff: --stdin-filename alone reads it too
    for path in paths if stdin_name is not None else ():
        if path != "-":
            click.echo(f"headlint: warning: ignoring file {path} in favor of standard input", err=True)
    try:
        if stdin and (ruff["show_files"] or ruff["show_settings"]):
            raise click.BadParameter("--show-files and --show-settings read no standard input")
        if config_path is not None and not Path(config_path).is_file():
            raise configuration.ConfigError(f"{config_path}: no such file")
        where = [stdin_name] if stdin_name is not None else [] if stdin else paths
        settings = configuration.load(Path(config_path) if config_path else configuration.find_pyproject(where))
        command_line = selection.Layer(
            _checked_codes(selection.split(select), "--select", RULES) if select else None,
            _checked_codes(selection.split(ruff["extend_select"]), "--extend-select", RULES),
            _checked_codes(selection.split(ignore + ruff["extend_ignore"]), "--ignore", RULES),
        )
        selected = selection.resolve([settings.rules_layer(), command_line], RULES, DEFAULT)
        per_file = {}
        for flag in ("per_file_ignores", "extend_per_file_ignores"):
            name = "--" + flag.replace("_", "-")
            pairs = _pattern_codes(ruff[flag], name) if ruff[flag] else None
            for _, codes in pairs or ():
                _checked_codes(codes, name, RULES)
            per_file[flag] = pairs
        settings = settings.overridden(
            exclude=_split(ruff["exclude"]) if ruff["exclude"] else None,
            extend_exclude=_split(ruff["extend_exclude"]),
            per_file_ignores=per_file["per_file_ignores"],
            extend_per_file_ignores=per_file["extend_per_file_ignores"] or (),
            force_exclude=ruff["force_exclude"],
        )
        backends = settings.keras_backends
        if keras_backends is not None:
            from .confirm.backends import parse  # names only: no framework is imported

            try:
                backends = parse(keras_backends)
            except ValueError as error:
                raise click.BadParameter(str(error), param_hint="'--keras-backends'") from None
        out = _output(ruff["output_file"])
    except (configuration.ConfigError, click.BadParameter) as error:
        click.echo(f"headlint: error: {error}", err=True)
        sys.exit(EXIT_ERROR)
    confirm = settings.confirm if confirm is None else confirm
    device = device or settings.device

    data = None
    if stdin:  # as if at --stdin-filename: its excludes (with force-exclude) and per-file-ignores
        name = stdin_name or "-"
        found = Discovery(files=[name], named={name: name})
        data = sys.stdin.buffer.read()
    else:
        found = discover(paths or ["."])
    files = [path for path in found.files if path == "-" or not settings.excluded(path, found.named.get(path))]
    cache_dir = cache_dir or settings.cache_dir
    if ruff["show_settings"] or ruff["show_files"]:
        if ruff["show_settings"]:
            from .cache import DEFAULT_DIR

            click.echo(settings.describe(selected, cache_dir or str(settings.root / DEFAULT_DIR)), file=out)
        else:
            click.echo("".join(f"{path}\n" for path in files), nl=False, file=out)
        for missing in found.missing:
            click.echo(f"headlint: error: {missing}: no such file or directory", err=True)
        sys.exit(EXIT_ERROR if found.missing else EXIT_CLEAN)
    errors = []
    for missing in found.missing:
        click.echo(f"headlint: error: {missing}: no such file or directory", err=True)
    if not found.files and not found.missing:
        click.echo(f"headlint: no Python files found in {', '.join(paths or ['.'])}", err=True)
    elif not files and not found.missing and not stdin:  # ruff says nothing either
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
    # a fix found through one file's analysis may edit another checked file
    fix_paths = frozenset(os.path.realpath(path) for path in files) if fix_mode else frozenset()
    tasks = [
        Task(path, frozenset(selected - settings.ignored_for(path)), confirm_on, fix_mode, fix_paths=fix_paths, data=data)
        for path in files
    ]
    cache = None
    if not no_cache and tasks and not stdin:
        from .cache import DEFAULT_DIR, Cache

        cache = Cache.open(cache_dir or str(settings.root / DEFAULT_DIR))
    project = _stdin_project(stdin_name, data) if stdin and not no_importers else None
    if tasks and not no_importers and (not stdin or project is not None):
        from .importers import importers_of

        walked = [] if stdin else [path for path in (paths or ["."]) if os.path.isdir(path)]
        context = importers_of(files, settings.excluded, cache, walked)
        # standard input's fixed text goes to stdout: its importers only report
        fixing = (None, frozenset()) if stdin else (fix_mode, fix_paths)
        tasks += [Task(path, frozenset(selected), confirm_on, fixing[0], True, fixing[1]) for path in context]
    checked = {os.path.realpath(path) for path in files}
    fixed_input = data  # --fix on standard input: the fixed text goes to standard output, as ruff's
    reported: set = set()
    edited: set = set()  # the files a fix has changed (or, with --diff, would)
    used_elsewhere: set = set()  # noqa.revised
    with _progress(tasks) as checking:
        for result in check_files(tasks, jobs or default_jobs(), cache, project):
            if checking is not tasks:
                checking.update(1)
            path = result.path
            if result.changed and diff:
                if result.cells_changed:  # a notebook: the cells, not its JSON
                    diffs.append(fixes.notebook_diff(path, result.cells_changed))
                else:
                    diffs.append(fixes.unified_diff(path, result.original, result.text))
            elif result.changed and stdin:
                fixed_input = fixes.encode(path, data, result.text)
            elif result.changed:
                problem = fixes.write(path, result.original, result.text)
                result.error = result.error or problem
                result.fixed = [] if problem else result.fixed
            if result.other_files:
                result.fixed = _other_files_fixed(result, edited, diffs if diff else None)
            if result.changed:
                edited.add(os.path.realpath(path))
            if result.error is not None:
                errors.append(result.error)
                rest = "; the rest of the file was checked" if result.error.partial else ""
                _error_line(f"headlint: error: {result.error.path}: {result.error.reason}{rest}", checking is not tasks)
                if verbose and result.error.detail:
                    click.echo(result.error.detail.rstrip(), err=True)
            # A finding in an imported module may be reached from several files: once;
            # and as that module's own: never in a file the configuration excludes
            # (a vendored model is not the user's to fix), nor for a code it ignores there.
            for at in result.findings:
                place = (at.code, at.span.path, at.span.cell, at.span.line, at.span.col)
                if place not in reported and (at.span.path == path or settings.reports_in(at.span.path, at.code, checked)):
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
    from . import report

    if diff:
        # stdout: the diffs alone, a patch as ruff --diff prints it; nothing written.
        # stderr: the findings the diffs leave (ruff's --diff hides them and exits 0),
        # one line each, and the summary: a finding fails the run, fixable or not.
        click.echo("".join(diffs), nl=False, file=out)
        if results:
            click.echo(report.text(results, [], len(files), False, concise=True, quiet=True), err=True)
        if not quiet:  # -q: the findings, no summary line, as everywhere else
            click.echo(fixes.summary(fixed, results, unsafe_fixes, would=True), err=True)
        exit_code = EXIT_ERROR if errors or found.missing else EXIT_FINDINGS if diffs or results else EXIT_CLEAN
        sys.exit(EXIT_CLEAN if ruff["exit_zero"] and exit_code == EXIT_FINDINGS else exit_code)
    if stdin and fix:
        sys.stdout.buffer.write(fixed_input)
        sys.stdout.flush()
        out = out or sys.stderr  # the report beside it

    from .rules import RULES

    if errors or found.missing:
        exit_code = EXIT_ERROR
    else:
        exit_code = EXIT_FINDINGS if any(not report.refuted(f) for f in results) else EXIT_CLEAN
    # NO_COLOR (https://no-color.org): set and not empty means no colour, whatever its value.
    color = out is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
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
        click.echo(output, color=color, file=out)
    if fix and output_format in ("text", "concise") and not quiet and (fixed or fixes.hidden(results, unsafe_fixes)):
        click.echo(fixes.summary(fixed, results, unsafe_fixes), file=out)
    # --exit-zero: findings do not fail the run; an error still does (exit 2), as in ruff
    sys.exit(EXIT_CLEAN if ruff["exit_zero"] and exit_code == EXIT_FINDINGS else exit_code)


def _output(path):
    """Where the report goes: None (standard output) or the --output-file, its
    folders made as ruff makes them, closed when the command ends."""
    if path is None:
        return None
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        handle = open(path, "w", encoding="utf-8")
    except OSError as error:
        raise click.BadParameter(f"--output-file: cannot write {path}: {error.strerror or error}") from None
    click.get_current_context().call_on_close(handle.close)
    return handle


def _stdin_project(name: Optional[str], data: bytes):
    """A Project in which standard input's text stands for the file at
    ``--stdin-filename`` (an editor's unsaved buffer), so that the files importing
    it are read with it; None without a Python file's name to stand for."""
    from .project import Project
    from .source import Source, read

    if name is None or name == "-":
        return None
    source = read(name, data)
    if not isinstance(source, Source) or source.notebook is not None:
        return None
    project = Project()
    project.overlay(name, source.text)
    return project


def _other_files_fixed(result, edited: set, diffs) -> list:
    """Write (or, given ``diffs``, show) the fixes a file's analysis made in other
    checked files; the findings fixed, less those in a file another fix of this
    run has changed already (a later run takes them)."""
    from . import fixes

    done = set()
    for path, (before, after) in result.other_files.items():
        real = os.path.realpath(path)
        if real in edited:
            continue
        if diffs is not None:
            diffs.append(fixes.unified_diff(os.path.relpath(path), before, after))
        elif fixes.write(path, before, after) is not None:
            continue
        edited.add(real)
        done.add(real)
    own = os.path.realpath(result.path)
    return [at for at in result.fixed if os.path.realpath(at.span.path) in done | {own}]


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


@main.command(short_help="Print a rule's page: the mistake, an example and its fix.")
@click.argument("rule")
def explain(rule):
    """Print the reference page of RULE, a code or a name (HL001, double-softmax)."""
    from .pages import page
    from .rules import RULES

    code = _rule_code(rule, RULES)
    text = page(code)
    if text is None:
        click.echo(f"headlint: error: the page for {code} is missing from this installation", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(text.rstrip())


def _rule_code(text, rules):
    """The code of the rule ``text`` names, by code or by name, in any case
    (``hl001``, ``Double-Softmax``, ``double_softmax``); an unknown one is a usage
    error that names the nearest code or name."""
    import difflib

    wanted = text.strip().upper().replace("_", "-")
    by_name = {rule.name.upper(): code for code, rule in rules.items()}
    if wanted in rules or wanted in by_name:
        return by_name.get(wanted, wanted)

    def likeness(candidate):
        return difflib.SequenceMatcher(None, wanted, candidate).ratio()

    near = max([*sorted(rules), *by_name], key=likeness)  # a tie: the lowest code
    hint = ""
    if likeness(near) >= NEAR_RULE:
        code = by_name.get(near, near)
        hint = f"; did you mean {code} ({rules[code].name})?"
    raise click.BadParameter(f"unknown rule {text}{hint} (see 'headlint rules')", param_hint="RULE")


@main.command(name="rules", short_help="List every rule: code, name and what it reports.")
def list_rules():
    """List every rule: code, name and what it reports."""
    from .rules import RULES

    width = max(len(rule.name) for rule in RULES.values())
    for code in sorted(RULES):  # by code, whatever order the registry lists them in
        rule = RULES[code]
        click.echo(f"{rule.code}  {rule.name:<{width}}  {rule.summary}")


@main.command(short_help="Run the language server (LSP) that editors start.")
@click.option(
    "--stdio", is_flag=True, help="Talk over standard input and output (the only way; accepted for clients that pass it)."
)
def server(stdio):
    """Run the language server (LSP) for editors, on standard input and output."""
    from .server import serve  # pygls: only for this command

    serve()


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
