"""Vietnamese collation: the alphabet's own letters, tones as a second level, case third; the
same order as PostgreSQL's ICU ``vi-VN-x-icu`` collation wherever that is available."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import create_engine, text

from core.text.collation import sort_key

# Each list is in Vietnamese dictionary order.
ORDERED = [
    ["a", "à", "ả", "ã", "á", "ạ", "ă", "ằ", "ẳ", "ẵ", "ắ", "ặ", "â", "b"],
    ["Ba Đình", "Ba Vì", "Bạch Mai", "Bắc Từ Liêm", "Bồ Đề", "Cầu Giấy", "Dịch Vọng", "Đông Anh", "Đống Đa"],
    ["Trường Ánh Dương", "Trường Ấp Bắc", "Trường Âu Cơ", "Trường Ba Đình"],
    ["o", "ô", "ơ", "p", "u", "ư", "v"],
    ["e", "ê", "g"],
    ["an", "An", "ăn"],
    ["Trường 1", "Trường 10", "Trường 2"],
    ["Xã Ô Diên", "Xã Phú Xuyên", "Xã Ứng Hòa", "Xã Ứng Thiên", "Xã Yên Xuân"],
]


@pytest.mark.parametrize("names", ORDERED)
def test_names_sort_in_dictionary_order(names):
    assert sorted(reversed(names), key=sort_key) == names


def test_the_key_is_ascii_and_decomposed_text_sorts_like_composed_text():
    import unicodedata

    key = sort_key("Đống Đa")
    assert key.isascii()
    assert sort_key(unicodedata.normalize("NFD", "Đống Đa")) == key
    assert sort_key(None) == sort_key("") == "!!"


@given(st.lists(st.text(alphabet="aăâbdđeêoôơuưàáạảãấầẩẫậắằẳẵặ ABĐ", max_size=6), max_size=8))
def test_sorting_by_the_key_is_a_total_order(words):
    ordered = sorted(words, key=sort_key)
    keys = [sort_key(w) for w in ordered]
    assert keys == sorted(keys)


def test_postgresql_icu_orders_hanoi_names_the_same_way(thidua_database_url):
    """The key and ICU's Vietnamese collation agree on every name of the Hanoi directory."""
    if not thidua_database_url.startswith("postgresql"):
        pytest.skip("ICU collations are a PostgreSQL feature; the key is what SQLite sorts by")
    from pathlib import Path

    import yaml

    directory = yaml.safe_load((Path(__file__).parents[2] / "tenants" / "hanoi.yaml").read_text("utf-8"))
    names: list[str] = []

    def walk(units):
        for unit in units:
            names.append(unit["name"])
            walk(unit.get("children") or [])

    walk(directory["tenants"])
    names += [n for group in ORDERED for n in group]
    engine = create_engine(thidua_database_url)
    try:
        with engine.connect() as connection:
            found = "SELECT count(*) FROM pg_collation WHERE collname = 'vi-VN-x-icu'"
            if not connection.scalar(text(found)):
                pytest.skip("this PostgreSQL has no ICU Vietnamese collation")
            icu = connection.scalars(text(
                'SELECT n FROM unnest(CAST(:names AS text[])) AS n ORDER BY n COLLATE "vi-VN-x-icu"'
            ), {"names": names}).all()
    finally:
        engine.dispose()
    assert len(names) > 150
    assert sorted(names, key=sort_key) == icu
