"""Forms of the sector data pages: the comparison group, the period, and the CSV upload."""

from django import forms

from benchmarking.selectors import GROUPS

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class GroupForm(forms.Form):
    """Which councils to compare with, and (for nearest neighbours) the weights of the model."""

    group = forms.ChoiceField(choices=list(GROUPS.items()), required=False, label="Compare with")
    weights = forms.CharField(required=False, max_length=500, label="Weights of the similar-councils model")

    def chosen_group(self) -> str:
        return (self.is_valid() and self.cleaned_data["group"]) or "neighbours"


class PeriodForm(forms.Form):
    period = forms.CharField(required=False, max_length=16)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV file",
        help_text="UTF-8 (Excel: “CSV UTF-8”), one value a row. Up to 20 MB.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file must be smaller than 20 MB.")
        return upload
