"""The public sector data pages, their downloads, and the neighbours contract other features use."""

import csv
import io

import pytest

from django.urls import reverse

from accounts.factories import CouncilFactory
from benchmarking import demo, selectors
from benchmarking.models import Area, Metric, Value

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """40 councils of three kinds with the demo's metrics over 10 years (module-wide: it is slow)."""
    with django_db_blocker.unblock():
        tiers = ["unitary", "district", "county", "london_borough"]
        for n in range(40):
            prefix = {"unitary": "E06", "district": "E07", "county": "E10", "london_borough": "E09"}[tiers[n % 4]]
            CouncilFactory(
                name=f"Council {n:02d}", slug=f"council-{n:02d}", ons_code=f"{prefix}{n:06d}", tier=tiers[n % 4]
            )
        demo.seed(options={}, log=lambda message: None)
        yield
        Value.objects.all().delete()
        Metric.objects.all().delete()
        Area.objects.all().delete()
        from accounts.models import Organisation

        Organisation.objects.filter(slug__startswith="council-").delete()


def _district():
    return Area.objects.filter(tier="district").order_by("code").first()


def test_nearest_neighbours_are_councils_of_the_same_kind_nearest_first(seeded):
    area = _district()
    neighbours = selectors.nearest_neighbours(area.organisation, count=5)
    assert len(neighbours) == 5
    assert {n.organisation.tier for n in neighbours} == {"district"}
    assert [n.rank for n in neighbours] == [1, 2, 3, 4, 5]
    assert [n.distance for n in neighbours] == sorted(n.distance for n in neighbours)
    assert all(0 <= n.distance <= 1 for n in neighbours)
    assert all(n.explanation.startswith("closest on ") for n in neighbours)


def test_latest_value_is_the_latest_published_one(seeded):
    area = _district()
    cell = (
        Value.objects.filter(area=area, metric__code="recycling-rate", value__isnull=False, quality="")
        .order_by("-period__starts_on")
        .first()
    )
    Value.objects.filter(area=area, metric__code="recycling-rate", period__starts_on__gt=cell.period.starts_on).update(
        value=None, quality="suppressed"
    )
    assert selectors.latest_value(area.organisation, "recycling-rate") == cell.value
    assert selectors.latest_value(area.organisation, "no-such-metric") is None


def test_catalogue_council_and_metric_pages_render_and_link_from_the_header(client, seeded):
    response = client.get(reverse("benchmarking:catalogue"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "illustrative demo figures, not official statistics" in page
    assert 'href="/data/"' in page  # the navigation entry
    area = _district()
    response = client.get(reverse("benchmarking:council", args=[area.code]))
    assert response.status_code == 200
    assert len(response.context["matches"]) == 9  # every other district: fewer than 15 here
    assert "Last updated" in response.content.decode()
    assert client.get(reverse("benchmarking:metric", args=["recycling-rate"])).status_code == 200
    chart = client.get(reverse("benchmarking:council_metric", args=[area.code, "recycling-rate"]))
    assert b'role="img"' in chart.content and b"<desc" in chart.content


def test_find_your_council_goes_to_the_council_and_ignores_a_value_that_is_no_area_code(client, seeded):
    area = _district()
    url = reverse("benchmarking:catalogue")
    response = client.get(url, {"council": f" {area.code.lower()} "})
    assert response.status_code == 302
    assert response["Location"] == reverse("benchmarking:council", args=[area.code])
    # A NUL byte (PostgreSQL refuses it in text) or a code of no council: the catalogue again.
    for wanted in (f"{area.code}\x00", "E99999999", "x" * 500):
        assert client.get(url, {"council": wanted}).status_code == 200


def test_the_council_download_matches_the_page(client, seeded):
    area = _district()
    url = reverse("benchmarking:council", args=[area.code])
    page = client.get(url, {"group": "tier"})
    rows = list(
        csv.DictReader(
            line for line in io.StringIO(client.get(url + "download.csv", {"group": "tier"}).content.decode())
        )
    )
    shown = {c.metric.code: c for c, _spine in page.context["rows"]}
    assert len(rows) == len(shown) == 20
    for row in rows:
        comparison = shown[row["metric_id"]]
        decimals = comparison.metric.decimal_places
        assert row["value"] == ("" if comparison.latest is None else f"{comparison.latest:,.{decimals}f}")
        assert row["group_median"] == f"{comparison.summary.median:,.{decimals}f}"
        assert row["status"] == "Illustrative demo figures, not official statistics."
        assert row["rank"] == (f"{comparison.rank[0]} of {comparison.rank[1]}" if comparison.rank else "")


def test_choosing_weights_changes_the_group_on_the_page(client, seeded):
    area = _district()
    url = reverse("benchmarking:council", args=[area.code])
    published = [m.area.pk for m in client.get(url).context["matches"]]
    by_population = [
        m.area.pk
        for m in client.get(
            url,
            {
                "weights": "population:10,population-density:0,aged-65-plus:0,deprivation:0,tax-base-per-head:0,sparsity:0"
            },
        ).context["matches"]
    ]
    assert sorted(published) == sorted(by_population)  # the same pool of all nine other districts...
    assert published != by_population  # ...in another order


def test_provisional_values_are_shown_only_to_the_lodging_council(client, seeded):
    area = _district()
    cell = Value.objects.filter(area=area, value__isnull=False).first()
    Value.objects.filter(pk=cell.pk).update(quality="provisional")
    assert not selectors.visible_values(None).filter(pk=cell.pk).exists()
    Value.objects.filter(pk=cell.pk).update(quality="")


def test_seed_demo_twice_changes_nothing(seeded):
    before = Value.objects.count()
    demo.seed(options={}, log=lambda message: None)
    assert Value.objects.count() == before
    assert Metric.objects.count() == 60
