"""``headlint server``: the Language Server Protocol on standard input and output,
built on pygls. The protocol glue only: what a document's check finds is
editor.py's, as plain data; here it becomes LSP diagnostics, code actions, hovers
and a command.

- Diagnostics on open, change and save: a change after a quiet moment is checked at
  once, one that follows another within DEBOUNCE_S waits until DEBOUNCE_S after the
  last (typing costs one check per pause, not per keystroke); at most one check per
  document runs and one waits, for the document, and for the files its check finds something in (editor.py
  says what goes where); a change also re-checks the open documents that read the
  changed one. A finding is a Warning (the code runs, and trains badly); a file that
  cannot be checked (a syntax error, a bad configuration) an Error; a finding that
  ``headlint.confirm`` refuted, Information.
- Positions in UTF-16 code units, or UTF-8 / UTF-32 when the client offers them
  (``general.positionEncodings``; pygls negotiates, its codec converts).
- Code actions: each finding's fix (an unsafe one says so in its title and is never
  preferred), ``# noqa: CODE`` for each finding, the confirmation on demand, and
  ``source.fixAll.headlint`` (the safe fixes).
- ``workspace/executeCommand`` ``headlint.confirm`` with a diagnostic's ``data``:
  measures that finding in the real framework (never run by itself).

All the engine's work runs on one worker thread, in order, so that the project's
parsed modules are never shared between two checks; the protocol stays responsive.
A failure in one request is logged (``window/logMessage``) and answered empty; the
other documents keep their diagnostics.
"""

from __future__ import annotations

import asyncio
import difflib
import functools
import os
import sys
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from typing import Optional

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from . import __version__, editor
from .pages import page
from .report import evidence_lines
from .rules import RULES
from .textlines import split_lines

DEBOUNCE_S = 0.2  # changes closer than this are one burst, checked once it ends
CONFIRM = "headlint.confirm"
FIX_ALL = f"{types.CodeActionKind.SourceFixAll.value}.headlint"
_SEVERITY = {
    editor.ERROR: types.DiagnosticSeverity.Error,
    editor.WARNING: types.DiagnosticSeverity.Warning,
    editor.INFORMATION: types.DiagnosticSeverity.Information,
}


class HeadlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "headlint",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            notebook_document_sync=types.NotebookDocumentSyncOptions(
                notebook_selector=[
                    types.NotebookDocumentFilterWithCells(cells=[types.NotebookCellLanguage("python")], notebook="*")
                ],
                save=True,
            ),
        )
        self.state = editor.Workspace()
        self.worker = ThreadPoolExecutor(1, thread_name_prefix="headlint-check")
        self.uris: dict = {}  # real path -> the URI the client opened it as (a notebook's: the notebook's)
        self.pending: dict = {}  # real path -> (the debounced check waiting for it, whether it cascades)
        self.running: dict = {}  # real path -> the check running for it
        self.changed_at: dict = {}  # real path -> when it last changed (time.monotonic)
        self.shown: dict = {}  # URI -> the diagnostics last published there
        self.fixes: dict = {}  # (URI, version, finding) -> its fix's WorkspaceEdit

    # --- the worker ---------------------------------------------------------------

    async def run_engine(self, function, *args):
        """``function(*args)`` on the worker thread (one engine call at a time)."""
        return await asyncio.get_running_loop().run_in_executor(self.worker, functools.partial(function, *args))

    def log_failure(self, what: str) -> None:
        self.window_log_message(
            types.LogMessageParams(types.MessageType.Error, f"headlint: {what} failed:\n{traceback.format_exc()}")
        )

    # --- documents and URIs -------------------------------------------------------

    def path_of(self, uri: str) -> str:
        """A URI's file; an untitled buffer's stands in the current directory."""
        path = to_fs_path(uri)
        if path is None:
            return os.path.join(os.getcwd(), uri.rsplit("/", 1)[-1].replace(":", "-") or "untitled")
        return path

    def uri_of(self, path: str) -> str:
        return self.uris.get(os.path.realpath(path)) or from_fs_path(path) or path

    def notebook_of(self, uri: str) -> Optional[types.NotebookDocument]:
        return self.workspace.get_notebook_document(cell_uri=uri)

    def cells(self, notebook: types.NotebookDocument) -> list:
        return [
            (cell.kind == types.NotebookCellKind.Code, self.workspace.get_text_document(cell.document).source)
            for cell in notebook.cells
        ]

    def lines(self, path: str, cell: Optional[int] = None) -> list:
        """The lines a diagnostic's columns count in: the open buffer's, a notebook
        cell's, else the file's on disk."""
        uri = self.uris.get(os.path.realpath(path))
        if uri is not None:
            notebook = self.workspace.get_notebook_document(notebook_uri=uri)
            if notebook is not None:
                if cell is None or not 0 < cell <= len(notebook.cells):
                    return []
                return _lines(self.workspace.get_text_document(notebook.cells[cell - 1].document))
            return _lines(self.workspace.get_text_document(uri))
        try:
            with open(path, encoding="utf-8", errors="replace", newline="") as handle:
                return split_lines(handle.read(), keepends=True)
        except OSError:
            return []

    def position(self, lines: list, line: int, col: int) -> types.Position:
        if not 0 <= line < len(lines):
            return types.Position(line=max(line, 0), character=0)
        return self.workspace.position_codec.position_to_client_units(lines, types.Position(line=line, character=col))

    def range_of(self, place: editor.Place) -> types.Range:
        lines = self.lines(place.path, place.cell)
        return types.Range(self.position(lines, place.line, place.col), self.position(lines, place.end_line, place.end_col))

    def location_uri(self, path: str, cell: Optional[int]) -> str:
        """The URI a place is shown at: a notebook's cell, or the file."""
        uri = self.uri_of(path)
        notebook = self.workspace.get_notebook_document(notebook_uri=uri) if cell is not None else None
        if notebook is not None and 0 < cell <= len(notebook.cells):
            return notebook.cells[cell - 1].document
        return uri

    # --- checking and publishing --------------------------------------------------

    def schedule(self, path: str, delay: float, cascade: bool = True) -> None:
        """Check ``path`` after ``delay`` seconds without another change to it; with
        ``cascade``, then the open documents that read it."""
        key = os.path.realpath(path)
        waiting = self.pending.pop(key, None)
        if waiting is not None:
            waiting[0].cancel()
            cascade = cascade or waiting[1]  # the check it replaces was to cascade
        self.pending[key] = (asyncio.ensure_future(self._check_later(key, path, delay, cascade)), cascade)

    def changed(self, path: str) -> float:
        """Note a change; the delay its check waits for (see the module's docstring)."""
        key, now = os.path.realpath(path), time.monotonic()
        last, self.changed_at[key] = self.changed_at.get(key), now
        return DEBOUNCE_S if last is not None and now - last < DEBOUNCE_S else 0

    async def _check_later(self, key: str, path: str, delay: float, cascade: bool) -> None:
        try:
            await asyncio.sleep(delay)
            running = self.running.get(key)
            if running is not None:
                await asyncio.shield(running)  # a newer change cancels this wait, not that check
        except asyncio.CancelledError:
            return
        except Exception:  # noqa: BLE001 - that check's failure is its own (logged there)
            pass
        self.pending.pop(key, None)
        check = self.running[key] = asyncio.ensure_future(self.run_engine(self.state.diagnose, path))
        try:
            await check
            dependents = await self.run_engine(self.state.dependents, path) if cascade else []
            self.publish()
        except Exception:  # noqa: BLE001 - one document's failure leaves the others as they are
            self.log_failure(f"checking {path}")
            return
        finally:
            if self.running.get(key) is check:
                del self.running[key]
        for other in dependents:  # once: their checks do not cascade back
            self.recheck(other)

    def recheck(self, key: str) -> None:
        document = self.state.documents.get(key)
        if document is not None:
            self.schedule(document.path, 0, cascade=False)

    def publish(self) -> None:
        """Send the diagnostics of every checked open document, and of every file
        that has some or had some, when they changed."""
        wanted: dict = {}
        for path in self.state.targets() | self.state.checked():
            uri = self.uri_of(path)
            notebook = self.workspace.get_notebook_document(notebook_uri=uri)
            for cell in notebook.cells if notebook is not None else ():
                wanted.setdefault(cell.document, [])
            if notebook is None:
                wanted.setdefault(uri, [])
            for diagnostic in self.state.published(path):
                wanted.setdefault(self.location_uri(path, diagnostic.place.cell), []).append(self.to_lsp(diagnostic))
        for uri in set(self.shown) - set(wanted):
            wanted[uri] = []  # cleared: no open document's check finds anything there now
        for uri, diagnostics in wanted.items():
            if self.shown.get(uri) != diagnostics:
                self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))
            self.shown[uri] = diagnostics
        for uri in [uri for uri, diagnostics in self.shown.items() if not diagnostics and uri not in wanted]:
            del self.shown[uri]

    def to_lsp(self, diagnostic: editor.Diagnostic) -> types.Diagnostic:
        severity = diagnostic.severity
        message = diagnostic.message
        if diagnostic.evidence:
            message += "".join(f"\n{line}" for line in evidence_lines(diagnostic.evidence))
            if diagnostic.evidence.get("status") == "refuted":
                severity = editor.INFORMATION
        related = [
            types.DiagnosticRelatedInformation(
                types.Location(self.location_uri(place.path, place.cell), self.range_of(place)), label
            )
            for label, place in diagnostic.related
        ]
        data = None
        if diagnostic.code is not None:
            place = diagnostic.place
            data = {"code": diagnostic.code, "path": place.path, "cell": place.cell, "line": place.line, "col": place.col}
        return types.Diagnostic(
            range=self.range_of(diagnostic.place),
            message=message,
            severity=_SEVERITY[severity],
            code=diagnostic.code,
            source="headlint",
            related_information=related or None,
            data=data,
        )

    def find(self, data) -> Optional[editor.Diagnostic]:
        """The finding a diagnostic's ``data`` names, as last published."""
        if not isinstance(data, dict) or "path" not in data:
            return None
        key = (data.get("code"), data.get("path"), data.get("cell"), data.get("line"), data.get("col"))
        return next((d for d in self.state.published(data["path"]) if d.key == key), None)

    # --- edits --------------------------------------------------------------------

    async def fix_edit(self, uri: str, path: str, found: editor.Diagnostic) -> Optional[types.WorkspaceEdit]:
        """The edit fixing one finding, kept while the document is unchanged (clients
        ask for code actions at every move of the cursor)."""
        version = self.workspace.get_text_document(uri).version
        key = (uri, version, found.key)
        if key not in self.fixes:
            if len(self.fixes) > 64:
                self.fixes.clear()
            self.fixes[key] = self.workspace_edit(await self.run_engine(self.state.fixed, path, found))
        return self.fixes[key]

    def text_edits(self, before: str, after: str) -> list:
        """The changed lines only (difflib), as TextEdits of ``before``."""
        old, new = split_lines(before, keepends=True), split_lines(after, keepends=True)
        edits = []
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
            if tag == "equal":
                continue
            start = types.Position(line=i1, character=0)
            if i2 == len(old) and old and not old[-1].endswith(("\n", "\r")):
                end = types.Position(line=i2 - 1, character=self.workspace.position_codec.client_num_units(old[-1]))
            else:
                end = types.Position(line=i2, character=0)
            edits.append(types.TextEdit(types.Range(start, end), "".join(new[j1:j2])))
        return edits

    def workspace_edit(self, changed: dict) -> Optional[types.WorkspaceEdit]:
        """editor.Workspace.fixed's answer as a WorkspaceEdit."""
        changes: dict = {}
        for path, change in changed.items():
            if isinstance(change, list):  # a notebook's cells
                for cell, before, after in change:
                    changes.setdefault(self.location_uri(path, cell), []).extend(self.text_edits(before, after))
            else:
                changes.setdefault(self.uri_of(path), []).extend(self.text_edits(*change))
        return types.WorkspaceEdit(changes=changes) if changes else None


server = HeadlintServer()


def _guarded(default=None):
    """A handler whose failure is logged and answered with ``default``: the server
    and the other documents' diagnostics live on."""

    def wrap(handler):
        if asyncio.iscoroutinefunction(handler):

            @functools.wraps(handler)
            async def guarded_async(ls, params):
                try:
                    return await handler(ls, params)
                except Exception:  # noqa: BLE001
                    ls.log_failure(handler.__name__)
                    return default

            return guarded_async

        @functools.wraps(handler)
        def guarded(ls, params):
            try:
                return handler(ls, params)
            except Exception:  # noqa: BLE001
                ls.log_failure(handler.__name__)
                return default

        return guarded

    return wrap


# --- text documents -------------------------------------------------------------


def _opened(ls: HeadlintServer, uri: str) -> Optional[str]:
    """Take an opened or changed text document's text; its path, or None for a
    notebook's cell (the notebook's own notifications carry those) and for what is
    not Python (a client that sends every document)."""
    document = ls.workspace.get_text_document(uri)
    path = ls.path_of(uri)
    if ls.notebook_of(uri) is not None or not (document.language_id == "python" or path.endswith(".py")):
        return None
    ls.uris[os.path.realpath(path)] = uri
    ls.worker.submit(ls.state.open, path, document.source)
    return path


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
@_guarded()
def did_open(ls: HeadlintServer, params: types.DidOpenTextDocumentParams) -> None:
    path = _opened(ls, params.text_document.uri)
    if path is not None:
        ls.schedule(path, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
@_guarded()
def did_change(ls: HeadlintServer, params: types.DidChangeTextDocumentParams) -> None:
    path = _opened(ls, params.text_document.uri)
    if path is not None:
        ls.schedule(path, ls.changed(path))


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
@_guarded()
def did_save(ls: HeadlintServer, params: types.DidSaveTextDocumentParams) -> None:
    if ls.notebook_of(params.text_document.uri) is None:
        ls.worker.submit(ls.state.files_changed)
        ls.schedule(ls.path_of(params.text_document.uri), 0)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
@_guarded()
async def did_close(ls: HeadlintServer, params: types.DidCloseTextDocumentParams) -> None:
    if ls.notebook_of(params.text_document.uri) is None:
        await _closed(ls, ls.path_of(params.text_document.uri))


async def _closed(ls: HeadlintServer, path: str) -> None:
    key = os.path.realpath(path)
    waiting = ls.pending.pop(key, None)
    if waiting is not None:
        waiting[0].cancel()
    dependents = await ls.run_engine(ls.state.dependents, path)
    await ls.run_engine(ls.state.close, path)
    ls.uris.pop(key, None)
    ls.publish()
    for other in dependents:  # they read the file on disk now
        ls.recheck(other)


@server.feature(types.INITIALIZED)
@_guarded()
async def initialized(ls: HeadlintServer, params: types.InitializedParams) -> None:
    """Ask to hear of files changed on disk (a checkout, another editor), when the
    client can watch them: the other files' analyses read them."""
    watching = ls.client_capabilities.workspace and ls.client_capabilities.workspace.did_change_watched_files
    if not (watching and watching.dynamic_registration):
        return
    watchers = [types.FileSystemWatcher(glob_pattern=pattern) for pattern in ("**/*.py", "**/pyproject.toml")]
    await ls.client_register_capability_async(
        types.RegistrationParams(
            [
                types.Registration(
                    "headlint-watched-files",
                    types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                    types.DidChangeWatchedFilesRegistrationOptions(watchers),
                )
            ]
        )
    )


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
@_guarded()
def did_change_watched_files(ls: HeadlintServer, params: types.DidChangeWatchedFilesParams) -> None:
    ls.worker.submit(ls.state.files_changed)
    for document in list(ls.state.documents.values()):
        ls.schedule(document.path, DEBOUNCE_S, cascade=False)


# --- notebooks ------------------------------------------------------------------


def _notebook_opened(ls: HeadlintServer, uri: str, delay: float) -> None:
    notebook = ls.workspace.get_notebook_document(notebook_uri=uri)
    path = ls.path_of(uri)
    ls.uris[os.path.realpath(path)] = uri
    ls.worker.submit(ls.state.open, path, "", ls.cells(notebook))
    ls.schedule(path, delay)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
@_guarded()
def notebook_did_open(ls: HeadlintServer, params: types.DidOpenNotebookDocumentParams) -> None:
    _notebook_opened(ls, params.notebook_document.uri, 0)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
@_guarded()
def notebook_did_change(ls: HeadlintServer, params: types.DidChangeNotebookDocumentParams) -> None:
    _notebook_opened(ls, params.notebook_document.uri, ls.changed(ls.path_of(params.notebook_document.uri)))


@server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
@_guarded()
def notebook_did_save(ls: HeadlintServer, params: types.DidSaveNotebookDocumentParams) -> None:
    _notebook_opened(ls, params.notebook_document.uri, 0)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
@_guarded()
async def notebook_did_close(ls: HeadlintServer, params: types.DidCloseNotebookDocumentParams) -> None:
    await _closed(ls, ls.path_of(params.notebook_document.uri))


# --- code actions ---------------------------------------------------------------


def _ours(ls: HeadlintServer, uri: str, diagnostics) -> list:
    """(LSP diagnostic, editor.Diagnostic) for headlint's findings among ``diagnostics``."""
    pairs = []
    for diagnostic in diagnostics:
        if diagnostic.source == "headlint" and diagnostic.data is not None:
            found = ls.find(diagnostic.data)
            if found is not None:
                pairs.append((diagnostic, found))
    return pairs


def _wants(only, kind: str) -> bool:
    """Does the client's ``only`` (kinds, or prefixes of kinds) take ``kind``?"""
    return not only or any(kind == k or kind.startswith(f"{k}.") for k in only)


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=False
    ),
)
@_guarded(default=[])
async def code_action(ls: HeadlintServer, params: types.CodeActionParams) -> list:
    uri = params.text_document.uri
    only = params.context.only
    actions = []
    notebook = ls.notebook_of(uri)
    path = ls.path_of(notebook.uri) if notebook is not None else ls.path_of(uri)
    for lsp_diagnostic, found in _ours(ls, uri, params.context.diagnostics):
        if not _wants(only, types.CodeActionKind.QuickFix):
            break
        if found.fix is not None:
            safe = bool(found.fix.get("safe"))
            edit = await ls.fix_edit(uri, path, found)
            if edit is not None:
                title = f"Fix {found.code}: {found.fix['description']}"
                actions.append(
                    types.CodeAction(
                        title if safe else f"{title} (unsafe: it changes what the model outputs)",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[lsp_diagnostic],
                        edit=edit,
                        is_preferred=safe,
                    )
                )
        noqa = _noqa_edit(ls, uri, lsp_diagnostic, found.code)
        if noqa is not None:
            actions.append(
                types.CodeAction(
                    f"Add # noqa: {found.code}", kind=types.CodeActionKind.QuickFix, diagnostics=[lsp_diagnostic], edit=noqa
                )
            )
        actions.append(
            types.Command(title=f"Confirm {found.code} in the real framework", command=CONFIRM, arguments=[lsp_diagnostic.data])
        )
    if only and _wants(only, FIX_ALL) and notebook is None:  # asked for by name (on save), never offered unasked
        edit = ls.workspace_edit(await ls.run_engine(ls.state.fixed_all, path))
        if edit is not None:
            actions.append(types.CodeAction("Fix all safely fixable headlint findings", kind=FIX_ALL, edit=edit))
    return actions


def _lines(document) -> list:
    """A document's lines as LSP counts them (CR, LF, CRLF): pygls's own
    ``lines`` also breaks at form feeds and U+2028 (str.splitlines)."""
    return split_lines(document.source, keepends=True)


def _noqa_edit(ls: HeadlintServer, uri: str, diagnostic: types.Diagnostic, code: str) -> Optional[types.WorkspaceEdit]:
    lines = _lines(ls.workspace.get_text_document(uri))
    number = diagnostic.range.start.line
    if not 0 <= number < len(lines):
        return None
    line = lines[number].rstrip("\r\n")
    changed = editor.noqa_edit(line, code)
    if changed is None:
        return None
    end = types.Position(line=number, character=ls.workspace.position_codec.client_num_units(line))
    edit = types.TextEdit(types.Range(types.Position(line=number, character=0), end), changed)
    return types.WorkspaceEdit(changes={uri: [edit]})


# --- hover ----------------------------------------------------------------------


@server.feature(types.TEXT_DOCUMENT_HOVER)
@_guarded()
def hover(ls: HeadlintServer, params: types.HoverParams) -> Optional[types.Hover]:
    uri = params.text_document.uri
    notebook = ls.notebook_of(uri)
    cell = None
    if notebook is not None:
        cell = next((i for i, c in enumerate(notebook.cells, 1) if c.document == uri), None)
        path = ls.path_of(notebook.uri)
    else:
        path = ls.path_of(uri)
    line = params.position.line
    here = [
        d
        for d in ls.state.published(path)
        if d.code is not None and d.place.cell == cell and d.place.line <= line <= d.place.end_line
    ]
    if not here:
        return None
    return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, "\n\n---\n\n".join(map(hover_text, here))))


def hover_text(diagnostic: editor.Diagnostic) -> str:
    """The rule's summary, this finding, and how to fix it (the page's "Use instead"
    up to its first example); the whole page is ``headlint explain CODE``."""
    rule = RULES[diagnostic.code]
    parts = [f"**{rule.code} {rule.name}**: {rule.summary}", diagnostic.message]
    advice = _section(page(rule.code) or "", "Use instead")
    if advice:
        parts.append(f"**Use instead**: {advice}")
    if diagnostic.fix is not None:
        kind = "safe" if diagnostic.fix.get("safe") else "unsafe: it changes what the model outputs"
        parts.append(f"**Automatic fix** ({kind}): {diagnostic.fix['description']}")
    if diagnostic.evidence:
        parts.extend(evidence_lines(diagnostic.evidence))
    parts.append(f"The whole page: `headlint explain {rule.code}`")
    return "\n\n".join(parts)


def _section(text: str, title: str) -> str:
    """A page section's prose before its first code block."""
    lines = text.splitlines()
    try:
        start = lines.index(f"## {title}") + 1
    except ValueError:
        return ""
    prose = []
    for line in lines[start:]:
        if line.startswith(("## ", "```")):
            break
        prose.append(line)
    return " ".join(" ".join(prose).split())


# --- the confirmation -----------------------------------------------------------


@server.command(CONFIRM)
async def confirm(ls: HeadlintServer, *arguments):
    """``headlint.confirm`` with a diagnostic's ``data``: measure that finding in the
    real framework; the evidence is shown (window/showMessage), added to the
    diagnostic, and returned."""
    try:
        found = ls.find(arguments[0] if arguments else None)
        if found is None:
            ls.window_show_message(
                types.ShowMessageParams(types.MessageType.Warning, "headlint: that finding is no longer reported")
            )
            return None
        evidence = await ls.run_engine(ls.state.confirm, found)
    except Exception:  # noqa: BLE001
        ls.log_failure(CONFIRM)
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Error, "headlint: the confirmation failed"))
        return None
    if evidence is None:
        text = f"headlint: {found.code} is no longer found there"
    else:
        text = f"headlint: {found.code}: " + "; ".join(evidence_lines(evidence))
    ls.window_show_message(types.ShowMessageParams(types.MessageType.Info, text))
    ls.publish()
    return evidence


def serve() -> None:
    """Serve on standard input and output. What anything else writes to standard
    output (a framework's banner during a confirmation, a stray print) goes to
    standard error, so that it never corrupts the protocol's stream."""
    protocol_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb", buffering=0)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    server.start_io(sys.stdin.buffer, protocol_out)
