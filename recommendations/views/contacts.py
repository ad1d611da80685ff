"""The recommending organisations' own pages: a contact asks for a sign-in link, follows it, and
gives their organisation's view of each of its recommendations.

Signing in sets one session key (the contact's row), never a Django account: the admin's
sign-in and rights know nothing of it, and a contact reaches only these pages and only their
organisation's items. None of the pages is cached."""

import datetime
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from recommendations.models import OrganisationContact, StakeholderView
from recommendations.services import stakeholder_views
from recommendations.services.alerts import allow
from recommendations.sign_in.lockout import client_address

# The session key that marks a contact signed in: their row's id.
SESSION_KEY = "stakeholder_contact"
# So that the form cannot be used to flood inboxes: link requests per client an hour.
REQUESTS_PER_CLIENT = 10
REQUESTS_WINDOW = datetime.timedelta(hours=1)


class SignInForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Your organisation's contact address"))


class ViewForm(forms.Form):
    answer = forms.ChoiceField(
        label=gettext_lazy("Does what has been done answer your recommendation?"),
        choices=StakeholderView.Answer.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy(
                "Choose how far what has been done answers your recommendation."
            )
        },
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment (optional)"),
        required=False,
        max_length=stakeholder_views.COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


def _message(request: HttpRequest, title: str, text: str, *, status: int = 200) -> HttpResponse:
    return render(request, "contacts/message.html", {"title": title, "text": text}, status=status)


def contact_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The page for a signed-in contact only; anyone else is sent to the sign-in form."""

    @wraps(view)
    def wrapped(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        contact = stakeholder_views.contact_of(request.session.get(SESSION_KEY))
        if contact is None:
            return HttpResponseRedirect(reverse("recommendations:contacts_sign_in"))
        return view(request, contact, **kwargs)

    return wrapped


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        client = client_address(request) or "unknown"
        if not allow(
            f"contacts:client:{client}", limit=REQUESTS_PER_CLIENT, window=REQUESTS_WINDOW
        ):
            return _message(
                request,
                _("Too many requests"),
                _("Too many sign-in links have been asked for from your connection: try later."),
                status=429,
            )
        if form.is_valid():
            try:
                stakeholder_views.request_sign_in(email=form.cleaned_data["email"])
            except stakeholder_views.TooManyRequests as refused:
                return _message(request, _("Too many requests"), str(refused), status=429)
            # The same answer whether or not the address is a contact's.
            return _message(
                request,
                _("Check your inbox"),
                _(
                    "If this address is an organisation's contact, a sign-in link is on its way "
                    "to it. The link works once, for 30 minutes."
                ),
            )
        status = 400
    return render(request, "contacts/sign_in.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_link(request: HttpRequest, token: str) -> HttpResponse:
    # A GET only shows a button: mail scanners that open links must not spend them.
    if request.method == "GET":
        return render(request, "contacts/sign_in_link.html")
    try:
        contact = stakeholder_views.redeem(token=token)
    except stakeholder_views.ContactError as error:
        return _message(request, _("This link cannot be used"), str(error), status=400)
    # A new session key at each sign-in: one fixed before cannot be taken over.
    request.session.cycle_key()
    request.session[SESSION_KEY] = contact.pk
    with translation.override(contact.language):
        home = reverse("recommendations:contacts_home")
    return HttpResponseRedirect(home)


@never_cache
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    return HttpResponseRedirect(reverse("recommendations:contacts_sign_in"))


@never_cache
@require_http_methods(["GET"])
@contact_required
def home(request: HttpRequest, contact: OrganisationContact) -> HttpResponse:
    views = stakeholder_views.views_of(contact)
    rows = [
        (recommendation, views.get(recommendation.pk))
        for recommendation in stakeholder_views.recommendations_of(contact)
    ]
    return render(request, "contacts/home.html", {"contact": contact, "rows": rows})


@never_cache
@require_http_methods(["GET", "POST"])
@contact_required
def give_view(request: HttpRequest, contact: OrganisationContact, reference: str) -> HttpResponse:
    try:
        recommendation = stakeholder_views.recommendation_of(contact, reference)
    except stakeholder_views.NotYourOrganisations as refused:
        return _message(request, _("Not one of your recommendations"), str(refused), status=403)
    view = stakeholder_views.views_of(contact).get(recommendation.pk)
    initial = {"answer": view.answer, "comment": view.comment} if view else {}
    form = ViewForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                stakeholder_views.give_view(
                    contact=contact,
                    reference=reference,
                    answer=form.cleaned_data["answer"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as invalid:
                form.add_error(None, invalid)
            else:
                return HttpResponseRedirect(reverse("recommendations:contacts_home") + "?saved=1")
        status = 400
    return render(
        request,
        "contacts/give_view.html",
        {"contact": contact, "recommendation": recommendation, "view": view, "form": form},
        status=status,
    )
