/* The device build of the tlsc command (fw_tlsc.c, cli_device.c). */
#ifndef TLSC_DEVICE_CLI_H
#define TLSC_DEVICE_CLI_H

/* The host file `tlsc connect` relays as its stdin (@stdin=FILE). */
void device_cli_set_stdin(const char *path);

#endif
