from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("account/", views.account_overview, name="overview"),
    path("account/profile/", views.profile_edit, name="profile_edit"),
    path("account/organisation-requests/", views.membership_requests, name="membership_requests"),
]
