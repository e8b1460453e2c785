# frozen_string_literal: true

# ruby-jwt (the `jwt` gem, Debian's ruby-jwt) behind idjwt adapter protocol v1
# (docs/adapter-protocol.md).
#
# The library is used as its README shows: `JWT.encode(payload, key, alg, header_fields)` and
# `JWT.decode(token, nil, true, options) { |header| key }` with `algorithms`, `iss`/`verify_iss`,
# `aud`/`verify_aud`, `leeway` and `required_claims`; the key-finder block picks the key the
# token's `kid` names. EC and RSA keys come from `JWT::JWK.import` (an OpenSSL::PKey::EC or
# OpenSSL::PKey::RSA, public for verify and private when the JWK carries `d` and the CRT members,
# built by jwk/rsa.rb:69-74, 92-106). HMAC keys are the raw secret, as the
# README passes them: `JWT::JWK::HMAC.import` keeps the base64url text of `k` as the secret
# (jwk/hmac.rb:62), which would sign with the wrong bytes. Nothing the library checks is
# re-checked here. The library compares against `Time.now` (verify.rb:42, 81) and takes no
# "now", so the clock is `system`.
#
# Defaults mode (`"mode":"defaults"`): `JWT.decode(token, nil, true, algorithms: [...])` with the
# same key-finder block. Left at the gem's defaults (configuration/decode_configuration.rb:17-28,
# merged in jwt.rb:29), `exp` and `nbf` are compared with no leeway, `iss` and `aud` not at all,
# and no claim is required.
#
# Keys published at a URL (a request with `jwks`) go to `JWT.decode` as the `jwks:` option, a
# loader per URL (RemoteSet below) that the gem's JWK::KeyFinder calls; the gem picks the key.

require 'base64'
require 'json'
require 'jwt'
require 'net/http'

NAME = 'ruby-jwt'
CANNOT_ENFORCE = [
  { check: 'duplicate_members',
    why: 'header and claims go through ::JSON.parse (json.rb:14, decode.rb:140), which keeps the ' \
         'last duplicate member; the gem offers no other parser' },
  { check: 'crit',
    why: '`crit` is never read: Decode (decode.rb) checks only alg, the signature and the ' \
         'claims, so any crit, even naming unknown extensions, is accepted' }
].freeze

# Raised by the key finder when the token's kid names no configured key.
class UnknownKid < StandardError; end
# Raised by a key-set loader when the publisher's answer is not a key set.
class KeySetUnavailable < StandardError; end
# Raised by the key finder when the key the kid names cannot be imported.
class UnusableKey < StandardError; end

def fail_with(error, reason = nil)
  out = { 'ok' => false, 'error' => error }
  out['reason'] = reason if reason
  out
end

# [exception class, text in its message (downcased), reason code]: the first match wins.
RULES = [
  [UnknownKid, '', 'unknown_kid'],
  [KeySetUnavailable, '', 'key_set_unavailable'],
  [Net::OpenTimeout, '', 'key_set_unavailable'],
  [Net::ReadTimeout, '', 'key_set_unavailable'],
  [SystemCallError, '', 'key_set_unavailable'], # connection refused or reset by the publisher
  [JWT::DecodeError, 'could not find public key', 'unknown_kid'],
  [JWT::DecodeError, 'no key id (kid) found', 'header_missing'],
  [UnusableKey, 'cannot be empty', 'empty_key'],
  [UnusableKey, '', 'invalid_key'],
  [JWT::VerificationError, '', 'bad_signature'],
  [JWT::ExpiredSignature, '', 'expired'],
  [JWT::ImmatureSignature, '', 'not_yet_valid'],
  [JWT::InvalidIssuerError, '', 'issuer_mismatch'],
  [JWT::InvalidAudError, '', 'audience_mismatch'],
  [JWT::InvalidIatError, '', 'claim_type'],
  [JWT::MissingRequiredClaim, '', 'missing_claim'],
  [JWT::UnsupportedEcdsaCurve, '', 'invalid_key'],
  [JWT::IncorrectAlgorithm, 'missing alg', 'alg_missing'],
  [JWT::IncorrectAlgorithm, 'key was provided', 'key_family_mismatch'],
  [JWT::IncorrectAlgorithm, '', 'alg_not_allowed'],
  [JWT::JWKError, '', 'invalid_key'],
  [JWT::DecodeError, 'segments', 'segment_count'],
  [JWT::DecodeError, 'invalid segment encoding', 'invalid_json'],
  [JWT::DecodeError, 'hmac key expected to be a string', 'key_family_mismatch'],
  [JWT::DecodeError, 'hmac key cannot be empty', 'empty_key'],
  [JWT::DecodeError, 'no verification key', 'no_key'],
  # What the library does not catch itself, by the method that failed on the malformed value:
  [NoMethodError, "`to_i'", 'claim_type'],            # exp/nbf not a number (verify.rb:42, 81)
  [NoMethodError, "`include?'", 'not_an_object'],     # claims not an object (verify.rb:41)
  [NoMethodError, "`[]'", 'not_an_object'],           # header not an object (decode.rb:124)
  [TypeError, 'string into integer', 'not_an_object'], # header or claims an array
  [NoMethodError, "`zero?'", 'header_member_type'],   # alg not a string (decode.rb:71)
  [NoMethodError, "`group'", 'key_family_mismatch'],  # ES256 with an HMAC secret (algos/ecdsa.rb:47)
  [NoMethodError, "`verify'", 'key_family_mismatch']  # RS256 with a secret (security_utils.rb:22)
].freeze

# The error text: the first line only (Ruby 3.1 appends a code excerpt), and for NoMethodError
# the receiver's class instead of its inspect, which could show a secret.
def error_text(err)
  if err.is_a?(NoMethodError)
    receiver = begin
      err.receiver.class
    rescue ArgumentError
      'an object'
    end
    return "NoMethodError: undefined method `#{err.name}' for #{receiver}"
  end
  "#{err.class}: #{err.message.lines.first.to_s.chomp}"
end

def reason_for(err)
  m = error_text(err).downcase
  RULES.each { |cls, text, code| return code if err.is_a?(cls) && m.include?(text) }
  nil
end

def b64url(text)
  Base64.urlsafe_decode64(text)
end

# The library's key for a JWK: the raw secret for `oct`, an OpenSSL::PKey::EC for `EC`, an
# OpenSSL::PKey::RSA for `RSA`.
def library_key(jwk)
  case jwk['kty']
  when 'oct' then b64url(jwk['k'].to_s)
  when 'EC', 'RSA' then JWT::JWK.import(jwk).keypair
  else raise JWT::JWKError, "unsupported key type #{jwk['kty'].inspect}"
  end
end

def describe(_req)
  { 'ok' => true, 'name' => NAME, 'version' => JWT::VERSION::STRING,
    'algorithms' => %w[HS256 ES256 RS256 RS512], 'clock' => 'system',
    'modes' => %w[configured defaults], 'cannot_enforce' => CANNOT_ENFORCE, 'fetches_jwks' => true }
end

def sign(req)
  token = JWT.encode(req['claims'], library_key(req['key']), req['alg'], req['header'] || {})
  { 'ok' => true, 'token' => token }
end

# The key class each alg family takes, by the alg's prefix (EC for any other alg).
FAMILIES = [['HS', String], ['ES', OpenSSL::PKey::EC], ['RS', OpenSSL::PKey::RSA]].freeze

# The keys the library is handed for a header: the one its kid names, else every key of the
# alg's family (policy §3), else all of them (the library then refuses the family).
def keys_for(header, jwks)
  if header.key?('kid')
    # As the gem's own KeyFinder#key_for (jwk/key_finder.rb:13-17): a null kid names no key.
    kid = header['kid']
    jwk = (jwks.find { |k| k['kid'] == kid } unless kid.nil?)
    raise UnknownKid, "no configured key has kid #{kid.inspect}" unless jwk

    begin
      return [library_key(jwk)]
    rescue StandardError => e
      raise UnusableKey, "the key with kid #{kid.inspect} is unusable: #{e.message}"
    end
  end
  problems = []
  keys = jwks.filter_map do |k|
    library_key(k)
  rescue StandardError => e
    problems << e.message
    nil
  end
  raise UnusableKey, "no usable key: #{problems.first}" if keys.empty? && !problems.empty?

  _, family = FAMILIES.find { |prefix, _| header['alg'].to_s.start_with?(prefix) }
  family ||= OpenSSL::PKey::EC
  same = keys.select { |k| k.is_a?(family) }
  same.empty? ? keys : same
end

# A key-set loader for one URL, written as ruby-jwt's README writes one for `jwks:` (the gem
# fetches nothing itself): JWK::KeyFinder calls it for the set, and again with
# `kid_not_found: true` for a kid the set lacks (jwk/key_finder.rb:25-36), which fetches the
# set again once `refetch_after` seconds have passed since the last fetch. The fetch is
# Net::HTTP's, which follows no redirect; configured mode sets its open and read timeouts from
# the request, defaults mode leaves Net::HTTP's (60 s) and the README's 300-second grace.
class RemoteSet
  README_GRACE = 300

  def initialize(jwks, mode)
    @uri = URI(jwks['url'])
    @timeout = mode == 'defaults' ? nil : jwks['timeout_ms'] / 1000.0
    @refetch_after = mode == 'defaults' ? README_GRACE : jwks['refetch_after']
    @set = nil
    @fetched_at = nil
  end

  def call(options = {})
    @set = nil if options[:kid_not_found] && Time.now - @fetched_at >= @refetch_after
    @set ||= fetch
  end

  private

  def fetch
    http = Net::HTTP.new(@uri.host, @uri.port)
    http.open_timeout = http.read_timeout = @timeout if @timeout
    response = http.request(Net::HTTP::Get.new(@uri))
    @fetched_at = Time.now
    raise KeySetUnavailable, "HTTP #{response.code} from #{@uri}" unless response.is_a?(Net::HTTPOK)

    JSON.parse(response.body)
  rescue JSON::ParserError => e
    raise KeySetUnavailable, "the answer from #{@uri} is not JSON: #{e.message.lines.first}"
  end
end

# One loader per key set URL, kept as an application keeps it (the harness never sends one URL
# for two cases), at most REMOTE_KEPT at once.
REMOTE_KEPT = 256
REMOTE_SETS = {}

def remote_set(jwks, mode)
  REMOTE_SETS.shift if !REMOTE_SETS.key?(jwks['url']) && REMOTE_SETS.size >= REMOTE_KEPT
  REMOTE_SETS[jwks['url']] ||= RemoteSet.new(jwks, mode)
end

def verify(req)
  options = { algorithms: req['algorithms'] }
  unless req['mode'] == 'defaults'
    options.merge!(leeway: req['leeway'] || 0, required_claims: req['required'] || [])
    options.merge!(iss: req['issuer'], verify_iss: true) unless req['issuer'].nil?
    options.merge!(aud: req['audience'], verify_aud: true) unless req['audience'].nil?
  end
  claims, header = if req['jwks']
                      JWT.decode(req['token'], nil, true, options.merge(jwks: remote_set(req['jwks'], req['mode'])))
                    else
                      JWT.decode(req['token'], nil, true, options) { |h| keys_for(h, req['keys']) }
                    end
  unless claims.is_a?(Hash)
    # Without options nothing calls a Hash method on the payload (verify.rb:41, 80 only ask
    # `include?`, which an Array answers too), so the gem accepts a payload that is a JSON
    # array: it verified a token that carries no claims.
    warn "#{req['id']}: the gem accepted a #{claims.class} payload"
    claims = {}
  end
  { 'ok' => true, 'header' => header, 'claims' => claims }
rescue StandardError, SystemStackError => e
  fail_with(error_text(e), reason_for(e))
end

# Strings the library accepted that are not valid UTF-8 (so JSON cannot carry them) are written
# with U+FFFD, so that the answer stays parseable; the verdict is unchanged.
def wire_safe(value)
  case value
  when String then value.dup.force_encoding(Encoding::UTF_8).scrub("\uFFFD")
  when Array then value.map { |v| wire_safe(v) }
  when Hash then value.to_h { |k, v| [wire_safe(k), wire_safe(v)] }
  else value
  end
end

OPS = { 'describe' => method(:describe), 'sign' => method(:sign), 'verify' => method(:verify) }.freeze

$stdout.sync = true
$stdin.each_line do |line|
  id = nil
  begin
    req = JSON.parse(line)
    id = req['id']
    op = OPS[req['op']]
    out = op ? op.call(req) : fail_with("unknown op #{req['op'].inspect}")
  rescue StandardError => e
    out = fail_with(error_text(e))
  end
  out = { 'id' => id }.merge(out) unless id.nil?
  text = begin
    JSON.generate(out)
  rescue JSON::GeneratorError, EncodingError
    warn "#{id}: the answer held text that is not UTF-8; rewritten"
    JSON.generate(wire_safe(out))
  end
  $stdout.write("#{text}\n")
end
