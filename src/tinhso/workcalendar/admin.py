from django.contrib import admin

from tinhso.workcalendar.models import CalendarDay, WorkingHours


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("day", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "day"
    search_fields = ("name",)


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    list_display = ("organ", "blocks", "weekdays")
    raw_id_fields = ("organ",)
