/*
 * tools/cli_pkcs11.c — `--key pkcs11:...`: the client key stays in a
 * PKCS#11 token (SoftHSM2, a smart card, a TPM2 PKCS#11 stack) and signs
 * through tlsc_config_set_client_signer. The URI (RFC 7512) is parsed by
 * p11-kit; the module is p11-kit's proxy (every module p11-kit is
 * configured with) unless --pkcs11-module names one. This is the CLI's
 * signer, not the library's: devices have no PKCS#11.
 */
#include "cli.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <p11-kit/pkcs11.h>
#include <p11-kit/uri.h>

#define CLI_PKCS11_PROXY "p11-kit-proxy.so"

struct cli_pkcs11 {
    void *dl;
    CK_FUNCTION_LIST_PTR f;
    CK_SESSION_HANDLE session;
    CK_OBJECT_HANDLE key;
    CK_KEY_TYPE type;
};

static const struct {
    CK_RV rv;
    const char *name;
} rv_names[] = {
    {CKR_PIN_INCORRECT, "CKR_PIN_INCORRECT"},
    {CKR_PIN_LOCKED, "CKR_PIN_LOCKED"},
    {CKR_USER_NOT_LOGGED_IN, "CKR_USER_NOT_LOGGED_IN"},
    {CKR_KEY_FUNCTION_NOT_PERMITTED, "CKR_KEY_FUNCTION_NOT_PERMITTED"},
    {CKR_KEY_TYPE_INCONSISTENT, "CKR_KEY_TYPE_INCONSISTENT"},
    {CKR_MECHANISM_INVALID, "CKR_MECHANISM_INVALID"},
    {CKR_DATA_LEN_RANGE, "CKR_DATA_LEN_RANGE"},
    {CKR_DEVICE_REMOVED, "CKR_DEVICE_REMOVED"},
    {CKR_TOKEN_NOT_PRESENT, "CKR_TOKEN_NOT_PRESENT"},
    {CKR_SESSION_HANDLE_INVALID, "CKR_SESSION_HANDLE_INVALID"},
    {CKR_OBJECT_HANDLE_INVALID, "CKR_OBJECT_HANDLE_INVALID"},
    {CKR_KEY_HANDLE_INVALID, "CKR_KEY_HANDLE_INVALID"},
    {CKR_BUFFER_TOO_SMALL, "CKR_BUFFER_TOO_SMALL"},
    {CKR_GENERAL_ERROR, "CKR_GENERAL_ERROR"},
    {CKR_FUNCTION_FAILED, "CKR_FUNCTION_FAILED"},
    {CKR_ARGUMENTS_BAD, "CKR_ARGUMENTS_BAD"},
};

/* "CKR_PIN_INCORRECT", or the number. */
static const char *rv_name(CK_RV rv, char *buf, size_t cap)
{
    for (size_t i = 0; i < sizeof rv_names / sizeof rv_names[0]; i++) {
        if (rv_names[i].rv == rv)
            return rv_names[i].name;
    }
    snprintf(buf, cap, "CKR 0x%lx", (unsigned long)rv);
    return buf;
}

static void fail_rv(char *why, size_t cap, const char *call, CK_RV rv)
{
    char num[32];
    snprintf(why, cap, "%s: %s", call, rv_name(rv, num, sizeof num));
}

/* ---- the PIN ------------------------------------------------------------ */

/* A pin-source (RFC 7512: a file: URI or a bare path), read like every
 * secret of the command line (cli_secret: regular file, first line). The
 * spec is built at the path's own length so a long path is never cut into
 * another file's name. A malloc'ed copy, or NULL after writing why. */
static char *pin_from_source(const char *source, char *why, size_t cap)
{
    const char *path = strncmp(source, "file:", 5) == 0 ? source + 5 : source;
    size_t n = strlen(path) + sizeof "file:";
    char *spec = malloc(n);
    char *out = NULL;
    if (spec == NULL) {
        snprintf(why, cap, "%s", tlsc_strerror(TLSC_ERR_NO_MEMORY));
        return NULL;
    }
    snprintf(spec, n, "file:%s", path);
    if (cli_secret("pin-source", spec, &out) != CLI_EXIT_OK)
        snprintf(why, cap, "the PIN could not be read from %s", spec);
    free(spec);
    return out;
}

/* A copy of a PIN given as text; out of memory is an error, not "no PIN". */
static char *copy_pin(const char *pin, char *why, size_t cap)
{
    char *out = strdup(pin);
    if (out == NULL)
        snprintf(why, cap, "%s", tlsc_strerror(TLSC_ERR_NO_MEMORY));
    return out;
}

/* ---- module, token, session ----------------------------------------------- */

static bool load_module(cli_pkcs11 *p, const char *module, char *why, size_t cap)
{
    const char *path = module ? module : CLI_PKCS11_PROXY;
    p->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (p->dl == NULL) {
        snprintf(why, cap, "cannot load PKCS#11 module %s: %s", path, dlerror());
        return false;
    }
    CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(p->dl, "C_GetFunctionList");
    CK_RV rv = get ? get(&p->f) : CKR_FUNCTION_NOT_SUPPORTED;
    if (rv == CKR_OK)
        rv = p->f->C_Initialize(NULL);
    if (rv == CKR_CRYPTOKI_ALREADY_INITIALIZED)
        rv = CKR_OK;
    if (rv != CKR_OK) {
        fail_rv(why, cap, path, rv);
        p->f = NULL;
    }
    return rv == CKR_OK;
}

/* The first slot whose token matches the URI's token attributes. */
static bool find_slot(cli_pkcs11 *p, P11KitUri *uri, CK_SLOT_ID *slot, char *why,
                      size_t cap)
{
    CK_ULONG n = 0;
    CK_RV rv = p->f->C_GetSlotList(CK_TRUE, NULL, &n);
    CK_SLOT_ID *slots = rv == CKR_OK ? calloc(n + 1, sizeof *slots) : NULL;
    if (slots != NULL)
        rv = p->f->C_GetSlotList(CK_TRUE, slots, &n);
    bool found = false;
    for (CK_ULONG i = 0; slots != NULL && rv == CKR_OK && i < n && !found; i++) {
        CK_TOKEN_INFO info;
        if (p->f->C_GetTokenInfo(slots[i], &info) == CKR_OK &&
            p11_kit_uri_match_token_info(uri, &info)) {
            *slot = slots[i];
            found = true;
        }
    }
    free(slots);
    if (!found)
        snprintf(why, cap, "no token matches the URI (%lu token%s present)", (unsigned long)n,
                 n == 1 ? "" : "s");
    return found;
}

/* --key-pass first, then the URI's pin-value, then its pin-source. */
static char *find_pin(P11KitUri *uri, const char *key_pass, char *why, size_t cap)
{
    if (key_pass != NULL)
        return copy_pin(key_pass, why, cap); /* already resolved by cli_secret */
    const char *value = p11_kit_uri_get_pin_value(uri);
    if (value != NULL)
        return copy_pin(value, why, cap);
    const char *source = p11_kit_uri_get_pin_source(uri);
    return source != NULL ? pin_from_source(source, why, cap) : NULL;
}

static bool login(cli_pkcs11 *p, P11KitUri *uri, const char *key_pass, char *why, size_t cap)
{
    why[0] = '\0';
    char *pin = find_pin(uri, key_pass, why, cap);
    if (pin == NULL)
        return why[0] == '\0'; /* no PIN: public session (or a PIN-less token) */
    CK_RV rv = p->f->C_Login(p->session, CKU_USER, (CK_UTF8CHAR_PTR)pin, strlen(pin));
    memset(pin, 0, strlen(pin));
    free(pin);
    if (rv == CKR_USER_ALREADY_LOGGED_IN)
        rv = CKR_OK;
    if (rv != CKR_OK)
        fail_rv(why, cap, "C_Login", rv);
    return rv == CKR_OK;
}

/* The one private key matching the URI's object attributes (label, id). */
static bool find_key(cli_pkcs11 *p, P11KitUri *uri, char *why, size_t cap)
{
    CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
    CK_ATTRIBUTE tmpl[3] = {{CKA_CLASS, &cls, sizeof cls}};
    CK_ULONG n = 1;
    CK_ATTRIBUTE_PTR label = p11_kit_uri_get_attribute(uri, CKA_LABEL);
    CK_ATTRIBUTE_PTR id = p11_kit_uri_get_attribute(uri, CKA_ID);
    if (label != NULL)
        tmpl[n++] = *label;
    if (id != NULL)
        tmpl[n++] = *id;
    CK_OBJECT_HANDLE found[2];
    CK_ULONG count = 0;
    CK_RV rv = p->f->C_FindObjectsInit(p->session, tmpl, n);
    if (rv == CKR_OK)
        rv = p->f->C_FindObjects(p->session, found, 2, &count);
    if (rv == CKR_OK)
        rv = p->f->C_FindObjectsFinal(p->session);
    if (rv != CKR_OK)
        fail_rv(why, cap, "C_FindObjects", rv);
    else if (count != 1)
        snprintf(why, cap, count == 0 ? "no private key matches the URI on that token (a "
                                        "private key is visible only after login: is the "
                                        "PIN given?)"
                                      : "several private keys match the URI: add id= or "
                                        "object=");
    if (rv != CKR_OK || count != 1)
        return false;
    p->key = found[0];
    CK_ATTRIBUTE type = {CKA_KEY_TYPE, &p->type, sizeof p->type};
    rv = p->f->C_GetAttributeValue(p->session, p->key, &type, 1);
    if (rv != CKR_OK)
        fail_rv(why, cap, "C_GetAttributeValue(CKA_KEY_TYPE)", rv);
    return rv == CKR_OK;
}

static bool open_key(cli_pkcs11 *p, P11KitUri *uri, const char *key_pass, char *why,
                     size_t cap)
{
    CK_SLOT_ID slot;
    if (!find_slot(p, uri, &slot, why, cap))
        return false;
    CK_RV rv = p->f->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &p->session);
    if (rv != CKR_OK) {
        fail_rv(why, cap, "C_OpenSession", rv);
        return false;
    }
    return login(p, uri, key_pass, why, cap) && find_key(p, uri, why, cap);
}

cli_pkcs11 *cli_pkcs11_open(const char *uri_text, const char *module, const char *key_pass,
                            char *why, size_t cap)
{
    P11KitUri *uri = p11_kit_uri_new();
    cli_pkcs11 *p = calloc(1, sizeof *p);
    if (uri == NULL || p == NULL) {
        snprintf(why, cap, "out of memory");
        p11_kit_uri_free(uri);
        free(p);
        return NULL;
    }
    int rc = p11_kit_uri_parse(uri_text, P11_KIT_URI_FOR_OBJECT_ON_TOKEN, uri);
    bool ok = rc == P11_KIT_URI_OK;
    if (!ok)
        snprintf(why, cap, "not a PKCS#11 URI: %s", p11_kit_uri_message(rc));
    ok = ok && load_module(p, module, why, cap) && open_key(p, uri, key_pass, why, cap);
    p11_kit_uri_free(uri);
    if (!ok) {
        cli_pkcs11_close(p);
        return NULL;
    }
    return p;
}

void cli_pkcs11_close(cli_pkcs11 *p)
{
    if (p == NULL)
        return;
    if (p->f != NULL) {
        if (p->session != CK_INVALID_HANDLE)
            (void)p->f->C_CloseSession(p->session);
        (void)p->f->C_Finalize(NULL);
    }
    if (p->dl != NULL)
        dlclose(p->dl);
    free(p);
}

/* ---- signing ---------------------------------------------------------------- */

/* ECDSA signs the hash (CKM_ECDSA gives r || s, the form tlsc takes); RSA
 * PKCS#1 v1.5 signs the DigestInfo tlsc built (CKM_RSA_PKCS pads it). */
tlsc_sign_result cli_pkcs11_sign(void *user, const tlsc_sign_request *req, uint8_t *sig,
                                 size_t sig_cap, size_t *sig_len, char *why, size_t why_cap)
{
    cli_pkcs11 *p = user;
    bool ec = p->type == CKK_EC;
    CK_MECHANISM mech = {ec ? CKM_ECDSA : CKM_RSA_PKCS, NULL, 0};
    const uint8_t *data = ec ? req->hash : req->digest_info;
    size_t len = ec ? req->hash_len : req->digest_info_len;
    if (!ec && p->type != CKK_RSA) {
        snprintf(why, why_cap, "the token's key is neither EC nor RSA (CKK 0x%lx)",
                 (unsigned long)p->type);
        return TLSC_SIGN_FAILED;
    }
    CK_RV rv = p->f->C_SignInit(p->session, &mech, p->key);
    if (rv != CKR_OK) {
        fail_rv(why, why_cap, "C_SignInit", rv);
        return TLSC_SIGN_FAILED;
    }
    CK_ULONG out = sig_cap;
    rv = p->f->C_Sign(p->session, (CK_BYTE_PTR)data, len, sig, &out);
    if (rv != CKR_OK) {
        fail_rv(why, why_cap, "C_Sign", rv);
        return TLSC_SIGN_FAILED;
    }
    *sig_len = out;
    return TLSC_SIGN_OK;
}

int cli_pkcs11_check(const char *cmd)
{
    (void)cmd;
    return CLI_EXIT_OK; /* a host: p11-kit and dlopen are here */
}
