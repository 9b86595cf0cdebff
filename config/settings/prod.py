"""Production: refuses to start without a secret key and the allowed hosts.

TLS is assumed (HSTS, secure cookies, HTTPS redirect); a local plain-HTTP run
sets DJANGO_SECURE_SSL=0.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, SECRET_KEY, env_bool, tls_settings

DEBUG = False

if not SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured(
        "Set DJANGO_SECRET_KEY to a long random value (50+ characters), e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(64))'."
    )
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "Set DJANGO_ALLOWED_HOSTS to the comma-separated host names this site serves."
    )

globals().update(tls_settings(env_bool("DJANGO_SECURE_SSL", True)))
