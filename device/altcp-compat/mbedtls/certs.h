/* mbedTLS 2.x header, gone in 3.x: nothing of it is used (altcp_compat.h). */
