"""Golden clause trees: ``python -m tests.golden`` rewrites tests/data/*.tree from the parser.

Review a regenerated file by reading it against the document before committing it: the
golden files are the reference a reader of the document would agree with, not a snapshot.
"""

from __future__ import annotations

from pathlib import Path

from qa.corpus import Corpus
from qa.schema import Clause

DATA = Path(__file__).parent / "data"
SEEDS = Path(__file__).parent.parent / "seeds"


def tree_lines(clauses: list[Clause]) -> list[str]:
    out = []
    for c in clauses:
        d = c.duties
        duty = " | ".join(
            f"{k}={'、'.join(v)}" for k, v in (("牵头", d.lead), ("责任", d.responsible), ("协同", d.cooperating)) if v
        )
        out.append(
            f"{'  ' * (c.level - 1)}{c.path}\t{c.heading}\t{c.char_start}:{c.own_end}:{c.char_end}\t{duty}".rstrip()
        )
    return out


def main() -> None:
    corpus = Corpus.from_folder(SEEDS)
    DATA.mkdir(exist_ok=True)
    for d in corpus.documents:
        (DATA / f"{d.id}.tree").write_text("\n".join(tree_lines(corpus.clauses_of(d.id))) + "\n", encoding="utf-8")
        print(d.id, len(corpus.clauses_of(d.id)))


if __name__ == "__main__":
    main()
