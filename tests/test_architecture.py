"""The package's layout is its architecture (docs/ARCHITECTURE.md): subpackages whose imports
follow the dependency graph the document declares, no import cycle between modules, imports that
keep the modules' names, modules and functions of a readable size, and tests that mirror the
modules."""

from __future__ import annotations

import ast
import graphlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "portraits"
TESTS = ROOT / "tests"

ARCHITECTURE = ROOT / "docs" / "ARCHITECTURE.md"
# the graph's fenced block: one `package -> packages it may import` line per subpackage
GRAPH_BLOCK = re.compile(r"^```imports\n(.*?)^```", re.M | re.S)
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
# A module or function may be longer when a comment says why: `# long: <why>` on the module's
# first lines, or on the line of (or just above) the def.
LONG = re.compile(r"#\s*long:\s*\S")
# The same rules in the Lua filters, with `-- long: <why>` as the escape.
LUA_LONG = re.compile(r"--\s*long:\s*\S")
# Modules a test file need not mirror, each with its reason.
UNMIRRORED = {
    "__main__.py": "`python -m portraits`: one call to cli.main",
}


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _graph() -> dict[str, set[str]]:
    """The dependency graph docs/ARCHITECTURE.md declares: subpackage -> the subpackages its
    modules may import besides their own (top-level modules form the subpackage ``cli``)."""
    found = GRAPH_BLOCK.search(ARCHITECTURE.read_text(encoding="utf-8"))
    assert found, "docs/ARCHITECTURE.md has no ```imports block (the dependency graph)"
    graph: dict[str, set[str]] = {}
    for line in filter(str.strip, found.group(1).splitlines()):
        own, arrow, allowed = line.partition("->")
        assert arrow and own.strip() not in graph, f"docs/ARCHITECTURE.md, graph line {line!r}: one `package -> …` each"
        graph[own.strip()] = set(allowed.split())
    return graph


GRAPH = _graph()
SUBPACKAGES = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())


def _subpackage(rel: Path) -> str:
    return rel.parts[0] if len(rel.parts) > 1 else "cli"  # top-level modules: cli, __main__


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    return ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)


MODULES = {_module_name(p): p for p in _modules()}


def _owner(name: str) -> str:
    """The module that defines ``name``: itself, or the longest prefix that is a module."""
    while name not in MODULES and "." in name:
        name = name.rpartition(".")[0]
    return name


def _imports(tree: ast.AST) -> list[tuple[str, str, str | None]]:
    """(module imported, name as written, alias) of every import of a ``portraits`` module in
    ``tree``, inside functions and under ``if TYPE_CHECKING:`` too. ``from portraits.blocks import
    svg`` imports ``portraits.blocks.svg``; ``from portraits.data.store import Territory``,
    ``portraits.data.store``. Relative imports are not read (the package has none)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and not node.level and (node.module or "").split(".")[0] == "portraits":
            for a in node.names:
                whole = f"{node.module}.{a.name}"
                found.append((whole if whole in MODULES else _owner(node.module), a.name, a.asname))
        elif isinstance(node, ast.Import):
            found += [(_owner(a.name), a.name.rpartition(".")[2], a.asname) for a in node.names
                      if a.name.split(".")[0] == "portraits"]
    return found


def _imported(tree: ast.AST) -> set[str]:
    return {module for module, _, _ in _imports(tree)}


def test_the_graph_declares_every_subpackage_once_without_a_cycle():
    assert sorted(set(GRAPH) - {"cli"}) == SUBPACKAGES, "docs/ARCHITECTURE.md's graph lists the subpackages"
    unknown = {t for targets in GRAPH.values() for t in targets} - set(GRAPH)
    assert not unknown, f"the graph names no such subpackage: {sorted(unknown)}"
    try:
        graphlib.TopologicalSorter(GRAPH).prepare()
    except graphlib.CycleError as exc:
        raise AssertionError(f"the graph has a cycle: {' -> '.join(exc.args[1])}") from None


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_follow_the_graph(path):
    rel = path.relative_to(PACKAGE)
    own = _subpackage(rel)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert not any(isinstance(n, ast.ImportFrom) and n.level for n in ast.walk(tree)), \
        f"{rel}: a relative import: write `from portraits.<subpackage> import …`"
    outside = []
    for name in _imported(tree):
        if name == "portraits":
            continue  # the package's own __init__ (its version): no subpackage's
        other = _subpackage(MODULES[name].relative_to(PACKAGE))
        if other != own and other not in GRAPH[own]:
            outside.append(name)
    assert not outside, (f"{rel} ({own}) imports {sorted(outside)}; docs/ARCHITECTURE.md's graph says "
                         f"{own} -> {' '.join(sorted(GRAPH[own])) or '(nothing)'}")


def test_no_two_modules_import_each_other():
    """No import cycle between modules, direct or through others. A package's ``__init__`` is a
    module like any other: one that imports a module importing it makes a cycle too."""
    graph = {name: _imported(ast.parse(path.read_text(encoding="utf-8"))) - {name}
             for name, path in MODULES.items()}
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as exc:
        raise AssertionError(f"import cycle: {' -> '.join(exc.args[1])}") from None


def _python_files() -> list[Path]:
    return sorted(p for d in ("portraits", "tests", "benchmarks", "scripts") for p in (ROOT / d).rglob("*.py")
                  if not {"__pycache__", "node_modules"} & set(p.parts))


def test_no_import_renames_a_portraits_name():
    """What a module (or a name of it) is called is what every caller writes: no ``import
    portraits.x as y``, no ``from portraits.x import m as y``."""
    renamed = []
    for path in _python_files():
        for module, name, alias in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if alias not in (None, name):
                renamed.append(f"{path.relative_to(ROOT)}: {module} ({name} as {alias})")
    assert not renamed, "imports that rename:\n" + "\n".join(sorted(renamed))


def _long_allowed(lines: list[str], lineno: int) -> bool:
    """`# long: why` on the def line, or on the comment lines just above it (decorators included)."""
    i = lineno - 1
    if LONG.search(lines[i]):
        return True
    i -= 1
    while i >= 0 and lines[i].strip().startswith(("#", "@")):
        if LONG.search(lines[i]):
            return True
        i -= 1
    return False


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_and_functions_stay_short(path):
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    rel = path.relative_to(PACKAGE)
    problems = []
    if len(lines) > MAX_MODULE_LINES and not any(LONG.search(line) for line in lines[:30]):
        problems.append(f"{rel}: {len(lines)} lines (> {MAX_MODULE_LINES}, no `# long:` reason)")
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            n = node.end_lineno - node.lineno + 1
            if n > MAX_FUNCTION_LINES and not _long_allowed(lines, node.lineno):
                problems.append(f"{rel}:{node.lineno} {node.name}: {n} lines (> {MAX_FUNCTION_LINES})")
    assert not problems, "\n".join(problems)


def _lua_code(text: str) -> str:
    """The Lua source with its comments and strings blanked (line breaks kept), so that a
    keyword inside them is not counted."""
    pattern = re.compile(r"--\[(=*)\[.*?\]\1\]|--[^\n]*|\[(=*)\[.*?\]\2\]"
                         r"|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'", re.S)
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def _lua_functions(text: str) -> list[tuple[int, int, str]]:
    """(first line, number of lines, name) of every function of a Lua source: blocks opened by
    function/do/then/repeat, closed by end/until (elseif/else continue a block)."""
    found, stack = [], []
    for lineno, line in enumerate(_lua_code(text).splitlines(), 1):
        for m in re.finditer(r"\b(function|do|then|repeat|end|until|elseif)\b", line):
            word = m.group(1)
            if word == "function":
                name = re.match(r"\s*([\w.:]+)", line[m.end():])
                stack.append((lineno, name.group(1) if name else "(anonymous)"))
            elif word == "elseif":
                stack.pop()     # its `then` reopens the block of the `if`
            elif word in ("do", "then", "repeat"):
                stack.append(None)
            else:
                opened = stack.pop()
                if opened:
                    found.append((opened[0], lineno - opened[0] + 1, opened[1]))
    assert not stack, "unbalanced Lua blocks: the size rule cannot read this file"
    return found


def _lua_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.lua"))


@pytest.mark.parametrize("path", _lua_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_lua_filters_stay_short(path):
    """The size rules of the Python modules hold for the Lua filters (`-- long: why` to escape)."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    rel = path.relative_to(PACKAGE)
    problems = []
    if len(lines) > MAX_MODULE_LINES and not any(LUA_LONG.search(line) for line in lines[:30]):
        problems.append(f"{rel}: {len(lines)} lines (> {MAX_MODULE_LINES}, no `-- long:` reason)")
    for first, n, name in _lua_functions(text):
        escaped = LUA_LONG.search(lines[first - 1]) or (first > 1 and LUA_LONG.search(lines[first - 2]))
        if n > MAX_FUNCTION_LINES and not escaped:
            problems.append(f"{rel}:{first} {name}: {n} lines (> {MAX_FUNCTION_LINES})")
    assert not problems, "\n".join(problems)


def test_the_lua_size_rule_reads_blocks():
    text = ("local function f(x)\n  if x then return 1 elseif y then\n    for i = 1, 2 do end\n  else\n"
            "    repeat x = x - 1 until x == 0\n  end\n  local s = \"end\" -- end\nend\n"
            "local t = { g = function() return [[do]] end }\n")
    assert sorted(_lua_functions(text)) == [(1, 8, "f"), (9, 1, "(anonymous)")]


def _named_files(sub: str) -> set[str]:
    """What a test file of tests/SUB may name: the stem of any file of portraits/SUB itself, a
    module or not (tests/render/test_crossrefs.py tests the Lua filter crossrefs.lua)."""
    return {p.stem for p in (PACKAGE / sub).iterdir() if p.is_file() and p.name != "__init__.py"}


def test_tests_mirror_the_modules():
    """portraits/SUB/MOD.py is tested in tests/SUB/test_MOD.py (top-level modules in
    tests/test_MOD.py), and every such test file names a file of portraits/SUB that exists."""
    missing = []
    for path in _modules():
        rel = path.relative_to(PACKAGE)
        if rel.name == "__init__.py" or str(rel) in UNMIRRORED:
            continue
        test = TESTS / rel.parent / f"test_{rel.stem}.py"
        if not test.exists():
            missing.append(f"{rel} -> {test.relative_to(ROOT)}")
    orphans = []
    for sub in SUBPACKAGES:
        for test in sorted((TESTS / sub).glob("test_*.py")):
            if test.stem.removeprefix("test_") not in _named_files(sub):
                orphans.append(str(test.relative_to(ROOT)))
    assert not missing, "modules without their test file:\n" + "\n".join(missing)
    assert not orphans, "test files naming no file of their subpackage:\n" + "\n".join(orphans)
