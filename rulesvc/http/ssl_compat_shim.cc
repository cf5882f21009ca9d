// libbam-ssl-compat.so: loaded by the rule service before it starts an HTTPS listener.
//
// Debian 12's libcivetweb (1.15) loads OpenSSL at run time with dlopen("libssl.so") and looks up
// SSL_get_peer_certificate, a symbol OpenSSL 3 no longer exports (it became a macro for
// SSL_get1_peer_certificate). The missing pointer is called after every TLS handshake and the
// process crashes. This library carries the soname "libssl.so", so once it is loaded CivetWeb's
// dlopen("libssl.so") returns it; symbol lookups through it reach the real libssl.so.3 and
// libcrypto.so.3 it depends on, plus the one symbol below.
#include <openssl/ssl.h>

#undef SSL_get_peer_certificate

extern "C" X509* SSL_get_peer_certificate(const SSL* ssl) { return SSL_get1_peer_certificate(ssl); }
