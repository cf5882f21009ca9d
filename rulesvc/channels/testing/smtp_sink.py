#!/usr/bin/python3
"""Test SMTP receiver for rulesvc/channels: aiosmtpd (Debian python3-aiosmtpd) on 127.0.0.1, port
chosen by the kernel. Prints "listening on 127.0.0.1:PORT" on stderr once ready. For every message
it writes OUTDIR/N.eml (the raw DATA) and OUTDIR/N.json: the envelope and the message as parsed by
Python's own e-mail package (decoded Subject, each text part decoded), an independent check of
what the C++ renderer produced.

Usage: smtp_sink.py OUTDIR [--reply "451 4.3.0 try later"] [--auth USER:PASSWORD]
  --reply  answered to DATA instead of accepting the message (failure tests)
  --auth   require AUTH (PLAIN/LOGIN, allowed without TLS) with these credentials"""
import argparse
import asyncio
import email
import email.policy
import json
import os
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, outdir, reply):
        self.outdir = outdir
        self.reply = reply
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        if self.reply:
            return self.reply
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        parts = []
        for part in msg.walk():
            if part.get_content_maintype() == "multipart":
                continue
            parts.append({
                "content_type": part.get_content_type(),
                "charset": part.get_content_charset(),
                "transfer_encoding": part.get("Content-Transfer-Encoding", ""),
                "text": part.get_content(),
            })
        summary = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(msg["From"]),
            "to": str(msg["To"]),
            "subject": str(msg["Subject"]),
            "raw_headers": raw.split(b"\r\n\r\n", 1)[0].decode("ascii", "replace"),
            "date": str(msg["Date"]),
            "message_id": str(msg["Message-ID"]),
            "content_type": msg.get_content_type(),
            "defects": [str(d) for d in msg.defects],
            "parts": parts,
        }
        self.count += 1
        base = os.path.join(self.outdir, str(self.count))
        with open(base + ".eml", "wb") as f:
            f.write(raw)
        with open(base + ".json.tmp", "w", encoding="utf-8") as f:
            json.dump(summary, f, ensure_ascii=False)
        os.rename(base + ".json.tmp", base + ".json")
        return "250 Message accepted for delivery"


def make_authenticator(credentials):
    user, _, password = credentials.partition(":")

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user.encode()
              and auth_data.password == password.encode())
        return AuthResult(success=ok, handled=False)  # False: aiosmtpd answers 535 itself
    return authenticate


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("outdir")
    parser.add_argument("--reply", default="")
    parser.add_argument("--auth", default="")
    args = parser.parse_args()
    handler = Sink(args.outdir, args.reply)
    kwargs = {}
    if args.auth:
        kwargs = dict(authenticator=make_authenticator(args.auth), auth_required=True,
                      auth_require_tls=False)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="sink.test", decode_data=False, **kwargs),
        host="127.0.0.1", port=0)
    port = server.sockets[0].getsockname()[1]
    print(f"listening on 127.0.0.1:{port}", file=sys.stderr, flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
