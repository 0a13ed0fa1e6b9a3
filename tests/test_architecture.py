"""The package's layout is its architecture (docs/ARCHITECTURE.md): subpackages in layers whose
imports go one way, modules and functions of a readable size, and tests that mirror the modules."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "portraits"
TESTS = ROOT / "tests"

# Lowest first: a module may import its own layer and the layers before it, never a later one.
LAYERS = ("core", "data", "text", "template", "blocks", "execution", "render", "build", "preview", "site", "cli")
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


def _layer(rel: Path) -> str:
    return rel.parts[0] if len(rel.parts) > 1 else "cli"  # top-level modules: cli, __main__


def _imported(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError("relative import: write `from portraits.<subpackage> import …`")
    return {n for n in names if n.startswith("portraits.")}


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_go_one_way(path):
    rel = path.relative_to(PACKAGE)
    own = LAYERS.index(_layer(rel))
    later = []
    for name in _imported(ast.parse(path.read_text(encoding="utf-8"))):
        part = name.split(".")[1]
        if part in LAYERS and LAYERS.index(part) > own:
            later.append(name)
        elif part == "cli" and own < LAYERS.index("cli"):
            later.append(name)
    assert not later, f"{rel} ({_layer(rel)}) imports a later layer: {sorted(later)}"


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
    for sub in LAYERS[:-1]:
        for test in sorted((TESTS / sub).glob("test_*.py")):
            if test.stem.removeprefix("test_") not in _named_files(sub):
                orphans.append(str(test.relative_to(ROOT)))
    assert not missing, "modules without their test file:\n" + "\n".join(missing)
    assert not orphans, "test files naming no file of their subpackage:\n" + "\n".join(orphans)
