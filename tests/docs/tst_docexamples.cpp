// SPDX-License-Identifier: Apache-2.0
// Runs every example of docs/traffic-policy.md and checks that the page
// covers everything the implementation has, so the page cannot drift:
//
//   ```cel-example                  ```policy-example
//   EXPRESSION (one or more lines)  # endpoint: URL [agent|cloud]   (optional)
//   -- vars: JSON object            # expect: LINE:COL: severity: message
//   -- phase: on_http_request       POLICY (YAML or JSON; line 1 is the first
//   -- result: JSON                 line after the '# ' header lines)
//   -- type: int                    ```
//   -- error: run-time error text
//   -- error-column: N (of the failing sub-expression)
//   -- compile-error: text
//   ```
//
// A cel-example without a phase is evaluated as `switchyard expr eval EXPR
// --vars JSON` does (dyn variables, lenient types); with a phase it is
// compiled against that phase's variables with strict type checking, as
// the policy validator does. In vars, {"$timestamp": "RFC 3339"} stands
// for a timestamp. A policy-example without `# expect:` lines must produce
// no diagnostic at all. SWITCHYARD_UPDATE_DOC=1 rewrites the '# expect:'
// lines of failing policy examples with what the validator says (review
// the diff!).
#include "policy/actionschema.h"
#include "policy/celexpressioncompiler.h"
#include "policy/policyvalidator.h"
#include "policy/cel/functionregistry.h"
#include "policy/cel/jsonformat.h"
#include "policy/cel/jsonparser.h"
#include "policy/cel/phaseenvironment.h"
#include "policy/cel/program.h"
#include "policy/cel/timeutil.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

#include <map>
#include <set>

using namespace switchyard;

namespace {

struct Block
{
    QString kind; // "cel-example" or "policy-example"
    int line = 0; // of the opening fence in the page
    QStringList lines;
};

QString docPath()
{
    return QStringLiteral(SWITCHYARD_TEST_DATA_DIR "/../../docs/traffic-policy.md");
}

QString readDoc()
{
    QFile f(docPath());
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll());
}

std::vector<Block> readBlocks(const QString &doc)
{
    std::vector<Block> blocks;
    const QStringList lines = doc.split('\n');
    Block *open = nullptr;
    for (int i = 0; i < lines.size(); ++i) {
        const QString &l = lines[i];
        if (open) {
            if (l.trimmed() == "```")
                open = nullptr;
            else
                open->lines << l;
        } else if (l == "```cel-example" || l == "```policy-example") {
            blocks.push_back({l.mid(3), i + 1, {}});
            open = &blocks.back();
        }
    }
    return blocks;
}

struct CelExample
{
    QString expression;
    QString vars, phase, result, type, error, errorColumn, compileError;
};

CelExample parseCelExample(const Block &b)
{
    CelExample e;
    QStringList expr;
    for (const QString &l : b.lines) {
        if (!l.startsWith("-- ")) {
            expr << l;
            continue;
        }
        const QString key = l.mid(3).section(':', 0, 0).trimmed();
        const QString value = l.mid(3).section(':', 1).trimmed();
        if (key == "vars") e.vars = value;
        else if (key == "phase") e.phase = value;
        else if (key == "result") e.result = value;
        else if (key == "type") e.type = value;
        else if (key == "error") e.error = value;
        else if (key == "error-column") e.errorColumn = value;
        else if (key == "compile-error") e.compileError = value;
        else e.compileError = "<unknown key " + key + ">";
    }
    e.expression = expr.join('\n');
    return e;
}

// {"$timestamp": "..."} → timestamp, recursively.
cel::Value withTimestamps(const cel::Value &v)
{
    using cel::Value;
    if (v.kind() == cel::ValueKind::List) {
        std::vector<Value> items;
        for (const Value &e : v.listValue())
            items.push_back(withTimestamps(e));
        return Value::list(std::move(items));
    }
    if (v.kind() != cel::ValueKind::Map)
        return v;
    const auto &m = v.mapValue();
    if (m.size() == 1) {
        if (const Value *ts = m.find("$timestamp"); ts && ts->isString())
            return cel::parseTimestamp(ts->stringValue());
    }
    std::vector<cel::MapValue::Entry> entries;
    for (const auto &[k, e] : m.entries())
        entries.emplace_back(k, withTimestamps(e));
    return Value::map(cel::MapValue::makeUnchecked(std::move(entries)));
}

std::vector<std::pair<std::string, cel::Value>> parseVars(const QString &json, QString &error)
{
    std::vector<std::pair<std::string, cel::Value>> vars;
    if (json.isEmpty())
        return vars;
    const cel::Value v = cel::parseJson(json.toStdString());
    if (v.isError() || v.kind() != cel::ValueKind::Map) {
        error = "vars must be a JSON object: " + QString::fromStdString(std::string(v.isError() ? v.errorMessage() : ""));
        return vars;
    }
    for (const auto &[k, e] : v.mapValue().entries())
        vars.emplace_back(std::string(k.stringValue()), withTimestamps(e));
    return vars;
}

struct Evaluated
{
    cel::Value value;
    std::string compileError;
    int errorColumn = 0;
};

Evaluated evaluate(const CelExample &e, QString &problem)
{
    const auto vars = parseVars(e.vars, problem);
    if (!problem.isEmpty())
        return {};
    if (e.phase.isEmpty()) {
        cel::CompileOptions options;
        options.lenientTypes = true; // as `switchyard expr eval`
        const auto outcome = cel::evaluateExpression(e.expression.toStdString(), vars, options);
        return {outcome.value, outcome.compileError, outcome.errorColumn};
    }
    const auto phase = cel::policyPhaseFromName(e.phase.toStdString());
    if (!phase) {
        problem = "unknown phase " + e.phase;
        return {};
    }
    const cel::Environment env = cel::phaseEnvironment(*phase);
    const auto compiled = cel::Program::compile(e.expression.toStdString(), env);
    if (!compiled.ok())
        return {{}, compiled.formatErrors()};
    cel::SlotActivation activation(env);
    for (const auto &[name, value] : vars)
        if (!activation.set(name, value))
            problem = "variable '" + QString::fromStdString(name) + "' is not declared in " + e.phase;
    const cel::Value value = compiled.program->evaluate(activation);
    return {value, {}, compiled.program->errorColumn(value)};
}

void checkCelExample(const Block &b)
{
    const CelExample e = parseCelExample(b);
    QVERIFY2(!e.expression.trimmed().isEmpty(), "empty expression");
    QVERIFY2(!e.result.isEmpty() || !e.error.isEmpty() || !e.compileError.isEmpty(),
             "an example needs '-- result:', '-- error:' or '-- compile-error:'");
    QString problem;
    const Evaluated got = evaluate(e, problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    if (!e.compileError.isEmpty()) {
        QVERIFY2(!got.compileError.empty(), qPrintable("compiled, evaluating to " + QString::fromStdString(
                                                           cel::toJson(got.value))));
        QVERIFY2(got.compileError.find(e.compileError.toStdString()) != std::string::npos, got.compileError.c_str());
        return;
    }
    QVERIFY2(got.compileError.empty(), got.compileError.c_str());
    if (!e.error.isEmpty()) {
        QVERIFY2(got.value.isError(), qPrintable("no error; value " + QString::fromStdString(cel::toJson(got.value))));
        const std::string message(got.value.errorMessage());
        QVERIFY2(message.find(e.error.toStdString()) != std::string::npos, message.c_str());
        if (!e.errorColumn.isEmpty())
            QCOMPARE(got.errorColumn, e.errorColumn.toInt());
        return;
    }
    QVERIFY2(!got.value.isError(), std::string(got.value.isError() ? got.value.errorMessage() : "").c_str());
    const cel::Value expected = withTimestamps(cel::parseJson(e.result.toStdString()));
    QVERIFY2(!expected.isError(), qPrintable("bad '-- result:' JSON: " + e.result));
    QCOMPARE(QString::fromStdString(cel::toJson(got.value)), QString::fromStdString(cel::toJson(expected)));
    if (!e.type.isEmpty())
        QCOMPARE(QString::fromStdString(std::string(got.value.typeName())), e.type);
}

// Expected diagnostics to write back into the page, by block line.
std::map<int, QStringList> &pendingUpdates()
{
    static std::map<int, QStringList> updates;
    return updates;
}

bool isHeaderLine(const QString &l)
{
    return l.startsWith("# expect: ") || l.startsWith("# endpoint: ");
}

void checkPolicyExample(const Block &b)
{
    PolicyEndpointContext endpoint;
    QStringList expected;
    qsizetype headerLines = 0;
    while (headerLines < b.lines.size() && isHeaderLine(b.lines[headerLines]))
        ++headerLines;
    for (const QString &l : b.lines.mid(0, headerLines)) {
        if (l.startsWith("# expect: ")) {
            expected << l.mid(10);
        } else if (l.startsWith("# endpoint: ")) {
            const QStringList words = l.mid(12).split(' ', Qt::SkipEmptyParts);
            const auto url = EndpointUrl::parse(words.value(0).toStdString());
            QVERIFY2(url.ok(), qPrintable("bad endpoint URL: " + l));
            const auto type = endpointTypeFromString(words.value(1, "agent").toStdString());
            QVERIFY2(type.has_value(), qPrintable("bad endpoint type: " + l));
            endpoint = PolicyEndpointContext::forUrl(*url, *type);
        }
    }
    static const CelExpressionCompiler compiler;
    PolicyValidator validator(PolicyValidator::Options{endpoint, &compiler, nullptr});
    DiagnosticList diagnostics;
    const QString policy = b.lines.mid(headerLines).join('\n') + "\n";
    (void)validator.check(PolicySource{policy.toStdString(), 1, 1, {}}, diagnostics);
    QStringList actual;
    for (const Diagnostic &d : diagnostics)
        actual << QString::fromStdString(d.format("")).mid(1); // drop the ':' left by the empty file name
    if (actual != expected && qEnvironmentVariableIsSet("SWITCHYARD_UPDATE_DOC"))
        pendingUpdates()[b.line] = actual;
    QCOMPARE(actual.join('\n'), expected.join('\n'));
}

// The leaf variables of a type: "req.url.path", "conn.geo.city", "vars"...
void leafPaths(const std::string &prefix, const cel::Type &type, std::set<std::string> &out)
{
    if (type.kind() != cel::TypeKind::Object) {
        out.insert(prefix);
        return;
    }
    for (std::string_view field : type.fieldNames())
        leafPaths(prefix + "." + std::string(field), *type.field(field), out);
}

// The text of the section under the heading that starts with `heading`,
// up to the next heading of the same or a higher level. Headings that
// follow each other directly share the text below them.
QString section(const QString &doc, const QString &heading)
{
    const qsizetype start = doc.indexOf("\n" + heading);
    if (start < 0)
        return {};
    const int level = static_cast<int>(heading.indexOf(' '));
    const QRegularExpression next("\n#{1," + QString::number(level) + "} [^\n]*");
    qsizetype from = start + 1;
    auto m = next.match(doc, from);
    while (m.hasMatch() && doc.mid(from, m.capturedStart() - from).trimmed().startsWith('#')
           && !doc.mid(from, m.capturedStart() - from).trimmed().contains('\n')) {
        from = m.capturedEnd();
        m = next.match(doc, from);
    }
    return doc.mid(start, m.hasMatch() ? m.capturedStart() - start : -1);
}

void fieldNames(std::span<const FieldSchema> fields, QStringList &out)
{
    for (const FieldSchema &f : fields) {
        out << QString::fromUtf8(f.name.data(), static_cast<qsizetype>(f.name.size()));
        fieldNames(f.fields, out);
    }
}

QString qs(std::string_view s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

} // namespace

class TestDocExamples : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void examples_data();
    void examples();
    void enoughExamples();
    void everyActionDocumented();
    void everyVariableHasAnExample();
    void everyFunctionHasAnExample();
    void everyMacroHasAnExample();
    void cliAgreesWithExamples();
    void linksTheSimulatorPage();

private:
    QString m_doc;
    std::vector<Block> m_blocks;
    QString celExpressions() const;
    QString policyTexts() const;
};

void TestDocExamples::initTestCase()
{
    m_doc = readDoc();
    QVERIFY2(!m_doc.isEmpty(), qPrintable("cannot read " + docPath()));
    m_blocks = readBlocks(m_doc);
}

// SWITCHYARD_UPDATE_DOC=1: replace the '# expect:' lines of the blocks
// that failed.
void TestDocExamples::cleanupTestCase()
{
    if (pendingUpdates().empty())
        return;
    QStringList lines = m_doc.split('\n');
    for (auto it = pendingUpdates().rbegin(); it != pendingUpdates().rend(); ++it) {
        int first = it->first; // the line after the fence (0-based index = fence line number)
        int end = first;
        while (end < lines.size() && isHeaderLine(lines[end]))
            ++end;
        QStringList header;
        for (int i = first; i < end; ++i)
            if (!lines[i].startsWith("# expect: "))
                header << lines[i];
        for (const QString &d : it->second)
            header << "# expect: " + d;
        lines = lines.mid(0, first) + header + lines.mid(end);
    }
    QFile f(docPath());
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(lines.join('\n').toUtf8());
}

QString TestDocExamples::celExpressions() const
{
    QString out;
    for (const Block &b : m_blocks)
        if (b.kind == "cel-example")
            out += parseCelExample(b).expression + "\n";
    return out;
}

QString TestDocExamples::policyTexts() const
{
    QString out;
    for (const Block &b : m_blocks)
        if (b.kind == "policy-example")
            out += b.lines.join('\n') + "\n";
    return out;
}

void TestDocExamples::examples_data()
{
    QTest::addColumn<int>("index");
    for (std::size_t i = 0; i < m_blocks.size(); ++i)
        QTest::addRow("%s at line %d", qPrintable(m_blocks[i].kind), m_blocks[i].line) << static_cast<int>(i);
}

void TestDocExamples::examples()
{
    QFETCH(int, index);
    const Block &b = m_blocks.at(static_cast<std::size_t>(index));
    if (b.kind == "cel-example")
        checkCelExample(b);
    else
        checkPolicyExample(b);
}

void TestDocExamples::enoughExamples()
{
    int cel = 0, policy = 0;
    for (const Block &b : m_blocks)
        (b.kind == "cel-example" ? cel : policy)++;
    QVERIFY2(cel >= 100, qPrintable(QString::number(cel) + " cel-examples"));
    QVERIFY2(policy >= 30, qPrintable(QString::number(policy) + " policy-examples"));
}

// Every action type has a section (or, when unsupported, a mention), each
// field of a supported action is named in its section, and every type is
// used in a policy example.
void TestDocExamples::everyActionDocumented()
{
    const QString policies = policyTexts();
    for (const ActionSchema &a : ActionSchemas::all()) {
        const QString type = qs(a.type);
        QVERIFY2(policies.contains("type: " + type), qPrintable("no policy-example uses " + type));
        if (!a.supported()) {
            QVERIFY2(m_doc.contains("`" + type + "`"), qPrintable(type + " is not mentioned"));
            continue;
        }
        const QString text = section(m_doc, "### " + type);
        QVERIFY2(!text.isEmpty(), qPrintable("no '### " + type + "' section"));
        QStringList fields;
        fieldNames(a.fields, fields);
        for (const QString &f : fields)
            QVERIFY2(text.contains("`" + f + "`"), qPrintable(type + ": field '" + f + "' is not documented"));
    }
}

// Every variable of every phase is named in the page and used by an example.
void TestDocExamples::everyVariableHasAnExample()
{
    const QString expressions = celExpressions();
    for (auto phase : {cel::PolicyPhase::TcpConnect, cel::PolicyPhase::HttpRequest, cel::PolicyPhase::HttpResponse}) {
        std::set<std::string> paths;
        const cel::Environment env = cel::phaseEnvironment(phase);
        for (const auto &v : env.variables())
            leafPaths(v.name, v.type, paths);
        QVERIFY(paths.size() > 10);
        for (const std::string &p : paths) {
            const QString path = QString::fromStdString(p);
            QVERIFY2(m_doc.contains("`" + path + "`"), qPrintable("variable " + path + " is not documented"));
            QVERIFY2(expressions.contains(path), qPrintable("no cel-example uses " + path));
        }
    }
}

// Every registered function (operators aside) is called in an example.
void TestDocExamples::everyFunctionHasAnExample()
{
    const QString expressions = celExpressions();
    int count = 0;
    for (const cel::FunctionInfo &f : cel::allFunctions()) {
        const QString name = qs(f.name);
        if (name.startsWith('_') || name.startsWith('@') || name == "-_" || name == "!_")
            continue;
        ++count;
        const QRegularExpression named("`(\\w+\\.)?" + QRegularExpression::escape(name) + "[`(]");
        QVERIFY2(m_doc.contains(named), qPrintable("function " + name + " is not documented"));
        const bool called = (f.global && expressions.contains(QRegularExpression("(^|[^.\\w])" + QRegularExpression::escape(name) + "\\(")))
                            || (f.member && expressions.contains("." + name + "("));
        QVERIFY2(called, qPrintable("no cel-example calls " + name));
    }
    QVERIFY(count > 60);
}

void TestDocExamples::everyMacroHasAnExample()
{
    const QString expressions = celExpressions();
    for (const char *macro : {"has(", ".all(", ".exists(", ".exists_one(", ".map(", ".filter("})
        QVERIFY2(expressions.contains(macro), macro);
}

// The phase-less examples are what `switchyard expr eval EXPR --vars JSON`
// prints, as the page says.
void TestDocExamples::cliAgreesWithExamples()
{
    int checked = 0;
    for (const Block &b : m_blocks) {
        if (b.kind != "cel-example")
            continue;
        const CelExample e = parseCelExample(b);
        if (!e.phase.isEmpty() || e.vars.contains("$timestamp") || e.expression.contains("rand."))
            continue;
        QStringList args{"expr", "eval", e.expression};
        if (!e.vars.isEmpty())
            args << "--vars" << e.vars;
        QProcess p;
        p.start(QStringLiteral(SWITCHYARD_BINARY), args);
        QVERIFY2(p.waitForFinished(10000), "switchyard expr eval did not finish");
        const QString out = QString::fromUtf8(p.readAllStandardOutput()).trimmed();
        const QString err = QString::fromUtf8(p.readAllStandardError()).trimmed();
        const QString where = "cel-example at line " + QString::number(b.line) + ": ";
        if (!e.result.isEmpty()) {
            QVERIFY2(p.exitCode() == 0, qPrintable(where + err));
            const cel::Value printed = cel::parseJson(out.toStdString());
            const cel::Value expected = cel::parseJson(e.result.toStdString());
            QCOMPARE(QString::fromStdString(cel::toJson(printed)), QString::fromStdString(cel::toJson(expected)));
        } else {
            const QString text = e.error.isEmpty() ? e.compileError : e.error;
            QVERIFY2(p.exitCode() == 1 && err.startsWith("error: ") && err.contains(text), qPrintable(where + err));
        }
        ++checked;
    }
    QVERIFY(checked >= 60);
}

void TestDocExamples::linksTheSimulatorPage()
{
    QVERIFY(m_doc.contains("(simulator.md)"));
}

QTEST_GUILESS_MAIN(TestDocExamples)
#include "tst_docexamples.moc"
