"""The job-progress component shared by every job page (imports, aggregation runs)."""

from types import SimpleNamespace

from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation


def render(**job) -> str:
    values = {"total": 0, "processed": 0, "percent": 0, "is_finished": False} | job
    request = RequestFactory().get("/rete/jobs/7/")
    with translation.override("en"):
        return render_to_string(
            "components/job_progress.html",
            {
                "job": SimpleNamespace(**values),
                "progress_id": "my-progress",
                "counted": f"{values['processed']} of {values['total']} done",
                "waiting": "Waiting <for> it…",
            },
            request=request,
        )


def test_a_running_job_with_a_total_shows_the_bar_the_count_and_a_refresh_link():
    html = render(total=200, processed=50, percent=25)
    assert '<label class="legami-label" for="my-progress">Progress</label>' in html
    assert '<progress id="my-progress" class="w-100" max="200" value="50">25%</progress>' in html
    assert "<p>50 of 200 done</p>" in html
    assert '<a href="/rete/jobs/7/">Refresh to see the progress</a>' in html


def test_a_job_not_started_says_it_is_waiting_escaped():
    html = render()
    assert '<progress id="my-progress" class="w-100"></progress>' in html
    assert "Waiting &lt;for&gt; it…" in html and "Refresh to see the progress" in html


def test_a_finished_job_has_a_full_bar_and_no_refresh_link():
    html = render(is_finished=True)
    assert '<progress id="my-progress" class="w-100" max="1" value="1"></progress>' in html
    assert "Finished." in html and "Refresh" not in html
