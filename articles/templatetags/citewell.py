from django import template

register = template.Library()


@register.filter
def period(text):
    """End a citation element with a full stop unless it already has closing punctuation."""
    text = str(text).strip()
    return text if not text or text[-1] in ".?!" else f"{text}."
