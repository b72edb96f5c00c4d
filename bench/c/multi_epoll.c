/* The C ceiling: libcurl's multi socket interface driven by epoll, the way a C server
 * would do it. N GETs of URL with C in flight, easy handles reused, every status and body
 * length checked. Prints one JSON line (the same shape as bench/clients/harness.js).
 *
 *   multi_epoll URL N C EXPECT_LEN WARMUP [h2] [CAFILE]
 *
 * With KEEP_BODY=1 in the environment each body is kept in memory as curl's getinmemory.c
 * does (realloc per chunk, freed when the transfer is done): the work a program that uses
 * the body cannot skip, and the fair floor for a client that hands the body over whole.
 */
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

struct transfer {
  CURL *easy;
  long bytes;
  char *body; /* KEEP_BODY only */
};

static int keep_body;

static int epfd;
/* libcurl's timer is one-shot and relative to the moment TIMERFUNCTION was called, so the
 * loop keeps an absolute deadline and clears it when it fires (as ephiperfifo.c and
 * multi-uv.c do). Keeping the relative value instead would re-arm a 0 ms timeout forever
 * and turn the loop into a busy spin that never sleeps in epoll_wait. */
static double deadline_ms = -1;
static long expect_len;
static long failures, started, finished, phase_total;
static long long bytes_total;
static const char *first_error;

static int socket_cb(CURL *easy, curl_socket_t s, int what, void *clientp, void *socketp) {
  (void)easy;
  (void)clientp;
  struct epoll_event ev = {0};
  ev.data.fd = s;
  if (what == CURL_POLL_REMOVE) {
    if (socketp) epoll_ctl(epfd, EPOLL_CTL_DEL, s, NULL);
    curl_multi_assign((CURLM *)clientp, s, NULL);
    return 0;
  }
  ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0) | (what & CURL_POLL_OUT ? EPOLLOUT : 0);
  if (socketp) {
    epoll_ctl(epfd, EPOLL_CTL_MOD, s, &ev);
  } else {
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, s, &ev) != 0 && errno == EEXIST) epoll_ctl(epfd, EPOLL_CTL_MOD, s, &ev);
    curl_multi_assign((CURLM *)clientp, s, (void *)1);
  }
  return 0;
}

static double now_ms(void);

static int timer_cb(CURLM *multi, long ms, void *clientp) {
  (void)multi;
  (void)clientp;
  deadline_ms = ms < 0 ? -1 : now_ms() + (double)ms;
  return 0;
}

static size_t write_cb(char *ptr, size_t size, size_t nmemb, void *userdata) {
  struct transfer *t = userdata;
  size_t n = size * nmemb;
  if (keep_body) {
    char *grown = realloc(t->body, (size_t)t->bytes + n);
    if (!grown) return 0;
    memcpy(grown + t->bytes, ptr, n);
    t->body = grown;
  }
  t->bytes += (long)n;
  return n;
}

static long kb_field(const char *name) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long v = -1;
  size_t n = strlen(name);
  if (!f) return -1;
  while (fgets(line, sizeof line, f))
    if (strncmp(line, name, n) == 0 && line[n] == ':') {
      v = strtol(line + n + 1, NULL, 10);
      break;
    }
  fclose(f);
  return v;
}

/* CPU time (ms) of this process's main thread, utime + stime from /proc/self/task/<pid>/stat
 * (fields 14 and 15, after the ')' that ends the command name), and of the whole process
 * (getrusage): the same two figures bench/clients/harness.js reports for a Node client. */
static double thread_cpu_ms(void) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)getpid());
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  size_t len = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[len] = 0;
  char *p = strrchr(buf, ')');
  if (!p) return -1;
  unsigned long utime = 0, stime = 0;
  /* after ") ": state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime */
  if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2) return -1;
  return (double)(utime + stime) * 1000.0 / (double)sysconf(_SC_CLK_TCK);
}

static double process_cpu_ms(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void check_multi_info(CURLM *multi) {
  CURLMsg *msg;
  int pending;
  while ((msg = curl_multi_info_read(multi, &pending))) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL *easy = msg->easy_handle;
    struct transfer *t;
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&t);
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    if (msg->data.result != CURLE_OK || status != 200 || t->bytes != expect_len) {
      failures++;
      if (!first_error) {
        static char buf[256];
        snprintf(buf, sizeof buf, "result %d (%s) status %ld bytes %ld", msg->data.result,
                 curl_easy_strerror(msg->data.result), status, t->bytes);
        first_error = buf;
      }
    }
    bytes_total += t->bytes;
    free(t->body);
    t->body = NULL;
    finished++;
    curl_multi_remove_handle(multi, easy);
    if (started < phase_total) {
      t->bytes = 0;
      started++;
      curl_multi_add_handle(multi, easy);
    }
  }
}

static void run_phase(CURLM *multi, struct transfer *pool, long conc, long n) {
  int running;
  struct epoll_event events[256];
  started = finished = 0;
  phase_total = n;
  for (long i = 0; i < conc && started < n; i++) {
    pool[i].bytes = 0;
    started++;
    curl_multi_add_handle(multi, pool[i].easy);
  }
  while (finished < n) {
    int wait = 1000;
    if (deadline_ms >= 0) {
      double left = deadline_ms - now_ms();
      wait = left <= 0 ? 0 : (int)left + 1; /* round up: epoll_wait counts whole ms */
    }
    int nev = epoll_wait(epfd, events, 256, wait);
    if (nev < 0 && errno == EINTR) continue;
    if (nev > 0) {
      for (int i = 0; i < nev; i++) {
        int flags = 0;
        if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) flags |= CURL_CSELECT_IN;
        if (events[i].events & EPOLLOUT) flags |= CURL_CSELECT_OUT;
        if (events[i].events & EPOLLERR) flags |= CURL_CSELECT_ERR;
        curl_multi_socket_action(multi, events[i].data.fd, flags, &running);
      }
    }
    if (deadline_ms >= 0 && now_ms() >= deadline_ms) {
      deadline_ms = -1; /* fired; libcurl sets a new one from inside if it needs one */
      curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running);
    }
    check_multi_info(multi);
  }
}

int main(int argc, char **argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: %s URL N C EXPECT_LEN WARMUP [h2] [CAFILE]\n", argv[0]);
    return 2;
  }
  const char *url = argv[1];
  long n = atol(argv[2]), conc = atol(argv[3]), warmup = atol(argv[5]);
  int h2 = argc > 6 && strcmp(argv[6], "h2") == 0;
  const char *cafile = argc > 7 ? argv[7] : NULL;
  expect_len = atol(argv[4]);
  keep_body = getenv("KEEP_BODY") && strcmp(getenv("KEEP_BODY"), "1") == 0;

  long rss_load = kb_field("VmRSS");
  curl_global_init(CURL_GLOBAL_DEFAULT);
  epfd = epoll_create1(EPOLL_CLOEXEC);
  CURLM *multi = curl_multi_init();
  curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
  curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, multi);
  curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, timer_cb);
  curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, conc);
  curl_multi_setopt(multi, CURLMOPT_PIPELINING, h2 ? CURLPIPE_MULTIPLEX : CURLPIPE_NOTHING);

  long rss_start = kb_field("VmRSS");
  struct transfer *pool = calloc((size_t)conc, sizeof *pool);
  for (long i = 0; i < conc; i++) {
    CURL *e = curl_easy_init();
    pool[i].easy = e;
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &pool[i]);
    curl_easy_setopt(e, CURLOPT_PRIVATE, &pool[i]);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L); /* as Node and curlio: no SIGPIPE juggling per call */
    if (h2) {
      curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
      curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
      if (cafile) curl_easy_setopt(e, CURLOPT_CAINFO, cafile);
      else curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
    }
  }

  if (warmup > 0) run_phase(multi, pool, conc, warmup);
  long rss_before = kb_field("VmRSS");
  long long warm_bytes = bytes_total;
  double js_cpu0 = thread_cpu_ms(), proc_cpu0 = process_cpu_ms();
  double t0 = now_ms();
  run_phase(multi, pool, conc, n);
  double elapsed = now_ms() - t0;
  double js_cpu = thread_cpu_ms() - js_cpu0, proc_cpu = process_cpu_ms() - proc_cpu0;
  long rss_after = kb_field("VmRSS");
  long hwm = kb_field("VmHWM");

  printf("{\"client\":\"c\",\"n\":%ld,\"c\":%ld,\"failures\":%ld,\"elapsedMs\":%.3f,\"jsCpuMs\":%.1f,\"procCpuMs\":%.3f,\"bytes\":%lld,"
         "\"rssLoadKb\":%ld,\"rssStartKb\":%ld,\"rssBeforeKb\":%ld,\"rssAfterKb\":%ld,\"hwmKb\":%ld,"
         "\"firstError\":%s%s%s}\n",
         n, conc, failures, elapsed, js_cpu, proc_cpu, bytes_total - warm_bytes, rss_load, rss_start, rss_before, rss_after, hwm,
         first_error ? "\"" : "", first_error ? first_error : "null", first_error ? "\"" : "");
  for (long i = 0; i < conc; i++) curl_easy_cleanup(pool[i].easy);
  curl_multi_cleanup(multi);
  curl_global_cleanup();
  free(pool);
  return failures ? 1 : 0;
}
