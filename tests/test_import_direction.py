"""Imports run one way: pages over use cases over the domain over the tables.

Every ``import`` in ``kb/`` (inside functions too) is read with :mod:`ast` and checked against
the layers written out below. A module may import its own package, anything in a lower layer,
and a peer in its own layer only where the layer says peers may share. A module missing from
the table fails the test, so a new package has to say where it stands.
"""

from __future__ import annotations

import ast
from pathlib import Path

KB = Path(__file__).resolve().parents[1] / "kb"

#: Bottom to top: (units, whether units of this layer may import each other).
LAYERS: list[tuple[set[str], bool]] = [
    ({"kb.errors", "kb.extensions", "kb.models", "kb.validation", "kb.database", "kb.resources",
      "kb.tallies",
      "kb.config", "kb.locales", "kb.settings", "kb.mail", "kb.ordered_pool", "kb.records", "kb.throttle", "kb.logs",
      "kb.errors_web"}, True),
    ({"kb.permissions"}, False),
    ({"kb.auth"}, False),
    ({"kb.media"}, False),  # images: below content, which notes the images each revision uses
    ({"kb.content"}, False),
    # the shape of the index (fields, analysers, the dataclasses that cross the boundary), which
    # the engine reads and the product writes
    ({"kb.search.languages", "kb.search.schema", "kb.search.documents"}, True),
    ({"kb.search.engine"}, False),  # the retrieval engine: below the product's search
    ({"kb.search", "kb.macros"}, False),
    ({"kb.review"}, False),
    ({"kb.contact"}, False),  # contact requests: over search, media, mail and the scheduler
    ({"kb.insights"}, False),  # reports over searches, feedback, macros and review dates
    # use cases over the whole domain, for the command line
    ({"kb.transfer", "kb.transfer_export", "kb.transfer_files", "kb.transfer_media",
      "kb.transfer_sections", "kb.transfer_synonyms", "kb.transfer_fields", "kb.transfer_locales",
      "kb.transfer_workflow", "kb.zendesk",
      "kb.backup", "kb.instance", "kb.sidebar_app"}, True),
    ({"kb.web"}, False),  # what every page shares
    ({"kb.helpcenter", "kb.agent", "kb.editor", "kb.admin", "kb.api"}, False),  # each for its own users
    ({"kb", "kb.cli", "kb.server"}, True),
]
#: Not application code: Alembic's scripts run on their own.
SKIPPED = ("kb.migrations",)
DOMAIN = {"kb.content", "kb.review", "kb.macros", "kb.search", "kb.auth", "kb.media", "kb.insights",
          "kb.contact"}
PAGES = {"kb.helpcenter", "kb.agent", "kb.editor", "kb.admin", "kb.api", "kb.web"}


def _unit(module: str) -> str | None:
    """The layer table's entry for a module: its longest listed prefix (``kb`` itself, the
    factory, only matches exactly)."""
    best = None
    for units, _ in LAYERS:
        for unit in units:
            inside = module == unit or (unit != "kb" and module.startswith(unit + "."))
            if inside and (best is None or len(unit) > len(best)):
                best = unit
    return best


def _layer(unit: str) -> tuple[int, bool]:
    for index, (units, peers) in enumerate(LAYERS):
        if unit in units:
            return index, peers
    raise KeyError(unit)


def _modules():
    for path in sorted(KB.rglob("*.py")):
        parts = path.relative_to(KB.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if not name.startswith(SKIPPED):
            yield name, path


def _imports(name: str, path: Path):
    """Every kb module that ``name`` imports, with the line it does so on."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            if target == "kb" or target.startswith("kb."):
                yield target, node.lineno


def _arrows():
    for name, path in _modules():
        for target, line in _imports(name, path):
            source_unit, target_unit = _unit(name), _unit(target)
            if target_unit is None:  # "from kb.x import function": the module is kb.x
                target_unit = _unit(target.rpartition(".")[0])
            yield name, path, line, source_unit, target, target_unit


def test_every_module_has_a_layer():
    assert [name for name, _ in _modules() if _unit(name) is None] == []


def test_imports_run_one_way():
    wrong = []
    for name, path, line, source, target, target_unit in _arrows():
        if source is None or target_unit is None or target_unit == source:
            continue
        if target == "kb":  # ``import kb`` for ``__version__``: its parts are imported lazily
            continue
        (here, _), (there, peers) = _layer(source), _layer(target_unit)
        if there > here or (there == here and not peers):
            wrong.append(f"{path.relative_to(KB.parent)}:{line}: {name} -> {target}")
    assert wrong == []


def test_the_domain_never_imports_a_page_package():
    wrong = [f"{name} -> {target}" for name, _, _, source, target, target_unit in _arrows()
             if source in DOMAIN and target_unit in PAGES]
    assert wrong == []


def test_content_never_imports_macros_or_review():
    wrong = [f"{name} -> {target}" for name, _, _, source, target, target_unit in _arrows()
             if source == "kb.content" and target_unit in {"kb.macros", "kb.review"}]
    assert wrong == []


def test_only_the_search_package_imports_whoosh():
    users = set()
    for name, path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n == "whoosh" or n.startswith("whoosh.") for n in names):
                users.add(name)
    assert users and all(name.startswith("kb.search") for name in users), sorted(users)


#: Whoosh's documented way of declaring a schema and its analysers: the product layer's
#: ``kb/search/schema.py`` may use these; every other Whoosh module is the engine's business.
WHOOSH_SCHEMA_API = ("whoosh.fields", "whoosh.formats", "whoosh.analysis", "whoosh.columns",
                     "whoosh.lang", "whoosh.support.charset")


def test_whoosh_internals_are_used_only_by_the_engine():
    wrong = []
    for name, path in _modules():
        if name.startswith("kb.search.engine"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("whoosh"):
                modules = ([f"whoosh.{a.name}" for a in node.names] if node.module == "whoosh"
                           else [node.module])
            elif isinstance(node, ast.Import):
                modules = [a.name for a in node.names if a.name.startswith("whoosh")]
            else:
                continue
            wrong += [f"{name} -> {m}" for m in modules
                      if not any(m == api or m.startswith(api + ".") for api in WHOOSH_SCHEMA_API)]
    assert wrong == []
