import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grassroots.settings")
application = get_wsgi_application()
# Everything loaded at start-up lives as long as the worker: moved out of the collector's reach, so a large
# request (an observation batch) does not pay for traversing the whole framework on every full collection.
gc.collect()
gc.freeze()
