"""Thin serializers: reads come from benchmarking.selectors, writes go to benchmarking.services."""

from rest_framework import serializers

from benchmarking.models import Area, Metric, Period, Quality, Value


class MetricSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="code")

    class Meta:
        model = Metric
        fields = [
            "id", "title", "description", "definition", "theme", "value_type", "unit", "decimal_places",
            "polarity", "period_type", "source", "licence", "is_core", "is_illustrative",
        ]  # fmt: skip


class AreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["code", "name", "kind", "tier"]


class PeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = Period
        fields = ["code", "period_type", "starts_on"]


class ValueSerializer(serializers.ModelSerializer):
    metric = serializers.CharField(source="metric.code")
    area = serializers.CharField(source="area.code")
    period = serializers.CharField(source="period.code")
    value = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True, coerce_to_string=False)
    numerator = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True, coerce_to_string=False)
    denominator = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True, coerce_to_string=False)
    ci_lower = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True, coerce_to_string=False)
    ci_upper = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True, coerce_to_string=False)
    quality = serializers.ChoiceField(choices=Quality.choices, allow_blank=True)
    illustrative = serializers.BooleanField(source="metric.is_illustrative")

    class Meta:
        model = Value
        fields = [
            "metric", "area", "period", "value", "numerator", "denominator", "ci_lower", "ci_upper",
            "quality", "note", "updated_at", "illustrative",
        ]  # fmt: skip


class NeighbourSerializer(serializers.Serializer):
    area = AreaSerializer()
    rank = serializers.IntegerField()
    distance = serializers.FloatField(help_text="Rebased: the least similar council of the same kind is 1.")
    explanation = serializers.CharField()


class ValueFilterSerializer(serializers.Serializer):
    metric = serializers.CharField(required=False, max_length=80)
    area = serializers.CharField(required=False, max_length=9)
    period = serializers.CharField(required=False, max_length=16)
    neighbours_of = serializers.CharField(
        required=False, max_length=9, help_text="An area code: only the values of its 15 nearest neighbours and itself."
    )


class LodgeRowSerializer(serializers.Serializer):
    area_code = serializers.CharField(max_length=9)
    metric_id = serializers.CharField(max_length=80)
    period = serializers.CharField(max_length=16)
    value = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=40)
    numerator = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=40)
    denominator = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=40)
    ci_lower = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=40)
    ci_upper = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=40)
    quality = serializers.CharField(required=False, allow_blank=True, max_length=20)
    note = serializers.CharField(required=False, allow_blank=True, max_length=255)


class LodgeBatchSerializer(serializers.Serializer):
    values = LodgeRowSerializer(many=True, max_length=100_000)


class LodgeResultSerializer(serializers.Serializer):
    new = serializers.IntegerField()
    revised = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    problem = serializers.CharField()
    fix = serializers.CharField()
