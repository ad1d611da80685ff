from django.shortcuts import get_object_or_404, render

from recommendations.models import Recommendation, Status


def home(request):
    recommendations = Recommendation.objects.for_home()
    return render(
        request,
        "recommendations/home.html",
        {"recommendations": recommendations, "statuses": Status},
    )


def detail(request, reference):
    recommendation = get_object_or_404(Recommendation.objects.for_detail(), reference=reference)
    return render(request, "recommendations/detail.html", {"recommendation": recommendation})
