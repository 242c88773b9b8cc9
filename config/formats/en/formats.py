"""Dates in New Zealand English: 3 March 2027, Wednesday 3 March.

Django's own English formats are American ("March 3, 2027"). Other languages
use Django's formats for them (Spanish: "3 de marzo de 2027"). Templates
name a format (`date:"DATE_FORMAT"`), never the letters of one.
"""

DATE_FORMAT = "j F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j/m/Y"
