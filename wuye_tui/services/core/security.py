"""PIN hashing: argon2id (or scrypt) with a site pepper kept outside the database.

Stored as ``argon2id$m$t$p$salt$hash`` (64 MiB, 2 passes; argon2-cffi) or, where argon2 is
not installed, ``scrypt2$n$r$p$salt$hash`` (N = 2^17, r = 8: 128 MiB). The input is
HMAC-SHA256(pepper, PIN) and the pepper comes from the site key file (``services.sitekey``):
a copied database alone gives an attacker nothing to brute-force the 10^4..10^8 PINs against.

Older ``scrypt$n$r$p$salt$hash`` rows (no pepper, N = 2^14) still verify and are rewritten
at the next good login (``needs_rehash``). ``WUYE_SCRYPT_LOG2N`` lowers the cost for the
test suite only (values below 17 are refused unless ``WUYE_TESTING`` is set); with
``WUYE_TESTING`` argon2 uses 1 MiB.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

R, P = 8, 1
DEFAULT_LOG2N = 17
LEGACY_N = 2**14


def _log2n() -> int:
    raw = os.environ.get("WUYE_SCRYPT_LOG2N", "")
    if raw.isdigit() and (int(raw) >= DEFAULT_LOG2N or os.environ.get("WUYE_TESTING")):
        return max(4, min(int(raw), 20))
    return DEFAULT_LOG2N


def current_n() -> int:
    return 2 ** _log2n()


def _maxmem(n: int, r: int) -> int:
    return 128 * r * n * 2 + (1 << 20)


def _peppered(pin: str, pepper: bytes) -> bytes:
    return hmac.new(pepper, pin.encode(), hashlib.sha256).digest()


ARGON_M_KIB, ARGON_T, ARGON_P = 65536, 2, 1


def _argon_cost() -> tuple[int, int, int]:
    if os.environ.get("WUYE_TESTING") and os.environ.get("WUYE_SCRYPT_LOG2N"):
        return 1024, 1, 1
    return ARGON_M_KIB, ARGON_T, ARGON_P


def _argon2(secret: bytes, salt: bytes, m: int, t: int, p: int) -> bytes | None:
    try:
        from argon2.low_level import Type, hash_secret_raw
    except ImportError:
        return None
    return hash_secret_raw(secret, salt, time_cost=t, memory_cost=m, parallelism=p, hash_len=32, type=Type.ID)


def hash_pin(pin: str, pepper: bytes | None = None) -> str:
    """A new hash: peppered (argon2id, else ``scrypt2``) when ``pepper`` is given, else the
    legacy unpeppered scrypt form (tests and imports that have no database yet)."""
    salt = os.urandom(16)
    b64 = base64.b64encode
    if pepper is not None:
        m, t, p = _argon_cost()
        digest_a = _argon2(_peppered(pin, pepper), salt, m, t, p)
        if digest_a is not None:
            return f"argon2id${m}${t}${p}${b64(salt).decode()}${b64(digest_a).decode()}"
    if pepper is None:
        n = LEGACY_N if not os.environ.get("WUYE_TESTING") else min(LEGACY_N, current_n())
        digest = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=R, p=P, dklen=32, maxmem=_maxmem(n, R))
        return f"scrypt${n}${R}${P}${b64(salt).decode()}${b64(digest).decode()}"
    n = current_n()
    digest = hashlib.scrypt(_peppered(pin, pepper), salt=salt, n=n, r=R, p=P, dklen=32, maxmem=_maxmem(n, R))
    return f"scrypt2${n}${R}${P}${b64(salt).decode()}${b64(digest).decode()}"


def check_pin(pin: str, stored: str, pepper: bytes | None = None) -> bool:
    try:
        scheme, n_s, r_s, p_s, salt, digest = stored.split("$")
        n, r, p = int(n_s), int(r_s), int(p_s)
        if scheme == "argon2id" and pepper is not None:
            if n > 1 << 20 or r > 10 or p > 8:
                return False
            got_a = _argon2(_peppered(pin, pepper), base64.b64decode(salt), n, r, p)
            return got_a is not None and hmac.compare_digest(got_a, base64.b64decode(digest))
        if scheme == "scrypt":
            secret = pin.encode()
        elif scheme == "scrypt2" and pepper is not None:
            secret = _peppered(pin, pepper)
        else:
            return False
        if n > 2**20 or r > 16 or p > 4:
            return False  # a planted row must not make a login allocate gigabytes
        got = hashlib.scrypt(secret, salt=base64.b64decode(salt), n=n, r=r, p=p, dklen=32, maxmem=_maxmem(n, r))
    except (ValueError, TypeError, MemoryError):
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


def needs_rehash(stored: str) -> bool:
    """Legacy (unpeppered) or cheaper than the current cost: rewrite at the next good login."""
    parts = stored.split("$")
    if len(parts) != 6:
        return True
    try:
        if parts[0] == "argon2id":
            m, t, _p = _argon_cost()
            return int(parts[1]) < m or int(parts[2]) < t
        if parts[0] == "scrypt2":
            return _argon2(b"x", b"saltsaltsaltsalt", 8, 1, 1) is not None or int(parts[1]) < current_n()
    except ValueError:
        return True
    return True


def pepper_for(db) -> bytes:  # type: ignore[no-untyped-def]
    """The PIN pepper of ``db``'s site (derived from the site secret)."""
    from .sitekey import secret

    return hmac.new(secret(db), b"wuye pin pepper v1", hashlib.sha256).digest()
