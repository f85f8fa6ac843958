"""The apps depend downward only: a module never imports an app above its own.

The layers, lowest first:

    0. core                              the shared library; imports no app of ours
    0b. jobs                             background jobs (Celery); knows no content app
    0c. accounts                         listener accounts and profiles; knows no content app
    1. people
    2. papers
    3. episodes
    4. posts                             the content apps
    5. community                         listeners' ratings and reviews of the content
    6. search, feeds, api, pages         what the public reads, built on the content
    7. ibsite                            settings, root URLs, WSGI, Editors, the demo

A module may import its own app and any app of a lower layer. The four apps of layer 6 are
one level and may import each other: they are siblings composing the same content (the API
and the search page count topics as the pages do, with `pages.tags`), none of them is a
foundation for the others, and nothing below them may import any of them. On top of that,
no content app (people, papers, episodes, posts) imports `search`, even though search sits
above them: content apps announce changes (`core.signals.content_changed`) and search
listens.

Every import counts, at module level or inside a function: `import x`, `from x import y`,
relative imports (resolved), and `importlib.import_module("x")` or `__import__("x")` with a
literal name. String
references to models ("people.Person" in a ForeignKey, `apps.get_model("app.Model")`) are
not imports and are left alone. Tests and migrations are not checked.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LAYERS = [
    {"core"},
    {"jobs"},
    {"accounts"},
    {"people"},
    {"papers"},
    {"episodes"},
    {"posts"},
    {"community"},
    {"search", "feeds", "api", "pages"},
    {"ibsite"},
]
LEVEL = {app: level for level, apps in enumerate(LAYERS) for app in apps}
CONTENT_APPS = {"people", "papers", "episodes", "posts"}


@dataclass(frozen=True)
class Breach:
    path: str
    line: int
    imported: str
    rule: str

    def __str__(self):
        return f"{self.path}:{self.line}: imports {self.imported}: {self.rule}"


def module_name(path):
    """ "papers/models.py" -> "papers.models"; "papers/__init__.py" -> "papers"."""
    parts = list(Path(path).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_names(source, module, is_package=False):
    """(line, dotted name) for every import in the source, wherever it is."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # from . import x, from ..y import z
                base = package[: len(package) - node.level + 1]
                prefix = ".".join([*base, node.module] if node.module else base)
                if node.module:
                    yield node.lineno, prefix
                else:
                    for alias in node.names:
                        yield node.lineno, f"{prefix}.{alias.name}"
            else:
                yield node.lineno, node.module
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None))
            in {"import_module", "__import__"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value


def breaches(path, source):
    """What the module at `path` (relative to the project) imports against the layers."""
    own = Path(path).parts[0]
    if own not in LEVEL:
        return []
    module = module_name(path)
    found = []
    for line, name in imported_names(source, module, Path(path).name == "__init__.py"):
        app = name.split(".")[0]
        if app not in LEVEL or app == own:
            continue
        if own in CONTENT_APPS and app == "search":
            rule = "a content app never imports search (search listens to content_changed)"
        elif LEVEL[app] > LEVEL[own]:
            rule = f"{own} (layer {LEVEL[own]}) may not import {app} (layer {LEVEL[app]})"
        else:
            continue
        found.append(Breach(path, line, name, rule))
    return found


def our_modules():
    for app in LEVEL:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or "tests" in relative.parts:
                continue
            yield relative.as_posix(), path.read_text(encoding="utf-8")


def all_breaches():
    return [breach for path, source in our_modules() for breach in breaches(path, source)]


def test_no_app_imports_an_app_above_it():
    found = all_breaches()
    order = " < ".join(", ".join(sorted(apps)) for apps in LAYERS)
    assert not found, f"Apps depend downward only ({order}):\n" + "\n".join(map(str, found))


def test_every_app_is_checked():
    apps = {path.split("/")[0] for path, _ in our_modules()}
    assert apps == set(LEVEL)
    assert sum(1 for _ in our_modules()) > 100


# The checker itself.


def test_it_catches_an_import_of_a_higher_app_inside_a_function():
    source = "from core.text import slug\n\ndef f():\n    from episodes.models import Episode\n"
    (breach,) = breaches("people/models.py", source)
    assert str(breach) == (
        f"people/models.py:4: imports episodes.models: people (layer {LEVEL['people']}) may not "
        f"import episodes (layer {LEVEL['episodes']})"
    )


def test_it_catches_plain_imports_and_import_module():
    source = "import api.views\nimport importlib\nimportlib.import_module('ibsite.editors')\n"
    source += "__import__('ibsite')\n"
    # api is a sibling of pages; ibsite is above it.
    assert [(b.line, b.imported) for b in breaches("pages/views/site.py", source)] == [
        (3, "ibsite.editors"),
        (4, "ibsite"),
    ]
    assert [(b.line, b.imported) for b in breaches("posts/models.py", source)] == [
        (1, "api.views"),
        (3, "ibsite.editors"),
        (4, "ibsite"),
    ]


def test_accounts_knows_no_content_app():
    source = (
        "from core.net import client_ip\nfrom jobs import runner\nfrom episodes import models\n"
    )
    assert [b.imported for b in breaches("accounts/views.py", source)] == ["episodes"]


def test_it_catches_core_importing_any_app():
    assert [b.imported for b in breaches("core/links.py", "import people\n")] == ["people"]


def test_it_resolves_relative_imports():
    source = "from ..episodes import models\nfrom . import models as mine\n"
    assert [b.imported for b in breaches("papers/sub/x.py", source)] == []
    source = "from ...episodes import models\n"
    assert [b.imported for b in breaches("papers/sub/x.py", source)] == ["episodes"]


def test_it_says_a_content_app_never_imports_search():
    (breach,) = breaches("posts/models.py", "def f():\n    from search import index\n")
    assert breach.line == 2
    assert breach.rule.startswith("a content app never imports search")


def test_it_allows_downward_and_sibling_imports_and_string_references():
    source = (
        "from core.links import absolute\nfrom people.models import Person\n"
        "from pages.tags import popular_tags\n"
        "from django.apps import apps\nModel = apps.get_model('ibsite.Thing')\n"
        "x = models.ForeignKey('posts.Post', on_delete=models.CASCADE)\n"
    )
    assert breaches("api/views.py", source) == []
    assert breaches("people/models.py", "from people import filters\n") == []
