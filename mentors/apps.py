from django.apps import AppConfig


class MentorsConfig(AppConfig):
    name = "mentors"
    verbose_name = "Mentors"

    def ready(self) -> None:
        from mentors.selectors import mentor_line_for_plan
        from plans import hooks

        if mentor_line_for_plan not in hooks.mentor_line_providers:
            hooks.mentor_line_providers.append(mentor_line_for_plan)
