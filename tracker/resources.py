"""Locate the files shipped inside the package (templates, static, seeds, migrations)."""

from importlib.resources import files
from pathlib import Path


def package_dir(name: str) -> Path:
    """Return the directory ``name`` shipped inside the installed ``tracker`` package."""
    resource = files("tracker") / name
    # Flask, Jinja and Alembic read real directories; a zipped install would not have them.
    if not isinstance(resource, Path):
        raise RuntimeError(f"tracker must be installed as files, not zipped: {resource}")
    return resource


TEMPLATES = package_dir("templates")
STATIC = package_dir("static")
SEEDS = package_dir("seeds")
MIGRATIONS = package_dir("migrations")
TRANSLATIONS = package_dir("translations")
