// pslIsCookieDomainAcceptable(host, domain) and pslIsPublicSuffix(domain): libpsl's
// psl_is_cookie_domain_acceptable and psl_is_public_suffix2 on the newest list on this
// machine (psl_latest: the distribution's publicsuffix data), else the list built into
// libpsl. The context is loaded once per process and never changes, so any thread may read it.
#include "psl/psl.h"

#include <libpsl.h>

#include <string>

namespace curlio {

namespace {

const psl_ctx_t* Context() {
  // psl_latest(NULL) picks the newest of the built-in list and the system's list files.
  static const psl_ctx_t* ctx = [] {
    const psl_ctx_t* latest = psl_latest(nullptr);
    return latest != nullptr ? latest : psl_builtin();
  }();
  return ctx;
}

// Lower-case ASCII host names only: the TypeScript side hands punycode (URL.hostname) and
// validates; anything else is refused here rather than passed to libpsl.
bool StringArg(const Napi::CallbackInfo& info, size_t i, std::string& out) {
  if (info.Length() <= i || !info[i].IsString()) {
    Napi::TypeError::New(info.Env(), "Expected a string").ThrowAsJavaScriptException();
    return false;
  }
  out = info[i].As<Napi::String>().Utf8Value();
  return true;
}

Napi::Value IsCookieDomainAcceptable(const Napi::CallbackInfo& info) {
  std::string host, domain;
  if (!StringArg(info, 0, host) || !StringArg(info, 1, domain)) return info.Env().Undefined();
  const psl_ctx_t* ctx = Context();
  if (ctx == nullptr) return Napi::Boolean::New(info.Env(), false);
  return Napi::Boolean::New(info.Env(), psl_is_cookie_domain_acceptable(ctx, host.c_str(), domain.c_str()) != 0);
}

Napi::Value IsPublicSuffix(const Napi::CallbackInfo& info) {
  std::string domain;
  if (!StringArg(info, 0, domain)) return info.Env().Undefined();
  const psl_ctx_t* ctx = Context();
  // Without a list every name counts as a public suffix: nothing is accepted for a domain.
  if (ctx == nullptr) return Napi::Boolean::New(info.Env(), true);
  return Napi::Boolean::New(info.Env(),
                            psl_is_public_suffix2(ctx, domain.c_str(), PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) != 0);
}

Napi::Value RegistrableDomain(const Napi::CallbackInfo& info) {
  std::string domain;
  if (!StringArg(info, 0, domain)) return info.Env().Undefined();
  const psl_ctx_t* ctx = Context();
  const char* base = ctx != nullptr ? psl_registrable_domain(ctx, domain.c_str()) : nullptr;
  if (base == nullptr) return info.Env().Null();
  return Napi::String::New(info.Env(), base);
}

}  // namespace

void InitPsl(Napi::Env env, Napi::Object exports) {
  exports.Set("pslIsCookieDomainAcceptable",
              Napi::Function::New<IsCookieDomainAcceptable>(env, "pslIsCookieDomainAcceptable"));
  exports.Set("pslIsPublicSuffix", Napi::Function::New<IsPublicSuffix>(env, "pslIsPublicSuffix"));
  exports.Set("pslRegistrableDomain", Napi::Function::New<RegistrableDomain>(env, "pslRegistrableDomain"));
}

}  // namespace curlio
