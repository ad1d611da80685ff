from django.urls import path

from recommendations import feeds, views

app_name = "recommendations"

urlpatterns = [
    path("", views.home, name="home"),
    path("recommendations/", views.recommendation_list, name="list"),
    path("recommendations/export.csv", views.export_csv, name="export_csv"),
    path("recommendations/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("recommendations/<str:reference>/", views.detail, name="detail"),
    path("report/", views.report, name="report"),
    path("report.pdf", views.report_pdf, name="report_pdf"),
    path("report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("report.csv", views.report_csv, name="report_csv"),
    path("organisations/<slug:slug>/", views.organisation, name="organisation"),
    path("organisations/<slug:slug>/feed/", feeds.OrganisationFeed(), name="organisation_feed"),
    path("topics/<str:code>/", views.topic, name="topic"),
    path("topics/<str:code>/feed/", feeds.TopicFeed(), name="topic_feed"),
    path("feed/", feeds.LatestUpdatesFeed(), name="feed"),
]
