"""Every write to the sector data: areas, lodging values (with their history) and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind
from benchmarking import lodging
from benchmarking.models import ApiToken, Area, Period, Upload, Value, ValueRevision
from benchmarking.roles import GROUPS, lodging_scope

NATIONS = (("E92000001", "England"), ("W92000004", "Wales"))
NATION_TIER = "nation"


def roles_ensure_groups() -> None:
    for name in GROUPS:
        Group.objects.get_or_create(name=name)


def areas_ensure() -> int:
    """An area for every council with an ONS code, and the England and Wales totals (idempotent).

    Returns how many areas were created."""
    have = set(Area.objects.values_list("code", flat=True))
    new = [
        Area(code=code, name=name, kind=Area.Kind.ORGANISATION, organisation_id=pk, tier=tier)
        for pk, code, name, tier in Organisation.objects.filter(kind=OrganisationKind.COUNCIL)
        .exclude(ons_code=None)
        .values_list("pk", "ons_code", "name", "tier")
        if code not in have
    ]
    new += [
        Area(code=code, name=name, kind=Area.Kind.NATION, tier=NATION_TIER)
        for code, name in NATIONS
        if code not in have
    ]
    Area.objects.bulk_create(new)
    return len(new)


def _periods_ensure(wanted: dict) -> dict[str, Period]:
    periods = {period.code: period for period in Period.objects.filter(code__in=wanted)}
    missing = [
        Period(code=code, period_type=kind, starts_on=starts)
        for code, (kind, starts) in wanted.items()
        if code not in periods
    ]
    if missing:
        Period.objects.bulk_create(missing, ignore_conflicts=True)
        periods = {period.code: period for period in Period.objects.filter(code__in=wanted)}
    return periods


def plan_apply(*, plan: lodging.Plan, user, upload: Upload | None = None) -> None:
    """Create the new cells and revise the changed ones, keeping what each was before."""
    periods = _periods_ensure(plan.periods)
    now = timezone.now()
    for cell in plan.new:
        cell.period = periods[cell._period_code]
        cell.updated_by = user if getattr(user, "pk", None) else None
        cell.updated_at = now
    Value.objects.bulk_create(plan.new, batch_size=2000)
    revisions = []
    changed = []
    for cell, fields in plan.revised:
        revisions.append(
            ValueRevision(
                cell=cell,
                previous_value=cell.value,
                previous_quality=cell.quality,
                new_value=fields["value"],
                new_quality=fields["quality"],
                changed_by=user if getattr(user, "pk", None) else None,
                upload=upload,
            )
        )
        for name, value in fields.items():
            setattr(cell, name, value)
        cell.updated_by = user if getattr(user, "pk", None) else None
        cell.updated_at = now
        changed.append(cell)
    fields = [*lodging.NUMBER_COLUMNS, "quality", "note", "updated_by", "updated_at"]
    Value.objects.bulk_update(changed, fields, batch_size=2000)
    ValueRevision.objects.bulk_create(revisions, batch_size=2000)


def _scope_or_403(user) -> int | None:
    may, scope = lodging_scope(user)
    if not may:
        raise PermissionDenied("You may not lodge sector data.")
    return scope


def _refuse_other_areas(checked: lodging.Checked) -> None:
    if any(error.column == "area_code" and error.problem.startswith("You may not") for error in checked.errors):
        raise PermissionDenied("Data officers lodge values for their own council only.")


def upload_check(*, user, filename: str, raw: bytes) -> tuple[Upload | None, lodging.Checked]:
    """Check an uploaded CSV. A valid one is held (not yet imported) for the person to confirm.

    Raises PermissionDenied if the person may not lodge, or names an area beyond their scope."""
    scope = _scope_or_403(user)
    rows, errors = lodging.read_csv(raw)
    if errors:
        return None, lodging.Checked(errors=errors, plan=None, rows=0)
    checked = lodging.check_rows(rows, area_scope=scope)
    _refuse_other_areas(checked)
    if checked.plan is None:
        return None, checked
    upload = Upload.objects.create(
        uploaded_by=user,
        filename=filename[:255],
        content=raw.decode("utf-8-sig"),
        new_count=len(checked.plan.new),
        revised_count=len(checked.plan.revised),
        unchanged_count=checked.plan.unchanged,
    )
    return upload, checked


def upload_confirm(*, upload: Upload, user) -> lodging.Checked:
    """Import a checked upload. It is checked again first (values may have changed since, or the
    person's scope), and the whole file is saved or none of it."""
    if upload.uploaded_by_id != user.pk:
        raise PermissionDenied("Only the person who uploaded a file can confirm it.")
    scope = _scope_or_403(user)
    rows, _ = lodging.read_csv(upload.content.encode())
    with transaction.atomic():
        locked = Upload.objects.select_for_update().get(pk=upload.pk)
        if locked.status == Upload.Status.IMPORTED:
            return lodging.Checked(errors=[], plan=lodging.Plan(), rows=len(rows))
        checked = lodging.check_rows(rows, area_scope=scope)
        _refuse_other_areas(checked)
        if checked.plan is None:
            return checked
        plan_apply(plan=checked.plan, user=user, upload=locked)
        locked.status = Upload.Status.IMPORTED
        locked.imported_at = timezone.now()
        locked.new_count = len(checked.plan.new)
        locked.revised_count = len(checked.plan.revised)
        locked.unchanged_count = checked.plan.unchanged
        locked.save()
    return checked


def values_lodge(*, user, rows: list[dict]) -> lodging.Checked:
    """Lodge a JSON batch through the API: the same checks, all or nothing, no confirm step
    (the client confirms by sending it)."""
    scope = _scope_or_403(user)
    checked = lodging.check_rows(rows, area_scope=scope, first_row=1)
    _refuse_other_areas(checked)
    if checked.plan is not None:
        with transaction.atomic():
            plan_apply(plan=checked.plan, user=user)
    return checked


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, user) -> str:
    """A new personal API token; the key is shown once and only its digest kept."""
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, digest=token_digest(key))
    return key
