"""Forms for the marketplace: the listing's filters, listings, reviews, replies, moderation."""

import datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

from config.converters import DatabaseIdConverter
from marketplace.listing_index import MIN_RATING_OPTIONS
from marketplace.models import (
    KINDS_SERVED,
    REGIONS,
    Category,
    CouncilOffer,
    DeliveryMode,
    HowUsed,
    RemovalReason,
    ServiceRevision,
    mask_codes,
    mask_from_codes,
)
from marketplace.pricing import Need, PriceInterval, PriceUnit, VatHandling
from marketplace.selectors import SORT_OPTIONS, ServiceFilters


class FirstOptionIdMixin:
    """Error summary links go to a field's id_for_label, which Django leaves empty for radios
    and checkboxes; point it at the first option, which crispy-forms-gds numbers from 1."""

    def id_for_label(self, id_, index=None):
        if index is None:
            return f"{id_}_1" if id_ else ""
        return super().id_for_label(id_, index)


class RadioSelect(FirstOptionIdMixin, forms.RadioSelect):
    pass


class CheckboxSelectMultiple(FirstOptionIdMixin, forms.CheckboxSelectMultiple):
    pass


class MoneyField(forms.DecimalField):
    """Pounds and pence: accepts "1200", "1,200.50" and "£650"; at most two decimal places."""

    def __init__(self, *, label_for_errors: str = "the amount", **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": f"Enter {label_for_errors} in pounds and pence, like 650 or 650.50",
                "max_decimal_places": f"Enter {label_for_errors} with no more than 2 decimal places",
                "max_digits": f"Enter {label_for_errors} under £10,000,000,000",
                "max_whole_digits": f"Enter {label_for_errors} under £10,000,000,000",
                "min_value": f"Enter {label_for_errors} as £0 or more",
                "required": f"Enter {label_for_errors}",
            },
        )
        super().__init__(**kwargs)
        self.widget.input_type = "text"
        self.widget.attrs.update({"inputmode": "decimal", "spellcheck": "false"})

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", "").removeprefix("£").strip()
        try:
            return super().to_python(value)
        except InvalidOperation:  # pragma: no cover - DecimalField already reports it
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


def _quantity(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        required=False,
        min_value=1,
        max_value=10_000,
        label=label,
        error_messages={
            "invalid": f"Enter the number of {label.lower()} as a whole number, like 5",
            "min_value": f"Enter at least 1 for the number of {label.lower()}",
            "max_value": f"Enter no more than 10,000 {label.lower()}",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
    )


class NeedForm(forms.Form):
    """The quantities an officer wants prices worked out for."""

    days = _quantity("Days")
    people = _quantity("People")
    months = _quantity("Months")

    def need(self) -> Need:
        """The valid quantities; a mistyped one is reported on the page and left out."""
        self.is_valid()
        data = self.cleaned_data
        return Need(days=data.get("days"), people=data.get("people"), months=data.get("months"))


class ServiceFilterForm(NeedForm):
    """The listing's filters, read from the query string so a shared URL shows the same view."""

    q = forms.CharField(required=False, max_length=200, label="Search services")
    category = forms.MultipleChoiceField(required=False, choices=Category.choices)
    region = forms.MultipleChoiceField(required=False, choices=REGIONS)
    delivery = forms.MultipleChoiceField(required=False, choices=DeliveryMode.choices)
    offer = forms.MultipleChoiceField(
        required=False,
        choices=[(CouncilOffer.FREE, "Free"), (CouncilOffer.SUBSIDISED, "Subsidised")],
    )
    kind = forms.MultipleChoiceField(required=False, choices=KINDS_SERVED)
    rating = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any rating"), *((str(v), label) for v, label in MIN_RATING_OPTIONS)],
    )
    price_from = MoneyField(required=False, label="From", label_for_errors="the lowest cost")
    price_to = MoneyField(required=False, label="To", label_for_errors="the highest cost")
    sort = forms.ChoiceField(required=False, choices=SORT_OPTIONS, label="Sort by")
    per_page = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=20, choices=[("20", "20"), ("50", "50"), ("100", "100")]
    )

    def clean(self):
        data = super().clean()
        low, high = data.get("price_from"), data.get("price_to")
        if low is not None and high is not None and low > high:
            self.add_error("price_from", "The lowest cost must not be more than the highest cost")
        return data

    def filters(self) -> ServiceFilters:
        """The valid part of the query: a mistyped field is reported and ignored, not fatal."""
        self.is_valid()
        data = self.cleaned_data
        return ServiceFilters(
            q=data.get("q") or "",
            categories=tuple(data.get("category") or ()),
            regions=tuple(data.get("region") or ()),
            delivery_modes=tuple(data.get("delivery") or ()),
            offers=tuple(data.get("offer") or ()),
            kinds=tuple(data.get("kind") or ()),
            min_rating=data.get("rating"),
            price_from=data.get("price_from"),
            price_to=data.get("price_to"),
            need=Need(days=data.get("days"), people=data.get("people"), months=data.get("months")),
            sort=data.get("sort") or "relevance",
        )


class ServiceForm(forms.ModelForm):
    """A provider's listing; saved as a revision that waits for moderation."""

    regions_covered = forms.MultipleChoiceField(
        choices=REGIONS,
        widget=CheckboxSelectMultiple,
        label="Regions and nations covered",
        error_messages={"required": "Select at least one region or nation"},
    )
    kinds = forms.MultipleChoiceField(
        choices=KINDS_SERVED,
        widget=CheckboxSelectMultiple,
        label="Organisations it is for",
        error_messages={"required": "Select at least one kind of organisation"},
    )
    price_min = MoneyField(label="Minimum price (£)", label_for_errors="the minimum price")
    price_max = MoneyField(label="Maximum price (£)", label_for_errors="the maximum price")

    class Meta:
        model = ServiceRevision
        fields = [
            "name",
            "summary",
            "description",
            "category",
            "delivery_mode",
            "typical_duration",
            "price_min",
            "price_max",
            "price_unit",
            "price_interval",
            "vat",
            "council_offer",
            "council_offer_details",
        ]
        labels = {
            "name": "Service name",
            "description": "Full description",
            "price_unit": "What the price is for",
            "price_interval": "How often it is charged",
            "vat": "VAT",
            "council_offer": "Is it free or subsidised for councils?",
            "council_offer_details": "Who the offer is for and who funds it",
        }
        help_texts = {
            "summary": "One or two sentences shown in the list of services.",
            "description": "You can use Markdown for headings, lists and links.",
            "typical_duration": "For example, 6 to 8 weeks.",
        }
        widgets = {
            "category": RadioSelect,
            "delivery_mode": RadioSelect,
            "price_unit": RadioSelect,
            "price_interval": RadioSelect,
            "vat": RadioSelect,
            "council_offer": RadioSelect,
        }
        error_messages = {
            "name": {"required": "Enter the service name"},
            "summary": {"required": "Enter a short summary"},
            "description": {"required": "Enter a description"},
            "category": {"required": "Select a category"},
            "delivery_mode": {"required": "Select how the service is delivered"},
            "price_unit": {"required": "Select what the price is for"},
        }

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        self.fields["price_unit"].choices = list(PriceUnit.choices)
        self.fields["price_interval"].choices = list(PriceInterval.choices)
        self.fields["vat"].choices = list(VatHandling.choices)
        self.fields["council_offer"].choices = [
            ("", "No"),
            (CouncilOffer.FREE, "Free for some councils"),
            (CouncilOffer.SUBSIDISED, "Subsidised for some councils"),
        ]
        for name in ("category", "delivery_mode"):
            self.fields[name].choices = [choice for choice in self.fields[name].choices if choice[0]]
        if instance is not None and instance.name:
            self.initial.setdefault("regions_covered", mask_codes(instance.regions, REGIONS))
            self.initial.setdefault("kinds", mask_codes(instance.kinds_served, KINDS_SERVED))

    def clean(self):
        data = super().clean()
        low, high = data.get("price_min"), data.get("price_max")
        if low is not None and high is not None and low > high:
            self.add_error("price_min", "The minimum price must not be more than the maximum price")
        if data.get("council_offer") and not data.get("council_offer_details", "").strip():
            self.add_error("council_offer_details", "Say who the offer is for and who funds it")
        return data

    def content(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["regions"] = mask_from_codes(self.cleaned_data["regions_covered"], REGIONS)
        data["kinds_served"] = mask_from_codes(self.cleaned_data["kinds"], KINDS_SERVED)
        return data


RATING_CHOICES = [(str(n), str(n)) for n in range(5, 0, -1)]


def _rating(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        choices=RATING_CHOICES,
        coerce=int,
        widget=RadioSelect,
        label=label,
        help_text="5 is best.",
        error_messages={"required": f"Select a rating for {label.lower()}"},
    )


class ReviewForm(forms.Form):
    """A council or fire and rescue officer's review of a service they used."""

    used_month = forms.IntegerField(
        min_value=1,
        max_value=12,
        label="Month",
        error_messages={
            "required": "Enter the month you used the service",
            "invalid": "Enter the month as a number from 1 to 12",
            "min_value": "Enter the month as a number from 1 to 12",
            "max_value": "Enter the month as a number from 1 to 12",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    used_year = forms.IntegerField(
        min_value=2000,
        # Checked here, before clean() builds a date: a year past datetime's 9999 (or past a C
        # long) would fail in date() instead of being reported. A callable so the bound moves
        # on at New Year in a long-running process.
        max_value=lambda: datetime.date.today().year,
        label="Year",
        error_messages={
            "required": "Enter the year you used the service",
            "invalid": "Enter the year as 4 numbers, like 2025",
            "min_value": "Enter a year from 2000 onwards",
            "max_value": "The date you used the service must be in the past",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    how_used = forms.ChoiceField(
        choices=HowUsed.choices,
        widget=RadioSelect,
        label="How did your organisation use it?",
        error_messages={"required": "Select how your organisation used the service"},
    )
    rating_experience = _rating("Customer experience")
    rating_value = _rating("Value for money")
    rating_outcomes = _rating("Outcomes")
    would_recommend = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=RadioSelect,
        label="Would you recommend it to another council?",
        error_messages={"required": "Select yes if you would recommend the service"},
    )
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
        label="Your review",
        help_text="What went well, what did not, and what others should know. Do not include personal information.",
        error_messages={"required": "Enter your review"},
    )

    def clean(self):
        data = super().clean()
        month, year = data.get("used_month"), data.get("used_year")
        if month and year:
            used_in = datetime.date(year, month, 1)
            if used_in > datetime.date.today():
                self.add_error("used_month", "The date you used the service must be in the past")
            else:
                data["used_in"] = used_in
        return data


class ReplyForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=3000,
        label="Your public reply",
        error_messages={"required": "Enter your reply"},
    )


class RejectForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="What the provider needs to change",
        error_messages={"required": "Say why the listing is being returned"},
    )


def _rule_broken(help_text: str) -> forms.ChoiceField:
    """The rules a review can break: RemovalReason, where being negative is not one."""
    return forms.ChoiceField(
        choices=RemovalReason.choices,
        widget=RadioSelect,
        label="Why does this review break the rules?",
        help_text=help_text,
        error_messages={"required": "Select why the review breaks the rules"},
    )


class RemoveReviewForm(forms.Form):
    reason = _rule_broken("Reviews are never removed for being critical.")


class ReportReviewForm(forms.Form):
    reason = _rule_broken(
        "Reviews are never removed for being negative or critical, only for breaking one of these rules."
    )
    details = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Tell the moderators more (optional)",
        help_text="For example, which part of the review and why.",
        error_messages={"max_length": "Tell the moderators more in 2,000 characters or fewer"},
    )


class ShortlistSaveForm(NeedForm):
    title = forms.CharField(
        max_length=200,
        label="Name this shortlist",
        help_text="For example, the procurement it is for.",
        error_messages={"required": "Enter a name for the shortlist"},
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Notes (optional)")


class ShortlistServiceForm(forms.Form):
    """The service a shortlist button adds or removes: an id a row can have, or a reason why not.

    The buttons always send a real id, so anything else was typed or tampered with; it is
    refused here rather than handed to the ORM, where "abc" or a 20-digit number is a 500.
    """

    service = forms.IntegerField(min_value=1, max_value=DatabaseIdConverter.largest)
