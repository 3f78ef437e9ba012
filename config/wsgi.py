import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# A served process writes its lookup events from a background thread, off every
# request's path (kb/events.py).
from kb import events  # noqa: E402

events.use_writer_thread()
