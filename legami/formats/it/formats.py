# Italian formats for legami. Django's own Italian formats spell months with a capital letter
# ("14 Agosto 2013"), which is wrong in Italian; numeric dates are what Comuni's forms use anyway.
DATE_FORMAT = "d/m/Y"  # 14/08/2013
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "d/m/Y H:i"  # 14/08/2013 16:30
YEAR_MONTH_FORMAT = "m/Y"
MONTH_DAY_FORMAT = "d/m"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
