"""Every write to the good practice library goes through here."""

import html
import re
from dataclasses import dataclass
from decimal import Decimal

from django_comments.models import CommentFlag
from django_comments_xtd.models import XtdComment

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.sites.models import Site
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from wagtail.models import (
    GroupApprovalTask,
    Revision,
    Workflow,
    WorkflowPage,
    WorkflowState,
    WorkflowTask,
)
from wagtail.rich_text import RichText
from wagtail.users.models import UserProfile

from accounts.models import User
from accounts.roles import SITE_EDITORS_GROUP
from accounts.services import roles_ensure_groups
from home.links import absolute_url, page_absolute_url
from hub import cache
from hub.models import (
    CommentRemoval,
    GoodPracticeIndexPage,
    GoodPracticePage,
    ServiceArea,
    UsefulVote,
)
from hub.taxonomy import SERVICE_AREAS

WORKFLOW_NAME = "Good practice review"
TASK_NAME = "Site editors review"


def service_areas_ensure() -> list[ServiceArea]:
    """Create the standard service areas if missing (idempotent); editors may add more."""
    existing = {area.slug: area for area in ServiceArea.objects.all()}
    for name, description in SERVICE_AREAS:
        slug = slugify(name)
        if slug not in existing:
            existing[slug] = ServiceArea.objects.create(name=name, slug=slug, description=description)
    return sorted(existing.values(), key=lambda area: area.name)


@transaction.atomic
def review_workflow_ensure(*, index: GoodPracticeIndexPage) -> Workflow:
    """The moderation workflow for case studies: one approval task for the Site editors group."""
    roles_ensure_groups()
    editors = Group.objects.get(name=SITE_EDITORS_GROUP)
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.add(editors)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
    return workflow


# --- Submissions ----------------------------------------------------------------------


@dataclass
class Figure:
    value: Decimal
    unit: str
    description: str


def text_to_rich_text(text: str) -> str:
    """Plain text typed by an officer as paragraphs of rich text, every character escaped."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join("<p>" + html.escape(p).replace("\n", "<br/>") + "</p>" for p in paragraphs)


def rich_text_to_text(source: str) -> str:
    paragraphs = re.split(r"</p>\s*", source)
    cleaned = []
    for paragraph in paragraphs:
        text = re.sub(r"<br\s*/?>", "\n", paragraph)
        text = html.unescape(re.sub(r"<[^>]+>", "", text)).strip()
        if text:
            cleaned.append(text)
    return "\n\n".join(cleaned)


def _set_outcomes(page: GoodPracticePage, *, text: str, figure: Figure | None) -> None:
    # The form edits the first paragraph and the first figure; anything an editor added in
    # the admin (images, quotes, documents, embeds) is kept as it is.
    blocks = [(child.block_type, child.value) for child in page.outcomes]
    paragraph = ("paragraph", RichText(text_to_rich_text(text)))
    index = next((i for i, b in enumerate(blocks) if b[0] == "paragraph"), None)
    if index is None:
        blocks.insert(0, paragraph)
    else:
        blocks[index] = paragraph
    figure_index = next((i for i, b in enumerate(blocks) if b[0] == "figure"), None)
    if figure is None:
        if figure_index is not None:
            blocks.pop(figure_index)
    else:
        value = {
            "value": figure.value,
            "unit": figure.unit,
            "description": figure.description,
        }
        if figure_index is None:
            blocks.insert(1, ("figure", value))
        else:
            blocks[figure_index] = ("figure", value)
    page.outcomes = blocks


def _apply(page: GoodPracticePage, data: dict) -> None:
    for field in ("title", "summary", "challenge", "approach", "cost", "timescale"):
        if field in data:
            setattr(page, field, data[field])
    if "title" in data:
        page.draft_title = data["title"]
    if "service_area" in data:
        page.service_area = data["service_area"]
    if "organisations" in data:
        page.organisations = list(data["organisations"])
    if "themes" in data:
        page.tags.set(list(data["themes"]))
    if "outcomes_text" in data:
        _set_outcomes(page, text=data["outcomes_text"], figure=data.get("figure"))


# Paths hub/urls.py claims under /good-practice/; a case study may not take them as its slug.
RESERVED_SLUGS = {"submit", "my-submissions", "useful", "comments", "tags", "feeds"}


def _unique_slug(index: GoodPracticeIndexPage, title: str) -> str:
    base = slugify(title)[:60].strip("-") or "case-study"
    if base in RESERVED_SLUGS:
        base = f"{base}-case-study"
    taken = set(index.get_children().filter(slug__startswith=base).values_list("slug", flat=True))
    slug, counter = base, 2
    while slug in taken:
        slug = f"{base}-{counter}"
        counter += 1
    return slug


@transaction.atomic
def case_study_draft_create(*, user: User, index: GoodPracticeIndexPage, data: dict) -> GoodPracticePage:
    """Start an officer's case study as an unpublished draft owned by them."""
    page = GoodPracticePage(
        title=data["title"],
        slug=_unique_slug(index, data["title"]),
        summary=data.get("summary", ""),
        live=False,
        owner=user,
        contact=user,
    )
    _apply(page, data)
    index.add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    return page


def case_study_latest(*, page: GoodPracticePage) -> GoodPracticePage:
    """The case study as its latest revision has it (what the author last saved)."""
    return page.get_latest_revision_as_object()


@transaction.atomic
def case_study_draft_update(*, user: User, page: GoodPracticePage, data: dict) -> Revision:
    """Save part of an officer's case study as a new revision; a live version stays live."""
    if page.owner_id != user.pk:
        raise PermissionDenied("Only the author can edit this case study.")
    latest = case_study_latest(page=page)
    _apply(latest, data)
    return latest.save_revision(user=user, log_action=True)


def _missing_fields(page: GoodPracticePage) -> list[str]:
    required = {
        "summary": page.summary,
        "the challenge": page.challenge,
        "what was done": page.approach,
        "outcomes": len(page.outcomes),
        "cost": page.cost,
        "timescale": page.timescale,
        "service area": page.service_area_id,
        "organisations": list(page.organisations.all()),
    }
    return [name for name, value in required.items() if not value]


def _library_emails_instead_of_wagtails(*, user: User) -> None:
    # Wagtail also emails the submitter on approval and rejection, with links into an admin
    # that an officer cannot use. Officers get the library's own emails instead.
    if user.has_perm("wagtailadmin.access_admin"):
        return
    profile = UserProfile.get_for_user(user)
    if profile.approved_notifications or profile.rejected_notifications:
        profile.approved_notifications = False
        profile.rejected_notifications = False
        profile.save(update_fields=["approved_notifications", "rejected_notifications"])


@transaction.atomic
def case_study_submit(*, user: User, page: GoodPracticePage) -> WorkflowState:
    """Send the latest revision to the editors' review; resubmits after changes were asked for."""
    if page.owner_id != user.pk:
        raise PermissionDenied("Only the author can submit this case study.")
    missing = _missing_fields(case_study_latest(page=page))
    if missing:
        raise ValidationError(f"Complete these before submitting: {', '.join(missing)}.")
    workflow = page.get_workflow() or review_workflow_ensure(index=page.get_parent().specific)
    _library_emails_instead_of_wagtails(user=user)
    state = page.current_workflow_state
    if state is not None:
        # Changes were asked for, or it is already in review: start again so the reviewers
        # see, and approval publishes, the newest revision.
        state.cancel(user=user)
    return workflow.start(page, user)


def _send(*, to: str, subject: str, template: str, context: dict) -> None:
    body = render_to_string(template, context)
    send_mail(
        f"Knowledge Hub: {subject}",
        body,
        settings.DEFAULT_FROM_EMAIL,
        [to],
        fail_silently=False,
    )


def case_study_notify_published(*, workflow_state: WorkflowState) -> None:
    """After an editor approves: tell the author their case study is live (after commit)."""
    page = workflow_state.content_object.specific
    if not isinstance(page, GoodPracticePage):
        return
    author = page.owner
    cache.bump()
    if author is None or not author.email:
        return
    context = {"author": author, "page": page, "url": page_absolute_url(page)}
    transaction.on_commit(
        lambda: _send(
            to=author.email,
            subject=f"your case study “{page.title}” is published",
            template="hub/email/case_study_published.txt",
            context=context,
        )
    )


def case_study_notify_rejected(*, workflow_state: WorkflowState) -> None:
    """After an editor asks for changes: tell the author, with the editor's comment."""
    page = workflow_state.content_object.specific
    if not isinstance(page, GoodPracticePage):
        return
    author = page.owner
    if author is None or not author.email:
        return
    task_state = workflow_state.current_task_state
    context = {
        "author": author,
        "page": page,
        "comment": task_state.get_comment() if task_state else "",
        "url": absolute_url("/good-practice/my-submissions/"),
    }
    transaction.on_commit(
        lambda: _send(
            to=author.email,
            subject=f"changes requested to “{page.draft_title}”",
            template="hub/email/case_study_rejected.txt",
            context=context,
        )
    )


# --- Useful votes -----------------------------------------------------------------------


@transaction.atomic
def useful_vote_toggle(*, user: User, page: GoodPracticePage) -> bool:
    """Mark or unmark a case study as useful; returns whether the user now counts as a vote."""
    deleted, _ = UsefulVote.objects.filter(user=user, page=page).delete()
    voted = False
    if not deleted:
        try:
            with transaction.atomic():
                UsefulVote.objects.create(user=user, page=page)
            voted = True
        except IntegrityError:
            # A double click raced us: the vote exists, which is what the user asked for.
            voted = True
    transaction.on_commit(cache.bump)
    return voted


# --- Comments ---------------------------------------------------------------------------

MAX_COMMENT_LEVEL = getattr(settings, "COMMENTS_XTD_MAX_THREAD_LEVEL", 3)


@transaction.atomic
def comment_create(
    *,
    user: User,
    page: GoodPracticePage,
    text: str,
    parent: XtdComment | None = None,
) -> XtdComment:
    """Post a comment (or a reply) on a live case study as a signed-in user."""
    if not user.is_authenticated:
        raise PermissionDenied("Sign in to comment.")
    if not page.live:
        raise PermissionDenied("Comments are only open on published case studies.")
    if parent is not None:
        if parent.object_pk != str(page.pk) or parent.is_removed:
            raise ValidationError("You cannot reply to that comment.")
        if parent.level >= MAX_COMMENT_LEVEL:
            raise ValidationError("Replies cannot be nested any deeper.")
    comment = XtdComment(
        content_object=page,
        site=Site.objects.get_current(),
        user=user,
        user_name=str(user)[:50],
        user_email=user.email,
        comment=text,
        submit_date=timezone.now(),
        is_public=True,
        is_removed=False,
        parent_id=parent.pk if parent else 0,
    )
    comment.save()
    transaction.on_commit(cache.bump)
    return comment


@transaction.atomic
def comment_flag(*, user: User, comment: XtdComment) -> bool:
    """Ask moderators to look at a comment; returns False if this user had already flagged it."""
    _, created = CommentFlag.objects.get_or_create(
        user=user,
        comment=comment,
        flag=CommentFlag.SUGGEST_REMOVAL,
        defaults={"flag_date": timezone.now()},
    )
    return created


@transaction.atomic
def comment_remove(*, moderator: User, comment: XtdComment, reason: str) -> CommentRemoval:
    """Remove a comment with a reason, and tell its author why (after commit)."""
    from accounts.roles import is_site_moderator

    if not is_site_moderator(moderator):
        raise PermissionDenied("Only moderators can remove comments.")
    # update(), not save(): django-comments-xtd's pre_save handler would also withhold every
    # reply. Replies stay up under a "removed" placeholder; a bad reply is flagged on its own.
    XtdComment.objects.filter(pk=comment.pk).update(is_removed=True)
    comment.is_removed = True
    CommentFlag.objects.get_or_create(
        user=moderator,
        comment=comment,
        flag=CommentFlag.MODERATOR_DELETION,
        defaults={"flag_date": timezone.now()},
    )
    removal, _ = CommentRemoval.objects.update_or_create(
        comment=comment, defaults={"moderator": moderator, "reason": reason}
    )
    transaction.on_commit(cache.bump)
    author = comment.user
    if author is not None and author.email:
        page = comment.content_object
        context = {
            "author": author,
            "comment": comment,
            "reason": reason,
            "page": page,
            "url": page_absolute_url(page) if page else "",
        }
        transaction.on_commit(
            lambda: _send(
                to=author.email,
                subject="a moderator removed your comment",
                template="hub/email/comment_removed.txt",
                context=context,
            )
        )
    return removal


@transaction.atomic
def comment_keep(*, moderator: User, comment: XtdComment) -> None:
    """Clear a comment from the queue: a moderator looked and it can stay."""
    from accounts.roles import is_site_moderator

    if not is_site_moderator(moderator):
        raise PermissionDenied("Only moderators can moderate comments.")
    CommentFlag.objects.get_or_create(
        user=moderator,
        comment=comment,
        flag=CommentFlag.MODERATOR_APPROVAL,
        defaults={"flag_date": timezone.now()},
    )
