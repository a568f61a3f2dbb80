"""Forms of the notes and documents pages. They parse input; the rules are in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from qorgau.cases.files import ALLOWED_EXTENSIONS
from qorgau.cases.models import CaseDocument, Confidentiality

LEVEL_HELP = _(
    "Case team: everyone who works on the case. Own organisation: only your organisation's "
    "people on the case. Restricted: only the case manager and the supervisors."
)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000
    )
    level = forms.ChoiceField(
        label=_("Who may read it"),
        choices=Confidentiality.choices,
        initial=Confidentiality.TEAM,
        widget=forms.RadioSelect,
        help_text=LEVEL_HELP,
    )


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(f".{ext}" for ext in ALLOWED_EXTENSIONS)}
        ),
    )
    level = forms.ChoiceField(
        label=_("Who may read it"),
        choices=Confidentiality.choices,
        initial=Confidentiality.TEAM,
        widget=forms.RadioSelect,
        help_text=LEVEL_HELP,
    )
    replaces = forms.ModelChoiceField(
        label=_("Replaces an earlier document"),
        queryset=CaseDocument.objects.none(),
        required=False,
        empty_label=_("No, a new document"),
    )
    reason = forms.CharField(label=_("Why is it replaced?"), max_length=500, required=False)

    def __init__(self, *args: Any, replaceable: list[CaseDocument], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = settings.QORGAU_DOCUMENT_MAX_BYTES // (1024 * 1024)
        self.fields["file"].help_text = _(
            "PDF, JPEG, PNG, DOCX, XLSX, ODT or ODS, at most %(limit)s MB."
        ) % {"limit": limit}
        field = self.fields["replaces"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = CaseDocument.objects.across_workspaces().filter(
            pk__in=[d.pk for d in replaceable]
        )
        if not replaceable:
            del self.fields["replaces"]
            del self.fields["reason"]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
