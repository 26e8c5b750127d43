"""The JSON API: its request and response models and its routes (``/api/…``, ``/docs``), on the
shared :class:`qa.app.state.PolicyApp`.  :func:`qa.app.ui.create_app` mounts the page on it.
"""

import contextlib
import dataclasses
import logging
import time
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from qa.app import views, web_match
from qa.app.guard import Guard
from qa.app.qlog import MAX_ID
from qa.app.state import PolicyApp, available_generators
from qa.app.uploads import _uploaded
from qa.errors import AccessDenied, Busy, InputError, PolicyQAError
from qa.settings import Settings

log = logging.getLogger("policyqa.ui")


class AskRequest(BaseModel):
    question: str = Field(
        ...,
        description="The question, Simplified or Traditional Chinese",
        max_length=2000,
        examples=["数字政府建设到2025年的目标是什么？"],
    )
    history: list[str] = Field(
        default_factory=list,
        description="Earlier questions of the conversation, oldest first "
        "(a follow-up such as 那成都呢？ is rewritten with them)",
        max_length=20,
    )
    id: str = Field("", description="Caller's id for the question, echoed back in the record", max_length=100)
    generator: str | None = Field(None, description="extractive (default) or llm where installed")
    docs: list[Annotated[str, Field(max_length=100)]] = Field(
        default_factory=list, max_length=50, description="Restrict to these document ids (or prefixes)"
    )
    region: str = Field("", description="Restrict to documents of this region, e.g. 广东", max_length=50)


class CitationOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    n: int
    doc_id: str
    clause_id: str
    path: str
    title_path: str
    source_file: str
    char_start: int
    char_end: int
    text: str


class RetrievedOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    doc_id: str
    clause_id: str
    source_file: str
    char_start: int
    char_end: int
    text: str
    score: float


class AskResponse(BaseModel):
    """The answer record shared by every front end (DESIGN.md), plus ``log_id`` for feedback."""

    model_config = ConfigDict(extra="allow")
    id: str
    question: str
    answer: str
    refused: bool
    citations: list[CitationOut]
    retrieved: list[RetrievedOut]
    latency_ms: float
    generator: str = "extractive"
    rewritten: str = ""
    log_id: int
    feedback_key: str = Field(description="send with log_id to /api/feedback: only who got the answer can rate it")


class FeedbackRequest(BaseModel):
    log_id: int = Field(..., description="log_id of an /api/ask answer", ge=1, le=MAX_ID)
    feedback_key: str = Field(..., description="feedback_key of that answer", max_length=64)
    rating: int = Field(..., description="1 (👍) or -1 (👎)")
    comment: str = Field("", max_length=1000)


class DutyOut(BaseModel):
    doc_id: str
    doc: str
    clause_id: str
    path: str
    task: str
    lead: list[str]
    responsible: list[str]
    cooperating: list[str]
    role: str = Field("", description="the queried unit's role: lead, responsible or cooperating")


class DutiesResponse(BaseModel):
    unit: str
    task: str
    count: int
    rows: list[DutyOut]


class StatusRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: str = Field(description="in_force, superseded or expired", pattern="^(in_force|superseded|expired)$")
    date: str = Field("", description="when it takes effect, YYYY-MM-DD (may be in the future)", max_length=10)
    superseded_by: str = Field("", description="the replacing document's id", max_length=100)


def _closing(app: PolicyApp):
    """The server's lifespan: when it stops, the app's export folder goes too."""

    @contextlib.asynccontextmanager
    async def lifespan(_api):
        try:
            yield
        finally:
            app.close()

    return lifespan


def build_api(app: PolicyApp, settings: Settings):
    """The FastAPI app of ``app``: the JSON API under ``/api`` and the offline API docs at ``/docs``
    (:func:`qa.app.ui.create_app` mounts the page at ``/``)."""
    from fastapi import FastAPI, Header, HTTPException, Query, UploadFile
    from fastapi.exceptions import RequestValidationError
    from fastapi.requests import Request
    from fastapi.responses import HTMLResponse, JSONResponse

    from qa.answer import clause_json, to_record
    from qa.search.retrieve import Filters

    api = FastAPI(
        title="PolicyQA API",
        version="0.1.0",
        description="Questions on Chinese government policy documents, answered with clause-level citations; "
        "duty lookup and the document list.  The web page is served at `/`.  Example: "
        "curl -X POST http://127.0.0.1:7860/api/ask -H 'content-type: application/json' "
        '-d \'{"question": "数字政府建设到2025年的目标是什么？"}\'',
        docs_url=None,
        redoc_url=None,
        lifespan=_closing(app),
    )
    api.state.policyqa = app
    api.add_middleware(Guard, settings=settings)
    api.include_router(web_match.router(app))

    @api.exception_handler(RequestValidationError)
    async def _invalid_request(_request: Request, exc: RequestValidationError):
        # what is wrong and where, without echoing the input (it may be 2 MB, or hold a lone
        # surrogate that no JSON encoder can write)
        errors = [{"type": e.get("type"), "loc": list(e.get("loc", ())), "msg": e.get("msg")} for e in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=422)

    @api.exception_handler(InputError)
    async def _input_error(_request: Request, exc: InputError):
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @api.exception_handler(AccessDenied)
    async def _denied(_request: Request, exc: AccessDenied):
        return JSONResponse({"detail": str(exc)}, status_code=403)

    @api.exception_handler(Busy)
    async def _busy(_request: Request, exc: Busy):
        return JSONResponse({"detail": str(exc)}, status_code=409)

    @api.exception_handler(PolicyQAError)
    async def _our_error(_request: Request, exc: PolicyQAError):
        return JSONResponse({"detail": str(exc)}, status_code=503)

    @api.exception_handler(Exception)
    async def _internal(_request: Request, exc: Exception):
        log.error("API error", exc_info=exc)
        return JSONResponse({"detail": "internal error"}, status_code=500)

    @api.post("/api/ask", response_model=AskResponse, tags=["questions"], summary="Answer a question with citations")
    def api_ask(req: AskRequest):
        filters = Filters(tuple(req.docs), req.region) if (req.docs or req.region) else None
        ans, qid = app.ask(req.question, req.history, req.generator, filters)
        return {**to_record(ans, req.id or f"q{qid}"), "log_id": qid, "feedback_key": app.log.feedback_key(qid)}

    @api.post("/api/feedback", tags=["questions"], summary="👍/👎 and a comment on an answer")
    def api_feedback(req: FeedbackRequest):
        app.log.check_feedback_key(req.log_id, req.feedback_key)
        app.log.add_feedback(req.log_id, req.rating, req.comment)
        return {"ok": True}

    @api.get(
        "/api/duties", response_model=DutiesResponse, tags=["duties"], summary="Who leads / is responsible for what"
    )
    def api_duties(
        unit: str = Query(
            "", description="Department, alias- and script-insensitive (人社厅 = 人力資源社會保障廳)", max_length=100
        ),
        task: str = Query("", description="Words the task must contain", max_length=200),
        role: str = Query(
            "", description="lead, responsible or cooperating", pattern="^(|lead|responsible|cooperating)$"
        ),
        doc: str = Query("", description="Only this document (id or prefix)", max_length=100),
    ):
        rows = app.duty_rows(unit, task, role, doc)
        docs = app.docs
        out = [
            {
                "doc_id": r.doc_id,
                "doc": views.doc_label(docs[r.doc_id]) if r.doc_id in docs else r.doc_id,
                "clause_id": r.clause_id,
                "path": r.path,
                "task": r.task,
                "lead": list(r.lead),
                "responsible": list(r.responsible),
                "cooperating": list(r.cooperating),
                "role": r.role,
            }
            for r in rows
        ]
        return {"unit": unit, "task": task, "count": len(out), "rows": out}

    @api.get("/api/docs", tags=["documents"], summary="The documents and their metadata")
    def api_docs():
        counts = app.clause_counts()
        return {
            "documents": [
                {**d.meta(), "short_name": views.doc_label(d), "clauses": counts.get(d.id, 0)}
                for d in app.index.corpus.documents
            ]
        }

    @api.get("/api/library", tags=["library"], summary="The library: every document's version and status")
    def api_library():
        from qa.library import library_rows

        return {"generation": app.index.generation, "documents": library_rows(app.index)}

    @api.get("/api/library/{doc_id}/history", tags=["library"], summary="A document's versions and status changes")
    def api_history(doc_id: str):
        from qa.library import versions_of

        return {"doc_id": doc_id, "events": versions_of(app.index, doc_id)}

    def changes_json(changes) -> dict:
        return {"changes": [dataclasses.asdict(c) for c in changes], "generation": app.index.generation}

    staff_header = Header("", alias="X-Staff-Token", description="the staff token (POLICYQA_STAFF_TOKEN)")

    @api.post("/api/library", tags=["library"], summary="Staff: add documents (txt, md, html, docx, pdf)")
    def api_add(files: list[UploadFile], token: str = staff_header):
        from qa.library import add_documents

        app.require_staff(token)  # before anything is written to disk
        with _uploaded(files) as paths:
            changes = app.change_library(token, lambda st: add_documents(paths, st, encoder=app.index.encoder))
        return changes_json(changes)

    @api.put("/api/library/{doc_id}", tags=["library"], summary="Staff: upload a new version of a document")
    def api_update(doc_id: str, file: list[UploadFile], token: str = staff_header):
        from qa.library import update_document

        app.require_staff(token)
        if len(file) != 1:
            raise InputError(f"a new version is one file, not {len(file)}")
        with _uploaded(file) as paths:
            change = app.change_library(
                token, lambda st: update_document(doc_id, paths[0], st, encoder=app.index.encoder)
            )
        return changes_json([change])

    @api.post(
        "/api/library/{doc_id}/status",
        tags=["library"],
        summary="Staff: mark a document in force, superseded or expired",
    )
    def api_status(doc_id: str, req: StatusRequest, token: str = staff_header):
        from qa.library import set_status

        change = app.change_library(
            token,
            lambda st: set_status(
                doc_id, req.status, st, on=req.date, superseded_by=req.superseded_by, encoder=app.index.encoder
            ),
        )
        return changes_json([change])

    @api.delete("/api/library/{doc_id}", tags=["library"], summary="Staff: take a document out of the library")
    def api_remove(doc_id: str, token: str = staff_header):
        from qa.library import remove_document

        change = app.change_library(token, lambda st: remove_document(doc_id, st, encoder=app.index.encoder))
        return changes_json([change])

    @api.get("/api/clauses/{clause_id}", tags=["documents"], summary="One clause, its duties and its page link")
    def api_clause(clause_id: str):
        c = app.index.corpus.clause_by_id.get(clause_id)
        if c is None:
            raise HTTPException(404, f"unknown clause id {clause_id!r}")
        return {
            **clause_json(c),
            "heading": c.heading,
            "duties": {
                "lead": list(c.duties.lead),
                "responsible": list(c.duties.responsible),
                "cooperating": list(c.duties.cooperating),
            },
            "children": [k.id for k in app.index.corpus.children.get(c.id, [])],
            "url": f"/?clause={c.id}",
        }

    @api.get("/api/health", tags=["service"], summary="Is the index loaded and the log writable")
    def api_health():
        try:
            idx = app.index
            body = {
                "status": "ok",
                "index": settings.index_name,
                "documents": len(idx.corpus.documents),
                "clauses": len(idx.corpus.clauses),
                "encoder": idx.manifest.get("encoder", {}).get("spec", ""),
                "generators": available_generators(),
                "questions_logged": app.log.count(),
                "uptime_s": round(time.time() - app.started, 1),
            }
            return body
        except PolicyQAError as e:
            return JSONResponse({"status": "error", "detail": str(e)}, status_code=503)

    @api.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def api_docs_page():
        return HTMLResponse(views.api_docs_html(api.openapi()))

    return api
