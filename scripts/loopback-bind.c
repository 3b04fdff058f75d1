/*
 * Preloaded (LD_PRELOAD) into test and benchmark peers that cannot be told which address to listen on: DCMTK's
 * storescp and dcmqrscp, and Orthanc 1.10's DICOM port. A bind to the wildcard address (0.0.0.0 or ::) becomes a bind
 * to loopback (127.0.0.1 or ::1), so nothing these peers open is reachable from outside the machine. Every other bind
 * is passed through unchanged. Built by tests/Shared/LoopbackOnly.cs and bench/cstore-vs-peers.sh with:
 *   gcc -shared -fPIC -O2 -o libportico-loopback.so scripts/loopback-bind.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

typedef int (*bind_function)(int, const struct sockaddr *, socklen_t);

int bind(int fd, const struct sockaddr *address, socklen_t length)
{
    static bind_function next;
    if (next == NULL)
    {
        next = (bind_function)dlsym(RTLD_NEXT, "bind");
        if (next == NULL)
        {
            errno = ENOSYS;
            return -1;
        }
    }

    if (address != NULL && address->sa_family == AF_INET && length >= (socklen_t)sizeof(struct sockaddr_in))
    {
        struct sockaddr_in loopback;
        memcpy(&loopback, address, sizeof loopback);
        if (loopback.sin_addr.s_addr == htonl(INADDR_ANY))
        {
            loopback.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            return next(fd, (const struct sockaddr *)&loopback, sizeof loopback);
        }
    }
    else if (address != NULL && address->sa_family == AF_INET6 && length >= (socklen_t)sizeof(struct sockaddr_in6))
    {
        struct sockaddr_in6 loopback;
        memcpy(&loopback, address, sizeof loopback);
        if (memcmp(&loopback.sin6_addr, &in6addr_any, sizeof in6addr_any) == 0)
        {
            loopback.sin6_addr = in6addr_loopback;
            return next(fd, (const struct sockaddr *)&loopback, sizeof loopback);
        }
    }

    return next(fd, address, length);
}
