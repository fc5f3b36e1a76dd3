/*
 * The next connection like this one (next_conn.h): one saved session per
 * owner, offered to the next connection to the same server name and port.
 * Before this file the blocking HTTP client, the event HTTP client and the
 * event driver each kept their own copy (an event HTTP connection held
 * two of up to 3 KB).
 */
#include <string.h>

#include "core/alloc.h"
#include "core/tls/conn.h"
#include "core/tls/conn_access.h"
#include "core/tls/next_conn.h"

static void set_owner(tlsc__next_conn *n, const char *name, uint16_t port)
{
    size_t len = name != NULL ? strlen(name) : 0;
    if (len > TLSC__NEXT_NAME_MAX)
        len = 0; /* cannot happen for a valid name; then offered to any */
    memcpy(n->name, name != NULL ? name : "", len);
    n->name[len] = '\0';
    n->port = port;
}

static bool have_blob(tlsc__next_conn *n)
{
    if (n->blob == NULL)
        n->blob = tlsc__calloc(1, TLSC_SESSION_MAX);
    return n->blob != NULL;
}

void tlsc__next_keep(tlsc__next_conn *n, const tlsc_conn *c)
{
    size_t len = 0;
    /* Ask the size first: a connection without a session costs no blob. */
    if (c == NULL)
        return;
    tlsc_err probe = tlsc_conn_export_session(c, NULL, 0, &len);
    if ((probe != TLSC_OK && probe != TLSC_ERR_BUFFER_SIZE) || !have_blob(n))
        return;
    if (tlsc_conn_export_session(c, n->blob, TLSC_SESSION_MAX, &len) != TLSC_OK) {
        n->len = 0;
        return;
    }
    n->len = len;
    set_owner(n, c->name != NULL ? c->name : c->host, c->port);
}

tlsc_err tlsc__next_import(tlsc__next_conn *n, const void *blob, size_t len)
{
    if (blob == NULL || len == 0 || len > TLSC_SESSION_MAX)
        return TLSC_ERR_INVALID_ARG;
    if (!have_blob(n))
        return TLSC_ERR_NO_MEMORY;
    memcpy(n->blob, blob, len);
    n->len = len;
    set_owner(n, NULL, 0);
    return TLSC_OK;
}

tlsc_err tlsc__next_export(const tlsc__next_conn *n, void *buf, size_t cap, size_t *len)
{
    *len = n->len;
    if (n->len == 0)
        return TLSC_ERR_NO_SESSION;
    if (buf == NULL || cap < n->len)
        return TLSC_ERR_BUFFER_SIZE;
    memcpy(buf, n->blob, n->len);
    return TLSC_OK;
}

void tlsc__next_forget(tlsc__next_conn *n)
{
    if (n->blob != NULL)
        tlsc__free_secret(n->blob, TLSC_SESSION_MAX);
    n->blob = NULL;
    n->len = 0;
    set_owner(n, NULL, 0);
}

static bool belongs(const tlsc__next_conn *n, const char *name, uint16_t port)
{
    if (n->len == 0)
        return false;
    if (n->name[0] == '\0')
        return true; /* imported: the core decides */
    return name != NULL && n->port == port && strcmp(n->name, name) == 0;
}

tlsc_err tlsc__next_prepare(tlsc__next_conn *n, tlsc_conn *c, const char *name,
                            const char *host, uint16_t port)
{
    tlsc_err err = name != NULL ? tlsc_conn_set_server_name(c, name) : TLSC_OK;
    if (err != TLSC_OK)
        return err;
    if (!belongs(n, name != NULL ? name : host, port))
        return TLSC_OK;
    err = tlsc_conn_set_session(c, n->blob, n->len);
    /* Without memory to load it the session is still good: kept for the
     * next try, and this connection is not made (a full handshake would
     * need more memory still, and hide the failure). A refused blob only
     * means a full handshake (the core logs why). */
    if (err == TLSC_ERR_NO_MEMORY)
        return err;
    if (err != TLSC_OK)
        n->len = 0;
    return TLSC_OK;
}

tlsc_err tlsc__next_conn_new(tlsc__next_conn *n, tlsc_config *cfg, const char *name,
                             const char *host, uint16_t port, bool parked, tlsc_conn **out)
{
    tlsc_conn *c = NULL;
    tlsc_err err = parked ? tlsc__conn_new_parked(cfg, &c) : tlsc_conn_new(cfg, &c);
    if (err == TLSC_OK && (err = tlsc__next_prepare(n, c, name, host, port)) != TLSC_OK)
        tlsc_conn_free(c);
    if (err == TLSC_OK)
        *out = c;
    return err;
}

tlsc_err tlsc__next_conn_like(tlsc__next_conn *n, const tlsc_conn *prev, bool parked,
                              tlsc_conn **out)
{
    return tlsc__next_conn_new(n, prev->cfg, prev->name, prev->host, prev->port, parked, out);
}
