"""Every built-in criteria set is English-complete: each field has an English label, an English
help where it has a help, an English unit where the core's vocabulary lacks one, and an English
label for every choice (:func:`core.plugins.language.missing_english`)."""

from __future__ import annotations

import configparser
from pathlib import Path

import pytest

from core.plugins import describe
from core.plugins.docgen import plugin_sets
from core.plugins.language import missing_english

ROOT = Path(__file__).resolve().parents[2]


def built_in_plugins() -> list[str]:
    """The entry point names of setup.cfg's ``thidua.plugins`` group."""
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    lines = config["options.entry_points"]["thidua.plugins"].strip().splitlines()
    return [line.split("=", 1)[0].strip() for line in lines if line.strip()]


BUILT_IN = built_in_plugins()

pytestmark = pytest.mark.thidua_plugins(*BUILT_IN)


def built_in_sets(host) -> list:
    sets = []
    for name in BUILT_IN:
        assert host.plugins[name].state == "loaded", host.plugins[name].cause
        sets += plugin_sets(host, name)
    return sets


def test_every_field_of_every_built_in_set_has_its_english(plugin_host):
    sets = built_in_sets(plugin_host)
    assert len(BUILT_IN) >= 9 and len(sets) >= len(BUILT_IN)
    gaps = [
        f"{criteria_set.key} v{criteria_set.version}, field {info.name}: missing {', '.join(missing)}"
        for criteria_set in sets
        for info in describe(criteria_set)
        if (missing := missing_english(info.as_dict()))
    ]
    assert gaps == [], "\n".join(gaps)


def test_the_english_is_a_translation_not_a_copy(plugin_host):
    """An English help or choice label equal to the Vietnamese would pass the completeness check
    while showing Vietnamese to an English reader."""
    copies = []
    helped = chosen = 0
    for criteria_set in built_in_sets(plugin_host):
        for info in describe(criteria_set):
            where = f"{criteria_set.key} v{criteria_set.version}, field {info.name}"
            if info.help:
                helped += 1
                if info.help_en == info.help:
                    copies.append(f"{where}: help_en is the Vietnamese help")
            for choice in info.choices or []:
                chosen += 1
                if (info.choices_en or {}).get(str(choice)) == str(choice):
                    copies.append(f"{where}: the English label of {choice!r} is the choice itself")
    # The built-in sets do have helps and choices, so the loop above checked something.
    assert helped >= 80 and chosen >= 20
    assert copies == [], "\n".join(copies)
