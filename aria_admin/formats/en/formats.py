"""The dashboard's one time format, for Django's own displays.

Django 5.0 removed USE_L10N: formats are always localized, and a locale's
format module wins over the DATETIME_FORMAT setting. So the format lives
here (FORMAT_MODULE_PATH), where the admin's read-only fields, the history
page and the |date filter find it; Python code uses aria_admin.times.
"""

DATETIME_FORMAT = "Y-m-d H:i:s T"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = DATE_FORMAT
TIME_FORMAT = "H:i:s"
# The first of each is what a form widget shows (ISO order, to the second).
DATE_INPUT_FORMATS = ["%Y-%m-%d"]
TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M:%S.%f", "%H:%M"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
