#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
/* libfaketime with FAKETIME_DONT_FAKE_MONOTONIC=1 turns Python 3.11's monotonic
   absolute sleeps into EINVAL: sleep on the real monotonic clock ourselves. */
int clock_nanosleep(clockid_t clk, int flags, const struct timespec *req, struct timespec *rem) {
    static int (*next)(clockid_t, int, const struct timespec *, struct timespec *);
    if (clk == CLOCK_MONOTONIC) {
        long r = syscall(SYS_clock_nanosleep, clk, flags, req, rem);
        return r < 0 ? errno : 0;
    }
    if (!next) next = dlsym(RTLD_NEXT, "clock_nanosleep");
    return next(clk, flags, req, rem);
}
