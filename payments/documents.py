"""Invoice PDF (WeasyPrint), with the same base layout and CJK fonts as orders' documents."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML


def invoice_pdf(invoice, allocations):
    html = render_to_string("payments/pdf/invoice.html", {
        "company_name": settings.OMS_COMPANY_NAME, "now": timezone.now(), "invoice": invoice, "allocations": allocations,
    })
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
