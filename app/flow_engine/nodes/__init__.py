"""Node types: a registry of small plugins, each with its config schema, execution and dry run."""
from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session


@dataclass
class Outcome:
    """What a node decided: the edge label to follow (None = the unlabelled edges), its output
    (later steps read it as `steps.<id>`), or to sleep until a timer/event wakes it again."""

    branch: str | None = None
    output: dict | None = None
    wait_until: dt.datetime | None = None   # sleep; None with `waiting` = until woken by an event
    waiting: bool = False
    timer_kind: str = "wake"
    state: dict | None = None
    goto: str | None = None                # jump to this node (approval send-back)
    end: bool = False
    variables: dict | None = None


@dataclass
class NodeContext:
    session: Session | None
    workspace_id: str
    flow: Any                     # cache.FlowVersionInfo of the run's version (app_id, id)
    run: Any                      # FlowRun row, or a stand-in during a dry run
    step: Any                     # StepRun row, or a stand-in during a dry run
    node: dict
    definition: dict
    data: dict                    # expression data: record fields, record, old, trigger, steps, vars
    schema: dict                  # rule schema for `data`
    env: Any                      # rule_engine.EvalEnv (workspace time zone, clock)
    config: dict                  # app config (channels, limits)
    dry_run: bool = False
    woken: str | None = None      # which timer or event woke a sleeping step
    state: dict = field(default_factory=dict)

    @property
    def idempotency_key(self) -> str:
        return f"{self.run.id}:{self.node['id']}:{self.step.visit}"

    def evaluate(self, expression: str):
        from app.flow_engine import expressions

        return expressions.evaluate(expression, self.data, self.env, self.schema)

    def is_true(self, expression: str) -> bool:
        from app.flow_engine import expressions

        return expressions.is_true(expression, self.data, self.env, self.schema)

    def render(self, template: str, escape: str = "text") -> str:
        from app.flow_engine import expressions

        return expressions.render(template, self.data, escape=escape, env=self.env,
                                  schema=self.schema)


class NodeType:
    """Base of every node type. `branches`: the edge labels it may emit (None: unlabelled only,
    "*": any label the user writes, e.g. switch values)."""

    type: str = ""
    config_schema: dict = {}
    required: tuple[str, ...] = ()
    branches: tuple[str, ...] | str | None = None
    max_attempts: int = 3
    backoff_seconds: float = 5.0
    external: bool = False        # performs network I/O: executed outside the step transaction
    pure: bool = False            # writes nothing to the database: runs without a savepoint

    def expressions(self, node: dict) -> list[tuple[str, str]]:
        """(config path, rule expression) pairs the graph check verifies."""
        return []

    def templates(self, node: dict) -> list[tuple[str, str]]:
        """(config path, `{{ }}` template) pairs the graph check verifies."""
        return []

    def check(self, node: dict, checker) -> None:
        """Extra semantic checks; report with checker.error(node_id, path, message)."""

    def execute(self, ctx: NodeContext) -> Outcome:
        raise NotImplementedError

    def describe(self, ctx: NodeContext) -> Outcome:
        """Dry run: what the node would do, without side effects (pure nodes just execute)."""
        return self.execute(ctx)


NODE_TYPES: dict[str, NodeType] = {}
_MODULES = ("logic", "waits", "records", "human", "messages", "http")


def node_type(cls: type[NodeType]) -> type[NodeType]:
    NODE_TYPES[cls.type] = cls()
    return cls


def get(type_name: str) -> NodeType:
    if not NODE_TYPES:
        load()
    return NODE_TYPES[type_name]


def load() -> dict[str, NodeType]:
    for name in _MODULES:
        importlib.import_module(f"app.flow_engine.nodes.{name}")
    return NODE_TYPES
