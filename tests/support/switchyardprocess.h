// SPDX-License-Identifier: Apache-2.0
#pragma once
// A `switchyard` child process for the CLI integration tests whose stdout
// and stderr are collected as they come, so a test can wait for a line.

#include <QElapsedTimer>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <csignal>
#include <sys/prctl.h>

// A running `switchyard` whose stdout and stderr are collected as they come.
class SwitchyardProcess
{
public:
    ~SwitchyardProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished();
        }
    }

    // Starts SWITCHYARD_BINARY; true once stdout has "switchyard ready" and
    // then `readyEnd` (an embedded core's block ends with its "ca" line).
    bool start(const QStringList &args, const QProcessEnvironment &env, const QString &readyEnd = "\nca ")
    {
        m_process.setProcessEnvironment(env);
        m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
        m_process.start(SWITCHYARD_BINARY, args);
        return waitOut("switchyard ready\n") && waitOut(readyEnd);
    }
    bool waitOut(const QString &text, int ms = 10000) { return waitFor(m_out, text, ms); }
    bool waitErr(const QString &text, int ms = 10000) { return waitFor(m_err, text, ms); }
    qint64 pid() const { return m_process.processId(); }
    void signal(int number) { ::kill(static_cast<pid_t>(m_process.processId()), number); }
    // Sends `number` and returns the exit code (see waitExit).
    int stop(int number)
    {
        signal(number);
        return waitExit();
    }
    // Exit code after the process ended on its own, -1 when it did not.
    int waitExit(int ms = 15000)
    {
        if (m_process.state() != QProcess::NotRunning && !m_process.waitForFinished(ms))
            return -1;
        collect();
        if (m_process.exitStatus() != QProcess::NormalExit) {
            qWarning("the core crashed; %s", qPrintable(all()));
            return -2;
        }
        return m_process.exitCode();
    }
    QString out() const { return m_out; }
    QString err() const { return m_err; }
    QString all() const { return "stdout:\n" + m_out + "\nstderr:\n" + m_err; }

private:
    void collect()
    {
        m_out += QString::fromUtf8(m_process.readAllStandardOutput());
        m_err += QString::fromUtf8(m_process.readAllStandardError());
    }
    bool waitFor(const QString &stream, const QString &text, int ms)
    {
        QElapsedTimer timer;
        timer.start();
        for (;;) {
            collect();
            if (stream.contains(text))
                return true;
            if (timer.elapsed() > ms || m_process.state() == QProcess::NotRunning)
                return false;
            m_process.waitForReadyRead(50);
        }
    }

    QProcess m_process;
    QString m_out;
    QString m_err;
};
