// Listen addresses for the CivetWeb listeners of both programs: "--web.listen-address" values in
// Prometheus's syntax turned into CivetWeb's listening_ports, and the local connection that wakes a
// CivetWeb listener so that mg_stop returns at once. Stateless; thread-safe.
#ifndef BAM_COMMON_LISTEN_ADDRESS_H_
#define BAM_COMMON_LISTEN_ADDRESS_H_

#include <string>

namespace bam {

// Parses a listen address into CivetWeb's listening_ports syntax: "IPv4:PORT", ":PORT" (all IPv4
// interfaces), "localhost:PORT" or "[IPv6]:PORT"; port 0 lets the kernel choose. Returns false and
// sets *error when malformed.
bool ToCivetListeningPort(const std::string& listen_address, std::string* civet,
                          std::string* error);

// The address a local client connects to in order to reach a listener bound per `civet` ports
// ("0.0.0.0" and "::" become loopback).
std::string CivetWakeHost(const std::string& civet);

// Opens and closes a TCP connection to host:port. CivetWeb's listener thread sleeps in poll() for
// up to 2 s between checks of its stop flag; a connection wakes it. Failures are ignored.
void PokeListener(const std::string& host, int port);

}  // namespace bam

#endif  // BAM_COMMON_LISTEN_ADDRESS_H_
