from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import Organisation, OrganisationDomain, OrganisationMembership, Profile, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "organisation", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    autocomplete_fields = ["organisation"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Personal info", {"fields": ["first_name", "last_name", "organisation"]}),
        (
            "Permissions",
            {
                "fields": [
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ]
            },
        ),
        ("Important dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


class OrganisationDomainInline(admin.TabularInline):
    model = OrganisationDomain
    extra = 1


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "ons_code", "tier", "parent", "abolished_on", "successor"]
    list_filter = ["kind", "tier", ("abolished_on", admin.EmptyFieldListFilter)]
    search_fields = ["name", "ons_code", "domains__domain"]
    autocomplete_fields = ["parent", "successor"]
    inlines = [OrganisationDomainInline]


@admin.register(OrganisationMembership)
class OrganisationMembershipAdmin(admin.ModelAdmin):
    """Site administrators grant organisation administrators here (`is_admin`)."""

    list_display = ["user", "organisation", "status", "is_admin", "decided_at"]
    list_filter = ["status", "is_admin"]
    search_fields = ["user__email", "organisation__name"]
    raw_id_fields = ["user", "organisation", "decided_by"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "job_title", "sector"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "job_title"]
    raw_id_fields = ["user"]
