"""What the web server accepts: every route with its access rule and its body bound, in one table.

:data:`ROUTES` names each route the app serves — its own JSON API and the routes gradio adds —
with who may call it and how many request-body bytes it takes.  :class:`Guard` is the ASGI
layer in front of the whole app that enforces the table before any handler runs:

* a route that is not in the table, or is listed as ``closed``, answers 404;
* a ``staff`` route without the right ``X-Staff-Token`` answers 403 (also when no token is set);
* a ``files`` route (gradio's upload) is open only while staff features are (a token is set);
* a body over the route's bound answers 413, whether it announces its length or streams it.

Field bounds (question and history length, list sizes) are the request models' and
:func:`qa.answer.answer`'s; this layer bounds the bytes, so no field can be unbounded.
:data:`EVENTS` does the same for the page's gradio events (called through the public
``/gradio_api`` routes; a staff event checks its token argument).  ``tests/test_exposure.py``
holds every served route and event to these tables: a new one cannot ship without an entry.
"""

from __future__ import annotations

import hmac
import json
import re
from dataclasses import dataclass
from functools import cache

from starlette.exceptions import HTTPException

from qa.settings import Settings

KIB = 1024
MIB = 1024 * KIB
#: The largest file a staff upload may hold (also gradio's own ``max_file_size``).
MAX_UPLOAD_BYTES = 50 * MIB
#: Any JSON body: a question is at most 2,000 characters and history 20 turns, so a body this
#: size is far past any honest request (a million-character history is still read and cut, not
#: refused: the request is answered from its last turns).
MAX_JSON_BYTES = 8 * MIB
#: A staff upload of several files at once.
MAX_MULTI_UPLOAD_BYTES = 4 * MAX_UPLOAD_BYTES
#: Routes that take no body (GET, HEAD, DELETE) may still be sent one: it is never read.
MAX_NO_BODY = 0


@dataclass(frozen=True)
class Rule:
    """Who may call a route (``public``, ``staff``, ``files``, ``closed``) and its body bound."""

    access: str
    body: int = MAX_NO_BODY


PUBLIC = Rule("public")
PUBLIC_JSON = Rule("public", MAX_JSON_BYTES)
STAFF = Rule("staff")
STAFF_JSON = Rule("staff", MAX_JSON_BYTES)
CLOSED = Rule("closed")

#: Every route: (methods, path template) → rule.  Paths are as the app routes them (gradio's
#: are mounted at ``/``).  Closed routes are gradio features the page does not use.
ROUTES: dict[tuple[str, str], Rule] = {
    # the JSON API (qa.app.api.build_api)
    ("POST", "/api/ask"): PUBLIC_JSON,
    ("POST", "/api/feedback"): PUBLIC_JSON,
    ("GET", "/api/duties"): PUBLIC,
    ("GET", "/api/docs"): PUBLIC,
    ("GET", "/api/library"): PUBLIC,
    ("GET", "/api/library/{doc_id}/history"): PUBLIC,
    ("POST", "/api/library"): Rule("staff", MAX_MULTI_UPLOAD_BYTES),
    ("PUT", "/api/library/{doc_id}"): Rule("staff", MAX_UPLOAD_BYTES + MIB),
    ("POST", "/api/library/{doc_id}/status"): STAFF_JSON,
    ("DELETE", "/api/library/{doc_id}"): STAFF,
    ("GET", "/api/clauses/{clause_id}"): PUBLIC,
    ("GET", "/api/health"): PUBLIC,
    ("POST", "/api/match"): PUBLIC_JSON,
    ("POST", "/api/subscriptions"): PUBLIC_JSON,
    ("GET", "/api/subscriptions/{sub_id}/feed"): PUBLIC,
    ("DELETE", "/api/subscriptions/{sub_id}"): PUBLIC,
    ("GET", "/api/pushes"): STAFF,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/openapi.json"): PUBLIC,
    # the page and its assets
    ("GET", "/"): PUBLIC,
    ("GET", "/config"): PUBLIC,
    ("GET", "/config/"): PUBLIC,
    ("GET", "/svelte/{path:path}"): PUBLIC,
    ("GET", "/static/{path:path}"): PUBLIC,
    ("GET", "/assets/{path:path}"): PUBLIC,
    ("GET", "/favicon.ico"): PUBLIC,
    ("GET", "/theme.css"): PUBLIC,
    ("GET", "/robots.txt"): PUBLIC,
    ("GET", "/manifest.json"): PUBLIC,
    ("GET", "/pwa_icon"): PUBLIC,
    ("GET", "/pwa_icon/{size}"): PUBLIC,
    ("GET", "/gradio_api/theme.css"): PUBLIC,
    ("GET", "/gradio_api/info"): PUBLIC,
    ("GET", "/gradio_api/info/"): PUBLIC,
    ("GET", "/gradio_api/openapi.json"): PUBLIC,
    ("GET", "/gradio_api/app_id"): PUBLIC,
    ("GET", "/gradio_api/app_id/"): PUBLIC,
    ("GET", "/gradio_api/startup-events"): PUBLIC,
    ("GET", "/gradio_api/heartbeat/{session_hash}"): PUBLIC,
    ("GET", "/gradio_api/deep_link"): PUBLIC,
    # events of the page (each handler checks its own inputs; staff handlers their token)
    ("POST", "/gradio_api/queue/join"): PUBLIC_JSON,
    ("GET", "/gradio_api/queue/data"): PUBLIC,
    ("GET", "/gradio_api/queue/status"): PUBLIC,
    ("POST", "/gradio_api/cancel"): PUBLIC_JSON,
    ("POST", "/gradio_api/reset"): PUBLIC_JSON,
    ("POST", "/gradio_api/reset/"): PUBLIC_JSON,
    ("POST", "/gradio_api/call/{api_name}"): PUBLIC_JSON,
    ("POST", "/gradio_api/call/{api_name}/"): PUBLIC_JSON,
    ("GET", "/gradio_api/call/{api_name}/{event_id}"): PUBLIC,
    ("POST", "/gradio_api/call/v2/{api_name}"): PUBLIC_JSON,
    ("POST", "/gradio_api/call/v2/{api_name}/"): PUBLIC_JSON,
    ("GET", "/gradio_api/call/v2/{api_name}/{event_id}"): PUBLIC,
    ("POST", "/gradio_api/run/{api_name}"): PUBLIC_JSON,
    ("POST", "/gradio_api/run/{api_name}/"): PUBLIC_JSON,
    ("POST", "/gradio_api/api/{api_name}"): PUBLIC_JSON,
    ("POST", "/gradio_api/api/{api_name}/"): PUBLIC_JSON,
    # files: the staff upload box of the library tab, and gradio's own files (exports)
    ("POST", "/gradio_api/upload"): Rule("files", MAX_UPLOAD_BYTES + MIB),
    ("GET", "/gradio_api/upload_progress"): PUBLIC,
    ("GET", "/gradio_api/file={path_or_url:path}"): PUBLIC,
    ("GET", "/gradio_api/file/{path:path}"): PUBLIC,
    # gradio features this app does not use
    ("POST", "/login"): CLOSED,
    ("POST", "/login/"): CLOSED,
    ("GET", "/logout"): CLOSED,
    ("GET", "/monitoring"): CLOSED,
    ("GET", "/monitoring/summary"): CLOSED,
    ("GET", "/monitoring/{key}"): CLOSED,
    ("GET", "/gradio_api/user"): CLOSED,
    ("GET", "/gradio_api/user/"): CLOSED,
    ("GET", "/gradio_api/login_check"): CLOSED,
    ("GET", "/gradio_api/login_check/"): CLOSED,
    ("GET", "/gradio_api/token"): CLOSED,
    ("GET", "/gradio_api/token/"): CLOSED,
    ("GET", "/gradio_api/dev/reload"): CLOSED,
    ("GET", "/gradio_api/runs"): CLOSED,
    ("GET", "/gradio_api/runs/"): CLOSED,
    ("GET", "/gradio_api/custom_component/{id}/{environment}/{type}/{file_name}"): CLOSED,
    ("GET", "/gradio_api/proxy={url_path:path}"): CLOSED,
    ("POST", "/gradio_api/stream/{event_id}"): CLOSED,
    ("POST", "/gradio_api/stream/{event_id}/close"): CLOSED,
    ("GET", "/gradio_api/stream/{session_hash}/{run}/{component_id}/playlist.m3u8"): CLOSED,
    ("GET", "/gradio_api/stream/{session_hash}/{run}/{component_id}/{segment_id}.{ext}"): CLOSED,
    ("GET", "/gradio_api/stream/{session_hash}/{run}/{component_id}/playlist-file"): CLOSED,
    ("POST", "/gradio_api/component_server"): CLOSED,
    ("POST", "/gradio_api/component_server/"): CLOSED,
    ("POST", "/gradio_api/process_recording"): CLOSED,
    ("POST", "/gradio_api/vibe-edit"): CLOSED,
    ("POST", "/gradio_api/vibe-edit/"): CLOSED,
    ("POST", "/gradio_api/undo-vibe-edit"): CLOSED,
    ("POST", "/gradio_api/undo-vibe-edit/"): CLOSED,
    ("GET", "/gradio_api/vibe-code"): CLOSED,
    ("GET", "/gradio_api/vibe-code/"): CLOSED,
    ("POST", "/gradio_api/vibe-code"): CLOSED,
    ("POST", "/gradio_api/vibe-code/"): CLOSED,
    ("POST", "/gradio_api/vibe-starter-queries"): CLOSED,
    ("POST", "/gradio_api/vibe-starter-queries/"): CLOSED,
}


#: Every event of the page (gradio names them ``on_ask``, ``on_ask_1``, …): who may call it.
#: A staff event takes the staff token as its first input and checks it before anything else.
EVENTS: dict[str, str] = {
    "on_load_all": "public",
    "on_ask": "public",
    "fill_example": "public",
    "on_clear": "public",
    "on_thumb_up": "public",
    "on_thumb_down": "public",
    "on_view_clause": "public",
    "on_duties": "public",
    "on_duty_row": "public",
    "on_doc": "public",
    "on_doc_history": "public",
    "on_lib_add": "staff",
    "on_lib_update": "staff",
    "on_lib_status": "staff",
    "on_lib_remove": "staff",
    "on_log": "staff",
    "on_log_row": "staff",
    "on_match": "public",
    "on_subscribe": "public",
    "on_feed": "public",
    "on_unsubscribe": "public",
    "on_pushes": "staff",
}


def staff_ok(settings: Settings, token: str | None) -> bool:
    """Staff views and actions need the configured token; with none configured they are closed.

    >>> staff_ok(Settings(staff_token=""), None), staff_ok(Settings(staff_token="s3"), "s3"), staff_ok(Settings(staff_token="s3"), "x")
    (False, True, False)
    """
    if not settings.staff_token:
        return False
    given = token if isinstance(token, str) else ""
    return hmac.compare_digest(given.encode("utf-8", "replace"), settings.staff_token.encode())


STAFF_CLOSED = "工作人员功能已关闭：服务器未设置工作人员口令（环境变量 POLICYQA_STAFF_TOKEN）"


def _pattern(template: str) -> re.Pattern:
    """A path template as a regular expression: ``{x}`` is one segment, ``{x:path}`` any rest.

    >>> bool(_pattern("/api/library/{doc_id}").fullmatch("/api/library/a%2Fb")), bool(_pattern("/api/library/{doc_id}").fullmatch("/api/library/a/b"))
    (True, False)
    >>> bool(_pattern("/gradio_api/file={path_or_url:path}").fullmatch("/gradio_api/file=/tmp/gradio/x/a.txt"))
    True
    """
    out, at = [], 0
    for m in re.finditer(r"\{(\w+)(:path)?\}", template):
        out.append(re.escape(template[at : m.start()]))
        out.append(".*" if m.group(2) else "[^/]+")
        at = m.end()
    out.append(re.escape(template[at:]))
    return re.compile("".join(out))


@cache
def _table() -> list[tuple[frozenset[str], re.Pattern, Rule, int]]:
    # literal paths before templates, so /api/library is not read as /api/library/{doc_id}
    rows = [
        (frozenset({m, "HEAD"} if m == "GET" else {m}), _pattern(p), r, p.count("{")) for (m, p), r in ROUTES.items()
    ]
    return sorted(rows, key=lambda row: row[3])


def rule_for(method: str, path: str) -> Rule | None:
    """The rule of the route a request goes to, or ``None`` for a route the table lacks.

    >>> rule_for("POST", "/api/library").body == MAX_MULTI_UPLOAD_BYTES, rule_for("DELETE", "/api/library/x").access
    (True, 'staff')
    >>> rule_for("GET", "/gradio_api/vibe-code").access, rule_for("PATCH", "/api/ask")
    ('closed', None)
    """
    for methods, pattern, rule, _n in _table():
        if method in methods and pattern.fullmatch(path):
            return rule
    return None


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when a streamed body passes its route's bound."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body too large: at most {limit} bytes here")


class Guard:
    """ASGI middleware enforcing :data:`ROUTES` (see the module docstring)."""

    def __init__(self, app, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        rule = rule_for(scope["method"], scope.get("path", ""))
        if rule is None or rule.access == "closed":
            return await _reply(send, 404, "not found")
        headers = dict(scope.get("headers") or ())
        if rule.access == "staff" or (rule.access == "files" and not self.settings.staff_token):
            if not self.settings.staff_token:
                return await _reply(send, 403, STAFF_CLOSED)
            if rule.access == "staff" and not staff_ok(self.settings, _header(headers, b"x-staff-token")):
                return await _reply(send, 403, "工作人员口令不正确")
        try:
            declared = int(_header(headers, b"content-length") or 0)
        except ValueError:
            return await _reply(send, 400, "invalid Content-Length")
        if declared > rule.body:
            return await _reply(send, 413, f"request body too large: at most {rule.body} bytes here")
        seen = 0
        started = False

        async def bounded_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > rule.body:
                    raise BodyTooLarge(rule.body)
            return message

        async def tracking_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, bounded_receive, tracking_send)
        except BodyTooLarge as e:
            if started:
                raise
            await _reply(send, 413, e.detail)


def _header(headers: dict[bytes, bytes], name: bytes) -> str:
    return headers.get(name, b"").decode("latin-1")


async def _reply(send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
