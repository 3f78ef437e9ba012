from django.urls import path

from kb import views

app_name = "kb"

urlpatterns = [
    path("", views.home, name="home"),
    path("providers/<slug:slug>/", views.provider_detail, name="provider"),
    path("categories/<slug:slug>/", views.category_detail, name="category"),
    path("errors/<slug:provider>/<str:code>/", views.error_detail, name="error"),
    path("guides/<slug:slug>/", views.guide_detail, name="guide"),
]
