// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for ClientHelloPeek: arbitrary bytes must end in a
// definite status without out-of-bounds reads (ASan), and the outcome must
// not depend on how the stream is chunked.
#include "data/tls/clienthellopeek.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string_view>

using switchyard::ClientHelloPeek;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view input(reinterpret_cast<const char *>(data), size);

    ClientHelloPeek whole;
    const ClientHelloPeek::Status status = whole.feed(input);

    // The same bytes in chunks whose sizes come from the input itself.
    ClientHelloPeek chunked;
    std::size_t at = 0;
    std::size_t step = size == 0 ? 1 : (data[0] % 7) + 1;
    while (at < size && chunked.status() == ClientHelloPeek::Status::NeedMore) {
        const std::size_t n = std::min(step, size - at);
        (void)chunked.feed(input.substr(at, n));
        at += n;
        step = (step * 5 + 3) % 11 + 1;
    }
    if (chunked.status() != status || chunked.serverName() != whole.serverName() || chunked.alpn() != whole.alpn())
        std::abort();
    if (status == ClientHelloPeek::Status::Done && whole.serverName().size() > ClientHelloPeek::MaxHandshakeBytes)
        std::abort();
    return 0;
}
