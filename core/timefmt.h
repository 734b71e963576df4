/* Formatting of packet times and durations for the text outputs. */
#ifndef FC_TIMEFMT_H
#define FC_TIMEFMT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/packet.h"

#define FC_TIME_STR 48 /* any int64 time fits */

/* RFC 3339 UTC with nanoseconds: 2011-03-18T19:06:07.123456789Z */
void fc_format_time(fc_time t, char out[FC_TIME_STR]);

/* A duration in seconds as the shortest decimal that reads back as the
 * same double, at most 15 significant digits: exact to the nanosecond
 * below 11 days ("0.000123", "12.5", "1800"). */
void fc_format_seconds(fc_time ns, char *out, size_t size);

/* Reads a time given on a command line: RFC 3339 in UTC as written above
 * (the fraction optional, 'Z' or "+00:00"), or seconds since the epoch
 * with up to 9 decimals. False when it is neither. */
bool fc_parse_time(const char *s, fc_time *out);

/* The same value as a double, for JSON numbers. */
double fc_seconds(fc_time ns);

#endif
