"""Forms for communities: every one re-renders with what the person typed when invalid."""

from django import forms

from communities.models import Frequency, LibraryAccess, Role
from communities.selectors import topic_choices
from communities.services import LIBRARY_EXTENSIONS, LIBRARY_MAX_BYTES


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label="Search communities", required=False, max_length=100)
    topic = forms.ChoiceField(label="Topic", required=False, choices=topic_choices)
    colleagues = forms.BooleanField(label="Only communities my colleagues are in", required=False)


class ThreadForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter a title for your thread"})
    body = forms.CharField(
        label="What do you want to discuss?",
        error_messages={"required": "Enter what you want to discuss"},
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="You can use markdown. Mention a member with @ and their name, like @priya-shah.",
        max_length=20000,
    )
    tags = forms.CharField(
        label="Tags (optional)",
        required=False,
        max_length=200,
        help_text="Separate tags with commas.",
    )

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data["tags"]
        return [tag.strip()[:50] for tag in raw.split(",") if tag.strip()][:10]


# The largest id or sequence number the database holds (BigAutoField, PositiveBigIntegerField):
# anything larger cannot name a row, and some databases fail on it rather than find nothing.
DATABASE_INT_MAX = 2**63 - 1


def _id_field(**kwargs) -> forms.IntegerField:
    """A row id from the client: a positive whole number the database can hold."""
    return forms.IntegerField(required=False, min_value=1, max_value=DATABASE_INT_MAX, **kwargs)


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="You can use markdown. Mention a member with @ and their name.",
        max_length=20000,
    )
    quote = _id_field(widget=forms.HiddenInput)

    def clean(self):
        # The hidden quote is the page's, not something the person typed: a bad one is dropped
        # (the reply is posted unquoted) rather than shown as an error they cannot fix.
        if self._errors.pop("quote", None) is not None:
            self.cleaned_data["quote"] = None
        return super().clean()


class QuoteQueryForm(forms.Form):
    """`?quote=<reply id>` on a thread page: which reply to quote; anything else quotes none."""

    quote = _id_field()


class CatchUpQueryForm(forms.Form):
    """`?after=<sequence number>` on a live connection: the last event the client saw."""

    after = forms.IntegerField(required=False, min_value=0, max_value=DATABASE_INT_MAX)


class EditReplyForm(forms.Form):
    body = forms.CharField(label="Your reply", widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)


class ReportForm(forms.Form):
    reason = forms.CharField(
        label="Why are you reporting this?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


class _RemovalNeedsReasonForm(forms.Form):
    """A moderator's choice of `action` with a reason, required when the post is removed."""

    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "remove" and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Enter a reason: the author will see it")
        return cleaned


class ModerationForm(_RemovalNeedsReasonForm):
    action = forms.ChoiceField(
        label="What do you want to do?",
        choices=[
            ("hide", "Hide it while you look into it"),
            ("remove", "Remove it (the author sees your reason)"),
            ("lock", "Lock the thread"),
            ("dismiss", "Dismiss the report"),
        ],
        widget=forms.RadioSelect,
    )
    field_order = ["action", "reason"]


class HiddenDecisionForm(_RemovalNeedsReasonForm):
    """What to do with a post hidden while a moderator looked into it."""

    action = forms.ChoiceField(
        label="What do you want to do?",
        choices=[
            ("restore", "Show it again"),
            ("remove", "Remove it (the author sees your reason)"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to show it again or remove it"},
    )
    field_order = ["action", "reason"]


class LibraryAccessForm(forms.Form):
    """Who may open the community's library."""

    library_access = forms.ChoiceField(
        label="Who can see and download the library's files?",
        choices=LibraryAccess.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who can see and download the library's files"},
    )


class SuspendForm(forms.Form):
    days = forms.IntegerField(label="Suspend for how many days?", min_value=1, max_value=365)
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices)


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        help_text="They do not need an account yet: the invitation tells them how to create one.",
    )


class RequestForm(forms.Form):
    message = forms.CharField(
        label="Why do you want to join? (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


class FrequencyForm(forms.Form):
    email_frequency = forms.ChoiceField(
        label="How often do you want email about this community?",
        choices=Frequency.choices,
        widget=forms.RadioSelect,
    )


class LibraryUploadForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    folder = forms.CharField(label="Folder (optional)", required=False, max_length=120)
    file = forms.FileField(
        label="File",
        help_text="PDF, Word, Excel, PowerPoint, OpenDocument, CSV or text; up to 10MB.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if extension not in LIBRARY_EXTENSIONS:
            raise forms.ValidationError(
                "The selected file must be a PDF, Word, Excel, PowerPoint, OpenDocument, CSV or text file"
            )
        if upload.size > LIBRARY_MAX_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 10MB")
        return upload
