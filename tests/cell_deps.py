"""Which cells of a section depend on a solution cell, read off the names the cells' code reads and binds.

tests/notebook_kernel.py uses it to re-run, for an answer variant, only the cells the variant can change: every
cell that reads (directly or through the cells between) a name the solution cell binds, and the cells that
must run again before them. A test cell that reads none of those names keeps the score it had.
"""
from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef,
           ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


@dataclass(frozen=True)
class Names:
    """What one cell's code does with top-level names: reads them, and binds them."""

    reads: frozenset[str]
    binds: frozenset[str]
    defines: frozenset[str]  # bound by `def` or `class` at the top level
    parsed: bool = True  # False for code Python cannot parse, or with IPython magics: it may touch anything


def names(source: str) -> Names:
    from IPython.core.inputtransformer2 import TransformerManager

    code = TransformerManager().transform_cell(source)  # `%pip install ...` becomes a call of get_ipython()
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return Names(frozenset(), frozenset(), frozenset(), parsed=False)
    reads: set[str] = set()
    binds: set[str] = set()
    defines = {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    _visit(tree, (), reads, binds)
    magic = "get_ipython()" in code and "get_ipython()" not in source  # `%time y = 1` binds y unseen
    return Names(frozenset(reads - set(dir(builtins))), frozenset(binds), frozenset(defines), parsed=not magic)


def _visit(node: ast.AST, inner: tuple[set[str], ...], reads: set[str], binds: set[str]) -> None:
    """Collect top-level reads and binds; `inner` holds the names bound by each enclosing function-like scope."""
    if isinstance(node, _SCOPES):
        outside, inside = _parts(node)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not inner:
            binds.add(node.name)
        local, declared = _local_names(node)
        if not inner:
            binds.update(declared)  # `global x` inside a function binds the top-level x
        for child in outside:
            _visit(child, inner, reads, binds)
        for child in inside:
            _visit(child, (*inner, local - declared), reads, binds)
        return
    if isinstance(node, ast.Name):
        if isinstance(node.ctx, ast.Load):
            if not any(node.id in scope for scope in inner):
                reads.add(node.id)
        elif not inner:
            binds.add(node.id)
    elif isinstance(node, (ast.Import, ast.ImportFrom)) and not inner:
        binds.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    elif isinstance(node, ast.ExceptHandler) and node.name and not inner:
        binds.add(node.name)
    for child in ast.iter_child_nodes(node):
        _visit(child, inner, reads, binds)


def _parts(scope: ast.AST) -> tuple[list[ast.AST], list[ast.AST]]:
    """The parts of a scope evaluated outside it (decorators, defaults, the first iterable) and inside it."""
    if isinstance(scope, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
        first, *rest = scope.generators
        inside = [scope.key, scope.value] if isinstance(scope, ast.DictComp) else [scope.elt]
        inside += [first.target, *first.ifs]
        for generator in rest:
            inside += [generator.iter, generator.target, *generator.ifs]
        return [first.iter], inside
    outside = list(getattr(scope, "decorator_list", []))
    if isinstance(scope, ast.ClassDef):
        return outside + scope.bases + scope.keywords, scope.body
    outside += [*scope.args.defaults, *(d for d in scope.args.kw_defaults if d is not None)]
    return outside, scope.body if isinstance(scope.body, list) else [scope.body]


def _local_names(scope: ast.AST) -> tuple[set[str], set[str]]:
    """(names bound inside a function-like scope, names it declares global). A class body counts as binding
    nothing, so that every name its methods read from outside is a read."""
    if isinstance(scope, ast.ClassDef):
        return set(), set()
    local: set[str] = set()
    declared: set[str] = set()
    if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        arguments = scope.args
        for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs, arguments.vararg, arguments.kwarg]:
            if arg is not None:
                local.add(arg.arg)
        parts = scope.body if isinstance(scope.body, list) else [scope.body]
    else:
        parts = [generator.target for generator in scope.generators]
    for part in parts:
        for child in ast.walk(part):
            if isinstance(child, ast.Global):
                declared.update(child.names)
            elif isinstance(child, ast.Name) and not isinstance(child.ctx, ast.Load):
                local.add(child.id)
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                local.add(child.name)
            elif isinstance(child, (ast.Import, ast.ImportFrom)):
                local.update((alias.asname or alias.name).split(".")[0] for alias in child.names)
    return local, declared


def dependent_cells(cells: list[tuple[str, bool]], start_sources: list[str], stable: set[str]) -> list[int]:
    """Positions in `cells` (source, is a test cell) to re-run after the solution cell, whose sources (the
    original and the variant) are `start_sources`.

    Forward: a cell that reads a name the solution cell (or a cell that depends on it) binds depends on it,
    and so does everything it binds or reads (a call may change its arguments in place). Every dependent cell
    runs again, also one that only shows results: with the variant it may draw other random numbers, which
    the cells after it then start from, as in grading. Backward: so does each cell before a cell that runs
    again and binds or touches a name that cell reads (so that it sees the values of the original run, not of
    an earlier variant).
    `stable` names are never changed by a call (modules and functions of the setup cell, functions the notebook
    defines); the functions and classes the solution cell defines are added to them.
    """
    parsed = [names(source) for source, _ in cells]
    tainted: set[str] = set()
    stable = set(stable)
    for source in start_sources:
        found = names(source)
        tainted |= found.binds
        stable |= found.defines
    depends = []
    for found in parsed:
        hit = not found.parsed or bool(found.reads & tainted)
        if hit:
            tainted |= found.binds | (found.reads - stable)
        depends.append(hit)
    rerun: list[int] = []
    needed: set[str] = set()
    for position in reversed(range(len(cells))):
        found, is_test = parsed[position], cells[position][1]
        touches = found.binds | (found.reads - stable)
        if depends[position] or not found.parsed or touches & needed:
            rerun.append(position)
            needed |= found.reads
    return sorted(rerun)
