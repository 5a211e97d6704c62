/* SPDX-License-Identifier: MIT */
/* exec with an environment of the program's own making (the preload only).
 *
 * tether follows an exec through the environment: LD_PRELOAD loads it in
 * the new program, TETHER_OPTIONS and TETHER_RUN_DIR tell it how to check
 * and where the tether command collects the reports. A program that execs
 * with an environment it built itself (nginx's binary upgrade passes only
 * TZ and NGINX; `env -i`; Python's subprocess with env=) dropped them: the
 * new program ran unchecked, and the tree's gate passed without it.
 * Valgrind's --trace-children follows every exec whatever the environment,
 * and so does tether now, with --trace-children=yes: these wrappers put
 * back what the environment lacks of the three, as tether started with
 * them (libtether.so first in a LD_PRELOAD the program set itself).
 *
 * They may run in a vfork child, which shares its parent's memory and
 * stack: nothing here allocates or writes anything but the wrapper's own
 * frame; the real functions are looked up at start-up (tt_exec_init). */
#define _GNU_SOURCE
#include <errno.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "tt_common.h"
#include "tt_exec.h"
#include "tt_fmt.h"
#include "tt_os.h"
#include "tt_preload.h"

extern char **environ;

#define TT_EXEC_ENTRY_MAX 8192

static bool active;
static char self_path[4096];     /* libtether.so, as the dynamic linker loaded it */
static const char *self_base;    /* its file name */
static char options_entry[TT_EXEC_ENTRY_MAX]; /* "TETHER_OPTIONS=...", or "" */
static char rundir_entry[TT_EXEC_ENTRY_MAX];  /* "TETHER_RUN_DIR=...", or "" */

static int (*real_execve)(const char *, char *const[], char *const[]);
static int (*real_execveat)(int, const char *, char *const[], char *const[], int);
static int (*real_fexecve)(int, char *const[], char *const[]);
static int (*real_execvpe)(const char *, char *const[], char *const[]);
static int (*real_posix_spawn)(pid_t *, const char *, const posix_spawn_file_actions_t *,
                               const posix_spawnattr_t *, char *const[], char *const[]);
static int (*real_posix_spawnp)(pid_t *, const char *, const posix_spawn_file_actions_t *,
                                const posix_spawnattr_t *, char *const[], char *const[]);

static void keep_entry(char *dst, const char *name) {
  const char *v = tt_os_getenv(name);
  dst[0] = '\0';
  if (v && strlen(name) + 1 + strlen(v) < TT_EXEC_ENTRY_MAX)
    tt_fmt(dst, TT_EXEC_ENTRY_MAX, "%s=%s", name, v);
}

void tt_exec_init(const char *lib_path, bool trace_children) {
  real_execve = (__typeof__(real_execve))tt_preload_next("execve");
  real_execveat = (__typeof__(real_execveat))tt_preload_next("execveat");
  real_fexecve = (__typeof__(real_fexecve))tt_preload_next("fexecve");
  real_execvpe = (__typeof__(real_execvpe))tt_preload_next("execvpe");
  real_posix_spawn = (__typeof__(real_posix_spawn))tt_preload_next("posix_spawn");
  real_posix_spawnp = (__typeof__(real_posix_spawnp))tt_preload_next("posix_spawnp");
  if (!trace_children || !lib_path[0] || strlen(lib_path) >= sizeof self_path)
    return;
  tt_fmt(self_path, sizeof self_path, "%s", lib_path);
  const char *slash = strrchr(self_path, '/');
  self_base = slash ? slash + 1 : self_path;
  keep_entry(options_entry, "TETHER_OPTIONS");
  keep_entry(rundir_entry, "TETHER_RUN_DIR");
  active = true;
}

/* The value of name in env, or NULL. */
static const char *env_value(char *const *env, const char *name) {
  size_t n = strlen(name);
  for (; env && *env; env++)
    if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
      return *env + n + 1;
  return NULL;
}

/* Whether a LD_PRELOAD list names libtether.so. */
static bool names_tether(const char *list) {
  size_t bn = strlen(self_base);
  for (const char *p = list; *p;) {
    while (*p == ' ' || *p == ':')
      p++;
    const char *start = p;
    while (*p && *p != ' ' && *p != ':')
      p++;
    const char *b = start;
    for (const char *q = start; q < p; q++)
      if (*q == '/')
        b = q + 1;
    if ((size_t)(p - b) == bn && strncmp(b, self_base, bn) == 0)
      return true;
  }
  return false;
}

/* What env lacks: *slots, the entries to add (0: nothing, env is used as
 * it is); *bytes, room for a LD_PRELOAD entry built anew. */
static void env_need(char *const *env, size_t *slots, size_t *bytes, size_t *count) {
  size_t n = 0;
  for (char *const *e = env; e && *e; e++)
    n++;
  *count = n;
  *slots = 0;
  *bytes = 1;
  if (!active || n > 65536)
    return;
  const char *pre = env_value(env, "LD_PRELOAD");
  if (!pre || !names_tether(pre)) {
    *slots += !pre; /* else the program's entry is replaced */
    *bytes = sizeof "LD_PRELOAD=" + strlen(self_path) + 1 + (pre ? strlen(pre) : 0);
  }
  if (options_entry[0] && !env_value(env, "TETHER_OPTIONS"))
    ++*slots;
  if (rundir_entry[0] && !env_value(env, "TETHER_RUN_DIR"))
    ++*slots;
}

/* env with what tether needs, in out (count + slots + 1 entries) and buf. */
static char *const *env_fix(char *const *env, size_t count, char **out, char *buf, size_t bytes) {
  const char *pre = env_value(env, "LD_PRELOAD");
  bool fix_preload = bytes > 1;
  size_t k = 0;
  if (fix_preload)
    tt_fmt(buf, bytes, pre && pre[0] ? "LD_PRELOAD=%s %s" : "LD_PRELOAD=%s", self_path,
           pre ? pre : "");
  for (size_t i = 0; i < count; i++) {
    if (fix_preload && strncmp(env[i], "LD_PRELOAD=", 11) == 0) {
      out[k++] = buf;
      fix_preload = false;
      continue;
    }
    out[k++] = env[i];
  }
  if (fix_preload)
    out[k++] = buf;
  if (options_entry[0] && !env_value(env, "TETHER_OPTIONS"))
    out[k++] = options_entry;
  if (rundir_entry[0] && !env_value(env, "TETHER_RUN_DIR"))
    out[k++] = rundir_entry;
  out[k] = NULL;
  return out;
}

/* Declares envp2, env fixed or env itself, in the caller's frame (the
 * arrays must live until the real call returns). */
#define TT_WITH_TETHER_ENV(env, envp2)                                             \
  size_t slots_, bytes_, count_;                                                   \
  env_need((env), &slots_, &bytes_, &count_);                                      \
  bool fix_ = slots_ || bytes_ > 1;                                                \
  char *arr_[fix_ ? count_ + slots_ + 1 : 1];                                      \
  char buf_[bytes_];                                                               \
  char *const *envp2 = fix_ ? env_fix((env), count_, arr_, buf_, bytes_) : (env)

#define TT_NO_REAL(fn)                                                              \
  do {                                                                              \
    if (TT_UNLIKELY(!(fn))) {                                                       \
      errno = ENOSYS;                                                               \
      return -1;                                                                    \
    }                                                                               \
  } while (0)

TT_EXPORT int execve(const char *path, char *const argv[], char *const envp[]) {
  TT_NO_REAL(real_execve);
  TT_WITH_TETHER_ENV(envp, env2);
  return real_execve(path, argv, env2);
}

TT_EXPORT int execveat(int dirfd, const char *path, char *const argv[], char *const envp[],
                       int flags) {
  TT_NO_REAL(real_execveat);
  TT_WITH_TETHER_ENV(envp, env2);
  return real_execveat(dirfd, path, argv, env2, flags);
}

TT_EXPORT int fexecve(int fd, char *const argv[], char *const envp[]) {
  TT_NO_REAL(real_fexecve);
  TT_WITH_TETHER_ENV(envp, env2);
  return real_fexecve(fd, argv, env2);
}

TT_EXPORT int execvpe(const char *file, char *const argv[], char *const envp[]) {
  TT_NO_REAL(real_execvpe);
  TT_WITH_TETHER_ENV(envp, env2);
  return real_execvpe(file, argv, env2);
}

/* glibc's execv, execvp, execl, execlp and execle call its own execve and
 * execvpe, not these: each is written on the wrapped ones, with the
 * program's environment (`env -i`, clearenv and unsetenv change it). */
TT_EXPORT int execv(const char *path, char *const argv[]) { return execve(path, argv, environ); }

TT_EXPORT int execvp(const char *file, char *const argv[]) {
  return execvpe(file, argv, environ);
}

/* The argument list of execl and its kin, copied into argv (n + 1). */
#define TT_COLLECT_ARGS(arg0, ap, argv)                                            \
  size_t n_ = 1;                                                                   \
  va_start(ap, arg0);                                                              \
  while (va_arg(ap, const char *))                                                 \
    n_++;                                                                          \
  va_end(ap);                                                                      \
  const char *argv[n_ + 1];                                                        \
  argv[0] = (arg0);                                                                \
  va_start(ap, arg0);                                                              \
  for (size_t i_ = 1; i_ <= n_; i_++)                                              \
    argv[i_] = va_arg(ap, const char *)

TT_EXPORT int execl(const char *path, const char *arg, ...) {
  va_list ap;
  TT_COLLECT_ARGS(arg, ap, argv);
  va_end(ap);
  return execve(path, (char *const *)argv, environ);
}

TT_EXPORT int execlp(const char *file, const char *arg, ...) {
  va_list ap;
  TT_COLLECT_ARGS(arg, ap, argv);
  va_end(ap);
  return execvpe(file, (char *const *)argv, environ);
}

TT_EXPORT int execle(const char *path, const char *arg, ...) {
  va_list ap;
  TT_COLLECT_ARGS(arg, ap, argv);
  char *const *envp = va_arg(ap, char *const *); /* after the terminating NULL */
  va_end(ap);
  return execve(path, (char *const *)argv, envp);
}

TT_EXPORT int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
                          const posix_spawnattr_t *attr, char *const argv[], char *const envp[]) {
  if (TT_UNLIKELY(!real_posix_spawn))
    return ENOSYS;
  TT_WITH_TETHER_ENV(envp, env2);
  return real_posix_spawn(pid, path, fa, attr, argv, env2);
}

TT_EXPORT int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa,
                           const posix_spawnattr_t *attr, char *const argv[], char *const envp[]) {
  if (TT_UNLIKELY(!real_posix_spawnp))
    return ENOSYS;
  TT_WITH_TETHER_ENV(envp, env2);
  return real_posix_spawnp(pid, file, fa, attr, argv, env2);
}
