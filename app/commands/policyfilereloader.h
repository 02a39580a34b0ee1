// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "commands/headlessreloader.h"
#include "commands/watchedfile.h"
#include "model/endpoint.h"

#include <string>

namespace switchyard::cli {

// The --traffic-policy-file of `switchyard http|tcp|tls` with an embedded
// core: on SIGHUP or a change of the file, its text replaces the endpoint's
// policy in one registry step after the same check the agent API makes, so
// an invalid policy leaves the running one in place.
class PolicyFileReloader : public HeadlessReloader
{
public:
    explicit PolicyFileReloader(std::string policyFile);

    void adopt(const std::vector<EndpointPtr> &applied) override;
    bool changed() override;
    // "FILE: traffic policy of URL [NAME] updated" (or "unchanged"); an
    // invalid policy gives "FILE:LINE:COLUMN: error: ..." lines.
    Result<std::string> reload(EndpointRegistry &registry) override;

    // `text` and the line that says the previous policy keeps serving;
    // shared with the attached mode.
    static std::string failure(const std::string &text);
    // A refused policy as `config check` prints one: its "FILE:LINE:COLUMN:
    // error: MESSAGE" lines (the reply's own summary when it has none).
    static std::string rejection(int status, const std::string &body, const std::string &policyFile);

private:
    WatchedFile m_file;
    std::string m_endpointId;
};

} // namespace switchyard::cli
