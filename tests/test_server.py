"""`headlint server` end to end: a real LSP client (pytest-lsp) drives the installed
command as a subprocess, on a small project written for each test."""

import asyncio
import json
import re
import sys
from pathlib import Path

import pytest

pytest_asyncio = pytest.importorskip("pytest_asyncio")
pytest_lsp = pytest.importorskip("pytest_lsp", reason="pytest-lsp for pygls 2 needs Python 3.10+")

from lsprotocol import types  # noqa: E402
from pygls.uris import from_fs_path  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

from cli_helpers import HEADLINT  # noqa: E402

pytestmark = pytest.mark.asyncio

MODEL = """\
import torch
from torch import nn


def build():
    return nn.Sequential(nn.Linear(4, 3), nn.Softmax(dim=1))
"""
TRAIN = """\
import torch
from torch import nn

from model import build

model = build()
criterion = nn.CrossEntropyLoss()
x, y = torch.randn(8, 4), torch.randint(0, 3, (8,))
loss = criterion(model(x), y)
loss.backward()
"""
ONE_FILE = """\
import torch
from torch import nn

model = nn.Sequential(nn.Linear(4, 3), nn.Softmax(dim=1))
criterion = nn.CrossEntropyLoss()
x, y = torch.randn(8, 4), torch.randint(0, 3, (8,))
loss = criterion(model(x), y)
loss.backward()
"""
KERAS = """\
from tensorflow import keras

model = keras.Sequential([keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(from_logits=True))
model.fit(x, y)
"""
TIMEOUT = 20


def _client(capabilities):
    async def start(request):
        client = await ClientServerConfig([str(HEADLINT), "server"]).start()
        client.registrations = []

        @client.feature(types.CLIENT_REGISTER_CAPABILITY)
        def registered(client: LanguageClient, params: types.RegistrationParams):
            client.registrations.extend(params.registrations)

        root = request.getfixturevalue("tmp_path")
        (root / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
        await client.initialize_session(
            types.InitializeParams(capabilities=capabilities, root_uri=from_fs_path(str(root)))
        )
        return client

    return start


@pytest_asyncio.fixture
async def client(request):
    lsp = await _client(client_capabilities("visual-studio-code"))(request)
    yield lsp
    await lsp.shutdown_session()


def uri(path: Path) -> str:
    return from_fs_path(str(path))


def open_file(client: LanguageClient, path: Path, text=None, version=1) -> str:
    text = path.read_text() if text is None else text
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri(path), "python", version, text))
    )
    return uri(path)


def change(client: LanguageClient, path: Path, text: str, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version, uri(path)),
            [types.TextDocumentContentChangeWholeDocument(text)],
        )
    )


async def published(client: LanguageClient, where: str, until=lambda found: True) -> list:
    """The diagnostics published for ``where`` once ``until`` holds for them."""
    for _ in range(TIMEOUT * 20):
        found = client.diagnostics.get(where)
        if found is not None and until(found):
            return list(found)
        await asyncio.sleep(0.05)
    raise AssertionError(f"no such diagnostics for {where}: {client.diagnostics.get(where)}")


def codes(diagnostics) -> list:
    return [d.code for d in diagnostics]


async def test_a_finding_is_published_with_its_range_severity_and_related_locations(client, tmp_path):
    (tmp_path / "model.py").write_text(MODEL)
    (tmp_path / "train.py").write_text(TRAIN)
    # train.py is not open: its loss still makes model.py's softmax a finding
    found = await published(client, open_file(client, tmp_path / "model.py"), lambda d: d)
    [diagnostic] = found
    assert diagnostic.code == "HL001" and diagnostic.source == "headlint"
    assert diagnostic.severity == types.DiagnosticSeverity.Warning
    assert diagnostic.range == types.Range(types.Position(5, 42), types.Position(5, 59))  # nn.Softmax(dim=1)
    related = {info.message: info.location for info in diagnostic.related_information}
    assert related["loss applied here"].uri == uri(tmp_path / "train.py")
    assert related["loss applied here"].range.start == types.Position(8, 7)


async def test_the_open_buffer_replaces_the_file_on_disk_and_changes_are_rechecked(client, tmp_path):
    clean = MODEL.replace(", nn.Softmax(dim=1)", "")
    (tmp_path / "model.py").write_text(clean)
    (tmp_path / "train.py").write_text(TRAIN)
    where = open_file(client, tmp_path / "model.py")
    assert await published(client, where) == []
    change(client, tmp_path / "model.py", MODEL, 2)  # unsaved: the disk still has the clean model
    assert codes(await published(client, where, lambda d: d)) == ["HL001"]
    change(client, tmp_path / "model.py", clean, 3)
    assert await published(client, where, lambda d: not d) == []


async def test_the_importers_findings_go_to_the_file_they_lie_in(client, tmp_path):
    (tmp_path / "model.py").write_text(MODEL)
    (tmp_path / "train.py").write_text(TRAIN)
    # only train.py is open: the softmax it trains is published for model.py
    open_file(client, tmp_path / "train.py")
    assert codes(await published(client, uri(tmp_path / "model.py"), lambda d: d)) == ["HL001"]
    assert await published(client, uri(tmp_path / "train.py")) == []
    # both open: an unsaved edit of train.py (no more cross-entropy) clears model.py's
    open_file(client, tmp_path / "model.py")
    change(client, tmp_path / "train.py", TRAIN.replace("nn.CrossEntropyLoss()", "nn.MSELoss()"), 2)
    assert await published(client, uri(tmp_path / "model.py"), lambda d: not d) == []


async def test_save_and_the_file_watcher_read_the_other_files_again(client, tmp_path):
    (tmp_path / "model.py").write_text(MODEL)
    (tmp_path / "train.py").write_text(TRAIN.replace("nn.CrossEntropyLoss()", "nn.MSELoss()"))
    where = open_file(client, tmp_path / "model.py")
    assert await published(client, where) == []
    (tmp_path / "train.py").write_text(TRAIN)  # changed on disk, not open
    client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(where)))
    assert codes(await published(client, where, lambda d: d)) == ["HL001"]
    # the server asked to watch the project's files, and reads a changed one again:
    # with train.py open alone, model.py (which it imports, not open) loses its softmax on disk
    assert [r.method for r in client.registrations] == ["workspace/didChangeWatchedFiles"]
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(where)))
    open_file(client, tmp_path / "train.py")
    await published(client, uri(tmp_path / "train.py"))
    assert codes(await published(client, where, lambda d: d)) == ["HL001"]
    (tmp_path / "model.py").write_text(MODEL.replace(", nn.Softmax(dim=1)", ""))
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams([types.FileEvent(where, types.FileChangeType.Changed)])
    )
    assert await published(client, where, lambda d: not d) == []


async def test_a_syntax_error_is_an_error_at_its_place_not_silence(client, tmp_path):
    path = tmp_path / "broken.py"
    path.write_text("import torch\n\nmodel = torch.nn.Linear(4,\n")
    [diagnostic] = await published(client, open_file(client, path), lambda d: d)
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    assert "syntax error" in diagnostic.message and diagnostic.range.start.line == 2


async def test_configuration_select_and_exclude_apply(client, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.headlint]\nexclude = ["legacy/"]\nignore = ["HL004"]\n')
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "old.py").write_text(ONE_FILE)
    (tmp_path / "one.py").write_text(ONE_FILE.replace("nn.Linear(4, 3)", "nn.Linear(4, 1)"))  # HL004 alone
    (tmp_path / "two.py").write_text(ONE_FILE)  # HL001
    assert await published(client, open_file(client, tmp_path / "legacy" / "old.py")) == []
    assert await published(client, open_file(client, tmp_path / "one.py")) == []
    assert codes(await published(client, open_file(client, tmp_path / "two.py"), lambda d: d)) == ["HL001"]


async def test_columns_are_utf16_code_units_by_default(client, tmp_path):
    path = tmp_path / "emoji.py"
    path.write_text(ONE_FILE.replace("model = nn", 's = "\U0001F600"; model = nn'))
    [diagnostic] = await published(client, open_file(client, path), lambda d: d)
    # 's = "X"; model = nn.Sequential(nn.Linear(4, 3), ' is 48 code points, the emoji 2 UTF-16 units
    assert diagnostic.range.start == types.Position(3, 49)


@pytest_asyncio.fixture
async def utf32_client(request):
    capabilities = client_capabilities("visual-studio-code")
    capabilities.general = types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf32])
    lsp = await _client(capabilities)(request)
    yield lsp
    await lsp.shutdown_session()


async def test_columns_follow_a_negotiated_position_encoding(utf32_client, tmp_path):
    path = tmp_path / "emoji.py"
    path.write_text(ONE_FILE.replace("model = nn", 's = "\U0001F600"; model = nn'))
    [diagnostic] = await published(utf32_client, open_file(utf32_client, path), lambda d: d)
    assert diagnostic.range.start == types.Position(3, 48)


def apply(text: str, edits) -> str:
    """TextEdits applied to ``text`` (ASCII: columns are characters), its lines
    counted as LSP counts them: at CR, LF and CRLF only."""
    lines = re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+", text)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def offset(position):
        return offsets[min(position.line, len(lines))] + position.character

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


async def code_actions(client: LanguageClient, where: str, diagnostics, only=None) -> list:
    return await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(where), diagnostics[0].range, types.CodeActionContext(diagnostics, only=only)
        )
    )


async def test_code_actions_fix_an_unsafe_finding_say_so_and_add_noqa(client, tmp_path):
    path = tmp_path / "train.py"
    path.write_text(ONE_FILE)
    where = open_file(client, path)
    found = await published(client, where, lambda d: d)
    actions = {action.title: action for action in await code_actions(client, where, found)}
    [fix] = [action for title, action in actions.items() if title.startswith("Fix HL001")]
    assert "unsafe" in fix.title and not fix.is_preferred
    assert apply(ONE_FILE, fix.edit.changes[where]) == ONE_FILE.replace(", nn.Softmax(dim=1)", "")
    noqa = actions["Add # noqa: HL001"]
    assert apply(ONE_FILE, noqa.edit.changes[where]).splitlines()[3].endswith("nn.Softmax(dim=1))  # noqa: HL001")
    assert actions["Confirm HL001 in the real framework"].command == "headlint.confirm"


async def test_edits_land_on_their_lines_after_a_form_feed(client, tmp_path):
    # str.splitlines (and pygls's document.lines) break at \x0c and U+2028: LSP does not
    text = ONE_FILE.replace("\nmodel =", "\n# section\x0c one \u2028 two\nmodel =")
    path = tmp_path / "train.py"
    path.write_bytes(text.encode("utf-8"))
    where = open_file(client, path, text)
    found = await published(client, where, lambda d: d)
    assert found[0].range.start.line == 4
    actions = {action.title: action for action in await code_actions(client, where, found)}
    [fix] = [action for title, action in actions.items() if title.startswith("Fix HL001")]
    assert apply(text, fix.edit.changes[where]) == text.replace(", nn.Softmax(dim=1)", "")
    noqa = apply(text, actions["Add # noqa: HL001"].edit.changes[where])
    assert noqa == text.replace("nn.Softmax(dim=1))", "nn.Softmax(dim=1))  # noqa: HL001")


async def test_a_safe_fix_is_preferred_and_fix_all_applies_it(client, tmp_path):
    path = tmp_path / "keras_train.py"
    path.write_text(KERAS)
    where = open_file(client, path)
    found = await published(client, where, lambda d: d)
    [fix] = [a for a in await code_actions(client, where, found) if a.title.startswith("Fix HL001")]
    assert fix.is_preferred and "unsafe" not in fix.title
    fixed = KERAS.replace("from_logits=True", "from_logits=False")
    assert apply(KERAS, fix.edit.changes[where]) == fixed
    [fix_all] = await code_actions(client, where, found, only=[types.CodeActionKind.SourceFixAll])
    assert fix_all.kind == "source.fixAll.headlint" and apply(KERAS, fix_all.edit.changes[where]) == fixed


async def test_hover_on_a_flagged_line_explains_the_rule(client, tmp_path):
    path = tmp_path / "train.py"
    path.write_text(ONE_FILE)
    await published(client, open_file(client, path), lambda d: d)
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri(path)), types.Position(3, 2))
    )
    text = hover.contents.value
    assert "HL001 double-softmax" in text and "Use instead" in text and "headlint explain HL001" in text
    nothing = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri(path)), types.Position(0, 2))
    )
    assert nothing is None


async def test_a_notebook_is_checked_as_its_code_cells_and_reported_by_cell(client, tmp_path):
    cells = [
        (types.NotebookCellKind.Code, "import torch\nfrom torch import nn\n"),
        (types.NotebookCellKind.Markup, "# Training"),
        (types.NotebookCellKind.Code, "model = nn.Sequential(nn.Linear(4, 3), nn.Softmax(dim=1))\n"),
        (types.NotebookCellKind.Code, "x, y = torch.randn(8, 4), torch.randint(0, 3, (8,))\n"
         "loss = nn.CrossEntropyLoss()(model(x), y)\nloss.backward()\n"),
    ]
    notebook = uri(tmp_path / "train.ipynb")
    cell_uris = [f"vscode-notebook-cell:{tmp_path}/train.ipynb#cell{i}" for i in range(len(cells))]
    client.notebook_document_did_open(
        types.DidOpenNotebookDocumentParams(
            types.NotebookDocument(notebook, "jupyter-notebook", 1, [
                types.NotebookCell(kind, cell_uri) for (kind, _), cell_uri in zip(cells, cell_uris)
            ]),
            [
                types.TextDocumentItem(cell_uri, "python" if kind == types.NotebookCellKind.Code else "markdown", 1, text)
                for (kind, text), cell_uri in zip(cells, cell_uris)
            ],
        )
    )
    [diagnostic] = await published(client, cell_uris[2], lambda d: d)
    assert diagnostic.code == "HL001" and diagnostic.range.start == types.Position(0, 39)
    related = {info.message: info.location for info in diagnostic.related_information}
    assert related["loss applied here"].uri == cell_uris[3]
    assert await published(client, cell_uris[0]) == []
    # the fix and the noqa edit the cell itself
    actions = {action.title: action for action in await code_actions(client, cell_uris[2], [diagnostic])}
    [fix] = [action for title, action in actions.items() if title.startswith("Fix HL001")]
    assert apply(cells[2][1], fix.edit.changes[cell_uris[2]]) == cells[2][1].replace(", nn.Softmax(dim=1)", "")
    noqa = actions["Add # noqa: HL001"].edit.changes[cell_uris[2]]
    assert apply(cells[2][1], noqa).startswith("model = nn.Sequential(nn.Linear(4, 3), nn.Softmax(dim=1))  # noqa: HL001")


async def test_confirm_measures_the_finding_on_demand(client, tmp_path):
    path = tmp_path / "train.py"
    path.write_text(ONE_FILE)
    where = open_file(client, path)
    [diagnostic] = await published(client, where, lambda d: d)
    assert "confirmed" not in diagnostic.message  # never by itself
    evidence = await client.workspace_execute_command_async(
        types.ExecuteCommandParams("headlint.confirm", [diagnostic.data])
    )
    assert evidence["status"] == "confirmed" and evidence["framework"] == "torch"
    assert any("confirmed (torch" in message.message for message in client.messages)
    [shown] = await published(client, where, lambda d: "confirmed (torch" in d[0].message)
    assert shown.code == "HL001"


async def test_a_failing_request_leaves_the_server_and_the_other_diagnostics_alive(client, tmp_path):
    path = tmp_path / "train.py"
    path.write_text(ONE_FILE)
    where = open_file(client, path)
    assert codes(await published(client, where, lambda d: d)) == ["HL001"]
    bogus = types.Diagnostic(types.Range(types.Position(99, 0), types.Position(99, 1)), "x", source="headlint",
                             data={"path": 42})
    assert not await code_actions(client, uri(tmp_path / "nowhere.py"), [bogus])
    assert await client.workspace_execute_command_async(types.ExecuteCommandParams("headlint.confirm", [])) is None
    await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier("untitled:1"), types.Position(0, 0)))
    # an untitled buffer is checked alone; a document that is not Python is not checked
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem("untitled:Untitled-1", "python", 1, ONE_FILE))
    )
    assert codes(await published(client, "untitled:Untitled-1", lambda d: d)) == ["HL001"]
    notes = uri(tmp_path / "notes.md")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(notes, "markdown", 1, "import torch\nx = (\n"))
    )
    # the server still answers, and still checks
    change(client, path, ONE_FILE.replace("nn.CrossEntropyLoss()", "nn.MSELoss()"), 2)
    assert await published(client, where, lambda d: not d) == []
    assert notes not in client.diagnostics
