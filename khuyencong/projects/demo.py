"""The demo projects (issue 3 §9): Lạng Sơn's khuyến công programme of 2008–2012, and a few current ones.

Source of the figures: Báo Lạng Sơn, 07/08/2012 ("Đẩy mạnh công tác khuyến công trên địa bàn"), which
reports for 2008–2012: 66 projects in all; 24 demonstration models (forest-product processing, building
materials, mechanical engineering) that gave work to 1,286 people; 12 projects that helped rural
establishments renew their technology and machinery (including environmental treatment) that gave work
to 535 people; the rest went to training, consulting, branding and communication; Công ty TNHH thương mại
Hưng Long's plastics line is named. Those totals are the only facts taken from it. Every project below is
illustrative (``is_demo``; the pages mark it "minh hoạ"): titles, places, establishments (fictional, no
tax codes), amounts, decision and contract numbers and the split of the job totals across projects are
made up so that the totals come out exactly as the article states.

The article's figures live here and in the tests only: everything else (reports, pages) computes them from
the accepted results, so one more accepted model changes every total.

Projects of 2008–2012 sit in the pre-reform communes (generation "legacy"); the current ones (2025–2026)
in the post-reform communes, one at each stage of the lifecycle. The priority classifications of communes
(difficult areas, new-rural-development communes) are not shipped (DESIGN §4: no invented lists), so the
demo places projects in rural communes without claiming a classification for them.

Everything goes through the services a user's clicks go through (project_create, project_submit, …,
project_settle), with the demo users as actors: canbo (centre officer) proposes and follows up, lanhdao
(leader) approves, daidien (Hưng Long's representative) drafts an application. Idempotent: a project whose
code exists is skipped, together with the establishment it would have registered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from django.db import transaction

from khuyencong.accounts.models import User
from khuyencong.appraisal import demo as appraisal_demo
from khuyencong.core.text import fold, search_tokens
from khuyencong.establishments import services as establishment_services
from khuyencong.establishments.models import Establishment
from khuyencong.geo.choices import REFORM_DATE, Generation, Level
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.selectors import default_successor, legacy_units_for
from khuyencong.projects import services
from khuyencong.projects.choices import ContentCategory, ExpectedIndicator, ProgrammeLevel, Status, SubType
from khuyencong.projects.models import ChecklistAnswer, Project, code_key

# The article's figures (Báo Lạng Sơn, 07/08/2012) for plan years 2008–2012.
ARTICLE_FIRST_YEAR = 2008
ARTICLE_LAST_YEAR = 2012
ARTICLE_PROJECTS = 66
ARTICLE_DEMONSTRATION_MODELS = 24
ARTICLE_DEMONSTRATION_JOBS = 1_286
ARTICLE_MACHINERY_PROJECTS = 12
ARTICLE_MACHINERY_JOBS = 535

PROVINCE = "20"  # Lạng Sơn
SOURCE = "Báo Lạng Sơn, 07/08/2012"
CENTRE = "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp Lạng Sơn"
HUNG_LONG = "Công ty TNHH thương mại Hưng Long"
OFFICER, LEADER, REPRESENTATIVE = "canbo", "lanhdao", "daidien"
MILLION = 1_000_000

C = ContentCategory
S = Status
LOCAL, NATIONAL = ProgrammeLevel.LOCAL, ProgrammeLevel.NATIONAL
JOBS = ExpectedIndicator.JOBS_CREATED
TRAINED = ExpectedIndicator.WORKERS_TRAINED
SUPPORTED = ExpectedIndicator.ESTABLISHMENTS_SUPPORTED
MACHINES = ExpectedIndicator.MACHINES
MODELS = ExpectedIndicator.MODELS

# The lifecycle in the order a project goes through it (the happy path).
STAGES: tuple[Status, ...] = (
    S.DRAFT,
    S.SUBMITTED,
    S.UNDER_APPRAISAL,
    S.PROPOSED,
    S.APPROVED,
    S.CONTRACTED,
    S.IN_PROGRESS,
    S.AWAITING_ACCEPTANCE,
    S.ACCEPTED,
    S.SETTLED,
    S.CLOSED,
)


class DemoDataError(RuntimeError):
    """The database lacks something the demo needs (a commune, a demo user, the demo registry)."""


@dataclass(frozen=True)
class Newcomer:
    """A fictional establishment the demo registers (no tax code: none is invented)."""

    name: str
    legal_form: str
    sector: str
    workers: int
    women: int
    minority: int
    products: str


@dataclass(frozen=True)
class DemoProject:
    """One project and how far along its lifecycle the demo takes it, with the data of each step."""

    code: str
    title: str
    category: str
    level: str
    plan_year: int
    stage: Status
    support: int
    eligible_cost: int
    own_contribution: int = 0
    subtype: str = ""
    is_pilot: bool = False
    partners: str = ""
    description: str = ""
    # Where: a pre-reform commune (district short name, commune short name), a current commune's short
    # name, or (both blank) the beneficiary's commune, or for a project before the reform the old commune
    # that the beneficiary's current one came from.
    legacy_place: tuple[str, str] | None = None
    current_place: str = ""
    newcomer: Newcomer | None = None  # a beneficiary the demo registers
    registered: str = ""  # or one already in the demo registry (core/demo.py), by name
    creator: str = OFFICER
    expected: dict[str, int] = field(default_factory=dict)
    results: dict[str, int] = field(default_factory=dict)
    trained_women: int = 0
    trained_ethnic_minority: int = 0
    machines: tuple[tuple[str, str], ...] = ()
    submitted_on: dt.date | None = None
    decision_number: str = ""
    decision_date: dt.date | None = None
    contract_number: str = ""
    contract_date: dt.date | None = None
    advance: int = 0
    advance_on: dt.date | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    held_on: dt.date | None = None
    settled_amount: int = 0
    liquidation_date: dt.date | None = None

    def reaches(self, stage: Status) -> bool:
        return STAGES.index(self.stage) >= STAGES.index(stage)


# --- the 2008–2012 programme ----------------------------------------------------------------------

# Demonstration models: (plan year, level, (district, commune), eligible cost in millions of đồng,
# relative size used to split the article's job total across the models, establishment, title).
# fmt: off
DEMONSTRATION_ROWS: list[tuple[int, str, tuple[str, str], int, int, Newcomer, str]] = [
    (2008, LOCAL, ("Cao Lộc", "Hợp Thành"), 620, 45,
     Newcomer("Hợp tác xã chế biến gỗ Tân Phát", "cooperative", "forest_products", 32, 8, 24, "Gỗ xẻ sấy"),
     "Mô hình trình diễn kỹ thuật sấy gỗ rừng trồng bằng lò hơi đốt mùn cưa"),
    (2008, NATIONAL, ("Hữu Lũng", "Minh Sơn"), 1_050, 70,
     Newcomer("Công ty TNHH vật liệu xây dựng Minh Phúc", "small_enterprise", "building_materials", 58, 12, 30, "Gạch xi măng cốt liệu"),
     "Mô hình trình diễn sản xuất gạch không nung bằng máy ép thủy lực"),
    (2008, LOCAL, ("Chi Lăng", "Mai Sao"), 420, 25,
     Newcomer("Cơ sở cơ khí Thành Công", "household_business", "mechanical", 9, 1, 6, "Máy thái sắn, máy băm"),
     "Mô hình trình diễn chế tạo máy thái sắn lát cho hộ chế biến"),
    (2008, LOCAL, ("Văn Quan", "Tràng Phái"), 480, 40,
     Newcomer("Hợp tác xã chế biến tinh bột Hòa Thuận", "cooperative", "food_processing", 26, 17, 26, "Tinh bột dong riềng"),
     "Mô hình trình diễn chế biến tinh bột dong riềng quy mô hộ gia đình"),
    (2009, NATIONAL, ("Bình Gia", "Hoa Thám"), 900, 65,
     Newcomer("Công ty TNHH lâm sản Hoàng Gia", "small_enterprise", "forest_products", 54, 15, 40, "Ván bóc, gỗ xẻ"),
     "Mô hình trình diễn sản xuất ván bóc từ gỗ keo rừng trồng"),
    (2009, LOCAL, ("Lộc Bình", "Khuất Xá"), 520, 35,
     Newcomer("Hợp tác xã vật liệu xây dựng Phúc Hưng", "cooperative", "building_materials", 30, 6, 27, "Ngói màu xi măng cát"),
     "Mô hình trình diễn sản xuất ngói màu xi măng cát"),
    (2009, LOCAL, ("Tràng Định", "Đề Thám"), 380, 45,
     Newcomer("Cơ sở chế biến gỗ Hùng Cường", "household_business", "forest_products", 14, 6, 12, "Đũa gỗ, tăm tre"),
     "Mô hình trình diễn sản xuất đũa gỗ và tăm tre bằng máy"),
    (2009, NATIONAL, ("Cao Lộc", "Tân Liên"), 1_000, 60,
     Newcomer("Công ty cổ phần cơ khí Xuân Trường", "small_enterprise", "mechanical", 46, 5, 20, "Kết cấu thép, khung nhà"),
     "Mô hình trình diễn gia công kết cấu thép bằng máy cắt điều khiển số"),
    (2009, LOCAL, ("Hữu Lũng", "Đồng Tân"), 850, 55,
     Newcomer("Hợp tác xã khai thác đá Đồng Tiến", "cooperative", "building_materials", 40, 4, 22, "Đá dăm, đá hộc"),
     "Mô hình trình diễn sản xuất đá xây dựng bằng tổ hợp nghiền sàng"),
    (2010, LOCAL, ("Văn Lãng", "Hoàng Việt"), 700, 50,
     Newcomer("Cơ sở chế biến lâm sản Quang Minh", "household_business", "forest_products", 18, 7, 15, "Ván ghép thanh"),
     "Mô hình trình diễn sản xuất ván ghép thanh từ gỗ rừng trồng"),
    (2010, NATIONAL, ("Bắc Sơn", "Vũ Lăng"), 640, 55,
     Newcomer("Hợp tác xã chế biến nông sản Hợp Lực", "cooperative", "food_processing", 35, 24, 35, "Miến dong"),
     "Mô hình trình diễn chế biến và đóng gói miến dong"),
    (2010, LOCAL, ("Đình Lập", "Thái Bình"), 820, 50,
     Newcomer("Công ty TNHH nhựa thông Thái Sơn", "small_enterprise", "forest_products", 38, 10, 30, "Tùng hương, dầu thông"),
     "Mô hình trình diễn chưng cất nhựa thông bằng hơi nước"),
    (2010, LOCAL, ("Chi Lăng", "Vân Thủy"), 400, 30,
     Newcomer("Cơ sở cơ khí nông cụ Đức Thịnh", "household_business", "mechanical", 8, 1, 5, "Máy tuốt lúa, bừa cày"),
     "Mô hình trình diễn chế tạo máy tuốt lúa gắn động cơ"),
    (2010, NATIONAL, ("Lộc Bình", "Na Dương"), 1_200, 80,
     Newcomer("Công ty TNHH gạch tuynel Hoàng Hà", "small_enterprise", "building_materials", 75, 20, 50, "Gạch nung tuynel"),
     "Mô hình trình diễn sản xuất gạch nung bằng lò tuynel cải tiến"),
    (2011, LOCAL, ("Cao Lộc", "Gia Cát"), 560, 40,
     Newcomer("Hợp tác xã mộc dân dụng Thanh Bình", "cooperative", "forest_products", 27, 5, 20, "Bàn ghế, tủ gỗ"),
     "Mô hình trình diễn sản xuất đồ mộc bằng máy chép hình"),
    (2011, NATIONAL, ("Văn Quan", "An Sơn"), 760, 45,
     Newcomer("Công ty TNHH chế biến hồi quế An Phú", "small_enterprise", "forest_products", 33, 14, 30, "Tinh dầu hồi"),
     "Mô hình trình diễn chưng cất tinh dầu hồi bằng nồi hơi gián tiếp"),
    (2011, LOCAL, ("Hữu Lũng", "Yên Thịnh"), 540, 35,
     Newcomer("Cơ sở vật liệu xây dựng Đại Thành", "household_business", "building_materials", 16, 3, 10, "Ống cống, cột bê tông"),
     "Mô hình trình diễn sản xuất ống cống bê tông ly tâm"),
    (2011, LOCAL, ("Tràng Định", "Quốc Khánh"), 450, 45,
     Newcomer("Hợp tác xã trúc tre Hòa Hợp", "cooperative", "handicrafts", 30, 22, 30, "Mành trúc, chiếu tre"),
     "Mô hình trình diễn sản xuất mành trúc bằng máy chẻ và chuốt nan"),
    (2011, NATIONAL, ("Bình Gia", "Tân Văn"), 950, 55,
     Newcomer("Công ty cổ phần lâm sản Bảo An", "medium_enterprise", "forest_products", 90, 25, 60, "Viên nén mùn cưa"),
     "Mô hình trình diễn sản xuất viên nén mùn cưa làm chất đốt"),
    (2012, LOCAL, ("Bắc Sơn", "Chiến Thắng"), 380, 30,
     Newcomer("Cơ sở cơ khí Hoàng Long", "household_business", "mechanical", 7, 1, 6, "Máy xay xát ngô, thóc"),
     "Mô hình trình diễn chế tạo máy xay xát ngô, thóc quy mô nhỏ"),
    (2012, NATIONAL, ("Chi Lăng", "Nhân Lý"), 880, 55,
     Newcomer("Công ty TNHH vật liệu xây dựng Phú Cường", "small_enterprise", "building_materials", 44, 9, 25, "Gạch lát terrazzo"),
     "Mô hình trình diễn sản xuất gạch lát terrazzo"),
    (2012, LOCAL, ("Văn Lãng", "Tân Mỹ"), 720, 50,
     Newcomer("Hợp tác xã chế biến gỗ Tân Thịnh", "cooperative", "forest_products", 29, 7, 24, "Gỗ dán"),
     "Mô hình trình diễn sản xuất gỗ dán bằng máy ép nhiệt"),
    (2012, LOCAL, ("Lộc Bình", "Tú Đoạn"), 360, 30,
     Newcomer("Cơ sở chế biến thực phẩm Bình An", "household_business", "food_processing", 12, 9, 11, "Bún khô, phở khô"),
     "Mô hình trình diễn sản xuất bún khô, phở khô đóng gói"),
    (2012, NATIONAL, ("Đình Lập", "Kiên Mộc"), 780, 45,
     Newcomer("Công ty TNHH lâm nghiệp Đình Sơn", "small_enterprise", "forest_products", 41, 8, 33, "Gỗ thông xẻ"),
     "Mô hình trình diễn sơ chế gỗ thông tại rừng bằng xưởng xẻ di động"),
]
# fmt: on

# Machinery application: (plan year, level, (district, commune) or None for Hưng Long's old commune,
# eligible cost in millions, relative size, machine handed over and how many, sub-type, establishment or
# None for Hưng Long, title).
# fmt: off
MACHINERY_ROWS: list[tuple[int, str, tuple[str, str] | None, int, int, str, int, str, Newcomer | None, str]] = [
    (2008, LOCAL, ("Lạng Sơn", "Mai Pha"), 400, 30, "Máy in bao bì", 2, "",
     Newcomer("Cơ sở sản xuất bao bì giấy Mai Phương", "household_business", "other", 15, 10, 8, "Hộp, túi giấy"),
     "Hỗ trợ ứng dụng máy in và máy cắt bao bì giấy"),
    (2008, NATIONAL, ("Hữu Lũng", "Hòa Lạc"), 700, 60, "Máy bóc gỗ", 2, "",
     Newcomer("Công ty TNHH chế biến gỗ Thịnh Vượng", "small_enterprise", "forest_products", 62, 18, 40, "Ván bóc sấy"),
     "Hỗ trợ đổi mới máy bóc gỗ và lò sấy ván"),
    (2009, LOCAL, ("Cao Lộc", "Cao Lộc"), 520, 35, "Máy tiện CNC", 1, "",
     Newcomer("Doanh nghiệp tư nhân cơ khí Tiến Đạt", "micro_enterprise", "mechanical", 9, 1, 4, "Phụ tùng máy nông nghiệp"),
     "Hỗ trợ ứng dụng máy tiện, máy phay điều khiển số"),
    (2009, LOCAL, ("Bắc Sơn", "Bắc Sơn"), 300, 40, "Máy dệt", 4, "",
     Newcomer("Hợp tác xã dệt thổ cẩm Hoa Mai", "cooperative", "handicrafts", 24, 22, 24, "Khăn, túi thổ cẩm"),
     "Hỗ trợ máy dệt và máy may cho hợp tác xã thổ cẩm"),
    (2010, NATIONAL, ("Chi Lăng", "Đồng Mỏ"), 560, 45, "Máy sấy nông sản", 2, "",
     Newcomer("Công ty TNHH chế biến nông sản Đồng Tâm", "small_enterprise", "food_processing", 40, 26, 30, "Măng khô, nấm sấy"),
     "Hỗ trợ máy sấy và máy đóng gói măng, nấm"),
    (2010, LOCAL, ("Văn Quan", "Văn Quan"), 380, 30, "Nồi chưng cất", 2, "",
     Newcomer("Cơ sở chế biến hồi Phúc Lợi", "household_business", "forest_products", 11, 5, 10, "Tinh dầu hồi"),
     "Hỗ trợ thiết bị chưng cất hồi và xử lý nước thải sau chưng cất"),
    (2010, LOCAL, ("Tràng Định", "Thất Khê"), 640, 75, "Máy may công nghiệp", 6, "",
     Newcomer("Công ty TNHH may mặc Thiên Phúc", "small_enterprise", "textiles", 80, 66, 45, "Quần áo bảo hộ, đồng phục"),
     "Hỗ trợ máy may công nghiệp để mở rộng xưởng may"),
    (2011, LOCAL, None, 1_400, 60, "Máy ép nhựa", 3, SubType.PRODUCTION_LINE,
     None,
     "Hỗ trợ ứng dụng dây chuyền ép, thổi sản phẩm nhựa dân dụng"),
    (2011, NATIONAL, ("Lộc Bình", "Lộc Bình"), 600, 35, "Bộ lọc bụi túi vải", 1, "",
     Newcomer("Công ty TNHH vật liệu xây dựng Xuân Lộc", "small_enterprise", "building_materials", 36, 5, 20, "Đá dăm, cát nghiền"),
     "Hỗ trợ hệ thống lọc bụi cho xưởng nghiền đá"),
    (2011, LOCAL, ("Đình Lập", "Thị trấn Đình Lập"), 450, 40, "Thiết bị chưng cất", 1, "",
     Newcomer("Cơ sở chế biến nhựa thông Đình Phong", "household_business", "forest_products", 13, 4, 11, "Tùng hương"),
     "Hỗ trợ thiết bị chưng cất nhựa thông tiết kiệm nhiên liệu"),
    (2012, LOCAL, ("Văn Lãng", "Na Sầm"), 680, 45, "Máy chấn tôn", 2, "",
     Newcomer("Công ty TNHH cơ khí xây dựng Hợp Phát", "small_enterprise", "mechanical", 38, 3, 18, "Cửa sắt, mái tôn"),
     "Hỗ trợ máy chấn và máy cắt tôn thủy lực"),
    (2012, NATIONAL, ("Bình Gia", "Bình Gia"), 420, 50, "Máy vò chè", 2, "",
     Newcomer("Hợp tác xã chè Tân Hồng", "cooperative", "food_processing", 28, 16, 28, "Chè xanh, chè búp khô"),
     "Hỗ trợ máy vò và máy sao chè để đa dạng sản phẩm"),
]
# fmt: on

# Training: (plan year, level, (district, commune), support in millions, trainees, of whom women, of whom
# ethnic minority, title).
# fmt: off
TRAINING_ROWS: list[tuple[int, str, tuple[str, str], int, int, int, int, str]] = [
    (2008, LOCAL, ("Tràng Định", "Kim Đồng"), 80, 35, 28, 35, "Đào tạo nghề đan lát mây tre cho lao động nông thôn"),
    (2008, LOCAL, ("Văn Quan", "Tri Lễ"), 70, 30, 30, 30, "Truyền nghề dệt thổ cẩm cho phụ nữ trong xã"),
    (2009, NATIONAL, ("Bình Gia", "Hồng Phong"), 120, 40, 5, 36, "Đào tạo nghề mộc dân dụng"),
    (2009, LOCAL, ("Lộc Bình", "Tam Gia"), 150, 50, 44, 41, "Đào tạo nghề may công nghiệp"),
    (2010, LOCAL, ("Chi Lăng", "Chiến Thắng"), 90, 35, 30, 30, "Đào tạo nghề chế biến miến, bánh từ nông sản địa phương"),
    (2010, LOCAL, ("Cao Lộc", "Xuất Lễ"), 110, 30, 0, 24, "Đào tạo nghề hàn, gò cơ khí nông thôn"),
    (2010, NATIONAL, ("Văn Lãng", "Tân Thanh"), 80, 40, 32, 38, "Đào tạo nghề làm hương từ nguyên liệu rừng"),
    (2011, LOCAL, ("Hữu Lũng", "Hữu Liên"), 85, 35, 27, 31, "Đào tạo nghề đan sản phẩm từ tre, trúc"),
    (2011, LOCAL, ("Đình Lập", "Bắc Xa"), 95, 40, 12, 38, "Đào tạo nghề khai thác và sơ chế nhựa thông"),
    (2012, NATIONAL, ("Bắc Sơn", "Hưng Vũ"), 100, 35, 35, 35, "Truyền nghề dệt thổ cẩm truyền thống"),
    (2012, LOCAL, ("Tràng Định", "Đội Cấn"), 90, 30, 2, 26, "Đào tạo nghề sửa chữa máy nông nghiệp"),
    (2012, LOCAL, ("Văn Quan", "Tú Xuyên"), 85, 30, 14, 28, "Đào tạo nghề chưng cất tinh dầu hồi, quế"),
]
# fmt: on

# Consulting, communication, branding and fairs: (plan year, category, level, (district, commune), support
# in millions, establishments reached, title).
# fmt: off
OTHER_ROWS: list[tuple[int, str, str, tuple[str, str], int, int, str]] = [
    (2008, C.CONSULTING_INFORMATION, LOCAL, ("Lạng Sơn", "Hoàng Văn Thụ"), 40, 10,
     "Tư vấn lập dự án đầu tư và đăng ký kinh doanh cho cơ sở CNNT"),
    (2008, C.CONSULTING_INFORMATION, LOCAL, ("Lạng Sơn", "Chi Lăng"), 60, 20,
     "Truyền thông: chuyên mục khuyến công trên truyền hình tỉnh"),
    (2008, C.PRODUCT_DEVELOPMENT, NATIONAL, ("Lạng Sơn", "Đông Kinh"), 90, 15,
     "Đưa cơ sở CNNT tham gia hội chợ triển lãm khu vực phía Bắc"),
    (2009, C.CONSULTING_INFORMATION, LOCAL, ("Cao Lộc", "Đồng Đăng"), 45, 12,
     "Tư vấn quản lý sản xuất và tiếp cận vốn vay cho doanh nghiệp nhỏ"),
    (2009, C.PRODUCT_DEVELOPMENT, LOCAL, ("Bắc Sơn", "Vũ Sơn"), 50, 5,
     "Thiết kế nhãn mác, bao bì cho sản phẩm miến dong"),
    (2009, C.CONSULTING_INFORMATION, LOCAL, ("Lạng Sơn", "Tam Thanh"), 50, 30,
     "Truyền thông: bản tin khuyến công in hằng quý"),
    (2010, C.CONSULTING_INFORMATION, LOCAL, ("Hữu Lũng", "Hữu Lũng"), 50, 8,
     "Tư vấn lựa chọn công nghệ, thiết bị cho cơ sở chế biến gỗ"),
    (2010, C.PRODUCT_DEVELOPMENT, LOCAL, ("Văn Quan", "Bình Phúc"), 60, 6,
     "Xây dựng thương hiệu cho sản phẩm tinh dầu hồi"),
    (2010, C.PRODUCT_DEVELOPMENT, NATIONAL, ("Lạng Sơn", "Đông Kinh"), 150, 40,
     "Tổ chức hội chợ hàng công nghiệp nông thôn của tỉnh"),
    (2011, C.CONSULTING_INFORMATION, NATIONAL, ("Chi Lăng", "Thị trấn Chi Lăng"), 60, 6,
     "Tư vấn tiết kiệm năng lượng, giảm chất thải cho cơ sở vật liệu xây dựng"),
    (2011, C.CONSULTING_INFORMATION, LOCAL, ("Văn Lãng", "Na Sầm"), 40, 10,
     "Tư vấn lập kế hoạch kinh doanh cho hợp tác xã"),
    (2011, C.PRODUCT_DEVELOPMENT, LOCAL, ("Chi Lăng", "Quan Sơn"), 45, 4,
     "Đăng ký nhãn hiệu và quảng bá sản phẩm mây tre đan"),
    (2011, C.PRODUCT_DEVELOPMENT, LOCAL, ("Lạng Sơn", "Vĩnh Trại"), 120, 30,
     "Phòng trưng bày giới thiệu sản phẩm công nghiệp nông thôn"),
    (2011, C.CONSULTING_INFORMATION, LOCAL, ("Lạng Sơn", "Hoàng Văn Thụ"), 55, 25,
     "Truyền thông: phổ biến chính sách khuyến công trên báo in và báo điện tử"),
    (2012, C.CONSULTING_INFORMATION, LOCAL, ("Bình Gia", "Thiện Thuật"), 45, 15,
     "Tư vấn khởi sự doanh nghiệp ở nông thôn"),
    (2012, C.PRODUCT_DEVELOPMENT, NATIONAL, ("Lạng Sơn", "Tam Thanh"), 100, 25,
     "Tổ chức bình chọn sản phẩm công nghiệp nông thôn tiêu biểu cấp tỉnh"),
    (2012, C.PRODUCT_DEVELOPMENT, LOCAL, ("Bình Gia", "Hoa Thám"), 50, 5,
     "Thiết kế mẫu mã, bao bì cho sản phẩm chè"),
    (2012, C.CONSULTING_INFORMATION, LOCAL, ("Lạng Sơn", "Chi Lăng"), 70, 40,
     "Truyền thông: trang thông tin điện tử về khuyến công"),
]
# fmt: on

ARTICLE_NOTE = (
    f"Dữ liệu minh hoạ dựng theo số liệu tổng hợp giai đoạn 2008–2012 ({SOURCE}); tên cơ sở, địa điểm, "
    "số tiền, số quyết định và số hợp đồng là giả định."
)
CURRENT_NOTE = "Dữ liệu minh hoạ; tên cơ sở, số tiền, số quyết định và số hợp đồng là giả định."

PURPOSE: dict[str, str] = {
    C.DEMONSTRATION_MODEL: "Dựng mô hình sản xuất thật tại cơ sở để các cơ sở khác đến xem và làm theo",
    C.MACHINERY_APPLICATION: "Hỗ trợ một phần tiền mua máy móc để cơ sở nâng năng suất, chất lượng",
    C.TRAINING: "Mở lớp dạy nghề ngắn hạn tại xã cho lao động nông thôn",
    C.CONSULTING_INFORMATION: "Đưa thông tin, tư vấn đến tận cơ sở công nghiệp nông thôn",
    C.PRODUCT_DEVELOPMENT: "Giúp sản phẩm công nghiệp nông thôn của tỉnh đến với người mua",
}


def apportion(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` in proportion to `weights` into whole numbers that add up to exactly `total`.

    Largest remainder: each share is floor(total × w / Σw), and the units left over go to the largest
    remainders (the earlier row on a tie), so the result is deterministic.
    """
    whole = sum(weights)
    if whole <= 0:
        raise ValueError("weights must add up to a positive number")
    shares = [total * w // whole for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in remainders[: total - sum(shares)]:
        shares[i] += 1
    return shares


def _days(start: dt.date, n: int) -> dt.date:
    return start + dt.timedelta(days=n)


def _floor_million(value: int) -> int:
    return value // MILLION * MILLION


def _expected(achieved: int) -> int:
    """What the proposal promised: a round figure a little under what the acceptance found."""
    return max(1, achieved - achieved % 5)


def article_projects() -> list[DemoProject]:
    """The 2008–2012 projects, each taken to closed with an accepted acceptance."""
    demo_jobs = apportion(ARTICLE_DEMONSTRATION_JOBS, [row[4] for row in DEMONSTRATION_ROWS])
    machinery_jobs = apportion(ARTICLE_MACHINERY_JOBS, [row[4] for row in MACHINERY_ROWS])
    # Code and dates are filled in below, once each project's rank in its year is known.
    rows: list[DemoProject] = []
    for (year, level, place, cost_m, _w, newcomer, title), jobs in zip(
        DEMONSTRATION_ROWS, demo_jobs, strict=True
    ):
        cost = cost_m * MILLION
        # Within TTLT 125/2009 as shipped: at most 30 % of the eligible cost and 250,000,000 ₫.
        support = min(_floor_million(cost * 28 // 100), 250 * MILLION)
        rows.append(
            DemoProject(
                code="",
                title=title,
                category=C.DEMONSTRATION_MODEL,
                subtype=SubType.NEW_TECHNOLOGY,
                level=level,
                plan_year=year,
                stage=S.CLOSED,
                legacy_place=place,
                newcomer=newcomer,
                eligible_cost=cost,
                support=support,
                expected={JOBS: _expected(jobs), MODELS: 1},
                results={JOBS: jobs, MODELS: 1},
            )
        )
    for (year, level, where, cost_m, _w, machine, count, subtype, owner, title), jobs in zip(
        MACHINERY_ROWS, machinery_jobs, strict=True
    ):
        cost = cost_m * MILLION
        # No cap rule is shipped for machinery before 2014 (the check only warns); the amounts stay
        # within today's TT 28/2018 levels as well, which project_create checks on the day of entry.
        limit = 450 * MILLION if subtype == SubType.PRODUCTION_LINE else 300 * MILLION
        support = min(_floor_million(cost * 40 // 100), limit)
        rows.append(
            DemoProject(
                code="",
                title=title,
                category=C.MACHINERY_APPLICATION,
                subtype=subtype,
                level=level,
                plan_year=year,
                stage=S.CLOSED,
                legacy_place=where,
                newcomer=owner,
                registered=HUNG_LONG if owner is None else "",
                eligible_cost=cost,
                support=support,
                expected={JOBS: _expected(jobs), MACHINES: count},
                results={JOBS: jobs, MACHINES: count},
                machines=tuple((machine, str(n)) for n in range(1, count + 1)),
            )
        )
    for year, level, place, support_m, trainees, women, minority, title in TRAINING_ROWS:
        rows.append(
            DemoProject(
                code="",
                title=title,
                category=C.TRAINING,
                level=level,
                plan_year=year,
                stage=S.CLOSED,
                legacy_place=place,
                eligible_cost=support_m * MILLION,
                support=support_m * MILLION,
                expected={TRAINED: trainees},
                results={TRAINED: trainees},
                trained_women=women,
                trained_ethnic_minority=minority,
            )
        )
    for year, category, level, place, support_m, reached, title in OTHER_ROWS:
        rows.append(
            DemoProject(
                code="",
                title=title,
                category=category,
                level=level,
                plan_year=year,
                stage=S.CLOSED,
                legacy_place=place,
                eligible_cost=support_m * MILLION,
                support=support_m * MILLION,
                expected={SUPPORTED: reached},
                results={SUPPORTED: reached},
            )
        )
    _check_against_article(rows)
    ranks: dict[int, int] = {}
    projects = []
    for row in rows:
        k = ranks.get(row.plan_year, 0)
        ranks[row.plan_year] = k + 1
        projects.append(_with_paperwork(row, k=k))
    return projects


def _check_against_article(rows: Sequence[DemoProject]) -> None:
    """Refuse tables that no longer add up to the article's figures (after an edit, say)."""
    found = {
        "projects": len(rows),
        "models": sum(r.category == C.DEMONSTRATION_MODEL for r in rows),
        "machinery": sum(r.category == C.MACHINERY_APPLICATION for r in rows),
        "years": {r.plan_year for r in rows} <= set(range(ARTICLE_FIRST_YEAR, ARTICLE_LAST_YEAR + 1)),
    }
    wanted = {
        "projects": ARTICLE_PROJECTS,
        "models": ARTICLE_DEMONSTRATION_MODELS,
        "machinery": ARTICLE_MACHINERY_PROJECTS,
        "years": True,
    }
    if found != wanted:
        raise DemoDataError(f"Bảng đề án mẫu không khớp số liệu của bài báo: {found} ≠ {wanted}.")


def _with_paperwork(row: DemoProject, *, k: int) -> DemoProject:
    """Code, dates and documents of a project that went the whole way (k: its rank in its year)."""
    year = row.plan_year
    code = f"KC-LS-{year}-{k + 1:03d}"
    contract_date = _days(dt.date(year, 4, 20), k)
    # Most settle at the approved amount; every fourth a little lower (money not spent is not paid).
    settled = row.support if k % 4 else row.support - _floor_million(row.support * 3 // 100)
    # One plan decision a year per programme: the ministry's for the national one, the department's
    # for the local one. The numbers are made up and carry MH (minh hoạ) so nobody mistakes them for real ones.
    authority = "QĐ-BCT" if row.level == NATIONAL else "QĐ-SCT"
    decision_number = f"MH-{(year - 2000) * 10 + (7 if row.level == NATIONAL else 3)}/{authority}"
    return replace(
        row,
        code=code,
        own_contribution=row.eligible_cost - row.support,
        description=f"{PURPOSE[row.category]}. {ARTICLE_NOTE}",
        # Serial numbers marked MH (minh hoạ): illustrative, like everything else here.
        machines=tuple((name, f"MH-{year}-{k + 1:03d}-{n}") for name, n in row.machines),
        submitted_on=_days(dt.date(year, 2, 2), 3 * k),
        decision_number=decision_number,
        decision_date=dt.date(year, 4, 10),
        contract_number=f"MH-{k + 1:02d}/{year}/HĐ-KC",
        contract_date=contract_date,
        advance=_floor_million(row.support // 2),
        advance_on=_days(contract_date, 10),
        start_date=dt.date(year, 5, 1),
        end_date=dt.date(year, 11, 30),
        held_on=_days(dt.date(year, 11, 3), k),
        settled_amount=settled,
        liquidation_date=_days(dt.date(year, 12, 3), k),
    )


# --- the current programme: one project at each stage ---------------------------------------------


def current_projects() -> list[DemoProject]:
    """A handful of 2025–2026 projects in the post-reform communes, one at each stage of the lifecycle,
    within the caps of TT 28/2018/TT-BTC (30 % and 1,000,000,000 ₫ for a model; 50 % and 300,000,000 ₫
    for machinery, ×1.5 for a production line)."""
    note = CURRENT_NOTE
    return [
        DemoProject(
            code="KC-LS-2025-001",
            title="Đào tạo nghề đan lát mây tre theo mẫu hàng mới",
            category=C.TRAINING,
            level=LOCAL,
            plan_year=2025,
            stage=S.SETTLED,
            eligible_cost=120 * MILLION,
            support=120 * MILLION,
            registered="Tổ hợp tác mây tre đan Quang Lang",
            description=f"{PURPOSE[C.TRAINING]}. {note}",
            expected={TRAINED: 30},
            results={TRAINED: 32},
            trained_women=25,
            trained_ethnic_minority=30,
            submitted_on=dt.date(2025, 7, 21),
            decision_number="MH-112/QĐ-SCT",
            decision_date=dt.date(2025, 8, 15),
            contract_number="MH-05/2025/HĐ-KC",
            contract_date=dt.date(2025, 8, 25),
            advance=60 * MILLION,
            advance_on=dt.date(2025, 9, 5),
            start_date=dt.date(2025, 9, 1),
            end_date=dt.date(2025, 11, 30),
            held_on=dt.date(2025, 11, 20),
            settled_amount=116_500_000,
            liquidation_date=dt.date(2025, 12, 10),
        ),
        DemoProject(
            code="KC-LS-2026-001",
            title="Mô hình trình diễn chưng cất tinh dầu hồi bằng thiết bị kín",
            category=C.DEMONSTRATION_MODEL,
            subtype=SubType.NEW_TECHNOLOGY,
            level=NATIONAL,
            plan_year=2026,
            stage=S.AWAITING_ACCEPTANCE,
            eligible_cost=1_600 * MILLION,
            support=450 * MILLION,
            own_contribution=1_150 * MILLION,
            registered="Doanh nghiệp tư nhân chế biến hồi Đông Kinh",
            description=f"{PURPOSE[C.DEMONSTRATION_MODEL]}. {note}",
            expected={JOBS: 20, MODELS: 1},
            submitted_on=dt.date(2026, 2, 10),
            decision_number="MH-58/QĐ-BCT",
            decision_date=dt.date(2026, 4, 2),
            contract_number="MH-02/2026/HĐ-KC",
            contract_date=dt.date(2026, 4, 20),
            advance=200 * MILLION,
            advance_on=dt.date(2026, 5, 5),
            start_date=dt.date(2026, 5, 1),
            end_date=dt.date(2026, 10, 31),
        ),
        DemoProject(
            code="KC-LS-2026-002",
            title="Hỗ trợ máy cắt vải tự động và máy may lập trình",
            category=C.MACHINERY_APPLICATION,
            subtype=SubType.EQUIPMENT,
            level=LOCAL,
            plan_year=2026,
            stage=S.IN_PROGRESS,
            eligible_cost=560 * MILLION,
            support=250 * MILLION,
            own_contribution=310 * MILLION,
            registered="Công ty TNHH may mặc Kỳ Lừa",
            description=f"{PURPOSE[C.MACHINERY_APPLICATION]}. {note}",
            expected={JOBS: 25, MACHINES: 3},
            submitted_on=dt.date(2026, 2, 12),
            decision_number="MH-63/QĐ-SCT",
            decision_date=dt.date(2026, 4, 2),
            contract_number="MH-03/2026/HĐ-KC",
            contract_date=dt.date(2026, 4, 22),
            advance=125 * MILLION,
            advance_on=dt.date(2026, 5, 10),
            start_date=dt.date(2026, 5, 1),
            end_date=dt.date(2026, 12, 15),
        ),
        DemoProject(
            code="KC-LS-2026-003",
            title="Hỗ trợ dây chuyền bóc và sấy ván liên hoàn",
            category=C.MACHINERY_APPLICATION,
            subtype=SubType.PRODUCTION_LINE,
            level=NATIONAL,
            plan_year=2026,
            stage=S.CONTRACTED,
            eligible_cost=900 * MILLION,
            support=420 * MILLION,
            own_contribution=480 * MILLION,
            registered="Hợp tác xã chế biến lâm sản Đồng Đăng",
            description=f"{PURPOSE[C.MACHINERY_APPLICATION]}. {note}",
            expected={JOBS: 15, MACHINES: 1},
            submitted_on=dt.date(2026, 2, 20),
            decision_number="MH-58/QĐ-BCT",
            decision_date=dt.date(2026, 4, 2),
            contract_number="MH-04/2026/HĐ-KC",
            contract_date=dt.date(2026, 5, 15),
            start_date=dt.date(2026, 6, 1),
            end_date=dt.date(2026, 12, 31),
        ),
        DemoProject(
            code="KC-LS-2026-004",
            title="Đề án điểm: mô hình trình diễn sản xuất gạch bê tông bọt",
            category=C.DEMONSTRATION_MODEL,
            subtype=SubType.NEW_TECHNOLOGY,
            level=LOCAL,
            plan_year=2026,
            stage=S.APPROVED,
            is_pilot=True,
            partners="Sở Xây dựng tỉnh Lạng Sơn\nỦy ban nhân dân xã Hữu Lũng",
            eligible_cost=2_400 * MILLION,
            support=700 * MILLION,
            own_contribution=1_700 * MILLION,
            registered="Công ty cổ phần vật liệu xây dựng Hữu Lũng",
            description=(
                "Đề án điểm do Trung tâm phối hợp với ngành xây dựng và chính quyền xã thực hiện. "
                f"{PURPOSE[C.DEMONSTRATION_MODEL]}. {note}"
            ),
            expected={JOBS: 30, MODELS: 1},
            submitted_on=dt.date(2026, 3, 2),
            decision_number="MH-97/QĐ-SCT",
            decision_date=dt.date(2026, 6, 18),
            start_date=dt.date(2026, 7, 1),
            end_date=dt.date(2027, 6, 30),
        ),
        DemoProject(
            code="KC-LS-2026-005",
            title="Hỗ trợ máy phay CNC chế tạo phụ tùng máy nông nghiệp",
            category=C.MACHINERY_APPLICATION,
            subtype=SubType.EQUIPMENT,
            level=LOCAL,
            plan_year=2026,
            stage=S.PROPOSED,
            eligible_cost=480 * MILLION,
            support=200 * MILLION,
            own_contribution=280 * MILLION,
            registered="Cơ sở cơ khí Phú Thịnh",
            description=f"{PURPOSE[C.MACHINERY_APPLICATION]}. {note}",
            expected={JOBS: 6, MACHINES: 1},
            submitted_on=dt.date(2026, 3, 10),
        ),
        DemoProject(
            code="KC-LS-2026-006",
            title="Xây dựng nhãn hiệu và bao bì cho bánh khảo, miến dong",
            category=C.PRODUCT_DEVELOPMENT,
            level=LOCAL,
            plan_year=2026,
            stage=S.UNDER_APPRAISAL,
            eligible_cost=110 * MILLION,
            support=80 * MILLION,
            own_contribution=30 * MILLION,
            registered="Hộ kinh doanh chế biến thực phẩm Hoa Sen",
            description=f"{PURPOSE[C.PRODUCT_DEVELOPMENT]}. {note}",
            expected={SUPPORTED: 1},
            submitted_on=dt.date(2026, 3, 16),
        ),
        DemoProject(
            code="KC-LS-2026-007",
            title="Tư vấn chuyển đổi số cho cơ sở công nghiệp nông thôn",
            category=C.CONSULTING_INFORMATION,
            level=LOCAL,
            plan_year=2026,
            stage=S.SUBMITTED,
            eligible_cost=60 * MILLION,
            support=60 * MILLION,
            current_place="Tam Thanh",
            description=f"{PURPOSE[C.CONSULTING_INFORMATION]}. {note}",
            expected={SUPPORTED: 12},
            submitted_on=dt.date(2026, 10, 5),
        ),
        DemoProject(
            code="KC-LS-2026-008",
            title="Mô hình trình diễn tái chế nhựa phế liệu thành hạt nhựa",
            category=C.DEMONSTRATION_MODEL,
            subtype=SubType.NEW_TECHNOLOGY,
            level=LOCAL,
            plan_year=2026,
            stage=S.DRAFT,
            eligible_cost=1_800 * MILLION,
            support=500 * MILLION,
            own_contribution=1_300 * MILLION,
            registered=HUNG_LONG,
            creator=REPRESENTATIVE,  # the business drafts its own application
            description=f"Hồ sơ do cơ sở tự lập, chưa nộp. {PURPOSE[C.DEMONSTRATION_MODEL]}. {note}",
            expected={JOBS: 20, MODELS: 1},
        ),
    ]


def demo_projects() -> list[DemoProject]:
    return [*article_projects(), *current_projects()]


# --- building --------------------------------------------------------------------------------------


class _Places:
    """Lạng Sơn's communes, old and new, found by full or short name, with or without diacritics.

    A short name shared by two communes of one old district (Thị trấn Chi Lăng and Xã Chi Lăng) is
    refused as ambiguous: such a place is named in full.
    """

    def __init__(self) -> None:
        self.legacy: dict[tuple[str, str], list[AdministrativeUnit]] = {}
        for unit in AdministrativeUnit.objects.filter(
            generation=Generation.LEGACY, level=Level.COMMUNE, parent__parent__code=PROVINCE
        ).select_related("parent"):
            district = fold(unit.parent.short_name) if unit.parent else ""
            for name in {fold(unit.name), fold(unit.short_name)}:
                self.legacy.setdefault((district, name), []).append(unit)
        self.current: dict[str, list[AdministrativeUnit]] = {}
        for unit in AdministrativeUnit.objects.filter(
            generation=Generation.CURRENT, level=Level.COMMUNE, parent__code=PROVINCE
        ):
            for name in {fold(unit.name), fold(unit.short_name)}:
                self.current.setdefault(name, []).append(unit)

    @staticmethod
    def _one(found: list[AdministrativeUnit] | None, what: str) -> AdministrativeUnit:
        if not found:
            raise DemoDataError(f"Không thấy {what} của Lạng Sơn.")
        if len(found) > 1:
            raise DemoDataError(f"Tên {what} chỉ nhiều đơn vị; hãy ghi tên đầy đủ.")
        return found[0]

    def old(self, district: str, commune: str) -> AdministrativeUnit:
        return self._one(
            self.legacy.get((fold(district), fold(commune))), f"xã/phường cũ {commune} ({district})"
        )

    def new(self, commune: str) -> AdministrativeUnit:
        return self._one(self.current.get(fold(commune)), f"xã/phường {commune} (sau 01/07/2025)")


def origin_commune(current: AdministrativeUnit) -> AdministrativeUnit:
    """The pre-reform commune a current one came from: the one of the same name, else the first."""
    communes = [u for u in legacy_units_for(current) if u.level == Level.COMMUNE]
    if not communes:
        raise DemoDataError(f"{current.name} không có xã/phường cũ nào được ghi nhận.")
    same_name = [u for u in communes if fold(u.short_name) == fold(current.short_name)]
    return (same_name or communes)[0]


def _user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise DemoDataError(f"Thiếu người dùng mẫu “{username}”: hãy chạy load_demo.")
    return user


def _registered(name: str) -> Establishment:
    key = " ".join(search_tokens(name))
    found = Establishment.objects.active().filter(name_key=key).order_by("pk").first()
    if found is None:
        raise DemoDataError(f"Thiếu cơ sở mẫu “{name}” trong danh bạ mẫu.")
    return found


def _register(newcomer: Newcomer, *, commune: AdministrativeUnit, actor: User) -> tuple[Establishment, bool]:
    """The establishment, registered through the registry's service unless it is there already."""
    key = " ".join(search_tokens(newcomer.name))
    existing = Establishment.objects.filter(commune=commune, name_key=key).first()
    if existing is not None:
        return existing, False
    created = establishment_services.establishment_create(
        actor=actor,
        data={
            "name": newcomer.name,
            "legal_form": newcomer.legal_form,
            "sector": newcomer.sector,
            "workers": newcomer.workers,
            "women_workers": newcomer.women,
            "ethnic_minority_workers": newcomer.minority,
            "products": newcomer.products,
            "address": f"{commune.name}, tỉnh Lạng Sơn",
            "commune": commune,
        },
    )
    return created, True


@dataclass
class BuildReport:
    projects_created: int = 0
    establishments_created: int = 0


def _place_and_beneficiary(
    spec: DemoProject, places: _Places, officer: User, report: BuildReport
) -> tuple[AdministrativeUnit, list[Establishment]]:
    """Where the project sits and whom it supports (registering a new beneficiary if need be)."""
    named = [_registered(spec.registered)] if spec.registered else []
    if spec.legacy_place is not None:
        unit = places.old(*spec.legacy_place)
        if spec.newcomer is None:
            return unit, named
        # Registered today, so in the current commune that the old one became (its default successor).
        registry_commune = default_successor(unit)
        if registry_commune is None:
            raise DemoDataError(f"{unit} không có đơn vị kế thừa sau 01/07/2025.")
        beneficiary, created = _register(spec.newcomer, commune=registry_commune, actor=officer)
        report.establishments_created += int(created)
        return unit, [beneficiary]
    if spec.current_place:
        return places.new(spec.current_place), named
    if not named:
        raise DemoDataError(f"{spec.code}: cần nêu địa điểm hoặc cơ sở thụ hưởng.")
    # The beneficiary's place: its current commune, or before the reform the old one it came from.
    commune = named[0].commune
    return (origin_commune(commune) if spec.plan_year < REFORM_DATE.year else commune), named


def _budget(spec: DemoProject) -> dict[str, int]:
    fund = "central" if spec.level == NATIONAL else "provincial"
    budget = {fund: spec.support}
    if spec.own_contribution:
        budget["beneficiary"] = spec.own_contribution
    return budget


def _checklist_met(project: Project) -> dict[int, tuple[str, str]]:
    """The demo's councils find every point of the project's acceptance checklist met."""
    return {item.pk: (ChecklistAnswer.MET, "") for item in services.checklist_items(project)}


def _take_through(spec: DemoProject, project: Project, *, officer: User, leader: User, creator: User) -> None:
    """Walk the project along the lifecycle up to `spec.stage`, one service call per user action."""
    if not spec.reaches(S.SUBMITTED):
        return
    project = services.project_submit(project=project, actor=creator, on=spec.submitted_on)
    if not spec.reaches(S.UNDER_APPRAISAL):
        return
    project = services.project_transition(project=project, to=S.UNDER_APPRAISAL, actor=officer)
    # A demo council (khuyencong/appraisal/demo.py) scores it; the officer's conclusion proposes it.
    if not spec.reaches(S.PROPOSED):
        appraisal_demo.start(project, officer=officer)
        return
    project = appraisal_demo.appraise(project, officer=officer)
    if not spec.reaches(S.APPROVED):
        return
    assert spec.decision_date is not None
    project = services.project_approve(
        project=project, actor=leader, decision_number=spec.decision_number, decision_date=spec.decision_date
    )
    if not spec.reaches(S.CONTRACTED):
        return
    assert spec.contract_date is not None
    project = services.project_contract(
        project=project,
        actor=officer,
        contract_number=spec.contract_number,
        contract_date=spec.contract_date,
        contract_amount=spec.support,
    )
    if not spec.reaches(S.IN_PROGRESS):
        return
    project = services.project_transition(project=project, to=S.IN_PROGRESS, actor=officer)
    if spec.advance and spec.advance_on is not None:
        services.project_record_advance(
            project=project,
            actor=officer,
            amount_vnd=spec.advance,
            paid_on=spec.advance_on,
            note="Tạm ứng đợt 1",
        )
    if not spec.reaches(S.AWAITING_ACCEPTANCE):
        return
    project = services.project_transition(project=project, to=S.AWAITING_ACCEPTANCE, actor=officer)
    if not spec.reaches(S.ACCEPTED):
        return
    assert spec.held_on is not None and spec.liquidation_date is not None
    services.project_record_acceptance(
        project=project,
        actor=officer,
        held_on=spec.held_on,
        accepted=True,
        results=spec.results,
        trained_women=spec.trained_women,
        trained_ethnic_minority=spec.trained_ethnic_minority,
        machines=spec.machines,
        notes="Hội đồng nghiệm thu tại cơ sở: đạt yêu cầu.",
        checklist=_checklist_met(project),
    )
    if not spec.reaches(S.SETTLED):
        return
    project = services.project_settle(
        project=project,
        actor=officer,
        settled_amount=spec.settled_amount,
        liquidation_date=spec.liquidation_date,
    )
    if spec.reaches(S.CLOSED):
        services.project_transition(project=project, to=S.CLOSED, actor=officer)


def build_project(
    spec: DemoProject,
    *,
    places: _Places | None = None,
    officer: User | None = None,
    leader: User | None = None,
    report: BuildReport | None = None,
) -> Project:
    """Create one demo project through the services and take it to its stage."""
    places = places or _Places()
    officer = officer or _user(OFFICER)
    leader = leader or _user(LEADER)
    report = report if report is not None else BuildReport()
    creator = officer if spec.creator == OFFICER else _user(spec.creator)
    unit, beneficiaries = _place_and_beneficiary(spec, places, officer, report)
    project = services.project_create(
        actor=creator,
        data={
            "code": spec.code,
            "title": spec.title,
            "category": spec.category,
            "subtype": spec.subtype,
            "level": spec.level,
            "is_pilot": spec.is_pilot,
            "partners": spec.partners,
            "plan_year": spec.plan_year,
            "implementing_unit": CENTRE,
            "unit": unit,
            "description": spec.description,
            "start_date": spec.start_date,
            "end_date": spec.end_date,
            "eligible_cost": spec.eligible_cost,
            "is_demo": True,
        },
        beneficiaries=beneficiaries,
        budget=_budget(spec),
        expected=spec.expected,
    )
    _take_through(spec, project, officer=officer, leader=leader, creator=creator)
    report.projects_created += 1
    project.refresh_from_db()
    return project


@transaction.atomic
def build_demo_projects(
    *, province: str = PROVINCE, specs: Iterable[DemoProject] | None = None
) -> BuildReport:
    """Build every demo project whose code is not taken yet, and report what was created.

    Only for a Lạng Sơn (or nationwide) installation whose geography is loaded; otherwise nothing.
    """
    report = BuildReport()
    if province not in (PROVINCE, "all"):
        return report
    places = _Places()
    if not places.legacy or not places.current:
        return report  # no geography loaded: nowhere to place a project
    wanted = list(specs if specs is not None else demo_projects())
    taken = set(
        Project.objects.filter(code_key__in=[code_key(s.code) for s in wanted]).values_list(
            "code_key", flat=True
        )
    )
    todo = [spec for spec in wanted if code_key(spec.code) not in taken]
    if not todo:
        return report
    officer, leader = _user(OFFICER), _user(LEADER)
    for spec in todo:
        build_project(spec, places=places, officer=officer, leader=leader, report=report)
    appraisal_demo.close_finished(officer=officer)
    return report
