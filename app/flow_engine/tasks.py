"""Human tasks and approvals: creating them for a step, completing, transferring and adding
approvers, reminders; a decision wakes the waiting step in the same transaction."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import clock
from app.auth.actor import Actor
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.flow_engine import runtime
from app.flow_engine.channels import log_message
from app.flow_engine.durations import parse_duration
from app.i18n import _
from app.models import FlowRun, Membership, StepRun, Task, Timer
from app.models.scope import get_scoped, scoped

OUTCOMES = ("done", "approve", "reject", "send_back")


def create_tasks(ctx, users: list[str], *, kind: str, title: str, due: str | None = None,
                 remind: str | None = None, details: dict | None = None,
                 status: str = "open") -> list[Task]:
    now = clock.now()
    tasks = []
    for user_id in users:
        task = Task(workspace_id=ctx.workspace_id, run_id=ctx.run.id, step_id=ctx.step.id,
                    flow_id=ctx.run.flow_id, node_id=ctx.node["id"], record_id=ctx.run.record_id,
                    kind=kind, title=title, assignee_id=user_id, status=status,
                    due_at=now + parse_duration(due) if due else None, details=details or {})
        ctx.session.add(task)
        ctx.session.flush()
        tasks.append(task)
        log_message(ctx.session, key=f"{ctx.idempotency_key}:{kind}:{user_id}",
                    workspace_id=ctx.workspace_id, channel="inapp", to=user_id, subject=title,
                    body=title, run=ctx.run, node_id=ctx.node["id"], record_id=ctx.run.record_id)
    if remind and status == "open" and tasks:
        ctx.session.add(Timer(workspace_id=ctx.workspace_id, run_id=ctx.run.id, step_id=ctx.step.id,
                              kind="remind", due_at=now + parse_duration(remind)))
    return tasks


def open_tasks(session: Session, step_id: str) -> list[Task]:
    return list(session.scalars(sa.select(Task).where(Task.step_id == step_id,
                                                      Task.status == "open", Task.kind != "cc")))


def close_open_tasks(ctx) -> None:
    for task in open_tasks(ctx.session, ctx.step.id):
        task.status = "cancelled"


def previous_node(ctx) -> str | None:
    """The node whose step ran just before this one in the run (send back to previous)."""
    return ctx.session.scalar(sa.select(StepRun.node_id).where(
        StepRun.run_id == ctx.run.id, StepRun.id < ctx.step.id, StepRun.status == "completed",
        StepRun.node_id != ctx.node["id"]).order_by(StepRun.id.desc()).limit(1))


def remind_open(ctx) -> None:
    _remind(ctx.session, ctx.step)


def send_reminders(session: Session, step: StepRun) -> None:
    if step.status == "waiting":
        _remind(session, step)


def _remind(session: Session, step: StepRun) -> None:
    run = session.get(FlowRun, step.run_id)
    for task in open_tasks(session, step.id):
        log_message(session, key=f"remind:{task.id}:{clock.now().isoformat()}",
                    workspace_id=task.workspace_id, channel="inapp", to=task.assignee_id,
                    subject=_reminder_title(task.title), body=task.title, run=run,
                    node_id=task.node_id, record_id=task.record_id)


def _reminder_title(title: str) -> str:
    return f"⏰ {title}"


def list_tasks(actor: Actor, *, assignee: str | None, status: str | None) -> sa.Select:
    stmt = scoped(Task, actor.workspace_id).where(Task.kind != "cc")
    if assignee == "me":
        stmt = stmt.where(Task.assignee_id == actor.user_id)
    elif assignee:
        stmt = stmt.where(Task.assignee_id == assignee)
    if status:
        stmt = stmt.where(Task.status == status)
    return stmt


def _own_open_task(session: Session, actor: Actor, task_id: str) -> Task:
    task = get_scoped(session, Task, task_id, actor.workspace_id, what="task")
    if task.assignee_id != actor.user_id and actor.role not in ("owner", "admin"):
        raise Forbidden(_("This task is assigned to someone else", "该任务已分配给其他人"))
    if task.status != "open":
        raise Conflict(_("This task is already closed", "该任务已关闭"))
    return task


def complete(session: Session, actor: Actor, task_id: str, *, outcome: str,
             comment: str | None = None, signature: dict | None = None,
             to_node: str | None = None) -> Task:
    """Record the assignee's decision; when it settles the step, wake the step."""
    task = _own_open_task(session, actor, task_id)
    step = session.get(StepRun, task.step_id, with_for_update=True) if task.step_id else None
    if task.kind == "task" and outcome != "done":
        raise ValidationFailed(_("A task is completed with outcome 'done'", "任务的结果应为 done"),
                               {"fields": {"outcome": ["done"]}})
    if task.kind == "approval" and outcome not in ("approve", "reject", "send_back"):
        raise ValidationFailed(_("An approval needs approve, reject or send_back",
                                 "审批结果应为 approve、reject 或 send_back"),
                               {"fields": {"outcome": ["approve, reject, send_back"]}})
    node = {}
    if step is not None:
        run = session.get(FlowRun, step.run_id)
        node = runtime.node_of(runtime.definition_of(session, run.flow_id, run.version),
                               step.node_id) or {}
    if node.get("require_comment") and not comment:
        raise ValidationFailed(_("A comment is required", "需要填写意见"),
                               {"fields": {"comment": ["required"]}})
    if node.get("require_signature") and not signature:
        raise ValidationFailed(_("A signature is required", "需要签名"),
                               {"fields": {"signature": ["required"]}})
    task.status, task.outcome, task.comment, task.signature = "done", outcome, comment, signature
    task.completed_at, task.completed_by = clock.now(), actor.user_id
    session.flush()
    if step is None or step.status != "waiting":
        return task
    decision = _decide(session, task, step, outcome, node.get("mode", "any"))
    if decision is not None:
        runtime.wake(session, step, "decision",
                     {"decision": {**decision, "to_node": to_node, "comment": comment},
                      "result": {"completed_by": actor.user_id, "outcome": outcome}})
    return task


def _decide(session: Session, task: Task, step: StepRun, outcome: str, mode: str) -> dict | None:
    if task.kind == "task":
        return {"outcome": "done", "by": task.completed_by}
    if outcome in ("reject", "send_back") or mode == "any":
        return {"outcome": outcome, "by": task.completed_by}
    if open_tasks(session, step.id):
        return None
    return {"outcome": "approve", "by": task.completed_by}


def transfer(session: Session, actor: Actor, task_id: str, user_id: str) -> Task:
    task = _own_open_task(session, actor, task_id)
    _require_member(session, actor.workspace_id, user_id)
    task.details = {**(task.details or {}), "transferred_from": task.assignee_id}
    task.assignee_id = user_id
    return task


def add_approver(session: Session, actor: Actor, task_id: str, user_id: str) -> Task:
    task = _own_open_task(session, actor, task_id)
    if task.kind != "approval":
        raise Conflict(_("Only approvals take extra approvers", "只有审批可以加签"))
    _require_member(session, actor.workspace_id, user_id)
    extra = Task(workspace_id=task.workspace_id, run_id=task.run_id, step_id=task.step_id,
                 flow_id=task.flow_id, node_id=task.node_id, record_id=task.record_id,
                 kind="approval", title=task.title, assignee_id=user_id, status="open",
                 details={**(task.details or {}), "added_by": actor.user_id})
    session.add(extra)
    session.flush()
    return extra


def withdraw(session: Session, actor: Actor, run_id: str) -> FlowRun:
    """The initiator takes the request back: the run is cancelled with its open tasks."""
    run = get_scoped(session, FlowRun, run_id, actor.workspace_id, what="run")
    if run.started_by != actor.user_id and actor.role not in ("owner", "admin"):
        raise Forbidden(_("Only the initiator may withdraw", "只有发起人可以撤回"))
    return runtime.cancel_run(session, run)


def _require_member(session: Session, workspace_id: str, user_id: str) -> None:
    if session.scalar(sa.select(Membership.id).where(Membership.workspace_id == workspace_id,
                                                     Membership.user_id == user_id)) is None:
        raise NotFound(_("user not found", "找不到该用户"))
