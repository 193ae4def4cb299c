"""Thin views: check access, validate a form, call a service or selector, render.

Anything a viewer may not read answers 404, so private communities cannot be discovered by
guessing addresses.
"""

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from communities import fragments, selectors, services
from communities.forms import (
    EditReplyForm,
    FrequencyForm,
    HiddenDecisionForm,
    InviteForm,
    LibraryAccessForm,
    LibraryUploadForm,
    ModerationForm,
    QuoteQueryForm,
    ReplyForm,
    ReportForm,
    RequestForm,
    RoleForm,
    SuspendForm,
    ThreadForm,
)
from communities.models import (
    CommunityPage,
    Invitation,
    LibraryFile,
    Membership,
    Reply,
    Report,
    ReportState,
    member_filter,
)
from communities.permissions import CommunityAccess, can_remove_library_file, community_access
from home.links import absolute_url, page_absolute_url


def _community(request, slug: str, *, need: str = "can_see_page", suspended_too: bool = False):
    """The community and the viewer's access, or 404 when the viewer lacks `need`.

    `suspended_too`: a suspended member gets through as well (of any community, private ones
    included, which they know of), so the view can tell them of their suspension.
    """
    community = CommunityPage.objects.live().filter(slug=slug).first()
    if community is None:
        raise Http404
    access = community_access(community=community, user=request.user)
    if suspended_too and access.is_suspended:
        return community, access
    if not access.can_see_page or not getattr(access, need):
        raise Http404
    return community, access


def _thread(request, community, thread_id: int, access: CommunityAccess, *, for_page: bool = False):
    """A thread the viewer may open: hidden and removed ones only to moderators and the author."""
    thread = selectors.thread_get(community=community, thread_id=thread_id, for_page=for_page)
    if thread is None:
        raise Http404
    is_author = request.user.is_authenticated and thread.author_id == request.user.pk
    if not thread.is_visible and not (access.can_moderate or is_author):
        raise Http404
    return thread


# --- Membership -----------------------------------------------------------------------


@login_required
@require_POST
def community_join(request, slug):
    community, _access = _community(request, slug)
    try:
        services.membership_join(community=community, user=request.user)
    except PermissionDenied as error:
        messages.error(request, str(error))
    except services.MembershipStateError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"You have joined {community.title}.")
    return redirect(community.url)


@login_required
def community_request(request, slug):
    community, _access = _community(request, slug, need="can_request")
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.membership_request(
            community=community,
            user=request.user,
            message=form.cleaned_data["message"],
        )
        messages.success(
            request,
            "Your request has been sent. A facilitator will decide, and we will tell you.",
        )
        return redirect(community.url)
    return render(
        request,
        "communities/request_form.html",
        {"community": community, "form": form},
    )


@login_required
def community_leave(request, slug):
    # Suspended members are asked too: the service tells them why they cannot leave yet.
    community, access = _community(request, slug, need="is_member", suspended_too=True)
    if request.method == "POST":
        try:
            services.membership_leave(membership=access.membership)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect(request.path)
        messages.success(request, f"You have left {community.title}.")
        return redirect("/communities/")
    return render(request, "communities/leave.html", {"community": community, "access": access})


@login_required
@require_POST
def community_email(request, slug):
    community, access = _community(request, slug, need="is_member")
    form = FrequencyForm(request.POST)
    if form.is_valid():
        services.membership_set_frequency(
            membership=access.membership,
            frequency=form.cleaned_data["email_frequency"],
        )
        messages.success(request, "Your email settings have been saved.")
    return redirect(community.url)


@login_required
def community_members(request, slug):
    community, access = _community(request, slug, need="can_read")
    if not access.can_facilitate and not access.can_moderate:
        raise Http404
    return render(
        request,
        "communities/members.html",
        {
            "page": community,
            "community": community,
            "access": access,
            "members": selectors.community_members(community=community),
            "role_form": RoleForm(),
            "suspend_form": SuspendForm(),
        },
    )


@login_required
@require_POST
def community_member_action(request, slug, membership_id, action):
    community, _access = _community(request, slug, need="can_moderate")
    membership = get_object_or_404(
        Membership.objects.select_related("user", "community"),
        pk=membership_id,
        community=community,
    )
    members_url = reverse("communities:members", kwargs={"slug": slug})
    try:
        response = _member_action(request, community, membership, action)
    except services.MembershipStateError as error:
        # The membership changed state since the page was drawn (or the request was forged).
        messages.error(request, error.messages[0])
        return redirect(members_url)
    return response or redirect(members_url)


def _member_action(request, community, membership, action):
    """Do `action` to `membership`; a response only when a form must be shown again."""
    if action in ("approve", "refuse"):
        services.membership_decide(membership=membership, actor=request.user, approve=action == "approve")
        messages.success(request, f"{membership.user} has been {'approved' if action == 'approve' else 'refused'}.")
    elif action == "role":
        form = RoleForm(request.POST)
        if form.is_valid():
            services.membership_set_role(membership=membership, actor=request.user, role=form.cleaned_data["role"])
            messages.success(request, f"{membership.user}'s role has been changed.")
    elif action == "remove":
        services.membership_remove(membership=membership, actor=request.user)
        messages.success(request, f"{membership.user} has been removed.")
    elif action == "suspend":
        form = SuspendForm(request.POST)
        if not form.is_valid():
            return render(
                request,
                "communities/suspend.html",
                {"community": community, "membership": membership, "form": form},
            )
        services.membership_suspend(
            membership=membership,
            actor=request.user,
            days=form.cleaned_data["days"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, f"{membership.user} has been suspended.")
    else:
        raise Http404
    return None


@login_required
def community_invite(request, slug):
    community, _access = _community(request, slug, need="can_facilitate")
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.membership_invite(community=community, actor=request.user, email=form.cleaned_data["email"])
        messages.success(request, f"An invitation was sent to {form.cleaned_data['email']}.")
        return redirect(reverse("communities:invite", kwargs={"slug": slug}))
    return render(request, "communities/invite.html", {"community": community, "form": form})


def invitation(request, token):
    invite = get_object_or_404(Invitation.objects.select_related("community"), token=token)
    community = invite.community
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        try:
            services.invitation_accept(invitation=invite, user=request.user)
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, str(getattr(error, "message", error)))
            return redirect(request.path)
        messages.success(request, f"Welcome to {community.title}.")
        return redirect(community.url)
    return render(
        request,
        "communities/invitation.html",
        {"invitation": invite, "community": community},
    )


# --- Discussion -------------------------------------------------------------------------


@login_required
def thread_create(request, slug):
    community, access = _community(request, slug, need="can_post", suspended_too=True)
    if access.is_suspended:
        # Forbidden, and told why and until when, in the site's layout: not a "page not found".
        return render(request, "communities/suspended.html", {"community": community, "access": access}, status=403)
    form = ThreadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.thread_create(
                community=community,
                author=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                tags=form.cleaned_data["tags"],
            )
        except services.PostingTooFast as error:
            form.add_error(None, str(error))
        else:
            return redirect(thread.get_absolute_url())
    return render(
        request,
        "communities/thread_form.html",
        {"community": community, "form": form},
    )


def thread_detail(request, slug, thread_id):
    community, access = _community(request, slug, need="can_read")
    thread = _thread(request, community, thread_id, access, for_page=True)
    form = ReplyForm(request.POST or None)
    if request.method == "POST":
        if not access.can_post:
            raise Http404
        if form.is_valid():
            quote = None
            if form.cleaned_data.get("quote"):
                quote = Reply.objects.filter(pk=form.cleaned_data["quote"], thread=thread).first()
            try:
                reply = services.reply_create(
                    thread=thread,
                    author=request.user,
                    body=form.cleaned_data["body"],
                    quote=quote,
                )
            except services.PostingTooFast as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                form.add_error(None, error.messages[0])
            else:
                return HttpResponseRedirect(f"{thread.get_absolute_url()}?page=last#reply-{reply.pk}")
    quoting = None
    query = QuoteQueryForm(request.GET)
    if request.method == "GET" and query.is_valid() and query.cleaned_data["quote"]:
        quoting = (
            Reply.objects.filter(pk=query.cleaned_data["quote"], thread=thread, state="visible")
            .select_related("author")
            .first()
        )
        if quoting:
            form = ReplyForm(initial={"quote": quoting.pk})
    # The log head was read with the thread, before the replies: anything committed in between is
    # both shown and replayed (the page drops the repeat), rather than neither.
    last_event_id = thread.log_seq or 0
    replies = selectors.thread_replies(thread=thread, page_number=request.GET.get("page", 1))
    shown = fragments.replies_html(replies, request=request, community=community, thread=thread, access=access)
    return render(
        request,
        "communities/thread.html",
        {
            "page": community,
            "community": community,
            "thread": thread,
            "access": access,
            "replies": replies,
            "replies_html": shown,
            "page_obj": replies,
            "form": form,
            "quoting": quoting,
            "last_event_id": last_event_id,
        },
    )


def reply_fragment(request, slug, thread_id, reply_id):
    """One reply as the thread page shows it to this viewer: what a live update inserts.

    The socket says only which reply changed; the page fetches it here, rendered with the
    thread page's own template for the viewer asking (their moderation controls, the names
    and organisations their profile settings allow), so a live reply and a reloaded one are
    the same HTML and nothing is sent to someone who may not see it.
    """
    community, access = _community(request, slug, need="can_read")
    thread = _thread(request, community, thread_id, access)
    reply = selectors.reply_get(thread=thread, reply_id=reply_id)
    if reply is None:
        raise Http404
    [html] = fragments.replies_html([reply], request=request, community=community, thread=thread, access=access)
    response = HttpResponse(html)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def thread_edit(request, slug, thread_id):
    community, access = _community(request, slug, need="can_post")
    thread = _thread(request, community, thread_id, access)
    if thread.author_id != request.user.pk:
        raise Http404
    form = ThreadForm(
        request.POST or None,
        initial={
            "title": thread.title,
            "body": thread.body,
            "tags": ", ".join(tag.name for tag in thread.tags.all()),
        },
    )
    if request.method == "POST" and form.is_valid():
        services.thread_edit(
            thread=thread,
            editor=request.user,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
        )
        return redirect(thread.get_absolute_url())
    return render(
        request,
        "communities/thread_form.html",
        {"community": community, "form": form, "thread": thread},
    )


@login_required
@require_POST
def thread_moderate(request, slug, thread_id):
    community, access = _community(request, slug, need="can_moderate")
    thread = _thread(request, community, thread_id, access)
    flag = request.POST.get("flag")
    value = request.POST.get("value") == "1"
    if flag == "pin":
        services.thread_set_flags(thread=thread, actor=request.user, pinned=value)
    elif flag == "lock":
        services.thread_set_flags(thread=thread, actor=request.user, locked=value)
    else:
        raise Http404
    messages.success(request, "The thread has been updated.")
    return redirect(thread.get_absolute_url())


def _own_reply(request, slug, reply_id):
    community, _access = _community(request, slug, need="can_post")
    reply = get_object_or_404(
        Reply.objects.select_related("thread", "thread__community"),
        pk=reply_id,
        thread__community=community,
        author=request.user,
        state="visible",
    )
    return community, reply


@login_required
def reply_edit(request, slug, reply_id):
    community, reply = _own_reply(request, slug, reply_id)
    form = EditReplyForm(request.POST or None, initial={"body": reply.body})
    if request.method == "POST" and form.is_valid():
        services.reply_edit(reply=reply, editor=request.user, body=form.cleaned_data["body"])
        return redirect(f"{reply.thread.get_absolute_url()}?page=last#reply-{reply.pk}")
    return render(
        request,
        "communities/reply_edit.html",
        {"community": community, "reply": reply, "form": form},
    )


@login_required
def reply_delete(request, slug, reply_id):
    community, reply = _own_reply(request, slug, reply_id)
    if request.method == "POST":
        services.reply_delete(reply=reply, actor=request.user)
        messages.success(request, "Your reply has been deleted.")
        return redirect(reply.thread.get_absolute_url())
    return render(
        request,
        "communities/reply_delete.html",
        {"community": community, "reply": reply},
    )


# --- Moderation -------------------------------------------------------------------------


@login_required
def report_create(request, slug, thread_id, reply_id=None):
    community, access = _community(request, slug, need="is_member")
    thread = _thread(request, community, thread_id, access)
    reply = None
    if reply_id is not None:
        reply = get_object_or_404(Reply, pk=reply_id, thread=thread)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.report_create(
            reporter=request.user,
            thread=thread,
            reply=reply,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, "Thank you. The community's moderators will look at your report.")
        return redirect(thread.get_absolute_url())
    return render(
        request,
        "communities/report_form.html",
        {"community": community, "thread": thread, "reply": reply, "form": form},
    )


@login_required
def moderation_queue(request, slug=None):
    community = None
    if slug is not None:
        community, _access = _community(request, slug, need="can_moderate")
    reports = list(selectors.moderation_queue(user=request.user, community=community))
    hidden = selectors.hidden_posts(user=request.user, community=community)
    if community is None and not reports and not hidden and not _moderates_anything(request.user):
        raise Http404
    return render(
        request,
        "communities/moderation_queue.html",
        {
            "community": community,
            "reports": reports,
            "hidden": hidden,
            "form": ModerationForm(),
        },
    )


@login_required
def hidden_post_decide(request, slug, thread_id=None, reply_id=None):
    """Restore or remove a post hidden while a moderator looked into it (moderators only)."""
    community, _access = _community(request, slug, need="can_moderate")
    target = selectors.hidden_post_get(community=community, thread_id=thread_id, reply_id=reply_id)
    if target is None:
        raise Http404
    form = HiddenDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.hidden_post_decide(
                target=target,
                actor=request.user,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            shown = form.cleaned_data["action"] == "restore"
            messages.success(request, "The post is shown again." if shown else "The post has been removed.")
        return redirect(reverse("communities:moderation", kwargs={"slug": slug}))
    return render(
        request,
        "communities/hidden_post_decide.html",
        {"community": community, "post": target, "is_reply": reply_id is not None, "form": form},
    )


def _moderates_anything(user) -> bool:
    from accounts.roles import is_site_moderator

    return (
        is_site_moderator(user)
        or Membership.objects.filter(member_filter(), user=user, role__in=["moderator", "facilitator"]).exists()
    )


@login_required
def report_resolve(request, report_id):
    report = get_object_or_404(
        Report.objects.select_related("community", "thread", "thread__community", "reply", "reply__author"),
        pk=report_id,
    )
    access = community_access(community=report.community, user=request.user)
    if not access.can_moderate:
        raise Http404
    form = ModerationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if report.state != ReportState.OPEN:
            messages.error(request, "Someone has already dealt with this report.")
        else:
            services.report_resolve(
                report=report,
                actor=request.user,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, "The report has been dealt with.")
        return redirect(reverse("communities:moderation", kwargs={"slug": report.community.slug}))
    return render(
        request,
        "communities/report_resolve.html",
        {"report": report, "community": report.community, "form": form},
    )


@login_required
def community_settings(request, slug):
    """Facilitators' settings: who may open the library, with what each choice means here."""
    community, _access = _community(request, slug, need="can_facilitate")
    form = LibraryAccessForm(request.POST or None, initial={"library_access": community.library_access})
    if request.method == "POST" and form.is_valid():
        services.community_set_library_access(
            community=community, actor=request.user, library_access=form.cleaned_data["library_access"]
        )
        messages.success(request, "The library settings have been saved.")
        return redirect(reverse("communities:settings", kwargs={"slug": slug}))
    return render(request, "communities/settings.html", {"community": community, "form": form})


@login_required
def audit_log(request, slug):
    community, _access = _community(request, slug, need="can_facilitate")
    return render(
        request,
        "communities/audit.html",
        {
            "community": community,
            "entries": selectors.audit_list(community=community, page_number=request.GET.get("page", 1)),
        },
    )


# --- Feed, library, notifications, unsubscribe ----------------------------------------


class CommunityFeed(Feed):
    """Newest threads as RSS, for viewers who may read the community."""

    feed_type = Rss201rev2Feed

    def get_object(self, request, slug):
        community, _ = _community(request, slug, need="can_read")
        return community

    def title(self, community):
        return f"{community.title}: new threads"

    def link(self, community):
        return page_absolute_url(community)

    def description(self, community):
        return community.summary

    def items(self, community):
        return selectors.community_threads_feed(community=community)

    def item_title(self, thread):
        return thread.title

    def item_description(self, thread):
        return thread.body_html

    def item_link(self, thread):
        return absolute_url(thread.get_absolute_url())

    def item_pubdate(self, thread):
        return thread.created_at


def library(request, slug):
    community, access = _community(request, slug, need="can_read_library")
    form = LibraryUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not access.can_post:
            raise Http404
        if form.is_valid():
            try:
                services.library_file_add(
                    community=community,
                    actor=request.user,
                    title=form.cleaned_data["title"],
                    upload=form.cleaned_data["file"],
                    folder_name=form.cleaned_data["folder"],
                )
            except ValidationError as error:
                form.add_error("file", error.messages[0])
            else:
                messages.success(request, "The file has been added to the library.")
                return redirect(reverse("communities:library", kwargs={"slug": slug}))
    files = selectors.library_list(community=community)
    return render(
        request,
        "communities/library.html",
        {
            "community": community,
            "access": access,
            "files": files,
            "removable": {
                document.pk
                for document in files
                if can_remove_library_file(access=access, document=document, user=request.user)
            },
            "form": form,
        },
    )


def library_download(request, slug, file_id):
    community, _access = _community(request, slug, need="can_read_library")
    document = get_object_or_404(LibraryFile, pk=file_id, community=community)
    content_type = mimetypes.guess_type(document.original_name)[0] or "application/octet-stream"
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def library_file_remove(request, slug, file_id):
    """Confirm, then remove a library file; someone who may not remove it is refused (403)."""
    community, access = _community(request, slug, need="can_read_library")
    document = get_object_or_404(
        LibraryFile.objects.select_related("community", "uploaded_by"), pk=file_id, community=community
    )
    if not can_remove_library_file(access=access, document=document, user=request.user):
        raise PermissionDenied("You cannot remove this file.")
    if request.method == "POST":
        services.library_file_remove(file=document, actor=request.user)
        # The message does not repeat the title: once removed, it is shown nowhere.
        messages.success(request, "The file has been removed from the library.")
        return redirect(reverse("communities:library", kwargs={"slug": slug}))
    return render(
        request,
        "communities/library_file_remove.html",
        {"community": community, "document": document},
    )


@login_required
def notifications(request):
    if request.method == "POST":
        services.notifications_mark_read(user=request.user)
        messages.success(request, "All notifications are marked as read.")
        return redirect(reverse("communities:notifications"))
    return render(
        request,
        "communities/notifications.html",
        {
            "notifications": selectors.notification_list(user=request.user, page_number=request.GET.get("page", 1)),
            "unread": selectors.notification_unread_count(user=request.user),
            "memberships": selectors.my_memberships(user=request.user),
        },
    )


@csrf_exempt  # mail clients POST here (RFC 8058); the signed token is the credential
def unsubscribe(request, token):
    """One click from an email: no sign-in needed; the token names one membership."""
    from communities.emails import membership_id_from_token

    membership_id = membership_id_from_token(token)
    if membership_id is None:
        raise Http404
    membership = get_object_or_404(Membership.objects.select_related("community"), pk=membership_id)
    done = False
    if request.method == "POST":
        membership = services.membership_unsubscribe(token=token)
        done = True
    return render(
        request,
        "communities/unsubscribe.html",
        {"membership": membership, "done": done, "community": membership.community},
    )
