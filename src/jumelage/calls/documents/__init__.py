"""PDF documents of joint calls (receipts, outcome letters), rendered by WeasyPrint from
Django templates."""

from django.template.loader import render_to_string


def render_pdf(template: str, context: dict) -> bytes:
    """Render a template to PDF bytes. Fonts are the system's (DejaVu on Debian)."""
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html).write_pdf()
