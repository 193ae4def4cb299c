"""The demo library: enough varied case studies to try every filter, and safe to seed twice."""

import re

import pytest
from django_comments_xtd.models import XtdComment

from accounts import demo as accounts_demo
from accounts.services import councils_load_from_ons
from hub import demo as hub_demo
from hub.models import GoodPracticePage, UsefulVote


def total(client, url: str) -> int:
    html = client.get(url).content.decode()
    return int(re.search(r'id="results-heading"[^>]*>\s*(\d+) case stud', html).group(1))


@pytest.mark.django_db
def test_demo_library_is_varied_filters_count_correctly_and_seeding_twice_adds_nothing(client, library):
    councils_load_from_ons()
    accounts_demo.seed(options={"people": 20}, log=lambda message: None)
    hub_demo.seed(options={}, log=lambda message: None)

    live = GoodPracticePage.objects.live()
    assert live.count() >= 60
    assert live.values("service_area").distinct().count() >= 14
    assert live.values("organisations").distinct().count() >= 20
    assert XtdComment.objects.count() > 60 and UsefulVote.objects.count() > 60
    assert total(client, "/good-practice/") == live.count()

    # Every service area's count is what filtering by it shows, alone and with a tier chosen.
    html = client.get("/good-practice/?tier=district").content.decode()
    select = html.split('id="filter-service-area"', 1)[1].split("</select>", 1)[0]
    options = re.findall(r'<option value="([\w-]+)"[^>]*>[^<]*\((\d+)\)</option>', select)
    assert len(options) >= 14
    for slug, count in options[:3]:
        assert total(client, f"/good-practice/?tier=district&service_area={slug}") == int(count)

    before = (GoodPracticePage.objects.count(), XtdComment.objects.count(), UsefulVote.objects.count())
    hub_demo.seed(options={}, log=lambda message: None)
    assert (GoodPracticePage.objects.count(), XtdComment.objects.count(), UsefulVote.objects.count()) == before
