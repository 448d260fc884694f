from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from khuyencong.portal.models import Article


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Điểm"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Điểm đánh giá phải là số nguyên từ 1 đến 5.")},
    )


class CommentForm(forms.Form):
    name = forms.CharField(label=_("Họ tên"), max_length=100)
    email = forms.EmailField(label=_("Thư điện tử (không hiển thị)"), max_length=254)
    text = forms.CharField(label=_("Ý kiến"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    # Hidden from people by CSS and aria-hidden; a bot that fills every field gives itself away.
    website = forms.CharField(label=_("Trang web"), required=False, max_length=200)


class ArticleForm(forms.ModelForm):
    published_at = forms.DateTimeField(
        label=_("Thời điểm đăng"),
        required=False,
        input_formats=["%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%dT%H:%M"],
        help_text=_("dd/mm/yyyy hh:mm; để trống là bản nháp."),
    )

    class Meta:
        model = Article
        fields = ["title", "summary", "body", "image", "image_caption", "published_at", "source", "is_demo"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3}), "body": forms.Textarea(attrs={"rows": 14})}
