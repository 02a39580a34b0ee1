// SPDX-License-Identifier: Apache-2.0
// Utility macros of ngrok traffic policy: rand.double, rand.int,
// secrets.get (refused: there is no secrets vault offline), isPrivateIp and
// the string format method.
#include "policy/cel/cidrrange.h"
#include "policy/cel/functionregistry.h"
#include "policy/cel/textformat.h"

#include <array>
#include <charconv>
#include <random>

namespace switchyard::cel {

namespace {

std::mt19937_64 &generator()
{
    thread_local std::mt19937_64 engine{std::random_device{}()};
    return engine;
}

Value randDouble(const Value *, std::size_t, EvalContext &)
{
    return Value::dbl(std::uniform_real_distribution<double>(0.0, 1.0)(generator()));
}

// rand.int() is 0 or 1; rand.int(min, max) is in [min, max].
Value randInt(const Value *a, std::size_t n, EvalContext &)
{
    if (n == 1 || (n == 2 && (a[0].kind() != ValueKind::Int || a[1].kind() != ValueKind::Int)))
        return noOverload("rand.int", a, n);
    const std::int64_t lo = n == 2 ? a[0].intValue() : 0;
    const std::int64_t hi = n == 2 ? a[1].intValue() : 1;
    if (lo > hi)
        return Value::error("rand.int: min " + std::to_string(lo) + " is greater than max " + std::to_string(hi));
    return Value::integer(std::uniform_int_distribution<std::int64_t>(lo, hi)(generator()));
}

constexpr std::string_view kNoSecrets = "secrets.get is not supported by Switchyard: there is no secrets vault; "
                                        "write the value in the policy or the config file instead";

Value secretsGet(const Value *a, std::size_t n, EvalContext &)
{
    if (!a[0].isString() || !a[1].isString())
        return noOverload("secrets.get", a, n);
    return Value::error(std::string(kNoSecrets));
}

// As Go's net.IP.IsPrivate: RFC 1918 and RFC 4193 (fc00::/7); loopback and
// link-local addresses are not private.
Value isPrivateIp(const Value *a, std::size_t n, EvalContext &)
{
    if (!a[0].isString())
        return noOverload("isPrivateIp", a, n);
    static const auto ranges = [] {
        std::array<CidrRange, 4> r{};
        const char *specs[] = {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"};
        for (std::size_t i = 0; i < r.size(); ++i)
            r[i] = *CidrRange::parse(specs[i]);
        return r;
    }();
    const auto ip = IpAddress::parse(a[0].stringValue());
    if (!ip)
        return Value::boolean(false);
    for (const CidrRange &r : ranges)
        if (r.contains(*ip))
            return Value::boolean(true);
    return Value::boolean(false);
}

std::string fixedOrScientific(double d, bool scientific, int precision)
{
    char buffer[400];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, d,
                                         scientific ? std::chars_format::scientific : std::chars_format::fixed, precision);
    return ec == std::errc() ? std::string(buffer, end) : formatDoubleText(d);
}

std::string integerInBase(std::uint64_t v, int base, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    std::string out;
    do {
        out.insert(out.begin(), digits[v % static_cast<std::uint64_t>(base)]);
        v /= static_cast<std::uint64_t>(base);
    } while (v);
    return out;
}

// One conversion of format(); an error Value names what went wrong.
Value formatOne(char verb, int precision, const Value &v)
{
    auto wrong = [&] {
        return Value::error(std::string("format: %") + verb + " does not take " + std::string(v.typeName()));
    };
    switch (verb) {
    case 's': {
        if (v.kind() == ValueKind::List || v.kind() == ValueKind::Map || v.kind() == ValueKind::Null
            || v.kind() == ValueKind::Type)
            return Value::string(v.kind() == ValueKind::Type ? std::string(v.typeValue()) : v.debugString());
        const FunctionInfo *toString = findFunction("string");
        EvalContext unused;
        return toString->impl(&v, 1, unused);
    }
    case 'd':
        if (v.kind() == ValueKind::Int) return Value::string(std::to_string(v.intValue()));
        if (v.kind() == ValueKind::Uint) return Value::string(std::to_string(v.uintValue()));
        return wrong();
    case 'f':
    case 'e': {
        double d = 0;
        if (v.kind() == ValueKind::Double) d = v.doubleValue();
        else if (v.kind() == ValueKind::Int) d = static_cast<double>(v.intValue());
        else if (v.kind() == ValueKind::Uint) d = static_cast<double>(v.uintValue());
        else return wrong();
        return Value::string(fixedOrScientific(d, verb == 'e', precision < 0 ? 6 : precision));
    }
    case 'x':
    case 'X':
    case 'o':
    case 'b': {
        const int base = verb == 'o' ? 8 : verb == 'b' ? 2 : 16;
        if (v.kind() == ValueKind::Uint)
            return Value::string(integerInBase(v.uintValue(), base, verb == 'X'));
        if (v.kind() == ValueKind::Int) {
            const std::int64_t i = v.intValue();
            const std::uint64_t magnitude = i < 0 ? 0 - static_cast<std::uint64_t>(i) : static_cast<std::uint64_t>(i);
            return Value::string((i < 0 ? "-" : "") + integerInBase(magnitude, base, verb == 'X'));
        }
        if ((v.isString() || v.kind() == ValueKind::Bytes) && base == 16) {
            std::string out;
            for (unsigned char c : v.stringValue()) {
                std::string byte = integerInBase(c, 16, verb == 'X');
                out += (byte.size() == 1 ? "0" : "") + byte;
            }
            return Value::string(std::move(out));
        }
        return wrong();
    }
    default: return Value::error(std::string("format: unknown verb %") + verb);
    }
}

// 'text %s and %d'.format([a, b]): %s %d %f %e %x %X %o %b and %%, with an
// optional precision for %f and %e (%.2f).
Value format(const Value *a, std::size_t n, EvalContext &ctx)
{
    if (!a[0].isString() || a[1].kind() != ValueKind::List)
        return noOverload("format", a, n);
    const std::string_view f = a[0].stringValue();
    const ListValue &args = a[1].listValue();
    std::string out;
    std::size_t next = 0;
    for (std::size_t i = 0; i < f.size(); ++i) {
        if (f[i] != '%') {
            out += f[i];
            continue;
        }
        if (++i >= f.size())
            return Value::error("format: '%' at the end of the format string");
        if (f[i] == '%') {
            out += '%';
            continue;
        }
        int precision = -1;
        if (f[i] == '.') {
            precision = 0;
            while (++i < f.size() && f[i] >= '0' && f[i] <= '9' && precision < 100)
                precision = precision * 10 + (f[i] - '0');
            if (i >= f.size())
                return Value::error("format: incomplete conversion at the end of the format string");
        }
        if (next >= args.size())
            return Value::error("format: not enough arguments for the format string (" + std::to_string(args.size())
                                + " given)");
        Value piece = formatOne(f[i], precision, args.at(next++));
        if (piece.isError())
            return piece;
        out += piece.stringValue();
        if (out.size() > ctx.limits->maxStringSize)
            return Value::error("string size limit exceeded");
    }
    if (!ctx.charge(out.size() / 128))
        return costLimitError();
    return Value::string(std::move(out));
}

} // namespace

std::string_view unsupportedFunction(std::string_view name)
{
    return name == "secrets.get" ? kNoSecrets : std::string_view();
}

bool foldable(const FunctionInfo &fn)
{
    return fn.impl != randDouble && fn.impl != randInt;
}

void registerUtilityFunctions(std::vector<FunctionInfo> &out)
{
    out.push_back({"rand.double", randDouble, 0, 0, false, true, {}});
    out.push_back({"rand.int", randInt, 0, 2, false, true, {}});
    out.push_back({"secrets.get", secretsGet, 2, 2, false, true, {}});
    out.push_back({"isPrivateIp", isPrivateIp, 1, 1, true, false, {}});
    out.push_back({"format", format, 2, 2, true, false, {}});
}

} // namespace switchyard::cel
