"""The public form and private link (no sign-in), and the centre's inbox."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khuyencong.advice import selectors, services, workflow
from khuyencong.advice.choices import RequestStatus
from khuyencong.advice.forms import AnswerForm, AskForm, InboxFilterForm, TransitionForm
from khuyencong.core.audit import history
from khuyencong.core.forms import add_service_error
from khuyencong.core.http import AuthedRequest
from khuyencong.core.public_cache import public_page, same_origin_post
from khuyencong.privacy import policy


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def max_body_bytes() -> int:
    return int(getattr(settings, "ADVICE_MAX_BODY_BYTES", 64 * 1024))


def _too_big(request: HttpRequest) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > max_body_bytes()
    except ValueError:
        return True


def _ask_page(request: HttpRequest, form: AskForm, status: int = 200, error: str = "") -> HttpResponse:
    return render(request, "advice/ask.html", {"form": form, "error": error}, status=status)


@same_origin_post
@public_page("advice")
def ask(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _ask_page(request, AskForm())
    too_big = _("Nội dung gửi quá lớn (tối đa %(kb)s KB); hãy rút gọn câu hỏi rồi gửi lại.") % {
        "kb": max_body_bytes() // 1024
    }
    if _too_big(request):  # refused before the body is read
        return _ask_page(request, AskForm(), status=413, error=too_big)
    try:
        form = AskForm(request.POST)
        valid = form.is_valid()
    except RequestDataTooBig:  # a body without a length, larger than Django will read
        return _ask_page(request, AskForm(), status=413, error=too_big)
    received = _("Trung tâm đã nhận câu hỏi của bạn. Hãy lưu đường dẫn riêng của trang này để xem trả lời.")
    if valid and form.cleaned_data["website"]:
        # A bot filled the hidden field: answer as if accepted so it learns nothing.
        messages.success(request, received)
        return redirect("advice:ask")
    if valid:
        data = form.cleaned_data
        try:
            _request, token = services.request_submit(
                business_name=data["business_name"],
                topic=data["topic"],
                question=data["question"],
                contact_name=data["contact_name"],
                email=data["email"],
                phone=data["phone"],
                ip_address=_client_ip(request),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, received)
            return redirect("advice:track", token=token)
    throttled = any(e.code == "throttled" for e in form.errors.as_data().get("__all__", []))
    return _ask_page(request, form, status=429 if throttled else 400)


def track(request: HttpRequest, token: str) -> HttpResponse:
    """The requester's private page: status and answer, no contact data; 404 for a wrong token."""
    advice = selectors.request_for_token(token)
    response = render(
        request,
        "advice/track.html",
        {"advice": advice, "private_url": request.build_absolute_uri(request.path)},
    )
    # The token is the key: kept out of shared caches, other sites' logs (Referer) and search engines.
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET or None)
    filters = selectors.InboxFilters()
    if form.is_valid():
        filters = selectors.InboxFilters(**{k: v or "" for k, v in form.cleaned_data.items()})
    qs = selectors.inbox(user=request.user, filters=filters)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "advice/inbox.html",
        {"form": form, "page": page, "query": query.urlencode(), "statuses": RequestStatus},
    )


def _detail(
    request: AuthedRequest, pk: int, answer_form: AnswerForm | None = None, status: int = 200
) -> HttpResponse:
    advice = selectors.request_get(user=request.user, pk=pk)
    moves = workflow.allowed(advice.status, request.user)
    return render(
        request,
        "advice/detail.html",
        {
            "advice": advice,
            "can_answer": RequestStatus.ANSWERED in moves,
            "can_close": RequestStatus.CLOSED in moves,
            "can_reopen": RequestStatus.NEW in moves,
            "needs_reason_to_close": advice.status == RequestStatus.NEW,
            "answer_form": answer_form or AnswerForm(),
            "history": policy.viewer(request).history(advice, history(advice)),
        },
        status=status,
    )


@login_required
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)  # 404 for anyone the selector shows nothing


@login_required
@require_POST
def answer(request: AuthedRequest, pk: int) -> HttpResponse:
    advice = selectors.request_get(user=request.user, pk=pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.request_answer(actor=request.user, request=advice, answer=form.cleaned_data["answer"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã gửi trả lời; người hỏi xem được qua đường dẫn riêng."))
            return redirect("advice:detail", pk=advice.pk)
    return _detail(request, pk, answer_form=form, status=400)


@login_required
@require_POST
def transition(request: AuthedRequest, pk: int) -> HttpResponse:
    advice = selectors.request_get(user=request.user, pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Trạng thái không hợp lệ."))
        return redirect("advice:detail", pk=advice.pk)
    try:
        services.request_transition(
            actor=request.user, request=advice, to=form.cleaned_data["to"], reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã cập nhật trạng thái yêu cầu."))
    return redirect("advice:detail", pk=advice.pk)
