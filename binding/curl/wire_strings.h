// String options that libcurl writes as they are into a request head or a protocol command
// line (HTTP headers and request line, FTP/SMTP/IMAP/POP3 commands, RTSP headers).
#pragma once

#include <curl/curl.h>

namespace curlio {

// A CR or LF in one of these would end the line early and let the rest be a header or a
// command of the caller's (request smuggling), so setopt refuses them, as it refuses CR/LF
// in slist items (header lines). C's libcurl passes them on.
bool IsWireStringOption(CURLoption option);

}  // namespace curlio
