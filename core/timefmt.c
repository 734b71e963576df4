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

/* Howard Hinnant's days_from_civil: the inverse of civil_from_days. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* Digits and an optional fraction of up to 9 digits: "12", "12.5". */
static bool parse_fraction(const char **s, int64_t *ns)
{
    *ns = 0;
    if (**s != '.')
        return true;
    (*s)++;
    int digits = 0;
    for (; **s >= '0' && **s <= '9'; (*s)++, digits++) {
        if (digits == 9)
            return false;
        *ns = *ns * 10 + (**s - '0');
    }
    for (int i = digits; i < 9; i++)
        *ns *= 10;
    return digits > 0;
}

bool fc_parse_time(const char *s, fc_time *out)
{
    int y, mo, d, h, mi, sec, used = 0;
    int64_t frac;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &used) == 6 &&
        used == 19) {
        const char *p = s + used;
        if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 ||
            !parse_fraction(&p, &frac) || (strcmp(p, "Z") != 0 && strcmp(p, "+00:00") != 0))
            return false;
        int64_t days = days_from_civil(y, (unsigned)mo, (unsigned)d);
        *out = ((days * 24 + h) * 60 + mi) * 60 * FC_NS_PER_SEC + (int64_t)sec * FC_NS_PER_SEC + frac;
        return true;
    }
    const char *p = s;
    int64_t whole = 0;
    if (*p < '0' || *p > '9')
        return false;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (whole > INT64_MAX / FC_NS_PER_SEC / 10)
            return false;
        whole = whole * 10 + (*p - '0');
    }
    if (!parse_fraction(&p, &frac) || *p != '\0')
        return false;
    *out = whole * FC_NS_PER_SEC + frac;
    return true;
}
