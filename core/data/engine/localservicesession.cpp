// SPDX-License-Identifier: Apache-2.0
#include "data/engine/localservicesession.h"

#include "data/http/httperrorresponse.h"
#include "data/http/httpserializer.h"

#include <asio/write.hpp>

namespace switchyard {

LocalServiceSession::LocalServiceSession(asio::ip::tcp::socket socket,
                                         std::shared_ptr<const LocalServiceHandler> handler)
    : m_socket(std::move(socket)), m_timer(m_socket.get_executor()), m_handler(std::move(handler)), m_parser(*this)
{
    m_parser.setPauseAfterMessage(true);
}

void LocalServiceSession::start()
{
    read();
}

void LocalServiceSession::armTimer()
{
    m_timer.expires_after(std::chrono::seconds(75));
    m_timer.async_wait([weak = weak_from_this()](const std::error_code &error) {
        if (error)
            return;
        if (auto self = weak.lock()) {
            std::error_code ignored;
            self->m_socket.close(ignored);
        }
    });
}

void LocalServiceSession::read()
{
    armTimer();
    m_socket.async_read_some(asio::buffer(m_in), [self = shared_from_this()](const std::error_code &error,
                                                                            std::size_t size) {
        if (error) {
            std::error_code ignored;
            self->m_timer.cancel();
            self->m_socket.close(ignored);
            return;
        }
        self->feed(0, size);
    });
}

void LocalServiceSession::feed(std::size_t offset, std::size_t size)
{
    const HttpFeedResult result = m_parser.feed(std::string_view(m_in.data() + offset, size));
    if (result.status == HttpFeedStatus::Error) {
        m_out = HttpErrorResponse::build(m_parser.error().status, "Bad request: " + m_parser.error().reason);
        write(true);
        return;
    }
    if (m_tooLarge) {
        m_out = HttpErrorResponse::build(413, "Request body too large");
        write(true);
        return;
    }
    if (!m_complete) {
        read();
        return;
    }
    m_pendingOffset = offset + result.consumed;
    m_pendingSize = size - result.consumed;
    if (result.status == HttpFeedStatus::Closed || result.status == HttpFeedStatus::Upgraded)
        m_keepAlive = false;
    respond();
}

void LocalServiceSession::onRequestHead(HttpRequestHead head)
{
    m_request = {};
    m_complete = false;
    m_request.method = head.method;
    const auto question = head.pathAndQuery.find('?');
    m_request.path = head.pathAndQuery.substr(0, question);
    if (question != std::string::npos)
        m_request.query = head.pathAndQuery.substr(question + 1);
    m_request.headers = std::move(head.headers);
    std::error_code ec;
    const auto peer = m_socket.remote_endpoint(ec);
    if (!ec)
        m_request.clientIp = peer.address().to_string();
    m_keepAlive = head.keepAlive;
}

void LocalServiceSession::onBody(std::string_view data)
{
    if (m_request.body.size() + data.size() > MaxBodySize) {
        m_tooLarge = true;
        return;
    }
    m_request.body.append(data);
}

LocalServiceResponse LocalServiceSession::answer(const LocalServiceRequest &request, const LocalServiceHandler *handler)
{
    if (request.path == "/healthz" && (request.method == "GET" || request.method == "HEAD")) {
        LocalServiceResponse ok;
        ok.headers.append("content-type", "text/plain");
        ok.body = "ok";
        return ok;
    }
    if (handler && *handler)
        if (auto response = (*handler)(request))
            return std::move(*response);
    LocalServiceResponse notFound;
    notFound.status = 404;
    notFound.headers.append("content-type", "text/plain");
    notFound.body = "not found: " + request.path + "\n";
    return notFound;
}

void LocalServiceSession::respond()
{
    LocalServiceResponse response = answer(m_request, m_handler.get());
    HttpResponseHead head;
    head.status = response.status;
    head.reason = HttpSerializer::reasonPhrase(response.status);
    head.headers = std::move(response.headers);
    head.headers.set("content-length", std::to_string(response.body.size()));
    head.headers.set("connection", m_keepAlive ? "keep-alive" : "close");
    m_out = HttpSerializer::responseHead(head);
    if (m_request.method != "HEAD")
        m_out += response.body;
    write(!m_keepAlive);
}

void LocalServiceSession::write(bool closeAfter)
{
    asio::async_write(m_socket, asio::buffer(m_out),
                      [self = shared_from_this(), closeAfter](const std::error_code &error, std::size_t) {
                          if (error || closeAfter) {
                              std::error_code ignored;
                              self->m_timer.cancel();
                              self->m_socket.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
                              self->m_socket.close(ignored);
                              return;
                          }
                          self->m_complete = false;
                          self->m_parser.resume();
                          if (self->m_pendingSize > 0)
                              self->feed(self->m_pendingOffset, self->m_pendingSize);
                          else
                              self->read();
                      });
}

} // namespace switchyard
