// SPDX-License-Identifier: Apache-2.0
#include "policy/cel/jsonparser.h"

#include "policy/cel/textformat.h"

#include <charconv>
#include <string>

namespace switchyard::cel {

namespace {

constexpr int kMaxDepth = 128;

class JsonReader
{
public:
    explicit JsonReader(std::string_view text) : m_text(text) {}

    Value document()
    {
        Value v = value(0);
        if (v.isError())
            return v;
        skipSpace();
        if (m_pos != m_text.size())
            return fail("unexpected text after the value");
        return v;
    }

private:
    Value fail(const std::string &what) const
    {
        return Value::error("json: " + what + " at offset " + std::to_string(m_pos));
    }

    void skipSpace()
    {
        while (m_pos < m_text.size()
               && (m_text[m_pos] == ' ' || m_text[m_pos] == '\t' || m_text[m_pos] == '\n' || m_text[m_pos] == '\r'))
            ++m_pos;
    }

    bool literal(std::string_view word)
    {
        if (m_text.substr(m_pos, word.size()) != word)
            return false;
        m_pos += word.size();
        return true;
    }

    Value value(int depth)
    {
        if (depth > kMaxDepth)
            return fail("nesting deeper than " + std::to_string(kMaxDepth) + " levels");
        skipSpace();
        if (m_pos >= m_text.size())
            return fail("unexpected end of text");
        const char c = m_text[m_pos];
        if (c == '{')
            return object(depth);
        if (c == '[')
            return array(depth);
        if (c == '"') {
            std::string s;
            if (!string(s))
                return fail("invalid string");
            return Value::string(std::move(s));
        }
        if (literal("true"))
            return Value::boolean(true);
        if (literal("false"))
            return Value::boolean(false);
        if (literal("null"))
            return Value::null();
        if (c == '-' || (c >= '0' && c <= '9'))
            return number();
        return fail(std::string("unexpected character '") + c + "'");
    }

    Value object(int depth)
    {
        ++m_pos; // {
        std::vector<MapValue::Entry> entries;
        skipSpace();
        if (m_pos < m_text.size() && m_text[m_pos] == '}') {
            ++m_pos;
            return MapValue::make(std::move(entries));
        }
        while (true) {
            skipSpace();
            std::string key;
            if (m_pos >= m_text.size() || m_text[m_pos] != '"' || !string(key))
                return fail("expected a string key");
            skipSpace();
            if (m_pos >= m_text.size() || m_text[m_pos] != ':')
                return fail("expected ':'");
            ++m_pos;
            Value v = value(depth + 1);
            if (v.isError())
                return v;
            entries.emplace_back(Value::string(std::move(key)), std::move(v));
            skipSpace();
            if (m_pos < m_text.size() && m_text[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (m_pos < m_text.size() && m_text[m_pos] == '}') {
                ++m_pos;
                Value m = MapValue::make(std::move(entries));
                return m.isError() ? fail("duplicate key") : m;
            }
            return fail("expected ',' or '}'");
        }
    }

    Value array(int depth)
    {
        ++m_pos; // [
        std::vector<Value> items;
        skipSpace();
        if (m_pos < m_text.size() && m_text[m_pos] == ']') {
            ++m_pos;
            return Value::list(std::move(items));
        }
        while (true) {
            Value v = value(depth + 1);
            if (v.isError())
                return v;
            items.push_back(std::move(v));
            skipSpace();
            if (m_pos < m_text.size() && m_text[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (m_pos < m_text.size() && m_text[m_pos] == ']') {
                ++m_pos;
                return Value::list(std::move(items));
            }
            return fail("expected ',' or ']'");
        }
    }

    bool hex4(std::uint32_t &out)
    {
        if (m_pos + 4 > m_text.size())
            return false;
        out = 0;
        for (int i = 0; i < 4; ++i) {
            const char h = m_text[m_pos++];
            out <<= 4;
            if (h >= '0' && h <= '9') out |= static_cast<std::uint32_t>(h - '0');
            else if (h >= 'a' && h <= 'f') out |= static_cast<std::uint32_t>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F') out |= static_cast<std::uint32_t>(h - 'A' + 10);
            else return false;
        }
        return true;
    }

    bool string(std::string &out)
    {
        ++m_pos; // "
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos++];
            if (c == '"')
                return isValidUtf8(out);
            if (static_cast<unsigned char>(c) < 0x20)
                return false;
            if (c != '\\') {
                out += c;
                continue;
            }
            if (m_pos >= m_text.size())
                return false;
            switch (m_text[m_pos++]) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                std::uint32_t cp = 0;
                if (!hex4(cp))
                    return false;
                if (cp >= 0xD800 && cp < 0xDC00) {
                    std::uint32_t low = 0;
                    if (!literal("\\u") || !hex4(low) || low < 0xDC00 || low > 0xDFFF)
                        return false;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    return false;
                }
                appendUtf8(out, cp);
                break;
            }
            default: return false;
            }
        }
        return false;
    }

    Value number()
    {
        const std::size_t start = m_pos;
        bool integral = true;
        if (m_text[m_pos] == '-')
            ++m_pos;
        auto digits = [&] {
            const std::size_t from = m_pos;
            while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9')
                ++m_pos;
            return m_pos - from;
        };
        const std::size_t intStart = m_pos;
        const std::size_t intDigits = digits();
        if (intDigits == 0 || (intDigits > 1 && m_text[intStart] == '0'))
            return fail("invalid number");
        if (m_pos < m_text.size() && m_text[m_pos] == '.') {
            integral = false;
            ++m_pos;
            if (digits() == 0)
                return fail("invalid number");
        }
        if (m_pos < m_text.size() && (m_text[m_pos] == 'e' || m_text[m_pos] == 'E')) {
            integral = false;
            ++m_pos;
            if (m_pos < m_text.size() && (m_text[m_pos] == '+' || m_text[m_pos] == '-'))
                ++m_pos;
            if (digits() == 0)
                return fail("invalid number");
        }
        const std::string_view text = m_text.substr(start, m_pos - start);
        if (integral) {
            std::int64_t i = 0;
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), i);
            if (ec == std::errc() && end == text.data() + text.size())
                return Value::integer(i);
        }
        // from_chars, unlike strtod, ignores the locale (Qt sets LC_NUMERIC).
        double d = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
        if (ec == std::errc::result_out_of_range)
            return fail("number out of range");
        if (ec != std::errc() || end != text.data() + text.size())
            return fail("invalid number");
        return Value::dbl(d);
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
};

} // namespace

Value parseJson(std::string_view text)
{
    return JsonReader(text).document();
}

} // namespace switchyard::cel
