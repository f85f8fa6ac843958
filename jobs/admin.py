"""Jobs in the admin: a read-only list for editors, and a job's page, which refreshes itself
while the job runs and offers "Run again" when it failed."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from core.admin import DateHierarchyMixin
from jobs import runner
from jobs.models import Job

REFRESH_SECONDS = 2


@admin.register(Job)
class JobAdmin(DateHierarchyMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "state_shown",
        "progress",
        "created_by",
        "created_at",
        "finished_at",
    ]
    list_filter = ["state", "kind"]
    list_select_related = ["created_by"]
    search_fields = ["summary", "errors", "params"]
    date_hierarchy = "created_at"
    actions = ["retry_selected"]
    change_form_template = "admin/jobs/job/change_form.html"
    fields = [
        "kind",
        "state",
        "params",
        "input_file",
        "attempts",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
    ]

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.display(description="State", ordering="state")
    def state_shown(self, job):
        # A job whose worker was killed still says "running" until it is failed (by celery
        # beat's jobs.fail_stuck, or its message delivered again): say so, with the way out.
        if job.is_stuck:
            return "Stuck: its worker stopped answering (run it again)"
        return job.get_state_display()

    @admin.display(description="Progress")
    def progress(self, job):
        if job.total:
            return f"{job.done} of {job.total}"
        return job.progress_text or "\u2014"

    @admin.action(
        description="Run the selected failed or stuck jobs again", permissions=["change"]
    )
    def retry_selected(self, request, queryset):
        jobs = [job for job in queryset if job.can_retry]
        for job in jobs:
            runner.retry(job)
        messages.info(request, f"{len(jobs)} job{'s' if len(jobs) != 1 else ''} queued again.")

    def get_urls(self):
        view = self.admin_site.admin_view(self.retry_view)
        return [path("<int:pk>/retry/", view, name="jobs_job_retry"), *super().get_urls()]

    def retry_view(self, request, pk):
        return _retry(request, self, pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self.get_object(request, object_id)
        extra = {}
        if job is not None:
            done, total, text = runner.live_progress(job)
            extra = {
                "job": job,
                "live": {"done": done, "total": total, "text": text},
                "percent": round(100 * done / total) if total else None,
                "refresh": None if job.is_finished else REFRESH_SECONDS,
                "can_retry": job.can_retry and self.has_change_permission(request, job),
                "summary_lines": job.summary.splitlines(),
                "error_lines": job.errors.splitlines(),
                "link": format_html('<a href="{}">{}</a>', job.link, "Open it")
                if job.link
                else "",
                "show_save": False,
                "show_save_and_continue": False,
                "show_save_and_add_another": False,
                "show_delete_link": False,
            }
        return super().change_view(
            request, object_id, form_url, {**extra, **(extra_context or {})}
        )


@require_POST
def _retry(request, model_admin, pk):
    job = get_object_or_404(Job, pk=pk)
    if not model_admin.has_change_permission(request, job):
        raise PermissionDenied
    if job.can_retry:
        runner.retry(job)
        messages.info(request, "The job is queued again.")
    else:
        messages.warning(request, "Only a failed job can be run again.")
    return redirect(job.get_absolute_url())
