// The easy options whose value is another libcurl handle: CURLOPT_SHARE (a Share),
// CURLOPT_CURLU (a Url) and CURLOPT_MIMEPOST (a Mime). The easy handle keeps the
// JavaScript object in its slots while it is set, so the C handle outlives its use.
#pragma once

#include <curl/curl.h>
#include <napi.h>

namespace curlio {

bool IsHandleOption(CURLoption option);
// curl_easy_setopt with the C handle inside `value` (null unsets); throws a TypeError for
// a value of the wrong kind.
CURLcode SetHandleOption(CURL* curl, CURLoption option, Napi::Value value);

}  // namespace curlio
