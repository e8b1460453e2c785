/* libjwt (Debian's libjwt-dev / libjwt0, the OpenSSL flavour) behind idjwt adapter protocol v1
 * (docs/adapter-protocol.md).
 *
 * Source lines cited below are those of libjwt 1.10.2 with Debian's patches of 1.10.2-1+deb12u1
 * applied (debian/patches: use-b64.patch, which replaces the bundled base64 code with the
 * system libb64, and CVE-2024-25189-{1,2}.patch, which compare HMAC tags with jwt_strcmp).
 *
 * The library is used as its header documents it (jwt.h, "JWT Object Creation"):
 *
 *  - sign: jwt_new, jwt_set_alg with the raw secret (HS256) or a PEM private key (ES256,
 *    RS256, RS512), jwt_add_headers_json for the requested header members,
 *    jwt_add_grants_json for the claims, jwt_encode_str.
 *  - verify: jwt_decode(&jwt, token, key, key_len), which splits the token, parses header and
 *    claims with jansson, reads `alg` from the header and checks the signature with the key
 *    (a secret for HS*, a PEM public key for ES* and RS*, jwt.c:529-604); then the header and
 *    claims are read back with jwt_get_headers_json / jwt_get_grants_json.
 *
 * Keys: libjwt takes PEM for ES* and RS* (jwt-openssl.c:209, 368: PEM_read_bio_PrivateKey and
 * PEM_read_bio_PUBKEY), so JWKs are turned into PEM here, DER written by hand with no OpenSSL
 * call: an EC P-256 JWK into SPKI (`PUBLIC KEY`) to verify and SEC1 (`EC PRIVATE KEY`) to sign,
 * an RSA JWK into SPKI (`PUBLIC KEY`, the only public form PEM_read_bio_PUBKEY reads) to verify
 * and PKCS#1 (`RSA PRIVATE KEY`, all of n, e, d, p, q, dp, dq, qi) to sign. RSA integers are
 * written in minimal DER whatever the JWK's bytes; nothing else about an RSA key (its size, its
 * exponent) is checked here: that is the library's, or OpenSSL's, to judge.
 *
 * What libjwt 1.10 leaves to the application, and this adapter therefore does:
 *
 *  - Picking the key. jwt_decode takes one key and no key set. The key the token's `kid`
 *    names is found by decoding the token once without a key (jwt.h: "If ... key is NULL,
 *    then no validation is done other than formatting") and reading `kid` and `alg` from that
 *    header; without a `kid`, every key of the family the `alg` needs is tried in turn
 *    (policy.md §3.5-3.8), and failing that every key (the library then refuses the family).
 *  - The algorithm allow-list. jwt_decode takes the algorithm from the token (jwt.c:498-499)
 *    and has no parameter for the algorithms the caller accepts; the maintainer's advice
 *    (benmcollins/libjwt issues #33 and #43) is to check jwt_get_alg() after jwt_decode, so
 *    the algorithm it verified with must be one of the request's `algorithms` (compared by
 *    the library's own name for it, jwt_alg_str). This is done in both modes: the allow-list
 *    is always given.
 *
 * libjwt 1.10 validates no claim at all: it has no function that compares `exp`, `nbf`,
 * `iss` or `aud`, or requires a claim (the jwt_valid_* API arrived in 1.12.0). So configured
 * mode and defaults mode make the same calls, the request's `now`, `leeway`, `issuer`,
 * `audience` and `required` have nothing to be handed to, and those checks are declared in
 * `cannot_enforce`. Since no date is ever compared, no clock is read either; the answers do not
 * depend on `now`, so the clock is declared `injected` (no case needs re-minting).
 *
 * Hazards of the library this adapter does not hide but names here:
 *  - An empty HMAC secret (key_len 0) is taken as "no key": jwt_decode then verifies no
 *    signature at all and reports alg none (jwt.c:570-576, 511-516, 153, 587-593). The
 *    allow-list check above is what refuses such a token.
 *  - jwt_b64_decode copies every segment onto the stack with alloca(strlen + 4) (jwt.c:333),
 *    and jwt_encode the header and claims with alloca(2 * length) (jwt.c:1028, 1047): a token
 *    of a few MiB overflows a small thread stack. This adapter bounds a request line to
 *    16 MiB and serves requests on a thread with a 128 MiB stack, so that it never crashes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <jwt.h>

#ifndef LIBJWT_VERSION
#define LIBJWT_VERSION "unknown"
#endif

#define NAME "c-libjwt"
#define MAX_LINE ((size_t)16 << 20)
#define STACK_SIZE ((size_t)128 << 20)

/* ---------------------------------------------------------------- small helpers */

static json_t *fail(const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static json_t *fail(const char *reason, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	json_t *out = json_object();

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	json_object_set_new(out, "ok", json_false());
	/* json_string refuses text that is not UTF-8; the message then says so instead. */
	json_t *text = json_string(msg);
	json_object_set_new(out, "error", text ? text : json_string("(message not UTF-8)"));
	if (reason)
		json_object_set_new(out, "reason", json_string(reason));
	return out;
}

/* base64url (RFC 4648 §5) without padding into bytes; -1 on a character outside the alphabet
 * or an impossible length. Used only for the JWK members, never for the token. */
static int b64url_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

static unsigned char *b64url_decode(const char *src, size_t *out_len)
{
	size_t len = strlen(src), n = 0, i;
	unsigned int acc = 0, bits = 0;
	unsigned char *out;

	if (len % 4 == 1)
		return NULL;
	out = malloc(len * 3 / 4 + 1);
	if (!out)
		return NULL;
	for (i = 0; i < len; i++) {
		int v = b64url_value((unsigned char)src[i]);

		if (v < 0) {
			free(out);
			return NULL;
		}
		acc = (acc << 6) | (unsigned int)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	*out_len = n;
	return out;
}

/* Standard base64 with 64-character lines, as PEM wants it. */
static char *pem_wrap(const char *label, const unsigned char *der, size_t len)
{
	static const char abc[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t b64_len = (len + 2) / 3 * 4;
	size_t cap = b64_len + b64_len / 64 + 2 + 2 * (strlen(label) + 32);
	char *out = malloc(cap), *p;
	size_t i, col = 0;

	if (!out)
		return NULL;
	p = out + sprintf(out, "-----BEGIN %s-----\n", label);
	for (i = 0; i < len; i += 3) {
		unsigned int v = (unsigned int)der[i] << 16;
		char quad[4];
		int k;

		if (i + 1 < len)
			v |= (unsigned int)der[i + 1] << 8;
		if (i + 2 < len)
			v |= der[i + 2];
		quad[0] = abc[(v >> 18) & 63];
		quad[1] = abc[(v >> 12) & 63];
		quad[2] = i + 1 < len ? abc[(v >> 6) & 63] : '=';
		quad[3] = i + 2 < len ? abc[v & 63] : '=';
		for (k = 0; k < 4; k++) {
			*p++ = quad[k];
			if (++col == 64) {
				*p++ = '\n';
				col = 0;
			}
		}
	}
	if (col)
		*p++ = '\n';
	sprintf(p, "-----END %s-----\n", label);
	return out;
}

/* ---------------------------------------------------------------- keys */

/* SubjectPublicKeyInfo of a P-256 key up to the uncompressed point (RFC 5480): SEQUENCE {
 * SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING { 04 || x || y } }. */
static const unsigned char SPKI_P256[26] = {
	0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
	0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
};

/* ECPrivateKey (RFC 5915) of a P-256 key: version 1, d, [0] prime256v1, [1] the point. */
static const unsigned char SEC1_HEAD[7] = {0x30, 0x77, 0x02, 0x01, 0x01, 0x04, 0x20};
static const unsigned char SEC1_MID[16] = {
	0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
	0xa1, 0x44, 0x03, 0x42,
};

static const char *jwk_str(json_t *jwk, const char *member)
{
	return json_string_value(json_object_get(jwk, member));
}

/* AlgorithmIdentifier { rsaEncryption, NULL } (RFC 3279 §2.3.1). */
static const unsigned char ALGID_RSA[15] = {
	0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
};

/* A growing DER buffer; `failed` sticks once an allocation fails. */
struct der {
	unsigned char *p;
	size_t len, cap;
	int failed;
};

static void der_put(struct der *d, const unsigned char *bytes, size_t n)
{
	if (d->failed || n == 0)
		return;
	if (d->len + n > d->cap) {
		size_t cap = (d->len + n) * 2 + 64;
		unsigned char *grown = malloc(cap);

		if (!grown) {
			d->failed = 1;
			return;
		}
		if (d->p) {
			memcpy(grown, d->p, d->len);
			memset(d->p, 0, d->cap);
			free(d->p);
		}
		d->p = grown;
		d->cap = cap;
	}
	memcpy(d->p + d->len, bytes, n);
	d->len += n;
}

static void der_free(struct der *d)
{
	if (d->p) {
		memset(d->p, 0, d->cap);
		free(d->p);
	}
	memset(d, 0, sizeof *d);
}

/* Appends tag, length (DER: short form below 128, else long form) and `n` content bytes. */
static void der_tlv(struct der *d, unsigned char tag, const unsigned char *content, size_t n)
{
	unsigned char head[6];
	size_t h = 0, k;

	head[h++] = tag;
	if (n < 0x80) {
		head[h++] = (unsigned char)n;
	} else {
		size_t bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;

		head[h++] = (unsigned char)(0x80 | bytes);
		for (k = bytes; k-- > 0;)
			head[h++] = (unsigned char)(n >> (8 * k));
	}
	der_put(d, head, h);
	der_put(d, content, n);
}

/* Appends an INTEGER holding the unsigned big-endian `bytes`: leading zero bytes dropped, one
 * put back where the first bit would read as a sign. */
static void der_uint(struct der *d, const unsigned char *bytes, size_t n)
{
	struct der v = {0};
	static const unsigned char zero = 0;

	while (n > 0 && bytes[0] == 0) {
		bytes++;
		n--;
	}
	if (n == 0 || bytes[0] & 0x80)
		der_put(&v, &zero, 1);
	der_put(&v, bytes, n);
	if (v.failed)
		d->failed = 1;
	else
		der_tlv(d, 0x02, v.p, v.len);
	der_free(&v);
}

/* Appends the INTEGER of a base64url JWK member; -1 when it is absent or not base64url. */
static int der_jwk_uint(struct der *d, json_t *jwk, const char *member)
{
	const char *text = jwk_str(jwk, member);
	unsigned char *raw;
	size_t n = 0;

	if (!text || !(raw = b64url_decode(text, &n)))
		return -1;
	der_uint(d, raw, n);
	memset(raw, 0, n);
	free(raw);
	return 0;
}

/* The PEM libjwt takes for an RSA JWK: SPKI of RSAPublicKey { n, e } (RFC 8017 A.1.1) to
 * verify; with `private`, RSAPrivateKey { 0, n, e, d, p, q, dp, dq, qi } (A.1.2). */
static unsigned char *rsa_pem(json_t *jwk, int private, const char **why)
{
	static const char *PUBLIC[] = {"n", "e", NULL};
	static const char *PRIVATE[] = {"n", "e", "d", "p", "q", "dp", "dq", "qi", NULL};
	static const unsigned char version0[3] = {0x02, 0x01, 0x00};
	const char **member;
	struct der body = {0}, seq = {0}, bits = {0}, spki = {0};
	unsigned char *pem = NULL;

	if (private)
		der_put(&body, version0, sizeof version0);
	for (member = private ? PRIVATE : PUBLIC; *member; member++) {
		if (der_jwk_uint(&body, jwk, *member)) {
			*why = private ? "the RSA key lacks one of n, e, d, p, q, dp, dq, qi in base64url"
				       : "the RSA key's n or e is not base64url";
			der_free(&body);
			return NULL;
		}
	}
	der_tlv(&seq, 0x30, body.p, body.len);
	if (private) {
		if (!seq.failed && !body.failed)
			pem = (unsigned char *)pem_wrap("RSA PRIVATE KEY", seq.p, seq.len);
	} else {
		static const unsigned char unused_bits = 0;

		der_put(&bits, &unused_bits, 1);
		der_put(&bits, seq.p, seq.len);
		der_put(&spki, ALGID_RSA, sizeof ALGID_RSA);
		der_tlv(&spki, 0x03, bits.p, bits.len);
		der_free(&seq);
		der_tlv(&seq, 0x30, spki.p, spki.len);
		if (!body.failed && !bits.failed && !spki.failed && !seq.failed)
			pem = (unsigned char *)pem_wrap("PUBLIC KEY", seq.p, seq.len);
	}
	der_free(&body);
	der_free(&seq);
	der_free(&bits);
	der_free(&spki);
	if (!pem)
		*why = "out of memory";
	return pem;
}

/* Decodes a base64url member of exactly `want` bytes into `out`; 0 on success. */
static int jwk_coord(json_t *jwk, const char *member, unsigned char *out, size_t want)
{
	const char *text = jwk_str(jwk, member);
	unsigned char *raw;
	size_t n = 0;

	if (!text)
		return -1;
	raw = b64url_decode(text, &n);
	if (!raw)
		return -1;
	if (n != want) {
		free(raw);
		return -1;
	}
	memcpy(out, raw, want);
	free(raw);
	return 0;
}

/* The key material libjwt takes for a JWK: the raw secret for `oct`, a PEM public key (or,
 * with `private`, a PEM private key) for EC P-256 and for RSA. NULL with `why` set when it has
 * none. */
static unsigned char *library_key(json_t *jwk, int private, int *len, const char **why)
{
	const char *kty = jwk_str(jwk, "kty");

	*len = 0;
	if (!json_is_object(jwk)) {
		*why = "the key is not a JSON object";
		return NULL;
	}
	if (kty && !strcmp(kty, "oct")) {
		const char *k = jwk_str(jwk, "k");
		size_t n = 0;
		unsigned char *secret;

		if (!k) {
			*why = "the oct key has no string `k`";
			return NULL;
		}
		secret = b64url_decode(k, &n);
		if (!secret) {
			*why = "the oct key's `k` is not base64url";
			return NULL;
		}
		if (n > 0x7fffffff) {
			free(secret);
			*why = "the secret is too long";
			return NULL;
		}
		*len = (int)n;
		return secret;
	}
	if (kty && !strcmp(kty, "EC")) {
		const char *crv = jwk_str(jwk, "crv");
		unsigned char der[121], *pem;
		size_t der_len;

		if (!crv || strcmp(crv, "P-256")) {
			*why = "the EC key is not on P-256";
			return NULL;
		}
		if (private) {
			memcpy(der, SEC1_HEAD, 7);
			memcpy(der + 39, SEC1_MID, 16);
			der[55] = 0x00;
			der[56] = 0x04;
			if (jwk_coord(jwk, "d", der + 7, 32) || jwk_coord(jwk, "x", der + 57, 32) ||
			    jwk_coord(jwk, "y", der + 89, 32)) {
				*why = "the EC key's d, x or y is not 32 bytes of base64url";
				return NULL;
			}
			der_len = 121;
		} else {
			memcpy(der, SPKI_P256, 26);
			der[26] = 0x04;
			if (jwk_coord(jwk, "x", der + 27, 32) || jwk_coord(jwk, "y", der + 59, 32)) {
				*why = "the EC key's x or y is not 32 bytes of base64url";
				return NULL;
			}
			der_len = 91;
		}
		pem = (unsigned char *)pem_wrap(private ? "EC PRIVATE KEY" : "PUBLIC KEY", der,
						der_len);
		memset(der, 0, sizeof der);
		if (!pem) {
			*why = "out of memory";
			return NULL;
		}
		*len = (int)strlen((char *)pem);
		return pem;
	}
	if (kty && !strcmp(kty, "RSA")) {
		unsigned char *pem = rsa_pem(jwk, private, why);

		if (pem)
			*len = (int)strlen((char *)pem);
		return pem;
	}
	*why = "unsupported key type (only oct, EC and RSA)";
	return NULL;
}

static void free_key(unsigned char *key, int len)
{
	if (key) {
		memset(key, 0, (size_t)len);
		free(key);
	}
}

/* ---------------------------------------------------------------- describe */

static json_t *limitation(const char *check, const char *why)
{
	return json_pack("{s:s, s:s}", "check", check, "why", why);
}

static json_t *describe(void)
{
	json_t *cannot = json_array();

	json_array_append_new(cannot, limitation("issuer",
		"libjwt 1.10 has no issuer check: jwt_decode (jwt.c:529-604) verifies only the "
		"signature, and the only claim functions are accessors (jwt_get_grant, jwt.c:606-662)"));
	json_array_append_new(cannot, limitation("audience",
		"libjwt 1.10 has no audience check: jwt_decode (jwt.c:529-604) verifies only the "
		"signature, and the only claim functions are accessors (jwt_get_grant, jwt.c:606-662)"));
	json_array_append_new(cannot, limitation("required_claims",
		"libjwt 1.10 cannot require a claim: jwt_decode (jwt.c:529-604) verifies only the "
		"signature and accepts any claims object"));
	json_array_append_new(cannot, limitation("exp",
		"libjwt 1.10 never reads `exp`: jwt_decode (jwt.c:529-604) verifies only the "
		"signature; expiry checks came with the jwt_valid_* API of 1.12.0"));
	json_array_append_new(cannot, limitation("nbf",
		"libjwt 1.10 never reads `nbf`: jwt_decode (jwt.c:529-604) verifies only the "
		"signature; not-before checks came with the jwt_valid_* API of 1.12.0"));
	json_array_append_new(cannot, limitation("date_types",
		"libjwt 1.10 never reads `exp`, `nbf` or `iat`, so it checks no date's type "
		"(jwt.c:461-473 parses the claims and nothing looks into them)"));
	json_array_append_new(cannot, limitation("duplicate_members",
		"header and claims are parsed with json_loads(buf, 0, NULL) (jwt.c:379): without "
		"JSON_REJECT_DUPLICATES jansson keeps the last duplicate member, and jwt_decode "
		"takes no parser flags"));
	json_array_append_new(cannot, limitation("crit",
		"`crit` is never read: jwt_verify_head (jwt.c:489-527) looks only at `alg` and `typ`"));

	return json_pack("{s:b, s:s, s:s, s:[s,s,s,s], s:s, s:[s,s], s:o}", "ok", 1, "name",
			 NAME, "version", LIBJWT_VERSION, "algorithms", "HS256", "ES256", "RS256",
			 "RS512", "clock", "injected", "modes", "configured", "defaults",
			 "cannot_enforce", cannot);
}

/* ---------------------------------------------------------------- sign */

static const char *family_of(jwt_alg_t alg);

static json_t *sign(json_t *req)
{
	const char *alg_name = json_string_value(json_object_get(req, "alg"));
	json_t *header = json_object_get(req, "header");
	json_t *claims = json_object_get(req, "claims");
	jwt_alg_t alg;
	const char *why = NULL, *kty;
	unsigned char *key;
	int key_len, ret;
	jwt_t *jwt = NULL;
	char *text, *token;
	json_t *out;

	if (!alg_name || (strcmp(alg_name, "HS256") && strcmp(alg_name, "ES256") &&
			  strcmp(alg_name, "RS256") && strcmp(alg_name, "RS512")))
		return fail(NULL, "unsupported algorithm");
	if (!json_is_object(claims))
		return fail(NULL, "claims is not an object");
	if (header && !json_is_null(header) && !json_is_object(header))
		return fail(NULL, "header is not an object");
	alg = jwt_str_alg(alg_name);
	key = library_key(json_object_get(req, "key"), alg != JWT_ALG_HS256, &key_len, &why);
	if (!key)
		return fail("invalid_key", "unusable key: %s", why);
	kty = jwk_str(json_object_get(req, "key"), "kty"); /* oct, EC or RSA: library_key took it */
	if (!kty || strcmp(kty, family_of(alg))) {
		free_key(key, key_len);
		return fail("key_family_mismatch", "the key does not fit %s", alg_name);
	}

	ret = jwt_new(&jwt);
	if (!ret)
		ret = jwt_set_alg(jwt, alg, key, key_len);
	free_key(key, key_len);
	if (ret) {
		jwt_free(jwt);
		return fail(ret == EINVAL ? "invalid_key" : NULL, "jwt_set_alg: %s", strerror(ret));
	}
	if (json_is_object(header) && json_object_size(header) > 0) {
		text = json_dumps(header, JSON_COMPACT);
		ret = text ? jwt_add_headers_json(jwt, text) : ENOMEM;
		free(text);
		if (ret) {
			jwt_free(jwt);
			return fail(NULL, "jwt_add_headers_json: %s", strerror(ret));
		}
	}
	text = json_dumps(claims, JSON_COMPACT);
	ret = text ? jwt_add_grants_json(jwt, text) : ENOMEM;
	free(text);
	if (ret) {
		jwt_free(jwt);
		return fail(NULL, "jwt_add_grants_json: %s", strerror(ret));
	}
	token = jwt_encode_str(jwt);
	ret = errno;
	jwt_free(jwt);
	if (!token)
		return fail(NULL, "jwt_encode_str: %s", strerror(ret ? ret : EINVAL));
	out = json_pack("{s:b, s:s}", "ok", 1, "token", token);
	free(token);
	return out;
}

/* ---------------------------------------------------------------- verify */

/* The family of keys an algorithm of the library needs: "oct", "RSA", "EC", or NULL for
 * none. */
static const char *family_of(jwt_alg_t alg)
{
	switch (alg) {
	case JWT_ALG_HS256:
	case JWT_ALG_HS384:
	case JWT_ALG_HS512:
		return "oct";
	case JWT_ALG_RS256:
	case JWT_ALG_RS384:
	case JWT_ALG_RS512:
		return "RSA";
	case JWT_ALG_NONE:
	case JWT_ALG_INVAL:
		return NULL;
	default:
		return "EC";
	}
}

/* Why the library refused a token before any key was tried: it gives only EINVAL, so this
 * looks at the header the way jwt_verify_head does (jwt.c:489-527) to name the reason. The
 * verdict is the library's; this only labels it. */
static const char *form_reason(const char *token)
{
	const char *dot1 = strchr(token, '.'), *dot2;
	const char *reason = "invalid_json";
	char *segment, *plain;
	size_t n = 0;
	json_t *head, *alg, *typ;

	if (!dot1 || !(dot2 = strchr(dot1 + 1, '.')))
		return "segment_count";
	segment = strndup(token, (size_t)(dot1 - token));
	if (!segment)
		return NULL;
	plain = (char *)b64url_decode(segment, &n);
	free(segment);
	if (!plain)
		return "invalid_base64";
	head = json_loadb(plain, n, JSON_DECODE_ANY, NULL);
	free(plain);
	if (!head)
		return "invalid_json";
	alg = json_object_get(head, "alg");
	typ = json_object_get(head, "typ");
	if (!json_is_object(head))
		reason = "not_an_object";
	else if (!alg)
		reason = "alg_missing";
	else if (!json_is_string(alg))
		reason = "header_member_type";
	else if (jwt_str_alg(json_string_value(alg)) == JWT_ALG_INVAL)
		reason = "alg_not_allowed";
	else if (json_is_string(typ) && strcasecmp(json_string_value(typ), "JWT"))
		reason = "header_value";
	json_decref(head);
	return reason;
}

static int allowed(json_t *algorithms, const char *name)
{
	size_t i;
	json_t *a;

	if (!name)
		return 0;
	json_array_foreach(algorithms, i, a) {
		if (json_is_string(a) && !strcmp(json_string_value(a), name))
			return 1;
	}
	return 0;
}

/* The decoded header or claims as the library holds them (jwt_get_*_json dumps them with
 * jansson), parsed back for the answer. */
static json_t *read_back(char *text)
{
	json_t *value = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;

	free(text);
	return value;
}

static json_t *accepted(jwt_t *jwt, const char *id)
{
	json_t *header = read_back(jwt_get_headers_json(jwt, NULL));
	json_t *claims = read_back(jwt_get_grants_json(jwt, NULL));

	if (!json_is_object(claims)) {
		/* jansson's json_loads takes an array at the top level too (jwt.c:379), and nothing
		 * checks that the claims are an object: the library verified a token without claims.
		 * The answer carries {} so that it stays protocol v1; the acceptance stands. */
		fprintf(stderr, "%s: libjwt accepted claims that are not an object\n", id ? id : "?");
		json_decref(claims);
		claims = json_object();
	}
	if (!json_is_object(header)) {
		json_decref(header);
		header = json_object();
	}
	return json_pack("{s:b, s:o, s:o}", "ok", 1, "header", header, "claims", claims);
}

static json_t *verify(json_t *req, const char *id)
{
	json_t *token_v = json_object_get(req, "token");
	json_t *algorithms = json_object_get(req, "algorithms");
	json_t *keys = json_object_get(req, "keys");
	const char *token = json_string_value(token_v);
	jwt_t *peek = NULL, *jwt = NULL;
	const char *alg_text, *kid, *family;
	json_t *kid_member = NULL, *candidates, *jwk;
	jwt_alg_t alg;
	char *kid_json;
	size_t i;
	int ret;
	const char *last_reason = "no_key";
	char last_error[512] = "no configured key can verify the token";
	json_t *out = NULL;

	/* `mode` changes nothing: libjwt takes no option besides the key (see the top). */
	if (!token)
		return fail(NULL, "token is not a string");
	if (strlen(token) != json_string_length(token_v))
		return fail("invalid_base64",
			    "the token holds a NUL byte, which jwt_decode's C string cannot carry");
	if (!json_is_array(algorithms) || !json_is_array(keys))
		return fail(NULL, "algorithms and keys must be arrays");

	/* 1. The header as the library reads it, without a key, to find `kid` and `alg`. */
	ret = jwt_decode(&peek, token, NULL, 0);
	if (ret)
		return fail(form_reason(token), "jwt_decode refused the token: %s", strerror(ret));
	alg_text = jwt_get_header(peek, "alg");
	alg = jwt_str_alg(alg_text);
	family = family_of(alg);
	kid_json = jwt_get_headers_json(peek, "kid");
	if (kid_json) {
		kid_member = json_loads(kid_json, JSON_DECODE_ANY, NULL);
		free(kid_json);
	}
	jwt_free(peek);

	/* 2. The keys to try: the one the kid names, else those of the alg's family, else all. */
	candidates = json_array();
	if (kid_member) {
		kid = json_string_value(kid_member);
		if (!kid) {
			json_decref(kid_member);
			json_decref(candidates);
			return fail("header_member_type", "kid is not a string, so it names no key");
		}
		json_array_foreach(keys, i, jwk) {
			const char *k = jwk_str(jwk, "kid");

			if (k && !strcmp(k, kid)) {
				json_array_append(candidates, jwk);
				break;
			}
		}
		if (json_array_size(candidates) == 0) {
			out = fail("unknown_kid", "no configured key has the token's kid");
			json_decref(kid_member);
			json_decref(candidates);
			return out;
		}
		json_decref(kid_member);
	} else {
		json_array_foreach(keys, i, jwk) {
			const char *kty = jwk_str(jwk, "kty");

			if (family && kty && !strcmp(kty, family))
				json_array_append(candidates, jwk);
		}
		if (json_array_size(candidates) == 0)
			json_array_extend(candidates, keys);
	}

	/* 3. jwt_decode with each key in turn; the first that verifies decides. */
	json_array_foreach(candidates, i, jwk) {
		const char *why = NULL, *kty = jwk_str(jwk, "kty");
		int key_len = 0;
		unsigned char *key = library_key(jwk, 0, &key_len, &why);

		if (!key) {
			last_reason = "invalid_key";
			snprintf(last_error, sizeof last_error, "unusable key: %s", why);
			continue;
		}
		ret = jwt_decode(&jwt, token, key, key_len);
		free_key(key, key_len);
		if (ret) {
			if (alg == JWT_ALG_NONE)
				last_reason = "alg_none";
			else if (family && kty && strcmp(kty, family))
				last_reason = "key_family_mismatch";
			else
				last_reason = "bad_signature";
			snprintf(last_error, sizeof last_error,
				 "jwt_decode refused the token with the %s key: %s", kty ? kty : "?",
				 strerror(ret));
			continue;
		}
		/* The allow-list, against the algorithm the library verified with. */
		if (!allowed(algorithms, jwt_alg_str(jwt_get_alg(jwt)))) {
			if (jwt_get_alg(jwt) == JWT_ALG_NONE && alg != JWT_ALG_NONE)
				out = fail(key_len == 0 ? "empty_key" : "alg_not_allowed",
					   "jwt_decode checked no signature (an empty key counts as no "
					   "key) and reports alg none, which the allow-list refuses");
			else
				out = fail(alg == JWT_ALG_NONE ? "alg_none" : "alg_not_allowed",
					   "jwt_decode verified alg %s, which is not in the allow-list",
					   jwt_alg_str(jwt_get_alg(jwt)));
		} else {
			out = accepted(jwt, id);
		}
		jwt_free(jwt);
		break;
	}
	json_decref(candidates);
	if (!out)
		out = fail(last_reason, "%s", last_error);
	return out;
}

/* ---------------------------------------------------------------- the loop */

static json_t *handle(const char *line, size_t len, json_t **id_out)
{
	json_error_t error;
	json_t *req = json_loadb(line, len, JSON_ALLOW_NUL, &error);
	json_t *out, *id;
	const char *op;

	*id_out = NULL;
	if (!req) {
		/* Perhaps only a number jansson cannot hold (an integer beyond 64 bits): read the line
		 * again with every number as a double, just to answer under the request's id. */
		json_t *again = json_loadb(line, len, JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL, NULL);

		if (again)
			*id_out = json_incref(json_object_get(again, "id"));
		json_decref(again);
		return fail(NULL, "cannot parse the request: %s", error.text);
	}
	id = json_object_get(req, "id");
	*id_out = json_incref(id);
	op = json_string_value(json_object_get(req, "op"));
	if (op && !strcmp(op, "describe"))
		out = describe();
	else if (op && !strcmp(op, "sign"))
		out = sign(req);
	else if (op && !strcmp(op, "verify"))
		out = verify(req, json_string_value(id));
	else
		out = fail(NULL, "unknown op");
	json_decref(req);
	return out;
}

static void answer(json_t *out, json_t *id)
{
	json_t *line = json_object();
	char *text;

	if (id)
		json_object_set(line, "id", id);
	json_object_update(line, out);
	text = json_dumps(line, JSON_COMPACT);
	if (!text) {
		json_t *fallback = fail(NULL, "cannot write the answer");

		if (id)
			json_object_set(fallback, "id", id);
		text = json_dumps(fallback, JSON_COMPACT);
		json_decref(fallback);
	}
	if (text) {
		fputs(text, stdout);
		free(text);
	}
	fputc('\n', stdout);
	fflush(stdout);
	json_decref(line);
}

static int blank(const char *line, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			return 0;
	}
	return 1;
}

/* The id of a request too long to keep: the value after the first `"id":` of what was kept
 * (the harness writes `op` and `id` first), so that the refusal still answers that request. */
static json_t *id_of_prefix(const char *line, size_t len)
{
	const char *at = memmem(line, len, "\"id\":", 5);

	if (!at)
		return NULL;
	at += 5;
	return json_loadb(at, len - (size_t)(at - line), JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK,
			  NULL);
}

static void *serve(void *unused)
{
	size_t cap = 1 << 16, len;
	char *buf = malloc(cap);
	int c;

	(void)unused;
	if (!buf)
		return NULL;
	for (;;) {
		int too_long = 0;
		json_t *out, *id = NULL;

		len = 0;
		while ((c = getc_unlocked(stdin)) != EOF && c != '\n') {
			if (len >= MAX_LINE) {
				too_long = 1;
				continue;
			}
			if (len + 1 >= cap) {
				size_t more = cap * 2 > MAX_LINE + 1 ? MAX_LINE + 1 : cap * 2;
				char *grown = realloc(buf, more);

				if (!grown) {
					too_long = 1;
					continue;
				}
				buf = grown;
				cap = more;
			}
			buf[len++] = (char)c;
		}
		if (c == EOF && len == 0)
			break;
		if (too_long) {
			out = fail(NULL, "request line longer than the adapter's 16 MiB bound");
			id = id_of_prefix(buf, len);
		} else if (blank(buf, len)) {
			continue; /* not a request: nothing to answer */
		} else {
			out = handle(buf, len, &id);
		}
		answer(out, id);
		json_decref(out);
		json_decref(id);
		if (c == EOF)
			break;
	}
	free(buf);
	return NULL;
}

int main(void)
{
	pthread_attr_t attr;
	pthread_t thread;

	/* The requests are served on a thread with a large stack: libjwt copies token segments
	 * onto the stack (alloca, jwt.c:333, 1028, 1047). */
	if (pthread_attr_init(&attr) == 0 && pthread_attr_setstacksize(&attr, STACK_SIZE) == 0 &&
	    pthread_create(&thread, &attr, serve, NULL) == 0) {
		pthread_join(thread, NULL);
	} else {
		serve(NULL);
	}
	return 0;
}
