from django.urls import path

from tinhso.documents import (
    chains_views,
    incoming_views,
    search_views,
    stats_views,
    takeback_views,
    views,
)

app_name = "documents"

DEN = "backoffice/van-ban/den/"
CHAINS = "backoffice/van-ban/quy-trinh-duyet/"

urlpatterns = [
    path("backoffice/van-ban/", views.index, name="index"),
    path("backoffice/van-ban/tim-kiem/", search_views.search, name="search"),
    path("backoffice/van-ban/di/moi/", views.draft, name="draft"),
    path("backoffice/van-ban/di/<int:pk>/", views.detail, name="detail"),
    path("backoffice/van-ban/di/<int:pk>/thao-tac/", views.act, name="act"),
    path("backoffice/van-ban/di/<int:pk>/sua/", views.edit, name="edit"),
    path("backoffice/van-ban/di/<int:pk>/thu-hoi/", takeback_views.take_back, name="take_back"),
    path("backoffice/van-ban/mat/moi/", views.classified, name="classified"),
    path("backoffice/van-ban/den/moi/", incoming_views.receive, name="receive"),
    path(
        "backoffice/van-ban/den/<int:pk>/", incoming_views.incoming_detail, name="incoming_detail"
    ),
    path(
        "backoffice/van-ban/den/<int:pk>/thao-tac/",
        incoming_views.incoming_act,
        name="incoming_act",
    ),
    path("backoffice/van-ban/quy-trinh-duyet/", chains_views.chain_list, name="chains"),
    path("backoffice/van-ban/quy-trinh-duyet/moi/", chains_views.chain_create, name="chain_create"),
    path(
        "backoffice/van-ban/quy-trinh-duyet/<int:pk>/", chains_views.chain_edit, name="chain_edit"
    ),
    path("backoffice/van-ban/so/", views.registers_list, name="registers"),
    path("backoffice/van-ban/so/<int:pk>/", views.register, name="register"),
    path("backoffice/van-ban/tep/<int:pk>/", views.file, name="file"),
    path("backoffice/van-ban/thong-ke/", stats_views.dashboard, name="stats"),
    path("backoffice/van-ban/thong-ke/danh-sach/", stats_views.counted_list, name="stats_list"),
    path("backoffice/van-ban/thong-ke/excel/", stats_views.export, name="stats_excel"),
]
