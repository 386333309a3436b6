#!/usr/bin/env python3
"""Writes the seed corpus of the console's fuzz target (ConsoleSessionFuzzTest). Run from the repository root."""
import os

D = "web-console/src/test/resources/io/mmaas/console/session/ConsoleSessionFuzzTestInputs/request"
os.makedirs(D, exist_ok=True)
PRE = "1764000000." + "A" * 43
SEEDS = {
    "form-no-cookie": "g",
    "form-old-presession": "gmmaas_login=" + PRE,
    "form-garbage-cookies": "gmmaas_login=garbage; other=1; mmaas_login=99999999999999.x",
    "login-wrong-token": "lmmaas_login=" + PRE + "\n_csrf=abc&username=ada&password=correct-horse-battery",
    "login-no-cookie": "l\nusername=ada&password=correct-horse-battery",
    "login-empty": "l\n",
    "valid-token-right-password": "vusername=ada&password=correct-horse-battery",
    "valid-token-wrong-password": "vusername=ada&password=wrong",
    "valid-token-empty": "vusername=&password=",
    "valid-token-long-name": "vusername=" + "a" * 300 + "&password=x",
    "valid-token-bad-encoding": "vusername=%ZZ&password=%",
    "valid-token-duplicates": "vusername=ada&username=tina&password=x&_csrf=second",
    "valid-token-extra-cookie": "vusername=tina&password=tenant-admin-pass\nmmaas_login=other",
    "page-unknown-session": "p\nmmaas_session=abc",
    "page-empty-session": "ptenants/acme/api-keys\nmmaas_session=",
    "page-login": "plogin\n",
    "page-traversal": "p../../etc/passwd\n",
    "page-odd-cookies": "paudit\n=; ;;mmaas_session=\"quoted\"; a=b=c",
    "page-static-directory": "pstatic",
    "signed-in-logout-wrong-csrf": "s\n_csrf=wrong\n",
    "signed-in-tenants-wrong-csrf": "s\n_csrf=wrong&name=x\nx",
    "signed-in-password-second-session": "smmaas_session=other\n_csrf=\nxx",
}
for name, text in SEEDS.items():
    with open(os.path.join(D, name), "wb") as f:
        f.write(text.encode())
