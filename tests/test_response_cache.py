"""Public pages sent again from memory while their ETag holds; never a personal page."""

from flask import template_rendered

from tests.open_data_helpers import change_status
from tracker.web.response_cache import ResponseCache

ITEM = "/texts/res-2616/9.2.1"


def rendered_templates(app, get):
    names = []

    def record(sender, template, context, **extra):
        names.append(template.name)

    template_rendered.connect(record, app)
    try:
        answer = get()
    finally:
        template_rendered.disconnect(record, app)
    return answer, names


def test_an_unchanged_page_is_sent_again_unrendered_and_a_change_renders_it(app, engine, client):
    first, names = rendered_templates(app, lambda: client.get(ITEM))
    assert names == ["public/item.html"]
    again, names = rendered_templates(app, lambda: client.get(ITEM))
    assert names == [] and again.data == first.data
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Content-Type"] == first.headers["Content-Type"]
    assert again.headers["Cache-Control"] == "public, no-cache"
    change_status(engine, "9.2.1", note="A note only the new page has")
    after, names = rendered_templates(app, lambda: client.get(ITEM))
    assert names == ["public/item.html"] and "A note only the new page has" in after.text


def test_a_personal_page_is_never_kept_nor_served_from_memory(app, client, login):
    client.get(ITEM)  # an anonymous copy is kept
    login()
    page, names = rendered_templates(app, lambda: client.get(ITEM))
    assert names == ["public/item.html"] and page.headers["Cache-Control"] == "private, no-store"
    with client.session_transaction() as session:
        session.clear()
    anonymous = client.get(ITEM)
    assert "Log out" not in anonymous.text and anonymous.data != page.data


def test_the_cache_keeps_its_byte_bound_dropping_the_least_recently_used(app):
    cache = ResponseCache(max_bytes=25)
    with app.test_request_context():
        for key in ("a", "b", "c"):
            cache.put(key, app.response_class(key * 10))
        assert cache.get("a") is None  # 30 bytes > 25: the oldest went
        assert cache.get("b").body == b"b" * 10
        cache.put("d", app.response_class("d" * 10))
        assert cache.get("c") is None and cache.get("b") is not None  # b was used: c went
