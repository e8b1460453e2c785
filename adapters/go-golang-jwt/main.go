// golang-jwt/jwt v4 (Debian's golang-github-golang-jwt-jwt-dev) behind idjwt adapter protocol v1
// (docs/adapter-protocol.md): one JSON request per stdin line, one JSON response per stdout
// line; exits when stdin closes.
//
// The library is used as its documentation shows. Sign: jwt.NewWithClaims + SignedString
// (token.go:44-68). Verify: jwt.Parse with a Keyfunc that returns the key the token's kid names
// (the Keyfunc's stated purpose, token.go:22-26) and jwt.WithValidMethods, which the option's
// doc "heavily encourages" (parser_option.go:8-14); Parse then runs MapClaims.Valid (exp, iat,
// nbf against jwt.TimeFunc, map_claims.go:120-151) and the signature check (parser.go:88-116).
// An issuer and an audience are compared by the further calls MapClaims.VerifyIssuer /
// VerifyAudience with required=true (map_claims.go:14-33, 113-118): v4's Parser has no option
// for them. Source lines are of the Debian package's tree (4.4.3).
//
// Clock: jwt.TimeFunc, "You can override it to use another time value" (token.go:17-20), is
// set to the request's `now` in configured mode, so the clock is injected. v4 has no leeway:
// Parse takes only WithValidMethods, WithJSONNumber and WithoutClaimsValidation
// (parser_option.go), and MapClaims.Valid says "There is no accounting for clock skew"
// (map_claims.go:121). The request's leeway is therefore not given to the library; the tokens
// it would have let through are refused, which is the library's behaviour (golang-jwt/jwt#16,
// which PR #139 set out to mitigate; v5 added WithLeeway). It is recorded as a divergence, not
// hidden by a claims type of the adapter's own overriding Valid (the workaround of
// dgrijalva/jwt-go#131), which would be the adapter's date check, not the library's.
//
// The allow-list: v4.4.3 has jwt.WithValidMethods, checked before the Keyfunc is called
// (parser.go:58-72), so the Keyfunc does not repeat the README's `token.Method.(*…)` test.
//
// Defaults mode (`"mode":"defaults"`): jwt.Parse(token, keyfunc, jwt.WithValidMethods(algs)),
// with jwt.TimeFunc left at time.Now (so `defaults_clock` is `system`). That is also what
// configured mode does, save the injected clock and the VerifyIssuer / VerifyAudience /
// required-`exp` calls: iss and aud are compared with nothing, and no claim is required.
//
// Keys: an `oct` JWK is its raw secret ([]byte), an EC JWK an *ecdsa.PublicKey (verify) or
// *ecdsa.PrivateKey (sign), and an RSA JWK an *rsa.PublicKey built from `n` and `e` (verify) or
// an *rsa.PrivateKey with `d` and the primes `p`, `q`, checked by its Validate and completed by
// Precompute (sign): the types rsa.go:48-49 and 77-78 ask for. The RSA import bounds nothing
// the library or crypto/rsa would bound (modulus size, exponent value); `e` only has to fit
// rsa.PublicKey's int.
//
// Nothing the library checks is re-checked here, and nothing it skips is added. The adapter's
// own part is what an application does around Parse: turning JWKs into keys and picking the
// key by kid.
package main

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v4"
)

// The Debian package version of golang-github-golang-jwt-jwt-dev this binary was built from,
// set at build time: -ldflags "-X main.version=$(dpkg-query -W -f='${Version}' …)".
var version string

const name = "go-golang-jwt"

// A refusal the adapter makes for the application's part (key import, key selection) or
// names after a further library call, with the policy's reason code.
type refusal struct {
	reason string
	msg    string
}

func (r *refusal) Error() string { return r.msg }

func refuse(reason, format string, args ...interface{}) *refusal {
	return &refusal{reason: reason, msg: fmt.Sprintf(format, args...)}
}

type limitation struct {
	Check string `json:"check"`
	Why   string `json:"why"`
}

var cannotEnforce = []limitation{
	{"required_claims", "v4's Parser has no option to require a claim (parser_option.go:8-29); " +
		"MapClaims can require only exp, iat and nbf (VerifyExpiresAt / VerifyIssuedAt / " +
		"VerifyNotBefore with req=true, map_claims.go:35-111) and compares iss and aud only " +
		"with a given value; any other required claim cannot be asked for"},
	{"duplicate_members", "the header goes through json.Unmarshal and the claims through a " +
		"json.Decoder (parser.go:141, 152-161), and encoding/json keeps the last duplicate " +
		"member; the Parser takes no other JSON decoder"},
	{"crit", "`crit` is never read: ParseWithClaims (parser.go:52-117) checks alg, the key, " +
		"Claims.Valid() and the signature only, so any crit, even naming unknown extensions, " +
		"is accepted"},
}

func describe() map[string]interface{} {
	if version == "" {
		return fail("built without -X main.version: the library version is unknown; "+
			"rebuild with `cargo xtask adapters install --force go-golang-jwt`", "")
	}
	upstream := version
	if i := strings.Index(upstream, ":"); i >= 0 { // a Debian epoch
		upstream = upstream[i+1:]
	}
	if i := strings.LastIndex(upstream, "-"); i >= 0 { // the Debian revision
		upstream = upstream[:i]
	}
	return map[string]interface{}{
		"ok":             true,
		"name":           name,
		"version":        fmt.Sprintf("%s (Debian golang-github-golang-jwt-jwt-dev %s)", upstream, version),
		"algorithms":     supportedAlgorithms,
		"clock":          "injected",
		"defaults_clock": "system",
		"modes":          []string{"configured", "defaults"},
		"cannot_enforce": cannotEnforce,
	}
}

func fail(msg, reason string) map[string]interface{} {
	out := map[string]interface{}{"ok": false, "error": msg}
	if reason != "" {
		out["reason"] = reason
	}
	return out
}

// ---- keys -----------------------------------------------------------------------------------

type jwk map[string]interface{}

func (k jwk) str(member string) (string, bool) {
	s, ok := k[member].(string)
	return s, ok
}

func b64url(k jwk, member string) ([]byte, error) {
	s, ok := k.str(member)
	if !ok {
		return nil, refuse("invalid_key", "the %s key has no string %q", k["kty"], member)
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, refuse("invalid_key", "the %s key's %q is not base64url: %v", k["kty"], member, err)
	}
	return b, nil
}

// The P-256 coordinates of an EC JWK, checked as an application's JWK import would: the curve
// named, 32-byte coordinates, a point on the curve.
func ecPoint(k jwk) (*big.Int, *big.Int, error) {
	if crv, _ := k.str("crv"); crv != "P-256" {
		return nil, nil, refuse("invalid_key", "unsupported EC curve %v", k["crv"])
	}
	xb, err := b64url(k, "x")
	if err != nil {
		return nil, nil, err
	}
	yb, err := b64url(k, "y")
	if err != nil {
		return nil, nil, err
	}
	if len(xb) != 32 || len(yb) != 32 {
		return nil, nil, refuse("invalid_key", "P-256 coordinates are 32 bytes, not %d and %d", len(xb), len(yb))
	}
	x, y := new(big.Int).SetBytes(xb), new(big.Int).SetBytes(yb)
	if !elliptic.P256().IsOnCurve(x, y) {
		return nil, nil, refuse("invalid_key", "the EC key's (x, y) is not a point on P-256")
	}
	return x, y, nil
}

// An RSA JWK's public part, as an application's JWK import would read it: `n` and `e` as
// unsigned big-endian integers, `e` small enough for rsa.PublicKey's int. Nothing else is
// checked: the modulus size and the exponent's value are the library's to judge.
func rsaPublic(k jwk) (*rsa.PublicKey, error) {
	nb, err := b64url(k, "n")
	if err != nil {
		return nil, err
	}
	eb, err := b64url(k, "e")
	if err != nil {
		return nil, err
	}
	n, e := new(big.Int).SetBytes(nb), new(big.Int).SetBytes(eb)
	if n.Sign() == 0 {
		return nil, refuse("invalid_key", "the RSA key's modulus n is zero")
	}
	if !e.IsInt64() || e.Int64() > int64(^uint(0)>>1) {
		return nil, refuse("invalid_key", "the RSA key's exponent e does not fit an int")
	}
	return &rsa.PublicKey{N: n, E: int(e.Int64())}, nil
}

// The key golang-jwt takes for a JWK (hmac.go:10, ecdsa.go:17, 67-74, 101-108, rsa.go:48-49,
// 77-78): the raw secret as []byte for `oct`, *ecdsa.PublicKey to verify and *ecdsa.PrivateKey
// to sign for `EC`, *rsa.PublicKey to verify and *rsa.PrivateKey to sign for `RSA`.
func libraryKey(k jwk, signing bool) (interface{}, error) {
	switch kty, _ := k.str("kty"); kty {
	case "oct":
		return b64url(k, "k")
	case "EC":
		x, y, err := ecPoint(k)
		if err != nil {
			return nil, err
		}
		pub := ecdsa.PublicKey{Curve: elliptic.P256(), X: x, Y: y}
		if !signing {
			return &pub, nil
		}
		db, err := b64url(k, "d")
		if err != nil {
			return nil, err
		}
		d := new(big.Int).SetBytes(db)
		if len(db) != 32 || d.Sign() == 0 || d.Cmp(elliptic.P256().Params().N) >= 0 {
			return nil, refuse("invalid_key", "the EC private key d is not a P-256 scalar")
		}
		if gx, gy := elliptic.P256().ScalarBaseMult(db); gx.Cmp(x) != 0 || gy.Cmp(y) != 0 {
			return nil, refuse("invalid_key", "the EC private key d does not match (x, y)")
		}
		return &ecdsa.PrivateKey{PublicKey: pub, D: d}, nil
	case "RSA":
		pub, err := rsaPublic(k)
		if err != nil {
			return nil, err
		}
		if !signing {
			return pub, nil
		}
		var parts [3]*big.Int // d, p, q
		for i, member := range []string{"d", "p", "q"} {
			b, err := b64url(k, member)
			if err != nil {
				return nil, err
			}
			parts[i] = new(big.Int).SetBytes(b)
		}
		priv := &rsa.PrivateKey{PublicKey: *pub, D: parts[0], Primes: []*big.Int{parts[1], parts[2]}}
		if err := priv.Validate(); err != nil {
			return nil, refuse("invalid_key", "the RSA private key is inconsistent: %v", err)
		}
		priv.Precompute()
		return priv, nil
	default:
		return nil, refuse("invalid_key", "unsupported key type %v", k["kty"])
	}
}

// The key family (`oct`, `EC` or `RSA`) an alg calls for, or "".
func family(alg interface{}) string {
	s, _ := alg.(string)
	switch {
	case strings.HasPrefix(s, "HS"):
		return "oct"
	case strings.HasPrefix(s, "ES"):
		return "EC"
	case strings.HasPrefix(s, "RS"), strings.HasPrefix(s, "PS"):
		return "RSA"
	}
	return ""
}

// The configured keys to try for a header, as the application's Keyfunc picks them: the one
// its kid names, else every key of the alg's family (policy §3), else all of them (the
// library then refuses the family).
func candidates(header map[string]interface{}, keys []jwk) ([]jwk, error) {
	if kid, present := header["kid"]; present {
		s, ok := kid.(string)
		if !ok {
			return nil, refuse("header_member_type", "kid is not a string: %s", shortJSON(kid))
		}
		for _, k := range keys {
			if id, _ := k.str("kid"); id == s {
				if _, has := k["kid"]; has {
					return []jwk{k}, nil
				}
			}
		}
		return nil, refuse("unknown_kid", "no configured key has kid %q", s)
	}
	if len(keys) == 0 {
		return nil, refuse("no_key", "no key is configured")
	}
	var same []jwk
	for _, k := range keys {
		if kty, _ := k.str("kty"); kty == family(header["alg"]) {
			same = append(same, k)
		}
	}
	if len(same) > 0 {
		return same, nil
	}
	return keys, nil
}

// ---- requests -------------------------------------------------------------------------------

type request struct {
	Op         string                 `json:"op"`
	Alg        string                 `json:"alg"`
	Key        jwk                    `json:"key"`
	Header     map[string]interface{} `json:"header"`
	Claims     map[string]interface{} `json:"claims"`
	Token      string                 `json:"token"`
	Algorithms []string               `json:"algorithms"`
	Keys       []jwk                  `json:"keys"`
	Now        int64                  `json:"now"`
	Required   []string               `json:"required"`
	Issuer     *string                `json:"issuer"`
	Audience   *string                `json:"audience"`
	Mode       string                 `json:"mode"`
}

// The algorithms describe lists, the only ones sign accepts.
var supportedAlgorithms = []string{"HS256", "ES256", "RS256", "RS512"}

func supported(alg string) bool {
	for _, a := range supportedAlgorithms {
		if a == alg {
			return true
		}
	}
	return false
}

func sign(req *request) map[string]interface{} {
	method := jwt.GetSigningMethod(req.Alg)
	if method == nil || !supported(req.Alg) {
		return fail(fmt.Sprintf("unsupported algorithm %q", req.Alg), "")
	}
	key, err := libraryKey(req.Key, true)
	if err != nil {
		return fail(err.Error(), "")
	}
	claims := jwt.MapClaims(req.Claims)
	if claims == nil {
		claims = jwt.MapClaims{}
	}
	token := jwt.NewWithClaims(method, claims)
	// NewWithClaims starts the header as {"typ":"JWT","alg":…} (token.go:45-54); the protocol
	// wants alg and the requested members only, so typ stays only when it is asked for.
	delete(token.Header, "typ")
	for member, value := range req.Header {
		if member != "alg" {
			token.Header[member] = value
		}
	}
	signed, err := token.SignedString(key)
	if err != nil {
		return fail(fmt.Sprintf("golang-jwt: %v", err), "")
	}
	return map[string]interface{}{"ok": true, "token": signed}
}

func verify(req *request) map[string]interface{} {
	configured := req.Mode != "defaults"
	if configured {
		now := time.Unix(req.Now, 0)
		jwt.TimeFunc = func() time.Time { return now }
	} else {
		jwt.TimeFunc = time.Now
	}
	algorithms := req.Algorithms
	if algorithms == nil { // a nil ValidMethods would allow every method (parser.go:59)
		algorithms = []string{}
	}

	var tried []jwk
	var lastKey interface{} // the key the Keyfunc last returned, for the reason table
	var pickErr error
	picked, unusable := false, false
	for attempt := 0; ; attempt++ {
		unusable = false
		keyfunc := func(t *jwt.Token) (interface{}, error) {
			if !picked {
				tried, pickErr = candidates(t.Header, req.Keys)
				picked = true
			}
			if pickErr != nil {
				return nil, pickErr
			}
			key, err := libraryKey(tried[attempt], false)
			lastKey = key
			unusable = err != nil
			return key, err
		}
		token, err := jwt.Parse(req.Token, keyfunc, jwt.WithValidMethods(algorithms))
		if err != nil {
			var ve *jwt.ValidationError
			// Only an unusable key or a signature failure depends on the key; another key
			// may still verify it.
			keyFailed := unusable || (errors.As(err, &ve) &&
				ve.Errors&jwt.ValidationErrorSignatureInvalid != 0 &&
				!strings.HasPrefix(ve.Error(), "signing method "))
			if keyFailed && picked && pickErr == nil && attempt+1 < len(tried) {
				continue
			}
			return fail("golang-jwt: "+err.Error(), reasonFor(err, token, req.Token, lastKey))
		}
		claims, _ := token.Claims.(jwt.MapClaims)
		if configured {
			if r := furtherChecks(claims, req); r != nil {
				return fail(r.msg, r.reason)
			}
		}
		if claims == nil {
			claims = jwt.MapClaims{}
		}
		if len(claims) == 0 && !isObjectText(req.Token) {
			// A payload of `null` leaves Parse's MapClaims{} empty (parser.go:157-158): the
			// library verified a token that carries no claims object.
			fmt.Fprintf(os.Stderr, "golang-jwt accepted a payload that is not a JSON object\n")
		}
		return map[string]interface{}{"ok": true, "header": token.Header, "claims": claims}
	}
}

// What configured mode asks beyond Parse, each through the library's own MapClaims methods.
func furtherChecks(claims jwt.MapClaims, req *request) *refusal {
	for _, c := range req.Required {
		now := jwt.TimeFunc().Unix()
		ok := true
		switch c {
		case "exp":
			ok = claims.VerifyExpiresAt(now, true)
		case "nbf":
			ok = claims.VerifyNotBefore(now, true)
		case "iat":
			ok = claims.VerifyIssuedAt(now, true)
		}
		if !ok {
			if _, present := claims[c]; !present {
				return refuse("missing_claim", "golang-jwt: MapClaims.Verify…(now, true) for %q: the claim is missing", c)
			}
			return refuse(dateReason(claims, c), "golang-jwt: MapClaims.Verify…(now, true) for %q is false", c)
		}
	}
	if req.Issuer != nil && !claims.VerifyIssuer(*req.Issuer, true) {
		return refuse(claimReason(claims, "iss", "issuer_mismatch"),
			"golang-jwt: MapClaims.VerifyIssuer(%q, true) is false for iss %s", *req.Issuer, shortJSON(claims["iss"]))
	}
	if req.Audience != nil && !claims.VerifyAudience(*req.Audience, true) {
		return refuse(claimReason(claims, "aud", "audience_mismatch"),
			"golang-jwt: MapClaims.VerifyAudience(%q, true) is false for aud %s", *req.Audience, shortJSON(claims["aud"]))
	}
	return nil
}

// ---- reasons --------------------------------------------------------------------------------

// The closest reason code for an error of jwt.Parse (errors.go: the ValidationError flags).
func reasonFor(err error, token *jwt.Token, raw string, key interface{}) string {
	var r *refusal
	if errors.As(err, &r) {
		return r.reason
	}
	var ve *jwt.ValidationError
	if !errors.As(err, &ve) {
		return ""
	}
	parts := strings.Split(raw, ".")
	var header map[string]interface{}
	var claims jwt.MapClaims
	if token != nil {
		header = token.Header
		claims, _ = token.Claims.(jwt.MapClaims)
	}
	switch {
	case ve.Errors&jwt.ValidationErrorMalformed != 0:
		var syntax *json.SyntaxError
		var typeErr *json.UnmarshalTypeError
		var corrupt base64.CorruptInputError
		switch {
		case len(parts) != 3:
			return "segment_count"
		case parts[0] == "" || parts[1] == "":
			return "empty_segment"
		case errors.As(err, &corrupt), strings.Contains(err.Error(), "bearer"):
			return "invalid_base64"
		case errors.As(err, &typeErr) && typeErr.Field == "" &&
			strings.Contains(" array string number bool ", " "+typeErr.Value+" "):
			return "not_an_object"
		case errors.As(err, &syntax), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return "invalid_json"
		}
		return ""
	case ve.Errors&jwt.ValidationErrorSignatureInvalid != 0:
		msg := ve.Error()
		if strings.HasPrefix(msg, "signing method ") { // the allow-list (parser.go:59-72)
			if alg, _ := header["alg"].(string); strings.EqualFold(alg, "none") {
				return "alg_none"
			}
			return "alg_not_allowed"
		}
		var corrupt base64.CorruptInputError
		switch {
		case errors.Is(err, jwt.ErrInvalidKeyType):
			return "key_family_mismatch"
		case parts[2] == "":
			return "empty_segment"
		case errors.As(err, &corrupt):
			return "invalid_base64"
		}
		want := map[string]int{"HS256": 32, "ES256": 64}[fmt.Sprint(header["alg"])]
		if pub, ok := key.(*rsa.PublicKey); ok && family(header["alg"]) == "RSA" {
			want = pub.Size() // RFC 8017 §8.2.2: as many bytes as the modulus
		}
		if sig, e := jwt.DecodeSegment(parts[2]); e == nil && want > 0 && len(sig) != want {
			return "signature_length"
		}
		return "bad_signature"
	case ve.Errors&jwt.ValidationErrorUnverifiable != 0:
		// parser.go:167-174: an alg the library has no method for, or none at all.
		if header == nil {
			return "not_an_object"
		}
		alg, present := header["alg"]
		if !present {
			return "alg_missing"
		}
		s, ok := alg.(string)
		if !ok {
			return "header_member_type"
		}
		if strings.EqualFold(s, "none") {
			return "alg_none"
		}
		return "alg_not_allowed"
	case ve.Errors&jwt.ValidationErrorExpired != 0:
		return dateReason(claims, "exp")
	case ve.Errors&jwt.ValidationErrorNotValidYet != 0:
		return dateReason(claims, "nbf")
	case ve.Errors&jwt.ValidationErrorIssuedAt != 0:
		// policy.md §5.6 checks iat for its type and range only; a later iat has no code of
		// its own, and "used before issued" is closest to not yet valid.
		return dateReason(claims, "iat")
	}
	return ""
}

// The reason for a date claim the library refused: its type when it is no JSON number,
// otherwise the comparison that failed.
func dateReason(claims jwt.MapClaims, member string) string {
	switch v := claims[member].(type) {
	case float64:
		if v < 0 || v > 253402300799 { // policy.md §5.2
			return "date_out_of_range"
		}
	case json.Number:
	default:
		if _, present := claims[member]; present {
			return "claim_type"
		}
	}
	if member == "exp" {
		return "expired"
	}
	return "not_yet_valid"
}

func claimReason(claims jwt.MapClaims, member, mismatch string) string {
	switch v := claims[member].(type) {
	case nil:
		if _, present := claims[member]; !present {
			return "missing_claim"
		}
		return "claim_type"
	case string:
		return mismatch
	case []interface{}:
		if member != "aud" || len(v) == 0 {
			return "claim_type"
		}
		for _, e := range v {
			if _, ok := e.(string); !ok {
				return "claim_type"
			}
		}
		return mismatch
	default:
		return "claim_type"
	}
}

// Whether the token's payload segment decodes to text starting with `{`.
func isObjectText(raw string) bool {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	return err == nil && bytes.HasPrefix(bytes.TrimSpace(b), []byte("{"))
}

func shortJSON(v interface{}) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%T", v)
	}
	if len(b) > 80 {
		return string(b[:80]) + "…"
	}
	return string(b)
}

// ---- the loop -------------------------------------------------------------------------------

// The protocol's JSON cannot carry values nested deeper than serde_json's limit, which
// encoding/json lets through: values below depth 64 become null, and stderr says so.
func wire(v interface{}, depth int, clipped *bool) interface{} {
	switch t := v.(type) {
	case map[string]interface{}:
		if depth >= 64 {
			*clipped = true
			return nil
		}
		out := make(map[string]interface{}, len(t))
		for k, e := range t {
			out[k] = wire(e, depth+1, clipped)
		}
		return out
	case jwt.MapClaims:
		return wire(map[string]interface{}(t), depth, clipped)
	case []interface{}:
		if depth >= 64 {
			*clipped = true
			return nil
		}
		out := make([]interface{}, len(t))
		for i, e := range t {
			out[i] = wire(e, depth+1, clipped)
		}
		return out
	}
	return v
}

func answer(line []byte) map[string]interface{} {
	var req request
	var envelope struct {
		ID json.RawMessage `json:"id"`
	}
	if err := json.Unmarshal(line, &envelope); err != nil {
		return fail("not a JSON request: "+err.Error(), "")
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber() // claims to sign keep their numbers exactly as written
	var out map[string]interface{}
	if err := dec.Decode(&req); err != nil {
		out = fail("malformed request: "+err.Error(), "")
	} else {
		switch req.Op {
		case "describe":
			out = describe()
		case "sign":
			out = sign(&req)
		case "verify":
			out = verify(&req)
		default:
			out = fail(fmt.Sprintf("unknown op %q", req.Op), "")
		}
	}
	if len(envelope.ID) > 0 && string(envelope.ID) != "null" {
		out["id"] = envelope.ID
	}
	return out
}

func main() {
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for {
		line, err := in.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			// A panic of the library is not caught: the adapter dies, and the harness reports
			// a crash with the panic's text from stderr.
			response := answer(line)
			clipped := false
			if h, ok := response["header"]; ok {
				response["header"] = wire(h, 1, &clipped)
			}
			if c, ok := response["claims"]; ok {
				response["claims"] = wire(c, 1, &clipped)
			}
			if clipped {
				fmt.Fprintf(os.Stderr, "%s: values nested deeper than 64 replaced by null\n", response["id"])
			}
			if e := enc.Encode(response); e != nil {
				fmt.Fprintf(os.Stderr, "cannot write the answer: %v\n", e)
				os.Exit(74)
			}
			if e := out.Flush(); e != nil {
				os.Exit(74)
			}
		}
		if err == io.EOF {
			return
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "reading stdin: %v\n", err)
			os.Exit(74)
		}
	}
}
