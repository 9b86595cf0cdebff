"""Background work: Django Tasks on the database backend, and the schedule.

Code elsewhere imports ``task`` and ``periodic`` from here, so moving from the
``django-tasks`` backport to ``django.tasks`` (Django 6.0) touches this file only.
"""

try:
    from django.tasks import TaskResultStatus, task
    from django.tasks.exceptions import TaskResultDoesNotExist
except ImportError:  # Django 5.2: the backport
    from django_tasks import TaskResultStatus, task
    from django_tasks.exceptions import TaskResultDoesNotExist

from archive.jobs.schedule import periodic

__all__ = ["TaskResultDoesNotExist", "TaskResultStatus", "periodic", "task"]
