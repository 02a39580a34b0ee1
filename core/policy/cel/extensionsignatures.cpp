// SPDX-License-Identifier: Apache-2.0
// Checker signatures of the ngrok macros in hashfunctions.cpp,
// encodingfunctions.cpp, collectionfunctions.cpp and utilityfunctions.cpp.
// Lists whose element type depends on the argument are typed dyn.
#include "policy/cel/functionregistry.h"

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
        for (std::string_view hash : {"hash.crc32:string->string", "hash.crc32:bytes->string",
                                      "hash.crc32:string,string->string", "hash.crc32:bytes,string->string",
                                      "hash.crc64:string->string", "hash.crc64:bytes->string",
                                      "hash.crc64:string,string->string", "hash.crc64:bytes,string->string",
                                      "hash.md5:string->string", "hash.md5:bytes->string",
                                      "hash.md5:string,string->string", "hash.md5:bytes,string->string",
                                      "hash.sha1:string->string", "hash.sha1:bytes->string",
                                      "hash.sha1:string,string->string", "hash.sha1:bytes,string->string",
                                      "hash.sha256:string->string", "hash.sha256:bytes->string",
                                      "hash.sha256:string,string->string", "hash.sha256:bytes,string->string",
                                      "hash.sha512:string->string", "hash.sha512:bytes->string",
                                      "hash.sha512:string,string->string", "hash.sha512:bytes,string->string",
                                      "hash.xxhash64:string->string", "hash.xxhash64:bytes->string",
                                      "hash.xxhash64:string,string->string", "hash.xxhash64:bytes,string->string"})
            out.push_back(hash);
        return out;
    }();
    return signatures;
}

} // namespace switchyard::cel
