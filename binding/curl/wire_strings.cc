#include "curl/wire_strings.h"

namespace curlio {

bool IsWireStringOption(CURLoption option) {
  switch (option) {
    // HTTP: the request line and headers libcurl builds from them.
    case CURLOPT_CUSTOMREQUEST:
    case CURLOPT_REQUEST_TARGET:
    case CURLOPT_USERAGENT:
    case CURLOPT_REFERER:
    case CURLOPT_COOKIE:
    case CURLOPT_RANGE:
    case CURLOPT_ACCEPT_ENCODING:
    case CURLOPT_XOAUTH2_BEARER:
    case CURLOPT_AWS_SIGV4:
    // Credentials: sent as they are by FTP (USER, PASS), POP3, IMAP and SMTP.
    case CURLOPT_USERPWD:
    case CURLOPT_USERNAME:
    case CURLOPT_PASSWORD:
    case CURLOPT_PROXYUSERPWD:
    case CURLOPT_PROXYUSERNAME:
    case CURLOPT_PROXYPASSWORD:
    case CURLOPT_LOGIN_OPTIONS:
    case CURLOPT_SASL_AUTHZID:
    // Other protocols' command arguments.
    case CURLOPT_FTPPORT:
    case CURLOPT_FTP_ACCOUNT:
    case CURLOPT_FTP_ALTERNATIVE_TO_USER:
    case CURLOPT_MAIL_FROM:
    case CURLOPT_MAIL_AUTH:
    case CURLOPT_RTSP_SESSION_ID:
    case CURLOPT_RTSP_STREAM_URI:
    case CURLOPT_RTSP_TRANSPORT: return true;
    default: return false;
  }
}

}  // namespace curlio
