from django.urls import path

from recommendations import views

app_name = "recommendations"

urlpatterns = [
    path("", views.home, name="home"),
    path("recommendations/<str:reference>/", views.detail, name="detail"),
]
