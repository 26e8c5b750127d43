"""The living policy library: add, update, retire and re-import documents without a full rebuild.

Every change writes a new generation of ``index/<name>/`` (see :func:`qa.search.index.build_index`):
unchanged clauses keep their vectors (read back from the current FAISS index), only the new
document's clauses are embedded, BM25 is re-indexed (milliseconds at this size), and the new
generation is swapped in with one atomic rename.  A crash at any point leaves the previous
generation, and so the library, exactly as it was.  One change runs at a time (a lock file);
readers never wait: they keep the generation they loaded until they reload.

The library's memory lives in the generation too: each document's version and status, the
event history (``history.jsonl``) and the earlier texts of updated or removed documents
(``versions/<doc>/v<n>.txt``).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from qa.corpus import PARSER_VERSION, Corpus, documents_hash
from qa.errors import Busy, IndexStateError, InputError, PolicyQAError
from qa.ingest import load_corpus, load_document
from qa.ingest.document import reread
from qa.ingest.grammar import parse_clauses
from qa.ingest.metadata import titles_from_citations
from qa.schema import Document
from qa.search import stores as vectors
from qa.search.encoders import Encoder
from qa.search.index import (
    FORMAT_VERSION,
    Index,
    build_index,
    load_index,
    read_documents,
    read_history,
    read_manifest,
    stored_vectors,
    sweep_generations,
    verify_files,
)
from qa.settings import Settings

log = logging.getLogger(__name__)
STATUSES = ("in_force", "superseded", "expired")
STATUS_LABELS = {"in_force": "现行有效", "superseded": "已被替代", "expired": "已废止"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Change:
    """What one library operation did (printed by the CLI, shown by the upload page)."""

    action: str  # add | update | remove | status | skip | import
    doc_id: str
    version: int = 0
    title: str = ""
    clauses: int = 0
    embedded: int = 0
    seconds: float = 0.0
    message: str = ""
    reached: int = 0  # saved profiles (政策找人 subscriptions) its new clauses were pushed to


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def today() -> str:
    return date.today().isoformat()


@contextlib.contextmanager
def library_lock(settings: Settings, what: str = "change") -> Iterator[None]:
    """Hold the library's write lock: one add/update/remove/build at a time, across processes.

    The lock is an ``flock`` on ``index/.<name>.lock``: the kernel drops it when the holder dies,
    so a killed update never leaves the library locked.  The holder writes who it is (process,
    change, since when) into the file, so a change that gives up after ``settings.lock_wait_s``
    says what it waited for.
    """
    if what != "import" and not settings.index_dir.exists():
        # a change to a library that does not exist leaves no lock file behind it
        _load_current(settings, None)
    settings.index_root.mkdir(parents=True, exist_ok=True)
    path = settings.index_root / f".{settings.index_name}.lock"
    with path.open("a+", encoding="utf-8") as f:
        deadline = time.monotonic() + settings.lock_wait_s
        while True:
            try:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise Busy(f"文库 {settings.index_name!r} 正在进行另一项修改（{_holder(f)}），请稍后再试") from None
                time.sleep(0.1)
        try:
            f.seek(0)
            f.truncate()
            f.write(json.dumps({"pid": os.getpid(), "what": what, "since": now()}))
            f.flush()
            yield
        finally:
            f.truncate(0)
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def _holder(f) -> str:
    """Who holds the lock, as its holder wrote it: ``进程 812 的 add，自 2026-12-04T22:50:01 起``."""
    try:
        f.seek(0)
        info = json.loads(f.read() or "{}")
        return f"进程 {int(info['pid'])} 的 {info['what']}，自 {info['since']} 起"
    except (ValueError, KeyError, TypeError):
        return "持有者未知"


def doc_id_for(path: Path, sha256: str, taken: set[str]) -> str:
    """A document id from the file name, made unique with the content hash when needed.

    >>> doc_id_for(Path("杭州市数字政府方案.pdf"), "ab12cd34ef", set())
    '杭州市数字政府方案'
    >>> doc_id_for(Path("方案 (1).docx"), "ab12cd34ef", {"方案_1"})
    '方案_1_ab12cd34'
    """
    stem = re.sub(r"[^\w\u4e00-\u9fff-]+", "_", path.stem).strip("_") or "doc"
    stem = stem[:60]
    return stem if stem not in taken else f"{stem}_{sha256[:8]}"


def _removed_ids(history: list[dict]) -> set[str]:
    last: dict[str, str] = {}
    for e in history:
        if e.get("doc_id"):
            last[e["doc_id"]] = e.get("action", "")
    return {d for d, a in last.items() if a == "remove"}


def _event(action: str, doc: Document, **extra) -> dict:
    return {
        "at": now(),
        "action": action,
        "doc_id": doc.id,
        "version": doc.version,
        "title": doc.name,
        "source_file": doc.source_file,
        "format": doc.format,
        "sha256": doc.sha256,
        "status": doc.status,
        **{k: v for k, v in extra.items() if v not in (None, "")},
    }


def _archive_name(doc: Document) -> str:
    return f"versions/{doc.id}/v{doc.version}.txt"


def _load_current(settings: Settings, encoder: Encoder | None) -> Index:
    try:
        return load_index(settings, encoder=encoder, check_corpus=False)
    except IndexStateError as e:
        raise IndexStateError(f"cannot change the library: {e}") from e


def _commit(
    settings: Settings,
    index: Index,
    docs: list[Document],
    fresh: dict[str, Document],
    events: list[dict],
    archive: list[Document] = (),
    encoder: Encoder | None = None,
) -> tuple[dict, Corpus]:
    """Write the next generation: ``docs`` in library order, re-parsing only those in ``fresh``."""
    sweep_generations(settings.index_dir)  # what an interrupted change left behind
    titled = titles_from_citations(docs)
    before = {d.id: d.title for d in docs}
    fresh = {**fresh, **{d.id: d for d in titled if d.title != before[d.id]}}  # a title found: parse again
    docs = titled
    keep = {d.id for d in docs} - set(fresh)
    clauses = [c for c in index.corpus.clauses if c.doc_id in keep]
    for d in fresh.values():
        clauses.extend(parse_clauses(d))
    corpus = Corpus.assemble(docs, clauses)
    extra = {_archive_name(d): d.raw for d in archive}
    build_index(
        corpus,
        settings.with_(  # the library keeps the choices it was built with, its vector store too
            encoder=index.manifest["encoder"]["spec"],
            embed_form=index.manifest.get("embed_form"),
            dense_index=index.manifest.get("dense_index_setting"),
            vector_store=vectors.setting_of(index.manifest),
        ),
        encoder or index._encoder,
        reuse=stored_vectors(index),
        seeds_hash=index.manifest.get("seeds_hash"),
        history=[*index.history(), *events],
        archive_from=index.dir,
        extra_files=extra,
    )
    return json.loads((settings.index_dir / "manifest.json").read_text(encoding="utf-8")), corpus


def _push(settings: Settings, encoder: Encoder | None, new_clauses: dict[str, set[str]]) -> dict[str, int]:
    """Push the new clauses to the saved profiles they match (政策推送); the change itself has
    already been written, so a failing push is reported and does not undo it."""
    from qa.match.subscriptions import any_saved, push

    new_clauses = {d: ids for d, ids in new_clauses.items() if ids}
    if not new_clauses or not any_saved(settings):
        return {}
    try:
        return push(settings, load_index(settings, encoder=encoder, check_corpus=False), new_clauses)
    except (OSError, sqlite3.Error, PolicyQAError) as e:
        log.warning("the change is saved, but pushing it to saved profiles failed: %s", e)
        return {}


def _duplicate_of(doc: Document, index: Index) -> str:
    for d in index.corpus.documents:
        if d.sha256 == doc.sha256:
            return f"the same text as document {d.id} (version {d.version})"
    return ""


def _removed_with(doc: Document, history: list[dict]) -> tuple[str, int] | None:
    """``(id, last version)`` of a removed document that had this text: adding it again restores it."""
    removed = _removed_ids(history)
    same = [e["doc_id"] for e in history if e.get("doc_id") in removed and e.get("sha256") == doc.sha256]
    if not same:
        return None
    return same[-1], max(int(e.get("version", 1)) for e in history if e.get("doc_id") == same[-1])


def add_documents(paths: list[str | Path], settings: Settings, encoder: Encoder | None = None) -> list[Change]:
    """Add files (txt, md, html, docx, pdf) to the library in one new generation.

    A file whose text is already in the library is skipped and reported; the text of a
    removed document brings that document back under its old id (as its next version).
    Every file is read and parsed before anything is written: one bad file fails the whole
    call and the library is unchanged.
    """
    if not paths:
        raise InputError("name at least one file to add")
    t0 = time.perf_counter()
    with library_lock(settings, "add"):
        index = _load_current(settings, encoder)
        taken = {d.id for d in index.corpus.documents} | {e.get("doc_id", "") for e in index.history()}
        docs = list(index.corpus.documents)
        fresh: dict[str, Document] = {}
        changes, events = [], []
        for p in paths:
            doc = load_document(p)
            why = _duplicate_of(doc, index) or next(
                (
                    f"the same text as {f.source_file}, given earlier in this call"
                    for f in fresh.values()
                    if f.sha256 == doc.sha256
                ),
                "",
            )
            if why:
                changes.append(Change("skip", "", title=doc.name, message=f"{Path(p).name}: not added, {why}"))
                continue
            restored = _removed_with(doc, index.history())
            if restored and restored[0] not in fresh:
                doc = replace(doc, id=restored[0], version=restored[1] + 1, origin="added", added_at=now())
            else:
                restored = None
                doc = replace(doc, id=doc_id_for(Path(p), doc.sha256, taken), origin="added", added_at=now())
            taken.add(doc.id)
            fresh[doc.id] = doc
            docs.append(doc)
            events.append(_event("add", doc, note=f"restores removed document {doc.id}" if restored else ""))
        if not fresh:
            return changes
        manifest, corpus = _commit(settings, index, docs, fresh, events, encoder=encoder)
        reached = _push(settings, encoder, {d: {c.id for c in corpus.clauses_of(d)} for d in fresh})
    seconds = time.perf_counter() - t0
    for d in fresh.values():
        n = len(corpus.clauses_of(d.id))
        changes.append(
            Change(
                "add",
                d.id,
                d.version,
                d.name,
                n,
                manifest["embedded_now"],
                round(seconds, 2),
                reached=reached.get(d.id, 0),
            )
        )
    return changes


def update_document(key: str, path: str | Path, settings: Settings, encoder: Encoder | None = None) -> Change:
    """Replace a document's text with a new version; the old text is kept in the history."""
    t0 = time.perf_counter()
    with library_lock(settings, "update"):
        index = _load_current(settings, encoder)
        old = index.corpus.document(key)
        new = load_document(path)
        if new.sha256 == old.sha256:
            return Change(
                "skip",
                old.id,
                old.version,
                old.name,
                message=f"{Path(path).name}: the same text as version {old.version} of {old.id}; nothing to update",
            )
        new = replace(new, id=old.id, version=old.version + 1, origin=old.origin, added_at=now())
        docs = [new if d.id == old.id else d for d in index.corpus.documents]
        event = _event("update", new, previous_sha256=old.sha256, archived=_archive_name(old))
        manifest, corpus = _commit(settings, index, docs, {new.id: new}, [event], archive=[old], encoder=encoder)
        known = {c.text for c in index.corpus.clauses_of(old.id)}
        reached = _push(settings, encoder, {new.id: {c.id for c in corpus.clauses_of(new.id) if c.text not in known}})
    n = len(corpus.clauses_of(new.id))
    return Change(
        "update", new.id, new.version, new.name, n, manifest["embedded_now"], round(time.perf_counter() - t0, 2),
        reached=reached.get(new.id, 0),
    )  # fmt: skip


def remove_document(key: str, settings: Settings, encoder: Encoder | None = None) -> Change:
    """Take a document out of the library (its clauses leave the index; its text stays in the history)."""
    t0 = time.perf_counter()
    with library_lock(settings, "remove"):
        index = _load_current(settings, encoder)
        old = index.corpus.document(key)
        if len(index.corpus.documents) == 1:
            raise InputError(f"{old.id} is the library's only document; add another before removing it")
        docs = [d for d in index.corpus.documents if d.id != old.id]
        event = _event("remove", old, archived=_archive_name(old))
        _commit(settings, index, docs, {}, [event], archive=[old], encoder=encoder)
    return Change("remove", old.id, old.version, old.name, seconds=round(time.perf_counter() - t0, 2))


#: the years a document's status may change in (0001-01-01 is a typing slip, not a date of law)
STATUS_YEARS = (1900, 2199)


def set_status(
    key: str, status: str, settings: Settings, *, on: str = "", superseded_by: str = "", encoder: Encoder | None = None
) -> Change:
    """Mark a document in force, superseded (by another document) or expired, from a date."""
    if status not in STATUSES:
        raise InputError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    if on and not _ISO_DATE.match(on):
        raise InputError(f"dates are written YYYY-MM-DD, not {on!r}")
    if on:
        try:
            date.fromisoformat(on)
        except ValueError:
            raise InputError(f"{on!r} is not a calendar date") from None
        if not STATUS_YEARS[0] <= int(on[:4]) <= STATUS_YEARS[1]:
            raise InputError(f"a status date is in the years {STATUS_YEARS[0]}–{STATUS_YEARS[1]}, not {on!r}")
    with library_lock(settings, "status"):
        index = _load_current(settings, encoder)
        doc = index.corpus.document(key)
        by = ""
        if superseded_by:
            if status != "superseded":
                raise InputError("a replacing document (--by, superseded_by) goes only with the status superseded")
            by = index.corpus.document(superseded_by).id
            if by == doc.id:
                raise InputError("a document cannot supersede itself")
        new = replace(doc, status=status, status_date=on if status != "in_force" else "", superseded_by=by)
        docs = [new if d.id == doc.id else d for d in index.corpus.documents]
        _commit(
            settings,
            index,
            docs,
            {},
            [_event("status", new, status_date=new.status_date, superseded_by=by)],
            encoder=encoder,
        )
    return Change("status", doc.id, doc.version, doc.name, message=status_text(new, today()))


def status_text(doc: Document, on: str) -> str:
    """A reader's sentence about a document's status.

    >>> d = Document("d", "d.txt", "宁波市方案", "", "", "", "", "", "simplified", "", "", status="expired", status_date="2025-06-30")
    >>> status_text(d, "2026-01-01")
    '《宁波市方案》已于2025-06-30废止'
    >>> status_text(d, "2025-01-01")
    '《宁波市方案》将于2025-06-30废止'
    """
    name = doc.name if doc.name.startswith("《") else f"《{doc.name}》"
    return name + status_phrase(doc, on)


def status_phrase(doc: Document, on: str) -> str:
    """What a status says after the document's name: 现行有效, 已于…废止, 将于…被替代…"""
    if doc.status == "in_force":
        return STATUS_LABELS["in_force"]
    verb = "废止" if doc.status == "expired" else "被替代"
    when = f"{'将' if doc.status_date > on else '已'}于{doc.status_date}" if doc.status_date else "已"
    by = f"（由{doc.superseded_by}替代）" if doc.superseded_by else ""
    return f"{when}{verb}{by}"


# --- importing the seed folder (``policyqa build``) --------------------------------------------


def _previous_library(settings: Settings) -> tuple[list[Document], list[dict], Path | None]:
    """The documents and history of the current index, read even when its vectors are unusable.

    Only ``documents.json`` and ``history.jsonl`` must be intact (their checksums are checked):
    a rebuild can repair a corrupt FAISS or BM25 file without losing added documents.
    """
    d = settings.index_dir.resolve()
    if not (d / "manifest.json").exists():
        return [], [], None
    hint = f"restore it from a backup, or run `policyqa build --fresh --index {settings.index_name}` to start again from {settings.seeds_dir}/ only (documents added since are dropped)"
    try:
        manifest = read_manifest(d, hint, any_parser=True)
    except IndexStateError:
        if _format_version(d) < FORMAT_VERSION:  # written before the library existed: all from seeds
            return [], [], None
        raise
    verify_files(
        d, manifest, f"the library's documents cannot be read back: {hint}", only=("documents.json", "history.jsonl")
    )
    docs = read_documents(d)
    if manifest.get("parser") != PARSER_VERSION:  # built by an earlier reader: read every text again
        docs = [reread(x) for x in docs]
    return docs, read_history(d), d


def _format_version(d: Path) -> int:
    """The format version a manifest states (0 when it states none or cannot be read)."""
    try:
        version = json.loads((d / "manifest.json").read_text(encoding="utf-8")).get("format_version", 0)
    except (OSError, ValueError, AttributeError):
        return FORMAT_VERSION  # unreadable: not an old index, a broken one
    return version if isinstance(version, int) else FORMAT_VERSION


def import_seeds(
    settings: Settings, *, fresh: bool = False, encoder: Encoder | None = None, _fail_after_write: bool = False
) -> tuple[Path, list[Change]]:
    """Build the index from the seed folder, keeping what the library did since.

    Documents added through the library stay; seed documents updated, retired or given a
    status through it keep that state; seed files that are new or changed are (re-)imported.
    ``fresh`` starts from the seed folder alone.
    """
    with library_lock(settings, "import"):
        seeds = load_corpus(settings.seeds_dir)
        seeds_hash = documents_hash(seeds)
        prev_docs, history, prev_dir = ([], [], None) if fresh else _previous_library(settings)
        prev = {d.id: d for d in prev_docs}
        removed = _removed_ids(history)
        docs, events, changes = [], [], []
        for s in seeds:
            p = prev.get(s.id)
            if p is not None and p.origin == "added":
                changes.append(
                    Change(
                        "skip",
                        s.id,
                        title=s.name,
                        message=f"{s.source_file}: the library already holds a document added as {s.id}; it is kept",
                    )
                )
                continue
            if s.id in removed:
                changes.append(
                    Change(
                        "skip",
                        s.id,
                        title=s.name,
                        message=f"{s.source_file}: removed from the library earlier; not re-imported",
                    )
                )
                continue
            if p is not None and (p.version > 1 or p.sha256 == s.sha256):
                docs.append(p)  # unchanged, or given a new version through the library
                continue
            imported = replace(s, added_at=now(), status=p.status if p else "in_force",
                               status_date=p.status_date if p else "", superseded_by=p.superseded_by if p else "")  # fmt: skip
            docs.append(imported)
            events.append(_event("import", imported))
            changes.append(Change("import", s.id, 1, s.name))
        docs.extend(d for d in prev_docs if d.origin == "added")
        docs = titles_from_citations(docs)
        clauses = [c for d in docs for c in parse_clauses(d)]
        corpus = Corpus.assemble(docs, clauses)
        if prev_dir is None:
            sweep_generations(settings.index_dir)
        path = build_index(corpus, settings, encoder, seeds_hash=seeds_hash, history=[*history, *events],
                           archive_from=prev_dir, _fail_after_write=_fail_after_write)  # fmt: skip
        sweep_generations(settings.index_dir)
    return path, changes


def library_rows(index: Index, on: str | None = None) -> list[dict]:
    """One row per document: id, name, format, version, status (as of ``on``), dates, clause count."""
    on = on or today()
    counts: dict[str, int] = {}
    for c in index.corpus.clauses:
        counts[c.doc_id] = counts.get(c.doc_id, 0) + 1
    return [
        {
            "id": d.id,
            "name": d.name,
            "format": d.format,
            "version": d.version,
            "status": d.effective_status(on),
            "status_label": STATUS_LABELS[d.effective_status(on)],
            "status_date": d.status_date,
            "superseded_by": d.superseded_by,
            "origin": d.origin,
            "added_at": d.added_at,
            "clauses": counts.get(d.id, 0),
            "sha256": d.sha256,
        }
        for d in index.corpus.documents
    ]


def versions_of(index: Index, key: str) -> list[dict]:
    """A document's history, oldest first, with the archived text's path where one is kept."""
    try:
        doc_id = index.corpus.document(key).id
    except InputError:
        doc_id = key  # a removed document: only its history remains
    events = [e for e in index.history() if e.get("doc_id") == doc_id]
    if not events:
        raise InputError(f"{key!r} has no history in this library")
    return events


def archived_text(index: Index, doc_id: str, version: int) -> str:
    """The text of an earlier version kept in ``versions/``."""
    p = index.dir / "versions" / doc_id / f"v{int(version)}.txt"
    if not p.resolve().is_relative_to((index.dir / "versions").resolve()) or not p.is_file():
        raise InputError(f"no archived text for {doc_id} version {version}")
    return p.read_text(encoding="utf-8")
