"""Record events reach flows in batches: a write nobody listens to costs no job, a bulk write
that a flow listens to is one job, flow changes invalidate every process's listeners cache,
and the outbox sweeper recovers events whose job was lost."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.extensions import redis, unit_of_work
from app.models import EventOutbox, FlowRun
from tests.integration.flow_engine.conftest import chain

MARK = [{"id": "mark", "type": "update_record", "set": {"lifecycle": "'hit'"}}]


def _bulk(world, n: int, form_id: str | None = None) -> list[str]:
    from app.form_engine import records

    with unit_of_work() as s:
        result = records.bulk_create(s, world.actor, form_id or world.customer,
                                     [{"name": f"c{i}", "total_spent": i} for i in range(n)])
    return result.ids


def _unprocessed() -> int:
    with unit_of_work() as s:
        return s.scalar(sa.select(sa.func.count()).select_from(EventOutbox)
                        .where(EventOutbox.processed_at.is_(None)))


def _high_jobs() -> int:
    from rq import Queue

    return Queue("high", connection=redis()).count


def test_writes_nobody_listens_to_are_settled_in_their_own_transaction(world, worker):
    world.flow({"type": "record.created", "form": "order"}, [{"id": "e", "type": "end"}],
               chain("e"))
    _bulk(world, 30)
    world.create({"name": "one"})
    assert _unprocessed() == 0 and _high_jobs() == 0


def test_a_bulk_write_is_one_job_for_its_whole_batch(world, worker):
    flow = world.flow({"type": "record.created", "form": "customer",
                       "condition": "total_spent >= 10"}, MARK, chain("mark"))
    ids = _bulk(world, 25)
    assert _high_jobs() == 1 and _unprocessed() == 25
    worker()
    assert _unprocessed() == 0
    assert len(world.runs(flow["id"])) == 15
    assert world.record(ids[12])["lifecycle"] == "hit" and world.record(ids[3])["lifecycle"] is None


def test_enabling_and_disabling_a_flow_reach_the_listeners_cache(world, worker):
    flow = world.flow({"type": "record.created", "form": "customer"}, MARK, chain("mark"),
                      enable=False)
    world.create({"name": "before"})
    assert _high_jobs() == 0
    world.api.post(f"/api/v1/flows/{flow['id']}/enable")
    hit = world.create({"name": "after"})
    worker()
    world.api.post(f"/api/v1/flows/{flow['id']}/disable")
    miss = world.create({"name": "disabled again"})
    worker()
    assert world.record(hit)["lifecycle"] == "hit"
    assert world.record(miss)["lifecycle"] is None
    assert len(world.runs(flow["id"])) == 1


def test_another_process_changing_flows_is_seen_through_the_redis_generation(world, worker):
    from app.flow_engine import listeners

    flow = world.flow({"type": "record.created", "form": "customer"}, MARK, chain("mark"),
                      enable=False)
    world.create({"name": "warm the cache"})
    with unit_of_work() as s:   # as another process would: the row changes, the generation moves
        from app.models import Flow

        s.get(Flow, flow["id"]).enabled = True
    redis().incr(listeners._key(world.ws))
    rid = world.create({"name": "seen"})
    worker()
    assert world.record(rid)["lifecycle"] == "hit"


def test_the_outbox_sweeper_recovers_events_whose_job_was_lost(world, worker, clock):
    from app.flow_engine.record_events import redeliver_outbox

    flow = world.flow({"type": "record.created", "form": "customer"}, MARK, chain("mark"))
    _bulk(world, 5)
    redis().delete("rq:queue:high")           # the job is lost with Redis
    assert redeliver_outbox() == 0            # too recent: its job may still come
    clock.advance(dt.timedelta(seconds=6))
    assert redeliver_outbox() == 5
    worker()
    with unit_of_work() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(FlowRun)
                        .where(FlowRun.flow_id == flow["id"], FlowRun.status == "completed")) == 5
    assert _unprocessed() == 0
