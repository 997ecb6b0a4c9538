#pragma once

#include <optional>
#include <string>

#include "pki/ossl.h"
#include "util/bytes.h"

namespace preflight::pki {

// SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier,
//                                     subjectPublicKey BIT STRING }
// The subjectPublicKey BIT STRING contents without the unused-bits octet:
// what OCSP issuerKeyHash (RFC 6960 §4.1.1) and method-1 key identifiers
// (RFC 5280 §4.2.1.2) hash.
std::optional<Bytes> subject_public_key_bits(ByteView spki_der);

// RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits.
std::optional<Bytes> key_identifier_method1(ByteView spki_der);

ossl::EvpPkeyPtr public_key_from_spki(ByteView spki_der);

// "RSA 2048", "EC P-256", "Ed25519", for messages.
std::string describe_key(EVP_PKEY* key);

}  // namespace preflight::pki
