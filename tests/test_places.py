from qa.places.regions import doc_places, names_place, supports_places
from qa.question.query import analyse


def test_a_place_is_named_in_full_or_in_a_run_of_one_character_names():
    assert names_place("杭州", "推动杭甬两地“一卡通”功能互用")
    assert names_place("河北", "推进京津冀政务服务协同")
    assert not names_place("宁波", "甬江实验室")  # one character alone is not the place
    assert not names_place("温州", "推动杭甬两地")


def test_documents_speak_for_their_own_places(corpus):
    by_prefix = {d.id[:3]: d for d in corpus.documents}
    assert "宁波" in doc_places(by_prefix["004"])
    assert "河北" in doc_places(by_prefix["001"])
    assert "河北" not in doc_places(by_prefix["004"])


def test_a_clause_supports_the_places_it_belongs_to_or_names(corpus):
    ningbo = next(d for d in corpus.documents if d.id.startswith("004"))
    clause = next(c for c in corpus.clauses if c.doc_id == ningbo.id and "杭甬" in c.text_sc)
    assert supports_places(analyse("宁波和杭州的一卡通怎么用？"), clause, ningbo)
    assert not supports_places(analyse("河北的一卡通怎么用？"), clause, ningbo)
