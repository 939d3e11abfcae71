"""The WSGI entry point for gunicorn: ``gunicorn tracker.wsgi:app``."""

from tracker import create_app

app = create_app()
