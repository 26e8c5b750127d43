"""The web app: a gradio page (问答 / 职责查询 / 政策文库 / 问答记录) on a FastAPI app with a JSON API.

``create_app(settings)`` returns the FastAPI app (index loaded lazily, on first use);
``serve(settings, host, port)`` runs it with uvicorn and blocks.  Routes:

* ``/`` — the page; ``/?clause=<id>`` opens the library at a clause, ``/?doc=<id>`` at a document;
* ``POST /api/ask`` — the answer record of DESIGN.md (plus ``log_id`` for feedback);
* ``POST /api/feedback``, ``GET /api/duties``, ``GET /api/docs``, ``GET /api/clauses/{id}``,
  ``GET /api/health``;
* ``/docs`` — the API described from its OpenAPI schema (served offline), ``/openapi.json``.

The page is :mod:`qa.app.page`, the JSON API :mod:`qa.app.api`, what they share
:mod:`qa.app.state`, uploaded files :mod:`qa.app.uploads`; this module puts them together and
serves them.  Every handler turns errors into a message in the page: a
:class:`~qa.errors.PolicyQAError` shows its own text, anything else a generic message (the
traceback goes to the server log).
"""

import logging
import threading

from qa.app import web_match
from qa.app.api import build_api
from qa.app.guard import MAX_UPLOAD_BYTES
from qa.app.page import CSS, build_blocks
from qa.app.state import PolicyApp
from qa.settings import Settings


def create_app(settings: Settings, index=None, *, warm: bool = False):
    """The FastAPI app: JSON API under ``/api``, offline API docs at ``/docs``, the page at ``/``.

    The index is loaded on first use; ``warm=True`` loads it (and answers one question) in a
    background thread at once, while the page is being built, so the first user does not wait.
    """
    app = PolicyApp(settings, index)
    if warm:
        threading.Thread(target=app.warm_up, name="policyqa-warm-up", daemon=True).start()

    import gradio as gr

    api = build_api(app, settings)
    blocks = build_blocks(app)
    gr.mount_gradio_app(
        api,
        blocks,
        path="/",
        footer_links=[],
        css=CSS + web_match.CSS,
        theme=blocks.policyqa_theme,
        show_error=False,
        max_file_size=MAX_UPLOAD_BYTES,
        run_history=False,
        ssr_mode=False,
        mcp_server=False,
        pwa=False,
    )
    # gradio checks that a file input names an upload (not /etc/… or ../) only in an app it
    # launched itself; mounted here, it must be told it runs, or it copies any path it is sent
    blocks.has_launched = True
    _event_lookups_not_found(api)
    return api


def _event_lookups_not_found(api) -> None:
    """The page's event routes (``/gradio_api/queue/join``, ``/call/…``) look up the event a
    request names (its fn_index or api_name): one the page does not have is the request's
    error, a 404, not a 500 from the lookup's KeyError."""
    from fastapi.responses import JSONResponse
    from gradio.route_utils import FnIndexInferError
    from starlette.routing import Mount

    async def not_found(_request, _exc):
        return JSONResponse({"detail": "no such event on this page"}, status_code=404)

    page = next(r.app for r in api.routes if isinstance(r, Mount))
    for exc in (FnIndexInferError, KeyError, IndexError):
        page.add_exception_handler(exc, not_found)


class _NoQueryStrings(logging.Filter):
    """Drop the query string from uvicorn's access-log lines: a token or a question sent in a
    URL is never written to the log.

    >>> r = logging.LogRecord("uvicorn.access", 20, "", 0, '%s - "%s %s HTTP/%s" %d', ("1.2.3.4", "GET", "/api/duties?unit=x&token=s3", "1.1", 200), None)
    >>> _NoQueryStrings().filter(r), r.getMessage()
    (True, '1.2.3.4 - "GET /api/duties HTTP/1.1" 200')
    """

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def serve(
    settings: Settings, host: str = "127.0.0.1", port: int = 7860, warm: bool = True, access_log: bool = False
) -> None:
    """Run the app with uvicorn until interrupted (what ``policyqa serve`` / ``make demo`` call).

    The access log is off unless asked for; when on, it keeps method, path (no query string),
    status and the client's address.
    """
    import uvicorn

    api = create_app(settings, warm=warm)
    if access_log:
        logging.getLogger("uvicorn.access").addFilter(_NoQueryStrings())
    uvicorn.run(api, host=host, port=port, log_level="info", access_log=access_log)
