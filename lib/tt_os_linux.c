/* SPDX-License-Identifier: MIT */
/* Linux, ELF and glibc: the only file that uses dlsym, dl_iterate_phdr, /proc,
 * signals, futexes, mmap and write(2). Contract: tt_os.h. Nothing here calls
 * malloc or stdio on a path the allocation wrappers or the stopped world use.
 *
 * Notes on locking:
 *   The table of tether's own mappings is lock-free (see own_maps).
 *   The stop-the-world state (g_stop) is driven by one checker at a time: the
 *   caller (tt_check) serialises checks.
 */
#define _GNU_SOURCE
#include "tt_os.h"
#include "tt_fmt.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <linux/futex.h>
#include <linux/kcmp.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

/* libc's sigaction under its other exported name: libtether exports a
 * sigaction of its own for the program (tt_fatal.h), which a call from
 * inside libtether by the plain name would reach. */
extern int __sigaction(int sig, const struct sigaction *act, struct sigaction *old);

extern char **environ;

/* ======================================================================== */
/* raw I/O, process, time                                                    */
/* ======================================================================== */

/* tether's own output must not end the program: a report on a pipe whose
 * reader went away (`tether prog 2>&1 | head -1`) gets EPIPE, and the
 * SIGPIPE the write raises is blocked and then taken back, unless the
 * program had one pending already. Async-signal-safe. */
/* Whether SIGPIPE is pending for the calling thread itself (not only for the
 * process: sigpending gives the union), from /proc/thread-self/status. */
static bool thread_sigpipe_pending(void) {
  char buf[2048];
  int fd = (int)syscall(SYS_open, "/proc/thread-self/status", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return true; /* unknown: keep whatever is pending */
  long n = syscall(SYS_read, fd, buf, sizeof buf - 1);
  syscall(SYS_close, fd);
  if (n <= 0)
    return true;
  buf[n] = '\0';
  const char *p = strstr(buf, "\nSigPnd:");
  if (!p)
    return true;
  unsigned long long mask = strtoull(p + 8, NULL, 16);
  return (mask >> (SIGPIPE - 1)) & 1;
}

long tt_os_write(int fd, const void *buf, size_t len) {
  const char *p = buf;
  size_t done = 0;
  sigset_t pipe_only, saved;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_only, &saved);
  sigset_t before;
  sigpending(&before);
  /* the kernel queues the write's SIGPIPE on this thread: only one already
   * pending there would merge with it (rare: read then) */
  bool had_own = sigismember(&before, SIGPIPE) && thread_sigpipe_pending();
  long rc = 0;
  while (done < len) {
    long n = syscall(SYS_write, fd, p + done, len - done);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      rc = -errno;
      break;
    }
    done += (size_t)n;
  }
  if (rc == -EPIPE && !had_own) {
    static const struct timespec now = {0, 0};
    int saved_errno = errno;
    /* ours: the write's (the system call: not the preload's wrapper) */
    syscall(SYS_rt_sigtimedwait, &pipe_only, NULL, &now, (size_t)8);
    errno = saved_errno;
  }
  pthread_sigmask(SIG_SETMASK, &saved, NULL);
  return rc ? rc : (long)done;
}

/* tether's descriptors go just above the program's limit on open files
 * (RLIMIT_NOFILE's soft value), as Valgrind keeps its own out of the
 * program's sight: a program that lists its descriptors by trying every
 * number below that limit (CPython's test_subprocess) does not see them,
 * and no open of its own can take their numbers. The limit is raised for
 * the copy and put back at once: the kernel keeps a descriptor above it.
 * Where the hard limit leaves no room, they go from 1000 up. */
#define TT_FD_SLOTS 8
static int copy_high(int fd) {
  struct rlimit now;
  if (syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &now) == 0 && now.rlim_cur != RLIM_INFINITY &&
      now.rlim_cur >= 64 && now.rlim_cur <= (rlim_t)INT_MAX - TT_FD_SLOTS &&
      now.rlim_max >= now.rlim_cur + TT_FD_SLOTS) {
    struct rlimit up = {now.rlim_cur + TT_FD_SLOTS, now.rlim_max};
    if (syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &up, NULL) == 0) {
      int hi = (int)syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, (int)now.rlim_cur);
      syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &now, NULL);
      if (hi >= 0)
        return hi;
    }
  }
  int hi = (int)syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, 1000);
  if (hi < 0)
    hi = (int)syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, 3);
  return hi < 0 ? -errno : hi;
}

static int move_high(int fd) {
  if (fd < 0)
    return fd;
  int hi = copy_high(fd);
  if (hi >= 0) {
    syscall(SYS_close, fd);
    return hi;
  }
  return fd;
}

/* Opens path for writing with flags (O_CREAT among them). A sandbox that
 * forbids creating files (man-db's seccomp filter fails any open with
 * O_CREAT) may still let a file that exists be opened: a program exec'd
 * inside it finds its report files, which its process opened before (at
 * the fork), and writes there. */
static int open_for_report(const char *path, int flags) {
  int fd = (int)syscall(SYS_openat, AT_FDCWD, path, flags, 0644);
  if (fd < 0 && (errno == ENOSYS || errno == EPERM || errno == EACCES)) {
    int err = errno;
    fd = (int)syscall(SYS_openat, AT_FDCWD, path, flags & ~O_CREAT);
    if (fd < 0)
      errno = err;
  }
  return fd < 0 ? -errno : move_high(fd);
}

int tt_os_open_log(const char *path) {
  return open_for_report(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC);
}

int tt_os_reopen_log(const char *path) {
  return open_for_report(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC);
}

void tt_os_truncate(int fd) { syscall(SYS_ftruncate, fd, 0); }

unsigned tt_os_hold_std_fds(void) {
  unsigned held = 0;
  for (int fd = 0; fd < 3; fd++) {
    if (syscall(SYS_fcntl, fd, F_GETFD) >= 0 || errno != EBADF)
      continue;
    /* the lowest free number: fd itself, the ones below being taken */
    int got = (int)syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDWR | O_CLOEXEC);
    if (got == fd)
      held |= 1u << fd;
    else if (got >= 0)
      syscall(SYS_close, got);
  }
  return held;
}

void tt_os_release_std_fds(unsigned held) {
  for (int fd = 0; fd < 3; fd++)
    if (held & (1u << fd))
      syscall(SYS_close, fd);
}

void tt_os_share_if_root(int fd) {
  if (syscall(SYS_geteuid) == 0)
    syscall(SYS_fchmod, fd, 0666);
}

bool tt_os_fd_identity(int fd, uint64_t id[2]) {
  struct stat st;
  if (fd < 0 || syscall(SYS_fstat, fd, &st) != 0)
    return false;
  id[0] = (uint64_t)st.st_dev;
  id[1] = (uint64_t)st.st_ino;
  return true;
}

int tt_os_dup_high(int fd) { return copy_high(fd); }

void tt_os_close(int fd) { syscall(SYS_close, fd); }

int tt_os_read_file(const char *path, char **out, size_t *len, size_t *mapped) {
  *out = NULL;
  *len = *mapped = 0;
  int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  size_t cap = 64 << 10, n = 0;
  char *buf = tt_os_map(cap);
  int rc = buf ? 0 : -ENOMEM;
  while (rc == 0) {
    if (n == cap) { /* grow: a suppression file is rarely big */
      char *bigger = tt_os_map(cap * 2);
      if (!bigger) {
        rc = -ENOMEM;
        break;
      }
      memcpy(bigger, buf, n);
      tt_os_unmap(buf, cap);
      buf = bigger;
      cap *= 2;
    }
    long r = syscall(SYS_read, fd, buf + n, cap - n);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      rc = -errno;
    else if (r == 0)
      break;
    else
      n += (size_t)r;
  }
  syscall(SYS_close, fd);
  if (rc != 0) {
    tt_os_unmap(buf, cap);
    return rc;
  }
  *out = buf;
  *len = n;
  *mapped = cap;
  return 0;
}

int tt_os_open_write(const char *path) {
  return open_for_report(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC);
}
int tt_os_open_read(const char *path) {
  int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
  return fd < 0 ? -errno : move_high(fd);
}

void tt_os_for_each_resident_run(int pagemap_fd, uintptr_t lo, uintptr_t hi,
                                 void (*fn)(uintptr_t lo, uintptr_t hi, void *arg), void *arg) {
  if (pagemap_fd < 0 || hi <= lo) {
    if (hi > lo)
      fn(lo, hi, arg);
    return;
  }
  uint64_t ent[512];
  uintptr_t page = lo & ~(uintptr_t)4095, run = 0; /* run: the start of a run, or 0 */
  while (page < hi) {
    size_t want = (size_t)((TT_ALIGN_UP(hi, 4096) - page) / 4096);
    if (want > sizeof ent / sizeof ent[0])
      want = sizeof ent / sizeof ent[0];
    long got = syscall(SYS_pread64, pagemap_fd, ent, want * sizeof ent[0],
                       (off_t)(page / 4096 * sizeof ent[0]));
    if (got <= 0 || got % (long)sizeof ent[0]) {
      /* the kernel will not tell: what is left, whole */
      fn(run ? run : (page > lo ? page : lo), hi, arg);
      return;
    }
    size_t n = (size_t)got / sizeof ent[0];
    for (size_t i = 0; i < n; i++, page += 4096) {
      bool in = (ent[i] >> 62) & 3; /* present, or swapped out */
      if (in && !run)
        run = page > lo ? page : lo;
      else if (!in && run) {
        fn(run, page, arg);
        run = 0;
      }
    }
  }
  if (run)
    fn(run, hi, arg);
}

int tt_os_create_new(const char *path) {
  int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  return fd < 0 ? -errno : move_high(fd);
}

int tt_os_mkdirs(const char *path) {
  char buf[4096];
  size_t n = strlen(path);
  if (n == 0 || n >= sizeof buf)
    return -ENAMETOOLONG;
  memcpy(buf, path, n + 1);
  for (size_t i = 1; i <= n; i++) {
    if (buf[i] != '/' && buf[i] != '\0')
      continue;
    char c = buf[i];
    buf[i] = '\0';
    if (syscall(SYS_mkdirat, AT_FDCWD, buf, 0755) != 0 && errno != EEXIST)
      return -errno;
    buf[i] = c;
  }
  return 0;
}

long tt_os_file_size(int fd) {
  struct stat st;
  if (syscall(SYS_fstat, fd, &st) != 0)
    return -errno;
  return (long)st.st_size;
}

int tt_os_copy_file(int out, int in, size_t len) {
  off_t off = 0;
  while ((size_t)off < len) {
    long k = syscall(SYS_sendfile, out, in, &off, len - (size_t)off);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      return k < 0 ? -errno : -EIO;
  }
  return 0;
}

int tt_os_pwrite(int fd, const void *buf, size_t len, uint64_t off) {
  const char *p = buf;
  while (len) {
    long k = syscall(SYS_pwrite64, fd, p, len, (off_t)off);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      return k < 0 ? -errno : -EIO;
    p += k;
    off += (uint64_t)k;
    len -= (size_t)k;
  }
  return 0;
}

int tt_os_rename(const char *from, const char *to) {
  return syscall(SYS_renameat, AT_FDCWD, from, AT_FDCWD, to) == 0 ? 0 : -errno;
}

void tt_os_unlink(const char *path) { syscall(SYS_unlinkat, AT_FDCWD, path, 0); }

int tt_os_getpid(void) { return (int)syscall(SYS_getpid); }
/* A seccomp filter may refuse gettid (EPERM): the thread's number is then
 * read from /proc/thread-self ("PID/task/TID"), else for a process of one
 * thread it is the pid. A check that took -1 for its own thread stopped
 * itself and waited for ever. */
static TT_NOINLINE int gettid_refused(void) {
  char buf[64];
  long n = syscall(SYS_readlinkat, AT_FDCWD, "/proc/thread-self", buf, sizeof buf - 1);
  if (n > 0) {
    buf[n] = '\0';
    const char *t = strrchr(buf, '/');
    long tid = 0;
    for (t = t ? t + 1 : buf; *t >= '0' && *t <= '9'; t++)
      tid = tid * 10 + (*t - '0');
    if (tid > 0)
      return (int)tid;
  }
  return (int)syscall(SYS_getpid);
}

int tt_os_gettid(void) {
  long tid = syscall(SYS_gettid);
  return tid > 0 ? (int)tid : gettid_refused();
}
int tt_os_getppid(void) { return (int)syscall(SYS_getppid); }
bool tt_os_getcwd(char *buf, size_t size) { return syscall(SYS_getcwd, buf, size) > 0; }
void tt_os_yield(void) { sched_yield(); }

/* membarrier(2) commands (linux/membarrier.h, here so an older header
 * builds too). */
#define TT_MEMBARRIER_CMD_QUERY 0
#define TT_MEMBARRIER_CMD_GLOBAL 1
#define TT_MEMBARRIER_CMD_PRIVATE_EXPEDITED 8
#define TT_MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED 16

bool tt_os_membarrier_init(void) {
#ifdef SYS_membarrier
  int saved = errno;
  long cmds = syscall(SYS_membarrier, TT_MEMBARRIER_CMD_QUERY, 0, 0);
  bool ok = cmds > 0 && (cmds & TT_MEMBARRIER_CMD_PRIVATE_EXPEDITED) &&
            syscall(SYS_membarrier, TT_MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
  errno = saved;
  return ok;
#else
  return false;
#endif
}

bool tt_os_membarrier(void) {
#ifdef SYS_membarrier
  int saved = errno;
  bool ok = syscall(SYS_membarrier, TT_MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0;
  /* a forked child's memory is not registered yet */
  if (!ok && syscall(SYS_membarrier, TT_MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0)
    ok = syscall(SYS_membarrier, TT_MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0;
  if (!ok)
    ok = syscall(SYS_membarrier, TT_MEMBARRIER_CMD_GLOBAL, 0, 0) == 0;
  errno = saved;
  return ok;
#else
  return false;
#endif
}

uint64_t tt_os_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void tt_os_exit_now(int status) {
  for (;;)
    syscall(SYS_exit_group, status);
}

void tt_os_die_by(int sig) {
  /* libc's own sigaction and a raw tgkill: the exported signal() and abort()
   * are libtether's, which would report rather than die */
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  __sigaction(sig, &dfl, NULL);
  tt_os_unblock_signal(sig);
  tt_os_raise(sig);
  tt_os_exit_now(128 + sig); /* a signal whose default action does not end the process */
}

void tt_os_abort(void) { tt_os_die_by(SIGABRT); }

void tt_spin_wait(tt_spinlock_t *l) {
  for (unsigned spins = 0;; spins++) {
    if (!__atomic_load_n(&l->locked, __ATOMIC_RELAXED) &&
        !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
      return;
    if (spins < 64)
      __builtin_ia32_pause();
    else
      sched_yield();
  }
}

const char *tt_os_getenv(const char *name) {
  char **env = environ;
  if (!env)
    return NULL;
  size_t n = strlen(name);
  for (; *env; env++)
    if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
      return *env + n + 1;
  return NULL;
}

bool tt_os_environ_ready(void) { return environ != NULL; }

void tt_os_preload_drop(const char *lib_path) {
  char *list = (char *)tt_os_getenv("LD_PRELOAD");
  if (!list)
    return;
  const char *base = strrchr(lib_path, '/');
  base = base ? base + 1 : lib_path;
  /* rewrite the list in place without the entries naming this library */
  char *out = list;
  for (char *p = list; *p;) {
    while (*p == ' ' || *p == ':')
      p++;
    char *start = p;
    while (*p && *p != ' ' && *p != ':')
      p++;
    size_t n = (size_t)(p - start);
    if (!n)
      break;
    const char *slash = memrchr(start, '/', n);
    const char *b = slash ? slash + 1 : start;
    size_t bn = (size_t)(p - b);
    bool mine = (n == strlen(lib_path) && strncmp(start, lib_path, n) == 0) ||
                (bn == strlen(base) && strncmp(b, base, bn) == 0);
    if (!mine) {
      if (out != list)
        *out++ = ' ';
      memmove(out, start, n);
      out += n;
    }
  }
  *out = '\0';
}

static long read_file(const char *path, char *buf, size_t size) {
  int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  size_t got = 0;
  while (got < size) {
    long n = syscall(SYS_read, fd, buf + got, size - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    got += (size_t)n;
  }
  syscall(SYS_close, fd);
  return (long)got;
}


extern void *__libc_stack_end; /* ld.so's: the stack pointer at process start */

/* Without /proc: the arguments where the kernel put them at exec, argc at
 * the stack pointer the process started with and argv above it (as the
 * program left them: it may have written over its own). */
static size_t cmdline_from_stack(char *buf, size_t size) {
  const long *sp = __libc_stack_end;
  if (!sp || *sp <= 0 || *sp > 4096)
    return 0;
  char *const *argv = (char *const *)(sp + 1);
  size_t n = 0;
  for (long i = 0; i < *sp && argv[i]; i++) {
    size_t len = strlen(argv[i]) + 1;
    if (n + len > size)
      break;
    memcpy(buf + n, argv[i], len);
    n += len;
  }
  return n;
}

size_t tt_os_cmdline(char *buf, size_t size) {
  long n = read_file("/proc/self/cmdline", buf, size);
  if (n < 0)
    return cmdline_from_stack(buf, size);
  return n > 0 ? (size_t)n : 0;
}

int tt_os_exe_path(char *buf, size_t size) {
  long n = syscall(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", buf, size - 1);
  if (n < 0) {
    int err = errno;
    /* without /proc: the path execve was given (relative to the directory
     * the program started in) */
    const char *fn = (const char *)getauxval(AT_EXECFN);
    if (!fn || strlen(fn) >= size)
      return -err;
    strcpy(buf, fn);
    return 0;
  }
  buf[n] = '\0';
  return 0;
}

/* ======================================================================== */
/* memory                                                                    */
/* ======================================================================== */

/* tether's own mappings, so a scan never takes them for roots (the heap
 * index holds every block's address: scanned, it would make every block
 * reachable). Lock-free, since the checker maps scratch memory while other
 * threads are stopped wherever they were: a slot is claimed by CAS on lo,
 * hi is published after it, and readers skip slots whose hi is not set. */
#define OWN_MAPS_MAX 16384
static struct {
  uintptr_t lo, hi;
} own_maps[OWN_MAPS_MAX];
static int own_maps_used; /* high-water mark of claimed slots */

size_t tt_os_page_size(void) { return 4096; }

static bool own_maps_add(uintptr_t lo, uintptr_t hi) {
  for (int i = 0; i < OWN_MAPS_MAX; i++) {
    uintptr_t zero = 0;
    if (__atomic_load_n(&own_maps[i].lo, __ATOMIC_RELAXED) == 0 &&
        __atomic_compare_exchange_n(&own_maps[i].lo, &zero, lo, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_RELAXED)) {
      __atomic_store_n(&own_maps[i].hi, hi, __ATOMIC_RELEASE);
      int used = __atomic_load_n(&own_maps_used, __ATOMIC_RELAXED);
      while (used < i + 1 &&
             !__atomic_compare_exchange_n(&own_maps_used, &used, i + 1, false, __ATOMIC_ACQ_REL,
                                          __ATOMIC_RELAXED))
        ;
      return true;
    }
  }
  return false;
}

static void own_maps_remove(uintptr_t lo) {
  int used = __atomic_load_n(&own_maps_used, __ATOMIC_ACQUIRE);
  for (int i = 0; i < used; i++) {
    if (__atomic_load_n(&own_maps[i].lo, __ATOMIC_ACQUIRE) == lo) {
      __atomic_store_n(&own_maps[i].hi, 0, __ATOMIC_RELEASE);
      __atomic_store_n(&own_maps[i].lo, 0, __ATOMIC_RELEASE);
      return;
    }
  }
}

void *tt_os_map(size_t size) {
  size = TT_ALIGN_UP(size, 4096);
  void *p = (void *)syscall(SYS_mmap, NULL, size, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED)
    return NULL;
  if (!own_maps_add((uintptr_t)p, (uintptr_t)p + size)) {
    /* Unrecorded, tether's memory would be scanned as the program's and
     * hide every leak: give it back and report the failure instead. */
    syscall(SYS_munmap, p, size);
    return NULL;
  }
  return p;
}

void tt_os_unmap(void *p, size_t size) {
  if (!p)
    return;
  own_maps_remove((uintptr_t)p);
  syscall(SYS_munmap, p, TT_ALIGN_UP(size, 4096));
}

bool tt_os_protect_none(void *p, size_t size) {
  return syscall(SYS_mprotect, p, TT_ALIGN_UP(size, 4096), PROT_NONE) == 0;
}

bool tt_os_altstack_set_if_none(void *lo, size_t size) {
  stack_t cur;
  if (syscall(SYS_sigaltstack, NULL, &cur) != 0 || !(cur.ss_flags & SS_DISABLE))
    return false;
  stack_t ss;
  memset(&ss, 0, sizeof ss);
  ss.ss_sp = lo;
  ss.ss_size = size;
  return syscall(SYS_sigaltstack, &ss, NULL) == 0;
}

bool tt_os_altstack_release(void *lo) {
  stack_t cur;
  if (syscall(SYS_sigaltstack, NULL, &cur) != 0)
    return false;
  if ((cur.ss_flags & SS_DISABLE) || cur.ss_sp != lo)
    return true; /* the program's own now, or none */
  if (cur.ss_flags & SS_ONSTACK)
    return false;
  stack_t off;
  memset(&off, 0, sizeof off);
  off.ss_flags = SS_DISABLE;
  return syscall(SYS_sigaltstack, &off, NULL) == 0;
}

struct own_stack_call {
  void (*fn)(void *);
  void *arg;
  ucontext_t back, there;
};

/* makecontext passes ints: the call's address comes in two halves. */
static void own_stack_entry(unsigned hi, unsigned lo) {
  struct own_stack_call *c = (struct own_stack_call *)(((uintptr_t)hi << 32) | lo);
  c->fn(c->arg);
} /* returning resumes c->back (uc_link) */

bool tt_os_call_on_own_stack(void (*fn)(void *), void *arg, size_t size) {
  size = TT_ALIGN_UP(size, 4096);
  char *stack = tt_os_map(size);
  if (!stack)
    return false;
  syscall(SYS_mprotect, stack, 4096, PROT_NONE); /* an overflow faults, not corrupts */
  /* The two contexts (2 KB) sit at the top of the new stack, not on the
   * caller's: a fatal signal's handler may run on an alternate signal
   * stack of 8 KB (Rust gives every thread one), much of it the kernel's
   * signal frame already. */
  struct own_stack_call *call =
      (struct own_stack_call *)(stack + size - TT_ALIGN_UP(sizeof(struct own_stack_call), 64));
  call->fn = fn;
  call->arg = arg;
  bool ok = getcontext(&call->there) == 0;
  if (ok) {
    call->there.uc_stack.ss_sp = stack;
    call->there.uc_stack.ss_size = (size_t)((char *)call - stack);
    call->there.uc_link = &call->back;
    uintptr_t p = (uintptr_t)call;
    makecontext(&call->there, (void (*)(void))own_stack_entry, 2, (unsigned)(p >> 32),
                (unsigned)p);
    ok = swapcontext(&call->back, &call->there) == 0;
  }
  tt_os_unmap(stack, size);
  return ok;
}

void tt_os_advise_huge(void *p, size_t size) {
#ifdef MADV_HUGEPAGE
  int saved = errno;
  if (p && size >= ((size_t)2 << 20))
    syscall(SYS_madvise, p, TT_ALIGN_UP(size, 4096), MADV_HUGEPAGE);
  errno = saved;
#else
  (void)p;
  (void)size;
#endif
}

void tt_os_for_each_own_map(void (*fn_cb)(uintptr_t lo, uintptr_t hi, void *arg), void *arg) {
  int used = __atomic_load_n(&own_maps_used, __ATOMIC_ACQUIRE);
  for (int i = 0; i < used; i++) {
    uintptr_t lo = __atomic_load_n(&own_maps[i].lo, __ATOMIC_ACQUIRE);
    uintptr_t hi = __atomic_load_n(&own_maps[i].hi, __ATOMIC_ACQUIRE);
    if (lo && hi > lo)
      fn_cb(lo, hi, arg);
  }
}

/* ======================================================================== */
/* symbols and modules                                                       */
/* ======================================================================== */

void *tt_os_dlsym_next(const char *name) { return dlsym(RTLD_NEXT, name); }
void *tt_os_dlsym_default(const char *name) { return dlsym(RTLD_DEFAULT, name); }

struct module_iter {
  int (*fn)(const struct tt_module *m, void *arg);
  void *arg;
};

static void module_span_of(struct dl_phdr_info *info, uintptr_t *lo, uintptr_t *hi,
                           unsigned need_flags) {
  *lo = UINTPTR_MAX;
  *hi = 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD || (ph->p_flags & need_flags) != need_flags)
      continue;
    uintptr_t s = info->dlpi_addr + ph->p_vaddr;
    uintptr_t e = s + ph->p_memsz;
    if (s < *lo)
      *lo = s;
    if (e > *hi)
      *hi = e;
  }
}

static int module_iter_cb(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  struct module_iter *it = arg;
  struct tt_module m;
  m.base = info->dlpi_addr;
  module_span_of(info, &m.lo, &m.hi, 0);
  if (m.hi == 0)
    return 0;
  m.path = info->dlpi_name ? info->dlpi_name : "";
  return it->fn(&m, it->arg);
}

void tt_os_for_each_module(int (*fn_cb)(const struct tt_module *m, void *arg), void *arg) {
  struct module_iter it = {fn_cb, arg};
  dl_iterate_phdr(module_iter_cb, &it);
}

struct seg_iter {
  void (*fn)(uintptr_t lo, uintptr_t hi, const char *path, void *arg);
  void *arg;
};

static int seg_iter_cb(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  struct seg_iter *it = arg;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_W))
      continue;
    /* to the end of its last page: ld.so's allocator before malloc
     * (__minimal_malloc) hands out the rest of that page first, and the
     * main program's link_map there holds the global scope's list, which
     * dlopen with RTLD_GLOBAL grows with malloc (add_to_global_resize) */
    uintptr_t s = info->dlpi_addr + ph->p_vaddr;
    uintptr_t e = TT_ALIGN_UP(s + ph->p_memsz, (uintptr_t)tt_os_page_size());
    it->fn(s, e, info->dlpi_name ? info->dlpi_name : "", it->arg);
  }
  return 0;
}

void tt_os_for_each_writable_segment(
    void (*fn_cb)(uintptr_t lo, uintptr_t hi, const char *path, void *arg), void *arg) {
  struct seg_iter it = {fn_cb, arg};
  dl_iterate_phdr(seg_iter_cb, &it);
}

struct locked_call {
  void (*fn)(void *arg);
  void *arg;
};

static int locked_call_cb(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)info;
  (void)size;
  struct locked_call *c = arg;
  c->fn(c->arg);
  return 1; /* stop after the first module: fn ran once, under the lock */
}

void tt_os_with_loader_locked(void (*fn_cb)(void *arg), void *arg) {
  struct locked_call c = {fn_cb, arg};
  dl_iterate_phdr(locked_call_cb, &c);
}

struct span_find {
  uintptr_t addr, lo, hi;
  bool found;
  char *path;
  size_t size;
};

static int span_find_cb(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  struct span_find *f = arg;
  uintptr_t lo, hi;
  module_span_of(info, &lo, &hi, 0);
  if (f->addr >= lo && f->addr < hi) {
    module_span_of(info, &f->lo, &f->hi, PF_X);
    f->found = f->hi != 0;
    if (f->path && f->size) {
      const char *name = info->dlpi_name ? info->dlpi_name : "";
      size_t n = strlen(name);
      if (n >= f->size)
        n = f->size - 1;
      memcpy(f->path, name, n);
      f->path[n] = '\0';
    }
    return 1;
  }
  return 0;
}

static int whole_span_cb(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  struct span_find *f = arg;
  uintptr_t lo, hi;
  module_span_of(info, &lo, &hi, 0);
  if (f->addr >= lo && f->addr < hi) {
    f->lo = lo;
    f->hi = hi;
    f->found = true;
    return 1;
  }
  return 0;
}

bool tt_os_module_span(uintptr_t addr, uintptr_t *lo, uintptr_t *hi, char *path, size_t size) {
  struct span_find f = {addr, 0, 0, false, path, size};
  dl_iterate_phdr(span_find_cb, &f);
  *lo = f.lo;
  *hi = f.hi;
  return f.found;
}

/* ======================================================================== */
/* memory map                                                                */
/* ======================================================================== */

static uintptr_t parse_hex(const char **s) {
  uintptr_t v = 0;
  for (;; (*s)++) {
    char c = **s;
    if (c >= '0' && c <= '9')
      v = v * 16 + (uintptr_t)(c - '0');
    else if (c >= 'a' && c <= 'f')
      v = v * 16 + (uintptr_t)(c - 'a' + 10);
    else
      return v;
  }
}

int tt_os_for_each_mapping(char *buf, size_t size,
                           void (*fn_cb)(const struct tt_mapping *m, void *arg), void *arg) {
  long n = read_file("/proc/self/maps", buf, size - 1);
  if (n < 0)
    return (int)n;
  if ((size_t)n >= size - 1)
    return -ENOSPC;
  buf[n] = '\0';
  char *line = buf;
  while (*line) {
    char *eol = strchr(line, '\n');
    if (eol)
      *eol = '\0';
    const char *s = line;
    struct tt_mapping m;
    m.lo = parse_hex(&s);
    if (*s == '-')
      s++;
    m.hi = parse_hex(&s);
    while (*s == ' ')
      s++;
    m.prot = 0;
    if (s[0] == 'r')
      m.prot |= TT_MAP_R;
    if (s[1] == 'w')
      m.prot |= TT_MAP_W;
    if (s[2] == 'x')
      m.prot |= TT_MAP_X;
    if (s[3] == 's')
      m.prot |= TT_MAP_SHARED;
    /* skip perms, offset, dev, inode */
    for (int field = 0; field < 4 && *s; field++) {
      while (*s && *s != ' ')
        s++;
      while (*s == ' ')
        s++;
    }
    m.name = s;
    fn_cb(&m, arg);
    if (!eol)
      break;
    line = eol + 1;
  }
  return 0;
}

/* ======================================================================== */
/* threads                                                                   */
/* ======================================================================== */

uintptr_t tt_os_thread_pointer(void) { return (uintptr_t)pthread_self(); }

bool tt_os_thread_stack(uintptr_t *lo, uintptr_t *hi) {
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0)
    return false;
  void *addr = NULL;
  size_t size = 0;
  int rc = pthread_attr_getstack(&attr, &addr, &size);
  pthread_attr_destroy(&attr);
  if (rc != 0)
    return false;
  *lo = (uintptr_t)addr;
  *hi = (uintptr_t)addr + size;
  return true;
}


bool tt_os_main_stack(uintptr_t *lo, uintptr_t *hi) {
  uintptr_t end = (uintptr_t)__libc_stack_end;
  if (!end || end < ((uintptr_t)64 << 20))
    return false;
  *hi = end;
  *lo = end - ((uintptr_t)64 << 20);
  return true;
}

uintptr_t tt_os_current_sp(void) {
  uintptr_t sp;
#if defined(__x86_64__)
  __asm__ volatile("mov %%rsp, %0" : "=r"(sp));
#elif defined(__aarch64__)
  __asm__ volatile("mov %0, sp" : "=r"(sp));
#else
  sp = (uintptr_t)__builtin_frame_address(0);
#endif
  return sp;
}

uintptr_t tt_os_context_sp(const void *ucontext) {
  const ucontext_t *uc = ucontext;
  if (!uc)
    return 0;
#if defined(__x86_64__)
  return (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
#else
  return (uintptr_t)uc->uc_mcontext.sp;
#endif
}

static void copy_context(struct tt_thread_state *st, const ucontext_t *uc) {
  size_t n = 0;
  const uintptr_t *g = (const uintptr_t *)&uc->uc_mcontext.gregs;
  size_t gw = sizeof(uc->uc_mcontext.gregs) / sizeof(uintptr_t);
  for (size_t i = 0; i < gw && n < TT_REGS_WORDS; i++)
    st->regs[n++] = g[i];
#if defined(__x86_64__)
  if (uc->uc_mcontext.fpregs) {
    const uintptr_t *f = (const uintptr_t *)uc->uc_mcontext.fpregs;
    size_t fw = sizeof(*uc->uc_mcontext.fpregs) / sizeof(uintptr_t);
    for (size_t i = 0; i < fw && n < TT_REGS_WORDS; i++)
      st->regs[n++] = f[i];
  }
  st->sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
#else
  st->sp = (uintptr_t)uc->uc_mcontext.sp;
#endif
  while (n < TT_REGS_WORDS)
    st->regs[n++] = 0;
}

void tt_os_save_own_registers(struct tt_thread_state *st) {
  /* getcontext fills in only some of it (on x86-64 not rax, r10, r11 nor the
   * vector registers): the rest would be whatever this stack held before,
   * old copies of heap addresses included, scanned as registers. */
  ucontext_t uc;
  memset(&uc, 0, sizeof uc);
  getcontext(&uc);
  copy_context(st, &uc);
  st->tid = tt_os_gettid();
  st->stopped = true;
  st->sp = tt_os_current_sp();
}

/* ---- stop the world with signals (Boehm GC's way: no ptrace) --------------
 * The checker sends TT_STOP_SIGNAL to every other thread. Each handler saves
 * its registers and stack pointer into its slot, counts itself in, and waits
 * on a futex until the generation changes. Signals cannot stop a thread that
 * blocks the signal: after a timeout such a thread is reported as not
 * stopped, and its whole stack stays a root (a conservative over-approx). */

#define TT_STOP_SIGNAL SIGURG /* ignored by default, passed silently by gdb (as Go does) */
#define TT_STOP_TIMEOUT_NS 2000000000ull
#define TT_MAX_TIDS 4096

static struct {
  struct tt_thread_state *out;
  int max;
  int pid;
  volatile int arrived;   /* handlers that saved their state */
  volatile int inside;    /* handlers not yet returned */
  volatile int gen;       /* odd while the world is stopped */
  struct sigaction old;
  bool installed;
  bool keep_installed;    /* a thread never answered: its signal may still come */
  volatile int park;      /* 1: threads taken out of a sleep wait on it (tt_os_park_sleepers) */
  volatile long long park_until; /* CLOCK_MONOTONIC ns when they go anyway (0: TT_PARK_SECONDS) */
} g_stop;

static long futex(volatile int *addr, int op, int val) {
  return syscall(SYS_futex, addr, op, val, NULL, NULL, 0);
}

/* Whether the stop signal interrupted a system call that will fail with
 * EINTR (x86-64: the instruction before the pc is `syscall`, and rax holds
 * -EINTR); one the kernel restarts has the pc back on the instruction. */
static bool taken_out_of_sleep(const void *uctx) {
#if defined(__x86_64__)
  const ucontext_t *uc = uctx;
  uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
  if ((long long)uc->uc_mcontext.gregs[REG_RAX] != -EINTR || (pc & 4095) < 2)
    return false;
  const unsigned char *insn = (const unsigned char *)(pc - 2);
  return insn[0] == 0x0f && insn[1] == 0x05;
#else
  (void)uctx;
  return false;
#endif
}

static long long monotonic_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (long long)now.tv_sec * 1000000000ll + now.tv_nsec;
}

static void park_until_unparked(void) {
  long long cap = monotonic_ns() + (long long)TT_PARK_SECONDS * 1000000000ll;
  while (__atomic_load_n(&g_stop.park, __ATOMIC_ACQUIRE)) {
    long long until = __atomic_load_n(&g_stop.park_until, __ATOMIC_ACQUIRE);
    if (!until || until > cap)
      until = cap;
    long long left_ns = until - monotonic_ns();
    if (left_ns <= 0)
      return;
    struct timespec ts = {(time_t)(left_ns / 1000000000ll), (long)(left_ns % 1000000000ll)};
    syscall(SYS_futex, &g_stop.park, FUTEX_WAIT_PRIVATE, 1, &ts, NULL, 0);
  }
}

void tt_os_park_sleepers(void) {
  __atomic_store_n(&g_stop.park_until, 0, __ATOMIC_RELEASE);
  __atomic_store_n(&g_stop.park, 1, __ATOMIC_RELEASE);
}

void tt_os_unpark_in(unsigned ms) {
  if (!__atomic_load_n(&g_stop.park, __ATOMIC_ACQUIRE))
    return;
  int saved = errno;
  if (ms) {
    __atomic_store_n(&g_stop.park_until, monotonic_ns() + (long long)ms * 1000000ll,
                     __ATOMIC_RELEASE);
  } else {
    __atomic_store_n(&g_stop.park, 0, __ATOMIC_RELEASE);
  }
  futex(&g_stop.park, FUTEX_WAKE_PRIVATE, 0x7fffffff); /* they look at the time again */
  errno = saved;
}

/* Waits the preload wraps (tt_sleep.c), cut short by an on-demand check:
 * the calling thread's count of them, how many such waits it is in, and
 * the signal mask its stop handler held back (see tt_os_wait_cut). */
static __thread unsigned check_cuts __attribute__((tls_model("initial-exec")));
static __thread int in_wait __attribute__((tls_model("initial-exec")));
static __thread bool mask_held __attribute__((tls_model("initial-exec")));
static __thread sigset_t held_mask __attribute__((tls_model("initial-exec")));
static __thread uintptr_t wait_sp __attribute__((tls_model("initial-exec")));
/* A hold a later stop's handler let go of before the wrapper looked: 1 with
 * no signal of the program's due then (the check alone cut the wait), 2
 * with one (its handler ran as the stop handler returned); 0: none. */
static __thread int hold_released __attribute__((tls_model("initial-exec")));
/* How far below tt_os_wait_begin's frame the wrapped call's system call
 * may sit: libc's wrapper between (a few hundred bytes at most). A
 * program's handler that interrupted the wait runs below a signal frame
 * (over a kilobyte, with its vector registers): a system call of its own
 * that the stop signal cuts short is its own business. */
#define TT_WAIT_DEPTH 768

TT_NOINLINE unsigned tt_os_wait_begin(void) {
  in_wait++;
  wait_sp = (uintptr_t)__builtin_frame_address(0);
  return __atomic_load_n(&check_cuts, __ATOMIC_RELAXED);
}

void tt_os_wait_end(void) { in_wait--; }

/* Whether a signal in pend would end a wait as it does natively: one the
 * program's mask lets in and whose handler the program set (one ignored,
 * or whose default action is taken, a SIGCHLD nobody handles, interrupts
 * nothing natively: it was only kept pending by the hold). */
static bool due_in(const sigset_t *pend) {
  for (int s = 1; s < 65; s++) {
    if (s == TT_STOP_SIGNAL || sigismember(pend, s) != 1 || sigismember(&held_mask, s) == 1)
      continue;
    struct sigaction sa;
    if (__sigaction(s, NULL, &sa) != 0 || (sa.sa_handler != SIG_DFL && sa.sa_handler != SIG_IGN))
      return true;
  }
  return false;
}

bool tt_os_wait_cut(unsigned *cuts) {
  unsigned now = __atomic_load_n(&check_cuts, __ATOMIC_RELAXED);
  if (now == *cuts)
    return false;
  *cuts = now;
  if (!mask_held) {
    /* a second stop came between the wait's return and this look, and its
     * handler let the hold go: it looked then */
    int released = hold_released;
    hold_released = 0;
    return released == 1;
  }
  /* A signal whose handler the program would run now arrived while the
   * thread was stopped or since: it is let in, and the call ends as it
   * would have. One ignored, or whose default action is taken (a
   * SIGCHLD nobody handles), interrupts nothing natively: it was only
   * kept pending by the hold. */
  int saved = errno;
  /* A signal that comes between the look and the release below runs its
   * handler, and the wait goes on: the look is kept short (the signals
   * pending only; it was 64 disposition queries, and with checks back to
   * back a program's signal was lost once in a few thousand), and made
   * again for one that came during the first. */
  sigset_t pend;
  bool due = sigpending(&pend) != 0 || due_in(&pend);
  if (!due)
    due = sigpending(&pend) != 0 || due_in(&pend);
  mask_held = false;
  pthread_sigmask(SIG_SETMASK, &held_mask, NULL);
  errno = saved;
  return !due;
}

/* The stop signal took the thread out of a wait the preload wraps: the
 * handler's return keeps every signal blocked but the stop signal and the
 * faults, until the wrapper has looked for one due (tt_os_wait_cut). Else
 * a program's signal that came just after the check would find the wait's
 * EINTR taken for the check's, and the call would wait again. */
static bool in_wait_call(const void *uctx) {
#if defined(__x86_64__)
  const ucontext_t *uc = uctx;
  uintptr_t sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
  return sp < wait_sp + 64 && wait_sp - sp < TT_WAIT_DEPTH;
#else
  (void)uctx;
  return false; /* taken_out_of_sleep knows x86-64 only */
#endif
}

static void hold_signals(void *uctx) {
  ucontext_t *uc = uctx;
  held_mask = uc->uc_sigmask;
  mask_held = true;
  hold_released = 0;
  sigfillset(&uc->uc_sigmask);
  static const int faults[] = {TT_STOP_SIGNAL, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS};
  for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++)
    sigdelset(&uc->uc_sigmask, faults[i]);
  __atomic_store_n(&check_cuts, check_cuts + 1, __ATOMIC_RELAXED);
}

static void stop_handler(int sig, siginfo_t *si, void *uctx) {
  int saved_errno = errno;
  int gen = __atomic_load_n(&g_stop.gen, __ATOMIC_ACQUIRE);
  if (!(gen & 1) || si->si_pid != g_stop.pid) {
    /* Not ours, or a late arrival after the world resumed: pass it on. */
    if (si->si_pid != g_stop.pid && g_stop.old.sa_flags & SA_SIGINFO && g_stop.old.sa_sigaction)
      g_stop.old.sa_sigaction(sig, si, uctx);
    else if (si->si_pid != g_stop.pid && g_stop.old.sa_handler != SIG_DFL &&
             g_stop.old.sa_handler != SIG_IGN && g_stop.old.sa_handler)
      g_stop.old.sa_handler(sig);
    errno = saved_errno;
    return;
  }
  __atomic_fetch_add(&g_stop.inside, 1, __ATOMIC_ACQ_REL);
  if (__atomic_load_n(&g_stop.gen, __ATOMIC_ACQUIRE) != gen) {
    /* The world resumed between our two looks: the checker may already
     * have seen nobody inside and let go of out[]. */
    __atomic_fetch_sub(&g_stop.inside, 1, __ATOMIC_ACQ_REL);
    errno = saved_errno;
    return;
  }
  int slot = __atomic_fetch_add(&g_stop.arrived, 1, __ATOMIC_ACQ_REL);
  if (slot < g_stop.max) {
    struct tt_thread_state *st = &g_stop.out[slot];
    copy_context(st, (const ucontext_t *)uctx);
    st->tid = tt_os_gettid();
    __atomic_store_n(&st->stopped, true, __ATOMIC_RELEASE);
  }
  while (__atomic_load_n(&g_stop.gen, __ATOMIC_ACQUIRE) == gen)
    futex(&g_stop.gen, FUTEX_WAIT_PRIVATE, gen);
  __atomic_fetch_sub(&g_stop.inside, 1, __ATOMIC_ACQ_REL);
  if (mask_held) {
    /* A hold no wrapper has let go of: the program jumped out of the wait
     * (a handler's siglongjmp), or the wrapper is about to look. Either
     * way the program's mask comes back now, not at some later wait; the
     * wrapper learns whether a signal of the program's was due then (its
     * handler runs as this one returns, and the wait ends with EINTR), or
     * whether the checks alone cut the wait (it goes on). */
    sigset_t pend;
    hold_released = sigpending(&pend) != 0 || due_in(&pend) ? 2 : 1;
    ((ucontext_t *)uctx)->uc_sigmask = held_mask;
    mask_held = false;
  }
  if (taken_out_of_sleep(uctx)) {
    if (__atomic_load_n(&g_stop.park, __ATOMIC_ACQUIRE))
      park_until_unparked();
    else if (in_wait && !mask_held && in_wait_call(uctx))
      hold_signals(uctx);
  }
  errno = saved_errno;
}

struct linux_dirent64 {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

/* Lists the process's thread ids into tids (at most max); returns the count. */
static int (*thread_lister)(int *tids, int max);

void tt_os_set_thread_lister(int (*fn)(int *tids, int max)) { thread_lister = fn; }

/* The threads tether knows of, and the main thread, for want of /proc. */
static int list_known_tids(int *tids, int max, int err) {
  if (!thread_lister || max < 1)
    return err;
  int n = thread_lister(tids, max - 1);
  int pid = tt_os_getpid();
  bool has_main = false;
  for (int i = 0; i < n && !has_main; i++)
    has_main = tids[i] == pid;
  if (!has_main)
    tids[n++] = pid;
  return n;
}

static int list_tids(int *tids, int max) {
  int fd = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return list_known_tids(tids, max, -errno);
  char buf[4096] __attribute__((aligned(8)));
  int n = 0;
  for (;;) {
    long got = syscall(SYS_getdents64, fd, buf, sizeof buf);
    if (got <= 0)
      break;
    for (long off = 0; off < got;) {
      struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
      off += d->d_reclen;
      if (d->d_name[0] < '0' || d->d_name[0] > '9')
        continue;
      int tid = 0;
      for (const char *c = d->d_name; *c; c++)
        tid = tid * 10 + (*c - '0');
      if (n < max)
        tids[n++] = tid;
    }
  }
  syscall(SYS_close, fd);
  return n;
}

/* Does thread tid block the stop signal? Such a thread would never answer:
 * rather than wait for it, the check leaves it running and scans its whole
 * stack (a thread pool that blocks every signal and sigwaits elsewhere is a
 * common design). */
static bool blocks_stop_signal(int tid) {
  char path[64], buf[4096];
  tt_fmt(path, sizeof path, "/proc/self/task/%d/status", tid);
  long n = read_file(path, buf, sizeof buf - 1);
  if (n <= 0)
    return false;
  buf[n] = '\0';
  const char *line = strstr(buf, "\nSigBlk:");
  if (!line)
    return false;
  const char *h = line + 8;
  while (*h == ' ' || *h == '\t')
    h++;
  uint64_t mask = (uint64_t)parse_hex(&h);
  return mask & (1ull << (TT_STOP_SIGNAL - 1));
}

#define TT_STOP_SLACK 8

/* Marks out[*cleared .. n + TT_STOP_SLACK) not stopped (the part within max). */
static void clear_slots(struct tt_thread_state *out, int max, int *cleared, int n) {
  int upto = n + TT_STOP_SLACK < max ? n + TT_STOP_SLACK : max;
  for (; *cleared < upto; ++*cleared)
    out[*cleared].stopped = out[*cleared].current = false;
}

int tt_os_stop_world(struct tt_thread_state *out, int max) {
  static int signalled[TT_MAX_TIDS], now[TT_MAX_TIDS], skipped[TT_MAX_TIDS];
  int nsig = 0, nskip = 0;
  int self = tt_os_gettid();
  g_stop.out = out;
  g_stop.max = max;
  g_stop.pid = tt_os_getpid();
  g_stop.arrived = 0;
  g_stop.inside = 0;
  /* A slot a handler claimed but has not filled yet must read "not
   * stopped". Each thread claims at most one slot a stop (its handler holds
   * it until the world resumes), so only the slots the threads listed so far
   * can claim are cleared, round by round, a few ahead (a signal the program
   * sends itself meanwhile): out[] is sized for thousands of threads, and
   * clearing it whole faulted in 3 MB at every check, 70% of the page faults
   * of a short process under tether. */
  int cleared = 0;
  clear_slots(out, max, &cleared, 0);

  if (!g_stop.installed) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = stop_handler;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigfillset(&sa.sa_mask);
    if (__sigaction(TT_STOP_SIGNAL, &sa, &g_stop.old) != 0)
      return -errno;
    g_stop.installed = true;
  }
  __atomic_fetch_add(&g_stop.gen, 1, __ATOMIC_ACQ_REL); /* odd: stopping */

  /* Signal every thread, then look again for threads created meanwhile, until
   * a listing shows nobody new. */
  for (int round = 0; round < 16; round++) {
    int n = list_tids(now, TT_MAX_TIDS);
    if (n < 0)
      break;
    clear_slots(out, max, &cleared, n);
    int fresh = 0;
    for (int i = 0; i < n; i++) {
      if (now[i] == self)
        continue;
      bool seen = false;
      for (int j = 0; j < nsig && !seen; j++)
        seen = signalled[j] == now[i];
      for (int j = 0; j < nskip && !seen; j++)
        seen = skipped[j] == now[i];
      if (seen || nsig >= TT_MAX_TIDS)
        continue;
      if (blocks_stop_signal(now[i])) {
        skipped[nskip++] = now[i];
        continue;
      }
      if (syscall(SYS_tgkill, g_stop.pid, now[i], TT_STOP_SIGNAL) == 0) {
        signalled[nsig++] = now[i];
        fresh++;
      }
    }
    /* Wait for everyone signalled so far. */
    uint64_t t0 = tt_os_now_ns();
    while (__atomic_load_n(&g_stop.arrived, __ATOMIC_ACQUIRE) < nsig &&
           tt_os_now_ns() - t0 < TT_STOP_TIMEOUT_NS)
      sched_yield();
    if (__atomic_load_n(&g_stop.arrived, __ATOMIC_ACQUIRE) < nsig) {
      g_stop.keep_installed = true;
      break; /* someone blocks the signal; do not wait again */
    }
    if (!fresh)
      break;
  }
  /* A handler counts itself in before it fills its slot: wait for the
   * slots to be filled, or a thread's registers could be read half copied. */
  int arrived = __atomic_load_n(&g_stop.arrived, __ATOMIC_ACQUIRE);
  if (arrived > max)
    arrived = max;
  uint64_t t0 = tt_os_now_ns();
  for (int i = 0; i < arrived; i++)
    while (!__atomic_load_n(&out[i].stopped, __ATOMIC_ACQUIRE) &&
           tt_os_now_ns() - t0 < TT_STOP_TIMEOUT_NS)
      sched_yield();
  /* Threads that never answered: record them as not stopped. */
  int total = arrived;
  for (int j = 0; j < nsig; j++) {
    bool found = false;
    for (int i = 0; i < arrived && !found; i++)
      found = out[i].tid == signalled[j];
    if (!found && total < max) {
      out[total].tid = signalled[j];
      out[total].stopped = false;
      out[total].sp = 0;
      total++;
    }
  }
  /* Threads that block the signal: not stopped, their stacks scanned whole. */
  for (int j = 0; j < nskip && total < max; j++) {
    out[total].tid = skipped[j];
    out[total].stopped = false;
    out[total].sp = 0;
    total++;
  }
  return total;
}

void tt_os_resume_world(void) {
  __atomic_fetch_add(&g_stop.gen, 1, __ATOMIC_ACQ_REL); /* even: running */
  futex(&g_stop.gen, FUTEX_WAKE_PRIVATE, 0x7fffffff);
  uint64_t t0 = tt_os_now_ns();
  while (__atomic_load_n(&g_stop.inside, __ATOMIC_ACQUIRE) > 0 &&
         tt_os_now_ns() - t0 < TT_STOP_TIMEOUT_NS)
    sched_yield();
  if (g_stop.installed && !g_stop.keep_installed &&
      __atomic_load_n(&g_stop.inside, __ATOMIC_ACQUIRE) == 0) {
    __sigaction(TT_STOP_SIGNAL, &g_stop.old, NULL);
    g_stop.installed = false;
  }
}

static pthread_key_t exit_key;
static bool exit_key_ok;

bool tt_os_thread_exit_key_init(void (*fn_cb)(void *arg)) {
  exit_key_ok = pthread_key_create(&exit_key, fn_cb) == 0;
  return exit_key_ok;
}

void tt_os_thread_exit_arm(void *arg) {
  if (exit_key_ok)
    pthread_setspecific(exit_key, arg);
}

int tt_os_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void)) {
  return pthread_atfork(prepare, parent, child);
}

int tt_os_on_exit(void (*fn_cb)(int status, void *arg), void *arg) { return on_exit(fn_cb, arg); }

int tt_os_on_quick_exit(void (*fn_cb)(void)) { return at_quick_exit(fn_cb); }

int tt_os_same_memory(int a, int b) {
  long r = syscall(SYS_kcmp, a, b, KCMP_VM, 0, 0);
  if (r >= 0)
    return r == 0;
  return errno == ESRCH ? 0 : -1;
}

static void (*cxx_freeres)(void), (*libc_freeres)(void);

void tt_os_freeres_init(void) {
  /* dlsym allocates (its error state): the caller runs this with tether's
   * guard raised, so those allocations are not the program's. */
  if (!cxx_freeres)
    cxx_freeres = (void (*)(void))tt_os_dlsym_default("_ZN9__gnu_cxx9__freeresEv");
  if (!libc_freeres)
    libc_freeres = (void (*)(void))tt_os_dlsym_default("__libc_freeres");
}

void tt_os_run_cxx_freeres(void) {
  if (cxx_freeres)
    cxx_freeres();
}

void tt_os_run_libc_freeres(void) {
  if (libc_freeres)
    libc_freeres();
}

/* ======================================================================== */
/* glibc malloc internals                                                    */
/* ======================================================================== */

/* glibc's non-main arenas live in "heaps": mappings aligned to HEAP_MAX_SIZE
 * (64 MiB on 64-bit) that start with a heap_info header:
 *   { mstate ar_ptr; heap_info *prev; size_t size; size_t mprotect_size; ... }
 * The first heap of an arena holds the arena's malloc_state right after the
 * header. Their free chunks hold stale pointers: they are allocator memory,
 * never roots (live blocks in them are scanned when reached). */
#define GLIBC_HEAP_MAX ((uintptr_t)64 << 20)

bool tt_os_is_glibc_arena_heap(uintptr_t lo, uintptr_t hi) {
  if (lo & (GLIBC_HEAP_MAX - 1) || hi - lo < 4096)
    return false;
  const uintptr_t *h = (const uintptr_t *)lo;
  uintptr_t ar_ptr = h[0], prev = h[1], size = h[2], mprotect_size = h[3];
  if (size == 0 || size > GLIBC_HEAP_MAX || mprotect_size < size || size % 4096 != 0 ||
      mprotect_size > GLIBC_HEAP_MAX)
    return false;
  if (prev == 0)
    return ar_ptr >= lo + 16 && ar_ptr <= lo + 64;
  return (prev & (GLIBC_HEAP_MAX - 1)) == 0 && ar_ptr != 0;
}

/* glibc's chunk header (malloc.c): prev_size, then the size word with
 * PREV_INUSE (1), IS_MMAPPED (2) and NON_MAIN_ARENA (4) in its low bits;
 * the block starts after both. An mmapped chunk starts at a page. */
#define GLIBC_CHUNK_HDR (2 * sizeof(size_t))
#define GLIBC_IS_MMAPPED ((uintptr_t)2)

bool tt_os_is_glibc_mmapped_chunk(uintptr_t addr, size_t size, uintptr_t lo, uintptr_t hi) {
  uintptr_t chunk = addr - GLIBC_CHUNK_HDR;
  if ((addr & 4095) != GLIBC_CHUNK_HDR || chunk < lo || addr >= hi)
    return false;
  uintptr_t word = ((const uintptr_t *)chunk)[1];
  uintptr_t csize = word & ~(uintptr_t)7;
  return (word & GLIBC_IS_MMAPPED) && csize % 4096 == 0 && csize >= size + GLIBC_CHUNK_HDR &&
         csize <= hi - chunk;
}

/* glibc's struct malloc_state (2.26 and later, 64-bit):
 *   int mutex, flags, have_fastchunks; fastbinsY[10]; top; last_remainder;
 *   bins[254]; unsigned binmap[4]; next; next_free; attached_threads;
 *   system_mem; max_system_mem.
 * main_arena is a static in libc's data, not exported. We find it by its
 * shape: an empty bin's fd and bk both point 16 bytes before themselves (the
 * bin is addressed as a fake chunk), and the arenas form a ring through
 * `next` that comes back to main_arena. */
#define MS_BINS_OFF 112
#define MS_NEXT_OFF 2160
#define MS_SIZE 2200
#define MS_NBIN_SLOTS 127

struct arena_find {
  uintptr_t libc_lo, libc_hi; /* the module holding malloc */
  uintptr_t found;
};

static bool readable_word(uintptr_t a, uintptr_t lo, uintptr_t hi) { return a >= lo && a + 8 <= hi; }

bool tt_os_read_memory(uintptr_t addr, void *buf, size_t n) {
  struct iovec local = {buf, n}, remote = {(void *)addr, n};
  return syscall(SYS_process_vm_readv, tt_os_getpid(), &local, 1, &remote, 1, 0) == (long)n;
}

/* Reads a word that may not be mapped, without faulting. */
static bool safe_read_word(uintptr_t addr, uintptr_t *out) {
  return tt_os_read_memory(addr, out, sizeof *out);
}

/* Does the ring of arenas starting at base come back to base? Every hop
 * must be 8-aligned and, except base, lie in a non-main arena heap. */
static bool arena_ring_ok(uintptr_t base, uintptr_t lo, uintptr_t hi) {
  uintptr_t a = base;
  for (int hop = 0; hop < 256; hop++) {
    uintptr_t next_addr = a + MS_NEXT_OFF, next = 0;
    if (a == base) {
      if (!readable_word(next_addr, lo, hi))
        return false;
      next = *(const uintptr_t *)next_addr;
    } else {
      uintptr_t heap = a & ~(GLIBC_HEAP_MAX - 1), probe;
      if (!safe_read_word(heap, &probe) || !safe_read_word(heap + 4088, &probe) ||
          !tt_os_is_glibc_arena_heap(heap, heap + 4096) || !safe_read_word(next_addr, &next))
        return false;
    }
    if (!next || next & 7)
      return false;
    if (next == base)
      return true;
    a = next;
  }
  return false;
}

static void arena_seg_cb(uintptr_t lo, uintptr_t hi, const char *path, void *arg) {
  (void)path;
  struct arena_find *f = arg;
  if (f->found || lo < f->libc_lo || lo >= f->libc_hi)
    return;
  for (uintptr_t a = TT_ALIGN_UP(lo, 16); a + 16 <= hi; a += 8) {
    const uintptr_t *w = (const uintptr_t *)a;
    if (w[0] != a - 16 || w[1] != a - 16)
      continue;
    /* a is an empty bin's slot: try each bin index it could be */
    for (uintptr_t k = 0; k < MS_NBIN_SLOTS; k++) {
      if (a < lo + MS_BINS_OFF + 16 * k)
        break;
      uintptr_t base = a - MS_BINS_OFF - 16 * k;
      if (base + MS_SIZE <= hi && arena_ring_ok(base, lo, hi)) {
        f->found = base;
        return;
      }
    }
  }
}

bool tt_os_glibc_main_arena(void *malloc_fn, uintptr_t *lo, uintptr_t *hi) {
  static uintptr_t cached;
  if (!cached) {
    struct arena_find f = {0, 0, 0};
    if (!tt_os_module_span((uintptr_t)malloc_fn, &f.libc_lo, &f.libc_hi, NULL, 0))
      return false;
    /* module_span gives the text; widen to the whole module for its data */
    struct span_find sf = {(uintptr_t)malloc_fn, 0, 0, false, NULL, 0};
    dl_iterate_phdr(whole_span_cb, &sf);
    f.libc_lo = sf.lo;
    f.libc_hi = sf.hi;
    tt_os_for_each_writable_segment(arena_seg_cb, &f);
    cached = f.found;
  }
  if (!cached)
    return false;
  *lo = cached;
  *hi = cached + MS_SIZE;
  return true;
}

/* The end of a heap of one of glibc's non-main arenas that starts inside
 * the mapping [lo, hi), not at its start: the kernel merges a heap's
 * read-write part with the mapping just below it when their flags agree,
 * and tt_os_is_glibc_arena_heap, asked about the mapping, sees only its
 * start. Every 64 MiB boundary inside is looked at; a heap counts only if
 * its arena is one of the ring that starts at main_arena (base), which an
 * accident of the data there cannot fake. 0 if none at or after from. */
uintptr_t tt_os_glibc_arena_heap_inside(uintptr_t base, uintptr_t lo, uintptr_t hi,
                                        uintptr_t from, uintptr_t *heap_lo) {
  if (!base)
    return 0;
  for (uintptr_t a = TT_ALIGN_UP(from > lo ? from : lo + 1, GLIBC_HEAP_MAX); a > lo && a + 4096 <= hi;
       a += GLIBC_HEAP_MAX) {
    if (!tt_os_is_glibc_arena_heap(a, hi))
      continue;
    const uintptr_t *h = (const uintptr_t *)a;
    uintptr_t ar_ptr = h[0], mprotect_size = h[3], ring = base;
    bool known = false;
    for (int hop = 0; hop < 256 && !known; hop++) {
      uintptr_t next = 0;
      if (!safe_read_word(ring + MS_NEXT_OFF, &next) || !next || (next & 7) || next == base)
        break;
      known = next == ar_ptr;
      ring = next;
    }
    if (!known)
      continue;
    *heap_lo = a;
    return a + mprotect_size < hi ? a + mprotect_size : hi;
  }
  return 0;
}

struct mapped_file_find {
  uintptr_t addr;
  char *buf;
  size_t size;
  bool found;
  bool files_only;
};

static void mapped_file_cb(const struct tt_mapping *m, void *arg) {
  struct mapped_file_find *f = arg;
  if (f->found || f->addr < m->lo || f->addr >= m->hi || (f->files_only && m->name[0] != '/'))
    return;
  size_t n = strlen(m->name);
  if (n >= f->size)
    return;
  memcpy(f->buf, m->name, n + 1);
  f->found = true;
}

static bool find_mapping(uintptr_t addr, char *buf, size_t size, bool files_only) {
  size_t bytes = (size_t)4 << 20;
  char *text = tt_os_map(bytes);
  if (!text)
    return false;
  struct mapped_file_find f = {addr, buf, size, false, files_only};
  tt_os_for_each_mapping(text, bytes, mapped_file_cb, &f);
  tt_os_unmap(text, bytes);
  return f.found;
}

#define TT_MAPS_BUF_MIN ((size_t)1 << 20)
#define TT_MAPS_BUF_MAX ((size_t)256 << 20)

static void collect_mapping_cb(const struct tt_mapping *m, void *arg) {
  struct tt_maps *ms = arg;
  if (ms->n < ms->m_bytes / sizeof *ms->m)
    ms->m[ms->n++] = *m;
}

int tt_os_maps_read(struct tt_maps *ms) {
  memset(ms, 0, sizeof *ms);
  int rc;
  for (size_t bytes = TT_MAPS_BUF_MIN;; bytes *= 4) {
    ms->buf_bytes = bytes;
    ms->buf = tt_os_map(bytes);
    /* a line takes 24 characters at least */
    ms->m_bytes = TT_ALIGN_UP(bytes / 24 * sizeof *ms->m, 4096);
    ms->m = tt_os_map(ms->m_bytes);
    ms->n = 0;
    rc = ms->buf && ms->m ? tt_os_for_each_mapping(ms->buf, bytes, collect_mapping_cb, ms) : -ENOMEM;
    if (rc != -ENOSPC || bytes >= TT_MAPS_BUF_MAX)
      break;
    tt_os_maps_free(ms);
  }
  if (rc != 0)
    ms->n = 0;
  return rc;
}

void tt_os_maps_free(struct tt_maps *ms) {
  tt_os_unmap(ms->buf, ms->buf_bytes);
  tt_os_unmap(ms->m, ms->m_bytes);
  memset(ms, 0, sizeof *ms);
}

/* ---- faults caught around a check's reads ---------------------------------- */

static __thread sigjmp_buf *catch_jb __attribute__((tls_model("initial-exec")));
/* The faulting address, complemented: this thread's TLS is a root of the
 * very check that faulted, and the address itself would keep the block it
 * is in alive. */
static __thread uintptr_t catch_not_addr __attribute__((tls_model("initial-exec")));
/* A SIGSEGV or SIGBUS another process sent meanwhile, kept for
 * tt_os_requeue_sent_faults; and the mask to restore (thread-local: it must
 * survive the longjmp). */
static __thread int catch_sent;
static __thread siginfo_t catch_sent_info;
static __thread sigset_t catch_mask;
static struct sigaction catch_old[2]; /* SIGSEGV, SIGBUS as they were */

static void catch_handler(int sig, siginfo_t *si, void *uc) {
  if (catch_jb && si->si_code > 0) { /* a fault (the kernel's codes are positive) */
    catch_not_addr = ~(uintptr_t)si->si_addr;
    siglongjmp(*catch_jb, 1); /* SA_NODEFER: the mask is as it was */
  }
  if (catch_jb) { /* sent (kill, tgkill): no fault of ours; queued again afterwards */
    if (!catch_sent) {
      catch_sent = sig;
      catch_sent_info = *si;
    }
    return;
  }
  /* another thread's fault (one the stop did not reach): the handler that
   * was there takes it, or with none the fault happens again without us */
  const struct sigaction *old = &catch_old[sig == SIGBUS];
  if (old->sa_flags & SA_SIGINFO) {
    if (old->sa_sigaction)
      old->sa_sigaction(sig, si, uc);
    return;
  }
  if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN) {
    old->sa_handler(sig);
    return;
  }
  __sigaction(sig, old, NULL);
}

uintptr_t tt_os_call_catching_faults(void (*fn)(void *), void *arg) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = catch_handler;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  int saved = errno;
  if (__sigaction(SIGSEGV, &sa, &catch_old[0]) != 0) {
    fn(arg);
    return 0;
  }
  __sigaction(SIGBUS, &sa, &catch_old[1]);
  /* A fault while the signal is blocked ends the process whatever the
   * handler: unblocked for the call (a check from inside a SIGSEGV handler,
   * or from a thread that blocks every signal), once the handler knows the
   * call is under way, so that one sent earlier and pending is kept, not
   * taken for a crash; blocked again before the handler goes. */
  sigset_t faults;
  sigemptyset(&faults);
  sigaddset(&faults, SIGSEGV);
  sigaddset(&faults, SIGBUS);
  sigjmp_buf jb;
  volatile uintptr_t fault = 0;
  if (sigsetjmp(jb, 0) == 0) {
    catch_jb = &jb;
    pthread_sigmask(SIG_UNBLOCK, &faults, &catch_mask);
    fn(arg);
  } else {
    fault = ~catch_not_addr + 1;
    catch_not_addr = 0;
  }
  pthread_sigmask(SIG_SETMASK, &catch_mask, NULL);
  catch_jb = NULL;
  __sigaction(SIGBUS, &catch_old[1], NULL);
  __sigaction(SIGSEGV, &catch_old[0], NULL);
  errno = saved;
  return fault;
}

void tt_os_requeue_sent_faults(void) {
  if (!catch_sent)
    return;
  int sig = catch_sent;
  catch_sent = 0;
  tt_os_queue_signal_self(sig, &catch_sent_info); /* its sender's pid and all */
}

/* A byte at addr, written into a pipe: EFAULT if it cannot be read. For
 * when process_vm_readv is refused (a seccomp filter). A pipe of its own
 * each time: no lock (a check may stop a thread anywhere in here), and no
 * descriptor kept open that a program closing all of its descriptors could
 * get back for a file of its own. */
static int readable_by_pipe(uintptr_t addr) {
  int p[2];
  if (syscall(SYS_pipe2, p, O_CLOEXEC | O_NONBLOCK) != 0)
    return -errno;
  long n = syscall(SYS_write, p[1], (const void *)addr, 1UL);
  int rc = n == 1 ? 1 : errno == EFAULT ? 0 : -errno;
  syscall(SYS_close, p[0]);
  syscall(SYS_close, p[1]);
  return rc;
}

int tt_os_readable(uintptr_t lo, uintptr_t hi) {
  char byte;
  for (uintptr_t p = lo & ~(uintptr_t)4095; p < hi; p += 4096) {
    uintptr_t a = p < lo ? lo : p;
    if (tt_os_read_memory(a, &byte, 1))
      continue;
    if (errno == EFAULT)
      return 0;
    int rc = readable_by_pipe(a); /* refused: ask another way */
    if (rc <= 0)
      return rc;
  }
  return 1;
}

bool tt_os_mapped_file(uintptr_t addr, char *buf, size_t size) {
  return find_mapping(addr, buf, size, true);
}

bool tt_os_mapping_name(uintptr_t addr, char *buf, size_t size) {
  return find_mapping(addr, buf, size, false);
}

/* ======================================================================== */
/* threads and signals for tether's own use                                  */
/* ======================================================================== */

int tt_os_start_thread(void *(*fn)(void *), void *arg) {
  pthread_attr_t attr;
  if (pthread_attr_init(&attr) != 0)
    return -ENOMEM;
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  /* The new thread inherits this mask: every signal the program handles
   * stays with the program's threads; SIGURG must reach it (stop the world). */
  sigset_t all, old;
  sigfillset(&all);
  sigdelset(&all, TT_STOP_SIGNAL);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pthread_t t;
  int rc = pthread_create(&t, &attr, fn, arg);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  pthread_attr_destroy(&attr);
  return -rc;
}

int tt_os_catch_signal(int sig, void (*handler)(int)) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  return __sigaction(sig, &sa, NULL) == 0 ? 0 : -errno;
}

void tt_os_futex_wait(int *addr, int val) {
  int saved = errno;
  futex(addr, FUTEX_WAIT_PRIVATE, val);
  errno = saved;
}

void tt_os_futex_wake(int *addr) {
  int saved = errno;
  futex(addr, FUTEX_WAKE_PRIVATE, 0x7fffffff);
  errno = saved;
}

/* ---- fatal signals ---------------------------------------------------------- */

int tt_os_sigaction(int sig, const struct sigaction *act, struct sigaction *old) {
  int saved = errno;
  int rc = __sigaction(sig, act, old) == 0 ? 0 : -errno;
  errno = saved;
  return rc;
}

_Static_assert(sizeof(sigset_t) <= sizeof(tt_sigmask_t), "tt_sigmask_t holds a sigset_t");

void tt_os_block_signals(tt_sigmask_t *saved) {
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, (sigset_t *)saved);
}

void tt_os_restore_signals(const tt_sigmask_t *saved) {
  pthread_sigmask(SIG_SETMASK, (const sigset_t *)saved, NULL);
}

void tt_os_unblock_signal(int sig) {
  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, sig);
  pthread_sigmask(SIG_UNBLOCK, &one, NULL);
}

bool tt_os_signal_timer(int sig, unsigned ms, bool thread, int cookie, int *timer) {
  /* The system calls themselves: glibc's timer_create keeps a list of
   * timers it may allocate for. */
  int saved = errno;
  if (*timer < 0) {
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = thread ? SIGEV_THREAD_ID : SIGEV_SIGNAL;
    ev.sigev_signo = sig;
    ev.sigev_value.sival_int = cookie;
    if (thread)
      ev._sigev_un._tid = tt_os_gettid();
    int id = -1;
    if (syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &id) != 0) {
      errno = saved;
      return false;
    }
    *timer = id;
  }
  struct itimerspec when;
  memset(&when, 0, sizeof when);
  when.it_value.tv_sec = (time_t)(ms / 1000);
  when.it_value.tv_nsec = (long)(ms % 1000) * 1000000;
  bool ok = syscall(SYS_timer_settime, *timer, 0, &when, NULL) == 0;
  errno = saved;
  return ok;
}

void tt_os_raise(int sig) { syscall(SYS_tgkill, tt_os_getpid(), tt_os_gettid(), sig); }

void tt_os_queue_signal_self(int sig, const void *siginfo) {
  siginfo_t copy = *(const siginfo_t *)siginfo; /* the kernel may write to it */
  syscall(SYS_rt_tgsigqueueinfo, tt_os_getpid(), tt_os_gettid(), sig, &copy);
}

/* The system call: the preload's pause would go on after a check. */
void tt_os_sleep_ms(unsigned ms) {
  struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
  syscall(SYS_nanosleep, &ts, NULL);
}

void tt_os_pause(void) {
#ifdef SYS_pause
  syscall(SYS_pause);
#else
  syscall(SYS_ppoll, NULL, 0, NULL, NULL, (size_t)8);
#endif
}

int tt_os_stop_signal(void) { return TT_STOP_SIGNAL; }

const char *tt_os_signal_abbrev(int sig) { return sigabbrev_np(sig); }

void tt_os_context_state(struct tt_thread_state *st, const void *ucontext) {
  /* The general registers only, as for the thread that calls exit
   * (getcontext saves no vector registers) and as Valgrind scans: glibc's
   * malloc moves block addresses through SSE registers, and a stale copy
   * there made a lost block read as reachable in one run of three. */
  ucontext_t gp = *(const ucontext_t *)ucontext;
#if defined(__x86_64__)
  gp.uc_mcontext.fpregs = NULL;
#endif
  copy_context(st, &gp);
  st->tid = tt_os_gettid();
  st->stopped = true;
  st->current = false;
}
