from allauth.account.forms import SignupForm as AllauthSignupForm

from django import forms

from accounts.models import Organisation


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return (
            f"{obj.name} ({obj.get_kind_display()})" if not obj.is_council else obj.name
        )


class SignupForm(AllauthSignupForm):
    """allauth's sign-up with the details the Hub needs to introduce people to each other."""

    first_name = forms.CharField(
        label="First name",
        max_length=150,
        widget=forms.TextInput({"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=150,
        widget=forms.TextInput({"autocomplete": "family-name"}),
    )
    organisation = OrganisationChoiceField(
        label="Organisation",
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label="Choose your organisation",
        help_text="Leave this blank if your organisation is not listed; you can add it to your profile later.",
    )
    job_title = forms.CharField(
        label="Job title",
        max_length=200,
        required=False,
        widget=forms.TextInput({"autocomplete": "organization-title"}),
    )

    field_order = [
        "first_name",
        "last_name",
        "email",
        "organisation",
        "job_title",
        "password1",
        "password2",
    ]
