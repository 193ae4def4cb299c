"""The demo data: enough providers, services and reviews to try the marketplace, created once."""

from django.db.models import Count

from accounts import demo as accounts_demo
from accounts.services import councils_load_from_ons
from marketplace import demo
from marketplace.models import Provider, Review, Service


def test_demo_seeds_providers_services_and_varied_reviews_once(db):
    councils_load_from_ons()
    accounts_demo.seed(options={"people": 60}, log=lambda message: None)
    demo.seed(options={}, log=lambda message: None)

    assert Provider.objects.count() >= 40
    published = Service.objects.filter(is_published=True)
    assert published.count() == 150
    assert published.values("category").distinct().count() >= 8
    assert published.values("price_unit").distinct().count() == 5
    assert published.filter(review_count=0).exists()
    assert published.filter(review_count__gte=10).exists()
    assert Review.objects.values("rating_experience").distinct().count() >= 4
    assert not Review.objects.exclude(organisation__kind__in=["council"]).exists()
    assert published.filter(council_offer="free").exists() and published.filter(council_offer="subsidised").exists()
    # Reviews are counted where the listing sorts by them.
    sample = published.filter(review_count__gt=0).first()
    assert sample.review_count == sample.reviews.count()

    before = (Provider.objects.count(), Service.objects.count(), Review.objects.count())
    demo.seed(options={}, log=lambda message: None)
    assert (Provider.objects.count(), Service.objects.count(), Review.objects.count()) == before
    assert not Service.objects.values("slug").annotate(n=Count("id")).filter(n__gt=1).exists()
