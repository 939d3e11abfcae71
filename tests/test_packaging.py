"""Point 1, fast half: package data is found through importlib.resources; the instance folder."""

from pathlib import Path

import tracker
from tracker.config import instance_path
from tracker.resources import MIGRATIONS, SEEDS, STATIC, TEMPLATES

PACKAGE = Path(tracker.__file__).parent


def test_package_data_lives_inside_the_package():
    for folder, sample in (
        (TEMPLATES, "base.html"),
        (STATIC, "tracker.css"),
        (SEEDS, "treaties.json"),
        (MIGRATIONS, "env.py"),
    ):
        assert folder.parent == PACKAGE and (folder / sample).is_file()


def test_instance_path_from_the_setting(tmp_path):
    assert instance_path({"TRACKER_INSTANCE_PATH": str(tmp_path / "x")}) == tmp_path / "x"


def test_instance_path_defaults_to_the_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    found = instance_path({})
    assert found == tmp_path / "data" / "kz-resolution-tracker"
    assert PACKAGE not in found.parents and PACKAGE.parent not in found.parents


def test_create_app_uses_the_instance_path(tmp_path):
    app = tracker.create_app({"TRACKER_INSTANCE_PATH": str(tmp_path)})
    assert app.instance_path == str(tmp_path)
    assert app.extensions["tracker_settings"].database_url == (
        f"sqlite:///{tmp_path / 'tracker.sqlite3'}"
    )
    assert (tmp_path / "secret_key").is_file()
    app.extensions["db_engine"].dispose()
