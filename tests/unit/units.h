/* SPDX-License-Identifier: MIT */
/* The unit test suites: each tests/unit/test_<module>.c exports its test
 * table and its init/cleanup; run_unit.c lists them all in one table. */
#ifndef TT_UNITS_H
#define TT_UNITS_H

#include <CUnit/CUnit.h>

#define TT_UNIT_SUITE(name)               \
  extern CU_TestInfo name##_tests[];      \
  int name##_init(void);                  \
  int name##_cleanup(void);

TT_UNIT_SUITE(addr)
TT_UNIT_SUITE(arena)
TT_UNIT_SUITE(capture)
TT_UNIT_SUITE(cycles)
TT_UNIT_SUITE(debugcache)
TT_UNIT_SUITE(fatal)
TT_UNIT_SUITE(fmt)
TT_UNIT_SUITE(heap)
TT_UNIT_SUITE(log)
TT_UNIT_SUITE(options)
TT_UNIT_SUITE(owners)
TT_UNIT_SUITE(quarantine)
TT_UNIT_SUITE(report)
TT_UNIT_SUITE(scan)
TT_UNIT_SUITE(stacks)
TT_UNIT_SUITE(suppress)

#undef TT_UNIT_SUITE

/* Scenarios that need a process of their own, fresh (test_heap.c): the
 * test runs the unit binary again with TT_UNIT_SCENARIO=name, and main
 * runs the scenario instead of the suites; its exit status is the verdict. */
int tt_unit_scenario(const char *name);


#endif
