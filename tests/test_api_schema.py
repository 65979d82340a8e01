"""The API's description (archive/openapi.json, served at /api/) says what every endpoint really
answers: real answers of each endpoint are checked against its schemas, which forbid any field
they do not name, and every address under /api/ in the URLconf is described."""

import json
import re
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.utils import FOREIGN_MINISTERS_2017, KYRGYZ, TOKYO_DECLARATION, TURKMENISTAN

pytestmark = pytest.mark.django_db

DESCRIPTION_FILE = Path(__file__).resolve().parent.parent / "archive" / "openapi.json"
DESCRIPTION = json.loads(DESCRIPTION_FILE.read_text(encoding="utf-8"))
SCHEMAS = DESCRIPTION["components"]["schemas"]
BASE = "urn:caj-archive:openapi"
# OpenAPI 3.1 schemas are JSON Schema 2020-12: the whole description is one resource, so a
# schema's "#/components/schemas/…" resolves inside it.
REGISTRY = Registry().with_resource(BASE, Resource(contents=DESCRIPTION, specification=DRAFT202012))
FORMATS = Draft202012Validator.FORMAT_CHECKER  # checks "date"


def problems(instance, schema_name: str) -> list[str]:
    validator = Draft202012Validator(
        {"$ref": f"{BASE}#/components/schemas/{schema_name}"},
        registry=REGISTRY,
        format_checker=FORMATS,
    )
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
        for error in validator.iter_errors(instance)
    ]


def assert_valid(instance, schema_name: str):
    found = problems(instance, schema_name)
    assert found == [], f"answer does not match {schema_name}:\n" + "\n".join(found[:20])


def operation(path: str) -> dict:
    return DESCRIPTION["paths"][path]["get"]


def response_schema(path: str, status: int) -> str:
    """The component schema the description names for `status` at `path` (KeyError: the
    description does not say this status occurs there)."""
    content = operation(path)["responses"][str(status)]["content"]
    return content["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]


def get_checked(client, path: str, url: str, status: int = 200, **params):
    """GET `url`, expect `status`, check its JSON against what `path`'s description says."""
    response = client.get(url, params)
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert_valid(body, response_schema(path, status))
    return body


# -- the description itself --------------------------------------------------------------------


def _walk(node, where=""):
    """Every (JSON pointer, dict) in the description."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from _walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from _walk(value, f"{where}/{n}")


def _resolve(pointer: str):
    node = DESCRIPTION
    for part in pointer.removeprefix("#/").split("/"):
        node = node[part]
    return node


def test_the_description_is_openapi_3_1_and_its_schemas_are_json_schema_2020_12():
    assert DESCRIPTION["openapi"].startswith("3.1")
    assert DESCRIPTION["info"]["title"] and DESCRIPTION["info"]["description"]
    for name, schema in SCHEMAS.items():
        Draft202012Validator.check_schema(schema)  # raises on a malformed schema
        assert schema.get("description"), f"{name} has no description"
    for where, node in _walk(DESCRIPTION):
        if "$ref" in node:
            assert node["$ref"].startswith("#/components/"), where
            _resolve(node["$ref"])  # KeyError: a reference to nothing


def test_every_field_is_described_and_no_undocumented_field_is_allowed():
    for where, node in _walk(SCHEMAS, "#/components/schemas"):
        if node.get("type") != "object" and "object" not in (node.get("type") or []):
            continue
        if where.startswith("#/components/schemas/OpenAPIDescription/"):
            continue  # the parts of an OpenAPI document are the specification's to define
        assert "additionalProperties" in node, f"{where} does not say what else it may hold"
        extra = node["additionalProperties"]
        assert extra is False or isinstance(extra, dict), f"{where} allows any field"
        properties = node.get("properties", {})
        for field, schema in properties.items():
            target = _resolve(schema["$ref"]) if "$ref" in schema else schema
            assert schema.get("description") or target.get("description"), (
                f"{where}/properties/{field} has no description"
            )
        # A record always has every field it names (Facets: only once something matched).
        if properties and where != "#/components/schemas/Facets":
            assert set(node.get("required", [])) == set(properties), where


def test_every_parameter_and_response_is_described():
    for path, item in DESCRIPTION["paths"].items():
        for method, op in item.items():
            assert method == "get", f"{path}: {method}"
            assert op["summary"] and op["description"] and op["operationId"], path
            for parameter in op.get("parameters", []):
                if "$ref" in parameter:
                    parameter = _resolve(parameter["$ref"])
                assert parameter["description"] and parameter["schema"], (path, parameter)
                Draft202012Validator.check_schema(parameter["schema"])
                if parameter["in"] == "path":
                    assert "{" + parameter["name"] + "}" in path
            for status, response in op["responses"].items():
                assert status in {"200", "400", "404", "500", "503"}, (path, status)
                assert response["description"], (path, status)
                assert "application/json" in response["content"], (path, status)


def _api_routes(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _api_routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and route.startswith("api/"):
            yield route


def openapi_path(route: str) -> str:
    """Django's "api/documents/<slug:slug>/" as OpenAPI writes it: "/api/documents/{slug}/"."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def test_every_address_under_api_in_the_urlconf_is_described_and_nothing_else():
    routes = {openapi_path(route) for route in _api_routes(get_resolver().url_patterns)}
    assert "/api/documents/{slug}/{language}/" in routes and "/api/search" in routes
    undocumented = routes - set(DESCRIPTION["paths"])
    assert not undocumented, f"describe these in archive/openapi.json: {sorted(undocumented)}"
    assert set(DESCRIPTION["paths"]) == routes  # and no description of an address that is gone


def test_api_serves_its_description_as_json(client):
    response = client.get("/api/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"  # a browser shows it
    body = response.json()
    assert body == DESCRIPTION
    assert body["openapi"].startswith("3.1")
    assert "仮訳" in response.content.decode()  # characters, not \u escapes
    assert_valid(body, response_schema("/api/", 200))


# -- real answers ------------------------------------------------------------------------------


def test_the_list_of_texts_matches_its_schema(client, seeded):
    body = get_checked(client, "/api/documents/", "/api/documents/")
    assert len(body["texts"]) == 4
    for text in body["texts"]:
        assert_valid(text, "Text")


@pytest.mark.parametrize("slug", [TURKMENISTAN, TOKYO_DECLARATION, KYRGYZ, FOREIGN_MINISTERS_2017])
def test_each_text_matches_its_schema(client, seeded, slug):
    body = get_checked(client, "/api/documents/{slug}/", f"/api/documents/{slug}/")
    assert body["slug"] == slug


def test_every_version_of_the_fixtures_matches_its_schema(client, seeded):
    texts = client.get("/api/documents/").json()["texts"]
    versions = [version for text in texts for version in text["versions"]]
    assert len(versions) == 5  # one per fixture file
    for version in versions:
        body = get_checked(client, "/api/documents/{slug}/{language}/", version["api_url"])
        assert body["language"] == version["language"] and body["clauses"]
        # The reading page's download is the same object.
        download = client.get(version["url"].rstrip("/") + ".json")
        assert download.status_code == 200 and download.json() == body


def test_a_version_with_sections_signatories_and_a_translation_link_has_them_all(client, seeded):
    tokyo = get_checked(
        client, "/api/documents/{slug}/{language}/", f"/api/documents/{TOKYO_DECLARATION}/ja/"
    )
    assert tokyo["sections"][1]["parent"] == 0 and tokyo["is_provisional"] is True
    statement = get_checked(
        client,
        "/api/documents/{slug}/{language}/",
        f"/api/documents/{FOREIGN_MINISTERS_2017}/ja/",
    )
    assert statement["signatories"] and statement["subtitle"]
    turkmenistan = get_checked(
        client, "/api/documents/{slug}/{language}/", f"/api/documents/{TURKMENISTAN}/ja/"
    )
    assert turkmenistan["translation_of"] == "en" and turkmenistan["other_versions"] == ["en"]


SEARCHES = {
    "english word": {"q": "GOSAT"},
    "japanese word": {"q": "温室効果ガス"},
    "japanese inside longer words": {"q": "協力"},
    "page 2": {"q": "協力", "page": "2"},
    "filters together": {"q": "協力", "lang": "ja", "country": "KZ", "kind": "declaration"},
    "year and series": {"q": "協力", "year": "2017", "series": "Bilateral summit meetings"},
    "one text": {"q": "GOSAT", "doc": TURKMENISTAN},
    "language filter": {"q": "GOSAT", "lang": "en"},
    "newest first": {"q": "協力", "sort": "date"},
    "oldest first": {"q": "energy", "sort": "oldest"},
    "phrase and OR": {"q": '"energy transition" OR 脱炭素'},
    "exclusion": {"q": "GOSAT -衛星"},
    "repaired query": {"q": '"GOSAT'},
    "nothing found": {"q": "xyzzyqwv"},
    "no query": {},
    "past the last page": {"q": "GOSAT", "page": "7"},
}


@pytest.mark.parametrize("params", SEARCHES.values(), ids=SEARCHES.keys())
def test_search_answers_match_their_schema(client, seeded, params):
    body = get_checked(client, "/api/search", "/api/search", **params)
    assert body["page"] == int(params.get("page", 1))
    assert len(body["hits"]) == min(20, max(0, body["total"] - (body["page"] - 1) * 20))


def test_searches_exercise_every_field_of_a_hit(client, seeded):
    """The schema checks above mean something only if the answers had hits and facets."""
    body = client.get("/api/search", {"q": "協力", "page": "2"}).json()
    assert body["total"] > 20 and body["pages"] >= 2 and len(body["hits"]) == 20
    assert set(body["facets"]) == {"language", "year", "kind", "series", "country"}
    assert body["facets"]["country"]["KZ"] > 0
    filtered = client.get("/api/search", {"q": "協力", "country": "KZ", "kind": "declaration"})
    assert set(filtered.json()["facets"]["kind"]) == {"declaration"}
    hit = client.get("/api/search", {"q": "GOSAT", "lang": "en"}).json()["hits"][0]
    assert hit["section"] and hit["matches"] and hit["score"] > 0
    assert client.get("/api/search", {"q": '"GOSAT'}).json()["notices"]


ERRORS = [
    ("/api/search", "/api/search", 400, {"q": "GOSAT", "lang": "xx"}),
    ("/api/search", "/api/search", 400, {"q": "GOSAT", "year": "0"}),
    ("/api/search", "/api/search", 400, {"q": "GOSAT", "year": "２０２５"}),
    ("/api/search", "/api/search", 400, {"q": "GOSAT", "kind": "Joint Statement"}),
    ("/api/search", "/api/search", 400, {"q": "GOSAT", "country": "kz"}),
    ("/api/search", "/api/search", 400, {"q": "GOSAT", "doc": "not a slug"}),
    ("/api/search", "/api/search", 400, {"q": "GOSAT", "sort": "best"}),
    ("/api/search", "/api/search", 400, {"q": "GOSAT", "page": "0"}),
    ("/api/search", "/api/search", 400, {"q": "GOSAT", "page": "1001"}),
    ("/api/search", "/api/search", 400, {"q": "GOSAT", "series": "x" * 201}),
    ("/api/search", "/api/search", 400, {"lang": "xx", "page": "x"}),
    ("/api/documents/{slug}/", "/api/documents/no-such-text/", 404, {}),
    ("/api/documents/{slug}/{language}/", "/api/documents/no-such-text/ja/", 404, {}),
    ("/api/documents/{slug}/{language}/", f"/api/documents/{TURKMENISTAN}/ru/", 404, {}),
    ("/api/documents/{slug}/{language}/", f"/api/documents/{KYRGYZ}/en/", 404, {}),
]


@pytest.mark.parametrize(("path", "url", "status", "params"), ERRORS)
def test_errors_are_the_documented_error_object(client, seeded, path, url, status, params):
    body = get_checked(client, path, url, status, **params)
    assert body["status"] == status


def test_an_address_under_api_that_is_none_of_them_is_an_error_object_too(client, seeded):
    response = client.get("/api/nothing/here/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert_valid(response.json(), "Error")


def test_a_missing_index_is_the_documented_503(client, seeded, tmp_path):
    missing = {"ENGINE": "search.backend.ArchiveWhooshEngine", "PATH": str(tmp_path / "no")}
    with override_settings(HAYSTACK_CONNECTIONS={"default": missing}):
        body = get_checked(client, "/api/search", "/api/search", 503, q="GOSAT")
    assert body["status"] == 503 and "make index" in body["error"]


def test_an_unexpected_failure_is_the_documented_500(client, seeded, monkeypatch):
    def broken(request):
        raise RuntimeError("boom")

    monkeypatch.setattr("search.views.search", broken)
    body = get_checked(client, "/api/search", "/api/search", 500, q="GOSAT")
    assert body["status"] == 500 and "boom" not in body["error"]


def test_an_undocumented_field_fails_the_check():
    """The schemas would catch a field added to an answer without its description."""
    error = {"error": "No text 'x'.", "status": 404}
    assert problems(error, "Error") == []
    assert problems({**error, "detail": "more"}, "Error")
    assert problems({"error": "x"}, "Error")  # and a field that went missing


# -- recurring language and term history -------------------------------------------------------

RECURRING = "/api/documents/{slug}/{language}/{label}/recurring"
TREND = "/api/search/trend"


@pytest.mark.parametrize(
    ("slug", "language", "label"),
    [(TURKMENISTAN, "ja", "15"), (TOKYO_DECLARATION, "ja", "17"), (TURKMENISTAN, "en", "2")],
)
def test_recurring_answers_match_their_schema(client, seeded, slug, language, label):
    body = get_checked(client, RECURRING, f"/api/documents/{slug}/{language}/{label}/recurring")
    assert body["total"] == len(body["recurring"])


def test_recurring_errors_are_the_documented_error_object(client, seeded):
    get_checked(client, RECURRING, f"/api/documents/{TURKMENISTAN}/ja/999/recurring", 404)
    get_checked(client, RECURRING, "/api/documents/nothing/ja/1/recurring", 404)


@pytest.mark.parametrize(
    "params",
    [
        {"q": "GOSAT"},
        {"q": "温室効果ガス, connectivity, テロ"},
        {"q": "協力", "lang": "ja", "year": "2025"},
        {"q": '"unbalanced'},
        {"q": "nothing-matches-this"},
    ],
)
def test_term_history_answers_match_their_schema(client, seeded, params):
    body = get_checked(client, TREND, TREND, **params)
    years = [y["year"] for y in body["clauses_per_year"]]
    assert all([y["year"] for y in t["years"]] == years for t in body["terms"])


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "GOSAT", "lang": "xx"}])
def test_term_history_errors_are_the_documented_error_object(client, seeded, params):
    get_checked(client, TREND, TREND, 400, **params)


CONCORDANCE = "/api/concordance"


@pytest.mark.parametrize(
    "params",
    [
        {"q": "energy", "parallel": "on"},
        {"q": "協力", "sort": "R2", "page": "2"},
        {"q": "協力", "doc": "2025-japan-kyrgyz-joint-statement", "parallel": "true"},
        {"q": "GOSAT", "lang": "en", "sort": "date"},
        {"q": "nothing-matches-this"},
        {"q": "GOSAT", "page": "9"},
    ],
)
def test_concordance_answers_match_their_schema(client, seeded, params):
    body = get_checked(client, CONCORDANCE, CONCORDANCE, **params)
    assert body["page"] == int(params.get("page", 1))


def test_concordance_answers_exercise_every_field_of_a_line(client, seeded):
    line = client.get(CONCORDANCE, {"q": "energy", "parallel": "on"}).json()["lines"][0]
    assert all(line.values()) and line["aligned"][0]["text"]


@pytest.mark.parametrize(
    "params", [{}, {"q": ""}, {"q": "GOSAT", "sort": "relevance"}, {"q": "x", "parallel": "1"}]
)
def test_concordance_errors_are_the_documented_error_object(client, seeded, params):
    get_checked(client, CONCORDANCE, CONCORDANCE, 400, **params)


TERMS = "/api/terms/equivalents"


@pytest.mark.parametrize(
    "params",
    [
        {"q": "energy"},
        {"q": "法の支配"},
        {"q": "terrorism"},
        {"q": "penguin"},
        {"q": "協力", "year": "2025", "kind": "joint-press-release"},
    ],
)
def test_equivalents_answers_match_their_schema(client, seeded, params):
    get_checked(client, TERMS, TERMS, **params)


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "energy", "year": "0"}])
def test_equivalents_errors_are_the_documented_error_object(client, seeded, params):
    get_checked(client, TERMS, TERMS, 400, **params)


DISTINCTIVE = "/api/distinctive"


@pytest.mark.parametrize(
    "params",
    [
        {"lang": "ja", "text": "2017-caj-6th-foreign-ministers-joint-statement"},
        {"lang": "ja", "year": "2025", "kind": "joint-statement"},
        {"lang": "en", "country": "TM"},
        {"lang": "ja", "series": "Bilateral summit meetings"},
        {"lang": "ja"},
    ],
)
def test_distinctive_answers_match_their_schema(client, seeded, params):
    get_checked(client, DISTINCTIVE, DISTINCTIVE, **params)


@pytest.mark.parametrize(
    ("params", "status"),
    [({"lang": "en", "year": "0"}, 400), ({"text": "no-such-text"}, 404)],
)
def test_distinctive_errors_are_the_documented_error_object(client, seeded, params, status):
    get_checked(client, DISTINCTIVE, DISTINCTIVE, status, **params)


# -- the facets, declared once ----------------------------------------------------------------

FACET_SAMPLES = [
    "ja", "en", "ru", "xx", "JA", "2025", "0000", "0", "２０２５", "10000", "KZ", "kz", "KAZ",
    "joint-statement", "declaration", "Joint Statement", "bogus-kind", "Bilateral summit meetings",
    "x" * 201, "",
]  # fmt: skip


@pytest.mark.parametrize(
    "path", ["/api/search", "/api/search/trend", "/api/concordance", "/api/distinctive"]
)
def test_the_api_describes_each_facet_parameter_as_archive_facets_declares_it(path):
    """Each facet's parameter accepts, in the description, exactly the values the facet does
    (archive/facets.py), and the empty value that means no filter, so the API's 400s and its
    description cannot drift apart."""
    from archive.facets import FACETS

    parameters = {p["name"]: p for p in operation(path)["parameters"] if "name" in p}
    for facet in FACETS:
        schema = Draft202012Validator(parameters[facet.param]["schema"])
        described = [value for value in FACET_SAMPLES if schema.is_valid(value)]
        accepted = [value for value in FACET_SAMPLES if value == "" or facet.accepts(value)]
        assert described == accepted, facet.param


def test_the_search_index_holds_a_keyword_field_for_each_facet():
    from archive.facets import FACETS
    from search.search_indexes import ClauseIndex

    fields = ClauseIndex.fields
    assert all(fields[facet.name].is_multivalued for facet in FACETS)


def test_a_client_walks_the_links_from_the_list_to_every_endpoint_of_a_text(client, seeded):
    """From /api/documents/ to a text, a version and a clause's recurring language, by the
    description's links alone, each answer checked against its schema."""
    operations = {
        op["operationId"]: (path, op)
        for path, methods in DESCRIPTION["paths"].items()
        for op in methods.values()
    }
    path, reached = "/api/documents/", []
    answer = client.get(path).json()
    while links := operations_links(path):
        (name, link), *_ = links.items()
        target, _operation = operations[link["operationId"]]
        url = target
        for parameter, expression in link["parameters"].items():
            value = answer
            for step in expression.removeprefix("$response.body#/").split("/"):
                value = value[int(step)] if isinstance(value, list) else value[step]
            url = url.replace("{" + parameter + "}", str(value))
        answer = get_checked(client, target, url)
        path = target
        reached.append(link["operationId"])
    assert reached == ["getText", "getVersion", "getClauseRecurring"]


def operations_links(path: str) -> dict:
    return DESCRIPTION["paths"][path]["get"]["responses"]["200"].get("links", {})
