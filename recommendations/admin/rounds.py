"""The reporting rounds in the admin: the secretariat opens a round, follows it on its page (per
owner and side: due, reported, confirmed unchanged, outstanding; the owners nobody could be
called for; the outstanding items and a CSV of them; every mail of the round with its state, a
"Send now" for the outbox, "Send the reminders now" and the call sent again to one official or
one owner), and closes it or publishes the Council's report from there, each after a
confirmation."""

import csv
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from recommendations.admin.confirmations import report_confirmations
from recommendations.models import (
    Council,
    Edition,
    Official,
    Owner,
    Publication,
    Recommendation,
    ReportingRound,
)
from recommendations.reporting.preview import edition_preview
from recommendations.rules import permissions
from recommendations.rules.cells import neutralise
from recommendations.services import outbox, round_mail
from recommendations.services.editions import request_publication
from recommendations.services.rounds import check_may_open, close_round, open_round
from recommendations.tallies.rounds import owners_without_officials, round_progress


def seen_edition(request: HttpRequest) -> int | None:
    """The edition the publish page showed (0 for none), so that a correction is not published
    over one published since."""
    seen = request.POST.get("seen_edition", "")
    return int(seen) if seen.isdigit() else None


class OpenRoundForm(forms.ModelForm):
    class Meta:
        model = ReportingRound
        fields = ["council", "deadline", "message"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the Councils a round can be opened for (check_may_open): those still to come.
        council = cast(forms.ModelChoiceField, self.fields["council"])
        council.queryset = Council.objects.filter(
            Q(date__isnull=True) | Q(date__gte=timezone.localdate())
        ).order_by("number")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("council") and cleaned.get("deadline"):
            check_may_open(council=cleaned["council"], deadline=cleaned["deadline"])
        return cleaned


@admin.register(ReportingRound)
class ReportingRoundAdmin(admin.ModelAdmin):
    list_display = ["__str__", "deadline", "opened_at", "closed_at"]
    list_select_related = ["council"]
    form = OpenRoundForm

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.is_secretariat(request.user)

    def has_view_permission(self, request: HttpRequest, obj: ReportingRound | None = None) -> bool:
        return permissions.is_secretariat(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return permissions.is_secretariat(request.user)

    def has_change_permission(
        self, request: HttpRequest, obj: ReportingRound | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: ReportingRound | None = None
    ) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/progress/",
                view(self.progress_view),
                name="recommendations_reportinground_progress",
            ),
            path(
                "<int:pk>/outstanding.csv",
                view(self.outstanding_csv),
                name="recommendations_reportinground_outstanding",
            ),
            path(
                "<int:pk>/close/",
                view(self.close_view),
                name="recommendations_reportinground_close",
            ),
            path(
                "confirm/<int:recommendation_pk>/",
                view(self.confirm_view),
                name="recommendations_reportinground_confirm",
            ),
            path(
                "<int:pk>/publish/",
                view(self.publish_view),
                name="recommendations_reportinground_publish",
            ),
            path(
                "<int:pk>/remind/",
                view(self.remind_view),
                name="recommendations_reportinground_remind",
            ),
            path(
                "<int:pk>/resend/",
                view(self.resend_view),
                name="recommendations_reportinground_resend",
            ),
            path(
                "<int:pk>/send-mail/",
                view(self.send_mail_view),
                name="recommendations_reportinground_send_mail",
            ),
            *super().get_urls(),
        ]

    def save_model(
        self,
        request: HttpRequest,
        obj: ReportingRound,
        form: "forms.ModelForm[ReportingRound]",
        change: bool,
    ) -> None:
        # The service opens the round and sends the calls; the admin shows the row it made.
        opened = open_round(
            council=obj.council,
            deadline=obj.deadline,
            message=obj.message,
            author=permissions.signed_in_user(request),
        )
        obj.pk, obj.opened_at = opened.pk, opened.opened_at

    def response_add(
        self, request: HttpRequest, obj: ReportingRound, post_url_continue: str | None = None
    ) -> HttpResponse:
        self.message_user(
            request,
            _(
                "The round is open: %(count)d officials were called on to report. Their mails "
                "are sent from the outbox once the round is saved; the round's page says if any "
                "still wait."
            )
            % {"count": obj.mails.count()},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(obj.get_absolute_url())

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # Said before the round opens: these owners' items would be asked of nobody.
        extra_context = {"uncalled": owners_without_officials(), **(extra_context or {})}
        return super().add_view(request, form_url, extra_context)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        return HttpResponseRedirect(
            reverse("admin:recommendations_reportinground_progress", args=[object_id])
        )

    def _round(self, request: HttpRequest, pk: int) -> ReportingRound:
        if not permissions.is_secretariat(request.user):
            raise PermissionDenied
        return get_object_or_404(ReportingRound.objects.select_related("council"), pk=pk)

    def _context(
        self, request: HttpRequest, reporting_round: ReportingRound, **extra: object
    ) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "round": reporting_round,
            "title": str(reporting_round),
            **extra,
        }

    def progress_view(self, request: HttpRequest, pk: int) -> TemplateResponse:
        reporting_round = self._round(request, pk)
        context = self._context(
            request,
            reporting_round,
            progress=round_progress(reporting_round),
            edition=Edition.objects.current_of(reporting_round.council),
            overdue=reporting_round.is_open and reporting_round.deadline < timezone.localdate(),
            waiting_mails=outbox.waiting(),
            mail_lines=round_mail.mail_lines(reporting_round),
        )
        return TemplateResponse(request, "admin/recommendations/round/progress.html", context)

    def outstanding_csv(self, request: HttpRequest, pk: int) -> HttpResponse:
        reporting_round = self._round(request, pk)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        name = f"council-{reporting_round.council.number}-outstanding.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow([_("Reference"), _("Recommendation"), _("Owners still to report")])
        for item in round_progress(reporting_round).outstanding:
            writer.writerow(
                [neutralise(value) for value in (item.reference, item.text, item.owner_names)]
            )
        return response

    def confirm_view(self, request: HttpRequest, recommendation_pk: int) -> HttpResponse:
        """An official's one-click "No change since the last report" on one item."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        recommendation = get_object_or_404(Recommendation, pk=recommendation_pk)
        report_confirmations(self, request, [recommendation])
        return HttpResponseRedirect(
            reverse("admin:recommendations_recommendation_change", args=[recommendation.pk])
        )

    def close_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        reporting_round = self._round(request, pk)
        if request.method == "POST":
            close_round(reporting_round=reporting_round)
            self.message_user(request, _("The round is closed."), messages.SUCCESS)
            return HttpResponseRedirect(reporting_round.get_absolute_url())
        return TemplateResponse(
            request,
            "admin/recommendations/round/confirm.html",
            self._context(request, reporting_round, action="close"),
        )

    def send_mail_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The round page's "Send now": deliver the outbox at once instead of at the next
        send_reminders, and say what was sent, what failed and what still waits."""
        reporting_round = self._round(request, pk)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        delivery = outbox.deliver()
        counts = _("Outbox: %(sent)d mail(s) sent, %(failed)d failed, %(waiting)d waiting.") % {
            "sent": delivery.sent,
            "failed": delivery.failed,
            "waiting": delivery.waiting,
        }
        if delivery.failed:
            counts += " " + _("Last failure: %(error)s") % {"error": delivery.error}
        level = messages.WARNING if delivery.waiting else messages.SUCCESS
        self.message_user(request, counts, level)
        return HttpResponseRedirect(reporting_round.get_absolute_url())

    def remind_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """ "Send the reminders now": asks first (who is behind), then queues a reminder to
        every official with items outstanding and sends them once the request commits."""
        reporting_round = self._round(request, pk)
        if request.method == "POST" and reporting_round.is_open:
            queued = round_mail.queue_reminders_now(reporting_round, today=timezone.localdate())
            outbox.deliver_after_commit()
            self.message_user(
                request,
                ngettext(
                    "%(count)d reminder queued; the round's list of mails says when it went.",
                    "%(count)d reminders queued; the round's list of mails says when they went.",
                    queued,
                )
                % {"count": queued},
                messages.SUCCESS if queued else messages.WARNING,
            )
            return HttpResponseRedirect(reporting_round.get_absolute_url())
        behind = [entry for entry in round_progress(reporting_round).owners if entry.outstanding]
        return TemplateResponse(
            request,
            "admin/recommendations/round/mail_confirm.html",
            self._context(request, reporting_round, action="remind", behind=behind),
        )

    def resend_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The call for updates again, to one official (`official`) or one owner (`owner`):
        asks first, then queues it and sends it once the request commits."""
        reporting_round = self._round(request, pk)
        data = request.POST if request.method == "POST" else request.GET
        official = owner = None
        if data.get("official", "").isdigit():
            official = get_object_or_404(
                Official.objects.select_related("user", "owner"), pk=data["official"]
            )
        elif data.get("owner", "").isdigit():
            owner = get_object_or_404(Owner, pk=data["owner"])
        else:
            return HttpResponseRedirect(reporting_round.get_absolute_url())
        if request.method == "POST" and reporting_round.is_open:
            queued = round_mail.resend_call(
                reporting_round, today=timezone.localdate(), official=official, owner=owner
            )
            outbox.deliver_after_commit()
            if queued:
                text = ngettext(
                    "The call was sent again: %(count)d mail queued.",
                    "The call was sent again: %(count)d mails queued.",
                    queued,
                ) % {"count": queued}
            else:
                text = _(
                    "Nothing was sent: no active official with an e-mail address, or no item "
                    "due from this owner."
                )
            self.message_user(request, text, messages.SUCCESS if queued else messages.WARNING)
            return HttpResponseRedirect(reporting_round.get_absolute_url())
        return TemplateResponse(
            request,
            "admin/recommendations/round/mail_confirm.html",
            self._context(
                request, reporting_round, action="resend", official=official, owner=owner
            ),
        )

    def publish_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        reporting_round = self._round(request, pk)
        council = reporting_round.council
        published = Edition.objects.current_of(council)
        errors: list[str] = []
        if request.method == "POST":
            try:
                publication = request_publication(
                    council=council,
                    author=permissions.signed_in_user(request),
                    reason=request.POST.get("reason", ""),
                    on_top_of=seen_edition(request),
                )
            except ValidationError as error:
                errors = error.messages
            else:
                if publication.step == Publication.Step.DONE:
                    # Carried out at once (no worker in between): said as before.
                    self.message_user(
                        request,
                        _("Published: %(edition)s.") % {"edition": publication.edition},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reporting_round.get_absolute_url())
                if publication.step == Publication.Step.FAILED:
                    errors = [publication.error]
                else:
                    return HttpResponseRedirect(publication.get_absolute_url())
        return TemplateResponse(
            request,
            "admin/recommendations/round/confirm.html",
            self._context(
                request,
                reporting_round,
                action="publish",
                published=published,
                errors=errors,
                preview=edition_preview(council=council, today=timezone.localdate()),
                outstanding_owners=[
                    owner for owner in round_progress(reporting_round).owners if owner.outstanding
                ],
                # Their Japanese was made from an English text changed since: the Japanese
                # edition would carry it, flagged, unless officials check it first.
                out_of_date=Recommendation.objects.public()
                .translation_out_of_date()
                .order_by("topic__position", "sequence")
                .only("pk", "reference"),
            ),
        )
