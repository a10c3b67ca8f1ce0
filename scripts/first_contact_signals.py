"""The rules' findings on each older hard batch as the rules stood before that batch was written.

    .venv/bin/python scripts/first_contact_signals.py    # rewrites tests/data/judge_first_contact_signals.tsv

The current rules were widened on the replies of classes1-3 and the two older blind sets, so on
those rows they agree with the labels far more often than they do on replies they have never
seen. The learned reader's combiner must learn how far to trust the rules on new replies, so for
those rows it is trained on the findings of the rules at the commit each batch was first measured
against (git history), not today's. Needs the repository's history; the output is committed, so
training (scripts/train_judge.py) does not.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "tests" / "data" / "judge_first_contact_signals.tsv"
# commit of the rules -> the splits first measured against them (docs/judge.md tells the story).
FIRST_CONTACT = {
    "554519d": ("blind", "classes1", "classes2"),  # before the first blind set's fixes
    "f4ac162": ("blind2", "classes3"),  # before the second blind set's fixes
}

_WORKER = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from rehearsal.judging import door, gratitude, request, tone
from rehearsal.judging.features import signal_features
from rehearsal.judging.normalize import normalize
for line in sys.stdin:
    item = json.loads(line)
    norm = normalize(item["text"])
    thanks = gratitude.find(norm)
    asks = request.find(norm)
    found, _ = door.find(norm)
    verdict_tone = tone.judge(norm, thanks, found)
    print(json.dumps({"id": item["id"], "form": item["form"], "signals": signal_features(thanks, asks, found, verdict_tone)}))
"""


def main() -> None:
    sys.path.insert(0, str(REPO / "tests"))
    from judge_data import load_blind, load_blind2, load_rows

    rows = load_rows() + load_blind() + load_blind2()
    lines = ["id\tform\tcommit\tsignals"]
    for commit, splits in FIRST_CONTACT.items():
        with tempfile.TemporaryDirectory() as tmp:
            archive = subprocess.run(
                ["git", "-C", str(REPO), "archive", commit, "rehearsal/__init__.py", "rehearsal/judging"],
                check=True, capture_output=True,
            ).stdout
            subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
            shutil.copy(REPO / "rehearsal" / "judging" / "features.py", Path(tmp) / "rehearsal" / "judging" / "features.py")
            items = [
                {"id": r.id, "form": form, "text": getattr(r, form)}
                for r in rows if r.split in splits for form in ("text", "recognized")
            ]
            env = {**os.environ, "PYTHONPATH": tmp}
            out = subprocess.run(
                [sys.executable, "-c", _WORKER, tmp], input="\n".join(json.dumps(i) for i in items),
                check=True, capture_output=True, text=True, env=env, cwd=tmp,
            ).stdout
            for line in out.splitlines():
                item = json.loads(line)
                lines.append(f"{item['id']}\t{item['form']}\t{commit}\t{'|'.join(item['signals'])}")
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUT} ({len(lines) - 1} rows)")


if __name__ == "__main__":
    main()
