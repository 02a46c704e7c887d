"""A send_message node's own consent_field guards that message even when it is not marketing
(a service survey): skipped and logged without consent, and never under a frequency cap."""
from tests.integration.flow_engine.conftest import chain


def test_a_service_message_with_its_own_consent_field_skips_customers_without_consent(world,
                                                                                        worker):
    world.flow({"type": "record.updated", "form": "customer"},
               [{"id": "survey", "type": "send_message", "channel": "sms",
                 "consent_field": "consent", "to": "{{record.phone}}", "body": "rate us"}],
               chain("survey"), settings={"frequency_cap": {"max": 1, "per": "7d"}})
    yes = world.create({"name": "Y", "phone": "111", "consent": True})
    no = world.create({"name": "N", "phone": "222", "consent": False})
    for points in (1, 2):
        world.update(yes, {"points": points})
        world.update(no, {"points": points})
    worker()
    log = world.api.get("/api/v1/messages").json["items"]
    assert sorted((m["to"], m["status"], m["reason"], m["marketing"]) for m in log) == [
        ("111", "not_sent", "no channel", False), ("111", "not_sent", "no channel", False),
        ("222", "skipped", "no consent", False), ("222", "skipped", "no consent", False)]
