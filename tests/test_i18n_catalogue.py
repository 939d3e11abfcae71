"""The catalogues: every interface string is translated into French and Russian, none is fuzzy,
the extraction finds nothing the catalogues lack, and the committed .mo files match the .po."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tracker.resources import TRANSLATIONS

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("fr", "ru")


def _ids(catalog) -> set:
    return {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog if m.id}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """Extract the strings of the code and templates as they are now."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [pybabel, "extract", "-F", "babel.cfg", "-k", "N_", "-k", "_l", "-o", pot, "."],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as f:
        return read_po(f)


def _po(lang: str):
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=lang)


def test_every_string_of_the_code_is_in_the_committed_template(extracted):
    with (TRANSLATIONS / "messages.pot").open("rb") as f:
        committed = read_po(f)
    missing = _ids(extracted) - _ids(committed)
    assert not missing, f"run scripts/update-translations: {sorted(map(str, missing))[:10]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_string_has_a_translation_and_none_is_fuzzy(extracted, lang):
    catalog = _po(lang)
    missing = _ids(extracted) - _ids(catalog)
    assert not missing, f"{lang}: not in the catalogue: {sorted(map(str, missing))[:10]}"
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, f"{lang}: fuzzy: {message.id!r}"
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert strings and all(s.strip() for s in strings), f"{lang}: empty: {message.id!r}"
        if not isinstance(message.id, str):
            assert len(strings) == catalog.num_plurals, f"{lang}: plural forms of {message.id!r}"
        # A placeholder lost or misspelt in a translation would fail at render time.
        assert not list(message.check(catalog)), (lang, message.id, list(message.check(catalog)))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_compiled_catalogue_matches_its_source(lang):
    source = _po(lang)
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo").open("rb") as f:
        compiled = read_mo(f)
    def table(catalog) -> dict:
        return {
            m.id if isinstance(m.id, str) else tuple(m.id): (
                m.string if isinstance(m.string, str) else tuple(m.string)
            )
            for m in catalog
            if m.id
        }

    assert table(compiled) == table(source), "run pybabel compile after editing the .po"
