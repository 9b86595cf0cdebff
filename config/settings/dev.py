"""Local development: debug on, localhost only, a throwaway secret key."""

from .base import *  # noqa: F403
from .base import env_list, env_str

DEBUG = True
SECRET_KEY = (
    env_str("DJANGO_SECRET_KEY", "") or "dev-only-insecure-key-not-for-production"
)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
