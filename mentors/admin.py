from django.contrib import admin

from mentors.models import Invite, MentorProfile, Mentorship, Nudge


@admin.register(MentorProfile)
class MentorProfileAdmin(admin.ModelAdmin):
    list_display = ("id", "display_name", "created_at")


@admin.register(Invite)
class InviteAdmin(admin.ModelAdmin):
    list_display = ("id", "mentor", "label", "expires_at", "max_uses", "used_count", "revoked_at")
    readonly_fields = ("token_hash",)


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    list_display = ("id", "mentor", "plan", "share_progress", "ended_at", "created_at")


@admin.register(Nudge)
class NudgeAdmin(admin.ModelAdmin):
    list_display = ("id", "mentorship", "created_at", "emailed_at")
