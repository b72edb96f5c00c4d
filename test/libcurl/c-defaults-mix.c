/* The reference for test/libcurl/c-defaults-mix.test.ts: what libcurl's C does with
   WRITEFUNCTION/WRITEDATA/HEADERFUNCTION/HEADERDATA/READFUNCTION/READDATA set and unset
   (NULL). cc c-defaults-mix.c -lcurl && ./a.out http://127.0.0.1:PORT/ FILE, against a
   server that answers an upload (any body). */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

static size_t w1(char *p, size_t s, size_t n, void *u) {
  printf("  W1(%s) %.*s\n", u ? (char *)u : "NULL", (int)(s * n > 20 ? 20 : s * n), p);
  return s * n;
}
static size_t h1(char *p, size_t s, size_t n, void *u) {
  printf("  H1(%s) %.*s\n", u ? (char *)u : "NULL", (int)(s * n > 20 ? 20 : s * n), p);
  return s * n;
}
static int sent;
static size_t r1(char *b, size_t s, size_t n, void *u) {
  if (sent) return 0;
  sent = 1;
  return (size_t)sprintf(b, "R1 read %s", u ? "file" : "NULL");
}
static void run(CURL *c, const char *what) {
  printf("%s\n", what);
  sent = 0;
  fflush(stdout);
  CURLcode rc = curl_easy_perform(c);
  fflush(stdout);
  printf("\n  -> %d\n", rc);
}
int main(int argc, char **argv) {
  FILE *in = fopen(argv[2], "r");
  CURL *c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_URL, argv[1]);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READDATA, in);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, w1);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, "wA");
  curl_easy_setopt(c, CURLOPT_HEADERDATA, "hA");
  run(c, "W1, WRITEDATA wA, HEADERDATA hA, no HEADERFUNCTION, no READFUNCTION (fread file)");
  rewind(in);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, h1);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, NULL);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, r1);
  run(c, "W1, H1, HEADERDATA NULL, R1");
  rewind(in);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, NULL);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, NULL);
  run(c, "W1, HEADERFUNCTION NULL, HEADERDATA NULL, READFUNCTION NULL");
  rewind(in);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, NULL);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, stdout);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, stdout);
  run(c, "WRITEFUNCTION NULL (fwrite), WRITEDATA stdout, HEADERDATA stdout");
  curl_easy_cleanup(c);
  return 0;
}
