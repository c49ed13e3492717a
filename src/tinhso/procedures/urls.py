from django.urls import path

from tinhso.procedures import views

app_name = "procedures"

urlpatterns = [
    path("", views.search, name="search"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/to-khai/", views.form_print, name="form_print"),
    path("<str:code>/to-khai.docx", views.form_docx, name="form_docx"),
]
