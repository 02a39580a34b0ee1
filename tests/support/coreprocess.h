// SPDX-License-Identifier: Apache-2.0
#pragma once
// A real `switchyard` core (start/http/...) as a child process for the
// integration tests: started, waited for until its "switchyard ready" block
// is complete, its announced listeners parsed, and stopped with SIGTERM
// (expecting the documented exit 0). Dies with the test.

#include <QProcess>
#include <QProcessEnvironment>
#include <QtGlobal>
#include <QString>
#include <QStringList>

#include <csignal>
#include <map>
#include <sys/prctl.h>

class CoreProcess
{
public:
    CoreProcess() = default;
    CoreProcess(const CoreProcess &) = delete;
    CoreProcess &operator=(const CoreProcess &) = delete;
    ~CoreProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    // Starts SWITCHYARD_BINARY with `args`; true once the ready block has
    // arrived (within `timeoutMs`). output() has what was printed so far.
    bool start(const QStringList &args, const QProcessEnvironment &env, int timeoutMs = 15000)
    {
        m_process.setProcessEnvironment(env);
        m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
        m_process.start(SWITCHYARD_BINARY, args);
        if (!m_process.waitForStarted(timeoutMs))
            return false;
        // The block ends with the first line that is none of its kinds.
        while (!m_output.contains("switchyard ready\n") && m_process.waitForReadyRead(timeoutMs))
            m_output += QString::fromUtf8(m_process.readAllStandardOutput());
        m_process.waitForReadyRead(300);
        m_output += QString::fromUtf8(m_process.readAllStandardOutput());
        if (!m_output.contains("switchyard ready\n"))
            return false;
        for (const QString &line : m_output.split('\n')) {
            const QStringList parts = line.split(' ');
            // "listening KIND ADDR [URL... [NAMES]]"
            if (parts.size() >= 3 && parts[0] == "listening")
                m_listeners.emplace(parts[1], parts[2]);
            else if (parts.size() == 2 && parts[0] == "ca")
                m_caPath = parts[1];
        }
        return true;
    }

    // The port announced as "listening KIND 127.0.0.1:PORT", 0 if none.
    int port(const QString &kind) const
    {
        const auto it = m_listeners.find(kind);
        return it == m_listeners.end() ? 0 : it->second.section(':', -1).toInt();
    }
    QString caPath() const { return m_caPath; }
    QString output() const { return m_output; }
    QString errorOutput() { return QString::fromUtf8(m_process.readAllStandardError()); }
    qint64 pid() const { return m_process.processId(); }

    // SIGTERM and wait; the exit code, or -1 when it crashed or hung. On
    // anything but 0 the core's stderr goes to the test log (a sanitizer
    // report lands there).
    int terminate(int timeoutMs = 15000)
    {
        ::kill(static_cast<pid_t>(m_process.processId()), SIGTERM);
        const bool finished = m_process.waitForFinished(timeoutMs);
        const int code = finished && m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
        if (code != 0)
            qWarning("core exited with %d; its stderr:\n%s", code, m_process.readAllStandardError().constData());
        return code;
    }

private:
    QProcess m_process;
    QString m_output;
    QString m_caPath;
    std::multimap<QString, QString> m_listeners;
};
