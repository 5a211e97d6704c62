/* SPDX-License-Identifier: MIT */
/* Runs every unit suite with the CUnit basic runner (verbose). The exit
 * status is the number of failed tests (and suites whose init failed),
 * capped at 255. */
#include <stdio.h>
#include <stdlib.h>

#include <CUnit/Basic.h>

#include "units.h"

#define SUITE(name) {#name, name##_init, name##_cleanup, NULL, NULL, name##_tests}

static CU_SuiteInfo suites[] = {
    SUITE(arena),   SUITE(fmt),  SUITE(log),    SUITE(options),
    SUITE(stacks),  SUITE(heap), SUITE(report), SUITE(scan),
    SUITE(quarantine), SUITE(addr), SUITE(capture),
    SUITE(cycles), SUITE(debugcache), SUITE(fatal), SUITE(suppress),
    /* after report: the loss records there print an Owner line only once
     * some owner name exists, and the owner table is never emptied */
    SUITE(owners),
    CU_SUITE_INFO_NULL,
};

int main(void) {
  const char *scenario = getenv("TT_UNIT_SCENARIO");
  if (scenario)
    return tt_unit_scenario(scenario);
  if (CU_initialize_registry() != CUE_SUCCESS) {
    fprintf(stderr, "CUnit: %s\n", CU_get_error_msg());
    return 255;
  }
  if (CU_register_suites(suites) != CUE_SUCCESS) {
    fprintf(stderr, "CUnit: %s\n", CU_get_error_msg());
    CU_cleanup_registry();
    return 255;
  }
  CU_basic_set_mode(CU_BRM_VERBOSE);
  CU_basic_run_tests();
  unsigned failed = CU_get_number_of_tests_failed() + CU_get_number_of_suites_failed();
  CU_cleanup_registry();
  return failed > 255 ? 255 : (int)failed;
}
