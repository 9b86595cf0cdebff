"""Settings for the benchmark's servers: the test settings, with no reuse of results.

Every timed search does its work: the engine's cache of recent results
(a repeated query's matches and ranking) is off, as in the in-process run.
"""

from config.settings.test import *  # noqa: F403

SEARCH_CACHE_SIZE = 0
