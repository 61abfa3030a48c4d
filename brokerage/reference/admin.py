from django.contrib import admin

from brokerage.reference.models import Area, AreaOutcode, Partner, Programme, Strand, Target


class AreaOutcodeInline(admin.TabularInline):
    model = AreaOutcode
    extra = 1


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "code"]
    inlines = [AreaOutcodeInline]
    prepopulated_fields = {"slug": ["name"]}


class StrandInline(admin.TabularInline):
    model = Strand
    extra = 0
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "start_date", "end_date"]
    inlines = [StrandInline]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["programme", "strand", "area", "measure", "value", "period_start"]
    list_filter = ["programme", "measure"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "partner_type", "standing", "capacity"]
    list_filter = ["partner_type", "standing"]
