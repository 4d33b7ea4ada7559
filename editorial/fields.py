"""The fields editors write, in the model's order: what revisions compare and Markdown files carry."""


def written_fields(model, exclude=()):
    return [
        field.name
        for field in model._meta.get_fields()
        if getattr(field, "editable", False)
        and not field.auto_created
        and not field.one_to_many
        and field.name not in exclude
    ]
