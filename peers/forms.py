"""Forms of the peer programme's pages."""

from datetime import date

from django import forms

from accounts.models import PeerArea
from peers.models import MAX_DAYS_ON_SITE, MEMBER_SUPPORT_FREE_DAYS, ChallengeKind, Party, PeerKind, TeamRole


class PeerRecordForm(forms.Form):
    kind = forms.ChoiceField(label="What kind of peer are you?", choices=PeerKind.choices, widget=forms.RadioSelect)
    roles = forms.MultipleChoiceField(
        label="Roles you can take on a team", choices=TeamRole.choices, widget=forms.CheckboxSelectMultiple
    )
    party = forms.ChoiceField(
        label="Political party (member peers only)", choices=[("", "Not a councillor"), *Party.choices], required=False
    )
    days_offered = forms.IntegerField(label="Days you offer each year", min_value=0, max_value=60)
    public = forms.BooleanField(label="Show on my profile that I am a peer, and my roles", required=False)


class WindowForm(forms.Form):
    starts_on = forms.DateField(label="From (for example 2027-04-01)", input_formats=["%Y-%m-%d"])
    ends_on = forms.DateField(label="To", input_formats=["%Y-%m-%d"])


class BookingForm(forms.Form):
    """A council's request. `weeks` are the weeks with a place left, as (iso date, label)."""

    kind = forms.ChoiceField(
        label="What would you like to book?", choices=ChallengeKind.choices, widget=forms.RadioSelect
    )
    week = forms.ChoiceField(label="Week on site")
    days_on_site = forms.IntegerField(
        label="Days on site",
        min_value=1,
        max_value=MEMBER_SUPPORT_FREE_DAYS,
        initial=MAX_DAYS_ON_SITE,
        help_text=f"Up to {MAX_DAYS_ON_SITE} for a challenge; member peer support is up to {MEMBER_SUPPORT_FREE_DAYS} free days.",
    )
    focus_areas = forms.MultipleChoiceField(
        label="Focus areas beyond the core components",
        choices=PeerArea.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    contact_name = forms.CharField(label="Contact name", max_length=200)
    contact_email = forms.EmailField(label="Contact email address")

    def __init__(self, *args, weeks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["week"].choices = [("", "Choose a week"), *weeks]

    def clean_week(self) -> date:
        return date.fromisoformat(self.cleaned_data["week"])

    def clean(self):
        data = super().clean()
        if data.get("kind") != ChallengeKind.MEMBER_SUPPORT and (data.get("days_on_site") or 0) > MAX_DAYS_ON_SITE:
            self.add_error("days_on_site", f"A challenge is up to {MAX_DAYS_ON_SITE} days on site")
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("confirm", "Confirm"), ("move", "Move to another week"), ("decline", "Decline")],
        widget=forms.RadioSelect,
    )
    week = forms.ChoiceField(label="New week (to move)", required=False)
    reason = forms.CharField(
        label="Reason (needed to move or decline)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, weeks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["week"].choices = [("", "Choose a week"), *weeks]

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision in ("move", "decline") and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say why")
        if decision == "move" and not data.get("week"):
            self.add_error("week", "Choose the week to move to")
        return data


class SwapForm(forms.Form):
    peer = forms.IntegerField(label="Peer record number", min_value=1, max_value=2**63 - 1)


class DaysForm(forms.Form):
    days = forms.DecimalField(label="Days you gave", min_value=0, max_value=60, decimal_places=1)


class ReportForm(forms.Form):
    report = forms.CharField(label="Report", widget=forms.Textarea(attrs={"rows": 10}))
