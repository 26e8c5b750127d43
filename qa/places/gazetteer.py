"""China's administrative divisions (jionlp's table), as a lookup of the places a text names.

Built once per process on first use (about 0.6 s with jieba's dictionary tags): every province,
city and county by full name and by its short name, plus the national-level new areas
(``qa/data/new_areas.txt``). A county's short name is taken only when no other county shares it
and it is no ordinary word: jieba's dictionary tags it as one (平安, 公安, 城区) or
``qa/data/not_places.txt`` lists it (新建, 平原).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from qa.data import HERE as DATA
from qa.data import words
from qa.ingest.numerals import jionlp

PEOPLE_OF = frozenset("人籍")  # 湖南人, 广州籍: jieba keeps these as one word
#: the endings of full names (江西省, 南昌市, 湘西土家族苗族自治州): a full name may run into the
#: next word as jieba cuts it (江西省委, 四川省政府)
FULL_NAME_END = frozenset("省市县区州盟旗")
#: jieba's tags for proper nouns: a county name jieba tags otherwise is an ordinary word first
PROPER_TAGS = frozenset({"ns", "nr", "nrt", "nrfg", "nz", "nt"})


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


def _short(names: list[str]) -> str:
    """The name a place goes by: its shortest name of two characters or more (浙江 for 浙江省)."""
    return min(names, key=len)


def _ordinary_words(names: set[str]) -> set[str]:
    """Those of ``names`` that jieba's dictionary holds as ordinary words (平安 a, 城区 n)."""
    import jieba

    out: set[str] = set()
    with jieba.dt.get_dict_file() as f:
        for line in f:
            parts = line.decode("utf-8").split()  # word frequency tag
            if len(parts) == 3 and parts[0] in names and parts[2] not in PROPER_TAGS:
                out.add(parts[0])
    return out


def _new_areas() -> list[tuple[str, str, str]]:
    """(name, province, city) of each national-level new area (雄安新区 is 河北省's)."""
    rows = []
    for line in (DATA / "new_areas.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, prov, city = [*line.split(), "", ""][:3]
            rows.append((name, prov, city if city != "-" else ""))
    return rows


@dataclass(frozen=True)
class _Table:
    regions: dict[str, tuple[Region, ...]]  # every name → the places it names
    short: dict[str, str]  # every name → the name its place goes by (江西省 → 江西)
    provinces: tuple[str, ...]  # short names, in the table's order
    cities: tuple[str, ...]
    pattern: re.Pattern


@cache
def _table() -> _Table:
    names: dict[str, list[Region]] = {}
    county_names: dict[str, list[Region]] = {}
    short: dict[str, str] = {}
    provinces: list[str] = []
    cities: list[str] = []

    def add(all_names: list[str], region: Region, to: dict) -> None:
        for name in all_names:
            to.setdefault(name, [])
            if region not in to[name]:
                to[name].append(region)
            short.setdefault(name, _short(all_names))

    for prov, pnode in jionlp().china_location_loader().items():
        if prov.startswith("_"):
            continue
        add(_aliases(pnode, prov), Region(prov), names)
        provinces.append(_short(_aliases(pnode, prov)))
        for city, cnode in pnode.items():
            if city.startswith("_"):
                continue
            if city != "省直辖行政区划":
                add(_aliases(cnode, city), Region(prov, city), names)
                cities.append(_short(_aliases(cnode, city)))
            for county, knode in cnode.items():
                if not county.startswith("_"):
                    add(_aliases(knode, county), Region(prov, city, county), county_names)
    for name, prov, city in _new_areas():
        add([name, name.removesuffix("新区")], Region(prov, city, name), county_names)
    ordinary = _ordinary_words({n for n in county_names if n not in names}) | set(words("not_places"))
    for name, regions in county_names.items():
        full = any(name == r.county for r in regions) and len(name) >= 3
        unique = len(regions) == 1 or full
        if name not in names and unique and (full or name not in ordinary):
            names[name] = regions
    table = {k: tuple(v) for k, v in names.items()}
    pattern = re.compile("|".join(sorted(map(re.escape, table), key=len, reverse=True)))
    return _Table(table, short, tuple(dict.fromkeys(provinces)), tuple(dict.fromkeys(cities)), pattern)


def _found(text: str) -> list[str]:
    """The place names in a text, in order (each time it is named), where jieba's words begin
    and end (``医保定点`` names no 保定); a full name may end inside a word (江西省委)."""
    t = _table()
    found = list(t.pattern.finditer(text))
    if not found:
        return []
    import jieba

    out: list[str] = []
    spans = [(0, len(text))] if len(text) <= 400 else [(max(0, m.start() - 12), m.end() + 12) for m in found]
    bounds: set[int] = set()
    for lo, hi in dict.fromkeys(spans):  # a long text: the words around each name only
        bounds.update((lo, min(hi, len(text))))
        for _word, start, end in jieba.tokenize(text[lo:hi], HMM=False):  # an unknown name stays apart
            bounds.update((lo + start, lo + end))
    for m in found:
        name = m.group()
        full = name[-1] in FULL_NAME_END and t.short[name] != name
        ends = m.end() in bounds or text[m.end() : m.end() + 1] in PEOPLE_OF or full
        if m.start() in bounds and ends:
            out.append(name)
    return out


def places_in(text: str) -> list[Region]:
    """The places a text names, in order, each once (a name shared by places gives each).

    A name must begin and end where jieba's words do (``医保定点`` names no 保定), or be
    followed by a word for its people (湖南人).

    >>> [r.name() for r in places_in("我是湖南人，在广州番禺打工")]
    ['湖南省', '广州市', '番禺区']
    >>> places_in("我在海淀上班")[0].city, places_in("买了一台电饭煲"), places_in("在医保定点医院")
    ('北京市', [], [])
    """
    table = _table().regions
    out: list[Region] = []
    for name in _found(text):
        for r in table[name]:
            if r not in out:
                out.append(r)
    return out


def names_in(text: str) -> list[str]:
    """The places a text names, each once, by the name it goes by (浙江 for 浙江省, 昆山 for 昆山市).

    >>> names_in("江西省和南昌市分别提出了什么？"), names_in("昆山要建多少个5G基站？"), names_in("公安部门在城区的职责")
    (['江西', '南昌'], ['昆山'], [])
    >>> names_in("四川省政府办公厅牵头的任务有几项？"), names_in("雄安新区管委会负责什么？")
    (['四川'], ['雄安'])
    """
    short = _table().short
    return list(dict.fromkeys(short[n] for n in _found(text)))


def provinces() -> tuple[str, ...]:
    """The short names of every province-level division (江西, 内蒙古, 香港 …)."""
    return _table().provinces


def cities() -> tuple[str, ...]:
    """The short names of every prefecture-level division (南昌, 延边 …)."""
    return _table().cities


def region_of(text: str) -> Region:
    """The first place a text names (empty when it names none).

    >>> region_of("广州市")
    Region(province='广东省', city='广州市', county='')
    """
    found = places_in(text)
    return found[0] if found else Region()


def narrowest(found: list[Region]) -> list[Region]:
    """The places of ``found`` that no other of them lies within: 四川省巴中市恩阳区 names 恩阳区,
    not all of 四川省; 我是湖南人，在广州番禺打工 names 湖南 and 番禺.  A name several places share
    (朝阳区) is the one within a place the text also names (吉林省长春市朝阳区), when one is.

    >>> [r.name() for r in narrowest(places_in("四川省巴中市恩阳区"))], narrowest([])
    (['恩阳区'], [])
    >>> [r.name() for r in narrowest(places_in("我是湖南人，在广州番禺打工"))]
    ['湖南省', '番禺区']
    >>> narrowest(places_in("吉林省长春市朝阳区"))
    [Region(province='吉林省', city='长春市', county='朝阳区')]
    >>> [r.province for r in narrowest(places_in("朝阳区"))]
    ['北京市', '吉林省']
    """
    placed = [r for r in found if _within_named(r, found)]
    meant = [r for r in found if r in placed or not any(o.name() == r.name() for o in placed)]
    return [r for r in meant if not any(_depth(o) > _depth(r) and o.within(r) for o in meant)]


def _within_named(r: Region, found: list[Region]) -> bool:
    """Is ``r`` within a wider place of ``found``?"""
    return any(_depth(o) < _depth(r) and r.within(o) for o in found)


def _depth(r: Region) -> int:
    return sum(map(bool, r.parts()))
