"""The language part of stage 4 runs quick into a temporary reports folder: its figures exist
and its key numbers hold (attention parity, exact round-trip, a learning Transformer and GPT)."""

import re

from rich.console import Console

from groundup.journey.registry import run_journey


def test_stage4_language_quick(tmp_path):
    # only this part: the vision and generative parts of stage 4 have their own tests
    status = run_journey(
        [4], quick=True, reports_dir=tmp_path, console=Console(quiet=True), parts=["language"]
    )
    assert status[4] == "ok", status
    for name in ("stage-4-language-reversal.png", "stage-4-language-gpt.png"):
        assert (tmp_path / "figures" / name).stat().st_size > 5000
    report = (tmp_path / "stage-4.md").read_text()
    # attention parity rows are ~1e-16; the causal row is exactly 0
    section = report[report.index("Attention vs PyTorch") :].split("###")[0]
    diffs = [float(x) for x in re.findall(r"\| ([0-9.e+-]+) \|\n", section)]
    assert len(diffs) == 4 and max(diffs) < 1e-6 and diffs[-1] == 0.0
    assert "| byte-level BPE 512 | 512 |" in report and "| True |" in report
    m = re.search(
        r"Seq2seq exact match ([0-9.]+)%; GPT held-out ([0-9.]+) bits/char vs bigram", report
    )
    assert m and float(m.group(1)) >= 80.0  # quick: 4 digits, 200 steps (measured ~99 %)
    unigram = float(re.search(r"\| char unigram \| ([0-9.]+) \|", report).group(1))
    assert float(m.group(2)) < unigram
