/* The C ceiling for fd passing: one process sends N fds over a UNIX stream socket with
 * sendmsg(SCM_RIGHTS), one data byte per fd (GIO's g_unix_connection_send_fd wire format),
 * the other receives each with recvmsg and closes it. Prints one JSON line.
 *
 *   fdpass N
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

static int send_fd(int sock, int fd) {
  char byte = 0;
  struct iovec iov = {.iov_base = &byte, .iov_len = 1};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof(int));
  return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock) {
  char byte;
  struct iovec iov = {.iov_base = &byte, .iov_len = 1};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
  if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1) return -1;
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) return -1;
  int fd;
  memcpy(&fd, CMSG_DATA(c), sizeof(int));
  return fd;
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 100000;
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return perror("socketpair"), 2;
  pid_t pid = fork();
  if (pid == 0) {
    close(sv[0]);
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    for (long i = 0; i < n; i++)
      if (send_fd(sv[1], fd) != 0) _exit(1);
    _exit(0);
  }
  close(sv[1]);
  long failures = 0;
  double js_cpu0 = thread_cpu_ms(), proc_cpu0 = process_cpu_ms();
  double t0 = now_ms();
  for (long i = 0; i < n; i++) {
    int fd = recv_fd(sv[0]);
    if (fd < 0) {
      failures += n - i;
      break;
    }
    close(fd);
  }
  double elapsed = now_ms() - t0;
  double js_cpu = thread_cpu_ms() - js_cpu0, proc_cpu = process_cpu_ms() - proc_cpu0;
  int status;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) failures++;
  printf("{\"client\":\"c\",\"n\":%ld,\"failures\":%ld,\"elapsedMs\":%.3f,\"jsCpuMs\":%.1f,\"procCpuMs\":%.3f}\n", n, failures,
         elapsed, js_cpu, proc_cpu);
  return failures ? 1 : 0;
}
