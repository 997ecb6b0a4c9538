#!/usr/bin/env bash
# Generates the lab hierarchy with the openssl CLI into DIR (default ./run/pki):
#   root            the issuer of the new SubCAs; signs its own OCSP answers
#   subca1..3       three new SubCAs readied for enablement (the 2025 case)
#   legacy          an older SubCA, already on the front end's allowlist
#   subca1-ocsp     a delegated OCSP responder certificate for subca1 (BR 7.1.2.8)
#   leaf certificates: valid and revoked probes
# and each CA's CRL (DER) and certificate (DER) as the origin publishes them.
set -euo pipefail

dir=${1:-"$(dirname "$0")/run/pki"}
domain=${LAB_DOMAIN:-examplepki.net}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
cd "$dir"
mkdir -p publish/crl publish/crt

write_ca_config() {  # name
  local name=$1
  mkdir -p "$name/issued"
  : > "$name/index.txt"
  echo "unique_subject = no" > "$name/index.txt.attr"
  [[ -f "$name/serial" ]] || openssl rand -hex 16 > "$name/serial"
  [[ -f "$name/crlnumber" ]] || echo 1000 > "$name/crlnumber"
  cat > "$name/ca.cnf" <<CNF
[ ca ]
default_ca = this_ca
[ this_ca ]
dir              = $dir/$name
database         = \$dir/index.txt
new_certs_dir    = \$dir/issued
certificate      = \$dir/cert.pem
private_key      = \$dir/key.pem
serial           = \$dir/serial
crlnumber        = \$dir/crlnumber
default_md       = sha256
default_days     = 90
default_crl_days = 7
policy           = policy_any
copy_extensions  = none
crl_extensions   = crl_ext
unique_subject   = no
[ policy_any ]
countryName            = optional
organizationName       = optional
commonName             = supplied
[ crl_ext ]
authorityKeyIdentifier = keyid:always
[ req ]
distinguished_name = dn
string_mask        = utf8only
prompt             = no
[ dn ]
CN = unused
CNF
}

# Extensions for a SubCA certificate (BR 7.1.2.2 / 7.1.2.10): served for the root.
subca_ext() {
  cat <<EXT
basicConstraints       = critical,CA:TRUE,pathlen:0
keyUsage               = critical,digitalSignature,keyCertSign,cRLSign
extendedKeyUsage       = serverAuth,clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
crlDistributionPoints  = URI:http://crl.$domain/root.crl
authorityInfoAccess    = OCSP;URI:http://ocsp-root.$domain,caIssuers;URI:http://crt.$domain/root.crt
certificatePolicies    = 2.23.140.1.2.1
EXT
}

leaf_ext() {  # ca
  cat <<EXT
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
crlDistributionPoints  = URI:http://crl.$domain/$1.crl
authorityInfoAccess    = OCSP;URI:http://ocsp-$1.$domain,caIssuers;URI:http://crt.$domain/$1.crt
subjectAltName         = DNS:$2
certificatePolicies    = 2.23.140.1.2.1
EXT
}

responder_ext() {
  cat <<EXT
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature
extendedKeyUsage       = OCSPSigning
noCheck                = ignored
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
EXT
}

new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# Root (issuer): signs its own OCSP answers, so keyUsage has digitalSignature
# (BR 7.1.2.10.7).
write_ca_config root
new_key root/key.pem
openssl req -new -x509 -key root/key.pem -out root/cert.pem -days 7300 -sha256 \
  -config root/ca.cnf -subj "/C=GB/O=Example PKI Ltd/CN=Example Root R46" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,digitalSignature,keyCertSign,cRLSign" \
  -addext "subjectKeyIdentifier=hash" 2>/dev/null

issue() {  # ca name subject extfile days [startdate]
  local ca=$1 name=$2 subject=$3 ext=$4 days=$5
  openssl req -new -key "$name.key" -out "$name.csr" -config "$ca/ca.cnf" -subj "$subject" 2>/dev/null
  openssl ca -batch -config "$ca/ca.cnf" -in "$name.csr" -out "$name.pem" -days "$days" \
    -extfile "$ext" -notext 2>/dev/null
}

declare -A cn=(
  [subca1]="Example Asia DV CA R1" [subca2]="Example Asia OV CA R1"
  [subca3]="Example Asia EV CA R1" [legacy]="Example Legacy DV CA"
)
for ca in subca1 subca2 subca3 legacy; do
  write_ca_config "$ca"
  new_key "$ca/key.pem"
  cp "$ca/key.pem" "$ca.key"
  subca_ext > "$ca.ext"
  issue root "$ca" "/C=GB/O=Example PKI Ltd/CN=${cn[$ca]}" "$ca.ext" 1825
  mv "$ca.pem" "$ca/cert.pem"
  mv "$ca.csr" "$ca/request.csr"
  openssl pkey -in "$ca/key.pem" -pubout -out "$ca/public.pem"
  rm -f "$ca.key" "$ca.ext"
done

# A delegated responder for subca1; subca2, subca3 and legacy sign their own answers.
new_key subca1-ocsp.key
responder_ext > responder.ext
issue subca1 subca1-ocsp "/C=GB/O=Example PKI Ltd/CN=Example Asia DV CA R1 OCSP Responder" responder.ext 90
mv subca1-ocsp.pem subca1/responder.pem
mv subca1-ocsp.key subca1/responder.key
rm -f subca1-ocsp.csr responder.ext

leaf() {  # ca name host
  new_key "$2.key"
  leaf_ext "$1" "$3" > "$2.ext"
  issue "$1" "$2" "/CN=$3" "$2.ext" 90
  mkdir -p leaves
  mv "$2.pem" "leaves/$2.pem"
  mv "$2.key" "leaves/$2.key"
  rm -f "$2.ext" "$2.csr"
}
leaf subca1 subca1-valid "valid.dv.$domain"
leaf subca1 subca1-revoked "revoked.dv.$domain"
leaf subca2 subca2-valid "valid.ov.$domain"
leaf legacy legacy-valid "valid.legacy.$domain"
openssl ca -batch -config subca1/ca.cnf -revoke leaves/subca1-revoked.pem -crl_reason keyCompromise 2>/dev/null

# CRLs as the origin publishes them: DER (RFC 5280 §4.2.1.13). The root's is
# a CA CRL (12 months allowed, BR 7.2); the SubCAs' cover subscribers (10 days).
openssl ca -batch -config root/ca.cnf -gencrl -crldays 180 -out root/crl.pem 2>/dev/null
openssl crl -in root/crl.pem -outform DER -out publish/crl/root.crl
openssl x509 -in root/cert.pem -outform DER -out publish/crt/root.crt
for ca in subca1 subca2 subca3 legacy; do
  openssl ca -batch -config "$ca/ca.cnf" -gencrl -crldays 7 -out "$ca/crl.pem" 2>/dev/null
  openssl crl -in "$ca/crl.pem" -outform DER -out "publish/crl/$ca.crl"
  openssl x509 -in "$ca/cert.pem" -outform DER -out "publish/crt/$ca.crt"
done
# The canned answer a front end gives for issuers it does not pass:
# OCSPResponse { responseStatus unauthorized(6) } (RFC 6960 §4.2.1).
printf '\x30\x03\x0a\x01\x06' > publish/unauthorized.der
echo "lab PKI in $dir"
