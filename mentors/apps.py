from django.apps import AppConfig


class MentorsConfig(AppConfig):
    name = "mentors"
    verbose_name = "Mentors"

    def ready(self) -> None:
        from mentors.panels import plan_panel
        from mentors.selectors import mentor_line_for_plan
        from plans import hooks

        if mentor_line_for_plan not in hooks.mentor_line_providers:
            hooks.mentor_line_providers.append(mentor_line_for_plan)
        if plan_panel not in hooks.plan_panel_providers:
            hooks.plan_panel_providers.append(plan_panel)
