// libcurl's free functions and small handle types, one file each as in curl's lib/:
// registered on the addon's exports by name (see addon.cc).
#pragma once

#include <napi.h>

namespace curlio {

void InitGlobal(Napi::Env env, Napi::Object exports);        // global.cc
void InitEscape(Napi::Env env, Napi::Object exports);        // escape.cc
void InitParsedate(Napi::Env env, Napi::Object exports);     // parsedate.cc
void InitEasyOptions(Napi::Env env, Napi::Object exports);   // easyoptions.cc
void InitEasyIo(Napi::Env env, Napi::Object exports);        // easy_io.cc
void InitHeaders(Napi::Env env, Napi::Object exports);       // headers.cc
void InitShare(Napi::Env env, Napi::Object exports);         // share.cc
void InitUrl(Napi::Env env, Napi::Object exports);           // urlapi.cc
void InitMime(Napi::Env env, Napi::Object exports);          // mime.cc
void InitMultiPerform(Napi::Env env, Napi::Object exports);  // multi_perform.cc
void InitWebSockets(Napi::Env env, Napi::Object exports);    // ws.cc
void InitMultiPush(Napi::Env env, Napi::Object exports);     // multi_push.cc

// Shared by the files above: argument checks that throw a TypeError naming the argument.
bool ArgInt(const Napi::CallbackInfo& info, size_t i, const char* name, int64_t* out);
bool ArgString(const Napi::CallbackInfo& info, size_t i, const char* name, std::string* out);
// A CURL * from an Easy argument, or nullptr after throwing (not an Easy, or closed).
void* ArgCurl(const Napi::CallbackInfo& info, size_t i);

}  // namespace curlio
