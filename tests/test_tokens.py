from qa.search.tokens import corpus_terms, tokenize


def test_jieba_tokens_on_simplified_form():
    toks = tokenize("在寧波開公司能不能全程網上辦？")
    assert "宁波" in toks and "公司" in toks and "在" not in toks and "？" not in toks


def test_user_dictionary_keeps_policy_terms_whole():
    # an app's name comes from the corpus's quoted terms (the index's user words), not from a fixed list
    assert "浙里办" in tokenize("“浙里办”日活跃用户数超过300万", user_words=("浙里办",))
    assert "一网通办" in tokenize("推动更多公共服务事项实现一网通办")
    assert "观星台" in tokenize("应用观星台晾晒台", user_words=("观星台",))


def test_corpus_terms_are_found_by_shape(corpus):
    terms = corpus_terms(c.text for c in corpus.clauses)
    assert {"浙里办", "冀时办", "观星台"} <= set(terms)
    assert all(2 <= len(t) <= 8 for t in terms)


def test_no_regex_word_split():
    # a Chinese sentence has no spaces: tokens must still be words, not one blob
    toks = tokenize("加快建设数字政府")
    assert len(toks) >= 2 and "加快建设数字政府" not in toks
