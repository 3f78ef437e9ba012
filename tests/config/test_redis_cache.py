from config.redis_cache import ReusingRedisCache

LOCATION = "redis://127.0.0.1:6379/13"


class ReusingRedisCacheTests:
    def test_round_trip_with_one_client(self):
        cache = ReusingRedisCache(LOCATION, {"KEY_PREFIX": "test-reuse"})
        cache.set("k", {"v": 1}, 30)
        assert cache.get("k") == {"v": 1}
        client = cache._cache.get_client()
        assert cache._cache.get_client() is client
        cache.delete("k")
        assert cache.get("k") is None
