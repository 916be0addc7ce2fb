"""Lines are counted as Python, libcst and LSP count them: a line ends at CR, LF
or CRLF. A form feed or U+2028 inside a line (str.splitlines breaks there) must
not move what is shown, what ``# noqa`` reads, or where a fix writes."""

import pytest

from cli_helpers import run_cli
from headlint.textlines import split_lines

HEAD = "import torch\nfrom torch import nn\n"
BODY = "model = nn.Sequential(nn.Linear(4, 3), nn.Softmax(dim=1))\nloss = nn.CrossEntropyLoss()(model(x), y)\n"
# str.splitlines breaks at each of these; Python's tokenizer breaks at none
SEPARATORS = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize("separator", SEPARATORS, ids=[f"U+{ord(s):04X}" for s in SEPARATORS])
def test_split_lines_breaks_only_where_python_does(separator):
    text = f"a{separator}b\r\nc\rd\n\ne"
    assert split_lines(text) == [f"a{separator}b", "c", "d", "", "e"]
    assert split_lines(text, keepends=True) == [f"a{separator}b\r\n", "c\r", "d\n", "\n", "e"]
    plain = text.replace(separator, "")
    assert split_lines(plain) == plain.splitlines() and split_lines(plain, True) == plain.splitlines(True)


def write(tmp_path, text):
    path = tmp_path / "train.py"
    path.write_bytes(text.encode("utf-8"))
    return path


@pytest.mark.parametrize("separator", ["\x0c", "\u2028"])
def test_the_flagged_line_is_shown_and_its_noqa_read_after_a_separator(tmp_path, separator):
    text = HEAD + f"# one{separator}comment\n" + BODY
    result = run_cli("check", "--no-cache", write(tmp_path, text), cwd=tmp_path)
    assert result.returncode == 1
    assert "train.py:4:40: HL001" in result.stdout
    assert "4 | model = nn.Sequential(nn.Linear(4, 3), nn.Softmax(dim=1))" in result.stdout
    suppressed = text.replace("(dim=1))\n", "(dim=1))  # noqa: HL001\n")
    result = run_cli("check", "--no-cache", "--select", "HL001,HL100", write(tmp_path, suppressed), cwd=tmp_path)
    assert result.returncode == 0, result.stdout


def test_a_fix_after_a_form_feed_edits_its_own_line_and_keeps_the_form_feed(tmp_path):
    text = HEAD + "\x0c\n" + BODY
    path = write(tmp_path, text)
    diff = run_cli("check", "--no-cache", "--diff", "--unsafe-fixes", path, cwd=tmp_path)
    assert "-model = nn.Sequential(nn.Linear(4, 3), nn.Softmax(dim=1))" in diff.stdout
    assert "+model = nn.Sequential(nn.Linear(4, 3))" in diff.stdout
    run_cli("check", "--no-cache", "--fix", "--unsafe-fixes", path, cwd=tmp_path)
    assert path.read_bytes().decode("utf-8") == text.replace(", nn.Softmax(dim=1)", "")
