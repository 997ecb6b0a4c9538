"""Artifacts made by `openssl ca` and `openssl ocsp` for `inspect` (the tests
of test_inspect.py and the rfc5280 sweep of test_rfc5280_sweep.py): one CA
with a valid and a revoked leaf, its CRL (DER, PEM, truncated) and OCSP
responses about both leaves, and another CA to judge them against.

    make(d)   # d/ca/{ca.pem, crl.der, valid.ocsp, …}, d/other/ca.pem, d/truncated.crl, …

JUDGED names the ways these artifacts are judged (`inspect --issuer`, most of
them asserted on in test_inspect.py); judged(d, name) gives the arguments.
"""

import datetime
import os
import subprocess
import textwrap

# nextUpdate − thisUpdate of the CRL and of the OCSP responses.
CRL_VALIDITY = datetime.timedelta(days=7)
OCSP_VALIDITY = datetime.timedelta(days=1)

CA_CONF = textwrap.dedent("""\
    [ca]
    default_ca = lab
    [lab]
    dir = {dir}
    database = $dir/index.txt
    serial = $dir/serial
    crlnumber = $dir/crlnumber
    new_certs_dir = $dir/newcerts
    certificate = $dir/ca.pem
    private_key = $dir/ca.key
    default_md = sha256
    default_days = 30
    default_crl_days = {crl_days}
    policy = anything
    unique_subject = no
    copy_extensions = none
    crl_extensions = crl_ext
    [anything]
    commonName = supplied
    [crl_ext]
    authorityKeyIdentifier = keyid:always
    [ca_ext]
    basicConstraints = critical,CA:TRUE
    keyUsage = critical,digitalSignature,keyCertSign,cRLSign
    subjectKeyIdentifier = hash
    authorityKeyIdentifier = keyid:always
    [leaf_ext]
    basicConstraints = critical,CA:FALSE
    keyUsage = critical,digitalSignature
    subjectKeyIdentifier = hash
    authorityKeyIdentifier = keyid:always
    crlDistributionPoints = URI:http://crl.lab.test/lab.crl
    authorityInfoAccess = OCSP;URI:http://ocsp.lab.test
    """)


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def make_ca(d, name):
    """A self-signed CA with EC P-256 key under d/ (ca.key, ca.pem, ca.der)."""
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "365",
            "-subj", f"/C=GB/O=Lab/CN={name}", "-config", "ca.cnf", "-extensions", "ca_ext",
            cwd=d)


def make(d):
    """Writes the artifacts into the existing folder d."""
    ca = os.path.join(d, "ca")
    other = os.path.join(d, "other")
    for ca_dir, name in ((ca, "Lab Issuing CA"), (other, "Other CA")):
        os.makedirs(os.path.join(ca_dir, "newcerts"))
        with open(os.path.join(ca_dir, "ca.cnf"), "w") as f:
            f.write(CA_CONF.format(dir=ca_dir, crl_days=CRL_VALIDITY.days))
        open(os.path.join(ca_dir, "index.txt"), "w").close()
        with open(os.path.join(ca_dir, "serial"), "w") as f:
            f.write("1000\n")
        with open(os.path.join(ca_dir, "crlnumber"), "w") as f:
            f.write("01\n")
        make_ca(ca_dir, name)
    for leaf in ("valid", "revoked"):
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", f"{leaf}.key", "-out", f"{leaf}.csr",
                "-subj", f"/CN={leaf}.lab.test", cwd=ca)
        openssl("ca", "-batch", "-config", "ca.cnf", "-extensions", "leaf_ext",
                "-in", f"{leaf}.csr", "-out", f"{leaf}.pem", cwd=ca)
    openssl("ca", "-config", "ca.cnf", "-revoke", "revoked.pem",
            "-crl_reason", "keyCompromise", cwd=ca)
    openssl("ca", "-config", "ca.cnf", "-gencrl", "-out", "crl.pem", cwd=ca)
    openssl("crl", "-in", "crl.pem", "-outform", "DER", "-out", "crl.der", cwd=ca)
    openssl("x509", "-in", "valid.pem", "-outform", "DER", "-out", "valid.der", cwd=ca)
    openssl("crl2pkcs7", "-nocrl", "-certfile", "valid.pem", "-certfile", "ca.pem",
            "-outform", "DER", "-out", "chain.p7b", cwd=ca)
    # OCSP responses from the index, signed by the CA itself, no nonce (RFC 5019 §2.1).
    for leaf in ("valid", "revoked"):
        openssl("ocsp", "-issuer", "ca.pem", "-cert", f"{leaf}.pem", "-no_nonce",
                "-reqout", f"{leaf}.req", cwd=ca)
        openssl("ocsp", "-index", "index.txt", "-CA", "ca.pem", "-rsigner", "ca.pem",
                "-rkey", "ca.key", "-reqin", f"{leaf}.req", "-respout", f"{leaf}.ocsp",
                "-ndays", str(OCSP_VALIDITY.days), cwd=ca)
    # The CA re-keyed: same name, new key, signing answers for certificates of the old
    # key; by name (openssl's default) and by key hash.
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-keyout", "rekeyed.key", "-out", "rekeyed.pem", "-days", "365",
            "-subj", "/C=GB/O=Lab/CN=Lab Issuing CA", "-config", "ca.cnf",
            "-extensions", "ca_ext", cwd=ca)
    for name, extra in (("rekeyed-by-name", []), ("rekeyed-by-key", ["-resp_key_id"])):
        openssl("ocsp", "-index", "index.txt", "-CA", "ca.pem", "-rsigner", "rekeyed.pem",
                "-rkey", "rekeyed.key", "-reqin", "valid.req", "-respout", f"{name}.ocsp",
                "-ndays", str(OCSP_VALIDITY.days), *extra, cwd=ca)
    with open(os.path.join(d, "random.bin"), "wb") as f:
        f.write(os.urandom(700))
    # The same CA key and name in a certificate whose keyUsage lacks cRLSign.
    openssl("req", "-x509", "-key", "ca.key", "-out", "ca-no-crlsign.pem", "-days", "365",
            "-subj", "/C=GB/O=Lab/CN=Lab Issuing CA", "-addext",
            "keyUsage=critical,keyCertSign", "-addext", "basicConstraints=critical,CA:TRUE",
            cwd=ca)
    with open(os.path.join(ca, "crl.der"), "rb") as f:
        crl = f.read()
    with open(os.path.join(d, "truncated.crl"), "wb") as f:
        f.write(crl[: len(crl) // 2])


# name → `inspect` arguments (paths relative to the folder of make()).
JUDGED = {
    "crl": ["ca/crl.der", "--issuer", "ca/ca.pem"],
    "crl-pem": ["ca/crl.pem", "--issuer", "ca/ca.pem"],
    "crl-of-another-issuer": ["ca/crl.der", "--issuer", "other/ca.pem"],
    "crl-issuer-without-crlsign": ["ca/crl.der", "--issuer", "ca/ca-no-crlsign.pem"],
    "crl-truncated": ["truncated.crl", "--issuer", "ca/ca.pem"],
    "crl-revoked-as-expected": ["ca/crl.der", "--issuer", "ca/ca.pem", "--cert", "ca/revoked.pem",
                                "--expect", "revoked"],
    "crl-valid-expected-revoked": ["ca/crl.der", "--issuer", "ca/ca.pem", "--cert", "ca/valid.pem",
                                   "--expect", "revoked"],
    "crl-looked-up": ["ca/crl.der", "--issuer", "ca/ca.pem", "--cert", "ca/revoked.pem"],
    "ocsp-good": ["ca/valid.ocsp", "--issuer", "ca/ca.pem", "--cert", "ca/valid.pem",
                  "--expect", "good"],
    "ocsp-revoked": ["ca/revoked.ocsp", "--issuer", "ca/ca.pem", "--cert", "ca/revoked.pem",
                     "--expect", "revoked"],
    "ocsp-of-another-issuer": ["ca/valid.ocsp", "--issuer", "other/ca.pem"],
    "ocsp-rekeyed-by-name": ["ca/rekeyed-by-name.ocsp", "--issuer", "ca/ca.pem", "--cert",
                             "ca/valid.pem", "--expect", "good"],
    "ocsp-rekeyed-by-key": ["ca/rekeyed-by-key.ocsp", "--issuer", "ca/ca.pem", "--cert",
                            "ca/valid.pem", "--expect", "good"],
}


def judged(d, name):
    """The arguments of JUDGED[name] with the paths under d."""
    return [a if a.startswith("--") or a in ("good", "revoked") else os.path.join(d, a)
            for a in JUDGED[name]]
