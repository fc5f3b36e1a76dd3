/* mbedTLS 2.x private header; 3.x calls it ssl_misc.h (altcp_compat.h). */
#include "ssl_misc.h"
