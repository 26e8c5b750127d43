"""政策找人 on the web: its JSON API (a router) and its tab (components, events, HTML).

Routes: ``POST /api/match``; ``POST /api/subscriptions`` (save a profile, get its id);
``GET /api/subscriptions/{id}/feed``; ``DELETE /api/subscriptions/{id}``; staff:
``GET /api/pushes`` (how many saved profiles each added document reached, counts only).
"""

from __future__ import annotations

import logging
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from qa.app import views
from qa.app.views import one_choice
from qa.errors import InputError, PolicyQAError
from qa.match.profile import FIELDS, SIZES, education_levels

log = logging.getLogger("policyqa.ui")

TAB_MATCH = "match"
WHO_CHOICES = ["不限", "个人", "企业", "社会组织"]
SIZE_CHOICES = ["不限", *SIZES]
EDUCATION_CHOICES = ["不限", *(row[0] for row in education_levels())]
STATUS_CLASS = {"符合": "met", "不符合": "unmet", "未说明": "unstated"}
VALID_LABEL = {"expired": "已过有效期", "not_yet": "尚未施行", "superseded": "已被替代", "in_force": "现行有效"}

CSS = """
#match-results .match-card { border-left: 4px solid #16a34a; background: #fff; border-radius: 6px;
  padding: 8px 12px; margin: 6px 0; box-shadow: 0 1px 2px rgba(0,0,0,.08); color: #0f172a; }
#match-results .match-card.expired { border-left-color: #9ca3af; background: #f9fafb; }
#match-results .match-head a { color: #1d4ed8; font-weight: 600; text-decoration: none; }
#match-results .cite { color: #64748b; font-size: 0.85em; }
#match-results .benefit { font-weight: 600; color: #166534; margin: 4px 0; }
#match-results .cond { font-size: 0.9em; margin: 2px 0; }
#match-results .cond .tag { border-radius: 4px; padding: 0 4px; margin-right: 4px; font-size: 0.85em; }
#match-results .cond .met { background: #dcfce7; color: #166534; }
#match-results .cond .unmet { background: #fee2e2; color: #991b1b; }
#match-results .cond .unstated { background: #f1f5f9; color: #475569; }
#match-results .valid { font-size: 0.85em; color: #9a3412; }
#match-results .why { font-size: 0.85em; color: #475569; }
#match-results .empty { background: #fff7ed; border: 1px dashed #f97316; color: #7c2d12; border-radius: 8px; padding: 10px; }
"""


# --- API ----------------------------------------------------------------------------------------


class ProfileIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    profile: str = Field("", description="the situation in one's own words", max_length=2000,
                         examples=["我是广州的特困人员，一个人住，这次住院需要人照顾"])  # fmt: skip
    who: str | None = Field(None, description="个人, 企业 or 社会组织", max_length=10)
    region: str | None = Field(None, description="city or province, e.g. 广州", max_length=50)
    age: int | None = Field(None, ge=0, le=150)
    identity: list[Annotated[str, Field(max_length=50)]] = Field(
        default_factory=list, max_length=20, description="e.g. 特困人员, 退役军人"
    )
    industry: str | None = Field(None, max_length=50)
    size: str | None = Field(None, max_length=10, description="小微, 中小 or 大型")
    education: str | None = Field(None, max_length=10, description="初中, 高中, 大专, 本科, 硕士 or 博士")
    hukou: str | None = Field(None, max_length=50, description="where one's 户口 is, e.g. 广州")

    def fields(self) -> dict:
        return {k: getattr(self, k) for k in FIELDS}


class MatchIn(ProfileIn):
    k: int = Field(10, ge=1, le=50, description="at most this many matches")
    in_force_only: bool = Field(False, description="leave out documents no longer in force")


def router(app):
    """The API routes of 政策找人, on the shared :class:`qa.app.state.PolicyApp`."""
    from fastapi import APIRouter, Header, HTTPException

    from qa.match import subscriptions as subs

    r = APIRouter(tags=["政策找人"])
    staff_header = Header("", alias="X-Staff-Token", description="the staff token (POLICYQA_STAFF_TOKEN)")

    @r.post("/api/match", summary="The clauses that apply to a person's or a firm's situation")
    def api_match(req: MatchIn):
        return app.match(req.profile, req.fields(), req.k, req.in_force_only)

    @r.post("/api/subscriptions", summary="Save a profile: new clauses that match it land in its feed")
    def api_subscribe(req: ProfileIn):
        sub_id = subs.subscribe(app.settings, req.profile, req.fields())
        return {"id": sub_id, "feed": f"/api/subscriptions/{sub_id}/feed",
                "note": "keep this id: it is the only key to the subscription"}  # fmt: skip

    @r.get("/api/subscriptions/{sub_id}/feed", summary="A saved profile and the new clauses pushed to it")
    def api_feed(sub_id: str):
        try:
            return subs.subscription(app.settings, sub_id)
        except InputError as e:
            raise HTTPException(404, str(e)) from None

    @r.delete("/api/subscriptions/{sub_id}", summary="Delete a subscription and its feed")
    def api_unsubscribe(sub_id: str):
        try:
            gone = subs.unsubscribe(app.settings, sub_id)
        except InputError as e:
            raise HTTPException(404, str(e)) from None
        if not gone:
            raise HTTPException(404, "no such subscription")
        return {"deleted": True}

    @r.get("/api/pushes", summary="Staff: how many saved profiles each added or updated document reached")
    def api_pushes(token: str = staff_header):
        app.require_staff(token)
        return {"pushes": subs.push_counts(app.settings)}

    return r


# --- HTML -----------------------------------------------------------------------------------------


def match_card_html(m: dict) -> str:
    """One match: its clause (linked to the library), benefit, conditions, validity, why."""
    e = views.esc
    valid = m.get("valid") or {}
    status = valid.get("status", "in_force")
    conds = "".join(
        f'<div class="cond"><span class="tag {STATUS_CLASS.get(c["status"], "unstated")}">{e(c["status"])}</span>'
        f"{e(c['text'])}</div>"
        for c in m.get("conditions", ())
    )
    until = f"（有效期至 {e(valid['valid_until'])}）" if valid.get("valid_until") else ""
    flag = "" if status == "in_force" else f'<div class="valid">⚠️ {e(VALID_LABEL.get(status, status))}{until}</div>'
    benefit = f'<div class="benefit">待遇：{e(m["benefit"])}</div>' if m.get("benefit") else ""
    return (
        f'<div class="match-card{" expired" if status != "in_force" else ""}">'
        f'<div class="match-head"><a href="/?clause={e(m["clause_id"])}" target="_blank">{e(m["title_path"])}</a></div>'
        f'<div class="cite">{e(m["source_file"])} [{m["char_start"]}:{m["char_end"]}]</div>'
        f'<div class="text">{e(m["text"][:300])}</div>{benefit}{conds}{flag}'
        f'<div class="why">匹配原因：{e(m.get("why", ""))}</div></div>'
    )


def matches_html(record: dict) -> str:
    p = record.get("profile") or {}
    hukou = "、".join(r.get("county") or r.get("city") or r.get("province") for r in p.get("household", ()))
    said = [p.get("who", ""), p.get("region", ""), f"{p['age']}岁" if p.get("age") is not None else "",
            p.get("education", ""), f"户籍{hukou}" if hukou else "", "、".join(p.get("identities", ()))]  # fmt: skip
    head = f'<div class="said">识别到的情况：{views.esc(" · ".join(x for x in said if x) or "（未识别）")}</div>'
    if not record.get("matches"):
        return f'<div id="match-list">{head}<div class="empty">{views.esc(record.get("message", ""))}</div></div>'
    cards = "".join(match_card_html(m) for m in record["matches"])
    return f'<div id="match-list">{head}<p>{views.esc(record["message"])}</p>{cards}</div>'


def feed_html(sub: dict) -> str:
    items = sub.get("feed") or []
    head = f"<p>订阅的情况：{views.esc(sub.get('profile', ''))}</p>"
    if not items:
        return f'<div id="feed-list">{head}<div class="empty">暂无新推送：新增或更新的政策文件中有适用条款时会出现在这里。</div></div>'
    cards = "".join(f"<div class='cite'>推送于 {views.esc(m['added_at'])}</div>{match_card_html(m)}" for m in items)
    return f'<div id="feed-list">{head}{cards}</div>'


def error_html(message: str) -> str:
    return f'<div class="empty">❌ {views.esc(message)}</div>'


# --- the tab ------------------------------------------------------------------------------------


def _fields(who, region, age, identity, industry, size, education, hukou) -> dict:
    """The form's fields as :func:`~qa.match.profile.read_profile` takes them (whatever the
    page's events were sent: text where text is asked; the age read_profile checks)."""
    who, region, identity, industry, size, education, hukou = map(
        one_choice, (who, region, identity, industry, size, education, hukou)
    )
    ids = [x.strip() for x in identity.replace("，", ",").replace("、", ",").split(",") if x.strip()]
    return {
        "who": None if who in ("", "不限") else who,
        "region": region or None,
        "age": None if age in (None, "") else age,
        "identity": ids,
        "industry": industry or None,
        "size": None if size in ("", "不限") else size,
        "education": None if education in ("", "不限") else education,
        "hukou": hukou or None,
    }


def build_tab(gr, app, user_message) -> None:
    """The 政策找人 tab: call inside ``gr.Tabs``; wires its own events."""
    from qa.match import subscriptions as subs

    with gr.Tab("政策找人", id=TAB_MATCH, elem_id="tab-match"):
        gr.Markdown("用自己的话描述情况（身份、地区、年龄、遇到的困难或企业情况），系统查找可能适用的政策条款。")
        profile = gr.Textbox(
            label="我的情况", lines=3, max_length=2000, elem_id="match-profile",
            placeholder="如：我是广州的特困人员，一个人住，这次住院需要人照顾，请护工的钱有没有补助？",
        )  # fmt: skip
        with gr.Accordion("补充信息（可选）", open=False, elem_id="match-fields"):
            with gr.Row():
                who = gr.Radio(WHO_CHOICES, value="不限", label="个人/企业", elem_id="match-who")
                region = gr.Textbox(label="地区", placeholder="如：广州", max_length=50, elem_id="match-region")
                age = gr.Number(label="年龄", precision=0, minimum=0, maximum=150, elem_id="match-age")
            with gr.Row():
                identity = gr.Textbox(
                    label="身份", placeholder="如：退役军人、低保户", max_length=200, elem_id="match-identity"
                )
                industry = gr.Textbox(label="行业", max_length=50, elem_id="match-industry")
                size = gr.Dropdown(SIZE_CHOICES, value="不限", label="企业规模", elem_id="match-size")
            with gr.Row():
                education = gr.Dropdown(EDUCATION_CHOICES, value="不限", label="学历", elem_id="match-education")
                hukou = gr.Textbox(label="户籍所在地", placeholder="如：广州", max_length=50, elem_id="match-hukou")
        with gr.Row():
            in_force = gr.Checkbox(label="只看现行有效的政策", value=False, elem_id="match-in-force")
            find = gr.Button("查找适用政策", variant="primary", elem_id="match-find")
        results = gr.HTML("", elem_id="match-results", padding=True)
        with gr.Accordion("订阅新政策推送", open=False, elem_id="match-subscribe"):
            gr.Markdown(
                "保存上面的情况描述；以后新增或更新的文件中有适用条款时，会推送到您的订阅。只保存您填写的内容。"
            )
            with gr.Row():
                subscribe = gr.Button("订阅这一情况", elem_id="match-sub-save")
                sub_id = gr.Textbox(label="订阅编号（请妥善保存）", max_length=64, elem_id="match-sub-id")
                show_feed = gr.Button("查看推送", elem_id="match-sub-feed")
                unsubscribe = gr.Button("删除订阅", variant="stop", elem_id="match-sub-delete")
            sub_msg = gr.Markdown("", elem_id="match-sub-msg")
            feed = gr.HTML("", elem_id="match-feed", padding=True)

    field_inputs = [who, region, age, identity, industry, size, education, hukou]

    def on_match(text, in_force_only, *field_values):
        try:
            record = app.match(text, _fields(*field_values), 10, bool(in_force_only))
            return matches_html(record)
        except Exception as e:
            return error_html(user_message(e))

    def on_subscribe(text, *field_values):
        try:
            new_id = subs.subscribe(app.settings, text, _fields(*field_values))
            return new_id, "✅ 已订阅。请保存订阅编号，它是查看和删除订阅的唯一凭据。"
        except Exception as e:
            return gr.skip(), f"❌ {views.md_text(user_message(e), 300)}"

    def on_feed(key):
        try:
            return feed_html(subs.subscription(app.settings, (key or "").strip())), ""
        except Exception as e:
            return "", f"❌ {views.md_text(user_message(e), 300)}"

    def on_unsubscribe(key):
        try:
            gone = subs.unsubscribe(app.settings, (key or "").strip())
            return ("", "", "✅ 订阅及其推送记录已删除。") if gone else (gr.skip(), "", "❌ 没有这个订阅。")
        except Exception as e:
            return gr.skip(), "", f"❌ {views.md_text(user_message(e), 300)}"

    # quick handlers answer outside the queue (see qa.app.page: a queued event ending as the next joins
    # can close the page's event stream under it)
    find.click(on_match, [profile, in_force, *field_inputs], results, queue=False)
    profile.submit(on_match, [profile, in_force, *field_inputs], results, queue=False)
    subscribe.click(on_subscribe, [profile, *field_inputs], [sub_id, sub_msg], queue=False)
    show_feed.click(on_feed, sub_id, [feed, sub_msg], queue=False)
    unsubscribe.click(on_unsubscribe, sub_id, [sub_id, feed, sub_msg], queue=False)


def pushes_rows(rows: list[dict]) -> list[list[str]]:
    return [[r["at"], r["doc_id"], f"v{r['version']}", r["title"], str(r["new_clauses"]),
             f"{r['reached']} / {r['subscriptions']}"] for r in rows]  # fmt: skip


PUSH_HEADERS = ["时间", "文件", "版本", "标题", "新条款数", "推送到的订阅数 / 订阅总数"]


def build_pushes(gr, app, token, refresh, log_tab, user_message) -> None:
    """Staff's 政策推送 table in the log tab: counts per document, never profiles."""
    from qa.match import subscriptions as subs

    gr.Markdown("#### 政策推送（每份新增或更新的文件推送到的订阅数）")
    table = gr.Dataframe(headers=PUSH_HEADERS, value=[], interactive=False, wrap=True, elem_id="push-table")

    def on_pushes(tok: str):
        try:
            app.require_staff(tok)
            return pushes_rows(subs.push_counts(app.settings))
        except Exception as e:
            if not isinstance(e, PolicyQAError):
                log.exception("pushes failed")
            return []

    refresh.click(on_pushes, token, table, queue=False)
    token.submit(on_pushes, token, table, queue=False)
    log_tab.select(on_pushes, token, table, queue=False)


__all__ = ["CSS", "TAB_MATCH", "build_pushes", "build_tab", "matches_html", "router"]
