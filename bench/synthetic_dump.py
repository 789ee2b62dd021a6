"""Write a synthetic GeoNames dump of N rows in the exact 19-column layout, for import benchmarks.

Names are built from Arabic-like and European syllables with diacritics, so name folding does real
work; about half the rows carry alternate names, as in allCountries.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

_SYL = ["al", "ba", "dar", "qa", "ris", "tal", "kaf", "ra", "mun", "bij", "sa", "hil", "zor", "dey", "na",
        "ha", "ma", "sh", "kh", "ou", "ei", "ja", "bal", "wa", "di", "ya", "bro", "ud", "lin", "berg", "ton",
        "vil", "le", "san", "ta", "ma", "ria", "cas", "tel", "lo", "ne", "ko", "vo", "grad", "sk", "ow"]
_ACCENT = str.maketrans("aeiou", "āéîöû")
_CODES = ["PPL", "PPL", "PPL", "PPLA", "PPLX", "STM", "HLL", "MT", "ADM2", "FRM", "SCH", "AIRB"]


def _name(rng: random.Random) -> str:
    n = "".join(rng.choice(_SYL) for _ in range(rng.randint(2, 4)))
    words = [n.capitalize()]
    if rng.random() < 0.3:
        words.insert(0, rng.choice(["Tall", "Kafr", "Deir", "Sheikh", "Ain", "Bir", "Saint", "New", "Al"]))
    return " ".join(words)


def write_dump(path: Path, rows: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for i in range(rows):
            name = _name(rng)
            k = rng.choice([0, 0, 0, 0, 0, 1, 1, 2, 3, 5])
            alts = []
            for _ in range(k):
                alt = name.translate(_ACCENT) if rng.random() < 0.4 else _name(rng)
                alts.append(alt)
            lat = rng.uniform(-60, 75)
            lon = rng.uniform(-180, 180)
            code = rng.choice(_CODES)
            fclass = "P" if code.startswith("PPL") else ("A" if code.startswith("ADM") else "S")
            pop = rng.choice([0, 0, 0, 120, 800, 5000, 40000])
            f.write("\t".join([
                str(1_000_000 + i), name, name, ",".join(alts), f"{lat:.5f}", f"{lon:.5f}", fclass, code,
                "XX", "", f"{rng.randint(1, 30):02d}", "", "", "", str(pop), "", "100", "Etc/UTC", "2024-01-01",
            ]) + "\n")
    return path


if __name__ == "__main__":
    write_dump(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 2_000_000)
