/* Time formatting: see timefmt.h. */
#include "core/timefmt.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
 * civil_from_days): exact for every int64 day count we can meet, with no
 * dependence on the C library's time zone handling. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

void fc_format_time(fc_time t, char out[FC_TIME_STR])
{
    int64_t secs = t / FC_NS_PER_SEC;
    int64_t ns = t % FC_NS_PER_SEC;
    if (ns < 0) {
        ns += FC_NS_PER_SEC;
        secs--;
    }
    int64_t days = secs / 86400;
    int64_t rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    snprintf(out, FC_TIME_STR, "%04" PRId64 "-%02u-%02uT%02u:%02u:%02u.%09" PRId64 "Z", y, m, d,
             (unsigned)(rem / 3600), (unsigned)(rem / 60 % 60), (unsigned)(rem % 60), ns);
}

double fc_seconds(fc_time ns)
{
    return (double)ns / 1e9;
}

void fc_format_seconds(fc_time ns, char *out, size_t size)
{
    /* %.15g: DBL_DIG digits always read back as the decimal they came
     * from, and nanosecond values up to 1e6 s need no more. The touches
     * after it are jansson's, so CSV cells and JSON numbers read alike:
     * a ".0" on whole numbers, no '+' or leading zeros in the exponent. */
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%.15g", fc_seconds(ns));
    const char *e = strchr(tmp, 'e');
    if (!e) {
        snprintf(out, size, strchr(tmp, '.') ? "%s" : "%s.0", tmp);
        return;
    }
    const char *exp = e + 1;
    bool negative = *exp == '-';
    if (*exp == '-' || *exp == '+')
        exp++;
    while (exp[0] == '0' && exp[1] != '\0')
        exp++;
    snprintf(out, size, "%.*se%s%s", (int)(e - tmp), tmp, negative ? "-" : "", exp);
}
