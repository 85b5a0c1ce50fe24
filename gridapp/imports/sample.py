"""Synthetic register files for the benchmark and the tests: valid rows, in the template's
columns, about two residents per household, each with a distinct valid ID number."""

import csv
import datetime

from gridapp.core.validators import id_check_char

from .columns import HOUSEHOLD_COLUMNS

HEADERS = [c.header for c in HOUSEHOLD_COLUMNS]
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_CATEGORIES = ("", "", "独居老人", "空巢老人、党员", "", "租户")


def id_number(n, date_of_birth):
    """A valid, distinct ID for n < 10**6 per date of birth (the region code carries n's high digits)."""
    body = f"33{n // 1000 % 10000:04d}{date_of_birth:%Y%m%d}{n % 1000:03d}"
    return body + id_check_char(body)


def household_rows(residents, *, start=0, road="基准路", per_household=2):
    """``residents`` rows; resident n lives in household n // per_household."""
    for n in range(start, start + residents):
        h = n // per_household
        head = n % per_household == 0
        born = datetime.date(1930, 1, 1) + datetime.timedelta(days=(n * 37) % 25000)
        name = _SURNAMES[h % len(_SURNAMES)] + f"居民{n}"
        head_name = _SURNAMES[h % len(_SURNAMES)] + f"居民{h * per_household}"
        yield {
            "户主姓名": head_name,
            "地址": road,
            "幢": str(h // 200 + 1),
            "单元": str(h // 20 % 10 + 1),
            "室": str(h % 20 + 101),
            "联系电话": f"0571-8{h % 10**7:07d}",
            "居住性质": "自住" if h % 3 else "租住",
            "户标签": "空巢" if h % 5 == 0 else "",
            "姓名": name,
            "性别": "男" if n % 2 else "女",
            "出生日期": born.isoformat(),
            "身份证号": id_number(n, born),
            "手机": f"139{n % 10**8:08d}",
            "与户主关系": "本人" if head else "配偶",
            "人员类别": _CATEGORIES[n % len(_CATEGORIES)],
            "健康备注": "高血压" if n % 7 == 0 else "",
            "紧急联系人": f"家属{n}",
            "紧急联系电话": f"138{n % 10**8:08d}",
        }


def write_csv(path, rows, *, headers=HEADERS, encoding="utf-8-sig"):
    with open(path, "w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([row.get(h, "") for h in headers])


def write_xlsx(path, rows, *, headers=HEADERS):
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h, "") for h in headers])
    workbook.save(path)
