"""How long ``headlint server`` takes to re-diagnose a 500-line file after a change,
on a warm server: from the ``textDocument/didChange`` sent to the
``publishDiagnostics`` that reflects it. Prints figures; asserts nothing.

Each change flips the file between a model with a double softmax and the same
model without it, so every change must publish a different set. "one change": a
change after a quiet moment (checked at once); "typing": 5 changes 50 ms apart, timed
from the last (the burst is checked once it ends: the debounce is in the figure).
Measured twice: the file alone, and the file with a training script (not open) that
imports it, which is checked too as its context.

    python benchmarks/server_latency.py [--changes 20]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

HEADLINT = Path(sys.executable).with_name("headlint")

HEAD = """\
import torch
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 10), nn.Softmax(dim=1))

    def forward(self, x):
        return self.body(x)

"""
HELPER = '''
def helper_{i}(x, scale={i}):
    """Arithmetic the analysis reads past."""
    y = x * scale + {i}
    if y > 10:
        y = y - 1
    values = [y * k for k in range(3)]
    return sum(values) / len(values)

'''
LOOP = """
model = Net()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
x, y = torch.randn(8, 32), torch.randint(0, 10, (8,))
for epoch in range(3):
    optimizer.zero_grad()
    loss = criterion(model(x), y)
    loss.backward()
    optimizer.step()
"""
TRAIN = """\
import torch
from torch import nn

from model import Net

model = Net()
criterion = nn.CrossEntropyLoss()
x, y = torch.randn(8, 32), torch.randint(0, 10, (8,))
loss = criterion(model(x), y)
loss.backward()
"""


def model_text(with_loop: bool, lines: int = 500) -> str:
    parts, i = [HEAD], 0
    while sum(part.count("\n") for part in parts) < lines - (LOOP.count("\n") if with_loop else 0):
        parts.append(HELPER.format(i=i))
        i += 1
    return "".join(parts) + (LOOP if with_loop else "")


async def measure(folder: Path, text: str, changes: int) -> list:
    client = LanguageClient("server-latency", "1")
    published: dict = {}
    arrived = asyncio.Event()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        published[params.uri] = params.diagnostics
        arrived.set()

    await client.start_io(str(HEADLINT), "server")
    await client.initialize_async(
        types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=from_fs_path(str(folder)))
    )
    client.initialized(types.InitializedParams())
    path = folder / "model.py"
    uri = from_fs_path(str(path))

    async def until(count: int) -> None:
        while len(published.get(uri, [])) != count:
            arrived.clear()
            await asyncio.wait_for(arrived.wait(), 30)

    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", 1, text)))
    await until(1)  # warm: the first check has parsed everything
    fixed = text.replace(", nn.Softmax(dim=1)", "")
    version, single, typing = 1, [], []

    def send(new: str) -> None:
        nonlocal version
        version += 1
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(version, uri), [types.TextDocumentContentChangeWholeDocument(new)]
            )
        )

    for change in range(changes):
        new, expected = (fixed, 0) if change % 2 == 0 else (text, 1)
        await asyncio.sleep(0.5)  # a quiet moment
        start = time.perf_counter()
        send(new)
        await until(expected)
        single.append(time.perf_counter() - start)
    for change in range(changes):
        new, expected = (fixed, 0) if change % 2 == 0 else (text, 1)
        old = text if new is fixed else fixed
        await asyncio.sleep(0.5)
        for keystroke in range(4):  # edits that keep the old findings, then the one that changes them
            send(old + f"# {keystroke}\n")
            await asyncio.sleep(0.05)
        start = time.perf_counter()
        send(new)
        await until(expected)
        typing.append(time.perf_counter() - start)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return single, typing


def report(label: str, results: tuple) -> None:
    for kind, timings in zip(("one change", "typing"), results):
        ordered = sorted(timings)
        p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
        print(f"{label:<44} {kind:<11} median {statistics.median(timings) * 1000:5.0f} ms   p90 {p90 * 1000:5.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--changes", type=int, default=20)
    args = parser.parse_args()
    from headlint.server import DEBOUNCE_S

    print(f"debounce {DEBOUNCE_S * 1000:.0f} ms; {args.changes} changes each")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "pyproject.toml").write_text("[project]\nname = 'bench'\n")
        text = model_text(with_loop=True)
        (folder / "model.py").write_text(text)
        report(f"model.py alone ({text.count(chr(10))} lines)", asyncio.run(measure(folder, text, args.changes)))
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "pyproject.toml").write_text("[project]\nname = 'bench'\n")
        text = model_text(with_loop=False)
        (folder / "model.py").write_text(text)
        (folder / "train.py").write_text(TRAIN)
        report(f"model.py ({text.count(chr(10))} lines) + train.py as context", asyncio.run(measure(folder, text, args.changes)))


if __name__ == "__main__":
    main()
