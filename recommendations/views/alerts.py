"""The e-mail alert pages: the subscribe form, the confirmation link, the one-click unsubscribe
and the page where an address manages its alerts. None of them is cached (they carry a form or
a signed link), and none shows an address other than the one its own link was sent to."""

import contextlib
import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from recommendations.models import Subscription
from recommendations.services import alerts
from recommendations.sign_in.lockout import client_address

# So that the form cannot be used to flood inboxes: subscribe requests per client an hour.
SUBSCRIBES_PER_CLIENT = 10
SUBSCRIBES_WINDOW = datetime.timedelta(hours=1)

# The query parameter that names each kind of followed page: ?item=CYBER-2, ?topic=AI, …
PARAMETERS = {
    "item": Subscription.Kind.ITEM,
    "topic": Subscription.Kind.TOPIC,
    "organisation": Subscription.Kind.ORGANISATION,
    "owner": Subscription.Kind.OWNER,
}


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Your e-mail address"), max_length=254)
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the alerts"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
    )
    frequency = forms.ChoiceField(
        label=gettext_lazy("How often"),
        choices=Subscription.Frequency.choices,
        initial=Subscription.Frequency.DAILY,
        widget=forms.RadioSelect,
    )


def _followed_in(query: QueryDict) -> tuple[str, str]:
    for parameter, kind in PARAMETERS.items():
        value = query.get(parameter, "")
        if value:
            return kind, str(value)
    return Subscription.Kind.EVERYTHING, ""


def _message(
    request: HttpRequest, title: str, text: str, *, status: int = 200, **context: object
) -> HttpResponse:
    return render(
        request,
        "recommendations/alerts/message.html",
        {"title": title, "text": text, **context},
        status=status,
    )


def _link_problem(request: HttpRequest, error: alerts.AlertError) -> HttpResponse:
    return _message(request, _("This link cannot be used"), str(error), status=400)


@never_cache
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    kind, key = _followed_in(request.GET)
    try:
        followed = alerts.followed(kind, key)
    except alerts.LinkInvalid as invalid:
        return _message(request, _("Nothing to follow"), str(invalid), status=404)
    form = SubscribeForm(
        request.POST if request.method == "POST" else None,
        initial={"language": get_language(), "frequency": Subscription.Frequency.DAILY},
    )
    status = 200
    if request.method == "POST":
        client = client_address(request) or "unknown"
        if not alerts.allow(
            f"alerts:client:{client}", limit=SUBSCRIBES_PER_CLIENT, window=SUBSCRIBES_WINDOW
        ):
            return _message(
                request,
                _("Too many requests"),
                _("Too many alerts have been asked for from your connection: try again later."),
                status=429,
            )
        if form.is_valid():
            try:
                alerts.subscribe(
                    email=form.cleaned_data["email"],
                    language=form.cleaned_data["language"],
                    frequency=form.cleaned_data["frequency"],
                    kind=kind,
                    key=key,
                )
            except alerts.TooManyRequests as refused:
                return _message(request, _("Too many requests"), str(refused), status=429)
            except ValidationError as invalid:
                form.add_error(None, invalid)
            else:
                # The same answer whether or not the address already follows this: the page
                # says nothing about who subscribes.
                return _message(
                    request,
                    _("Check your inbox"),
                    _(
                        "If the address can receive alerts, a mail is on its way to it: follow "
                        "its link to confirm. Nothing else is sent until then."
                    ),
                    followed=followed,
                )
        status = 400
    return render(
        request,
        "recommendations/alerts/subscribe.html",
        {"form": form, "followed": followed},
        status=status,
    )


@never_cache
@require_http_methods(["GET"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscription = alerts.confirm(token=token)
    except alerts.AlreadyConfirmed as already:
        return _message(request, _("Already confirmed"), str(already))
    except alerts.AlertError as error:
        return _link_problem(request, error)
    return _message(
        request,
        _("Your alerts are confirmed"),
        _("You will hear by e-mail when something moves. Every alert has a link to stop it."),
        followed=alerts.followed_or_gone(subscription),
    )


# RFC 8058: a mail client's one-click unsubscribe posts here without any CSRF token.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscription = alerts.subscription_of_unsubscribe_token(token)
    except alerts.AlertError as error:
        return _link_problem(request, error)
    if subscription is None:
        return _message(
            request, _("Unsubscribed"), _("These alerts are stopped: nothing more will be sent.")
        )
    if request.method == "POST":
        alerts.unsubscribe(token=token)
        return _message(
            request,
            _("Unsubscribed"),
            _("These alerts are stopped and your address deleted from them."),
        )
    return render(
        request,
        "recommendations/alerts/unsubscribe.html",
        {"followed": alerts.followed_or_gone(subscription)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    try:
        email = alerts.email_of_manage_token(token)
    except alerts.AlertError as error:
        return _link_problem(request, error)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            chosen = int(request.POST.get("subscription", "0"))
        except ValueError:
            chosen = 0
        if action == "unsubscribe_all":
            alerts.unsubscribe_all(email=email)
        elif action == "unsubscribe":
            alerts.unsubscribe_one(email=email, subscription_id=chosen)
        elif action == "frequency":
            # A frequency not offered changes nothing: the page shows what stands.
            with contextlib.suppress(ValidationError):
                alerts.set_frequency(
                    email=email,
                    subscription_id=chosen,
                    frequency=request.POST.get("frequency", ""),
                )
        return HttpResponseRedirect(request.path)
    subscriptions = [
        (subscription, alerts.followed_or_gone(subscription))
        for subscription in alerts.subscriptions_of(email)
    ]
    return render(
        request,
        "recommendations/alerts/manage.html",
        {
            "subscriptions": subscriptions,
            "frequencies": Subscription.Frequency.choices,
        },
    )
