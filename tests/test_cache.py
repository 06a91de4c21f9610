"""The Redis cache backend (danvan/cache.py): one client per connection pool."""
from danvan.cache import ReusedClientRedisCache


def test_every_call_of_a_thread_reuses_the_client_of_its_pool():
    # Building the client opens no connection: no Redis server is needed here.
    backend = ReusedClientRedisCache("redis://127.0.0.1:6379/0", {})
    client = backend._cache.get_client("a")
    assert backend._cache.get_client("b", write=True) is client


def test_each_server_of_a_replicated_cache_keeps_its_own_client():
    backend = ReusedClientRedisCache("redis://127.0.0.1:6379/0,redis://127.0.0.1:6380/0", {})
    writer, reader = backend._cache.get_client(write=True), backend._cache.get_client()
    assert writer is not reader and writer.connection_pool is not reader.connection_pool
