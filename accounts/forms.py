from typing import ClassVar

from allauth.account import forms as allauth_forms

from django import forms

from accounts.models import Organisation
from accounts.selectors import organisations_offered


class OrganisationChoiceField(forms.ModelChoiceField):
    """A select of today's organisations, enhanced into an accessible autocomplete by
    static/js/organisation-autocomplete.js (the select still works without JavaScript)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", organisations_offered())
        kwargs.setdefault("widget", forms.Select({"data-organisation-autocomplete": ""}))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Organisation) -> str:
        label = f"{obj.name} ({obj.get_kind_display()})" if not obj.is_council else obj.name
        return f"{label} (abolished {obj.abolished_on:%Y})" if obj.abolished_on else label


class GovukFieldsMixin:
    """GOV.UK forms label every field and never use placeholder text, which allauth adds."""

    relabel: ClassVar[dict[str, str]] = {"email": "Email address", "password2": "Confirm password"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.pop("placeholder", None)
            if name in self.relabel:
                field.label = self.relabel[name]


class LoginForm(GovukFieldsMixin, allauth_forms.LoginForm):
    pass


class AddEmailForm(GovukFieldsMixin, allauth_forms.AddEmailForm):
    pass


class ChangePasswordForm(GovukFieldsMixin, allauth_forms.ChangePasswordForm):
    relabel: ClassVar[dict[str, str]] = {
        "oldpassword": "Current password",
        "password1": "New password",
        "password2": "Confirm new password",
    }


class SetPasswordForm(GovukFieldsMixin, allauth_forms.SetPasswordForm):
    relabel: ClassVar[dict[str, str]] = {"password1": "New password", "password2": "Confirm new password"}


class ResetPasswordForm(GovukFieldsMixin, allauth_forms.ResetPasswordForm):
    pass


class ResetPasswordKeyForm(GovukFieldsMixin, allauth_forms.ResetPasswordKeyForm):
    relabel: ClassVar[dict[str, str]] = {"password1": "New password", "password2": "Confirm new password"}


class SignupForm(GovukFieldsMixin, allauth_forms.SignupForm):
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
        required=False,
        empty_label="Choose your organisation",
        help_text=(
            "Start typing its name. If you sign up with your work email address, you join your organisation "
            "once you confirm it; otherwise its administrators are asked to approve you. Leave this blank if "
            "your organisation is not listed."
        ),
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

    # GOV.UK error messages say what to enter, never "This field is required."
    required_messages: ClassVar[dict[str, str]] = {
        "first_name": "Enter your first name",
        "last_name": "Enter your last name",
        "email": "Enter your email address",
        "password1": "Enter a password",
        "password2": "Enter the password again to confirm it",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, message in self.required_messages.items():
            self.fields[name].error_messages["required"] = message
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.com"
        )


VISIBILITY_LABELS = {
    "email": "Who can see your email address?",
    "job_title": "Who can see your job title?",
    "organisation": "Who can see your organisation?",
    "sector": "Who can see your sector?",
    "bio": "Who can see your biography?",
    "skills": "Who can see your skills?",
    "interests": "Who can see your interests?",
}


class ProfileForm(forms.Form):
    """Everything a person says about themselves on /people/<handle>/, and who may see it."""

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
    job_title = forms.CharField(
        label="Job title",
        max_length=200,
        required=False,
        widget=forms.TextInput({"autocomplete": "organization-title"}),
    )
    organisation = OrganisationChoiceField(
        label="Organisation",
        required=False,
        empty_label="Not given",
        help_text="Start typing its name. Unless your email address is on its domain, its administrators are asked to approve you.",
    )
    sector = forms.ChoiceField(label="Sector", required=False)
    bio = forms.CharField(
        label="About you",
        required=False,
        max_length=4000,
        widget=forms.Textarea({"rows": 6}),
        help_text="What you work on and what you can help others with. You can use Markdown.",
    )
    skills = forms.MultipleChoiceField(
        label="Skills",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose the skills others could ask you about.",
    )
    interests = forms.CharField(
        label="Interests",
        required=False,
        max_length=500,
        help_text="Separate interests with commas, for example: housing, digital inclusion.",
    )
    peer_status = forms.ChoiceField(
        label="Are you a peer for sector peer challenges?",
        widget=forms.RadioSelect,
        required=False,
    )
    peer_areas = forms.MultipleChoiceField(
        label="Peer areas",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only shown if you are a peer.",
    )
    availability = forms.ChoiceField(label="Are you available to help others?", widget=forms.RadioSelect)

    def __init__(self, *args, current: Organisation | None = None, **kwargs):
        """`current`: the person's organisation now, offered even if it has been abolished."""
        from accounts.models import (
            PRIVACY_FIELDS,
            Availability,
            PeerArea,
            PeerStatus,
            Sector,
            Skill,
            Visibility,
        )

        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_offered(keep=current)
        self.fields["sector"].choices = [("", "Not given"), *Sector.choices]
        self.fields["skills"].choices = [(skill.name, skill.name) for skill in Skill.objects.order_by("name")]
        self.fields["peer_status"].choices = PeerStatus.choices
        self.fields["peer_areas"].choices = PeerArea.choices
        self.fields["availability"].choices = Availability.choices
        for field in PRIVACY_FIELDS:
            self.fields[f"{field}_visibility"] = forms.ChoiceField(
                label=VISIBILITY_LABELS[field],
                choices=Visibility.choices,
                widget=forms.RadioSelect,
            )

    def clean_interests(self) -> list[str]:
        words = [word.strip() for word in self.cleaned_data["interests"].split(",")]
        interests = [word for word in words if word]
        if any(len(word) > 100 for word in interests):
            raise forms.ValidationError("Each interest must be 100 characters or fewer")
        if len(interests) > 20:
            raise forms.ValidationError("Enter 20 interests or fewer")
        return interests

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("peer_areas") and not cleaned.get("peer_status"):
            self.add_error(
                "peer_areas",
                "Choose whether you are an officer or councillor peer, or clear the peer areas",
            )
        return cleaned

    @property
    def visibility_fields(self):
        from accounts.models import PRIVACY_FIELDS

        return [self[f"{field}_visibility"] for field in PRIVACY_FIELDS]

    @classmethod
    def initial_for(cls, profile) -> dict:
        from accounts.models import PRIVACY_FIELDS

        user = profile.user
        initial = {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "organisation": user.organisation_id,
            "job_title": profile.job_title,
            "sector": profile.sector,
            "bio": profile.bio,
            "skills": list(profile.skills.names()),
            "interests": ", ".join(sorted(profile.interests.names())),
            "peer_status": profile.peer_status,
            "peer_areas": profile.peer_areas,
            "availability": profile.availability,
        }
        for field in PRIVACY_FIELDS:
            initial[f"{field}_visibility"] = profile.visibility_of(field)
        return initial


class MembershipDecisionForm(forms.Form):
    """One decision on the requests page: which request, and approve or refuse."""

    membership = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("refuse", "Refuse")],
        error_messages={"required": "Choose whether to approve or refuse the request"},
    )
