# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""English left on a screen rendered in Chinese.

:func:`untranslated_labels` renders the views of a window action as the web
client asks for them (``get_views`` with the user's language) and returns every
label a user reads (field labels, column titles, button and tab strings,
selection values, static text) that still has an English word in it.
"""

import re

from lxml import etree

# words that stay as they are in Chinese (protocol and product names)
KEEP = {
    "SMS",
    "IVR",
    "VIP",
    "PBX",
    "DID",
    "URL",
    "AMI",
    "CSV",
    "PDF",
    "SIP",
    "ID",
    "DSO",
    "Peppol",
    # SMS providers' and HTTP's own words (阿里云 AccessKey, 腾讯云 SDK App ID)
    "AccessKey",
    "SDK",
    "App",
    "HTTP",
    "GET",
    "POST",
    "JSON",
    "Odoo",
    "IAP",
    # checksums (SHA-256)
    "SHA",
}
WORD = re.compile(r"[A-Za-z]{2,}")
LABEL_ATTRIBUTES = ("string", "placeholder", "confirm", "sum", "title", "help")
# nodes whose text is not read as a label
SKIP_TEXT = {"field", "script", "style", "t"}


CJK = re.compile(r"[\u4e00-\u9fff]")


def english_words(text):
    """English words of a label; none once it has Chinese in it (a translated
    placeholder keeps its example, "例如：https://...")."""
    if CJK.search(text or ""):
        return []
    return [word for word in WORD.findall(text or "") if word not in KEEP]


def _hidden(node):
    return any(
        (node.get(attribute) or "").strip() in ("1", "True", "true")
        for attribute in ("invisible", "column_invisible")
    )


def _labels(node, model, models, found, ignore):
    if not isinstance(node.tag, str) or _hidden(node) or node.get("name") in ignore:
        return
    fields = models.get(model, {}).get("fields", {})
    for attribute in LABEL_ATTRIBUTES:
        # the search view's own string is not shown (Odoo's generated
        # default search view puts the model's untranslated _description there)
        if node.get(attribute) and not (node.tag == "search" and attribute == "string"):
            found.add(node.get(attribute))
    if node.tag not in SKIP_TEXT and (node.text or "").strip():
        found.add(node.text.strip())
    if node.tag == "field" and node.get("name") in fields:
        description = fields[node.get("name")]
        # a kanban card shows values, not field labels
        in_card = node.xpath("ancestor::kanban")
        if not node.get("string") and node.get("nolabel") != "1" and not in_card:
            found.add(description.get("string") or "")
        if description.get("type") == "selection":
            found.update(label for _value, label in description.get("selection", []))
        if description.get("relation"):
            model = description["relation"]
    for child in node:
        _labels(child, model, models, found, ignore)
        if (child.tail or "").strip() and node.tag not in SKIP_TEXT:
            found.add(child.tail.strip())


def untranslated_labels(env, action_xmlid, view_types=None, lang="zh_CN", ignore=()):
    """``{view type: sorted labels with English words}`` of a window action."""
    action = env.ref(action_xmlid).sudo()
    model = env[action.res_model].with_context(lang=lang)
    views = [tuple(view) for view in action.views]
    views.append((action.search_view_id.id or False, "search"))
    if view_types:
        views = [(view_id, mode) for view_id, mode in views if mode in view_types]
    # Odoo generates the activity view with the model's untranslated
    # _description as its string (mail's _get_default_activity_view)
    views = [(view_id, mode) for view_id, mode in views if mode != "activity"]
    result = model.get_views(views, {"load_filters": False})
    report = {}
    for mode, view in result["views"].items():
        found = set()
        _labels(
            etree.fromstring(view["arch"]),
            model._name,
            result["models"],
            found,
            set(ignore),
        )
        english = sorted(label for label in found if english_words(label))
        if english:
            report[mode] = english
    return report


def untranslated_view_labels(env, model_name, view_types, lang="zh_CN", ignore=()):
    """The same for a model's default views (forms opened from a button)."""
    model = env[model_name].with_context(lang=lang)
    result = model.get_views([(False, mode) for mode in view_types])
    report = {}
    for mode, view in result["views"].items():
        found = set()
        _labels(
            etree.fromstring(view["arch"]),
            model_name,
            result["models"],
            found,
            set(ignore),
        )
        english = sorted(label for label in found if english_words(label))
        if english:
            report[mode] = english
    return report


def load_chinese(env):
    """Activate zh_CN with the terms of every installed module (Odoo's and
    OCA's too: a screen mixes their labels with the hotline's)."""
    env["res.lang"]._activate_lang("zh_CN")
    modules = env["ir.module.module"].search([("state", "=", "installed")])
    env["ir.module.module"]._load_module_terms(
        modules.mapped("name"), ["zh_CN"], overwrite=True
    )


def menu_window_actions(env, root_menu):
    """External ids of the window actions of the menus under ``root_menu``
    that ``env.user`` sees."""
    Menu = env["ir.ui.menu"]
    root = env.ref(root_menu)
    xmlids = []
    for menu in Menu.browse(Menu._visible_menu_ids()):
        action = menu.sudo().action
        if (
            menu.parent_path.startswith(root.parent_path)
            and action
            and action._name == "ir.actions.act_window"
        ):
            xmlids.append(action.get_external_id()[action.id])
    return xmlids


def untranslated_menu_labels(env, actions, lang="zh_CN", ignore=()):
    """``{action: {view type: labels}}`` of the given window actions."""
    report = {}
    for xmlid in actions:
        labels = untranslated_labels(env, xmlid, lang=lang, ignore=ignore)
        if labels:
            report[xmlid] = labels
    return report
