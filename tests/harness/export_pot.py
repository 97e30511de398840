"""``make pot``: regenerate ``i18n/<module>.pot`` of every add-on and merge it into
``zh_CN.po`` (translations kept, new terms added empty, vanished terms dropped).

Prints the terms still untranslated; ``tests/test_static.py`` fails while any is.
Uses a scratch database with the named add-ons installed, dropped afterwards.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.harness import odoo_env

DB = f"hotline_i18n_{os.getpid()}"


def main(modules):
    root = odoo_env.odoo_root()
    # polib comes with Odoo's requirements: on a first run, only after odoo_root().
    import polib

    env = odoo_env.odoo_environ(root)
    subprocess.run(["dropdb", "--if-exists", DB], check=True)
    subprocess.run(["createdb", DB], check=True)
    base = [f"--database={DB}", "--stop-after-init", "--log-level=warn", "--workers=0"]
    subprocess.run(
        odoo_env.odoo_command(
            root, *base, "--without-demo=all", "-i", ",".join(modules)
        ),
        env=env,
        check=True,
    )
    untranslated = 0
    for module in modules:
        i18n = odoo_env.ADDONS / module / "i18n"
        i18n.mkdir(exist_ok=True)
        pot_path = i18n / f"{module}.pot"
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / f"{module}.pot"
            res = subprocess.run(
                odoo_env.odoo_command(
                    root, *base, f"--i18n-export={out}", f"--modules={module}"
                ),
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            # Odoo logs an export that failed half-way (a term it cannot read,
            # e.g. an f-string in env._()) and may still exit 0 with a partial
            # file: never let that overwrite the module's .pot and .po
            if res.returncode or "Traceback" in res.stderr or " ERROR " in res.stderr:
                sys.stderr.write(res.stdout + res.stderr)
                sys.exit(f"{module}: the export failed; i18n/ left unchanged")
            if not out.exists() or "msgid" not in out.read_text():
                sys.exit(f"{module}: the export wrote no terms; i18n/ left unchanged")
            pot_path.write_text(out.read_text())
        pot = polib.pofile(str(pot_path))
        po_path = i18n / "zh_CN.po"
        po = polib.pofile(str(po_path)) if po_path.exists() else polib.POFile()
        known = {(e.msgctxt, e.msgid): e.msgstr for e in po}
        merged = polib.POFile(wrapwidth=78)
        merged.metadata = dict(pot.metadata)
        merged.metadata.update(
            {
                "Language": "zh_CN",
                "Plural-Forms": "nplurals=1; plural=0;",
                "Content-Type": "text/plain; charset=UTF-8",
                "Content-Transfer-Encoding": "",
            }
        )
        for entry in pot:
            entry.msgstr = known.get((entry.msgctxt, entry.msgid), "")
            merged.append(entry)
        merged.save(str(po_path))
        missing = [e.msgid for e in merged if not e.msgstr]
        untranslated += len(missing)
        for msgid in missing:
            print(f"{module}: untranslated: {msgid!r}")
    subprocess.run(["dropdb", "--if-exists", DB], check=False)
    return 1 if untranslated else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or odoo_env.MODULES))
