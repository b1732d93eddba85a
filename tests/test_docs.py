"""Do README.md and docs/ hold together? Every relative link leads to a file (and heading) that exists, and every
command shown in a shell code block names a real `make` target, `python -m grader` subcommand or known program.
Fast: no notebooks, no network, nothing is run."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from grader import cli

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHELL_BLOCKS = {"bash", "sh", "console", ""}  # fenced blocks whose lines are commands (```text, ```yaml are not)
# Programs a page may show besides make, python and pytest; any other name is taken for a typo.
KNOWN_PROGRAMS = {"apt-get", "bash", "cd", "dask", "git", "jupyter", "pip"}
LINK = re.compile(r"\]\(([^)\s]+)\)")


def name(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


def split_page(page: Path) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """The page's prose lines, and its fenced code blocks as (language, lines)."""
    prose, blocks, block = [], [], None
    for line in page.read_text(encoding="utf-8").splitlines():
        fence = line.strip().startswith("```")
        if block is None and fence:
            block = (line.strip()[3:].strip(), [])
        elif block is not None and fence:
            blocks.append(block)
            block = None
        elif block is not None:
            block[1].append(line.strip())
        else:
            prose.append(line)
    return prose, blocks


def anchors(page: Path) -> set[str]:
    """GitHub's ids for the page's headings: lower case, punctuation dropped, spaces to hyphens, -1 on repeats."""
    seen: dict[str, int] = {}
    for line in split_page(page)[0]:
        if heading := re.match(r"#{1,6}\s+(.*?)\s*#*$", line):
            text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading.group(1)).replace("`", "").lower()
            slug = re.sub(r"[^\w\- ]", "", text).replace(" ", "-")
            seen[slug] = seen.get(slug, -1) + 1
            if seen[slug]:
                seen[f"{slug}-{seen[slug]}"] = 0
    return set(seen)


def broken_links(page: Path) -> list[str]:
    broken = []
    for line in split_page(page)[0]:
        for target in LINK.findall(re.sub(r"`[^`]*`", "", line)):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            path, _, anchor = target.partition("#")
            file = (page.parent / path).resolve() if path else page
            if not file.exists():
                broken.append(f"{target}: there is no {file}")
            elif anchor and file.suffix == ".md" and anchor not in anchors(file):
                broken.append(f"{target}: {name(file)} has no heading with the id {anchor!r}")
    return broken


def commands(page: Path) -> list[str]:
    """Every command line in the page's shell code blocks, without prompts and trailing comments."""
    found = []
    for language, lines in split_page(page)[1]:
        for line in lines if language in SHELL_BLOCKS else []:
            if language == "console":
                if not line.startswith("$ "):
                    continue  # output
                line = line[2:]
            line = re.sub(r"\s+#.*$", "", line)
            if line and not line.startswith("#"):
                found.append(line)
    return found


MAKE_TARGETS = {target for line in (ROOT / "Makefile").read_text().splitlines()
                if (rule := re.match(r"([A-Za-z0-9][\w.-]*(?:[ \t]+[\w.-]+)*)[ \t]*::?(?!=)", line))
                for target in rule.group(1).split()}
COMMANDS = [(page, command) for page in PAGES for command in commands(page)]


def is_grader_command(subcommand: str) -> bool:
    """Does `python -m grader SUBCOMMAND --help` end well? (argparse exits 2 on an unknown subcommand)"""
    with pytest.raises(SystemExit) as exit:
        cli.main([subcommand, "--help"])
    return exit.value.code == 0


@pytest.mark.parametrize("page", PAGES, ids=name)
def test_does_every_relative_link_lead_to_a_file_and_heading_that_exist(page):
    broken = broken_links(page)
    assert not broken, f"{name(page)} has broken links:\n" + "\n".join(broken)


@pytest.mark.parametrize("page, command", COMMANDS, ids=[f"{name(p)}: {c}" for p, c in COMMANDS])
def test_does_the_command_shown_name_a_real_target_subcommand_or_program(page, command):
    words = shlex.split(command)
    while words and (re.fullmatch(r"[A-Za-z_]\w*=.*", words[0]) or words[0] == "sudo"):
        words.pop(0)  # VAR=value before a command, and sudo
    program, args = Path(words[0]).name, words[1:]  # .venv/bin/python -> python
    if program == "make":
        unknown = [a for a in args if not a.startswith("-") and "=" not in a and a not in MAKE_TARGETS]
        assert not unknown, f"{name(page)} shows `{command}`, but the Makefile has no target {unknown}"
    elif program in ("python", "python3") and args[:2] == ["-m", "grader"]:
        assert len(args) > 2 and is_grader_command(args[2]), \
            f"{name(page)} shows `{command}`, but `python -m grader` has no such subcommand"
    elif program in ("python", "python3") and args and args[0].endswith(".py"):
        assert (ROOT / args[0]).is_file(), f"{name(page)} shows `{command}`, but there is no {args[0]}"
    elif not (program == "pytest" or program in ("python", "python3") and args[:2] == ["-m", "pytest"]):
        assert program in KNOWN_PROGRAMS, \
            f"{name(page)} shows `{command}`: is `{program}` a typo? (known: make, python, pytest, {KNOWN_PROGRAMS})"


def test_are_the_two_commands_on_the_front_page_among_those_checked():
    front = commands(ROOT / "README.md")
    assert "make release" in front and "make test" in front, front
