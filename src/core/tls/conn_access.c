/* Accessors of the connection and configuration for the drivers above the
 * core (conn_access.h). */
#include "core/tls/conn_access.h"
#include "core/config/config.h"
#include "core/tls/conn.h"

const char *tlsc__conn_address(const tlsc_conn *c)
{
    return c->tcp != NULL ? tlsc__tcp_address(c->tcp) : "";
}

const char *tlsc__conn_name(const tlsc_conn *c)
{
    return c->name;
}

bool tlsc__conn_is_new(const tlsc_conn *c)
{
    return c->state == TLSC__NEW;
}

bool tlsc__conn_has_user_transport(const tlsc_conn *c)
{
    return c->user_transport;
}

uint32_t tlsc__config_io_ms(const tlsc_config *cfg)
{
    return cfg->io_ms;
}
