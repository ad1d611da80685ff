from django.urls import path

from recommendations.views import dashboard, downloads, editions, feeds, pages

app_name = "recommendations"

urlpatterns = [
    path("", dashboard.home, name="home"),
    path("recommendations/", pages.recommendation_list, name="list"),
    path("recommendations/export.csv", downloads.export_csv, name="export_csv"),
    path("recommendations/export.xlsx", downloads.export_xlsx, name="export_xlsx"),
    path("recommendations/<str:reference>/", pages.detail, name="detail"),
    path("report/", downloads.report, name="report"),
    path("report.pdf", downloads.report_pdf, name="report_pdf"),
    path("report.xlsx", downloads.report_xlsx, name="report_xlsx"),
    path("report.csv", downloads.report_csv, name="report_csv"),
    path("report.docx", downloads.report_docx, name="report_docx"),
    path("organisations/", pages.organisations, name="organisations"),
    path("organisations/<slug:slug>/", pages.organisation, name="organisation"),
    path("organisations/<slug:slug>/feed/", feeds.OrganisationFeed(), name="organisation_feed"),
    path("topics/<str:code>/", pages.topic, name="topic"),
    path("topics/<str:code>/feed/", feeds.TopicFeed(), name="topic_feed"),
    path("feed/", feeds.LatestUpdatesFeed(), name="feed"),
    path("reports/", editions.reports, name="reports"),
    path("reports/<int:council>/", editions.edition, name="edition_current"),
    path("reports/<int:council>/<int:number>/", editions.edition, name="edition"),
    path("reports/<int:council>/<str:name>", editions.edition_file, name="edition_file_current"),
    path(
        "reports/<int:council>/<int:number>/<str:name>", editions.edition_file, name="edition_file"
    ),
]
