"""Dates as a Chinese daily prints them: 2026年8月19日 星期三, 农历丙午年七月初七, 第三版.

The lunar date comes from `lunardate` (a table of the Chinese calendar for 1900-2099,
maintained upstream); computing new moons and solar terms here would be more code than
the whole feature is worth.
"""

from __future__ import annotations

import datetime as dt

from lunardate import LunarDate

WEEKDAYS = "一二三四五六日"
STEMS = "甲乙丙丁戊己庚辛壬癸"
BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
LUNAR_MONTHS = ["正", "二", "三", "四", "五", "六", "七", "八", "九", "十", "冬", "腊"]
DIGITS = "〇一二三四五六七八九"


def date_text(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def weekday_text(d: dt.date) -> str:
    return f"星期{WEEKDAYS[d.weekday()]}"


def chinese_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 105 -> 一百零五 (page numbers, 第三版)."""
    if n < 0:
        raise ValueError(n)
    if n < 10:
        return DIGITS[n]
    if n < 20:
        return "十" + (DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return DIGITS[n // 10] + "十" + (DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        tail = "" if rest == 0 else ("零" + DIGITS[rest] if rest < 10 else
                                     ("一" + chinese_number(rest) if rest < 20 else chinese_number(rest)))
        return DIGITS[n // 100] + "百" + tail
    return str(n)


def lunar_day_name(day: int) -> str:
    if day == 10:
        return "初十"
    if day == 20:
        return "二十"
    if day == 30:
        return "三十"
    tens = ["初", "十", "廿", "三十"][day // 10]
    return tens + DIGITS[day % 10]


def lunar_text(d: dt.date) -> str:
    """农历丙午年七月初七 (leap months as 闰六月)."""
    convert = getattr(LunarDate, "from_solar_date", None) or LunarDate.fromSolarDate
    ld = convert(d.year, d.month, d.day)
    gz = STEMS[(ld.year - 4) % 10] + BRANCHES[(ld.year - 4) % 12]
    leap = getattr(ld, "is_leap_month", None)
    if leap is None:
        leap = ld.isLeapMonth
    month = ("闰" if leap else "") + LUNAR_MONTHS[ld.month - 1] + "月"
    return f"农历{gz}年{month}{lunar_day_name(ld.day)}"


def pdf_date(date: dt.date) -> str:
    """Midnight of an edition's date, Beijing time, as a PDF date string: what the PDFs
    record as created/modified (the clock would make every build's bytes different)."""
    return f"D:{date:%Y%m%d}000000+08'00'"


def xmp_date(date: dt.date) -> str:
    """The same instant as pdf_date, as XMP writes it (PDF/A wants the two to agree)."""
    return f"{date:%Y-%m-%d}T00:00:00+08:00"
