"""Reading pages render every clause of every seed text, in a constant number of queries."""

import pytest

from archive.models import Document

pytestmark = pytest.mark.django_db


def test_every_seed_document_renders_every_clause(client, seeded):
    for document in Document.objects.select_related("work"):
        html = client.get(document.get_absolute_url()).content.decode()
        for clause in document.clauses.all():
            assert f'id="{clause.anchor}"' in html
            for paragraph in clause.paragraphs:
                assert paragraph.replace("「", "").replace("」", "")[:20] in html.replace(
                    "「", ""
                ).replace("」", "")


def test_document_list_links_to_every_version(client, seeded):
    html = client.get("/documents/").content.decode()
    for document in Document.objects.select_related("work"):
        assert document.get_absolute_url() in html


def test_document_page_query_count_does_not_grow_with_clauses(
    client, seeded, django_assert_max_num_queries
):
    for document in Document.objects.select_related("work"):
        with django_assert_max_num_queries(6):
            assert client.get(document.get_absolute_url()).status_code == 200


def test_unknown_document_is_a_404_page(client, seeded):
    assert client.get("/documents/no-such-text/ja/").status_code == 404
