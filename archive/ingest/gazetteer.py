"""Names of the places and states that appear in texts of this family, in Japanese and English.

Used to give a document a canonical English place name (アシガバット市 → Ashgabat) and to name the
participating countries given by ISO code in the manifest.
"""

import re

# ISO 3166-1 alpha-2 code → (English short name, Japanese short name)
COUNTRIES = {
    "JP": ("Japan", "日本"),
    "KZ": ("Kazakhstan", "カザフスタン"),
    "KG": ("Kyrgyzstan", "キルギス"),
    "TJ": ("Tajikistan", "タジキスタン"),
    "TM": ("Turkmenistan", "トルクメニスタン"),
    "UZ": ("Uzbekistan", "ウズベキスタン"),
    "AF": ("Afghanistan", "アフガニスタン"),
    "MN": ("Mongolia", "モンゴル"),
    "AZ": ("Azerbaijan", "アゼルバイジャン"),
    "RU": ("Russia", "ロシア"),
    "CN": ("China", "中国"),
}

# Printed form → canonical English place name. Longer forms first where one contains another.
PLACES = {
    "東京": "Tokyo",
    "都内": "Tokyo",  # within the Tokyo metropolis: 都内で開催された
    "大阪": "Osaka",
    "アシガバット": "Ashgabat",
    "アシガバード": "Ashgabat",
    "アスタナ": "Astana",
    "ヌルスルタン": "Nur-Sultan",
    "アルマティ": "Almaty",
    "ビシュケク": "Bishkek",
    "ドゥシャンベ": "Dushanbe",
    "タシケント": "Tashkent",
    "サマルカンド": "Samarkand",
    "ニューヨーク": "New York",
    "ハーグ": "The Hague",
    "ジュネーブ": "Geneva",
    "モスクワ": "Moscow",
    "北京": "Beijing",
    "ソウル": "Seoul",
    "プラハ": "Prague",
    "ロンドン": "London",
    "ワシントン": "Washington",
    "ブリュッセル": "Brussels",
    "イスタンブール": "Istanbul",
    "カブール": "Kabul",
    "バクー": "Baku",
    "ウランバートル": "Ulaanbaatar",
    "Tokyo": "Tokyo",
    "Osaka": "Osaka",
    "Ashgabat": "Ashgabat",
    "Astana": "Astana",
    "Nur-Sultan": "Nur-Sultan",
    "Almaty": "Almaty",
    "Bishkek": "Bishkek",
    "Dushanbe": "Dushanbe",
    "Tashkent": "Tashkent",
    "Samarkand": "Samarkand",
    "New York": "New York",
    "The Hague": "The Hague",
    "Geneva": "Geneva",
    "Moscow": "Moscow",
    "Beijing": "Beijing",
    "Seoul": "Seoul",
    # A capital named by its country, as news reports name it (in the Tajik capital).
    "Tajik capital": "Dushanbe",
    "Uzbek capital": "Tashkent",
    "Kyrgyz capital": "Bishkek",
    "Turkmen capital": "Ashgabat",
    "Japanese capital": "Tokyo",
    # Where news services that report on the region date their stories from.
    "Prague": "Prague",
    "London": "London",
    "Washington": "Washington",
    "Brussels": "Brussels",
    "Istanbul": "Istanbul",
    "Kabul": "Kabul",
    "Baku": "Baku",
    "Ulaanbaatar": "Ulaanbaatar",
    # Venues that stand in one city: the foreign ministry and its guest house, the Imperial
    # Palace, the Prime Minister's office, the Japan National Press Club.
    "飯倉公館": "Tokyo",
    "迎賓館赤坂離宮": "Tokyo",
    "迎賓館": "Tokyo",
    "State Guest House": "Tokyo",
    "皇居": "Tokyo",
    "Imperial Palace": "Tokyo",
    "Akasaka Palace": "Tokyo",
    "総理大臣官邸": "Tokyo",
    "首相官邸": "Tokyo",
    "Iikura Guest House": "Tokyo",
    "Iikura House": "Tokyo",
    "Prime Minister's Office": "Tokyo",
    "Prime Minister’s Office": "Tokyo",
    "外務省": "Tokyo",
    "本省会見室": "Tokyo",  # the ministry's own press room
    "日本記者クラブ": "Tokyo",
    "Japan National Press Club": "Tokyo",
    "Ministry of Foreign Affairs of Japan": "Tokyo",
    "Ministry of Foreign Affairs": "Tokyo",
}

# Names read only where nothing around them says otherwise. A ministry is Japan's unless the
# text names another state's: ウズベキスタン外務省 and the Ministry of Foreign Affairs of
# Uzbekistan are in Tashkent. 都内 is Tokyo's, but 京都内 is inside Kyoto.
_GUARDED = {
    "外務省": r"(?<![\u30a0-\u30ff国])外務省",
    "Ministry of Foreign Affairs": r"Ministry of Foreign Affairs(?!\s+of\b)",
    "都内": r"(?<!京)都内",
}


def _name_pattern(name: str) -> str:
    return _GUARDED.get(name, re.escape(name))


_NAMES = "|".join(map(_name_pattern, sorted(PLACES, key=len, reverse=True)))
# A wire-service dateline that opens a paragraph: Tokyo, March 25: …, DUSHANBE, March 28, 2016,
# Asia-Plus – …, DUSHANBE, 24.12.2022 (NIAT Khovar) – …, Prague, 26 August 2004 (RFE/RL) -- …,
# NUR-SULTAN. KAZINFORM - …, ASTANA. KAZINFORM Kazinform … (the agency after the city, no date),
# DUSHANBE, Tajikistan, May 2. … (the country between), after the page's own stamp
# (date 2031-05-02 DUSHANBE, …), Tashkent, Uzbekistan (Agency.uz) -- ….
_WIRE_PATTERN = (
    r"^(?:[Dd]ate\s+\d{4}-\d{2}-\d{2}\s+)?"
    rf"(?P<wire_city>(?i:{_NAMES}))(?=(?:,\s+[A-Z][a-z]+)?,\s+(?:[A-Z][a-z]+\.?\s+\d{{1,2}}\b"
    r"|\d{1,2}[./]\d{1,2}[./]\d{4}|\d{1,2}\s+[A-Z][a-z]+\s+\d{4})"
    r"|\.\s+[A-Z][A-Z-]{2,}\s+(?:[-–—]|[A-Z])"
    # Tashkent, Uzbekistan (Agency.uz) -- …: the agency in brackets, then a dash.
    r"|(?:,\s+[A-Z][a-z]+)?\s+\([^()]{2,30}\)\s*(?:--|[-–—]))"
)
_WIRE = re.compile(_WIRE_PATTERN)


# A place where something happened: 東京において / 東京にて / アシガバット市 / in Tokyo /
# at Astana / in the capital of Tashkent.
_MEETING_PLACE = re.compile(
    rf"(?P<ja>{_NAMES})(?:市|内)?(?:[(（][^()（）]{{1,12}}[)）])?"
    r"(?:において|にて|で開催|市|で(?![はもす]))"
    rf"|\b(?:[Ii]n|[Aa]t|visited|visit to|visits|arrived in)\s+(?:the\s+)?"
    rf"(?:capital(?: city)?(?: of)?,?\s+)?(?P<en>{_NAMES})\b"
    # アシガバットを訪問, ニューヨーク訪問中, アスタナに到着: where a visit took someone.
    rf"|(?P<visited>{_NAMES})(?:市)?(?:を訪問|訪問中|を訪れ|に到着)"
    # A wire-service dateline that opens the paragraph (see _WIRE).
    rf"|(?P<wire>{_WIRE_PATTERN})"
)
_ANY_PLACE = re.compile(_NAMES)
_ANY_PLACE_ANY_CASE = re.compile(_NAMES, re.I)
_BY_FOLDED = {name.casefold(): place for name, place in PLACES.items()}


def is_known(place: str) -> bool:
    """Whether `place` is a canonical name the gazetteer gives (Tokyo, Ashgabat)."""
    return place in _CANONICAL


_CANONICAL = frozenset(PLACES.values())


# Another state's foreign ministry stands in its capital: トルクメニスタン・外務省 is in
# Ashgabat. Kazakhstan's capital has had three names since 1997, so its ministry names none.
_CAPITALS = {
    "キルギス": "Bishkek",
    "Kyrgyz": "Bishkek",
    "タジキスタン": "Dushanbe",
    "Tajikistan": "Dushanbe",
    "トルクメニスタン": "Ashgabat",
    "Turkmenistan": "Ashgabat",
    "ウズベキスタン": "Tashkent",
    "Uzbekistan": "Tashkent",
}
_STATES = "|".join(_CAPITALS)
_FOREIGN_MINISTRY = re.compile(
    rf"(?P<ja>{_STATES})(?:共和国)?[・･]?外務省"
    rf"|(?:Ministry of Foreign Affairs|MFA|Foreign Ministry) of (?:the )?(?:Republic of )?"
    rf"(?P<en>{_STATES})"
)
# Held at another state's foreign ministry (at the MFA of Turkmenistan, トルクメニスタン外務省
# において): in its capital.
_AT_FOREIGN_MINISTRY = re.compile(
    rf"(?P<printed>(?:{_STATES})(?:共和国)?[・･]?外務省)(?:において|にて|で(?![はもす]))"
    rf"|\b(?:at|in) the (?P<printed_en>(?:Ministry of Foreign Affairs|MFA|Foreign Ministry) "
    rf"of (?:the )?(?:Republic of )?(?:{_STATES}))\b"
)


def canonical_place(printed: str) -> str:
    """Ashgabat for アシガバット市 or DUSHANBE; the printed form when the place is not known."""
    if ministry := _FOREIGN_MINISTRY.search(printed):
        return _CAPITALS[ministry.group("ja") or ministry.group("en")]
    match = _ANY_PLACE.search(printed) or _ANY_PLACE_ANY_CASE.search(printed)
    return _BY_FOLDED[match.group().casefold()] if match else printed.strip()


def find_place(text: str) -> str | None:
    """The first place the gazetteer knows in `text`, as printed."""
    match = _ANY_PLACE.search(text)
    return match.group() if match else None


def _mission_only(before: str, match: re.Match) -> bool:
    """Whether `match` (in Dushanbe) only says where a mission named just before it stands."""
    return bool(match.group("en") and _MISSION_IN.search(before) and not _AT_MISSION.search(before))


def find_wire_place(text: str) -> str | None:
    """The city of a wire-service dateline that opens `text`, as printed (DUSHANBE)."""
    match = _WIRE.match(text)
    return match.group("wire_city") if match else None


# "the Embassy of Japan in Bishkek announced …": where the embassy stands, which is where
# something happened only when the embassy is the venue (at the Embassy of Japan in …).
_MISSION_IN = re.compile(r"\b(?:Embassy|Consulate(?: General)?)(?: of [A-Z][a-z]+)? $")
_AT_MISSION = re.compile(r"\b(?:at|in|to) the (?:Embassy|Consulate)\b[^.]*$", re.I)


def find_meeting_place(text: str) -> str | None:
    """The first place `text` says something happened at, as printed (東京, Tokyo)."""
    match = next(
        (m for m in _MEETING_PLACE.finditer(text) if not _mission_only(text[: m.start()], m)),
        None,
    )
    ministry = _AT_FOREIGN_MINISTRY.search(text)
    if ministry and (not match or ministry.start() < match.start()):
        return ministry.group("printed") or ministry.group("printed_en")
    if not match:
        return None
    found = match.group("ja") or match.group("en") or match.group("wire_city")
    return found or match.group("visited")
