"""The key worker's rungs of the evidence ladder: record a call, upload a payslip, see it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render

from brokerage.pipeline import selectors
from brokerage.pipeline.evidence_forms import CheckpointCallForm, PayslipForm
from brokerage.pipeline.services import evidence
from portal.accounts.permissions import role_required
from portal.accounts.roles import Role
from portal.core.files import private_file_response
from portal.core.forms import apply_service_errors
from portal.core.http import AuthenticatedHttpRequest

staff_required = role_required(Role.KEY_WORKER, Role.COORDINATOR)


@staff_required
def checkpoint_call(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    checkpoint = selectors.key_worker_checkpoint_or_404(request.user, pk)
    form = CheckpointCallForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        employed = data.get("still_employed") == "yes"
        try:
            checkpoint = evidence.checkpoint_call_record(
                actor=request.user, checkpoint=checkpoint, reached=data["reached"] == "yes",
                still_employed=employed if data.get("still_employed") else None,
                hours_per_week=data.get("hours_per_week") if employed else None,
                left_on=None if employed else data.get("left_on"),
                leaving_reason="" if employed else data.get("leaving_reason", ""),
                notes=data.get("notes", ""),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{checkpoint.name}: call recorded")
            return redirect("pipeline:placement", pk=checkpoint.placement_id)
    return render(request, "pipeline/checkpoint_call.html", {"checkpoint": checkpoint, "form": form})


@staff_required
def checkpoint_payslip(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    checkpoint = selectors.key_worker_checkpoint_or_404(request.user, pk)
    posted = request.method == "POST"
    form = PayslipForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        try:
            checkpoint = evidence.checkpoint_payslip_record(
                actor=request.user, checkpoint=checkpoint, upload=form.cleaned_data["payslip"],
                hours_per_week=form.cleaned_data["hours_per_week"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{checkpoint.name}: confirmed with the payslip")
            return redirect("pipeline:placement", pk=checkpoint.placement_id)
    return render(
        request, "pipeline/checkpoint_payslip.html", {"checkpoint": checkpoint, "form": form}
    )


@staff_required
def checkpoint_payslip_file(
    request: AuthenticatedHttpRequest, pk: int
) -> HttpResponse | FileResponse:
    checkpoint = selectors.key_worker_checkpoint_or_404(request.user, pk)
    return private_file_response(
        checkpoint.payslip, download_name=f"payslip-{checkpoint.placement.participant.reference}"
    )
