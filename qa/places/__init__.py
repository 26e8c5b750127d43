"""Places: the administrative divisions a text names, and the places a document speaks for.

``gazetteer`` (China's divisions from jionlp's table, built once per process on first use) ·
``regions`` (which places a document speaks for, whether a text or a clause names a place).
"""
