"""Dates and languages as news databases print them -> ISO 8601 dates and ISO 639-1 codes.

Nexis and Factiva print dates for people ("July 1, 2019 Monday 9:20 AM GMT", "5. Juli 2019",
"9 Januar 1993"); the project stores ISO dates so that articles sort and filter by date. Only
unambiguous forms are read (month names, or year first): "03/04/2019" is left as printed.
"""

from __future__ import annotations

import datetime
import re

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "january jan januar janv janvier enero ene gennaio gen januari jänner janeiro",
        "february feb februar fév févr fevr février febrero febbraio februari fevereiro fev",
        "march mar märz maerz mär mars marzo maart março",
        "april apr avril abril aprile",
        "may mai mayo maggio mei maio",
        "june jun juni juin junio giugno junho",
        "july jul juli juillet juil julio luglio lug julho",
        "august aug août aout agosto ago augustus",
        "september sep sept septembre septiembre settembre set setembro",
        "october oct oktober octobre octubre ottobre ott okt outubro out",
        "november nov novembre noviembre novembro",
        "december dec dezember déc décembre diciembre dic dicembre dez dezembro",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS.setdefault(_name, _number)

_MONTH = r"([^\W\d_]{3,10})\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th|er|\.)?"
_YEAR = r"(\d{4})"
# "July 1, 2019", "Jan. 8 1993"
_MONTH_FIRST = re.compile(rf"(?<![^\W\d_]){_MONTH}\s+{_DAY},?\s+{_YEAR}(?!\d)")
# "1 July 2019", "5. Juli 2019", "1er avril 2017", "3 de marzo de 2019"
_DAY_FIRST = re.compile(rf"(?<!\d){_DAY}\s+(?:de\s+)?{_MONTH}\s+(?:de\s+)?{_YEAR}(?!\d)")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")


def parse_news_date(text: str) -> str:
    """The first date in `text` as YYYY-MM-DD, or "" when there is none we can be sure of."""
    candidates: list[tuple[int, str]] = []
    for match in _MONTH_FIRST.finditer(text):
        iso = _iso(match.group(3), match.group(1), match.group(2))
        if iso:
            candidates.append((match.start(), iso))
            break
    for match in _DAY_FIRST.finditer(text):
        iso = _iso(match.group(3), match.group(2), match.group(1))
        if iso:
            candidates.append((match.start(), iso))
            break
    match_iso = _ISO.search(text)
    if match_iso:
        iso = _valid(int(match_iso.group(1)), int(match_iso.group(2)), int(match_iso.group(3)))
        if iso:
            candidates.append((match_iso.start(), iso))
    return min(candidates)[1] if candidates else ""


def _iso(year: str, month_name: str, day: str) -> str:
    month = _MONTHS.get(month_name.casefold().rstrip("."))
    return _valid(int(year), month, int(day)) if month else ""


def _valid(year: int, month: int, day: int) -> str:
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return ""


# Language names as Nexis and Factiva print them, in English and in the interface's language
# (a German Factiva says "Englisch" for English).
_LANGUAGES: dict[str, str] = {}
for _code, _names in (
    ("en", "english englisch anglais inglés ingles inglese engels"),
    ("de", "german deutsch allemand alemán aleman tedesco duits"),
    ("fr", "french français francais französisch franzoesisch francés frances francese frans"),
    ("es", "spanish español espanol spanisch espagnol spagnolo spaans"),
    ("it", "italian italiano italienisch italien"),
    ("nl", "dutch nederlands niederländisch néerlandais"),
    ("pt", "portuguese português portugues portugiesisch portugais"),
    ("ru", "russian русский russisch russe ruso"),
    ("uk", "ukrainian українська ukrainisch ukrainien"),
    ("pl", "polish polski polnisch polonais"),
    ("cs", "czech čeština tschechisch"),
    ("sv", "swedish svenska schwedisch"),
    ("da", "danish dansk dänisch"),
    ("no", "norwegian norsk norwegisch"),
    ("fi", "finnish suomi finnisch"),
    ("el", "greek ελληνικά griechisch"),
    ("hu", "hungarian magyar ungarisch"),
    ("ro", "romanian română rumänisch"),
    ("tr", "turkish türkçe türkisch"),
    ("ar", "arabic العربية arabisch"),
    ("zh", "chinese 中文 chinesisch"),
    ("ja", "japanese 日本語 japanisch"),
    ("ko", "korean 한국어 koreanisch"),
):
    for _name in _names.split():
        _LANGUAGES[_name] = _code


def language_code(name: str) -> str:
    """'ENGLISH' -> 'en', 'Englisch' -> 'en', 'en' -> 'en'; '' when unknown."""
    folded = name.strip().casefold()
    if re.fullmatch(r"[a-z]{2}(?:[-_][a-z]{2})?", folded):
        return folded[:2]
    return _LANGUAGES.get(folded, "")
