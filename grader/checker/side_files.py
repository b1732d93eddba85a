"""Files the student's notebook wrote while it was graded, copied to autograded/<student>/<assignment>/.

Stock nbgrader runs a notebook in that folder, so a figure, a CSV or a model file the notebook saves lands
there, beside the graded notebook, where the formgrader shows it. Here the student's kernel works in a
throwaway home inside its sandbox, so after the last cell the grader asks that kernel for the list of what
its working folder holds and copies back, as data, the regular files that pass every rule below. Nothing is
followed or unpacked, and nothing already in the folder is replaced (the graded notebook, `timestamp.txt`,
the submission's own files). Hidden files are ignored (the kernel keeps its own there). What else is left out
is logged with its reason, one line per submission, starting
with `TAG`.

The answers come from the student's kernel, which student code controls: every name, type and size is
checked here again, and a file's bytes are only ever written to a new file of that checked name.
"""
from __future__ import annotations

import ast
import base64
import json
from pathlib import Path

TAG = "Files the notebook wrote:"
MAX_FILES = 20
MAX_FILE_BYTES = 10 * 2**20
MAX_TOTAL_BYTES = 25 * 2**20
# Names nbgrader writes into the autograded folder, or would take for a notebook of the assignment.
RESERVED = {"timestamp.txt"}

# Run in the student's kernel as user expressions: no cell, no output, no history.
LISTING = ("__import__('json').dumps([[e.name, e.is_symlink(), e.is_file(follow_symlinks=False), "
           "e.is_dir(follow_symlinks=False), e.stat(follow_symlinks=False).st_size] "
           "for e in __import__('os').scandir('.')])")


def reading(name: str) -> str:
    return f"__import__('base64').b64encode(open({name!r}, 'rb').read({MAX_FILE_BYTES + 1})).decode()"


def refusal(name: object, link: object, regular: object, folder: object, size: object) -> str | None:
    """Why the entry `name` is not copied back, or None if it may be."""
    if not isinstance(name, str) or not name or name in (".", "..") or "/" in name or "\\" in name \
            or "\0" in name or not name.isprintable():
        return "not a plain file name"
    if name.startswith("."):
        return "a hidden file (ignored)"
    if link is not False:
        return "a link"
    if folder is not False:
        return "a folder (only files are copied)"
    if regular is not True:
        return "not a regular file"
    if name in RESERVED or name.endswith(".ipynb"):
        return "a name nbgrader uses"
    if not isinstance(size, int) or size < 0 or size > MAX_FILE_BYTES:
        return f"over {MAX_FILE_BYTES // 2**20} MiB"
    return None


def plan(entries: object, folder: Path, submitted: set[str]) -> tuple[list[str], dict[str, str]]:
    """The names to copy, and {name: reason} for those left out (the submission's own files are not listed)."""
    if not isinstance(entries, list):
        return [], {"(the listing)": "not a list"}
    chosen, left_out, total = [], {}, 0
    for entry in entries:
        if not (isinstance(entry, list) and len(entry) == 5):
            left_out[repr(entry)[:60]] = "not an entry of a listing"
            continue
        name, *facts = entry
        if isinstance(name, str) and (name in submitted or name.startswith(".")):
            continue  # the submission's own files; hidden ones (the kernel's .ipython, .keras, .config)
        reason = refusal(name, *facts)
        if reason is None and (folder / name).exists():
            reason = "already in the folder"
        if reason is None and len(chosen) >= MAX_FILES:
            reason = f"more than {MAX_FILES} files"
        if reason is None and total + facts[-1] > MAX_TOTAL_BYTES:
            reason = f"over {MAX_TOTAL_BYTES // 2**20} MiB in all"
        if reason is None:
            chosen.append(name)
            total += facts[-1]
        else:
            left_out[str(name)[:80]] = reason
    return sorted(chosen), left_out


def value(reply: dict, key: str) -> object:
    """A user expression's value from an execute reply: a Python literal, never evaluated as code."""
    try:
        result = reply["content"]["user_expressions"][key]
        if result["status"] != "ok":
            raise ValueError(f"{result.get('ename')}: {result.get('evalue')}")
        return ast.literal_eval(result["data"]["text/plain"])
    except (KeyError, TypeError, AttributeError, SyntaxError, MemoryError, RecursionError) as error:
        raise ValueError(f"not an answer ({type(error).__name__})") from None


def copy_back(ask, folder: Path, submitted: set[str], log) -> list[str]:
    """Copy the files the student's kernel wrote into `folder`; return their names. `ask(expression)` evaluates
    one expression in that kernel and returns the execute reply."""
    try:
        listing = value(ask(LISTING), "x")
        chosen, left_out = plan(json.loads(listing) if isinstance(listing, str) else None, folder, submitted)
    except (ValueError, TypeError, RuntimeError, TimeoutError) as error:
        log.warning("%s not copied: the student's kernel did not list them (%s)", TAG, error)
        return []
    copied = []
    for name in chosen:
        try:
            text = value(ask(reading(name)), "x")
            if not isinstance(text, str) or len(text) > 4 * (MAX_FILE_BYTES // 3 + 2):
                raise ValueError(f"over {MAX_FILE_BYTES // 2**20} MiB")
            data = base64.b64decode(text, validate=True)
            if len(data) > MAX_FILE_BYTES:
                raise ValueError(f"over {MAX_FILE_BYTES // 2**20} MiB")
            with open(folder / name, "xb") as handle:  # a new file only: never through a link, never over one
                handle.write(data)
            copied.append(name)
        except TimeoutError as error:  # the kernel stopped answering: ask no more
            left_out[name] = f"could not be read ({error})"
            break
        except (ValueError, TypeError, OSError, RuntimeError) as error:
            left_out[name] = f"could not be read ({error})"
    if copied or left_out:
        (log.warning if left_out else log.info)(
            "%s copied %s; left out %s", TAG, ", ".join(copied) or "none",
            "; ".join(f"{name} ({reason})" for name, reason in sorted(left_out.items())) or "none")
    return copied


def write_returned(files: dict, folder: Path, log) -> None:
    """Write the files a Dask worker copied back (grader/distributed.py) into `folder`, by the same rules."""
    for name, data in sorted(files.items()):
        reason = refusal(name, False, True, False, len(data) if isinstance(data, bytes) else -1)
        if reason is None and (folder / name).exists():
            reason = "already in the folder"
        if reason is None:
            with open(folder / name, "xb") as handle:
                handle.write(data)
        else:
            log.warning("%s left out %s (%s), as the worker sent it", TAG, str(name)[:80], reason)
