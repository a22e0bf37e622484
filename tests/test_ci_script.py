"""`.ci/run` runs exactly the README's test command, then the lint, format and type checks."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _readme_test_command() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The two commands", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)\n```", section, flags=re.DOTALL)
    tests = [str(block).strip() for block in blocks if "pytest" in block]
    assert len(tests) == 1, "the README gives one test command"
    return tests[0]


def test_ci_runs_the_readme_test_command_and_every_check() -> None:
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert _readme_test_command() in lines
    for check in ("ruff check .", "ruff format --check .", "mypy"):
        assert check in lines
    mypy = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    assert mypy["strict"] is True, "bare `mypy` in CI means `mypy --strict` through the config"
