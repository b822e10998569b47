"""CACHE_URL's options reach Django under the names it reads (django-environ passes them
lowercase, which Django would ignore: two installs sharing a Redis would share rate counters)."""

from config.settings import cache_from_url


def test_key_prefix_timeout_and_version_from_the_url():
    config = cache_from_url("redis://127.0.0.1:6379/1?key_prefix=cgscan&timeout=30&version=2")
    assert config["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert (config["KEY_PREFIX"], config["TIMEOUT"], config["VERSION"]) == ("cgscan", 30, 2)
    assert not {"key_prefix", "timeout", "version"} & set(config)


def test_local_memory_by_default():
    assert cache_from_url("locmemcache://")["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
