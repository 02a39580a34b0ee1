// SPDX-License-Identifier: Apache-2.0
#include "data/engine/deadlinelist.h"

#include <vector>

namespace switchyard {

void DeadlineList::add(DeadlineNode &node)
{
    if (node.m_linked)
        return;
    node.m_prev = nullptr;
    node.m_next = m_head;
    if (m_head)
        m_head->m_prev = &node;
    m_head = &node;
    node.m_linked = true;
    ++m_size;
}

void DeadlineList::remove(DeadlineNode &node)
{
    if (!node.m_linked)
        return;
    if (node.m_prev)
        node.m_prev->m_next = node.m_next;
    else
        m_head = node.m_next;
    if (node.m_next)
        node.m_next->m_prev = node.m_prev;
    node.m_prev = node.m_next = nullptr;
    node.m_linked = false;
    --m_size;
}

void DeadlineList::sweep(DeadlineNode::Clock::time_point now)
{
    // Collect first: a callback may unlink nodes (its own included).
    std::vector<DeadlineNode *> expired;
    for (DeadlineNode *node = m_head; node; node = node->m_next)
        if (node->deadline <= now)
            expired.push_back(node);
    for (DeadlineNode *node : expired) {
        node->deadline = DeadlineNode::Clock::time_point::max();
        node->onDeadline();
    }
}

} // namespace switchyard
