// SPDX-License-Identifier: Apache-2.0
// Checker signatures of the ngrok macros in hashfunctions.cpp,
// encodingfunctions.cpp, collectionfunctions.cpp and utilityfunctions.cpp.
// Lists whose element type depends on the argument are typed dyn.
#include "policy/cel/functionregistry.h"

#include <string>

namespace switchyard::cel {

const std::vector<std::string_view> &extensionSignatures()
{
    static const std::vector<std::string_view> signatures = [] {
        std::vector<std::string_view> out = {
            "json.encode:any->string", "json.decode:string->dyn", "json.decode:bytes->dyn",
            "encodeJson:any->string", "isJson:string->bool",
            "basic_auth.encode:string,string->string",
            "queryString.encode:map->string", "queryString.decode:string->dyn", "encodeQueryString:map->string",
            "url.parse:string->dyn", "isURL:string->bool",
            "slice:list,int,int->dyn", "flatten:list->dyn", "flatten:list,int->dyn", "sort:list->dyn",
            "distinct:list->dyn", "lists.range:int->dyn",
            "rand.double:->double", "rand.int:->int", "rand.int:int,int->int",
            "secrets.get:string,string->string", "isPrivateIp:string->bool", "format:string,list->string",
        };
        // hash.NAME(string or bytes [, encoding]) -> string
        static const std::vector<std::string> hashSignatures = [] {
            std::vector<std::string> specs;
            for (const char *name : {"crc32", "crc64", "md5", "sha1", "sha256", "sha512", "xxhash64"})
                for (const char *args : {"string", "bytes", "string,string", "bytes,string"})
                    specs.push_back(std::string("hash.") + name + ":" + args + "->string");
            return specs;
        }();
        out.insert(out.end(), hashSignatures.begin(), hashSignatures.end());
        return out;
    }();
    return signatures;
}

} // namespace switchyard::cel
