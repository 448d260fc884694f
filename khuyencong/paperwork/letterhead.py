"""Who issues and signs each document, read from settings (KHUYENCONG_DOC_*, see settings.py).

The defaults follow Lạng Sơn's structure; the exact names, symbols and titles are the customer's to
confirm. Read at call time, so a changed setting (or a test's override) applies to the next document.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from khuyencong.paperwork.document import Issuer, Signature
from khuyencong.projects.choices import ProgrammeLevel


@dataclass(frozen=True)
class Letterhead:
    issuer: Issuer
    place: str
    signature: Signature
    # The authority line a decision opens with ("GIÁM ĐỐC SỞ CÔNG THƯƠNG").
    head: str = ""
    # Who proposed the decision ("Theo đề nghị của …"); empty leaves the line out.
    proposer: str = ""


def decision(level: str) -> Letterhead:
    """The body that approves a project: the department for the local programme, the ministry for the
    national one."""
    s = settings
    if level == ProgrammeLevel.NATIONAL:
        return Letterhead(
            issuer=Issuer(s.KHUYENCONG_DOC_MINISTRY, "", s.KHUYENCONG_DOC_MINISTRY_SYMBOL),
            place=s.KHUYENCONG_DOC_MINISTRY_PLACE,
            head=s.KHUYENCONG_DOC_MINISTRY_HEAD,
            signature=Signature(
                title=s.KHUYENCONG_DOC_MINISTRY_SIGNER_TITLE,
                authority=s.KHUYENCONG_DOC_MINISTRY_SIGN_AUTHORITY,
                name=s.KHUYENCONG_DOC_MINISTRY_SIGNER_NAME,
            ),
        )
    return Letterhead(
        issuer=Issuer(
            s.KHUYENCONG_DOC_DEPARTMENT,
            s.KHUYENCONG_DOC_DEPARTMENT_PARENT,
            s.KHUYENCONG_DOC_DEPARTMENT_SYMBOL,
        ),
        place=s.KHUYENCONG_DOC_PLACE,
        head=s.KHUYENCONG_DOC_DEPARTMENT_HEAD,
        proposer=s.KHUYENCONG_DOC_DECISION_PROPOSER,
        signature=Signature(
            title=s.KHUYENCONG_DOC_DEPARTMENT_SIGNER_TITLE,
            authority=s.KHUYENCONG_DOC_DEPARTMENT_SIGN_AUTHORITY,
            name=s.KHUYENCONG_DOC_DEPARTMENT_SIGNER_NAME,
        ),
    )


def centre() -> Letterhead:
    """The extension centre: it holds the acceptance and is party A of the project contracts."""
    s = settings
    return Letterhead(
        issuer=Issuer(
            s.KHUYENCONG_DOC_CENTRE, s.KHUYENCONG_DOC_CENTRE_PARENT, s.KHUYENCONG_DOC_CENTRE_SYMBOL
        ),
        place=s.KHUYENCONG_DOC_PLACE,
        signature=Signature(
            title=s.KHUYENCONG_DOC_CENTRE_SIGNER_TITLE, name=s.KHUYENCONG_DOC_CENTRE_SIGNER_NAME
        ),
    )
