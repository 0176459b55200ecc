"""Every Python example in the README runs as written."""

import re

import pytest

from groundup.roadmap import repo_root

README = (repo_root() / "README.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"```python\n(.*?)```", README, flags=re.S)


def test_readme_has_examples():
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize("code", EXAMPLES, ids=[f"example{i}" for i in range(len(EXAMPLES))])
def test_readme_example_runs(code: str):
    exec(compile(code, "README.md", "exec"), {})
