"""The sector data's part of the robustness walk (see tests/security/walker.py `walk_plugins`)."""

from tests.security.walker import Route

PAGINATED = ("page", "page_size")
GROUP = ("group", "weights")
GROUP_FORM = ("benchmarking.forms.GroupForm",)

ROUTES = {
    "data/": Route(query=("council",)),
    "data/metrics/<code>/": Route(
        path={"code": "data.metric.code"}, query=("period",), forms=("benchmarking.forms.PeriodForm",)
    ),
    "data/metrics/<code>/download.csv": Route(
        path={"code": "data.metric.code"}, query=("period",), forms=("benchmarking.forms.PeriodForm",)
    ),
    "data/councils/<code>/": Route(path={"code": "data.area.code"}, query=GROUP, forms=GROUP_FORM),
    "data/councils/<code>/download.csv": Route(path={"code": "data.area.code"}, query=GROUP, forms=GROUP_FORM),
    "data/councils/<code>/<metric_code>/": Route(
        path={"code": "data.area.code", "metric_code": "data.metric.code"}, query=GROUP, forms=GROUP_FORM
    ),
    "data/councils/<code>/<metric_code>/chart.svg": Route(
        path={"code": "data.area.code", "metric_code": "data.metric.code"}, query=GROUP, forms=GROUP_FORM
    ),
    "data/lodge/": Route(roles=("data_officer",), forms=("benchmarking.forms.UploadForm",), query=("file",)),
    "data/lodge/<pk>/": Route(path={"pk": "data.upload.id"}, roles=("data_officer",)),
    "data/lodge/<pk>/confirm/": Route(
        path={"pk": "data.upload.id"}, form_page="data.upload.url", roles=("data_officer",)
    ),
    "data/api/": Route(),
    "data/sector-overview/": Route(roles=("sector_overview",)),
    "api/v1/metrics/": Route(query=PAGINATED),
    "api/v1/metrics/<code>/": Route(path={"code": "data.metric.code"}),
    "api/v1/areas/": Route(query=PAGINATED),
    "api/v1/areas/<code>/neighbours/": Route(path={"code": "data.area.code"}, query=PAGINATED),
    "api/v1/periods/": Route(query=PAGINATED),
    "api/v1/values/": Route(query=("metric", "area", "period", "neighbours_of", *PAGINATED)),
    "api/v1/schema/": Route(query=("format", "lang")),
}


def world(*, users) -> dict:
    from django.contrib.auth.models import Group

    from accounts.factories import CouncilFactory, UserFactory
    from benchmarking import services
    from benchmarking.factories import AreaFactory, MetricFactory, PeriodFactory, ValueFactory
    from benchmarking.roles import DATA_OFFICERS_GROUP, SECTOR_OVERVIEW_GROUP

    area = AreaFactory(organisation=CouncilFactory(name="Walk District", ons_code="E07999001", tier="district"))
    other = AreaFactory(organisation=CouncilFactory(name="Other District", ons_code="E07999002", tier="district"))
    context = MetricFactory(code="walk-population", theme="context", value_type="count", neighbour_weight=1)
    metric = MetricFactory(code="walk-recycling", is_core=True)
    for year in (PeriodFactory(code="2022-23"), PeriodFactory(code="2023-24")):
        for place, value in ((area, 40), (other, 50)):
            ValueFactory(metric=metric, area=place, period=year, value=value)
            ValueFactory(metric=context, area=place, period=year, value=value * 1000)
    officer = UserFactory(organisation=area.organisation)
    officer.groups.add(Group.objects.get_or_create(name=DATA_OFFICERS_GROUP)[0])
    overseer = UserFactory()
    overseer.groups.add(Group.objects.get_or_create(name=SECTOR_OVERVIEW_GROUP)[0])
    raw = b"area_code,metric_id,period,value\nE07999001,walk-recycling,2023-24,41\n"
    upload, _checked = services.upload_check(user=officer, filename="walk.csv", raw=raw)
    return {
        "samples": {
            "data.metric.code": metric.code,
            "data.area.code": area.code,
            "data.upload.id": str(upload.pk),
            "data.upload.url": f"/data/lodge/{upload.pk}/",
        },
        "extra": {"data_officer": officer, "sector_overview": overseer},
    }
