"""Compile or check the gettext catalogs under src/tinhso/locale with polib.

python scripts/check_messages.py            # fail if a .mo is missing or stale,
                                            # or an English entry is untranslated/fuzzy
python scripts/check_messages.py --compile  # write every .mo from its .po
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "src" / "tinhso" / "locale"
# Vietnamese is the source language: its catalog may leave msgstr empty (msgid is used).
MUST_TRANSLATE = {"en"}


def catalog(entries: polib._BaseFile) -> dict[tuple[str, str], str]:
    return {
        (e.msgctxt or "", e.msgid + ("\0" + e.msgid_plural if e.msgid_plural else "")): (
            e.msgstr or "\0".join(v for _k, v in sorted(e.msgstr_plural.items()))
        )
        for e in entries
        if e.msgid and not e.obsolete and (not isinstance(e, polib.POEntry) or e.translated())
    }


def main() -> int:
    compile_ = "--compile" in sys.argv[1:]
    problems = []
    pos = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))
    if not pos:
        problems.append(f"no catalogs under {LOCALE}")
    for po_path in pos:
        language = po_path.parent.parent.name
        po = polib.pofile(str(po_path))
        mo_path = po_path.with_suffix(".mo")
        if compile_:
            po.save_as_mofile(str(mo_path))
            print(f"compiled {mo_path.relative_to(LOCALE.parent.parent.parent)}")
            continue
        if language in MUST_TRANSLATE:
            missing = [e.msgid for e in po if not e.obsolete and (not e.translated())]
            problems += [f"{language}: untranslated or fuzzy: {m!r}" for m in missing]
        if not mo_path.exists():
            problems.append(f"{language}: {mo_path.name} missing (run make messages)")
        elif catalog(polib.mofile(str(mo_path))) != catalog(po):
            problems.append(f"{language}: {mo_path.name} is stale (run make messages)")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
