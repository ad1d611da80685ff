from django.urls import path

from recommendations import feeds, views

app_name = "recommendations"

urlpatterns = [
    path("", views.home, name="home"),
    path("recommendations/", views.recommendation_list, name="list"),
    path("recommendations/<str:reference>/", views.detail, name="detail"),
    path("organisations/<slug:slug>/", views.organisation, name="organisation"),
    path("organisations/<slug:slug>/feed/", feeds.OrganisationFeed(), name="organisation_feed"),
    path("topics/<str:code>/", views.topic, name="topic"),
    path("topics/<str:code>/feed/", feeds.TopicFeed(), name="topic_feed"),
    path("feed/", feeds.LatestUpdatesFeed(), name="feed"),
]
