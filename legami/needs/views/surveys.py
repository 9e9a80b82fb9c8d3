"""Surveys: the builder, the answer-to-need rules, the public answering page, results and export."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from legami.core import formguard, smallnumbers
from legami.core.decorators import network_view
from legami.core.exports import EXPORT_FORMATS, export_response
from legami.core.forms import add_service_errors
from legami.core.permissions import can
from legami.needs.forms.surveys import NeedRuleForm, QuestionForm, SurveyAnswerForm, SurveyForm
from legami.needs.models import NeedArea, Question, Survey
from legami.needs.selectors.surveys import (
    MANAGE,
    VIEW_RESULTS,
    get_public_survey,
    get_question_for_user,
    get_rule_for_user,
    get_survey_for_user,
    network_municipalities,
    network_neighbourhoods,
    survey_export,
    survey_need_count,
    survey_questions,
    survey_results,
    survey_rules,
    surveys_for_user,
)
from legami.needs.services.survey_answers import (
    apply_need_rules,
    create_need_rule,
    delete_need_rule,
    submit_survey_response,
)
from legami.needs.services.surveys import (
    RULE_KINDS,
    add_question,
    allowed_survey_transitions,
    change_survey_status,
    create_survey,
    delete_question,
    delete_survey,
    move_question,
    record_survey_export,
    survey_accepts_answers,
    update_question,
    update_survey,
)
from legami.network.models import Network

NAV = "surveys"


@require_GET
@network_view(VIEW_RESULTS)
def survey_list(request: HttpRequest, network: Network) -> HttpResponse:
    """The network's surveys with their status and counts."""
    page_obj = Paginator(surveys_for_user(request.user, network), settings.LEGAMI_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    limit = smallnumbers.limit_for(request.user, network)
    for survey in page_obj.object_list:
        survey.responses_hidden = smallnumbers.hidden(survey.response_count, limit)
    context = {
        "nav": NAV,
        "page_obj": page_obj,
        "can_manage": can(request.user, MANAGE, network),
        "k": smallnumbers.k(),
    }
    return render(request, "needs/surveys/list.html", context)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def survey_create(request: HttpRequest, network: Network) -> HttpResponse:
    """Create a draft survey."""
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = create_survey(actor=request.user, network=network, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The survey was created: now add its questions."))
            return redirect("needs:survey_detail", network.slug, survey.pk)
    return render(request, "needs/surveys/form.html", {"nav": NAV, "form": form, "survey": None})


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def survey_update(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Change a survey's title, introduction, anonymity and dates."""
    survey = get_survey_for_user(request.user, network, pk)
    form = SurveyForm(request.POST or None, initial=SurveyForm.initial_for(survey))
    if request.method == "POST" and form.is_valid():
        try:
            update_survey(actor=request.user, survey=survey, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The survey was saved."))
            return redirect("needs:survey_detail", network.slug, survey.pk)
    return render(request, "needs/surveys/form.html", {"nav": NAV, "form": form, "survey": survey})


@require_GET
@network_view(MANAGE)
def survey_detail(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """The builder: the survey's questions, its status actions and its public link."""
    survey = get_survey_for_user(request.user, network, pk)
    public_url = request.build_absolute_uri(reverse("needs:survey_answer", args=[network.slug, survey.public_token]))
    context = {
        "nav": NAV,
        "survey": survey,
        "questions": survey_questions(survey),
        "transitions": [(s, Survey.Status(s).label) for s in allowed_survey_transitions(survey)],
        "public_url": public_url,
        "accepting": survey_accepts_answers(survey),
        "response_count": survey.responses.count(),
    }
    return render(request, "needs/surveys/detail.html", context)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def survey_delete(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Confirm (GET) and delete (POST) a survey nobody has answered."""
    survey = get_survey_for_user(request.user, network, pk)
    error = None
    if request.method == "POST":
        try:
            delete_survey(actor=request.user, survey=survey)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("The survey was deleted."))
            return redirect("needs:surveys", network.slug)
    context = {"nav": NAV, "survey": survey, "error": error, "kind": "survey"}
    return render(request, "needs/surveys/confirm_delete.html", context)


@network_view(MANAGE)
@require_POST
def survey_status(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Open, close or reopen a survey."""
    survey = get_survey_for_user(request.user, network, pk)
    try:
        survey = change_survey_status(actor=request.user, survey=survey, to_status=request.POST.get("to", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The survey is now: %(status)s.") % {"status": survey.get_status_display().lower()})
    return redirect("needs:survey_detail", network.slug, survey.pk)


def _question_form(request: HttpRequest, network: Network, form: QuestionForm, survey: Survey, question=None):
    context = {"nav": NAV, "form": form, "survey": survey, "question": question}
    return render(request, "needs/surveys/question_form.html", context)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def survey_question_create(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Add a question to a survey."""
    survey = get_survey_for_user(request.user, network, pk)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            add_question(actor=request.user, survey=survey, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The question was added."))
            return redirect("needs:survey_detail", network.slug, survey.pk)
    return _question_form(request, network, form, survey)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def survey_question_update(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Change a question (changes that would orphan answers are refused)."""
    question = get_question_for_user(request.user, network, pk)
    form = QuestionForm(request.POST or None, initial=QuestionForm.initial_for(question))
    if request.method == "POST" and form.is_valid():
        try:
            update_question(actor=request.user, question=question, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The question was saved."))
            return redirect("needs:survey_detail", network.slug, question.survey_id)
    return _question_form(request, network, form, question.survey, question)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def survey_question_delete(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Confirm (GET) and delete (POST) a question nobody has answered."""
    question = get_question_for_user(request.user, network, pk)
    error = None
    if request.method == "POST":
        try:
            delete_question(actor=request.user, question=question)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("The question was deleted."))
            return redirect("needs:survey_detail", network.slug, question.survey_id)
    context = {"nav": NAV, "survey": question.survey, "question": question, "error": error, "kind": "question"}
    return render(request, "needs/surveys/confirm_delete.html", context)


@network_view(MANAGE)
@require_POST
def survey_question_move(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Move a question one place up or down."""
    question = get_question_for_user(request.user, network, pk)
    try:
        move_question(actor=request.user, question=question, direction=request.POST.get("direction", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(reverse("needs:survey_detail", args=[network.slug, question.survey_id]) + f"#question-{pk}")


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def survey_rules_view(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """The rules that turn answers into needs, and the form to add one."""
    survey = get_survey_for_user(request.user, network, pk)
    questions = [q for q in survey.questions.all() if q.kind in RULE_KINDS]
    areas = NeedArea.objects.filter(network=network, is_active=True)
    form = NeedRuleForm(request.POST or None, questions=questions, areas=areas)
    if request.method == "POST" and form.is_valid():
        try:
            create_need_rule(actor=request.user, survey=survey, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The rule was added."))
            return redirect("needs:survey_rules", network.slug, survey.pk)
    context = {
        "nav": NAV,
        "survey": survey,
        "rules": survey_rules(survey),
        "form": form,
        "has_questions": bool(questions),
        "has_municipality_question": any(
            q.kind in (Question.Kind.MUNICIPALITY, Question.Kind.NEIGHBOURHOOD) for q in survey.questions.all()
        ),
        "need_count": survey_need_count(survey),
    }
    return render(request, "needs/surveys/rules.html", context)


@require_http_methods(["GET", "POST"])
@network_view(MANAGE)
def survey_rule_delete(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Confirm (GET) and delete (POST) an answer-to-need rule."""
    rule = get_rule_for_user(request.user, network, pk)
    if request.method == "POST":
        delete_need_rule(actor=request.user, rule=rule)
        messages.success(request, _("The rule was deleted; the needs it recorded stay."))
        return redirect("needs:survey_rules", network.slug, rule.survey_id)
    context = {"nav": NAV, "survey": rule.survey, "rule": rule, "error": None, "kind": "rule"}
    return render(request, "needs/surveys/confirm_delete.html", context)


@network_view(MANAGE)
@require_POST
def survey_rules_apply(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Apply the rules to the answers already stored (never twice to the same answer)."""
    survey = get_survey_for_user(request.user, network, pk)
    created = apply_need_rules(actor=request.user, survey=survey)
    messages.success(
        request,
        ngettext("%(count)s new need was recorded.", "%(count)s new needs were recorded.", created)
        % {"count": created},
    )
    return redirect("needs:survey_rules", network.slug, survey.pk)


@require_GET
@network_view(VIEW_RESULTS)
def survey_results_view(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Counts, percentages, charts and tables per question; small cells flagged or suppressed."""
    survey = get_survey_for_user(request.user, network, pk, capability=VIEW_RESULTS)
    try:
        text_question = int(request.GET.get("question", ""))
    except ValueError:
        text_question = None
    results = survey_results(request.user, survey, text_question=text_question, text_page=request.GET.get("page"))
    context = {
        "nav": NAV,
        "survey": survey,
        "results": results,
        "text_question": text_question,
        "can_manage": can(request.user, MANAGE, network),
        # The breadcrumb links the survey only for its managers; set, so that no lookup fails (Django logs a
        # failed lookup at DEBUG with the whole context, the answers included).
        "survey_url": "",
    }
    return render(request, "needs/surveys/results.html", context)


@require_GET
@network_view(MANAGE)
def survey_export_view(request: HttpRequest, network: Network, pk: int) -> HttpResponse:
    """Download the responses as CSV or XLSX: one row per response, one column per question (audited)."""
    survey = get_survey_for_user(request.user, network, pk)
    fmt = request.GET.get("format", "csv")
    if fmt not in EXPORT_FORMATS:
        raise Http404
    record_survey_export(actor=request.user, survey=survey, fmt=fmt)
    header, rows = survey_export(survey)
    filename = f"{network.slug}-questionario-{survey.pk}-{timezone.localdate():%Y-%m-%d}"
    return export_response(rows=rows, header=header, filename=filename, fmt=fmt)


def _answer_form(request: HttpRequest, network: Network, survey: Survey, data=None) -> SurveyAnswerForm:
    return SurveyAnswerForm(
        data,
        survey=survey,
        questions=list(survey.questions.all()),
        municipalities=network_municipalities(network),
        neighbourhoods=network_neighbourhoods(network),
    )


@require_http_methods(["GET", "POST"])
@network_view()
def survey_answer(request: HttpRequest, network: Network, token: str) -> HttpResponse:
    """The public page of a survey: anyone with the link answers while it is open."""
    survey = get_public_survey(request.user, network, token)
    if not survey_accepts_answers(survey):
        today = timezone.localdate()
        not_yet = survey.status == Survey.Status.OPEN and survey.opens_on and today < survey.opens_on
        preview = survey.status == Survey.Status.DRAFT
        if not preview:
            return render(request, "needs/surveys/closed.html", {"survey": survey, "not_yet": not_yet})
    else:
        preview = False
    if request.method == "POST" and not preview:
        if limited := formguard.too_many_posts(request, "survey"):
            return limited
        form = _answer_form(request, network, survey, request.POST)
        if form.is_spam():
            # a bot filled the hidden field: say thanks, keep nothing
            return redirect("needs:survey_thanks", network.slug, survey.public_token)
        try:
            nonce = form.checked_stamp()
            with transaction.atomic():  # the stamp is spent only with the answers it brought
                formguard.spend_stamp(nonce)
                submit_survey_response(
                    survey=survey,
                    answers=form.raw_answers(),
                    user=request.user if request.user.is_authenticated else None,
                    contact=form.contact(),
                )
        except ValidationError as exc:
            form.is_valid()
            add_service_errors(form, exc)
            form.refresh_stamp()
        else:
            return redirect("needs:survey_thanks", network.slug, survey.public_token)
    else:
        form = _answer_form(request, network, survey)
    return render(request, "needs/surveys/answer.html", {"survey": survey, "form": form, "preview": preview})


@require_GET
@network_view()
def survey_thanks(request: HttpRequest, network: Network, token: str) -> HttpResponse:
    """Thanks after answering."""
    survey = get_public_survey(request.user, network, token)
    return render(request, "needs/surveys/thanks.html", {"survey": survey})
