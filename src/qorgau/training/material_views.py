"""Pages of the materials library (training/materials.py): the searchable library, a
material with its versions and history, publishing, new versions, attaching, downloading."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qorgau.accounts.models import Organisation, User
from qorgau.accounts.permissions import can
from qorgau.core.forms import attach_errors, flash_errors
from qorgau.core.http import request_user
from qorgau.training import materials, selectors
from qorgau.training.models import Material, MaterialAttachment, MaterialVersion, Sector, Session
from qorgau.training.topics import topic_catalogue

PAGE_SIZE = 20


def _user(request: HttpRequest) -> User | None:
    return (
        request.user if isinstance(request.user, User) and request.user.is_authenticated else None
    )


def _blank(choices: Sequence[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", _("any")), *choices]


def _choices(form: forms.Form, name: str, choices: Sequence[tuple[str, Any]]) -> None:
    cast(forms.ChoiceField, form.fields[name]).choices = list(choices)


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), max_length=100, required=False)
    topic = forms.ChoiceField(label=gettext_lazy("Topic"), required=False)
    sector = forms.ChoiceField(label=gettext_lazy("Audience"), required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    language = forms.ChoiceField(label=gettext_lazy("Language"), required=False)
    format = forms.ChoiceField(label=gettext_lazy("Format"), required=False)
    accessible = forms.BooleanField(label=gettext_lazy("Accessible formats only"), required=False)
    special_needs = forms.BooleanField(
        label=gettext_lazy("Adapted for children with special needs"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "topic", _blank(topic_catalogue().choices()))
        _choices(self, "sector", _blank(list(Sector.choices)))
        _choices(self, "kind", _blank(list(Material.Kind.choices)))
        _choices(self, "language", _blank(materials.library_data().language_choices()))
        _choices(self, "format", _blank(list(MaterialVersion.Format.choices)))

    def filters(self) -> materials.LibraryFilters:
        if not self.is_valid():
            return materials.LibraryFilters()
        data = self.cleaned_data
        return materials.LibraryFilters(
            query=data["q"].strip(),
            topic=data["topic"],
            sector=data["sector"],
            kind=data["kind"],
            language=data["language"],
            format=data["format"],
            accessible=data["accessible"],
            special_needs=data["special_needs"],
        )


class MaterialForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=gettext_lazy("Published by"), queryset=Organisation.objects.none()
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=255)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Material.Kind.choices)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    topics = forms.MultipleChoiceField(
        label=gettext_lazy("Topics"), required=False, widget=forms.CheckboxSelectMultiple
    )
    sectors = forms.MultipleChoiceField(
        label=gettext_lazy("Audience sectors"),
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    audience = forms.CharField(
        label=gettext_lazy("Audience roles"),
        max_length=255,
        required=False,
        help_text=gettext_lazy("For example: orphanage staff, teachers, police officers"),
    )
    for_special_needs = forms.BooleanField(
        label=gettext_lazy("Adapted for children with special needs"), required=False
    )
    is_public = forms.BooleanField(
        label=gettext_lazy("Public: anyone may download it without an account"), required=False
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "topics", topic_catalogue().choices())
        if owners is None:
            del self.fields["owner"]
        else:
            self.fields["owner"].queryset = owners  # type: ignore[attr-defined]

    def to_data(self) -> materials.MaterialData:
        data = self.cleaned_data
        return materials.MaterialData(
            title=data["title"],
            kind=data["kind"],
            description=data["description"],
            topics=tuple(data["topics"]),
            sectors=tuple(data["sectors"]),
            audience=data["audience"],
            for_special_needs=data["for_special_needs"],
            is_public=data["is_public"],
        )


class VersionForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language"))
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=MaterialVersion.Format.choices,
        initial=MaterialVersion.Format.STANDARD,
    )
    file = forms.FileField(label=gettext_lazy("File"), required=False)
    external_url = forms.URLField(
        label=gettext_lazy("Or a link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=gettext_lazy("For videos on a video site or documents published elsewhere."),
    )
    note = forms.CharField(label=gettext_lazy("What changed"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "language", materials.library_data().language_choices())


class AttachForm(forms.Form):
    event = forms.ChoiceField(label=gettext_lazy("Event"))
    session = forms.ChoiceField(label=gettext_lazy("Session (optional)"), required=False)

    def __init__(self, *args: Any, events: list[Any], sessions: list[Session], **kwargs: Any):
        super().__init__(*args, **kwargs)
        _choices(self, "event", [(str(e.pk), str(e)) for e in events])
        whole: list[tuple[str, Any]] = [("", _("the whole event"))]
        _choices(self, "session", whole + [(str(s.pk), f"{s.event.title} · {s}") for s in sessions])


# --- the library --------------------------------------------------------------------------
def library(request: HttpRequest) -> HttpResponse:
    """Everyone may search; without an account only public materials are listed."""
    user = _user(request)
    form = LibraryFilterForm(request.GET or None)
    found = materials.library_search(user=user, filters=form.filters())
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "training/materials/library.html",
        {
            "form": form,
            "page": page,
            "query_string": query.urlencode(),
            "may_publish": user is not None
            and materials.organisations_publishing(user=user).exists(),
            "signed_in": user is not None,
            "languages": materials.library_data(),
        },
    )


def material_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    material = materials.access_material(user=user, pk=pk)
    may_manage = user is not None and can(user, "training.material.manage", material)
    attachable = _attachable_events(user) if user is not None else []
    data = materials.library_data()
    return render(
        request,
        "training/materials/detail.html",
        {
            "material": material,
            "current": [v for v in materials.material_history(material=material) if v.is_current],
            "history": [
                v for v in materials.material_history(material=material) if not v.is_current
            ],
            "topics": [topic_catalogue().name(code) for code in material.topics],
            "sectors": [Sector(code).label for code in material.sectors if code in Sector.values],
            "attachments": list(materials.material_attachments(material=material))
            if user is not None
            else [],
            "may_manage": may_manage,
            "attach_form": AttachForm(events=attachable, sessions=_sessions(attachable))
            if attachable
            else None,
            "languages": data,
            "signed_in": user is not None,
        },
    )


def _attachable_events(user: User | None) -> list[Any]:
    if user is None:
        return []
    events = selectors.events_visible_to(user=user)[:100]
    return [event for event in events if can(user, "training.material.attach", event)][:50]


def _sessions(events: list[Any]) -> list[Session]:
    return list(
        Session.objects.filter(event__in=[e.pk for e in events]).select_related("event")[:300]
    )


@login_required
def material_new(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    owners = materials.organisations_publishing(user=user)
    if not owners.exists():
        raise PermissionDenied
    initial = {"owner": owners[0]} if len(owners) == 1 else {}
    form = MaterialForm(request.POST or None, owners=owners, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            material = materials.material_create(
                actor=user, owner=form.cleaned_data["owner"], data=form.to_data()
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The material is added. Now add its file or link."))
            return redirect("training:material_version_new", pk=material.pk)
    return render(request, "training/materials/form.html", {"form": form, "material": None})


@login_required
def material_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    material = materials.access_material(user=user, pk=pk, action="training.material.manage")
    form = MaterialForm(
        request.POST or None,
        owners=None,
        initial={
            "title": material.title,
            "kind": material.kind,
            "description": material.description,
            "topics": material.topics,
            "sectors": material.sectors,
            "audience": material.audience,
            "for_special_needs": material.for_special_needs,
            "is_public": material.is_public,
            "revision": material.revision,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            materials.material_update(
                actor=user,
                material=material,
                data=form.to_data(),
                revision=form.cleaned_data["revision"] or 0,
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The material is saved."))
            return redirect("training:material_detail", pk=material.pk)
    return render(request, "training/materials/form.html", {"form": form, "material": material})


@login_required
def version_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    material = materials.access_material(user=user, pk=pk, action="training.material.manage")
    form = VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            materials.material_version_add(
                actor=user,
                material=material,
                language=form.cleaned_data["language"],
                format=form.cleaned_data["format"],
                upload=form.cleaned_data["file"],
                external_url=form.cleaned_data["external_url"] or "",
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The version is added."))
            return redirect("training:material_detail", pk=material.pk)
    return render(
        request,
        "training/materials/version_form.html",
        {
            "form": form,
            "material": material,
            "max_mb": materials.library_data().max_upload_bytes // (1024 * 1024),
        },
    )


@login_required
def material_attach(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    material = materials.access_material(user=user, pk=pk)
    if request.method != "POST":
        return redirect("training:material_detail", pk=material.pk)
    events = _attachable_events(user)
    form = AttachForm(request.POST, events=events, sessions=_sessions(events))
    if form.is_valid():
        event = selectors.access_event(
            user=user, pk=int(form.cleaned_data["event"]), action="training.material.attach"
        )
        session = (
            Session.objects.filter(pk=int(form.cleaned_data["session"])).first()
            if form.cleaned_data["session"]
            else None
        )
        try:
            materials.material_attach(actor=user, material=material, event=event, session=session)
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("The material is attached to the event."))
    else:
        messages.error(request, _("Choose an event you organise or train at."))
    return redirect("training:material_detail", pk=material.pk)


@login_required
def attachment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    attachment = get_object_or_404(
        MaterialAttachment.objects.select_related("material", "event"), pk=pk
    )
    event = selectors.access_event(
        user=user, pk=attachment.event_id, action="training.material.attach"
    )
    back = reverse("training:event_detail", kwargs={"pk": event.pk})
    if request.method == "POST":
        materials.material_detach(actor=user, attachment=attachment)
        messages.success(request, _("The material is no longer attached to the event."))
        return redirect(back)
    return render(
        request,
        "training/confirm.html",
        {
            "title": _("Detach this material?"),
            "question": attachment.material.title,
            "confirm_label": _("Yes, detach it"),
            "back_url": back,
            "danger": False,
        },
    )


def version_download(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    """A public material for anyone; any other for signed-in people who may read the library."""
    user = _user(request)
    version = MaterialVersion.objects.filter(pk=pk).select_related("material").first()
    if version is None:
        raise Http404
    if not version.material.is_public and user is None:
        return redirect_to_login(request.get_full_path())
    version = materials.access_version(user=user, pk=pk)
    if version.is_link:
        return redirect(version.external_url)
    try:
        handle = version.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=version.original_name or f"material-{version.pk}",
        content_type=version.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = (
        "private, no-store" if not version.material.is_public else "public, max-age=300"
    )
    return response
