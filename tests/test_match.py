"""政策找人: eligibility facts, profiles, matching, the CLI, the API and subscriptions, on a real
library (the seeds plus three citizen-facing corpus documents added as staff add them)."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import sys
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from conftest import run_cli
from conftest_ui import CORPUS_DOCS, STAFF_TOKEN, citizen_library, start_server

from qa.errors import InputError
from qa.ingest.eligibility import read_eligibility
from qa.match import match, read_profile, to_record
from qa.match.subscriptions import db_path, push_counts, subscribe, subscription, unsubscribe
from qa.places.gazetteer import places_in

MATCH_KEYS = {"doc_id", "title", "clause_id", "path", "text", "source_file", "char_start", "char_end", "score",
              "benefit", "conditions", "valid"}  # fmt: skip
CARE_PROFILE = "我是广州的特困人员，一个人住，这次住院要请护工照顾，护工费有补助吗？"


@pytest.fixture(scope="module")
def library(index, tmp_path_factory):
    return citizen_library(index, tmp_path_factory.mktemp("citizens"))


# --- facts read at index time ---------------------------------------------------------------


def test_eligibility_reads_amounts_ages_targets_and_periods():
    e = read_eligibility(
        "对年满六十周岁的本市户籍老年人，每人每月发放高龄津贴300元，申报时间为2024年1月1日至2024年12月31日。"
    )
    assert e.who == ("个人",) and "户籍老年人" in e.targets[0]
    assert any("300元" in b for b in e.benefits)
    age = next(c for c in e.conditions if c.kind == "age")
    assert (age.low, age.high) == (60, None)
    assert e.periods == (("2024-01-01", "2024-12-31"),)
    firm = read_eligibility("对新认定的高新技术企业，给予一次性奖励20万元。")
    assert firm.who == ("企业",) and any("20万元" in b for b in firm.benefits)
    assert not read_eligibility("各地要加强组织领导，压实工作责任。")


def test_every_clause_of_the_library_carries_its_facts(library):
    doc = next(d for d in library.corpus.documents if d.source_file.endswith("33_guangzhou_linshi_jiuzhu.txt"))
    clause = next(c for c in library.corpus.clauses_of(doc.id) if "240元/人/日" in c.text)
    assert any("240元/人/日" in b for b in clause.eligibility.benefits)
    assert "特困人员" in clause.eligibility.targets


def test_places_come_from_the_divisions_table_not_a_hand_list():
    # places no seed or corpus document names are found, with their province
    assert [r.province for r in places_in("我在昆山上班")] == ["江苏省"]
    assert places_in("我住在绵阳涪城")[0].city == "绵阳市"
    assert places_in("在医保定点医院做了手术") == []


def test_a_profile_is_read_from_words_and_fields():
    p = read_profile("我们公司在苏州工业园区，是一家有30名员工的高新技术企业")
    assert p.who == "企业" and p.region.city == "苏州市" and "高新技术企业" in p.identities
    q = read_profile("我今年六十八岁，广州户口，自己有一套房", {"identity": ["退役军人"]})
    assert (q.who, q.age, q.owns_home) == ("个人", 68, True) and "退役军人" in q.identities
    with pytest.raises(InputError):
        read_profile("  ")
    with pytest.raises(InputError):
        read_profile("我是退休职工", {"age": 400})
    with pytest.raises(InputError):
        read_profile("我是退休职工", {"who": "机关"})


# --- matching -------------------------------------------------------------------------------


def test_a_profile_gets_the_clause_that_grants_it_with_an_exact_citation(library):
    rec = to_record(match(library, CARE_PROFILE, k=5))
    assert rec["matches"], rec["message"]
    raw = {d.id: d.raw for d in library.corpus.documents}
    for m in rec["matches"]:
        assert m.keys() >= MATCH_KEYS
        assert raw[m["doc_id"]][m["char_start"] : m["char_end"]].strip()  # a real span of the source
        assert all(c["status"] in ("符合", "不符合", "未说明") for c in m["conditions"])
        assert set(m["valid"]) >= {"status", "in_force", "effective_date", "valid_until"}
    top = [m for m in rec["matches"] if "240元/人/日" in m["text"]]
    assert top and "240元/人/日" in top[0]["benefit"]
    assert rec["profile"]["region"] == "广州市"


def test_a_condition_the_profile_fails_leaves_the_clause_out(library):
    # 北京共有产权住房: a single applicant must be at least 30 (第九条)
    young = to_record(match(library, "我25岁，单身，北京户口，名下没有房，想申请共有产权住房", k=10))
    older = to_record(match(library, "我31岁，单身，北京户口，名下没有房，想申请共有产权住房", k=10))
    rule = "年满30周岁"
    assert any(rule in m["text"] for m in older["matches"])
    assert not any(rule in m["text"] for m in young["matches"])
    assert young["left_out"].get("a condition not met", 0) >= 1
    met = next(m for m in older["matches"] if rule in m["text"])
    assert any(c["status"] == "符合" and "30周岁" in c["text"] for c in met["conditions"])


def test_a_firm_is_not_matched_to_relief_for_individuals(library):
    rec = to_record(match(library, "我们公司在广州，今年经营困难，能申请临时救助吗？", k=10))
    assert not any(m["source_file"].endswith("33_guangzhou_linshi_jiuzhu.txt") for m in rec["matches"])
    assert rec["left_out"].get("for others", 0) > 0


def test_another_places_rules_are_left_out_and_nothing_is_said_plainly(library):
    for profile in ("我住在天津，家里老人突发重病花光了积蓄，能申请临时救助吗？", "我是上海人，想申请共有产权房"):
        rec = to_record(match(library, profile, k=10))
        assert rec["matches"] == [], (profile, [m["title"] for m in rec["matches"]])
        assert "没有找到" in rec["message"]


def test_an_age_bound_set_for_single_applicants_binds_only_them(library):
    from qa.match.judge import condition_status
    from qa.match.rank import context_of, eligibility_of

    # 北京共有产权住房: “单身家庭申请购买的，申请人应当年满30周岁” — a married 28-year-old is not ruled out
    clause = next(c for c in library.corpus.clauses if "单身家庭申请购买的" in c.text_sc)
    age = next(x for x in eligibility_of(library.corpus, clause).conditions if x.kind == "age")
    context = context_of(library.corpus, clause)
    assert condition_status(age, read_profile("我28岁，已婚，北京户口"), context) == "未说明"
    assert condition_status(age, read_profile("我28岁，单身，北京户口"), context) == "不符合"
    assert condition_status(age, read_profile("我28岁，已婚，北京户口")) == "不符合"  # without the clause's words


def test_a_firm_is_matched_to_a_rule_on_its_own_trade():
    from qa.match.judge import who_applies
    from qa.schema import Eligibility

    firm = read_profile("我们在成都开了家托育机构，收了二十多个孩子")
    assert (firm.who, firm.trade) == ("企业", "托育机构")
    for_people = Eligibility(who=("个人",), targets=("居民",))
    assert who_applies(for_people, "落实托育机构水电气热按照居民生活类价格执行等政策", firm)
    assert not who_applies(for_people, "对困难居民给予临时生活补助", firm)
    assert read_profile("我开了一家公司").trade == "" and read_profile("我在一家电子厂上班").trade == ""


def test_a_firms_size_leaves_out_what_is_for_firms_of_another_size(index, tmp_path):
    # 政府性融资担保: “重点支持单户担保金额500万元及以下的小微企业和“三农”主体” is no match for a 大型 firm
    lib = citizen_library(index, tmp_path, names=("29_gwyb_rongzi_danbao_xiaowei.txt",))
    text = "我们是广州一家制造企业，想找政府性融资担保机构给贷款做担保"
    small = to_record(match(lib, text, {"size": "小微"}, k=10))
    big = to_record(match(lib, text, {"size": "大型"}, k=10))
    rule = "重点支持单户担保金额500万元及以下的小微企业"
    assert any(rule in m["text"] for m in small["matches"]), [m["path"] for m in small["matches"]]
    assert not any(rule in m["text"] for m in big["matches"]) and big["left_out"].get("for others", 0) >= 1


def test_a_clause_naming_no_one_is_for_whom_its_document_is_for():
    from qa.match.judge import who_applies
    from qa.schema import Eligibility

    firm = read_profile("我们公司在广州，今年经营困难")
    procedure = "申请临时救助应按照规定程序申请办理"
    assert who_applies(Eligibility(), procedure, firm)  # no group named anywhere: for anyone
    assert not who_applies(Eligibility(), procedure, firm, ("个人",))
    assert who_applies(Eligibility(), procedure, firm, ("个人", "企业"))


def test_a_lists_items_follow_it(library):
    from qa.match.rank import RERANK_DEPTH, Match, items_after_lists

    corpus = library.corpus
    kids: dict[str, list] = {}
    for c in corpus.clauses:
        if c.parent_id:
            kids.setdefault(c.parent_id, []).append(c)
    head = next(c for c in corpus.clauses if c.text_sc.rstrip().endswith("：") and len(kids.get(c.id, ())) >= 2)
    one, two = kids[head.id][:2]
    other, other2 = [c for c in corpus.clauses if c.doc_id != head.doc_id][:2]
    doc = corpus.doc_by_id[head.doc_id]
    m = {c.id: Match(c, doc, 1.0, c.eligibility, (), {}, "") for c in (head, one, two, other, other2)}

    def order(*cs):
        return [x.clause.id for x in items_after_lists(corpus, [m[c.id] for c in cs])]

    # a matched list header: its items come right after it
    assert order(head, other, other2, two, one) == [head.id, two.id, one.id, other.id, other2.id]
    # the first match is an item: the other items of its list follow it
    assert order(one, other, two) == [one.id, two.id, other.id]
    # a later item does not pull its list along
    assert order(other, one, other2, two) == [other.id, one.id, other2.id, two.id]
    # another item of the first match's list that the search found only deep stays where it was
    # found; a matched header's items follow it however deep they were found
    deep = dataclasses.replace(m[two.id], searched_rank=RERANK_DEPTH)
    assert [x.clause.id for x in items_after_lists(corpus, [m[one.id], m[other.id], deep])] == [
        one.id,
        other.id,
        two.id,
    ]
    assert [x.clause.id for x in items_after_lists(corpus, [m[head.id], m[other.id], deep])] == [
        head.id,
        two.id,
        other.id,
    ]


def test_an_expired_document_is_marked_and_can_be_left_out(library, monkeypatch):
    from datetime import date, timedelta

    import qa.match.rank as rank

    doc = next(d for d in library.corpus.documents if d.source_file.endswith("33_guangzhou_linshi_jiuzhu.txt"))
    assert doc.valid_until  # 有效期5年, read from the text

    class DayAfter(date):
        @classmethod
        def today(cls):
            return date.fromisoformat(doc.valid_until) + timedelta(days=1)

    monkeypatch.setattr(rank, "date", DayAfter)
    shown = to_record(match(library, CARE_PROFILE, k=10))
    mine = [m for m in shown["matches"] if m["doc_id"] == doc.id]
    assert mine and all(m["valid"]["status"] == "expired" and not m["valid"]["in_force"] for m in mine)
    hidden = to_record(match(library, CARE_PROFILE, k=10, in_force_only=True))
    assert not any(m["doc_id"] == doc.id for m in hidden["matches"])
    assert "已失效" in hidden["message"]


# --- the command line -------------------------------------------------------------------------


@pytest.fixture
def lib_env(monkeypatch, library):
    monkeypatch.setenv("POLICYQA_INDEX_ROOT", str(library.settings.index_root))
    monkeypatch.setenv("POLICYQA_INDEX", library.settings.index_name)
    monkeypatch.setenv("POLICYQA_PROGRESS", "0")


def test_cli_match_prints_json_and_text(lib_env, capsys):
    rc, out, _err = run_cli(capsys, "match", CARE_PROFILE, "--json", "-k", "3")
    assert rc == 0
    rec = json.loads(out)
    assert rec.keys() >= {"profile", "matches", "message"} and 1 <= len(rec["matches"]) <= 3
    rc, out, _err = run_cli(capsys, "match", CARE_PROFILE, "-k", "2")
    assert rc == 0 and "待遇：" in out and "33_guangzhou_linshi_jiuzhu.txt" in out


def test_cli_match_refuses_bad_input_with_a_message(lib_env, capsys):
    rc, _out, err = run_cli(capsys, "match", "   ")
    assert rc == 2 and "error:" in err and "Traceback" not in err
    rc, _out, err = run_cli(capsys, "match", "我是退休职工", "--age", "400")
    assert rc == 2 and "age" in err
    rc, _out, err = run_cli(capsys, "match", "我是退休职工", "--education", "小学")
    assert rc == 2 and "education must be one of 初中" in err
    rc, _out, err = run_cli(capsys, "match", "我是退休职工", "--hukou", "火星")
    assert rc == 2 and "hukou must name a place" in err


def test_cli_match_reads_schooling_and_hukou_fields(lib_env, capsys):
    rc, out, _err = run_cli(capsys, "match", CARE_PROFILE, "--education", "研究生", "--hukou", "湖南长沙", "--json")
    profile = json.loads(out)["profile"]
    assert rc == 0 and profile["education"] == "硕士" and profile["household"][0]["city"] == "长沙市"


def test_eval_profiles_reports_hit_at_5_by_split(lib_env, capsys, tmp_path):
    doc = (CORPUS_DOCS / "33_guangzhou_linshi_jiuzhu.txt").read_text(encoding="utf-8")
    evidence = next(x for x in ("本市特困人员住院照料临时救助标准不超过240元/人/日",) if x in doc)
    rows = [
        {"id": "a", "profile": CARE_PROFILE, "covered": True, "split": "tune",
         "gold": [{"source_file": "33_guangzhou_linshi_jiuzhu.txt", "evidence": evidence}]},
        {"id": "b", "profile": "我是上海人，想申请共有产权房", "covered": False, "split": "heldout", "gold": []},
    ]  # fmt: skip
    path = tmp_path / "profiles.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    rc, out, _err = run_cli(capsys, "eval", "--profiles", str(path), "--reports", str(tmp_path / "rep"))
    assert rc == 0
    assert "| tune | 1 | 0 | 1.0 |" in out and "| heldout | 0 | 1 |" in out and "benefit_shown" in out
    assert list((tmp_path / "rep").glob("*.json"))
    path.write_text("not json\n", encoding="utf-8")
    rc, _out, err = run_cli(capsys, "eval", "--profiles", str(path))
    assert rc == 2 and "not JSON" in err


# --- the API and subscriptions ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(library, tmp_path_factory):
    with start_server(library, tmp_path_factory.mktemp("matchlog") / "log.db", staff_token=STAFF_TOKEN) as live:
        yield live


def test_api_match_answers_the_record_and_4xx_on_bad_input(server):
    with httpx.Client(base_url=server.url, timeout=60) as c:
        r = c.post("/api/match", json={"profile": CARE_PROFILE, "k": 3})
        assert r.status_code == 200, r.text
        assert r.json().keys() >= {"profile", "matches", "message"} and len(r.json()["matches"]) <= 3
        assert c.post("/api/match", json={"profile": ""}).status_code == 400
        assert c.post("/api/match", json={"profile": CARE_PROFILE, "k": 0}).status_code == 422
        assert c.post("/api/match", json={"profile": CARE_PROFILE, "age": "old"}).status_code == 422
        assert c.post("/api/match", json={"profile": CARE_PROFILE, "nickname": "x"}).status_code == 422
        assert c.post("/api/match", json={"profile": CARE_PROFILE, "education": "小学"}).status_code == 400
        assert c.post("/api/match", json={"profile": CARE_PROFILE, "hukou": "火星"}).status_code == 400
        assert c.post("/api/match", json={"profile": CARE_PROFILE, "region": "火星"}).status_code == 400
        assert c.post("/api/match", json={"profile": CARE_PROFILE, "size": "巨型"}).status_code == 400
        assert c.post("/api/match", json={"profile": CARE_PROFILE, "identity": ["长" * 51]}).status_code == 422
        said = c.post("/api/match", json={"profile": CARE_PROFILE, "education": "本科", "hukou": "广州"}).json()
        assert said["profile"]["education"] == "本科" and said["profile"]["household"][0]["city"] == "广州市"
        assert c.get("/api/subscriptions/short/feed").status_code == 404
        assert c.get("/api/pushes").status_code == 403


def test_a_saved_profile_gets_the_new_clauses_of_an_added_document(index, tmp_path):
    from qa.library import add_documents, update_document
    from qa.search.index import load_index

    lib = citizen_library(index, tmp_path / "lib", names=("33_guangzhou_linshi_jiuzhu.txt",))
    st = lib.settings.with_(log_db=tmp_path / "log.db")
    care = "我妈72岁，在广州交职工医保，卧床失能评了3级，住护理院长护险每天能报多少？"
    sub = subscribe(st, care)
    other = subscribe(st, "我是上海人，想申请共有产权房")
    assert subscription(st, sub)["feed"] == []
    # 长护险 arrives: the saved profile's feed gets its clauses; the other profile's does not
    changes = add_documents([CORPUS_DOCS / "35_guangzhou_changqi_huli_baoxian.txt"], st, encoder=index.encoder)
    assert changes[0].reached == 1
    feed = subscription(st, sub)["feed"]
    assert feed and all(m["source_file"].endswith("35_guangzhou_changqi_huli_baoxian.txt") for m in feed)
    assert any("120元" in m["text"] for m in feed)
    assert subscription(st, other)["feed"] == []
    # staff see counts, never profiles
    counts = push_counts(st)
    assert counts[0]["reached"] == 1 and counts[0]["subscriptions"] == 2
    assert "profile" not in json.dumps(counts)
    # an update pushes only the clauses it changes
    lib = load_index(st, encoder=index.encoder)
    doc = next(d for d in lib.corpus.documents if d.source_file.endswith("35_guangzhou_changqi_huli_baoxian.txt"))
    text = doc.raw.replace("每人每天120元", "每人每天130元")
    new = tmp_path / "35_v2.txt"
    new.write_text(text, encoding="utf-8")
    before = len(subscription(st, sub)["feed"])
    change = update_document(doc.id, new, st, encoder=index.encoder)
    after = subscription(st, sub)["feed"]
    assert change.reached == 1 and len(after) > before and any("130元" in m["text"] for m in after)
    # deleting a subscription deletes its data
    assert unsubscribe(st, sub) and not unsubscribe(st, sub)
    with sqlite3.connect(db_path(st)) as con:
        assert con.execute("SELECT COUNT(*) FROM feed WHERE sub_id = ?", (sub,)).fetchone()[0] == 0
        assert con.execute("SELECT COUNT(*) FROM subscriptions WHERE id = ?", (sub,)).fetchone()[0] == 0
    with pytest.raises(InputError):
        subscription(st, sub)


def test_subscription_api_round_trip(server):
    with httpx.Client(base_url=server.url, timeout=60) as c:
        r = c.post("/api/subscriptions", json={"profile": CARE_PROFILE})
        assert r.status_code == 200
        sub = r.json()["id"]
        assert len(sub) >= 20
        feed = c.get(f"/api/subscriptions/{sub}/feed").json()
        assert feed["profile"] == CARE_PROFILE and feed["feed"] == []
        pushes = c.get("/api/pushes", headers={"X-Staff-Token": STAFF_TOKEN})
        assert pushes.status_code == 200 and "pushes" in pushes.json()
        assert c.delete(f"/api/subscriptions/{sub}").json() == {"deleted": True}
        assert c.get(f"/api/subscriptions/{sub}/feed").status_code == 404
        assert c.delete(f"/api/subscriptions/{sub}").status_code == 404
        assert c.post("/api/subscriptions", json={"profile": ""}).status_code == 400
        assert c.post("/api/subscriptions", json={"profile": "😀！"}).status_code == 400  # nothing of anyone


def test_a_profile_that_no_clause_stands_near_gets_nothing(library):
    """A situation no document covers finds clauses that share its words (报名, 考), none near it
    in meaning: an empty list and the message, never filler."""
    result = match(library, "我想考个摩托车驾照，在哪里报名？")
    assert result.matches == () and "没有找到" in result.message
    assert match(library, CARE_PROFILE).matches


def test_the_first_matches_are_ordered_by_nearness_less_a_penalty_per_search_rank(library, monkeypatch):
    from types import SimpleNamespace

    import qa.match.rank as rank

    found = [SimpleNamespace(clause=SimpleNamespace(id=str(i))) for i in range(12)]
    near = {"0": 0.90, "1": 0.93, "2": 0.905, "11": 0.99}
    monkeypatch.setattr(rank, "clause_cosines", lambda _i, _t, clauses: [near.get(c.id, 0.85) for c in clauses])
    ordered = [m.clause.id for m in rank.by_nearness(found, rank.nearness(library, "我是特困人员"))]
    # 0.93 at rank 1 beats 0.90 at rank 0; 0.905 at rank 2 does not (0.5 points for 4 of penalty)
    assert ordered[:3] == ["1", "0", "2"] and ordered[10:] == ["10", "11"]  # past the depth: as searched


def test_titles_and_issuer_lines_are_never_matches(library):
    """A line without a phrase mark (a title, an issuer, a heading) grants nothing, even when the
    profile's words are its very words."""
    from qa.match import rank
    from qa.search.retrieve import search

    lines = [c for c in library.corpus.clauses if len(c.text_sc) >= 8 and not rank._PHRASE_MARK_RE.search(c.text_sc)]
    # the ones the search finds by their own words (a signature line is not indexed at all)
    found_alone = [c for c in lines if c.id in {h.clause.id for h in search(library, c.text_sc, k=10)}]
    assert len(found_alone) >= 3, [c.text_sc for c in lines]
    for line in found_alone[:5]:
        assert line.id not in {m.clause.id for m in match(library, f"我想了解{line.text_sc}").matches}


def test_grounds_for_refusal_are_never_matches(library):
    """The items of a list whose header withholds (有以下情形之一的，不得申请购买…：) say who does
    not get something; a profile in their very words is not offered them.  The items of a list
    of conditions to meet, and a paragraph after a withholding list, stay matchable."""
    from qa.match.rank import withheld

    corpus = library.corpus
    refusals = [c for c in corpus.clauses if withheld(corpus, c)]
    assert any("不得申请购买共有产权住房" in corpus.clause_by_id[c.parent_id].text_sc for c in refusals)
    assert not any("应符合以下条件" in corpus.clause_by_id[c.parent_id].text_sc for c in refusals)
    assert not [c for c in refusals if c.path.endswith("款")]
    item = next(c for c in refusals if "住房转出记录" in c.text_sc)
    found = match(library, "我家在北京有住房转出记录，还能申请共有产权住房吗？")
    assert found.matches and item.id not in {m.clause.id for m in found.matches}
    kept = [c for c in corpus.clauses if c.parent_id and "应符合以下条件" in corpus.clause_by_id[c.parent_id].text_sc]
    assert kept and not any(withheld(corpus, c) for c in kept)


def test_a_threshold_the_situation_meets_moves_its_clause_up(library):
    """修了五次 meets 累计修理超过4次 (the same thing counted): that clause goes first among clauses
    alike in meaning; a quantity of something else (工作两年 against 购买不足2年) meets nothing."""
    from dataclasses import replace

    from qa.evidence.quantities import thresholds_met
    from qa.match.rank import Match, by_nearness

    assert thresholds_met("同一个漏油毛病修了五次都没修好", "因同一质量问题累计修理超过4次的") == 1
    assert thresholds_met("同一个毛病修了三次", "因同一质量问题累计修理超过4次的") == 0
    assert thresholds_met("在长春工作两年", "个人将购买不足2年的住房对外销售的") == 0
    assert thresholds_met("送去修了8天了还没修好", "因质量问题单次修理时间超过5日的") == 1
    corpus = library.corpus
    a = corpus.clauses[0]
    b = replace(corpus.clauses[1], text_sc="因同一质量问题累计修理超过4次的")
    doc = corpus.doc_by_id[a.doc_id]
    first, second = (Match(c, doc, 1.0, c.eligibility, (), {}, "") for c in (a, b))

    def near(ms):
        return [0.9] * len(ms)

    assert [m.clause.id for m in by_nearness([first, second], near, "")] == [a.id, b.id]
    assert [m.clause.id for m in by_nearness([first, second], near, "同一个毛病修了五次")] == [b.id, a.id]


def test_a_stated_quantity_decides_a_threshold_condition():
    """连续足额缴存住房公积金6个月（含）以上, read from the published text: 缴存…一年 meets it, 缴存…才2个月
    does not (a 不符合 leaves the clause out of the matches), a quantity of something else says
    nothing of it."""
    from qa.match.judge import MET, NOT_MET, UNSTATED, condition_status

    text = "（三）申请贷款时，连续足额缴存住房公积金6个月（含）以上；异地缴存时间以及退役军人在军队缴存时间可以和本市缴存时间合并计算。"
    (cond,) = [c for c in read_eligibility(text).conditions if "6个月" in c.text]
    statuses = [
        condition_status(cond, read_profile(p))
        for p in ("我在广州缴存住房公积金已经一年了", "我在广州连续缴存住房公积金才2个月", "我在广州工作两年了")
    ]
    assert statuses == [MET, NOT_MET, UNSTATED]


def test_a_lists_lead_in_may_be_the_paragraph_before_its_items():
    """第二十七条…。 / 下列停止发放住房租赁补贴情形应当在通知书中列明： / （一）… (二)…: the items'
    parent is the article, and their lead-in is the paragraph before them, which withholds (停止),
    so they are grounds for refusal; the paragraph after the list is no item of it."""
    from qa.corpus import Corpus
    from qa.ingest.document import document_from_text
    from qa.match.rank import lead_of, withheld

    name = "34_guangzhou_gonggong_zulin_zhufang.txt"
    corpus = Corpus.from_documents([document_from_text((CORPUS_DOCS / name).read_text(encoding="utf-8"), name)])
    article = next(c for c in corpus.clauses if c.path.endswith("第二十七条"))
    items = {c.path.rsplit("/", 1)[-1]: c for c in corpus.children[article.id]}
    assert lead_of(corpus, items["（二）"]).text.startswith("下列停止发放住房租赁补贴情形")
    assert withheld(corpus, items["（二）"]) and not withheld(corpus, items["第3款"])


def test_a_threshold_the_persons_own_quantity_fails_leaves_the_clause_out(library):
    """待遇已享受3次 fails 一个年度内享受待遇次数不超过2次 (广州长护险, 延续护理), a threshold that is no
    condition of the clause's own: that clause is left out as a condition not met; 1次 keeps it."""
    situation = "我妈在广州，股骨骨折做了内固定手术，出院后还要卧床医疗护理，今年长护险待遇已享受{}次"
    rule = "第三章/第十二条/（二）/¶1"
    failed, met = (to_record(match(library, situation.format(n), k=10)) for n in (3, 1))
    assert rule in [m["path"] for m in met["matches"]]
    assert rule not in [m["path"] for m in failed["matches"]]
    assert failed["left_out"].get("a condition not met", 0) >= 1


def test_a_clause_on_its_documents_own_force_is_never_a_match(library):
    """本细则自…起施行，有效期5年 grants no one anything, however many words it shares with a situation."""
    from qa.evidence import speaks_of_itself

    found = match(library, "我在广州，想问临时救助实施细则从哪天起施行、有效期有几年，我现在还能按它申请吗", k=10)
    assert found.matches and not any(speaks_of_itself(m.clause.text_sc) for m in found.matches)


def test_a_level_of_schooling_is_judged_against_the_one_the_person_holds():
    """A 硕士 does not meet 具有博士研究生学历 (the 人才 identity both words belong to once marked it
    符合); a shortfall is 未说明 where the sentence accepts a 职称 instead; a level the person wants or
    an employer asks is not theirs."""
    from qa.match.judge import condition_status
    from qa.schema import Condition

    master = read_profile("我是硕士，在广州一家公司工作")
    doctorate = Condition("（二）具有博士研究生学历", "education")
    assert master.education == "硕士"
    assert (
        condition_status(doctorate, master, "（二）具有博士研究生学历，或具有博士学位的人员，年龄需在50周岁以下。")
        == "不符合"
    )
    assert condition_status(doctorate, master, "（二）具有博士研究生学历，或具有高级职称的人员。") == "未说明"
    assert condition_status(Condition("具有本科以上学历", "education"), master) == "符合"
    assert read_profile("我只有大专学历，想报个自学考试把本科拿下来").education == "大专"
    assert read_profile("孩子今年初中毕业，想上高中").education == ""
    assert read_profile("我在广州上班").to_json()["education"] == ""


def test_a_local_household_is_judged_by_where_the_person_says_their_hukou_is():
    """本市户籍 in a 广州 document is met by 广州本地户口 and not by 户口在老家湖南; 非本市户籍 the other way
    round; a profile that says nothing of its 户口 leaves it 未说明 (once, any 户口 word met it)."""
    from qa.match.judge import condition_status, doc_region
    from qa.schema import Condition

    guangzhou = doc_region("广东省广州市")
    local, elsewhere = Condition("具有本市户籍", "residence"), Condition("非本市户籍人员", "residence")
    native, migrant = read_profile("我是广州本地户口"), read_profile("我户口在老家湖南，在广州租房")
    assert [condition_status(local, p, "", guangzhou) for p in (native, migrant)] == ["符合", "不符合"]
    assert [condition_status(elsewhere, p, "", guangzhou) for p in (native, migrant)] == ["不符合", "符合"]
    assert condition_status(local, read_profile("我在广州上班"), "", guangzhou) == "未说明"
    assert [r.name() for r in read_profile("我是河北户口，在北京通州上班").household] == ["河北省"]
