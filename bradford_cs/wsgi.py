"""WSGI entry point for gunicorn or any WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

from .runtime import tune_garbage_collector

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bradford_cs.settings")

application = get_wsgi_application()
tune_garbage_collector()  # after loading, so what every request shares is frozen (bradford_cs.runtime)
