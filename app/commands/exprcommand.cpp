// SPDX-License-Identifier: Apache-2.0
// `switchyard expr eval EXPR [--vars JSON]`: evaluate one CEL expression and
// print the value as JSON (policy/cel/jsonformat.h documents the shapes;
// bytes print as base64 strings).
#include "cli/exitcode.h"
#include "cli/globaloptions.h"
#include "commands/commands.h"

#include "policy/cel/jsonformat.h"
#include "policy/cel/program.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QVariant>

#include <cctype>

namespace switchyard::cli {

namespace {

using cel::Value;

// QJsonDocument keeps no trace of how a number was written (1.0 reads back
// as an integer), so numbers with a fraction or exponent are first wrapped
// in a marked string and turned back into doubles by fromJson().
const QString kDoubleMark = QStringLiteral("\u0001double:");

QByteArray markDoubles(const QByteArray &json)
{
    QByteArray out;
    out.reserve(json.size() + 16);
    for (qsizetype i = 0; i < json.size();) {
        const char c = json[i];
        if (c == '"') {
            const qsizetype start = i++;
            while (i < json.size() && json[i] != '"')
                i += json[i] == '\\' ? 2 : 1;
            out.append(json.mid(start, ++i - start));
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            const qsizetype start = i;
            bool isDouble = false;
            while (i < json.size() && (std::isdigit(static_cast<unsigned char>(json[i])) || json[i] == '-'
                                       || json[i] == '+' || json[i] == '.' || json[i] == 'e' || json[i] == 'E')) {
                isDouble = isDouble || json[i] == '.' || json[i] == 'e' || json[i] == 'E';
                ++i;
            }
            const QByteArray number = json.mid(start, i - start);
            out.append(isDouble ? "\"" + kDoubleMark.toUtf8().replace("\x01", "\\u0001") + number + "\"" : number);
        } else {
            out.append(c);
            ++i;
        }
    }
    return out;
}

// JSON integers (no fraction or exponent) become CEL ints; other numbers doubles.
Value fromJson(const QJsonValue &j)
{
    switch (j.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined: return Value::null();
    case QJsonValue::Bool: return Value::boolean(j.toBool());
    case QJsonValue::Double: {
        const QVariant v = j.toVariant();
        if (v.typeId() == QMetaType::LongLong)
            return Value::integer(v.toLongLong());
        return Value::dbl(j.toDouble());
    }
    case QJsonValue::String: {
        const QString text = j.toString();
        if (text.startsWith(kDoubleMark))
            return Value::dbl(text.mid(kDoubleMark.size()).toDouble());
        return Value::string(text.toStdString());
    }
    case QJsonValue::Array: {
        std::vector<Value> items;
        const QJsonArray array = j.toArray();
        items.reserve(static_cast<std::size_t>(array.size()));
        for (const QJsonValue e : array)
            items.push_back(fromJson(e));
        return Value::list(std::move(items));
    }
    case QJsonValue::Object: {
        std::vector<cel::MapValue::Entry> entries;
        const QJsonObject o = j.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            entries.emplace_back(Value::string(it.key().toStdString()), fromJson(it.value()));
        return Value::map(cel::MapValue::makeUnchecked(std::move(entries)));
    }
    }
    return Value::null();
}

bool isValueOption(const QString &name)
{
    static const QStringList names = {"vars", "config", "data-dir", "api-addr", "edge-http", "edge-https",
                                      "workers", "log-level", "log-format"};
    return names.contains(name);
}

} // namespace

int runExprCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription("Evaluate a CEL expression: switchyard expr eval EXPR [--vars JSON].\n"
                                     "Prints the value as JSON; bytes print as base64 strings.");
    GlobalOptions::addTo(parser);
    parser.addOption({"vars", "Variables as a JSON object; each key becomes a dyn-typed variable.", "JSON"});
    parser.addPositionalArgument("eval", "The subcommand (only 'eval').");
    parser.addPositionalArgument("EXPR", "The expression; it may start with '-' (e.g. -1 + 2).");

    // The expression may begin with '-', so it is taken out before option
    // parsing: the first argument after "eval" that is not an option we know.
    QStringList rest;
    QString expression;
    bool haveExpression = false;
    bool seenEval = false;
    for (int i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == "--") {
            for (++i; i < args.size(); ++i) {
                if (!seenEval && args[i] == "eval") {
                    seenEval = true;
                    continue;
                }
                if (haveExpression) {
                    rest << "--" << args[i];
                    continue;
                }
                expression = args[i];
                haveExpression = true;
            }
            break;
        }
        if (a.startsWith("--") || (a.startsWith('-') && a.size() == 2 && a[1].isLetter())) {
            const QString name = a.mid(a.startsWith("--") ? 2 : 1).section('=', 0, 0);
            if (isValueOption(name) || name == "help" || name == "h") {
                rest << a;
                if (isValueOption(name) && !a.contains('=') && i + 1 < args.size())
                    rest << args[++i];
                continue;
            }
        }
        if (!seenEval && a == "eval") {
            seenEval = true;
            continue;
        }
        if (seenEval && !haveExpression) {
            expression = a;
            haveExpression = true;
            continue;
        }
        rest << a;
    }

    bool help = false;
    if (!parseCommandLine(parser, "expr", rest, help))
        return ExitUsage;
    if (help)
        return ExitOk;
    GlobalOptions global;
    if (auto problem = GlobalOptions::read(parser, global)) {
        printError("switchyard expr: " + *problem);
        return ExitUsage;
    }
    if (!parser.positionalArguments().isEmpty()) {
        printError("switchyard expr: unexpected argument '" + parser.positionalArguments().first().toStdString()
                   + "'\nRun 'switchyard expr --help' for usage.");
        return ExitUsage;
    }
    if (!seenEval) {
        printError("switchyard expr: missing subcommand (expected 'eval')\nRun 'switchyard expr --help' for usage.");
        return ExitUsage;
    }
    if (!haveExpression) {
        printError("switchyard expr eval: missing expression\nRun 'switchyard expr --help' for usage.");
        return ExitUsage;
    }

    std::vector<std::pair<std::string, Value>> vars;
    if (parser.isSet("vars")) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(markDoubles(parser.value("vars").toUtf8()), &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject()) {
            printError("switchyard expr eval: --vars must be a JSON object"
                       + (error.error != QJsonParseError::NoError ? ": " + error.errorString().toStdString()
                                                                  : std::string()));
            return ExitUsage;
        }
        const QJsonObject o = doc.object();
        for (auto it = o.begin(); it != o.end(); ++it)
            vars.emplace_back(it.key().toStdString(), fromJson(it.value()));
    }

    cel::CompileOptions options;
    options.lenientTypes = true;
    const cel::EvalOutcome outcome = cel::evaluateExpression(expression.toStdString(), vars, options);
    if (!outcome.compiled()) {
        printError("error: " + outcome.compileError);
        return ExitInvalidInput;
    }
    if (outcome.value.isError()) {
        printError("error: " + std::string(outcome.value.errorMessage()));
        return ExitInvalidInput;
    }
    printOut(cel::toJson(outcome.value));
    return ExitOk;
}

} // namespace switchyard::cli
