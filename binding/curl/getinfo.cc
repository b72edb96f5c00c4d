// curl_easy_getinfo: each CURLINFO_* read with the C type its id says (CURLINFO_TYPEMASK),
// as in curl's lib/getinfo.c, and returned as a JavaScript value.
#include "curl/easy.h"
#include "curl/js_values.h"

namespace curlio {

Napi::Value EasyHandle::GetInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!RequireOpen(env)) return env.Undefined();
  if (!info[0].IsNumber()) {
    ThrowTypeError(env, std::string("Expected a CURLINFO_* number for info but received ") + TypeOf(info[0]));
    return env.Undefined();
  }
  auto id = static_cast<CURLINFO>(info[0].As<Napi::Number>().Int32Value());
  Napi::Value value = env.Undefined();
  CURLcode code = CURLE_OK;
  if (id == CURLINFO_PRIVATE) {
    value = js_.Get(CURLOPT_PRIVATE);
  } else if (id == CURLINFO_CERTINFO) {
    curl_certinfo* certs = nullptr;
    code = curl_easy_getinfo(curl_, id, &certs);
    Napi::Array list = Napi::Array::New(env);
    for (int i = 0; code == CURLE_OK && certs != nullptr && i < certs->num_of_certs; i++) {
      Napi::Array fields = Napi::Array::New(env);
      uint32_t n = 0;
      for (curl_slist* item = certs->certinfo[i]; item != nullptr; item = item->next) fields.Set(n++, item->data);
      list.Set(i, fields);
    }
    value = list;
  } else {
    switch (id & CURLINFO_TYPEMASK) {
      case CURLINFO_STRING: {
        char* s = nullptr;
        code = curl_easy_getinfo(curl_, id, &s);
        value = s != nullptr ? Napi::String::New(env, s) : env.Null();
        break;
      }
      case CURLINFO_LONG: {
        long n = 0;
        code = curl_easy_getinfo(curl_, id, &n);
        value = Napi::Number::New(env, static_cast<double>(n));
        break;
      }
      case CURLINFO_DOUBLE: {
        double d = 0;
        code = curl_easy_getinfo(curl_, id, &d);
        value = Napi::Number::New(env, d);
        break;
      }
      case CURLINFO_OFF_T: {
        curl_off_t n = 0;
        code = curl_easy_getinfo(curl_, id, &n);
        value = Napi::Number::New(env, static_cast<double>(n));
        break;
      }
      case CURLINFO_SOCKET: {
        curl_socket_t s = CURL_SOCKET_BAD;
        code = curl_easy_getinfo(curl_, id, &s);
        value = Napi::Number::New(env, s);
        break;
      }
      case CURLINFO_SLIST: {
        if (id == CURLINFO_TLS_SSL_PTR || id == (CURLINFO_SLIST + 27) /* CURLINFO_TLS_SESSION */) {
          ThrowTypeError(env,
                         "CURLINFO_TLS_SSL_PTR / CURLINFO_TLS_SESSION return C pointers that curlio does not bind");
          return env.Undefined();
        }
        curl_slist* list = nullptr;
        code = curl_easy_getinfo(curl_, id, &list);
        Napi::Array array = Napi::Array::New(env);
        uint32_t n = 0;
        for (curl_slist* item = list; item != nullptr; item = item->next) array.Set(n++, item->data);
        curl_slist_free_all(list);
        value = array;
        break;
      }
      default: code = CURLE_UNKNOWN_OPTION; break;
    }
  }
  // The value itself, or undefined when the call failed; the JavaScript layer asks for the
  // code (getinfoCode) only when it sees undefined, so no array is made per call.
  data_->getinfo_code = code;
  return code == CURLE_OK ? value : env.Undefined();
}

Napi::Value EasyHandle::GetInfoCode(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), data_->getinfo_code);
}
}  // namespace curlio
