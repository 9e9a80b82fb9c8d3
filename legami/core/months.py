"""Month names in Italian dates are written in lower case ("3 dicembre 2026").

Django's Italian catalogue capitalises the names the "E" date format prints ("3 Dicembre 2026"); legami's own
catalogue, first in LOCALE_PATHS, gives them in lower case for every page, e-mail and document at once. They are
marked here so that makemessages keeps them in the catalogue.
"""

from django.utils.translation import pgettext_lazy

ALT_MONTHS = (
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
)
