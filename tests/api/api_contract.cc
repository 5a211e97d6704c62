// api_contract.cc: the C++ side of include/tether.h's contract.
//
// tether::scope (left normally, by return and by an exception), TETHER_SCOPE,
// new/delete and new[]/delete[] under scopes and owners, and that the header's
// extern "C" block gives the calls C linkage and C types. Same self-check
// style as api_contract.c: "FAIL: file:line expr" on stdout for each failed
// check, "api_contract_cxx: ok (under tether)" / "(without tether)" at the
// end, exit status 0 exactly when nothing failed.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <type_traits>

#include "tether.h"

static int failures;
static int checks;

#define CHECK(expr)                                          \
  do {                                                       \
    checks++;                                                \
    if (!(expr)) {                                           \
      failures++;                                            \
      std::printf("FAIL: %s:%d %s\n", __FILE__, __LINE__, #expr); \
      std::fflush(stdout);                                   \
    }                                                        \
  } while (0)

static bool owner_is(const void *block, const char *want) {
  const char *got = tether_owner_of(block);
  if (want == nullptr)
    return got == nullptr;
  return got != nullptr && std::strcmp(got, want) == 0;
}

#define CHECK_OWNER(block, want) CHECK(owner_is((block), (want)))

// --- extern "C": the calls have C linkage and exactly the documented types.
extern "C" {
typedef int c_running_fn(void);
typedef void c_set_owner_fn(const void *, const char *);
typedef const char *c_owner_of_fn(const void *);
typedef std::size_t c_check_fn(void);
}
static_assert(std::is_same<decltype(tether_running), c_running_fn>::value, "tether_running type");
static_assert(std::is_same<decltype(tether_set_owner), c_set_owner_fn>::value,
              "tether_set_owner type");
static_assert(std::is_same<decltype(tether_transfer), c_set_owner_fn>::value,
              "tether_transfer type");
static_assert(std::is_same<decltype(tether_owner_of), c_owner_of_fn>::value,
              "tether_owner_of type");
static_assert(std::is_same<decltype(tether_check_leaks), c_check_fn>::value,
              "tether_check_leaks type");
static_assert(std::is_same<decltype(tether_check_new_leaks), c_check_fn>::value,
              "tether_check_new_leaks type");
static_assert(std::is_same<decltype(tether_check_owner(nullptr)), std::size_t>::value,
              "tether_check_owner returns size_t");
static_assert(!std::is_copy_constructible<tether::scope>::value, "tether::scope is not copyable");
static_assert(!std::is_copy_assignable<tether::scope>::value, "tether::scope is not assignable");
static_assert(!std::is_convertible<const char *, tether::scope>::value,
              "tether::scope's constructor is explicit");

// Every call through a C-linkage function pointer.
static c_running_fn *const running_ptr = &tether_running;
static c_owner_of_fn *const owner_of_ptr = &tether_owner_of;

struct thing {
  int value[6];
};

// Leaves its scope by an exception after allocating inside it.
static thing *allocated_before_throw;
static void throw_inside_scope() {
  tether::scope s("thrower");
  allocated_before_throw = new thing();
  throw std::runtime_error("leaving the scope by an exception");
}

// Leaves its scope by return.
static thing *return_inside_scope() {
  tether::scope s("returner");
  return new thing();
}

static void common(bool running) {
  const char *const want_outer = running ? "cxx-outer" : nullptr;
  const char *const want_inner = running ? "cxx-inner" : nullptr;
  thing *a, *b, *c, *d, *e;
  int *arr;

  CHECK(running_ptr() == (running ? 1 : 0));

  {
    tether::scope outer("cxx-outer");
    a = new thing();
    {
      char name[16];
      std::strcpy(name, "cxx-inner");
      tether::scope inner(name);
      std::strcpy(name, "clobbered");
      b = new thing();
      arr = new int[100];
    }
    c = new thing();
  }
  d = new thing();
  CHECK_OWNER(a, want_outer);
  CHECK_OWNER(b, want_inner);
  CHECK_OWNER(arr, want_inner);
  CHECK_OWNER(c, want_outer);
  CHECK_OWNER(d, nullptr);

  // Leaving a scope by an exception pops it.
  bool caught = false;
  try {
    tether::scope outer("cxx-outer");
    throw_inside_scope();
  } catch (const std::runtime_error &) {
    caught = true;
  }
  CHECK(caught);
  CHECK_OWNER(allocated_before_throw, running ? "thrower" : nullptr);
  e = new thing();
  CHECK_OWNER(e, nullptr); // both scopes were popped by the unwinding
  delete e;

  // Leaving a scope by return pops it.
  e = return_inside_scope();
  CHECK_OWNER(e, running ? "returner" : nullptr);
  thing *f = new thing();
  CHECK_OWNER(f, nullptr);
  delete f;
  delete e;

  // TETHER_SCOPE in C++.
  int body_runs = 0;
  TETHER_SCOPE("cxx-macro") {
    body_runs++;
    f = new thing();
  }
  CHECK(body_runs == 1);
  CHECK_OWNER(f, running ? "cxx-macro" : nullptr);

  // Owners on new'd blocks; transfer; counts.
  tether_set_owner(f, "cxx-owned");
  CHECK(owner_of_ptr(f) == nullptr || std::strcmp(owner_of_ptr(f), "cxx-owned") == 0);
  CHECK_OWNER(f, running ? "cxx-owned" : nullptr);
  tether_transfer(arr, "cxx-owned");
  CHECK_OWNER(arr, running ? "cxx-owned" : nullptr);
  CHECK(tether_check_owner("cxx-owned") == (running ? 2u : 0u));
  delete f;
  delete[] arr;
  CHECK(tether_check_owner("cxx-owned") == 0u);
  CHECK(tether_owner_of(&body_runs) == nullptr);

  delete allocated_before_throw;
  delete a;
  delete b;
  delete c;
  delete d;

  // The rest of the table, for the no-op path: must not crash.
  if (!running) {
    int local = 0;
    tether_ignore(&local);
    tether_register_root(&local, sizeof local);
    tether_unregister_root(&local);
    tether_scope_pop();
    CHECK(tether_check_leaks() == 0u);
    CHECK(tether_check_new_leaks() == 0u);
    CHECK(tether_check_owner(nullptr) == 0u);
  } else {
    CHECK(tether_check_leaks() == 0u);
  }
}

int main() {
  bool running = tether_running() != 0;
#ifdef TETHER_DISABLE
  CHECK(!running);
#endif
  common(running);
  if (failures) {
    std::printf("api_contract_cxx: %d of %d checks failed (%s tether)\n", failures, checks,
                running ? "under" : "without");
    return 1;
  }
  std::printf("api_contract_cxx: ok (%s tether)\n", running ? "under" : "without");
  return 0;
}
