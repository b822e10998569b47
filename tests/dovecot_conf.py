"""Debian's Dovecot as the tests run it: POP3 and IMAP on 127.0.0.1 (a port of 0 turns a listener
off), one static password, mail in the scratch directory `root`. `tls` holds the lines that make a
variant (ssl, certificates, protocols, plaintext authentication); they come first."""

TEMPLATE = """base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap pop3
listen = 127.0.0.1
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = static
  args = password=not-for-scanners
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    port = {imap}
  }}
  inet_listener imaps {{
    port = {imaps}
    ssl = yes
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = {pop3}
  }}
  inet_listener pop3s {{
    port = {pop3s}
    ssl = yes
  }}
}}
"""


def dovecot_conf(root, *, imap, pop3, imaps=0, pop3s=0, tls=""):
    return tls + TEMPLATE.format(root=root, imap=imap, pop3=pop3, imaps=imaps, pop3s=pop3s)
