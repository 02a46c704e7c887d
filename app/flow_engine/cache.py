"""Per-process caches that keep database round trips out of every step: a flow version's graph,
app and trigger-form schema never change once saved (a run pins its version, and the graph check
verified its expressions against that form), and a workspace's time zone is re-read every
`TZ_TTL` seconds."""
from __future__ import annotations

import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.rule_engine import EvalEnv

TZ_TTL = 30.0
_MAX = 4096
_versions: dict[tuple[str, int], "FlowVersionInfo"] = {}
_zones: dict[str, tuple[float, str]] = {}


@dataclass(frozen=True)
class FlowVersionInfo:
    flow_id: str
    version: int
    app_id: str
    definition: dict
    form_id: str | None           # the trigger form, when the trigger has one
    record_schema: dict           # rule schema of the trigger form (field key -> spec)
    schema: dict                  # flow expression schema (expressions.flow_schema)
    node_index: dict              # node id -> node

    @property
    def id(self) -> str:
        return self.flow_id

    def node(self, node_id: str) -> dict | None:
        return self.node_index.get(node_id)


def flow_version(session: Session, flow_id: str, version: int) -> FlowVersionInfo | None:
    key = (flow_id, version)
    info = _versions.get(key)
    if info is None:
        info = _load_version(session, flow_id, version)
        if info is None:
            return None
        if len(_versions) >= _MAX:
            _versions.clear()
        _versions[key] = info
    return info


def _load_version(session: Session, flow_id: str, version: int) -> FlowVersionInfo | None:
    from app.flow_engine import expressions
    from app.models import Flow, FlowVersion, Form

    row = session.execute(sa.select(FlowVersion.definition, Flow.app_id)
                          .join(Flow, Flow.id == FlowVersion.flow_id)
                          .where(FlowVersion.flow_id == flow_id, FlowVersion.version == version)).first()
    if row is None:
        return None
    definition, app_id = row
    form_key = (definition.get("trigger") or {}).get("form")
    form_id, record_schema = None, {}
    if form_key:
        form = session.execute(sa.select(Form.id, Form.definition).where(
            Form.app_id == app_id, Form.key == form_key)).first()
        if form is not None:
            form_id, record_schema = form.id, expressions.form_schema(form.definition)
    return FlowVersionInfo(flow_id=flow_id, version=version, app_id=app_id, definition=definition,
                           form_id=form_id, record_schema=record_schema,
                           schema=expressions.flow_schema(record_schema),
                           node_index={n["id"]: n for n in definition.get("nodes", [])})


def workspace_tz(session: Session, workspace_id: str) -> str:
    from app.models import Workspace

    now = time.monotonic()
    cached = _zones.get(workspace_id)
    if cached is None or now - cached[0] > TZ_TTL:
        tz = session.scalar(sa.select(Workspace.timezone).where(Workspace.id == workspace_id))
        if len(_zones) >= _MAX:
            _zones.clear()
        cached = _zones[workspace_id] = (now, tz or "UTC")
    return cached[1]


def env(session: Session, workspace_id: str, **values) -> EvalEnv:
    """The evaluation environment of a workspace (time zone), plus record_id/current_user."""
    return EvalEnv(tz=workspace_tz(session, workspace_id), **values)


def forget() -> None:
    _versions.clear()
    _zones.clear()
