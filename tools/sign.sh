#!/bin/sh
# sign.sh IN.efi OUT.efi [KEY CERT]
#
# Signs a UEFI binary for Secure Boot with sbsign (sbsigntool) and checks the result with
# sbverify. KEY is a PEM private key, CERT its PEM certificate (the one enrolled in the
# firmware's db). Without KEY/CERT, Debian's OVMF snakeoil pair is used: the certificate
# OVMF_VARS_4M.snakeoil.fd trusts. Its key is passphrase-protected ("snakeoil") and sbsign
# cannot prompt, so it is decrypted into a private temporary file that is always removed.
# An encrypted KEY of your own: set SIGN_PASS to its passphrase (or decrypt it yourself).
set -eu
[ $# -eq 2 ] || [ $# -eq 4 ] || { echo "usage: sign.sh IN.efi OUT.efi [KEY CERT]" >&2; exit 2; }
in=$1 out=$2
snake_dir=/usr/share/ovmf
if [ $# -eq 4 ]; then
    key=$3 cert=$4 pass=${SIGN_PASS:-}
else
    key=$snake_dir/PkKek-1-snakeoil.key cert=$snake_dir/PkKek-1-snakeoil.pem pass=snakeoil
    echo "sign.sh: no KEY/CERT given: signing with the OVMF snakeoil test key (NOT for real machines)"
fi
for f in "$in" "$key" "$cert"; do
    [ -r "$f" ] || { echo "sign.sh: cannot read $f" >&2; exit 1; }
done
command -v sbsign >/dev/null || { echo "sign.sh: sbsign missing (apt-get install sbsigntool)" >&2; exit 1; }

tmpdir=$(mktemp -d /tmp/spindle-sign.XXXXXX)
trap 'rm -rf "$tmpdir"' EXIT INT TERM
chmod 700 "$tmpdir"
if grep -q 'ENCRYPTED' "$key"; then
    [ -n "$pass" ] || { echo "sign.sh: $key is encrypted: set SIGN_PASS" >&2; exit 1; }
    (umask 077; SIGN_PASS=$pass openssl pkey -in "$key" -passin env:SIGN_PASS -out "$tmpdir/key.pem")
    key=$tmpdir/key.pem
fi
sbsign --key "$key" --cert "$cert" --output "$tmpdir/signed.efi" "$in" 2>"$tmpdir/sbsign.txt" || {
    cat "$tmpdir/sbsign.txt" >&2; exit 1; }
sbverify --cert "$cert" "$tmpdir/signed.efi" >"$tmpdir/verify.txt" 2>&1 || {
    echo "sign.sh: sbverify rejects the signed image:" >&2; cat "$tmpdir/verify.txt" >&2; exit 1; }
mv "$tmpdir/signed.efi" "$out"
echo "sign.sh: $out signed by $(openssl x509 -in "$cert" -noout -subject)"
