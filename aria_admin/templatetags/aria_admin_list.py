"""{% aria_result_list cl %}: Django's result_list with rows rendered in
Python (aria_admin.admin.result_list); same template, same markup."""

from django import template
from django.contrib.admin.templatetags.base import InclusionAdminNode

from aria_admin.admin.result_list import result_list

register = template.Library()


@register.tag(name="aria_result_list")
def aria_result_list_tag(parser, token):
    return InclusionAdminNode(
        "aria_result_list",
        parser,
        token,
        func=result_list,
        template_name="change_list_results.html",
        takes_context=False,
    )
