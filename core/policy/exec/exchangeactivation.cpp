// SPDX-License-Identifier: Apache-2.0
#include "policy/exec/exchangeactivation.h"

#include "policy/exec/exchangevalues.h"

#include <algorithm>

namespace switchyard {

ExchangeActivation::ExchangeActivation(const PolicyExchange &exchange, PolicyPhase phase)
    : m_exchange(exchange),
      m_slots(PolicyEnvironments::shared().slots(phase)),
      m_now(exchange.now.time_since_epoch().count() == 0 ? std::chrono::system_clock::now() : exchange.now)
{
}

void ExchangeActivation::reset(int slot)
{
    if (slot >= 0 && static_cast<std::size_t>(slot) < m_values.size())
        m_values[static_cast<std::size_t>(slot)].reset();
}

void ExchangeActivation::setActionResult(std::string_view name, cel::Value result)
{
    for (auto &[n, v] : m_actionResults) {
        if (n == name) {
            v = std::move(result);
            reset(m_slots.actions);
            return;
        }
    }
    m_actionResults.emplace_back(std::string(name), std::move(result));
    reset(m_slots.actions);
}

const cel::Value *ExchangeActivation::find(int slot, std::string_view) const
{
    if (slot < 0 || static_cast<std::size_t>(slot) >= m_values.size())
        return nullptr;
    std::optional<cel::Value> &cached = m_values[static_cast<std::size_t>(slot)];
    if (cached)
        return &*cached;
    if (slot == m_slots.req) {
        cached = ExchangeValues::request(m_exchange.request, m_now);
    } else if (slot == m_slots.res) {
        if (!m_exchange.response)
            return nullptr;
        cached = ExchangeValues::response(*m_exchange.response);
    } else if (slot == m_slots.conn) {
        cached = ExchangeValues::connection(m_exchange.connection);
    } else if (slot == m_slots.endpoint) {
        cached = ExchangeValues::endpoint(m_exchange);
    } else if (slot == m_slots.time) {
        cached = ExchangeValues::time(m_now);
    } else if (slot == m_slots.vars) {
        cached = ExchangeValues::vars(m_exchange.vars);
    } else if (slot == m_slots.actions) {
        const auto &tls = m_exchange.connection.tls;
        const bool tlsByAction = tls && tls->terminatedByAction
                                 && std::none_of(m_actionResults.begin(), m_actionResults.end(),
                                                 [](const auto &r) { return r.first == "terminate_tls"; });
        // on_tcp_connect's terminate-tls ran before the handshake it set up;
        // its result is what that handshake settled.
        const cel::Value ngrok =
            tlsByAction ? ExchangeValues::vars([&] {
                auto results = m_actionResults;
                results.emplace_back("terminate_tls", tls->value());
                return results;
            }())
                        : ExchangeValues::vars(m_actionResults);
        cached = cel::Value::map(cel::MapValue::makeUnchecked({{cel::Value::string("ngrok"), ngrok}}));
    } else {
        return nullptr;
    }
    return &*cached;
}

} // namespace switchyard
