"""Forms of the accountability tools: the resident's budget, the council's editor, the
self-assessment."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from accountability.budget import (
    Balance,
    budget_balance,
    choice_problem,
    money_text,
    parse_percent,
    percent_text,
)
from accountability.models import COUNCIL_TAX_BANDS, AgeBand, Framework, Line, LineGroup, Perspective, Simulation
from accountability.services import Submission, consequences_parse, years_parse

CONSENT_ERROR = "Tick the box to say we may keep your answers to the optional questions, or leave them blank"


class BudgetForm(forms.Form):
    """A resident's budget: one change per line, the council tax band to show their bill,
    and the optional questions. Every line is a text input read by `parse_percent`, so
    whatever was typed comes back on an error exactly as it was."""

    band = forms.ChoiceField(
        label="Your council tax band (optional)",
        required=False,
        choices=[("", "Not chosen"), *((band, f"Band {band}") for band in COUNCIL_TAX_BANDS)],
        help_text="To see what your own bill would be. It is not sent with your answers.",
    )
    area = forms.CharField(
        label="Your postcode district or ward (optional)",
        required=False,
        max_length=60,
        help_text="The first half of your postcode, for example LS6, or the name of your ward.",
    )
    age_band = forms.ChoiceField(
        label="Your age (optional)", required=False, choices=[("", "Prefer not to say"), *AgeBand.choices]
    )
    reason = forms.CharField(
        label="Why did you choose this? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    consent = forms.BooleanField(
        label="You may keep my answers to the optional questions with my budget, without my name",
        required=False,
    )

    def __init__(self, *args, simulation: Simulation, lines: list[Line], years: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.simulation, self.lines, self.years = simulation, lines, years
        for line in lines:
            self.fields[self.line_field(line)] = forms.CharField(
                label=line.name, required=False, max_length=20, initial="0"
            )

    @staticmethod
    def line_field(line: Line) -> str:
        return f"line_{line.pk}"

    def choices(self) -> dict[int, Decimal | None]:
        """Each line's typed change (0 when left empty, None when it is not a number)."""
        found = {}
        for line in self.lines:
            raw = (self.data.get(self.add_prefix(self.line_field(line))) if self.is_bound else None) or "0"
            found[line.pk] = parse_percent(raw)
        return found

    def balance(self) -> Balance:
        """The balance of what is on the form, the invalid lines counted as unchanged."""
        choices = {pk: value for pk, value in self.choices().items() if value is not None}
        return budget_balance(lines=self.lines, years=self.years, choices=choices)

    def clean(self):
        cleaned = super().clean()
        for line in self.lines:
            problem = choice_problem(line, self.choices()[line.pk])
            if problem:
                self.add_error(self.line_field(line), problem)
        optional = [cleaned.get(name) for name in ("area", "age_band", "reason")]
        if any(optional) and not cleaned.get("consent"):
            self.add_error("consent", CONSENT_ERROR)
        return cleaned

    def check_balanced(self) -> None:
        """For a submission: the error summary says how far off the budget is."""
        worst = self.balance().worst
        if worst is not None and not worst.balanced:
            when = f" in {worst.label}" if len(self.years) > 1 else ""
            self.add_error(
                None,
                f"Your budget is {money_text(worst.remaining)} short of the {money_text(worst.gap)} gap{when}. "
                "Save more or raise more income before you send it.",
            )

    def submission(self) -> Submission:
        keep = self.cleaned_data.get("consent")
        return Submission(
            choices={pk: value for pk, value in self.choices().items() if value is not None},
            area=self.cleaned_data["area"].strip() if keep else "",
            age_band=self.cleaned_data["age_band"] if keep else "",
            reason=self.cleaned_data["reason"].strip() if keep else "",
        )

    def rows(self) -> list[dict]:
        """Each line with its field, its typed value and what that choice means."""
        from accountability.budget import consequence_for

        choices = self.choices()
        rows = []
        for line in self.lines:
            field = self[self.line_field(line)]
            chosen = choices[line.pk]
            value = field.value() if self.is_bound else "0"
            rows.append(
                {
                    "line": line,
                    "field": field,
                    "value": value if value not in (None, "") else "0",
                    "lowest": percent_text(line.lowest),
                    "highest": percent_text(line.max_percent),
                    "step": percent_text(line.step_percent),
                    "amount": money_text(line.amount),
                    "consequence": consequence_for(line, chosen) if chosen is not None and not field.errors else "",
                }
            )
        return rows


class SimulationForm(forms.ModelForm):
    """The simulation's settings; its years and gaps are written one a line."""

    gaps = forms.CharField(
        label="Gap to close",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One year a line: the year, a colon and what must have been saved by then in pounds, "
        "for example 2026/27: 12400000. Add later years where the gap grows.",
    )
    opens_at = forms.DateTimeField(
        label="Opens", required=False, help_text="For example, 2026-01-05 09:00. Leave empty to open when published."
    )
    closes_at = forms.DateTimeField(label="Closes", required=False, help_text="For example, 2026-02-28 23:59.")

    class Meta:
        model = Simulation
        fields = [
            "title",
            "introduction",
            "budget_year",
            "band_d_charge",
            "referendum_limit",
            "opens_at",
            "closes_at",
            "embed_domains",
        ]
        widgets = {
            "introduction": forms.Textarea(attrs={"rows": 4}),
            "embed_domains": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_gaps(self):
        try:
            return years_parse(self.cleaned_data["gaps"])
        except forms.ValidationError as error:
            raise forms.ValidationError(error.messages) from None

    def clean_embed_domains(self):
        domains = self.cleaned_data["embed_domains"]
        for domain in domains.split():
            if not domain.startswith("https://") or any(c in domain[8:] for c in "/ ;'\"*"):
                raise forms.ValidationError(f"{domain} is not a site address like https://www.example.gov.uk")
        return "\n".join(domains.split())

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", "The closing date must be after the opening date")
        return cleaned


class GroupForm(forms.ModelForm):
    class Meta:
        model = LineGroup
        fields = ["name"]


class LineForm(forms.ModelForm):
    """A line and what each level of change means, one level a line."""

    consequences_text = forms.CharField(
        label="What each level means",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One level a line: the change in %, a colon and what it means, "
        "for example -10: two libraries open four days a week",
    )
    metric_id = forms.CharField(
        label="Lodged data metric (optional)",
        required=False,
        max_length=100,
        help_text="Leave the amount empty to start from the council's latest lodged figure for this metric.",
    )

    class Meta:
        model = Line
        fields = [
            "group",
            "kind",
            "name",
            "description",
            "amount",
            "min_percent",
            "max_percent",
            "step_percent",
            "floor_percent",
            "floor_reason",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, simulation: Simulation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = simulation.groups.all()
        self.fields["amount"].required = False
        if self.instance.pk:
            self.fields["consequences_text"].initial = "\n".join(
                f"{percent_text(c.percent)}: {c.text}" for c in self.instance.consequences.all()
            )

    def clean_consequences_text(self):
        try:
            return consequences_parse(self.cleaned_data["consequences_text"])
        except forms.ValidationError as error:
            raise forms.ValidationError(error.messages) from None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("floor_percent") is not None and not cleaned.get("floor_reason"):
            self.add_error("floor_reason", "Say why the line cannot go below its floor: residents are shown it")
        if cleaned.get("amount") is None and not cleaned.get("metric_id"):
            self.add_error("amount", "Enter the current net spend or income in pounds")
        return cleaned


class PublishResultsForm(forms.Form):
    published = forms.BooleanField(label="Show the results to everyone", required=False)
    statement = forms.CharField(
        label="You said, we did",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the council did with what residents said.",
    )


# --- Self-assessment -------------------------------------------------------------------------


class AssessmentForm(forms.Form):
    title = forms.CharField(max_length=200)
    framework = forms.ModelChoiceField(queryset=None, empty_label=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = Framework.objects.all()


class InviteForm(forms.Form):
    perspective = forms.ChoiceField(label="Who are you inviting?", choices=Perspective.choices)
    label = forms.CharField(label="Their name or role", max_length=200)
    organisation = forms.ModelChoiceField(label="Their organisation (for partners)", queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        from accounts.models import Organisation

        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.exclude(kind="council").order_by("name")


class ActionForm(forms.Form):
    title = forms.CharField(label="Improvement action", max_length=300)
    owner = forms.CharField(max_length=200)
    due = forms.DateField(label="Due by", help_text="For example, 2026-09-30")
    help_url = forms.CharField(
        label="Where help is (optional)",
        required=False,
        max_length=300,
        help_text="A page on the Hub, for example /good-practice/... or /marketplace/services/...",
    )

    def clean_help_url(self):
        url = self.cleaned_data["help_url"].strip()
        if (url and not url.startswith("/")) or url.startswith("//"):
            raise forms.ValidationError("Enter a page on the Hub, starting with /")
        return url


class PublishAssessmentForm(forms.Form):
    summary = forms.CharField(label="Summary to publish", max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))


def ratings_form(themes, scale_max: int, data=None, initial: dict | None = None) -> forms.Form:
    """One score (1 to `scale_max`, or not answered) and evidence per statement."""
    form = forms.Form(data=data)
    choices = [("", "Not answered"), *((str(n), str(n)) for n in range(1, scale_max + 1))]
    for theme in themes:
        for statement in theme.statements.all():
            rating = (initial or {}).get(statement.pk)
            form.fields[f"score_{statement.pk}"] = forms.ChoiceField(
                label=statement.text,
                choices=choices,
                required=False,
                initial=str(rating.score) if rating else "",
                widget=forms.Select,
            )
            form.fields[f"evidence_{statement.pk}"] = forms.CharField(
                label="Your evidence (optional)",
                required=False,
                max_length=4000,
                initial=rating.evidence if rating else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
    return form
