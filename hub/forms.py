"""Forms of the good practice library: filters, the submission steps, comments, moderation."""

from decimal import Decimal

from django import forms

from accounts.models import Organisation
from hub.models import GoodPracticePage, ServiceArea
from hub.selectors import LibraryFilters
from hub.services import Figure, rich_text_to_text


class LibraryFilterForm(forms.Form):
    """The index's query string: every filter is optional and bad values are ignored."""

    q = forms.CharField(required=False, max_length=200)
    service_area = forms.SlugField(required=False)
    tag = forms.SlugField(required=False)
    organisation = forms.SlugField(required=False)
    tier = forms.SlugField(required=False)
    sort = forms.SlugField(required=False)

    def filters(self, *, tag: str | None = None) -> LibraryFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        values = {
            name: (data.get(name) or "").strip()
            for name in ("q", "service_area", "tag", "organisation", "tier", "sort")
        }
        if tag:
            values["tag"] = tag
        return LibraryFilters(**values)


def _organisation_choices():
    return Organisation.objects.order_by("name")


class AboutStepForm(forms.Form):
    """Step 1: what the case study is called, its area and who did it."""

    title = forms.CharField(
        label="Title",
        max_length=120,
        help_text="Say what was done, for example “Cutting temporary accommodation costs with early prevention”.",
        error_messages={"required": "Enter a title"},
    )
    summary = forms.CharField(
        label="Summary",
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Two or three sentences for the library listing.",
        error_messages={
            "required": "Enter a summary",
            "max_length": "Summary must be 600 characters or fewer",
        },
    )
    service_area = forms.ModelChoiceField(
        label="Service area",
        queryset=ServiceArea.objects.all(),
        empty_label="Choose a service area",
        error_messages={"required": "Choose a service area"},
    )
    organisation = forms.ModelChoiceField(
        label="Lead organisation",
        queryset=Organisation.objects.none(),
        empty_label="Choose an organisation",
        error_messages={"required": "Choose the lead organisation"},
    )
    partner = forms.ModelChoiceField(
        label="Another organisation involved (optional)",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="None",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _organisation_choices()
        self.fields["partner"].queryset = _organisation_choices()

    def clean(self):
        data = super().clean()
        if data.get("partner") and data.get("partner") == data.get("organisation"):
            self.add_error("partner", "Choose a different organisation, or None")
        return data

    def to_data(self) -> dict:
        data = self.cleaned_data
        organisations = [data["organisation"]]
        if data.get("partner"):
            organisations.append(data["partner"])
        return {
            "title": data["title"].strip(),
            "summary": data["summary"].strip(),
            "service_area": data["service_area"],
            "organisations": organisations,
        }

    @classmethod
    def initial_for(cls, page: GoodPracticePage | None, user) -> dict:
        if page is None:
            return {"organisation": user.organisation_id}
        organisations = list(page.organisations.all())
        return {
            "title": page.draft_title or page.title,
            "summary": page.summary,
            "service_area": page.service_area_id,
            "organisation": organisations[0].pk if organisations else None,
            "partner": organisations[1].pk if len(organisations) > 1 else None,
        }


class StoryStepForm(forms.Form):
    """Step 2: the challenge, what was done, and what changed."""

    challenge = forms.CharField(
        label="The challenge",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What problem were you trying to solve, and for whom?",
        error_messages={"required": "Describe the challenge"},
    )
    approach = forms.CharField(
        label="What was done",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="The steps you took, who was involved and what you would do differently.",
        error_messages={"required": "Describe what was done"},
    )
    outcomes_text = forms.CharField(
        label="Outcomes and impact",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What changed for residents, staff or budgets. Leave a blank line between paragraphs.",
        error_messages={"required": "Describe the outcomes and impact"},
    )
    figure_value = forms.DecimalField(
        label="Headline figure (optional)",
        required=False,
        max_digits=14,
        decimal_places=2,
        help_text="A number, for example 38 or 1200000.",
        error_messages={"invalid": "Headline figure must be a number, like 38 or 1200000"},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
    )
    figure_unit = forms.CharField(
        label="Unit of the headline figure",
        required=False,
        max_length=40,
        help_text="For example %, £ or households.",
    )
    figure_description = forms.CharField(
        label="What the headline figure shows",
        required=False,
        max_length=200,
        help_text="For example “fewer households in temporary accommodation”.",
    )

    def clean(self):
        data = super().clean()
        value = data.get("figure_value")
        unit = (data.get("figure_unit") or "").strip()
        description = (data.get("figure_description") or "").strip()
        if value is not None or unit or description:
            if value is None and "figure_value" not in self.errors:
                self.add_error("figure_value", "Enter the headline figure, or clear its unit and description")
            if not unit:
                self.add_error("figure_unit", "Enter the unit of the headline figure")
            if not description:
                self.add_error("figure_description", "Enter what the headline figure shows")
        return data

    def to_data(self) -> dict:
        data = self.cleaned_data
        figure = None
        if data.get("figure_value") is not None:
            figure = Figure(
                Decimal(data["figure_value"]),
                data["figure_unit"].strip(),
                data["figure_description"].strip(),
            )
        return {
            "challenge": data["challenge"].strip(),
            "approach": data["approach"].strip(),
            "outcomes_text": data["outcomes_text"].strip(),
            "figure": figure,
        }

    @classmethod
    def initial_for(cls, page: GoodPracticePage | None, user) -> dict:
        if page is None:
            return {}
        initial = {"challenge": page.challenge, "approach": page.approach}
        for block in page.outcomes:
            if block.block_type == "paragraph" and "outcomes_text" not in initial:
                initial["outcomes_text"] = rich_text_to_text(block.value.source)
            if block.block_type == "figure" and "figure_value" not in initial:
                initial["figure_value"] = block.value["value"]
                initial["figure_unit"] = block.value["unit"]
                initial["figure_description"] = block.value["description"]
        return initial


class DetailsStepForm(forms.Form):
    """Step 3: cost, timescale and themes."""

    cost = forms.CharField(
        label="Cost",
        max_length=255,
        help_text="Roughly what it cost and who paid, for example “£45,000 from the prevention grant”.",
        error_messages={"required": "Enter the cost, or “no extra cost”"},
    )
    timescale = forms.CharField(
        label="Timescale",
        max_length=255,
        help_text="For example “Nine months, from April to December 2025”.",
        error_messages={"required": "Enter the timescale"},
    )
    themes = forms.CharField(
        label="Themes (optional)",
        required=False,
        max_length=300,
        help_text="Separate themes with commas, for example “prevention, co-production”.",
    )

    def clean_themes(self) -> list[str]:
        raw = self.cleaned_data.get("themes") or ""
        themes = []
        for part in raw.split(","):
            name = " ".join(part.split())
            if name and name.lower() not in {t.lower() for t in themes}:
                if len(name) > 60:
                    raise forms.ValidationError("Each theme must be 60 characters or fewer")
                themes.append(name)
        if len(themes) > 8:
            raise forms.ValidationError("Enter 8 themes or fewer")
        return themes

    def to_data(self) -> dict:
        data = self.cleaned_data
        return {
            "cost": data["cost"].strip(),
            "timescale": data["timescale"].strip(),
            "themes": data["themes"],
        }

    @classmethod
    def initial_for(cls, page: GoodPracticePage | None, user) -> dict:
        if page is None:
            return {}
        return {
            "cost": page.cost,
            "timescale": page.timescale,
            "themes": ", ".join(tag.name for tag in page.tags.all()),
        }


STEPS = [
    ("about", "About the case study", AboutStepForm),
    ("story", "The story", StoryStepForm),
    ("details", "Cost, timescale and themes", DetailsStepForm),
]


class CommentForm(forms.Form):
    """A comment or reply: plain text with a little markdown, never HTML."""

    comment = forms.CharField(
        label="Your comment",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Plain text. You can use *emphasis*, **bold** and links; HTML is shown as typed.",
        error_messages={
            "required": "Enter your comment",
            "max_length": "Comment must be 3,000 characters or fewer",
        },
    )


class RemovalForm(forms.Form):
    """A moderator's reason for removing a comment; the author is sent it."""

    reason = forms.CharField(
        label="Reason for removal",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The author will be emailed this reason.",
        error_messages={"required": "Enter a reason for removing the comment"},
    )
