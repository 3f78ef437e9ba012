from django.contrib.sitemaps.views import sitemap
from django.urls import path

from kb import diagnose, index_pages, site_files, views
from kb.sitemaps import SITEMAPS

app_name = "kb"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("diagnose/", diagnose.diagnose, name="diagnose"),
    path("providers/", index_pages.provider_index, name="providers"),
    path("providers/<slug:slug>/", views.provider_detail, name="provider"),
    path("categories/", index_pages.category_index, name="categories"),
    path("categories/<slug:slug>/", views.category_detail, name="category"),
    path("errors/", index_pages.error_index, name="errors"),
    path(
        "errors/<slug:provider>/", index_pages.provider_errors, name="provider_errors"
    ),
    path("errors/<slug:provider>/<str:code>/", views.error_detail, name="error"),
    path(
        "errors/<slug:provider>/<str:code>/checklist/",
        views.error_checklist,
        name="error_checklist",
    ),
    path(
        "errors/<slug:provider>/<str:code>/feedback/",
        views.error_feedback,
        name="error_feedback",
    ),
    path("guides/", index_pages.guide_index, name="guides"),
    path("guides/<slug:slug>/", views.guide_detail, name="guide"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", site_files.robots_txt, name="robots_txt"),
    path("favicon.ico", site_files.favicon),
]
