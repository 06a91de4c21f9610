import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "danvan.settings")
application = get_wsgi_application()

from danvan.startup import prepare  # noqa: E402  (needs the settings and apps loaded above)

prepare()
