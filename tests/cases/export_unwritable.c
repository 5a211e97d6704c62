// export_unwritable: a machine-readable report that cannot be written (its
// directory does not exist) is one warning line at exit, and the run and
// its text report go on.
// TOOLS: tether
// RUN-OPTS: --json=/nonexistent-tether-dir/r.%p.json --sarif=/nonexistent-tether-dir/r.sarif
// EXPECT definitely: 0 bytes in 0 blocks
// EXPECT indirectly: 0 bytes in 0 blocks
// EXPECT possibly: 0 bytes in 0 blocks
// EXPECT reachable: 0 bytes in 0 blocks
// EXPECT line: ^Warning: cannot write the JSON report '/nonexistent-tether-dir/r\.[0-9]+\.json' \(errno 2\); it is not written$
// EXPECT line: ^Warning: cannot write the SARIF report '/nonexistent-tether-dir/r\.sarif' \(errno 2\); it is not written$
#include <stdlib.h>

int main(void)
{
    free(malloc(10));
    return 0;
}
