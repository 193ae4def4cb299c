"""Good practice library: a case study and a filtered index, uncached and from the anonymous
page cache, each as a ratio to the bare Django view measured in the same run.

Goals (issue 3, acceptance 5): a cached anonymous page at 0.7 or more of the bare view's
throughput; an uncached case study under 12 SQL queries.
"""

from bench.common import (
    bare,
    bare_view_timing,
    client_get,
    print_ratio,
    setup_django,
    time_requests,
)

FILTERED_INDEX = "/good-practice/?service_area=housing&sort=useful"


def _ensure_data() -> str:
    """Demo councils, people and case studies; tops the most discussed one up to 30 comments."""
    from django_comments_xtd.models import XtdComment

    from django.contrib.sites.models import Site

    from accounts import demo as accounts_demo
    from accounts.models import User
    from accounts.services import councils_load_from_ons
    from hub import demo as hub_demo
    from hub.selectors import case_study_queryset

    quiet = lambda message: None  # noqa: E731
    councils_load_from_ons()
    accounts_demo.seed(options={"people": 60}, log=quiet)
    hub_demo.seed(options={}, log=quiet)
    page = case_study_queryset().order_by("-comment_count", "pk").first()
    people = list(User.objects.filter(email__endswith=".example")[:10])
    for number in range(30 - page.comment_count):
        author = people[number % len(people)]
        XtdComment(
            content_object=page,
            site=Site.objects.get_current(),
            user=author,
            user_name=str(author)[:50],
            user_email=author.email,
            comment=f"Benchmark comment {number}: how did you **measure** that?",
        ).save()
    return page.url


def main(argv: list[str]) -> None:
    setup_django()
    from django.test import Client

    from hub import cache

    case_study_url = _ensure_data()
    client = Client()
    fetch_case_study = client_get(client, case_study_url)
    fetch_index = client_get(client, FILTERED_INDEX)

    def uncached(fetch):
        def run():
            cache.bump()  # every request renders afresh, as the first visit after a change does
            return fetch()

        return run

    baseline = bare_view_timing(client)
    case_uncached = time_requests(
        "case study, 30 comments (uncached)", uncached(fetch_case_study), baseline=bare(client)
    )
    case_cached = time_requests("case study, 30 comments (anonymous cache)", fetch_case_study, baseline=bare(client))
    index_uncached = time_requests("filtered index, 20/page (uncached)", uncached(fetch_index), baseline=bare(client))
    index_cached = time_requests("filtered index, 20/page (anonymous cache)", fetch_index, baseline=bare(client))
    for timing in (baseline, case_uncached, case_cached, index_uncached, index_cached):
        print(timing.line())
    print_ratio("case study uncached", case_uncached, baseline)
    print_ratio("case study cached", case_cached, baseline, goal=">= 0.7")
    print_ratio("filtered index uncached", index_uncached, baseline)
    print_ratio("filtered index cached", index_cached, baseline, goal=">= 0.7")
    verdict = "meets" if case_uncached.queries < 12 else "MISSES"
    print(f"  uncached case study: {case_uncached.queries} SQL queries ({verdict} the goal: under 12)")
