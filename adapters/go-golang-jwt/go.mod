// golang-jwt/jwt v4 (Debian's golang-github-golang-jwt-jwt-dev) as an idjwt protocol v1 adapter.
// Built offline from the Debian package's source tree, never from a proxy: the install (see
// adapter.json) copies this module to .deps/src and points it at the package's files with
// `go mod edit -replace`, the directory read from `dpkg -L`.
module idjwt.example/adapters/go-golang-jwt

go 1.19

require github.com/golang-jwt/jwt/v4 v4.4.3
