// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/cel/value.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// Calendar arithmetic, RFC 3339 timestamps, Go-style durations and time
// zones for the CEL engine.
namespace switchyard::cel {

constexpr std::int64_t kMinTimestampSeconds = -62135596800;  // 0001-01-01T00:00:00Z
constexpr std::int64_t kMaxTimestampSeconds = 253402300799;  // 9999-12-31T23:59:59Z

struct CivilTime
{
    std::int64_t year = 1970;
    int month = 1; // 1..12
    int day = 1;   // 1..31
    int hour = 0, minute = 0, second = 0;
    int dayOfWeek = 4; // 0 = Sunday
    int dayOfYear = 0; // 0-based
};

std::int64_t daysFromCivil(std::int64_t y, int m, int d);
CivilTime civilFromSeconds(std::int64_t unixSeconds);

bool timestampInRange(Timestamp t);
// A timestamp Value, or an error Value for bad text or out of range.
Value parseTimestamp(std::string_view text);
// RFC 3339 in UTC with the fraction trimmed: 2009-02-13T23:31:30.5Z.
std::string formatTimestamp(Timestamp t);
// "1h2m3.5s", "-1.5s", "300ms"; units h m s ms us µs ns. Error Value on bad text/overflow.
Value parseDuration(std::string_view text);
// Seconds with a trimmed fraction: "3600s", "1.5s", "-0.000000001s".
std::string formatDuration(Duration d);

// The UTC offset in seconds of `zone` at `unixSeconds`: "UTC", "Z", fixed
// offsets ("+05:30", "-02:30", "02:00"), or an IANA name looked up in the
// system tz database (/usr/share/zoneinfo). nullopt for an unknown zone.
std::optional<std::int64_t> utcOffsetAt(std::string_view zone, std::int64_t unixSeconds);

// Checked timestamp/duration arithmetic; error Values carry "range" or
// "overflow" in the message.
Value addTimestampDuration(Timestamp t, Duration d);
Value subtractTimestamps(Timestamp a, Timestamp b);
Value addDurations(Duration a, Duration b);
Value subtractDurations(Duration a, Duration b);

} // namespace switchyard::cel
