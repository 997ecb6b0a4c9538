#!/usr/bin/env bash
# Generates the example PKI that profiles/tls-issuing-ca.yaml names, with the
# openssl CLI, into profiles/generated/ (git-ignored):
#
#   root.pem / root.key           issuer: "Example Root R46" (EC P-384)
#   subca.pem / subca.key         SubCA "Example Asia DV CA R1" (EC P-256), signed by
#                                 the root, with CDP / OCSP / caIssuers of the root
#   subca-tbs.pem                 the same to-be-signed fields, signed by a throwaway
#                                 key (what a ceremony reviews beforehand)
#   subca.csr                     PKCS#10 request of the SubCA key
#   subca.pub.pem                 SubCA SubjectPublicKeyInfo
#   leaf-valid.pem                end-entity certificate issued by the SubCA
#   leaf-revoked.pem              another one, revoked (keyCompromise) on subca.crl
#   responder.pem / .key          delegated OCSP responder of the SubCA (BR 7.1.2.8)
#   root.crl / subca.crl          DER CRLs of the root and of the SubCA
#   smime-subca.pem / .key        S/MIME SubCA "Example Mail CA R1" (EC P-256, EKU
#                                 emailProtection), signed by the root
#   smime-leaf.pem                mailbox certificate issued by the S/MIME SubCA
#   smime-subca.crl               its DER CRL
#
# Usage: profiles/make-example-pki.sh [OUTPUT_DIR]   (default: profiles/generated)
set -euo pipefail

out="${1:-$(cd "$(dirname "$0")" && pwd)/generated}"
mkdir -p "$out"
cd "$out"
rm -rf ca-db && mkdir ca-db

root_subject="/C=GB/O=Example Ltd/CN=Example Root R46"
subca_subject="/C=GB/O=Example Ltd/CN=Example Asia DV CA R1"

# URLs the SubCA certificate carries (served for the root) and URLs the SubCA
# puts in what it issues (served for the SubCA), as the profile format describes.
root_crl="http://crl.example.com/root-r46.crl"
root_ocsp="http://ocsp.example.com"
root_crt="http://crt.example.com/root-r46.crt"
sub_crl="http://crl.crlocsp.cn/ExampleAsiaDVCAR1.crl"
sub_ocsp="http://ocsp.crlocsp.cn"
sub_crt="http://crt.crlocsp.cn/ExampleAsiaDVCAR1.crt"
mail_crl="http://crl.example.com/mail-r1.crl"
mail_ocsp="http://ocsp.example.com/mail"
mail_crt="http://crt.example.com/mail-r1.crt"

# Positive 16-byte serials (BR 7.1: at least 64 bits of CSPRNG output).
serial() { echo "0x7$(openssl rand -hex 16 | cut -c2-)"; }

cat > openssl.cnf <<CNF
[ req ]
distinguished_name = dn
string_mask = utf8only
utf8 = yes
prompt = no
[ dn ]
[ v3_root ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ v3_subca ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, digitalSignature, keyCertSign, cRLSign
extendedKeyUsage = serverAuth
certificatePolicies = 2.23.140.1.2.1
crlDistributionPoints = URI:${root_crl}
authorityInfoAccess = OCSP;URI:${root_ocsp}, caIssuers;URI:${root_crt}
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_smime_subca ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, digitalSignature, keyCertSign, cRLSign
extendedKeyUsage = emailProtection
certificatePolicies = 2.23.140.1.5.1.3
crlDistributionPoints = URI:${root_crl}
authorityInfoAccess = OCSP;URI:${root_ocsp}, caIssuers;URI:${root_crt}
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_smime_leaf ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = emailProtection
certificatePolicies = 2.23.140.1.5.1.3
subjectAltName = email:alice@example.com
crlDistributionPoints = URI:${mail_crl}
authorityInfoAccess = OCSP;URI:${mail_ocsp}, caIssuers;URI:${mail_crt}
authorityKeyIdentifier = keyid:always
[ v3_leaf ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
certificatePolicies = 2.23.140.1.2.1
crlDistributionPoints = URI:${sub_crl}
authorityInfoAccess = OCSP;URI:${sub_ocsp}, caIssuers;URI:${sub_crt}
authorityKeyIdentifier = keyid:always
[ v3_ocsp ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = OCSPSigning
noCheck = ignored
authorityKeyIdentifier = keyid:always
[ crl_ext ]
authorityKeyIdentifier = keyid:always
[ ca ]
default_ca = ca_default
[ ca_default ]
database = ca-db/index.txt
crlnumber = ca-db/crlnumber
default_md = sha256
crl_extensions = crl_ext
CNF

key() { openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:$2" -out "$1" 2>/dev/null; }
sign() {  # sign CSR ISSUER_CERT ISSUER_KEY EXTENSIONS DAYS OUT
  openssl x509 -req -in "$1" -CA "$2" -CAkey "$3" -set_serial "$(serial)" -days "$5" \
    -sha256 -extfile openssl.cnf -extensions "$4" -out "$6" 2>/dev/null
}

key root.key P-384
openssl req -config openssl.cnf -new -x509 -key root.key -subj "$root_subject" -days 7300 \
  -sha384 -extensions v3_root -set_serial "$(serial)" -out root.pem

key subca.key P-256
openssl pkey -in subca.key -pubout -out subca.pub.pem
openssl req -config openssl.cnf -new -key subca.key -subj "$subca_subject" -sha256 -out subca.csr
sign subca.csr root.pem root.key v3_subca 3650 subca.pem

key smime-subca.key P-256
openssl req -config openssl.cnf -new -key smime-subca.key -sha256 \
  -subj "/C=GB/O=Example Ltd/CN=Example Mail CA R1" -out smime-subca.csr
sign smime-subca.csr root.pem root.key v3_smime_subca 3650 smime-subca.pem
key smime-leaf.key P-256
openssl req -config openssl.cnf -new -key smime-leaf.key -sha256 \
  -subj "/emailAddress=alice@example.com" -out smime-leaf.csr
sign smime-leaf.csr smime-subca.pem smime-subca.key v3_smime_leaf 365 smime-leaf.pem
rm -f smime-subca.csr smime-leaf.csr

# The tbs: same fields, signed by a throwaway key under a stand-in issuer
# with the root's subject and subjectKeyIdentifier, so issuer name and AKI
# are the real ones and only the signature is not.
root_ski=$(openssl x509 -in root.pem -noout -ext subjectKeyIdentifier | tail -1 | tr -d ' ')
key throwaway.key P-384
openssl req -config openssl.cnf -new -x509 -key throwaway.key -subj "$root_subject" -days 30 \
  -extensions v3_root -addext "subjectKeyIdentifier=${root_ski}" -out throwaway.pem
sign subca.csr throwaway.pem throwaway.key v3_subca 3650 subca-tbs.pem
rm -f throwaway.key throwaway.pem

for name in leaf-valid leaf-revoked; do
  key "$name.key" P-256
  openssl req -config openssl.cnf -new -key "$name.key" -sha256 \
    -subj "/CN=${name#leaf-}.example-asia.test" -out "$name.csr"
  sign "$name.csr" subca.pem subca.key v3_leaf 90 "$name.pem"
  rm -f "$name.csr"
done
key responder.key P-256
openssl req -config openssl.cnf -new -key responder.key -sha256 \
  -subj "/C=GB/O=Example Ltd/CN=Example Asia DV CA R1 OCSP Responder" -out responder.csr
sign responder.csr subca.pem subca.key v3_ocsp 60 responder.pem
rm -f responder.csr

# CRLs via `openssl ca -gencrl` from a hand-written index (openssl ca(1)
# database format: status, expiry, revocation time[,reason], serial, file, subject).
index_line() {  # STATUS CERT [REVOCATION]
  local expiry serial subject
  expiry=$(date -u -d "$(openssl x509 -in "$2" -noout -enddate | cut -d= -f2)" +%y%m%d%H%M%SZ)
  serial=$(openssl x509 -in "$2" -noout -serial | cut -d= -f2)
  subject=$(openssl x509 -in "$2" -noout -subject -nameopt compat | sed 's/^subject=//')
  printf '%s\t%s\t%s\t%s\tunknown\t%s\n' "$1" "$expiry" "${3:-}" "$serial" "$subject"
}
gencrl() {  # ISSUER_CERT ISSUER_KEY HOURS OUT
  echo 01 > ca-db/crlnumber
  openssl ca -config openssl.cnf -gencrl -cert "$1" -keyfile "$2" -crlhours "$3" \
    -out ca-db/crl.pem 2>/dev/null
  openssl crl -in ca-db/crl.pem -outform DER -out "$4"
}
{
  index_line V subca.pem
  index_line V smime-subca.pem
} > ca-db/index.txt
gencrl root.pem root.key $((24 * 180)) root.crl
{
  index_line V leaf-valid.pem
  index_line R leaf-revoked.pem "$(date -u -d '-1 hour' +%y%m%d%H%M%SZ),keyCompromise"
  index_line V responder.pem
} > ca-db/index.txt
gencrl subca.pem subca.key $((24 * 7)) subca.crl
index_line V smime-leaf.pem > ca-db/index.txt
gencrl smime-subca.pem smime-subca.key $((24 * 7)) smime-subca.crl

echo "example PKI written to $out"
