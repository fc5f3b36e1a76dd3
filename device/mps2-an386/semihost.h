/*
 * ARM semihosting (bkpt 0xAB) as QEMU implements it with
 * -semihosting-config enable=on,target=native: console, host files,
 * wall clock, command line and exit status of the emulated board.
 * Host file handles are small non-negative integers; -1 means failure.
 */
#ifndef TLSC_DEVICE_SEMIHOST_H
#define TLSC_DEVICE_SEMIHOST_H

#include <stddef.h>
#include <stdint.h>

/* Open a host file: mode is an fopen mode ("rb", "wb", "ab"). ":tt" is the
 * console (stdin with "r", stdout with "w"). */
int sh_open(const char *path, const char *mode);
int sh_close(int fd);
/* Bytes written (len on success). */
size_t sh_write(int fd, const void *buf, size_t len);
/* Bytes read: 0 at the end of the file, (size_t)-1 on error. */
size_t sh_read(int fd, void *buf, size_t len);
/* Length of an open host file, -1 on error. */
long sh_flen(int fd);
/* Rename / remove a host file; 0 on success. */
int sh_rename(const char *from, const char *to);
int sh_remove(const char *path);
/* Seconds since 1970 by the host's clock. */
int64_t sh_time(void);
/* The command line given with -semihosting-config arg=...; 0 on success. */
int sh_cmdline(char *buf, size_t cap);
/* End the emulation with this exit status (SYS_EXIT_EXTENDED). */
_Noreturn void sh_exit(int status);

#endif
