"""QR codes for product labels: the product page's absolute address, as SVG for the page and PNG to print.

The address comes from KHUYENCONG_PUBLIC_BASE_URL when set (labels printed from an office machine must
still point at the public site), else from the request the page was asked with.
"""

from __future__ import annotations

import io
from functools import lru_cache

import segno
from django.conf import settings
from django.http import HttpRequest

from khuyencong.products.models import Product

# M (15 %) survives a scuffed or partly covered label; higher levels make the code denser to print small.
ERROR_LEVEL = "m"
PNG_SCALE = 10  # 10 px per module: about 3.5 cm at 300 dpi for a version-4 code with its border


def product_public_url(product: Product, request: HttpRequest) -> str:
    path = product.get_absolute_url()
    base = settings.KHUYENCONG_PUBLIC_BASE_URL
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def _code(url: str) -> segno.QRCode:
    return segno.make_qr(url, error=ERROR_LEVEL)


# A code is a pure function of the address and takes 10–20 ms to draw: keep the recent ones per process.
@lru_cache(maxsize=2048)
def qr_svg(url: str) -> bytes:
    out = io.BytesIO()
    _code(url).save(out, kind="svg", scale=4, border=4, xmldecl=False, title=url, svgclass="product-qr")
    return out.getvalue()


@lru_cache(maxsize=2048)
def qr_png(url: str) -> bytes:
    out = io.BytesIO()
    _code(url).save(out, kind="png", scale=PNG_SCALE, border=4)
    return out.getvalue()
