"""gettext for the few pure modules (areas.geo, core.workcalendar) that also run without Django settings.

Under Django it is plain gettext; without configured settings (their standalone tests, scripts) it returns
the Chinese msgid, as the default language would.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _gettext


def gettext(message: str) -> str:
    return _gettext(message) if settings.configured else message
