/* SPDX-License-Identifier: MIT */
/* The platform seam: everything tether needs from Linux, ELF and glibc.
 * Only tt_os_linux.c implements it. The OS layer allocates nothing of
 * tether's: callers hand it buffers, or it maps pages for them. */
#ifndef TT_OS_H
#define TT_OS_H

#include "tt_common.h"

/* ---- raw I/O, process, time --------------------------------------------- */
long tt_os_write(int fd, const void *buf, size_t len) TT_HIDDEN;  /* loops; -errno */
int tt_os_open_log(const char *path) TT_HIDDEN; /* O_CREAT|O_TRUNC|O_APPEND, cloexec, high fd; -errno */
int tt_os_dup_high(int fd) TT_HIDDEN;           /* cloexec copy above the soft fd limit (else >= 1000); -errno */
int tt_os_reopen_log(const char *path) TT_HIDDEN; /* tt_os_open_log, appending: no O_TRUNC */
void tt_os_truncate(int fd) TT_HIDDEN;             /* to 0 bytes; a failure is ignored */
void tt_os_share_if_root(int fd) TT_HIDDEN;        /* run as root: mode 0666 (a failure is ignored) */
/* Fills whichever of descriptors 0, 1 and 2 are closed with /dev/null, so
 * that a descriptor a library opens for itself now (libunwind's pipe) does
 * not take the program's stdin, stdout or stderr number; returns which it
 * filled (bit fd), for tt_os_release_std_fds. */
unsigned tt_os_hold_std_fds(void) TT_HIDDEN;
void tt_os_release_std_fds(unsigned held) TT_HIDDEN;
/* What fd refers to (device and inode); false if it is not open. */
bool tt_os_fd_identity(int fd, uint64_t id[2]) TT_HIDDEN;
void tt_os_close(int fd) TT_HIDDEN;
/* The whole file at path in memory from tt_os_map (*mapped bytes: unmap
 * them); 0 or -errno. */
int tt_os_read_file(const char *path, char **out, size_t *len, size_t *mapped) TT_HIDDEN;
/* A file for a report (created or truncated, cloexec, high fd); -errno. */
int tt_os_open_write(const char *path) TT_HIDDEN;
/* Files of the debug information cache (tt_debugcache.h). */
int tt_os_open_read(const char *path) TT_HIDDEN;  /* cloexec, high fd; -errno */
/* Calls fn for each run of the pages of [lo, hi) this process has in
 * memory, present in its page tables or swapped out, as
 * /proc/self/pagemap (pagemap_fd) tells: a page it never touched holds
 * zeros (a private mapping) or nothing it wrote (a shared one), and
 * reading it costs a page fault. With pagemap_fd < 0, or where the kernel
 * will not tell, the range whole. */
void tt_os_for_each_resident_run(int pagemap_fd, uintptr_t lo, uintptr_t hi,
                                 void (*fn)(uintptr_t lo, uintptr_t hi, void *arg),
                                 void *arg) TT_HIDDEN;
int tt_os_create_new(const char *path) TT_HIDDEN; /* O_EXCL, 0644, cloexec, high fd; -errno */
int tt_os_mkdirs(const char *path) TT_HIDDEN;     /* every missing directory, 0755; 0 or -errno */
long tt_os_file_size(int fd) TT_HIDDEN;           /* -errno */
/* The first len bytes of in to the start of out; 0 or -errno. */
int tt_os_copy_file(int out, int in, size_t len) TT_HIDDEN;
/* Writes all len bytes at off (loops); 0 or -errno. */
int tt_os_pwrite(int fd, const void *buf, size_t len, uint64_t off) TT_HIDDEN;
int tt_os_rename(const char *from, const char *to) TT_HIDDEN; /* 0 or -errno */
void tt_os_unlink(const char *path) TT_HIDDEN;
int tt_os_getpid(void) TT_HIDDEN;
int tt_os_gettid(void) TT_HIDDEN;
int tt_os_getppid(void) TT_HIDDEN;
/* The current directory into buf; false if it does not fit or is gone. */
bool tt_os_getcwd(char *buf, size_t size) TT_HIDDEN;
/* Asymmetric fences (membarrier(2)): threads whose hot path orders its
 * accesses with compiler barriers only, and a rare path that calls
 * tt_os_membarrier to make every running thread of the process execute a
 * full memory barrier. init says whether the kernel offers it (and
 * registers the process); tt_os_membarrier is false if the barrier could
 * not be made. Both keep errno. */
bool tt_os_membarrier_init(void) TT_HIDDEN;
bool tt_os_membarrier(void) TT_HIDDEN;
void tt_os_yield(void) TT_HIDDEN;
/* Runs fn(arg) on a stack of its own (size bytes, mapped as tether's, a
 * guard page below) and returns true once fn returned; false, fn not run,
 * if the stack could not be made. The exit check runs so: the thread that
 * calls exit may have a stack of 16 KB. */
bool tt_os_call_on_own_stack(void (*fn)(void *), void *arg, size_t size) TT_HIDDEN;
#define TT_OWN_STACK_BYTES ((size_t)16 << 20) /* what a check or a report gets */
uint64_t tt_os_now_ns(void) TT_HIDDEN;
__attribute__((noreturn)) void tt_os_exit_now(int status) TT_HIDDEN; /* _exit */
__attribute__((noreturn)) void tt_os_abort(void) TT_HIDDEN;
/* Ends the process by sig's default action (core dump included). */
__attribute__((noreturn)) void tt_os_die_by(int sig) TT_HIDDEN;

/* The environment without getenv (safe before libc is initialised): the value
 * of NAME, or NULL. */
const char *tt_os_getenv(const char *name) TT_HIDDEN;
/* True once libc has set up the environment (environ is not NULL). */
bool tt_os_environ_ready(void) TT_HIDDEN;
/* Takes lib_path (or a library of the same file name) out of this
 * process's LD_PRELOAD, in place, so the programs it execs run without it. */
void tt_os_preload_drop(const char *lib_path) TT_HIDDEN;
/* The program's command line read from /proc/self/cmdline into buf as
 * NUL-separated words; returns the number of bytes, 0 if unavailable. */
size_t tt_os_cmdline(char *buf, size_t size) TT_HIDDEN;
/* Path of the running executable into buf (NUL-terminated); 0 or -errno. */
int tt_os_exe_path(char *buf, size_t size) TT_HIDDEN;

/* ---- memory --------------------------------------------------------------- */
/* Anonymous read-write pages for tether's own use, recorded so that a leak
 * scan never treats them as roots. NULL on failure. */
void *tt_os_map(size_t size) TT_HIDDEN;
void tt_os_unmap(void *p, size_t size) TT_HIDDEN;
/* Makes [p, p + size) inaccessible (a guard); false if the kernel refused. */
bool tt_os_protect_none(void *p, size_t size) TT_HIDDEN;
/* The calling thread's alternate signal stack becomes [lo, lo + size) if it
 * has none (true); false, changing nothing, if it has one or the kernel
 * refused. */
bool tt_os_altstack_set_if_none(void *lo, size_t size) TT_HIDDEN;
/* The calling thread's alternate signal stack is no longer the one at lo:
 * disabled if it was, unless a handler runs on it now (false: it stays). */
bool tt_os_altstack_release(void *lo) TT_HIDDEN;
/* Asks for huge pages under [p, p + size) where the kernel gives them on
 * request (transparent huge pages in madvise mode); a hint, nothing if not. */
void tt_os_advise_huge(void *p, size_t size) TT_HIDDEN;

size_t tt_os_page_size(void) TT_HIDDEN;
/* tether's own mappings: calls fn for each live one. */
void tt_os_for_each_own_map(void (*fn_cb)(uintptr_t lo, uintptr_t hi, void *arg), void *arg)
    TT_HIDDEN;

/* ---- symbols and modules ------------------------------------------------- */
void *tt_os_dlsym_next(const char *name) TT_HIDDEN;    /* RTLD_NEXT */
void *tt_os_dlsym_default(const char *name) TT_HIDDEN; /* RTLD_DEFAULT */

struct tt_module {
  uintptr_t base;           /* load bias (l_addr) */
  uintptr_t lo, hi;         /* span of all PT_LOAD segments */
  const char *path;         /* as the loader knows it; "" for the main program */
};
/* Loaded modules in load order; fn returns non-zero to stop. */
void tt_os_for_each_module(int (*fn_cb)(const struct tt_module *m, void *arg), void *arg)
    TT_HIDDEN;
/* Writable PT_LOAD segments (data, bss, relro excluded) of every loaded module. */
void tt_os_for_each_writable_segment(
    void (*fn_cb)(uintptr_t lo, uintptr_t hi, const char *path, void *arg), void *arg) TT_HIDDEN;
/* Runs fn while holding the dynamic loader's lock (inside dl_iterate_phdr), so
 * no other thread can be stopped while it holds that lock. The lock is
 * recursive: fn may enumerate modules again. */
void tt_os_with_loader_locked(void (*fn_cb)(void *arg), void *arg) TT_HIDDEN;
/* The text span [lo, hi) of the module containing addr, and its path into
 * path (may be NULL); false if none. */
bool tt_os_module_span(uintptr_t addr, uintptr_t *lo, uintptr_t *hi, char *path, size_t size)
    TT_HIDDEN;

/* The file mapped at addr, as /proc/self/maps names it (an absolute path,
 * whatever name the module was loaded by), into buf; false if none. */
bool tt_os_mapped_file(uintptr_t addr, char *buf, size_t size) TT_HIDDEN;
/* The name /proc/self/maps gives the mapping holding addr ("" for an
 * anonymous one, "[stack]", a path...) into buf; false if addr is unmapped. */
bool tt_os_mapping_name(uintptr_t addr, char *buf, size_t size) TT_HIDDEN;

/* ---- memory map ----------------------------------------------------------- */
enum { TT_MAP_R = 1, TT_MAP_W = 2, TT_MAP_X = 4, TT_MAP_SHARED = 8 };
struct tt_mapping {
  uintptr_t lo, hi;
  unsigned prot;            /* TT_MAP_* */
  const char *name;         /* "" for anonymous; "[heap]", "[stack]", a path ... */
};
/* Parses /proc/self/maps without allocating, calling fn for each line.
 * buf is scratch space for the file (the caller maps it); returns 0 or -errno. */
int tt_os_for_each_mapping(char *buf, size_t size,
                           void (*fn_cb)(const struct tt_mapping *m, void *arg), void *arg)
    TT_HIDDEN;
/* The whole memory map in ascending order: the file's text and its lines
 * (names point into the text), in pages mapped for them, grown until the
 * file fits. */
struct tt_maps {
  struct tt_mapping *m;
  size_t n;
  char *buf;
  size_t buf_bytes, m_bytes;
};
/* Reads /proc/self/maps into *ms; 0, or -errno with ms->n == 0 (no /proc,
 * or no memory). tt_os_maps_free releases it in either case. */
int tt_os_maps_read(struct tt_maps *ms) TT_HIDDEN;
void tt_os_maps_free(struct tt_maps *ms) TT_HIDDEN;
/* Runs fn(arg) so that a fault of the calling thread inside it (SIGSEGV or
 * SIGBUS: reading a guard region the map calls readable, a file truncated
 * under its mapping) returns here instead of ending the process: returns 0,
 * or the faulting address plus one. A fault of another thread meanwhile
 * goes to the handler that was there before. For checks with the world
 * stopped; not reentrant. */
uintptr_t tt_os_call_catching_faults(void (*fn)(void *), void *arg) TT_HIDDEN;
/* A SIGSEGV or SIGBUS another process sent while tt_os_call_catching_faults
 * ran in this thread is kept (not a fault of ours); this queues it again,
 * with its siginfo, for the program's handler and mask: call it once the
 * world runs again and no lock of tether's is held. */
void tt_os_requeue_sent_faults(void) TT_HIDDEN;
/* Whether [lo, hi) can be read without a fault, asked of the kernel page by
 * page (process_vm_readv, or where a sandbox refuses it, a write into a
 * pipe), for when /proc/self/maps cannot be read: 1 yes, 0 no, -errno if
 * the kernel would not tell. */
int tt_os_readable(uintptr_t lo, uintptr_t hi) TT_HIDDEN;

/* ---- threads ----------------------------------------------------------------- */
/* Bounds of the calling thread's stack (as pthread_getattr_np reports). */
bool tt_os_thread_stack(uintptr_t *lo, uintptr_t *hi) TT_HIDDEN;
/* The main thread's stack, as far as it can be known without reading /proc:
 * hi is where it started (__libc_stack_end), lo hi minus 64 MiB (the
 * kernel keeps other mappings further below the stack than that). */
bool tt_os_main_stack(uintptr_t *lo, uintptr_t *hi) TT_HIDDEN;
/* This thread's thread pointer (glibc: its descriptor, at the top of its
 * stack block, static TLS just below). */
uintptr_t tt_os_thread_pointer(void) TT_HIDDEN;
/* Current stack pointer of the caller (approximately: an address in its frame). */
uintptr_t tt_os_current_sp(void) TT_HIDDEN;

/* A stopped thread: its stack pointer and a copy of its registers. */
#define TT_REGS_WORDS 96     /* general registers + the FP/SSE area, in words */
struct tt_thread_state {
  int tid;
  bool stopped;             /* false: it did not answer in time; sp unknown */
  bool current;             /* the checking thread: sp is exact, no red zone */
  uintptr_t sp;
  uintptr_t regs[TT_REGS_WORDS];
};
/* Stops every other thread of the process with a signal (no ptrace) and fills
 * out[] with their states (at most max). Returns how many threads were found,
 * which may exceed max; -errno if it could not stop anything. */
int tt_os_stop_world(struct tt_thread_state *out, int max) TT_HIDDEN;
/* Where the threads come from when /proc/self/task cannot be read (no
 * /proc): fn lists the ones known otherwise (tt_roots' registry); the main
 * thread is added. Called with the caller's locks held: fn takes none. */
void tt_os_set_thread_lister(int (*fn)(int *tids, int max)) TT_HIDDEN;
void tt_os_resume_world(void) TT_HIDDEN;
/* For a check at the end of the process (exit, a fatal signal): the
 * threads the stop signal took out of a sleep (nanosleep, pause, poll,
 * epoll_wait... which the kernel never restarts after a handler) do not
 * return from it when the world resumes, but wait until tt_os_unpark or
 * TT_PARK_SECONDS: they would wake early with EINTR and run on, a main
 * thread to return from main, exit with its own status and cut the report
 * short. Threads that were running, or in a call the kernel restarts (a
 * futex, a read), resume. */
void tt_os_park_sleepers(void) TT_HIDDEN;
/* Lets the parked threads go in ms milliseconds (0: now), unless the
 * process has ended by then. */
void tt_os_unpark_in(unsigned ms) TT_HIDDEN;
#define TT_PARK_SECONDS 30
/* Waits the kernel never restarts after a signal handler (sleeps, pause,
 * poll, select...), wrapped by the preload (tt_sleep.c) so that the stop
 * signal of an on-demand check does not cut them short: the wrapper calls
 * tt_os_wait_begin before the call (it returns the thread's count of cuts)
 * and tt_os_wait_end after it. When the call fails with EINTR,
 * tt_os_wait_cut says whether the check alone cut it (then the wrapper
 * calls again for the time left): the stop handler kept the program's
 * signals out from its return until this look, and lets them in. */
unsigned tt_os_wait_begin(void) TT_HIDDEN;
bool tt_os_wait_cut(unsigned *cuts) TT_HIDDEN;
void tt_os_wait_end(void) TT_HIDDEN;
/* Saves the caller's own registers into st (for scanning). */
void tt_os_save_own_registers(struct tt_thread_state *st) TT_HIDDEN;

/* A per-thread destructor: fn(arg) runs when the calling thread exits.
 * Registered once with tt_os_thread_exit_key_init. */
bool tt_os_thread_exit_key_init(void (*fn_cb)(void *arg)) TT_HIDDEN;
void tt_os_thread_exit_arm(void *arg) TT_HIDDEN;

/* Fork handlers, exit handler with the exit status. */
int tt_os_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void)) TT_HIDDEN;
int tt_os_on_exit(void (*fn_cb)(int status, void *arg), void *arg) TT_HIDDEN;
/* Whether processes a and b share their memory (kcmp KCMP_VM): 1 yes (a
 * vfork or CLONE_VM child and its parent), 0 no (b is gone too: a child
 * that outlived the parent it shared memory with cannot be, the parent
 * waits for a vfork child), -1 the kernel will not say. */
int tt_os_same_memory(int a, int b) TT_HIDDEN;
/* fn_cb runs at quick_exit, after the handlers registered after it. */
int tt_os_on_quick_exit(void (*fn_cb)(void)) TT_HIDDEN;

/* Looks up glibc's __libc_freeres and libstdc++'s __gnu_cxx::__freeres
 * (again, for a runtime loaded since); the run functions call them if present. */
void tt_os_freeres_init(void) TT_HIDDEN;
void tt_os_run_cxx_freeres(void) TT_HIDDEN;
void tt_os_run_libc_freeres(void) TT_HIDDEN;

/* ---- glibc malloc internals (what is allocator memory, not roots) -------- */
/* The bounds of glibc's main_arena (the allocator's state in libc's data:
 * it holds pointers to chunk headers, which fall inside live blocks); false
 * if it cannot be found. malloc_fn: the real malloc, to find libc. */
bool tt_os_glibc_main_arena(void *malloc_fn, uintptr_t *lo, uintptr_t *hi) TT_HIDDEN;
/* True if [lo, hi) is a heap of one of glibc's non-main arenas. */
bool tt_os_is_glibc_arena_heap(uintptr_t lo, uintptr_t hi) TT_HIDDEN;
/* A heap of a non-main arena that starts past lo inside the mapping
 * [lo, hi) (merged with the mapping below it), at or after from: its end,
 * and its start in *heap_lo; 0 if none. base: main_arena's address. */
uintptr_t tt_os_glibc_arena_heap_inside(uintptr_t base, uintptr_t lo, uintptr_t hi,
                                        uintptr_t from, uintptr_t *heap_lo) TT_HIDDEN;
/* Whether the block at addr (size bytes, inside the mapping [lo, hi)) is a
 * chunk glibc mapped alone (malloc's mmap threshold): 16 bytes into a page,
 * its size word marked IS_MMAPPED, a whole number of pages covering it. */
bool tt_os_is_glibc_mmapped_chunk(uintptr_t addr, size_t size, uintptr_t lo, uintptr_t hi)
    TT_HIDDEN;

/* Copies n bytes at addr of this process into buf without faulting (the
 * memory may be unmapped); false if it could not. */
bool tt_os_read_memory(uintptr_t addr, void *buf, size_t n) TT_HIDDEN;

/* ---- threads and signals for tether's own use ----------------------------- */
/* Starts a detached thread running fn(arg) with every signal but SIGURG
 * blocked; 0 or -errno. */
int tt_os_start_thread(void *(*fn)(void *), void *arg) TT_HIDDEN;
/* Installs handler for sig (SA_RESTART); 0 or -errno. */
int tt_os_catch_signal(int sig, void (*handler)(int)) TT_HIDDEN;
/* Futex on a word: wait while *addr == val; wake every waiter. Both are
 * async-signal-safe and keep errno. */
void tt_os_futex_wait(int *addr, int val) TT_HIDDEN;
void tt_os_futex_wake(int *addr) TT_HIDDEN;

/* ---- fatal signals (tt_fatal.h) ------------------------------------------- */
struct sigaction;
/* libc's sigaction itself, never the program-facing one libtether exports;
 * 0 or -errno. */
int tt_os_sigaction(int sig, const struct sigaction *act, struct sigaction *old) TT_HIDDEN;
/* A signal mask, big enough for the C library's sigset_t. */
typedef struct {
  uint64_t bits[16];
} tt_sigmask_t;
/* Blocks every signal in the calling thread, the mask before into *saved;
 * restore puts it back. */
void tt_os_block_signals(tt_sigmask_t *saved) TT_HIDDEN;
void tt_os_restore_signals(const tt_sigmask_t *saved) TT_HIDDEN;
void tt_os_unblock_signal(int sig) TT_HIDDEN;
/* Sends sig after ms milliseconds, to the calling thread (thread) or to
 * the process (any thread that does not block it), with cookie as the
 * siginfo's si_value (its si_code is SI_TIMER). A kernel timer: no thread,
 * no allocation, async-signal-safe. *timer is the timer's id, -1 for none
 * yet: it is made once and set again after. False if it could not. */
bool tt_os_signal_timer(int sig, unsigned ms, bool thread, int cookie, int *timer) TT_HIDDEN;
/* Sends sig to the calling thread now. */
void tt_os_raise(int sig) TT_HIDDEN;
/* Sends sig to the calling thread now, with siginfo (a siginfo_t). */
void tt_os_queue_signal_self(int sig, const void *siginfo) TT_HIDDEN;
/* Waits for a signal. */
void tt_os_pause(void) TT_HIDDEN;
/* A raw nanosleep of ms milliseconds (a signal may cut it short). */
void tt_os_sleep_ms(unsigned ms) TT_HIDDEN;
/* The signal that stops threads for a check. */
int tt_os_stop_signal(void) TT_HIDDEN;
/* "SEGV" for SIGSEGV, or NULL. */
const char *tt_os_signal_abbrev(int sig) TT_HIDDEN;
/* A signal handler's ucontext as a thread state: the general registers and
 * the stack pointer where the signal interrupted the thread. */
void tt_os_context_state(struct tt_thread_state *st, const void *ucontext) TT_HIDDEN;
/* The interrupted stack pointer of a signal handler's ucontext (0 if none). */
uintptr_t tt_os_context_sp(const void *ucontext) TT_HIDDEN;

#endif
