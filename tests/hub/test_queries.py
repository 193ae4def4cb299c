"""The library's pages cost a fixed number of SQL queries, however many items they show."""

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.factories import UserFactory
from hub import cache
from hub.factories import CommentFactory, UsefulVoteFactory, case_study_create


def queries_for(client, url: str) -> int:
    """Queries of one uncached request, after a first request has warmed Django's own caches."""
    client.get(url)
    cache.bump()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert response.get("X-Library-Cache") != "hit"
    return len(captured.captured_queries)


def add_case_studies(count, area, *, commenters):
    for number in range(count):
        page = case_study_create(title=f"Case study {area.slug} {number}", service_area=area, tags=[f"theme {number}"])
        CommentFactory(content_object=page, user=commenters[number % len(commenters)])
        UsefulVoteFactory(page=page, user=commenters[number % len(commenters)])


@pytest.mark.django_db
def test_index_queries_do_not_grow_with_the_number_of_case_studies(client, library, housing, waste):
    commenters = [UserFactory() for _ in range(3)]
    add_case_studies(2, housing, commenters=commenters)
    small = queries_for(client, "/good-practice/?sort=useful")
    add_case_studies(22, waste, commenters=commenters)
    large = queries_for(client, "/good-practice/?sort=useful&page=1")
    assert large == small
    assert queries_for(client, "/good-practice/?q=case&service_area=waste-and-recycling") <= small + 2


@pytest.mark.django_db
def test_case_study_queries_do_not_grow_with_the_number_of_comments(client, library, housing):
    page = case_study_create(title="Well discussed", service_area=housing, tags=["prevention"])
    other = case_study_create(title="Quiet", service_area=housing, tags=["prevention"])
    people = [UserFactory() for _ in range(5)]
    first = CommentFactory(content_object=page, user=people[0])
    CommentFactory(content_object=other, user=people[1])
    reader = people[4]
    client.force_login(reader)
    few = queries_for(client, page.url)
    for number in range(29):
        parent_id = first.pk if number % 3 == 0 else 0
        CommentFactory(content_object=page, user=people[number % 5], parent_id=parent_id)
    UsefulVoteFactory(page=page, user=people[1])
    many = queries_for(client, page.url)
    assert many == few
    html = client.get(page.url).content.decode()
    assert "Discussion (30)" in html


@pytest.mark.django_db
def test_anonymous_uncached_case_study_takes_under_twelve_queries(client, library, housing):
    page = case_study_create(title="Well discussed", service_area=housing, tags=["prevention"])
    for _ in range(30):
        CommentFactory(content_object=page)
    assert queries_for(client, page.url) < 12
