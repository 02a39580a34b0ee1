// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/cel/program.h"

#include <QString>
#include <QTest>

#include <cmath>

#include <string>
#include <utility>
#include <vector>

namespace celtest {

using switchyard::cel::Value;

// Variables every evaluation test can use.
inline std::vector<std::pair<std::string, Value>> standardVars()
{
    using switchyard::cel::MapValue;
    std::vector<MapValue::Entry> m;
    m.emplace_back(Value::string("a"), Value::integer(1));
    m.emplace_back(Value::string("b"), Value::integer(2));
    return {
        {"x", Value::integer(5)},
        {"u", Value::uinteger(7)},
        {"d", Value::dbl(2.5)},
        {"s", Value::string("hello")},
        {"l", Value::list({Value::integer(1), Value::integer(2), Value::integer(3)})},
        {"m", Value::map(MapValue::makeUnchecked(std::move(m)))},
        {"n", Value::null()},
        {"t", Value::boolean(true)},
        {"f", Value::boolean(false)},
    };
}

// Evaluates `expr` and compares with `expected`, which is either a CEL
// expression giving the expected value (compared by CEL equality and exact
// type, so 1 and 1.0 differ) or "error:SUBSTRING" / "compile:SUBSTRING".
inline void checkEvaluation(const QString &expr, const QString &expected,
                            const std::vector<std::pair<std::string, Value>> &vars = standardVars(),
                            bool lenient = false)
{
    switchyard::cel::CompileOptions options;
    options.lenientTypes = lenient;
    const auto outcome = switchyard::cel::evaluateExpression(expr.toStdString(), vars, options);
    if (expected.startsWith("compile:")) {
        QVERIFY2(!outcome.compiled(), qPrintable("expected a compile error, got " +
                                                 QString::fromStdString(outcome.value.debugString())));
        QVERIFY2(outcome.compileError.find(expected.mid(8).toStdString()) != std::string::npos,
                 outcome.compileError.c_str());
        return;
    }
    QVERIFY2(outcome.compiled(), outcome.compileError.c_str());
    if (expected.startsWith("error:")) {
        QVERIFY2(outcome.value.isError(), qPrintable("expected an error, got " +
                                                     QString::fromStdString(outcome.value.debugString())));
        const std::string message(outcome.value.errorMessage());
        QVERIFY2(message.find(expected.mid(6).toStdString()) != std::string::npos, message.c_str());
        return;
    }
    const auto want = switchyard::cel::evaluateExpression(expected.toStdString(), {});
    QVERIFY2(want.compiled() && !want.value.isError(), "bad expected value in test table");
    const bool sameType = outcome.value.kind() == want.value.kind();
    // The debug form spells element types too ([1] vs [1.0]).
    bool equal = sameType && switchyard::cel::valuesEqual(outcome.value, want.value)
                 && outcome.value.debugString() == want.value.debugString();
    // NaN is the one value not equal to itself.
    if (sameType && outcome.value.kind() == switchyard::cel::ValueKind::Double
        && std::isnan(outcome.value.doubleValue()) && std::isnan(want.value.doubleValue()))
        equal = true;
    QVERIFY2(equal, qPrintable("got " + QString::fromStdString(outcome.value.debugString()) + ", expected "
                               + QString::fromStdString(want.value.debugString())));
}

} // namespace celtest
