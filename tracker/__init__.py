"""The follow-up tracker for PACE Resolution 2616 (2025): the app factory."""

from collections.abc import Mapping
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from tracker import db
from tracker.config import instance_path, load_settings
from tracker.resources import STATIC, TEMPLATES


def create_app(environ: Mapping[str, str] | None = None) -> Flask:
    """Create the web application; settings come from ``environ`` or the process environment."""
    app = Flask(
        __name__,
        instance_path=str(instance_path(environ)),
        template_folder=str(TEMPLATES),
        static_folder=str(STATIC),
    )
    settings = load_settings(environ, instance_path=Path(app.instance_path))
    app.config.from_mapping(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        SESSION_COOKIE_NAME="tracker_session",
        PERMANENT_SESSION_LIFETIME=60 * 60 * 12,
        WTF_CSRF_TIME_LIMIT=60 * 60 * 8,
        MAX_CONTENT_LENGTH=1024 * 1024,
    )
    app.extensions["tracker_settings"] = settings
    if settings.proxy_hops:
        # Behind a proxy, login throttling and the subscribe limit must see the client's address.
        hops = settings.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    db.init_app(app, db.create_db_engine(settings.database_url))
    _register_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    return app


def _register_extensions(app: Flask) -> None:
    from tracker.i18n import web as i18n
    from tracker.web import caching, names, request_guards, revalidation, security

    i18n.init_app(app)
    request_guards.init_app(app)
    security.init_app(app)
    names.init_app(app)
    caching.init_app(app)
    revalidation.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from tracker.web import (
        account,
        admin,
        api,
        auth,
        errors,
        exports,
        feeds,
        monitor,
        openapi,
        public,
        subscriptions,
        treaties,
    )

    for module in (public, auth, account, monitor, admin, api, treaties, subscriptions, errors):
        app.register_blueprint(module.bp)
    for module in (openapi, exports, feeds):
        app.register_blueprint(module.bp)
    _register_watch_blueprints(app)


def _register_watch_blueprints(app: Flask) -> None:
    from tracker.web import admin_sources, inbox

    for module in (inbox, admin_sources):
        app.register_blueprint(module.bp)


def _register_cli(app: Flask) -> None:
    from tracker.cli import register_commands
    from tracker.exports.cli import export
    from tracker.mail import cli as mail_cli
    from tracker.texts import cli as texts_cli

    register_commands(app)
    app.cli.add_command(export)
    for command in (*mail_cli.COMMANDS, *texts_cli.COMMANDS):
        app.cli.add_command(command)
