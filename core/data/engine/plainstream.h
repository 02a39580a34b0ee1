// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/engine/bytestream.h"

namespace switchyard {

// ByteStream over a plain TCP socket.
class PlainStream final : public ByteStream
{
public:
    explicit PlainStream(asio::ip::tcp::socket socket);

    void asyncReadSome(char *data, std::size_t size, Handler handler) override;
    void asyncWrite(const char *data, std::size_t size, Handler handler) override;
    void asyncWaitReadable(Handler handler) override;
    void shutdownSend() override;
    void close() override;
    asio::ip::tcp::socket &socket() override { return m_socket; }
    bool isTls() const override { return false; }

private:
    asio::ip::tcp::socket m_socket;
};

} // namespace switchyard
