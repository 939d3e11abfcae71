"""The Treaty Office's charts and page shell as the fake serves them: rows, charts, HTML."""

from datetime import date
from typing import Any

CHALLENGE_HTML = """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="refresh" content="390"></head><body><noscript>Enable JavaScript</noscript>
<script>(function(){window._cf_chl_opt={cvId: '3',cZone: "www.coe.int"};
var a=document.createElement('script');
a.src='https://challenges.cloudflare.com/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1';
}());</script></body></html>"""

DATE_KEYS = {
    "signed": "DateSignature",
    "consent": "DateConsentement",
    "in_force": "DateEntreeVigueur",
    "denounced": "DateDenonciation",
    "denunciation_effective": "DateEffetDenonciation",
    "suspended": "DateSuspension",
}


def chart_row(code: str, name: str, treaty_number: int, **dates: date | str | None) -> dict:
    """Return a chart row as the service writes it; dates by short name (``signed=...``)."""
    row: dict[str, Any] = {"CodePays": code, "LibPaysOrga": name, "NumSTE": str(treaty_number)}
    for short, key in DATE_KEYS.items():
        value = dates.pop(short, None)
        row[key] = value.isoformat() + "T00:00:00" if isinstance(value, date) else value
    if dates:
        raise TypeError(f"unknown date names: {sorted(dates)}")
    row.update({"Reserves": None, "Declarations": None, "Objections": None})
    return row


def standard_chart(treaty_number: int, kaz: dict | None = None) -> list[list[dict]]:
    """Return three buckets: BUL and FRA as members, KAZ (if given) as a non-member, the EU."""
    members = [
        chart_row("BUL", "Bulgaria", treaty_number, signed=date(2000, 1, 1)),
        chart_row(
            "FRA", "France", treaty_number, signed=date(1990, 5, 2), consent=date(1992, 3, 4)
        ),
    ]
    non_members = [] if kaz is None else [kaz]
    organisations = [chart_row("UE", "European Union", treaty_number)]
    return [members, non_members, organisations]


def page_shell_html(api_url: str, token: str, *, quote: str = '"') -> str:
    """Return a page shell that sets the two globals, with the given quote style."""
    return (
        "<!DOCTYPE html><html><head><title>Full list</title></head><body>"
        "<noscript>You need to enable JavaScript to run this app.</noscript>\n<script>\n"
        f"  window.conventions_api_url={quote}{api_url}{quote};\n"
        f"  window.conventions_api_key = {quote}{token}{quote};\n"
        "</script><div id='root'></div></body></html>"
    )
