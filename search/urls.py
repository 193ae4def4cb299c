from django.urls import path

from search import views

app_name = "search"

urlpatterns = [
    path("search/", views.site_search, name="site_search"),
    path("search/suggest/", views.suggest, name="suggest"),
    path("people/<slug:handle>/", views.person_detail, name="person_detail"),
]
