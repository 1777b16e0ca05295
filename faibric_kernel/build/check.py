"""Check a generated project: validate (and bundle) it, and at most one AI fix when it fails."""

from __future__ import annotations

from ..errors import ValidationFailedError
from ..generation.pipeline import check_project, fix_once
from ..generation.prompts import system_prompt
from ..generation.safety import screen_files
from ..generation.validation import Issue, ValidationReport
from ..providers import GenerationContext
from .context import BuildRun

__all__ = ["check_and_fix", "issues_from_rejections"]


def issues_from_rejections(rejections) -> list[Issue]:
    # refused files are never written; what depended on them fails its import check instead
    return [Issue(r.path, None, None, "unsafe-path", f"refused: {r.reason}", "warning") for r in rejections]


def _record_validation_failed(run: BuildRun, report: ValidationReport, stage: str) -> None:
    run.event("validation_failed", {"stage": stage, "errors": len(report.errors),
                                    "issues": [i.to_dict() for i in report.errors[:20]]})


def check_and_fix(run: BuildRun, files: dict[str, str], extra_issues: list[Issue], context: GenerationContext, model: str | None):
    """Validate (and bundle); with errors, the one AI fix; still errors -> ValidationFailedError."""
    run.progress("validate", 76, "checking every file (syntax, imports, security rules)")
    checked = check_project(files, bundle=run.bundle, out_dir=run.bundle_dir)
    checked.report.issues[:0] = extra_issues
    report = checked.report
    _trace_checks(run, checked)
    if checked.bundle_note:
        run.notes.append(checked.bundle_note)
    if report.fixes:
        run.event("code_fixed", {"kind": "cheap", "fixes": [f.to_dict() for f in report.fixes]})
    if report.ok:
        return checked.files, report, checked
    _record_validation_failed(run, report, "initial")
    run.check("before fixing the code")
    run.progress("fix", 80, f"{len(report.errors)} problem(s) found; one fix attempt")
    with run.trace.span("fix", errors_before=len(report.errors)) as span:
        rechecked, final, safe = _fix(run, checked, report, context, model)
        span.attributes["errors_after"] = len(final.errors)
        if not final.ok:
            span.outcome = "failed"
    run.event("code_fixed", {"kind": "ai", "files": sorted(safe), "errors_before": len(report.errors),
                             "errors_after": len(final.errors)})
    if not final.ok:
        _record_validation_failed(run, final, "after_fix")
        raise ValidationFailedError(
            f"the generated code still has {len(final.errors)} problem(s) after the one allowed fix: "
            + "; ".join(i.describe() for i in final.errors[:3]),
            issues=[i.to_dict() for i in final.errors[:20]])
    return rechecked.files, final, rechecked


def _trace_checks(run: BuildRun, checked) -> None:
    errors = len(checked.report.errors)
    run.trace.add_span("validate", checked.validate_seconds,
                       "ok" if not any(i.rule != "bundle" for i in checked.report.errors) else "failed", errors=errors)
    if checked.bundle_seconds is not None:
        bundle_errors = sum(1 for i in checked.report.errors if i.rule == "bundle")
        run.trace.add_span("bundle", checked.bundle_seconds, "failed" if bundle_errors else "ok", errors=bundle_errors)


def _fix(run: BuildRun, checked, report: ValidationReport, context: GenerationContext, model: str | None):
    """The one AI fix, screened and checked again: (rechecked, its report, the files the fix wrote)."""
    fixed_files, parsed = fix_once(
        run.provider, checked.files, report.errors, run.ledger, system=system_prompt(run.book), model=model,
        session_id=run.session_id, tenant_id=run.tenant_id, context=context, on_text=run.on_text, cancel=run.cancel,
        book=run.book, max_tokens=run.variant.max_tokens.get("fix"), cache=run.switch("prompt_cache"),
        properties={"variant": run.variant.name, "prompt": run.book.label("fix_task"),
                    "system_prompt": run.book.label("system")})
    safe, rejections = screen_files(parsed.files, session_id=run.session_id, tenant_id=run.tenant_id)
    fixed_files = {**checked.files, **safe}
    rechecked = check_project(fixed_files, bundle=run.bundle, out_dir=run.bundle_dir)
    rechecked.report.issues[:0] = issues_from_rejections(rejections)
    final = rechecked.report
    final.fixes[:0] = report.fixes
    return rechecked, final, safe
