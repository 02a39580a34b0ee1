// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace switchyard {

// The error half of a Result: a plain-words message. Rich, positioned errors
// use Diagnostic/DiagnosticList instead; this is for single-cause failures.
struct Error
{
    std::string message;
    // A stable machine-readable code where one is documented
    // (e.g. "ERR_SWITCHYARD_334" for a URL conflict); empty otherwise.
    std::string code = {};
};

// Errors are values (STYLE.md): a Result holds either a T or an Error.
// A stand-in for std::expected until the project moves to C++23.
template<typename T>
class [[nodiscard]] Result
{
public:
    Result(T value) : m_v(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_v(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }

    T &value() & { assert(ok()); return std::get<0>(m_v); }
    const T &value() const & { assert(ok()); return std::get<0>(m_v); }
    T &&value() && { assert(ok()); return std::get<0>(std::move(m_v)); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }

    const Error &error() const { assert(!ok()); return std::get<1>(m_v); }
    const std::string &message() const { return error().message; }

private:
    std::variant<T, Error> m_v;
};

// Result<void>: success or an Error.
template<>
class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)), m_ok(false) {}

    bool ok() const { return m_ok; }
    explicit operator bool() const { return m_ok; }
    const Error &error() const { assert(!m_ok); return m_error; }
    const std::string &message() const { return error().message; }

private:
    Error m_error;
    bool m_ok = true;
};

inline Error makeError(std::string message, std::string code = {})
{
    return Error{std::move(message), std::move(code)};
}

} // namespace switchyard
