"""The downloadable template: the columns' Chinese headers, one example row, and a second sheet
saying what each column takes.

The example is marked (``SAMPLE_MARK`` starts its first cell) and made up, at an address of
示例路: an import skips a marked row, so the template uploaded as downloaded changes nothing,
and a row whose mark was deleted still names nobody in the register."""

import csv
import io

import openpyxl
from django.utils.translation import gettext as _

from .columns import COLUMNS, SAMPLE_MARK

EXAMPLES = {
    "households": {
        "head_name": f"{SAMPLE_MARK}张秀兰", "road": "示例路", "building": "1", "unit": "1", "room": "101",
        "phone": "0571-82345678", "tenure": "自住", "tags": "独居", "name": "张秀兰", "sex": "女",
        "date_of_birth": "1940-05-12", "id_number": "", "mobile": "13900001111", "relation": "本人",
        "categories": "独居老人、依赖医疗设备", "health_notes": "依赖家用呼吸机", "emergency_contact": "张明",
        "emergency_phone": "13900002222",
    },
    "shops": {
        "name": f"{SAMPLE_MARK}示例便利店", "road": "示例路", "building": "", "room": "8号", "business_type": "零售",
        "street_front": "是", "operator": "赵老板", "phone": "13900004444", "licence": "91330100MA2", "notes": "",
    },
}  # fmt: skip


def header(column):
    return f"{column.header}*" if column.required else column.header


def xlsx(kind):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = _("Register")
    columns = COLUMNS[kind]
    sheet.append([header(c) for c in columns])
    sheet.append([EXAMPLES[kind][c.key] for c in columns])
    for i, column in enumerate(columns, start=1):
        letter = openpyxl.utils.get_column_letter(i)
        sheet.column_dimensions[letter].width = max(10, len(column.header) * 3)
        # Text cells: Excel would turn an 18-digit ID number or a phone into a rounded number.
        for cell in sheet[letter][:1000]:
            cell.number_format = "@"
    help_sheet = workbook.create_sheet(_("Columns"))
    help_sheet.append([_("Column"), _("Also accepted"), _("Required"), _("What it takes")])
    for column in columns:
        help_sheet.append(
            [column.header, ", ".join(column.aliases), _("yes") if column.required else "", str(column.help)]
        )
    help_sheet.append([])
    help_sheet.append(
        [
            SAMPLE_MARK,
            "",
            "",
            _("A row that starts with %(mark)s is an example: it is never imported.") % {"mark": SAMPLE_MARK},
        ]
    )
    help_sheet.column_dimensions["D"].width = 80
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(kind):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    columns = COLUMNS[kind]
    writer.writerow([header(c) for c in columns])
    writer.writerow([EXAMPLES[kind][c.key] for c in columns])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read it as UTF-8
