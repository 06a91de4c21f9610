import gc

import pytest

from models_registry import memory


@pytest.fixture
def fresh_process():
    """A process that has not answered a request yet."""
    gc.unfreeze()
    memory.install()
    yield
    memory.request_finished.disconnect(memory.freeze_after_first_request)


def test_what_the_first_request_loaded_is_left_out_of_later_collections(client, db, fresh_process):
    assert gc.get_freeze_count() == 0
    client.get("/")
    assert gc.get_freeze_count() > 10_000


def test_later_requests_freeze_nothing_more(client, db, fresh_process):
    client.get("/")
    frozen = gc.get_freeze_count()
    client.get("/mo-hinh/")
    # Frozen objects freed since (by their reference counts) leave it: it only ever shrinks.
    assert gc.get_freeze_count() <= frozen
