from django.contrib.auth import views as auth_views
from django.urls import path

from tinhso.web import account_views, oidc_views, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("oidc/authenticate/", oidc_views.authenticate, name="oidc_authenticate"),
    path("oidc/callback/", oidc_views.callback, name="oidc_callback"),
    path("dang-ky/", account_views.signup, name="signup"),
    path("dang-ky/xac-thuc/<str:token>/", account_views.verify_email, name="verify_email"),
    path("backoffice/", views.backoffice, name="backoffice"),
    path("backoffice/organs/", views.organ_list, name="organ_list"),
]
