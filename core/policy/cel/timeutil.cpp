// SPDX-License-Identifier: Apache-2.0
#include "policy/cel/timeutil.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <vector>

namespace switchyard::cel {

namespace {

// 128-bit intermediates detect overflow instead of wrapping.
__extension__ typedef __int128 Int128;

constexpr std::int64_t kNanosPerSecond = 1000000000;

bool digitsAt(std::string_view s, std::size_t pos, std::size_t n, int &out)
{
    if (pos + n > s.size())
        return false;
    out = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

Value timestampFrom(std::int64_t seconds, std::int64_t nanos)
{
    seconds += nanos / kNanosPerSecond;
    nanos %= kNanosPerSecond;
    if (nanos < 0) {
        nanos += kNanosPerSecond;
        --seconds;
    }
    Timestamp t{seconds, static_cast<std::int32_t>(nanos)};
    if (!timestampInRange(t))
        return Value::error("timestamp out of range");
    return Value::timestamp(t);
}

// Transitions of one IANA zone, read from its TZif file.
struct ZoneData
{
    std::vector<std::int64_t> transitions;
    std::vector<std::uint8_t> typeIndex;
    std::vector<std::int32_t> offsets;
    std::int32_t initialOffset = 0;
};

std::int64_t readBigEndian(const unsigned char *p, int n)
{
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i)
        v = (v << 8) | p[i];
    if (n == 4)
        return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
    return static_cast<std::int64_t>(v);
}

std::optional<ZoneData> loadZone(std::string_view name)
{
    for (char c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' || c == '+'))
            return std::nullopt;
    if (name.empty() || name.find("..") != std::string_view::npos || name.front() == '/')
        return std::nullopt;
    std::ifstream in("/usr/share/zoneinfo/" + std::string(name), std::ios::binary);
    if (!in)
        return std::nullopt;
    std::vector<unsigned char> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto parseBlock = [&](std::size_t offset, int timeSize, ZoneData &zone, std::size_t &blockEnd) -> bool {
        if (data.size() < offset + 44 || std::string_view(reinterpret_cast<const char *>(&data[offset]), 4) != "TZif")
            return false;
        auto count = [&](int i) { return static_cast<std::size_t>(readBigEndian(&data[offset + 20 + 4 * i], 4)); };
        const std::size_t isutc = count(0), isstd = count(1), leap = count(2), timecnt = count(3),
                          typecnt = count(4), charcnt = count(5);
        std::size_t p = offset + 44;
        const std::size_t need = timecnt * static_cast<std::size_t>(timeSize) + timecnt + typecnt * 6 + charcnt
                                 + leap * static_cast<std::size_t>(timeSize + 4) + isstd + isutc;
        if (data.size() < p + need || typecnt == 0)
            return false;
        for (std::size_t i = 0; i < timecnt; ++i, p += static_cast<std::size_t>(timeSize))
            zone.transitions.push_back(readBigEndian(&data[p], timeSize));
        for (std::size_t i = 0; i < timecnt; ++i, ++p)
            zone.typeIndex.push_back(data[p]);
        for (std::size_t i = 0; i < typecnt; ++i, p += 6)
            zone.offsets.push_back(static_cast<std::int32_t>(readBigEndian(&data[p], 4)));
        for (std::uint8_t t : zone.typeIndex)
            if (t >= typecnt)
                return false;
        zone.initialOffset = zone.offsets[0];
        blockEnd = p + charcnt + leap * static_cast<std::size_t>(timeSize + 4) + isstd + isutc;
        return true;
    };
    ZoneData v1;
    std::size_t end = 0;
    if (!parseBlock(0, 4, v1, end))
        return std::nullopt;
    if (data.size() > 4 && data[4] >= '2') {
        ZoneData v2;
        std::size_t end2 = 0;
        if (parseBlock(end, 8, v2, end2))
            return v2;
    }
    return v1;
}

std::optional<std::int64_t> parseFixedOffset(std::string_view zone)
{
    int sign = 1;
    std::string_view s = zone;
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
        sign = s[0] == '-' ? -1 : 1;
        s.remove_prefix(1);
    }
    int h = 0, m = 0;
    if (s.size() == 5 && s[2] == ':' && digitsAt(s, 0, 2, h) && digitsAt(s, 3, 2, m) && m < 60)
        return sign * (h * 3600 + m * 60);
    return std::nullopt;
}

} // namespace

std::int64_t daysFromCivil(std::int64_t y, int m, int d)
{
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const std::int64_t yoe = y - era * 400;
    const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

CivilTime civilFromSeconds(std::int64_t unixSeconds)
{
    std::int64_t days = unixSeconds / 86400;
    std::int64_t rem = unixSeconds % 86400;
    if (rem < 0) {
        rem += 86400;
        --days;
    }
    CivilTime c;
    c.hour = static_cast<int>(rem / 3600);
    c.minute = static_cast<int>(rem % 3600 / 60);
    c.second = static_cast<int>(rem % 60);
    c.dayOfWeek = static_cast<int>(((days % 7) + 11) % 7); // 1970-01-01 was a Thursday
    const std::int64_t z = days + 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const std::int64_t doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    c.year = yoe + era * 400 + (c.month <= 2);
    c.dayOfYear = static_cast<int>(days - daysFromCivil(c.year, 1, 1));
    return c;
}

bool timestampInRange(Timestamp t)
{
    return t.seconds >= kMinTimestampSeconds && t.seconds <= kMaxTimestampSeconds;
}

Value parseTimestamp(std::string_view s)
{
    auto bad = [&] { return Value::error("timestamp parse error: invalid RFC 3339 text '" + std::string(s) + "'"); };
    std::size_t yearDigits = 0;
    while (yearDigits < s.size() && s[yearDigits] >= '0' && s[yearDigits] <= '9')
        ++yearDigits;
    if (yearDigits > 4 && yearDigits < s.size() && s[yearDigits] == '-')
        return Value::error("timestamp out of range");
    int year, month, day, hour, minute, second;
    if (!digitsAt(s, 0, 4, year) || s.size() < 20 || s[4] != '-' || !digitsAt(s, 5, 2, month) || s[7] != '-'
        || !digitsAt(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't') || !digitsAt(s, 11, 2, hour) || s[13] != ':'
        || !digitsAt(s, 14, 2, minute) || s[16] != ':' || !digitsAt(s, 17, 2, second))
        return bad();
    std::size_t p = 19;
    std::int64_t nanos = 0;
    if (p < s.size() && s[p] == '.') {
        ++p;
        int n = 0;
        while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
            if (n < 9) {
                nanos = nanos * 10 + (s[p] - '0');
                ++n;
            }
            ++p;
        }
        if (n == 0)
            return bad();
        for (; n < 9; ++n)
            nanos *= 10;
    }
    std::int64_t offset = 0;
    if (p < s.size() && (s[p] == 'Z' || s[p] == 'z')) {
        ++p;
    } else if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
        int oh, om;
        if (!digitsAt(s, p + 1, 2, oh) || p + 3 >= s.size() || s[p + 3] != ':' || !digitsAt(s, p + 4, 2, om))
            return bad();
        offset = (s[p] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
        p += 6;
    } else {
        return bad();
    }
    if (p != s.size())
        return bad();
    static const int monthDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12 || day < 1 || day > monthDays[month - 1] || hour > 23 || minute > 59 || second > 60)
        return bad();
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month == 2 && day == 29 && !leap)
        return bad();
    const std::int64_t secs = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
    return timestampFrom(secs, nanos);
}

std::string formatTimestamp(Timestamp t)
{
    const CivilTime c = civilFromSeconds(t.seconds);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d", static_cast<long long>(c.year), c.month, c.day,
                  c.hour, c.minute, c.second);
    std::string out = buf;
    if (t.nanos != 0) {
        std::snprintf(buf, sizeof buf, ".%09d", t.nanos);
        std::string frac = buf;
        while (frac.back() == '0')
            frac.pop_back();
        out += frac;
    }
    return out + "Z";
}

Value parseDuration(std::string_view text)
{
    auto bad = [&] { return Value::error("invalid duration '" + std::string(text) + "'"); };
    auto range = [&] { return Value::error("duration out of range: '" + std::string(text) + "'"); };
    std::string_view s = text;
    bool neg = false;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s == "0")
        return Value::duration({0});
    if (s.empty())
        return bad();
    Int128 total = 0;
    const Int128 limit = static_cast<Int128>(INT64_MAX) + (neg ? 1 : 0);
    while (!s.empty()) {
        Int128 whole = 0;
        std::size_t i = 0;
        bool anyDigits = false;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            whole = whole * 10 + (s[i] - '0');
            if (whole > limit)
                return range();
            ++i;
            anyDigits = true;
        }
        Int128 fracNum = 0, fracDen = 1;
        if (i < s.size() && s[i] == '.') {
            ++i;
            while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
                if (fracDen < static_cast<Int128>(1000000000000000000LL)) {
                    fracNum = fracNum * 10 + (s[i] - '0');
                    fracDen *= 10;
                }
                ++i;
                anyDigits = true;
            }
        }
        if (!anyDigits)
            return bad();
        s.remove_prefix(i);
        std::int64_t unit;
        if (s.starts_with("ns")) { unit = 1; s.remove_prefix(2); }
        else if (s.starts_with("us")) { unit = 1000; s.remove_prefix(2); }
        else if (s.starts_with("\xC2\xB5s")) { unit = 1000; s.remove_prefix(3); }
        else if (s.starts_with("ms")) { unit = 1000000; s.remove_prefix(2); }
        else if (s.starts_with("s")) { unit = kNanosPerSecond; s.remove_prefix(1); }
        else if (s.starts_with("m")) { unit = 60 * kNanosPerSecond; s.remove_prefix(1); }
        else if (s.starts_with("h")) { unit = 3600 * kNanosPerSecond; s.remove_prefix(1); }
        else return bad();
        total += whole * unit + fracNum * unit / fracDen;
        if (total > limit)
            return range();
    }
    return Value::duration({static_cast<std::int64_t>(neg ? -total : total)});
}

std::string formatDuration(Duration d)
{
    const bool neg = d.nanos < 0;
    const auto mag = neg ? static_cast<std::uint64_t>(-(d.nanos + 1)) + 1 : static_cast<std::uint64_t>(d.nanos);
    std::string out = neg ? "-" : "";
    out += std::to_string(mag / 1000000000ull);
    if (const auto frac = mag % 1000000000ull) {
        char buf[16];
        std::snprintf(buf, sizeof buf, ".%09llu", static_cast<unsigned long long>(frac));
        std::string f = buf;
        while (f.back() == '0')
            f.pop_back();
        out += f;
    }
    return out + "s";
}

std::optional<std::int64_t> utcOffsetAt(std::string_view zone, std::int64_t unixSeconds)
{
    if (zone == "UTC" || zone == "Z" || zone == "utc" || zone == "GMT")
        return 0;
    if (auto fixed = parseFixedOffset(zone))
        return fixed;
    static std::mutex mutex;
    static std::map<std::string, std::optional<ZoneData>, std::less<>> cache;
    std::lock_guard lock(mutex);
    auto it = cache.find(zone);
    if (it == cache.end())
        it = cache.emplace(std::string(zone), loadZone(zone)).first;
    if (!it->second)
        return std::nullopt;
    const ZoneData &z = *it->second;
    std::int32_t offset = z.initialOffset;
    for (std::size_t i = 0; i < z.transitions.size() && z.transitions[i] <= unixSeconds; ++i)
        offset = z.offsets[z.typeIndex[i]];
    return offset;
}

Value addTimestampDuration(Timestamp t, Duration d)
{
    const std::int64_t secs = d.nanos / kNanosPerSecond;
    const std::int64_t nanos = d.nanos % kNanosPerSecond;
    return timestampFrom(t.seconds + secs, t.nanos + nanos);
}

Value subtractTimestamps(Timestamp a, Timestamp b)
{
    const Int128 diff = (static_cast<Int128>(a.seconds) - b.seconds) * kNanosPerSecond + (a.nanos - b.nanos);
    if (diff > INT64_MAX || diff < INT64_MIN)
        return Value::error("duration out of range");
    return Value::duration({static_cast<std::int64_t>(diff)});
}

Value addDurations(Duration a, Duration b)
{
    std::int64_t r;
    if (__builtin_add_overflow(a.nanos, b.nanos, &r))
        return Value::error("duration out of range");
    return Value::duration({r});
}

Value subtractDurations(Duration a, Duration b)
{
    std::int64_t r;
    if (__builtin_sub_overflow(a.nanos, b.nanos, &r))
        return Value::error("duration out of range");
    return Value::duration({r});
}

} // namespace switchyard::cel
