# Russian formats: Django's own, with the 24-hour clock used in Kazakhstan's agencies.
from django.conf.locale.ru.formats import *  # noqa: F403

DATETIME_FORMAT = "j E Y г. H:i"
TIME_FORMAT = "H:i"
