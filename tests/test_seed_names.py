"""No seed place or seed unit is named by the code (#22: domain knowledge as data, not code).

The seeds are a sample of the library: a string the code matches or a comment's example that
names 浙江 or 省大数据局 is a rule written for them. Docstrings may name them (their examples run
on the seeds). Seed places are what the gazetteer finds in the seeds' titles, issuers and regions and in the
units they name; seed units are the units their duty annotations name.
"""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

import pytest

from qa.normalize import match_form
from qa.question.query import places_in

QA = Path(__file__).resolve().parent.parent / "qa"
#: files that still name seeds, each with what is left to do
KNOWN: dict[str, str] = {}


def _seed_names(corpus) -> set[str]:
    units = {
        match_form(u) for c in corpus.clauses for u in (*c.duties.lead, *c.duties.responsible, *c.duties.cooperating)
    }
    # a unit any document names the same way (各市政府, 省直有关部门) says nothing of a seed:
    # only the units that carry a place or an office of their own (省大数据局, 市发改委)
    units = {u for u in units if len(u) >= 4 and not u.startswith("各") and "有关" not in u and "相关" not in u}
    heads = [*(d.title for d in corpus.documents), *(d.issuer for d in corpus.documents)]
    places = {p for text in (*heads, *(d.region for d in corpus.documents), *units) for p in places_in(text)}
    return places | units


def _docstring_nodes(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _named(text: str, names: set[str]) -> list[str]:
    sc = match_form(text)
    return sorted(n for n in names if n in sc)


def _findings(path: Path, names: set[str]) -> list[str]:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    docs = _docstring_nodes(tree)
    out = []
    for node in ast.walk(tree):
        literal = isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
        if literal and (found := _named(node.value, names)):
            out.append(f"{path.name}:{node.lineno} string names {found}")
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT and (found := _named(tok.string, names)):
            out.append(f"{path.name}:{tok.start[0]} comment names {found}")
    return out


FILES = sorted(QA.rglob("*.py"))


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(QA)) for p in FILES])
def test_code_names_no_seed_place_or_unit(path, corpus):
    rel = str(path.relative_to(QA))
    if rel in KNOWN:
        pytest.xfail(KNOWN[rel])
    names = _seed_names(corpus)
    assert not _findings(path, names)


def test_the_seed_names_are_found(corpus):
    names = _seed_names(corpus)
    assert {"浙江", "宁波", "河北", "杭州"} <= names
    assert any(u.endswith("大数据局") for u in names)
