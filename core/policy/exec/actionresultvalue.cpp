// SPDX-License-Identifier: Apache-2.0
#include "policy/exec/actionresultvalue.h"

#include <string>
#include <vector>

namespace switchyard {

cel::Value ActionResultValue::map(std::initializer_list<Field> fields)
{
    std::vector<cel::MapValue::Entry> entries;
    entries.reserve(fields.size());
    for (const Field &field : fields)
        entries.emplace_back(cel::Value::string(std::string(field.first)), field.second);
    return cel::Value::map(cel::MapValue::makeUnchecked(std::move(entries)));
}

cel::Value ActionResultValue::error(std::string_view code, std::string_view message)
{
    return map({{"code", cel::Value::string(std::string(code))}, {"message", cel::Value::string(std::string(message))}});
}

} // namespace switchyard
