"""Marketplace URLs at their full paths; /marketplace/ itself is MarketplaceIndexPage."""

from django.urls import path

# Registers the <id:...> converter the patterns below use.
from config import converters  # noqa: F401
from marketplace import views

app_name = "marketplace"

urlpatterns = [
    path("marketplace/services/<slug:slug>/", views.service_detail, name="service_detail"),
    path("marketplace/services/<slug:slug>/review/", views.review_form, name="review_form"),
    path("marketplace/reviews/<id:pk>/reply/", views.review_reply, name="review_reply"),
    path("marketplace/reviews/<id:pk>/remove/", views.review_remove, name="review_remove"),
    path("marketplace/reviews/<id:pk>/report/", views.review_report, name="review_report"),
    path("marketplace/reviews/<id:pk>/keep/", views.review_keep, name="review_keep"),
    path("marketplace/shortlist/", views.shortlist, name="shortlist"),
    path("marketplace/shortlist/add/", views.shortlist_add, name="shortlist_add"),
    path("marketplace/shortlist/remove/", views.shortlist_remove, name="shortlist_remove"),
    path("marketplace/compare/", views.compare, name="compare"),
    path("marketplace/compare/export.csv", views.compare_csv, name="compare_csv"),
    path("marketplace/compare/print/", views.compare_print, name="compare_print"),
    path("marketplace/provider/", views.provider_dashboard, name="provider_dashboard"),
    path(
        "marketplace/provider/<id:provider_pk>/services/new/",
        views.service_create,
        name="service_create",
    ),
    path("marketplace/provider/services/<slug:slug>/edit/", views.service_edit, name="service_edit"),
    path("marketplace/provider/services/<slug:slug>/withdraw/", views.service_withdraw, name="service_withdraw"),
    path("marketplace/moderation/", views.moderation_queue, name="moderation_queue"),
    path("marketplace/moderation/<id:pk>/", views.moderation_decide, name="moderation_decide"),
]
