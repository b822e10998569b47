"""Remote access (family `remote_access`, ids CG-3001..): Telnet, SSH protocol 1 and SSH
algorithms. The SSH checks share one KEXINIT per port (ctx.memo) and report the offending
algorithm names the server offers; only the short-host-key check runs a key exchange (up to the
server's KEXDH_REPLY, never authenticating).

What counts as weak follows Greenbone's and ssh-audit's failures, narrowed to what a current
OpenSSH does not offer by default: SHA-1 key exchanges, CBC/RC4/3DES ciphers, MD5 and 96-bit
MACs, DSA and SHA-1 RSA signatures, RSA keys under 2048 bits. (hmac-sha1, umac-64 and the NIST
curves, still in OpenSSH's defaults, are not reported.)"""

import re

from ..busy import pause_before_retry
from .base import Check, register
from .service_io import NET_ERRORS, clip
from .ssh_kex import SshError, host_key_size, negotiated_algorithms

SSH_ERRORS = (*NET_ERRORS, SshError)
WEAK_KEX = re.compile(r"^(diffie-hellman-group1-sha1|diffie-hellman-group14-sha1|diffie-hellman-group-exchange-sha1|"
                      r"rsa1024-sha1|gss-(group1|group14|gex)-sha1-.*|ecdh-sha2-1\.3\.132\.0\.10)$")
WEAK_CIPHER = re.compile(r"(-cbc(@.*)?$|^arcfour|^3des|^des|^blowfish|^cast128|^none$)")
WEAK_MAC = re.compile(r"(md5|-96|^none$)")
WEAK_HOST_KEY = re.compile(r"^(ssh-dss.*|ssh-rsa|ssh-rsa-cert-v0[01]@openssh\.com)$")
RSA_ALGORITHMS = ("rsa-sha2-512", "rsa-sha2-256", "ssh-rsa")
MIN_RSA_BITS = 2048
HOST_KEY_PAUSES = (0.5, 1.0, 2.0)  # before each new try at a port that turns connections away
SSH_REFERENCES = ("https://www.rfc-editor.org/rfc/rfc9142", "https://www.openssh.com/legacy.html")
IAC, DO, DONT, WILL, WONT = 255, 253, 254, 251, 252
LOGIN_PROMPT = re.compile(r"(login|username|user name|password)\s*:", re.I)
PROMPT_ENDS = (b":", b">", b"#", b"$")


async def _kexinit(ctx, host, port):
    """(version line, SSH2_Kex) of the port, once per run; None when it does not speak SSH-2."""

    async def exchange():
        try:
            async with ctx.connect(host.ip, port.port) as conn:
                return await negotiated_algorithms(conn)
        except SSH_ERRORS:
            return None

    return await ctx.memo(("ssh-kexinit", host.ip, port.port), exchange)


class SshAlgorithmCheck(Check):
    family = "remote_access"
    services = ("ssh",)
    qod = 95  # the server itself listed the algorithm
    solution_type = "Mitigation"
    references = SSH_REFERENCES
    affected = "SSH servers configured (or too old) to offer legacy algorithms."

    def weak(self, kex) -> list[str]:
        raise NotImplementedError

    async def run(self, ctx, host, port):
        negotiated = await _kexinit(ctx, host, port)
        if negotiated is None:
            return []
        found = self.weak(negotiated[1])
        return [self.finding(port, clip(f"{negotiated[0]} offers: {', '.join(found)}"))] if found else []


@register
class TelnetService(Check):
    nvt = "CG-3001"
    name = "Telnet service reachable (cleartext remote login)"
    family = "remote_access"
    cvss_vector = "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:N"
    qod = 80
    pci_fail = True  # PCI ASV: cleartext remote login
    services = ("telnet",)
    summary = "A Telnet server is reachable: remote logins travel unencrypted."
    insight = "Telnet sends user names, passwords and the whole session in clear text."
    affected = "Any Telnet service (telnetd, network devices' management consoles)."
    impact = "An attacker on the network path can read or hijack sessions and capture credentials."
    solution = "Disable Telnet and use SSH instead; if a device offers nothing else, reach it only over a trusted management network."
    solution_type = "Mitigation"
    references = ("https://www.rfc-editor.org/rfc/rfc854",)

    async def run(self, ctx, host, port):
        try:
            async with ctx.connect(host.ip, port.port) as conn:
                options, text = await _telnet_prompt(conn)
        except NET_ERRORS:
            return []
        if not options and not LOGIN_PROMPT.search(text):
            return []  # neither Telnet negotiation nor a login prompt: some other line protocol
        words = {DO: "DO", DONT: "DONT", WILL: "WILL", WONT: "WONT"}
        negotiated = ", ".join(f"{words[c]} {o}" for c, o in options[:12]) or "none"
        prompt = " | ".join(line.strip() for line in text.splitlines() if line.strip())[-200:]
        return [self.finding(port, clip(f"Telnet option negotiation: {negotiated}; server text: {prompt or '(none)'}"))]


async def _telnet_prompt(conn, rounds: int = 6):
    """Refuse every option the server proposes (so it goes on to its login prompt) and collect
    ([(command, option)], printable text) until a prompt ends in ':' or the rounds run out."""
    options, text = [], ""
    for _ in range(rounds):
        data = await conn.read(timeout=min(conn.timeout, 2.0), until=_telnet_turn)
        if not data:
            break
        seen, printable = _telnet_split(data)
        options += seen
        text += printable
        refusals = b"".join(bytes([IAC, WONT if c == DO else DONT, o]) for c, o in seen if c in (DO, WILL))
        if refusals:
            await conn.send(refusals)
        if text.rstrip().endswith(tuple(e.decode() for e in PROMPT_ENDS)):
            break
    return options, text


def _telnet_turn(data: bytes) -> bool:
    """The server waits for us: a prompt, or a chunk that ends with a whole option negotiation."""
    ends_negotiating = len(data) >= 3 and data[-3] == IAC and data[-2] in (DO, DONT, WILL, WONT)
    return ends_negotiating or data[-2:] == bytes([IAC, 240]) or data.rstrip().endswith(PROMPT_ENDS)


def _telnet_split(data: bytes) -> tuple[list[tuple[int, int]], str]:
    """([(command, option)] negotiations, printable text) of one chunk."""
    options, text, i = [], "", 0
    while i < len(data):
        if data[i] == IAC and i + 2 < len(data) and data[i + 1] in (DO, DONT, WILL, WONT):
            options.append((data[i + 1], data[i + 2]))
            i += 3
        elif data[i] == IAC:
            i += 2
        else:
            text += chr(data[i]) if 32 <= data[i] < 127 or data[i] in (10, 13) else ""
            i += 1
    return options, text


@register
class SshProtocolVersion1(Check):
    nvt = "CG-3002"
    name = "SSH protocol version 1 supported"
    family = "remote_access"
    cvss_vector = "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N"
    qod = 95
    services = ("ssh",)
    summary = "The SSH server supports the obsolete protocol version 1."
    insight = "Its version line announces protocol 1.x (1.99 means both 1 and 2): SSH-1 has known design flaws (CRC-32 integrity, session hijacking)."
    affected = "Old SSH servers, and servers configured with `Protocol 1` or `Protocol 2,1`."
    impact = "An attacker on the network path can decrypt or hijack SSH-1 sessions and capture credentials."
    solution = "Disable protocol 1 (OpenSSH: remove `Protocol 1`; OpenSSH 7.6 and later no longer support it) or upgrade the server."
    solution_type = "VendorFix"
    references = ("https://www.kb.cert.org/vuls/id/684820", "https://www.openssh.com/txt/release-7.6")

    async def run(self, ctx, host, port):
        line = port.banner if port.banner.startswith("SSH-") else await _version_line(ctx, host, port)
        if not re.match(r"^SSH-1\.\d+-", line or ""):
            return []
        return [self.finding(port, clip(f"version line: {line}"))]


async def _version_line(ctx, host, port) -> str:
    try:
        async with ctx.connect(host.ip, port.port) as conn:
            data = await conn.read(until=lambda d: b"\n" in d)
    except NET_ERRORS:
        return ""
    return data.split(b"\n", 1)[0].decode("latin-1").strip()


@register
class SshWeakKeyExchange(SshAlgorithmCheck):
    nvt = "CG-3003"
    name = "SSH weak key exchange algorithms supported"
    cvss_vector = "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N"
    summary = "The SSH server offers key exchange algorithms based on SHA-1 or 1024-bit groups."
    insight = "diffie-hellman-group1-sha1 (1024-bit, Logjam), group14-sha1 and group-exchange-sha1 rely on SHA-1 and/or weak groups (RFC 9142)."
    impact = "An attacker able to break the key exchange can decrypt or tamper with the session."
    solution = "Remove them from `KexAlgorithms` (keep curve25519-sha256, sntrup761x25519-sha512, diffie-hellman-group16/18-sha512)."

    def weak(self, kex):
        return [name for name in kex.kex_algorithms if WEAK_KEX.match(name)]


@register
class SshWeakCiphers(SshAlgorithmCheck):
    nvt = "CG-3004"
    name = "SSH weak encryption algorithms supported"
    cvss_vector = "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N"
    summary = "The SSH server offers CBC-mode, RC4 (arcfour), 3DES, Blowfish, CAST or no encryption."
    insight = "CBC modes allow plaintext recovery (CVE-2008-5161), RC4 and 64-bit block ciphers are broken or weak (RFC 8758)."
    impact = "An attacker on the network path may recover parts of the encrypted session."
    solution = "Remove them from `Ciphers` (keep chacha20-poly1305@openssh.com, aes*-gcm@openssh.com, aes*-ctr)."
    cves = ("CVE-2008-5161",)

    def weak(self, kex):
        offered = dict.fromkeys(kex.server.encryption + kex.client.encryption)
        return [name for name in offered if WEAK_CIPHER.search(name)]


@register
class SshWeakMacs(SshAlgorithmCheck):
    nvt = "CG-3005"
    name = "SSH weak MAC algorithms supported"
    cvss_vector = "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:L/A:N"
    summary = "The SSH server offers MD5-based or truncated (96-bit) MAC algorithms."
    insight = "hmac-md5 rests on the broken MD5; the -96 variants truncate the tag."
    impact = "Weaker integrity protection of the session."
    solution = "Remove them from `MACs` (keep hmac-sha2-256/512(-etm@openssh.com), umac-128-etm@openssh.com)."

    def weak(self, kex):
        offered = dict.fromkeys(kex.server.mac + kex.client.mac)
        return [name for name in offered if WEAK_MAC.search(name)]


@register
class SshWeakHostKey(SshAlgorithmCheck):
    nvt = "CG-3006"
    name = "SSH weak host key"
    cvss_vector = "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:N"
    summary = "The SSH server authenticates itself with a DSA key, SHA-1 RSA signatures or an RSA key shorter than 2048 bits."
    insight = "ssh-dss is limited to 1024-bit keys, ssh-rsa signs with SHA-1, and RSA keys under 2048 bits are within reach of factoring."
    impact = "An attacker who can forge the server's signature can impersonate it (man in the middle)."
    solution = ("Use an Ed25519 or an RSA host key of at least 3072 bits (`ssh-keygen -t ed25519`), remove ssh-dss "
                "and ssh-rsa from `HostKeyAlgorithms`.")

    def weak(self, kex):
        return [name for name in kex.key_algorithms if WEAK_HOST_KEY.match(name)]

    async def run(self, ctx, host, port):
        negotiated = await _kexinit(ctx, host, port)
        if negotiated is None:
            return []
        version, kex = negotiated
        found = self.weak(kex)
        rsa = next((name for name in RSA_ALGORITHMS if name in kex.key_algorithms), None)
        if rsa is not None:
            key_type, bits = await _rsa_host_key(ctx, host, port, rsa)
            if key_type == "ssh-rsa" and 0 < bits < MIN_RSA_BITS:
                found.append(f"RSA host key of {bits} bits")
        return [self.finding(port, clip(f"{version} offers: {', '.join(found)}"))] if found else []


async def _rsa_host_key(ctx, host, port, algorithm):
    """(key type, bits) of the host key the server proves with `algorithm`, ("", 0) when it cannot
    be had. A server at its connection limit (sshd's MaxStartups: the kex exchange of the other
    checks may still hold its only start-up slot) is asked again after a pause, a few times, so
    that the evidence does not depend on which connection came first."""
    for pause in (0.0, *HOST_KEY_PAUSES):
        if pause:
            await pause_before_retry(pause)
        try:
            async with ctx.connect(host.ip, port.port) as conn:
                return await host_key_size(conn, algorithm)
        except SSH_ERRORS:
            if not ctx.limits.count(host.ip, port.port):
                break  # no turn-away on this port: a real refusal, asking again changes nothing
    return "", 0
