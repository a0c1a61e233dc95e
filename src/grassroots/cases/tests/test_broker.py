"""With a broker configured, beat tasks are published to it instead of running in-process."""

import json
import uuid

import pytest


def test_tasks_are_published_to_a_real_redis_broker():
    redis = pytest.importorskip("redis")
    client = redis.Redis(host="127.0.0.1", port=6379, db=15, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis answers at 127.0.0.1:6379, so the broker path cannot be exercised here")
    from grassroots.cases import tasks
    from grassroots.celery import app

    queue = f"grassroots-test-{uuid.uuid4().hex[:8]}"
    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager, app.conf.broker_url = False, "redis://127.0.0.1:6379/15"
    try:
        with app.connection_for_write() as connection:
            tasks.check_sla.apply_async(queue=queue, connection=connection)
        raw = client.lpop(queue)
        assert raw is not None, "the task message should be waiting in the broker queue"
        assert json.loads(raw)["headers"]["task"] == "grassroots.cases.tasks.check_sla"
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved
        client.delete(queue)
