"""What every CSV and XLSX download of the platform shares (the observatory's, a call's)."""

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# A cell starting with one of these is a formula to a spreadsheet program: text that starts
# so gets a leading apostrophe in CSV (OWASP's advice against CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value, *, is_text: bool) -> str:
    """One CSV cell: empty for None; text that would start a formula neutralised."""
    if value is None:
        return ""
    text = str(value)
    if is_text and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def sheet_title(text: str) -> str:
    """Excel's rules: at most 31 characters, none of : \\ / ? * [ ]."""
    for char in ":\\/?*[]":
        text = text.replace(char, " ")
    return text[:31]
