"""China's administrative divisions (jionlp's table), as a lookup of the places a text names.

Built once per process on first use (about 0.3 s): every province, city and county by full name
and by its short name; a county's short name only when no other county shares it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from qa.ingest.numerals import jionlp

PEOPLE_OF = frozenset("人籍")  # 湖南人, 广州籍: jieba keeps these as one word


@dataclass(frozen=True)
class Region:
    province: str = ""
    city: str = ""
    county: str = ""

    def __bool__(self) -> bool:
        return bool(self.province or self.city)

    def name(self) -> str:
        return self.county or self.city or self.province

    def within(self, other: Region) -> bool:
        """Is this place inside ``other`` or ``other`` inside it (no part says otherwise)?

        >>> Region("广东省", "广州市", "天河区").within(Region("广东省", "广州市")), Region("广东省", "深圳市").within(Region("广东省", "广州市"))
        (True, False)
        """
        return all(not a or not b or a == b for a, b in zip(self.parts(), other.parts(), strict=True))

    def parts(self) -> tuple[str, str, str]:
        return (self.province, self.city, self.county)


def _aliases(node: dict, full: str) -> list[str]:
    alias = node.get("_alias") or []
    alias = [alias] if isinstance(alias, str) else list(alias)
    return [full, *(a for a in alias if len(a) >= 2)]


@cache
def _table() -> tuple[dict[str, tuple[Region, ...]], re.Pattern]:
    names: dict[str, list[Region]] = {}
    county_alias: dict[str, list[Region]] = {}

    def add(name: str, region: Region, to: dict) -> None:
        to.setdefault(name, [])
        if region not in to[name]:
            to[name].append(region)

    for prov, pnode in jionlp().china_location_loader().items():
        if prov.startswith("_"):
            continue
        for name in _aliases(pnode, prov):
            add(name, Region(prov), names)
        for city, cnode in pnode.items():
            if city.startswith("_"):
                continue
            for name in _aliases(cnode, city):
                add(name, Region(prov, city), names)
            for county, knode in cnode.items():
                if county.startswith("_"):
                    continue
                region = Region(prov, city, county)
                add(county, region, names)
                for name in _aliases(knode, county)[1:]:
                    add(name, region, county_alias)
    for name, regions in county_alias.items():
        if len(regions) == 1 and name not in names:
            names[name] = regions
    table = {k: tuple(v) for k, v in names.items()}
    pattern = re.compile("|".join(sorted(map(re.escape, table), key=len, reverse=True)))
    return table, pattern


def places_in(text: str) -> list[Region]:
    """The places a text names, in order, each once (a name shared by places gives each).

    A name must begin and end where jieba's words do (``医保定点`` names no 保定), or be
    followed by a word for its people (湖南人).

    >>> [r.name() for r in places_in("我是湖南人，在广州番禺打工")]
    ['湖南省', '广州市', '番禺区']
    >>> places_in("我在海淀上班")[0].city, places_in("买了一台电饭煲"), places_in("在医保定点医院")
    ('北京市', [], [])
    """
    table, pattern = _table()
    out: list[Region] = []
    found = list(pattern.finditer(text))
    if not found:
        return out
    import jieba

    bounds = {0, len(text)}
    for _word, start, end in jieba.tokenize(text):
        bounds.update((start, end))
    for m in found:
        if m.start() not in bounds or (m.end() not in bounds and text[m.end() : m.end() + 1] not in PEOPLE_OF):
            continue
        for r in table[m.group()]:
            if r not in out:
                out.append(r)
    return out


def region_of(text: str) -> Region:
    """The first place a text names (empty when it names none).

    >>> region_of("广州市")
    Region(province='广东省', city='广州市', county='')
    """
    found = places_in(text)
    return found[0] if found else Region()
