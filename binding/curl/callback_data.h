// Which *DATA option goes with each *FUNCTION option curlio calls into JavaScript: the
// callback receives that option's value as its `void *` argument, as in C. setopt.cc points
// the *DATA at the handle when it installs a trampoline; the trampolines read the value.
#pragma once

#include <curl/curl.h>

namespace curlio {

// CURLOPT_LASTENTRY for a function option curlio does not call (setopt refuses those).
inline CURLoption DataOptionFor(CURLoption function_option) {
  switch (function_option) {
    case CURLOPT_WRITEFUNCTION: return CURLOPT_WRITEDATA;
    case CURLOPT_HEADERFUNCTION: return CURLOPT_HEADERDATA;
    case CURLOPT_READFUNCTION: return CURLOPT_READDATA;
    case CURLOPT_XFERINFOFUNCTION: return CURLOPT_XFERINFODATA;
    case CURLOPT_PREREQFUNCTION: return CURLOPT_PREREQDATA;
    case CURLOPT_DEBUGFUNCTION: return CURLOPT_DEBUGDATA;
    case CURLOPT_OPENSOCKETFUNCTION: return CURLOPT_OPENSOCKETDATA;
    case CURLOPT_SOCKOPTFUNCTION: return CURLOPT_SOCKOPTDATA;
    case CURLOPT_CLOSESOCKETFUNCTION: return CURLOPT_CLOSESOCKETDATA;
    case CURLOPT_SEEKFUNCTION: return CURLOPT_SEEKDATA;
    default: return CURLOPT_LASTENTRY;
  }
}

}  // namespace curlio
