from django.urls import path

from recommendations.views import alerts, contacts, dashboard, downloads, editions, feeds, pages
from recommendations.views.caching import cached_page

app_name = "recommendations"

# The read-mostly public pages are served through cached_page: ETag, 304 and a rendering kept
# until the data changes (recommendations/views/caching.py).

urlpatterns = [
    path("", cached_page(dashboard.home), name="home"),
    path("recommendations/", cached_page(pages.recommendation_list), name="list"),
    path("recommendations/export.csv", downloads.export_csv, name="export_csv"),
    path("recommendations/export.xlsx", downloads.export_xlsx, name="export_xlsx"),
    path("recommendations/<str:reference>/", cached_page(pages.detail), name="detail"),
    path(
        "recommendations/<str:reference>/feed/",
        feeds.readable_in_browsers(cached_page(feeds.RecommendationFeed())),
        name="recommendation_feed",
    ),
    path("report/", cached_page(downloads.report), name="report"),
    path("report.pdf", downloads.report_pdf, name="report_pdf"),
    path("report.xlsx", downloads.report_xlsx, name="report_xlsx"),
    path("report.csv", downloads.report_csv, name="report_csv"),
    path("report.docx", downloads.report_docx, name="report_docx"),
    path("organisations/", cached_page(pages.organisations), name="organisations"),
    path("organisations/<slug:slug>/", cached_page(pages.organisation), name="organisation"),
    path(
        "organisations/<slug:slug>/feed/",
        feeds.readable_in_browsers(cached_page(feeds.OrganisationFeed())),
        name="organisation_feed",
    ),
    path("topics/<str:code>/", cached_page(pages.topic), name="topic"),
    path(
        "topics/<str:code>/feed/",
        feeds.readable_in_browsers(cached_page(feeds.TopicFeed())),
        name="topic_feed",
    ),
    path("feed/", feeds.readable_in_browsers(cached_page(feeds.LatestUpdatesFeed())), name="feed"),
    path("feed.xsl", feeds.stylesheet, name="feed_stylesheet"),
    # E-mail alerts: forms and signed links, never cached (recommendations/views/alerts.py).
    path("alerts/subscribe/", alerts.subscribe, name="alerts_subscribe"),
    path("alerts/confirm/<str:token>/", alerts.confirm, name="alerts_confirm"),
    path("alerts/unsubscribe/<str:token>/", alerts.unsubscribe, name="alerts_unsubscribe"),
    path("alerts/manage/<str:token>/", alerts.manage, name="alerts_manage"),
    # The recommending organisations' own view: a mailed sign-in link, never cached
    # (recommendations/views/contacts.py).
    path("contacts/", contacts.home, name="contacts_home"),
    path("contacts/sign-in/", contacts.sign_in, name="contacts_sign_in"),
    path("contacts/sign-in/<str:token>/", contacts.sign_in_link, name="contacts_link"),
    path("contacts/sign-out/", contacts.sign_out, name="contacts_sign_out"),
    path("contacts/<str:reference>/", contacts.give_view, name="contacts_view"),
    path("reports/", editions.reports, name="reports"),
    path("reports/<int:council>/", editions.edition, name="edition_current"),
    path("reports/<int:council>/<int:number>/", editions.edition, name="edition"),
    path("reports/<int:council>/<str:name>", editions.edition_file, name="edition_file_current"),
    path(
        "reports/<int:council>/<int:number>/<str:name>", editions.edition_file, name="edition_file"
    ),
]
