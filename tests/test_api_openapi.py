"""Point 3: the OpenAPI 3.1 document describes every /api/v1 route and its real responses."""

import json
from datetime import date, timedelta

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from jobs import poll_treaties
from tests.fake_treaty_office import standard_chart
from tests.open_data_helpers import change_status, fetch
from tests.treaty_helpers import NOW, kaz, make_ctx, no_sleep, serve_seeded_states

pytest_plugins = ["tests.conftest_browser", "tests.conftest_treaty_office"]

BASE = "https://tracker.example.org"
EXAMPLES = {"number": "9.2.1", "slug": "cets-210"}


@pytest.fixture
def history(app, engine, fake_treaty_office):
    """Three status changes of §9.2.1 and one observed change of CETS 210 with evidence."""
    for status in ("in_progress", "partially_implemented", "implemented"):
        change_status(engine, "9.2.1", status, note=f"now {status}")
    serve_seeded_states(fake_treaty_office)
    poll_treaties.run(make_ctx(app, fake_treaty_office), sleep=no_sleep)
    fake_treaty_office.set_chart(210, standard_chart(210, kaz(210, signed=date(2026, 1, 10))))
    poll_treaties.run(make_ctx(app, fake_treaty_office, now=NOW + timedelta(hours=6)),
                      sleep=no_sleep)


@pytest.fixture
def spec(client):
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    return answer.get_json()


def response_validator(spec: dict, schema: dict) -> Draft202012Validator:
    # The document is the registry's one resource; a response's schema is a reference into it.
    registry = Registry().with_resource(
        "urn:spec", Resource.from_contents(spec, default_specification=DRAFT202012)
    )
    resolved = {"$ref": "urn:spec#" + schema["$ref"].removeprefix("#")}
    return Draft202012Validator(resolved, registry=registry,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_of(spec: dict, path: str, code: str) -> dict:
    return spec["paths"][path]["get"]["responses"][code]["content"]["application/json"]["schema"]


def test_the_document_is_valid_openapi_3_1_and_lists_every_api_route(app, spec):
    validate(spec)
    assert spec["openapi"].startswith("3.1")
    routes = {
        rule.rule.removeprefix("/api/v1").replace("<", "{").replace(">", "}")
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
    }
    assert routes == set(spec["paths"])
    assert spec["servers"] == [{"url": f"{BASE}/api/v1"}]


def test_every_route_answers_what_its_schema_says(live_server, spec, history):
    checked = 0
    for path, operations in spec["paths"].items():
        responses = operations["get"]["responses"]
        if "content" not in responses["200"]:
            continue
        concrete = path.format(**EXAMPLES)
        ok = response_validator(spec, schema_of(spec, path, "200"))
        # Follow every page at a small page size: each page is checked, not only the first.
        url, pages = f"{live_server}/api/v1{concrete}?limit=2", 0
        while url:
            answer = fetch(url)
            assert answer.status == 200, url
            assert answer.headers["Content-Type"] == "application/json"
            body = json.loads(answer.body)
            errors = sorted(ok.iter_errors(body), key=str)
            assert not errors, f"{url}: {errors[0]}"
            pages += 1
            url = body.get("next") and body["next"].replace(BASE, live_server)
            if url:
                assert answer.headers["Link"] == f'<{body["next"]}>; rel="next"'
            assert pages < 100
        checked += 1
        if "400" in responses:
            bad = fetch(f"{live_server}/api/v1{concrete}?limit=0")
            assert bad.status == 400
            response_validator(spec, schema_of(spec, path, "400")).validate(json.loads(bad.body))
        if "404" in responses:
            absent = path.format(number="77", slug="nope")
            absent += "?text=nope" if path == "/items" else ""
            missing = fetch(f"{live_server}/api/v1{absent}")
            assert missing.status == 404
            response_validator(spec, schema_of(spec, path, "404")).validate(
                json.loads(missing.body)
            )
    assert checked == 6


def test_a_response_that_breaks_its_schema_is_caught(spec, client):
    body = client.get("/api/v1/items/9.2.1").get_json()
    validator = response_validator(spec, schema_of(spec, "/items/{number}", "200"))
    assert not list(validator.iter_errors(body))
    for broken in ({**body, "extra": 1}, {**body, "status": "done"}, {**body, "url": None}):
        assert list(validator.iter_errors(broken))


def pages(client, url: str, key: str) -> list[list]:
    found = []
    while url:
        body = client.get(url).get_json()
        found.append(body[key])
        url = body["next"] and body["next"].removeprefix(BASE)
    return found


def test_lists_page_the_same_way_and_pages_add_up(client, history):
    every = client.get("/api/v1/items?limit=500").get_json()
    assert every["next"] is None and len(every["items"]) == 28
    paged = pages(client, "/api/v1/items?limit=5", "items")
    assert [len(p) for p in paged] == [5, 5, 5, 5, 5, 3]
    assert [i for page in paged for i in page] == every["items"]

    history_pages = pages(client, "/api/v1/items/9.2.1?limit=1", "history")
    assert [[c["to"] for c in page] for page in history_pages] == [
        ["implemented"], ["partially_implemented"], ["in_progress"]
    ]
    assert history_pages == [client.get("/api/v1/items/9.2.1").get_json()["history"][i:i + 1]
                             for i in range(3)]

    treaties = pages(client, "/api/v1/treaties?limit=4", "treaties")
    slugs = [t["slug"] for page in treaties for t in page]
    assert slugs == [t["slug"] for t in client.get("/api/v1/treaties").get_json()["treaties"]]
    assert len(slugs) == len(set(slugs)) == 13

    events = pages(client, "/api/v1/events?limit=2", "events")
    ids = [e["id"] for page in events for e in page]
    assert ids == sorted(ids) and len(ids) == len(set(ids)) >= 4
    last = client.get(f"/api/v1/events?after={ids[-1]}").get_json()
    assert last == {"events": [], "next_after": ids[-1], "next": None}


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=501", "limit=x", "limit=²", "after=-1", "after=x", "after=٣",
              f"after={2**31}", f"after={10**30}"]
)
def test_bad_paging_is_a_400(client, query):
    answer = client.get(f"/api/v1/items/9.2.1?{query}")
    assert answer.status_code == 400 and "error" in answer.get_json()


def test_unknown_cursor_is_a_400(client):
    assert client.get("/api/v1/items?after=77").status_code == 400
    assert client.get("/api/v1/items?after=res-2616/77").status_code == 400
    assert client.get("/api/v1/items?after=res-2616/9.2").status_code == 200
    assert client.get("/api/v1/treaties?after=nope").status_code == 400


def test_treaties_with_state_invitation_items_and_evidence(client, history):
    listed = {t["slug"]: t for t in client.get("/api/v1/treaties").get_json()["treaties"]}
    cets_210 = listed["cets-210"]
    assert cets_210["reference"] == "CETS 210" and cets_210["state"] == "signed"
    assert cets_210["dates"]["signed_on"] == "2026-01-10"
    assert cets_210["invitation"]["lapses_on"] == "2025-04-22"
    assert {"text_slug": "res-2616", "number": "9.2.1",
            "url": f"{BASE}/texts/res-2616/9.2.1"} in cets_210["items"]
    assert cets_210["url"] == f"{BASE}/treaties/cets-210"
    ets_030 = listed["ets-030"]
    assert ets_030["shown_state"] == "invited" and ets_030["invitation"]["lapsed"] is False

    detail = client.get("/api/v1/treaties/cets-210").get_json()
    newest = detail["history"][0]
    assert (newest["from"], newest["to"], newest["origin"]) == ("not_signed", "signed", "poll")
    assert newest["to_dates"]["signed_on"] == "2026-01-10"
    assert newest["evidence_url"].startswith(f"{BASE}/evidence/")
    evidence = newest["evidence_url"].removeprefix(BASE)
    assert client.get(evidence).status_code == 200
    assert detail["history"][-1]["origin"] == "seed"


def test_the_api_page_is_readable_and_self_contained(client, spec):
    page = client.get("/api/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    for path in spec["paths"]:
        assert f"GET {path}" in html
    for name in spec["components"]["schemas"]:
        assert f'id="schema-{name}"' in html
    assert "<script" not in html and 'src="http' not in html and "@import" not in html
