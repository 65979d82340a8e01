"""The five seed texts the tests are written about, by their names in fixtures/. Plain Python
(no Django), so pure-Python test modules can read them; tests/utils.py imports them from here."""

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

FILES = {
    "000": "000_8de714b2e908a213.txt",
    "001": "001_a145850f4f38ab17.txt",
    "002": "002_e5200c9010b3f9b1.txt",
    "003": "003_c363393320e862de.txt",
    "004": "004_8b923e37741170ef.txt",
}
