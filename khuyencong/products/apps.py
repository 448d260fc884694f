from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductsConfig(AppConfig):
    name = "khuyencong.products"
    label = "products"
    verbose_name = _("Sản phẩm CNNT tiêu biểu")

    def ready(self) -> None:
        from khuyencong.core.public_cache import watch
        from khuyencong.establishments.models import Establishment
        from khuyencong.geo.models import AdministrativeUnit
        from khuyencong.products.models import Product, ProductPhoto, Recognition

        # Product pages show the product, its photos and recognitions, the producer and the commune.
        for model in (Product, ProductPhoto, Recognition, Establishment, AdministrativeUnit):
            watch(model, "products")
